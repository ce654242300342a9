//! Group commit on SQLite (`store::batch`): saves and submissions that arrive together are
//! committed together, yet each keeps its own outcome. A stale save or submission changes
//! nothing; a save refused after its first statement (an uploaded file applied twice) is rolled
//! back alone, while the writes committed with it stay; every acknowledged write is in the
//! database, with exactly its audit entries and versions, when the file is opened again.

use std::sync::Arc;

use store::{Actor, Error, ItemChange, NewUser, Role, SaveMeta, State, Store, UploadApplied};

const REPORTS: usize = 40;

fn meta<'a>(changes: &'a [ItemChange], upload: Option<UploadApplied<'a>>) -> SaveMeta<'a> {
    SaveMeta {
        errors: 0,
        warnings: 0,
        action: "sửa báo cáo",
        changes,
        upload,
    }
}

/// Applies uploaded file `upload` to report `id` at revision `base` (content `content`).
async fn apply(
    store: &Store,
    id: i64,
    base: i64,
    content: &str,
    upload: i64,
    uid: i64,
) -> Result<i64, Error> {
    let ch = change("A.1", &format!("\"{content}\""));
    let applied = UploadApplied {
        upload,
        set_aside: &[],
    };
    store
        .save(
            id,
            base,
            content,
            &meta(&ch, Some(applied)),
            Actor::from(&user(uid)),
        )
        .await
}

fn change(item: &str, new: &str) -> Vec<ItemChange> {
    vec![ItemChange {
        item: item.to_string(),
        old: None,
        new: Some(new.to_string()),
    }]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn writes_committed_together_keep_their_own_outcomes() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("db.sqlite").display());
    let store = Arc::new(Store::open(&url).await.unwrap());
    let sys = Actor {
        id: None,
        username: "hệ thống",
    };
    let uid = store
        .create_user(
            &NewUser {
                username: "lanhdao",
                full_name: "Lãnh đạo",
                role: Role::Approver,
                province: Some("01"),
                district: None,
                password_hash: "x",
            },
            sys,
        )
        .await
        .unwrap();
    let round = store
        .create_round("Đợt thử", "kl74", "2026-12-31", "2026-11-30", sys)
        .await
        .unwrap();
    let mut ids = Vec::new();
    for p in 0..REPORTS {
        let id = store
            .ensure_report(round, &format!("{:02}", p + 1), "{}", (0, 0))
            .await
            .unwrap();
        ids.push(id);
    }
    let base = store.report(ids[0]).await.unwrap().info.revision;

    // Every odd report has a Word file applied already; applying it again must be refused
    // after the report's row was updated, in the middle of a batch.
    let mut uploads = vec![None; REPORTS];
    for (i, &id) in ids.iter().enumerate().filter(|(i, _)| i % 2 == 1) {
        let up = store
            .add_upload(id, "bao-cao.docx", b"PK", Actor::from(&user(uid)))
            .await
            .unwrap();
        let rev = apply(&store, id, base, "{\"nhap\":1}", up, uid)
            .await
            .unwrap();
        assert_eq!(rev, base + 1);
        uploads[i] = Some(up);
    }
    let audit_before = store.audit_log(None, 100_000, 0).await.unwrap().len();

    // At once: a save of every report at its current revision, a stale save of every report,
    // and for the odd ones the file applied again.
    let mut tasks = Vec::new();
    for (i, &id) in ids.iter().enumerate() {
        let cur = if i % 2 == 1 { base + 1 } else { base };
        for (kind, at) in [("save", cur), ("stale", cur - 1)] {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                let ch = change("B.1", &format!("\"{kind} {i}\""));
                let content = format!("{{\"{kind}\":{i}}}");
                let r = store
                    .save(id, at, &content, &meta(&ch, None), Actor::from(&user(uid)))
                    .await;
                (i, kind, r)
            }));
        }
        if let Some(up) = uploads[i] {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                let r = apply(&store, id, cur, "{\"nhap\":2}", up, uid).await;
                (i, "again", r)
            }));
        }
    }
    let mut saved = [false; REPORTS];
    for t in tasks {
        let (i, kind, r) = t.await.unwrap();
        match kind {
            "stale" => assert!(matches!(r, Err(Error::Stale { .. })), "{i}: {r:?}"),
            // The file applied again races with the report's save: whichever comes second is
            // refused, as stale, or (first) as a file applied already.
            "again" => assert!(
                matches!(r, Err(Error::AlreadyApplied) | Err(Error::Stale { .. })),
                "{i}: {r:?}"
            ),
            _ => match r {
                Ok(rev) => {
                    assert_eq!(rev, if i % 2 == 1 { base + 2 } else { base + 1 });
                    saved[i] = true;
                }
                Err(e) => panic!("report {i}: {e}"),
            },
        }
    }
    assert!(
        store.largest_batch() > 1,
        "the concurrent writes were committed one by one: group commit not exercised"
    );

    // Each report holds its own save, nothing of the refused ones.
    for (i, &id) in ids.iter().enumerate() {
        let r = store.report(id).await.unwrap();
        assert!(saved[i]);
        assert_eq!(r.content, format!("{{\"save\":{i}}}"), "report {i}");
        assert_eq!(
            r.info.revision,
            if i % 2 == 1 { base + 2 } else { base + 1 }
        );
    }
    // One audit entry per acknowledged save: none of a refused one survives.
    let audit = store.audit_log(None, 100_000, 0).await.unwrap();
    assert_eq!(audit.len() - audit_before, REPORTS);
    assert!(audit
        .iter()
        .all(|a| !a.new.as_deref().unwrap_or("").contains(r#"nhap":2"#)));
    assert!(audit
        .iter()
        .all(|a| !a.new.as_deref().unwrap_or("").starts_with("\"stale")));

    // Submissions at once: each report at its revision, and a stale one of each.
    let mut tasks = Vec::new();
    for (i, &id) in ids.iter().enumerate() {
        let cur = if i % 2 == 1 { base + 2 } else { base + 1 };
        for at in [cur, cur - 1] {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                (
                    i,
                    at == cur,
                    store.submit(id, at, Actor::from(&user(uid))).await,
                )
            }));
        }
    }
    for t in tasks {
        let (i, fresh, r) = t.await.unwrap();
        if fresh {
            assert_eq!(r.unwrap(), 1, "report {i}");
        } else {
            assert!(
                matches!(r, Err(Error::Stale { .. }) | Err(Error::WrongState { .. })),
                "{i}: {r:?}"
            );
        }
    }
    drop(store);

    // Opened again: every acknowledged write is on disk.
    let store = Store::open(&url).await.unwrap();
    for (i, &id) in ids.iter().enumerate() {
        let r = store.report(id).await.unwrap();
        assert_eq!(r.info.state, State::Submitted, "report {i}");
        let v = store.versions(id).await.unwrap();
        assert_eq!(v.len(), 1, "report {i}");
        assert_eq!(v[0].content, format!("{{\"save\":{i}}}"));
    }
    let submitted = store
        .audit_log(None, 100_000, 0)
        .await
        .unwrap()
        .into_iter()
        .filter(|a| a.action == "gửi báo cáo")
        .count();
    assert_eq!(submitted, REPORTS);
}

fn user(id: i64) -> store::User {
    store::User {
        id,
        username: "lanhdao".to_string(),
        full_name: "Lãnh đạo".to_string(),
        role: Role::Approver,
        province: Some("01".to_string()),
        district: None,
        active: true,
        password_hash: String::new(),
    }
}
