//! The demonstration database of `baocao serve --demo`: accounts for every role, and sample
//! reports of several provinces in every workflow state, so that a newcomer can try the whole
//! workflow in a few minutes.

use store::{Actor, NewComment, Role, SaveMeta};

use crate::{auth, ops, App, Error};

/// The password of every demo account.
pub const PASSWORD: &str = "demo2021";

/// The demo accounts besides the administrator ("quantri", same password).
pub const ACCOUNTS: &[(&str, &str, Role, Option<&str>)] = &[
    ("btctw", "Nguyễn Thị Thẩm Định", Role::Reviewer, None),
    ("hagiang.soan", "Lò Văn Soạn", Role::Drafter, Some("02")),
    (
        "hagiang.duyet",
        "Vàng Thị Duyệt",
        Role::Approver,
        Some("02"),
    ),
    ("caobang.soan", "Nông Văn Cao", Role::Drafter, Some("04")),
    (
        "caobang.duyet",
        "Hoàng Thị Bằng",
        Role::Approver,
        Some("04"),
    ),
    ("hanoi.soan", "Trần Văn Hà", Role::Drafter, Some("01")),
    ("hanoi.duyet", "Lê Thị Nội", Role::Approver, Some("01")),
];

/// Provinces with a sample report, and the state it is left in.
const REPORTS: &[(&str, &str)] = &[
    ("01", "accepted"),
    ("04", "returned"),
    ("06", "submitted"),
    ("08", "draft"),
    ("10", "submitted"),
    ("11", "accepted"),
    ("12", "submitted"),
    ("14", "submitted"),
    ("15", "draft"),
    ("17", "submitted"),
];

/// Fills a fresh database (the administrator exists) with the demo.
pub async fn seed(app: &App) -> Result<(), Error> {
    let err = |e: crate::AppError| Error::Demo(e.message);
    let hash = auth::hash_password(PASSWORD).map_err(err)?;
    let sys = crate::SYSTEM;
    let mut ids = std::collections::HashMap::new();
    for (username, name, role, province) in ACCOUNTS {
        let id = app
            .store
            .create_user(
                &store::NewUser {
                    username,
                    full_name: name,
                    role: *role,
                    province: *province,
                    password_hash: &hash,
                },
                sys,
            )
            .await?;
        ids.insert(*username, id);
    }
    let round = app
        .store
        .rounds()
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| Error::Demo("chưa có đợt báo cáo".into()))?;
    let t = app.template(&round.template).map_err(err)?;
    let reviewer = Actor {
        id: ids.get("btctw").copied(),
        username: "btctw",
    };
    for (i, (province, state)) in REPORTS.iter().enumerate() {
        let Some(info) = app
            .store
            .reports(round.id, Some(province))
            .await?
            .into_iter()
            .next()
        else {
            continue;
        };
        let r = report::sample::sample(&t, app.units, province, 20210630 + i as u64)
            .map_err(|e| Error::Demo(e.to_string()))?;
        let (errors, warnings) = ops::counts(&ops::problems(app, &t, &r, false));
        let author = Actor {
            id: None,
            username: "dữ liệu mẫu",
        };
        let rev = app
            .store
            .save(
                info.id,
                info.revision,
                &r.to_json(),
                &SaveMeta {
                    errors,
                    warnings,
                    action: "nhập dữ liệu mẫu",
                    changes: &[],
                    upload: None,
                },
                author,
            )
            .await?;
        if *state == "draft" {
            continue;
        }
        app.store.submit(info.id, rev, author).await?;
        match *state {
            "accepted" => app.store.decide(info.id, true, &[], reviewer).await?,
            "returned" => {
                let comment = NewComment {
                    item: "B.III.1".into(),
                    instance: None,
                    place: "B.III.1".into(),
                    body: "Đề nghị bổ sung số liệu cụ thể về khó khăn, vướng mắc của từng mô hình."
                        .into(),
                };
                app.store
                    .decide(info.id, false, &[comment], reviewer)
                    .await?
            }
            _ => {}
        }
    }
    Ok(())
}
