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

/// District accounts of Hà Giang (user, name, role, district code).
pub const DISTRICT_ACCOUNTS: &[(&str, &str, Role, &str)] = &[
    ("quanba.soan", "Sùng Văn Bạ", Role::DistrictDrafter, "029"),
    (
        "quanba.duyet",
        "Giàng Thị Quản",
        Role::DistrictApprover,
        "029",
    ),
    ("bacme.soan", "Hoàng Văn Mê", Role::DistrictDrafter, "031"),
    ("bacme.duyet", "Ma Thị Bắc", Role::DistrictApprover, "031"),
    (
        "bacquang.soan",
        "Nguyễn Văn Quang",
        Role::DistrictDrafter,
        "034",
    ),
    (
        "bacquang.duyet",
        "Trần Thị Bắc",
        Role::DistrictApprover,
        "034",
    ),
];

/// Hà Giang's district sheets and the state each is left in. Their content is the district
/// sample of seed [`DISTRICT_SEED`], which agrees with Hà Giang's sample report of that seed,
/// so the sheets roll up into it. Hà Giang's own report is left empty (for the newcomer to fill
/// or import).
const SHEETS: &[(&str, &str)] = &[
    ("024", "accepted"),
    ("028", "accepted"),
    ("029", "submitted"),
    ("031", "returned"),
    ("034", "draft"),
];

/// The seed of the demo's district sheets (the same as `baocao sample --province 02 --seed 3`).
pub const DISTRICT_SEED: u64 = 3;

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
    let err = |e: crate::AppError| Error::Demo(e.message().to_string());
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
                    district: None,
                    password_hash: &hash,
                },
                sys,
            )
            .await?;
        ids.insert(*username, id);
    }
    for (username, name, role, district) in DISTRICT_ACCOUNTS {
        let id = app
            .store
            .create_user(
                &store::NewUser {
                    username,
                    full_name: name,
                    role: *role,
                    province: Some("02"),
                    district: Some(district),
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
    seed_sheets(app, &round, &t, &ids).await
}

/// Hà Giang's district sheets in every state, and its districts' deadline (a week before the
/// province's).
async fn seed_sheets(
    app: &App,
    round: &store::Round,
    t: &outline::Template,
    ids: &std::collections::HashMap<&str, i64>,
) -> Result<(), Error> {
    let err = |e: crate::AppError| Error::Demo(e.message().to_string());
    let province_approver = Actor {
        id: ids.get("hagiang.duyet").copied(),
        username: "hagiang.duyet",
    };
    if let Ok(d) = vi::Date::parse_iso(&round.deadline) {
        if let Ok(earlier) = d.plus_days(-7) {
            app.store
                .set_district_deadline(round.id, "02", &earlier.iso(), province_approver)
                .await?;
        }
    }
    for (district, state) in SHEETS {
        let id = crate::district::ensure_sheet(app, round, "02", district)
            .await
            .map_err(err)?;
        let info = app.store.report_info(id).await?;
        let r = report::sample::sample_district(
            t,
            app.units,
            "02",
            district,
            DISTRICT_SEED,
            Default::default(),
        )
        .map_err(|e| Error::Demo(e.to_string()))?;
        let (errors, warnings) = ops::counts(&ops::problems(app, t, &r, false));
        let author = Actor {
            id: None,
            username: "dữ liệu mẫu",
        };
        let rev = app
            .store
            .save(
                id,
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
        app.store.submit(id, rev, author).await?;
        match *state {
            "accepted" => app.store.decide(id, true, &[], province_approver).await?,
            "returned" => {
                let comment = NewComment {
                    item: "chung".into(),
                    instance: None,
                    place: "Ý kiến chung".into(),
                    body: "Đề nghị ghi rõ số, ngày của quyết định thí điểm và bổ sung khó khăn, vướng mắc của huyện."
                        .into(),
                };
                app.store
                    .decide(id, false, &[comment], province_approver)
                    .await?
            }
            _ => {}
        }
    }
    Ok(())
}
