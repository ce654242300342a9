//! Upgrades keep data: `fixtures/schema-1.sqlite` is a database written by the first schema
//! (before sessions were kept as hashes), with the demo's users and round, four reports (drafts,
//! submitted, returned, accepted), their submitted versions, a reviewer's comment, the audit
//! entries and one session with a plain token. Opened with today's code it is migrated to the
//! current schema and every row is still there, unchanged; the plain session is ended.

use sqlx::{Connection, Row};

/// Every row of `table` ordered by id, as text, read straight from the file (no migration).
async fn raw(url: &str, table: &str, columns: &str) -> Vec<String> {
    let mut c = sqlx::AnyConnection::connect(url).await.unwrap();
    sqlx::query(&format!("SELECT {columns} FROM {table} ORDER BY id"))
        .fetch_all(&mut c)
        .await
        .unwrap()
        .iter()
        .map(|r| {
            (0..r.len())
                .map(|i| {
                    r.try_get::<Option<i64>, _>(i)
                        .map(|v| format!("{v:?}"))
                        .or_else(|_| r.try_get::<Option<String>, _>(i).map(|v| format!("{v:?}")))
                        .unwrap()
                })
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect()
}

#[tokio::test]
async fn a_database_of_the_first_schema_opens_with_every_row() {
    sqlx::any::install_default_drivers();
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/schema-1.sqlite"
    );
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = (dir.path().join("old.sqlite"), dir.path().join("new.sqlite"));
    std::fs::copy(fixture, &old).unwrap();
    std::fs::copy(fixture, &new).unwrap();
    let old_url = format!("sqlite://{}", old.display());
    let new_url = format!("sqlite://{}", new.display());

    let tables = [
        (
            "users",
            "id, username, full_name, role, province, password_hash, active, created_at",
        ),
        ("rounds", "id, name, template, deadline, cutoff, created_at"),
        (
            "reports",
            "id, round_id, province, state, revision, content, errors, warnings, updated_at, \
             updated_by, submitted_at",
        ),
        (
            "versions",
            "id, report_id, number, content, state, submitted_at, submitted_by, decided_at, \
             decided_by",
        ),
        (
            "comments",
            "id, report_id, version, item, instance, place, body, author, created_at",
        ),
        (
            "audit",
            "id, at, user_id, username, action, report_id, item, old, new",
        ),
    ];
    let mut before = Vec::new();
    for (t, cols) in tables {
        before.push(raw(&old_url, t, cols).await);
    }
    assert_eq!(
        before.iter().map(Vec::len).collect::<Vec<_>>(),
        [8, 1, 4, 4, 1, 16],
        "the fixture as written"
    );

    let store = store::Store::open(&new_url).await.unwrap();
    let b = store.backup().await.unwrap();
    assert!(b.schema_version >= 2, "migrated to {}", b.schema_version);
    // The reports are readable through today's code.
    let rounds = store.rounds().await.unwrap();
    assert_eq!(rounds.len(), 1);
    store.close().await;

    for ((t, cols), rows) in tables.iter().zip(&before) {
        assert_eq!(&raw(&new_url, t, cols).await, rows, "{t} changed");
    }
    // The session with a plain token did not survive: tokens are kept as hashes now.
    let sessions = b.tables.iter().find(|t| t.name == "sessions").unwrap();
    assert!(sessions.rows.is_empty());
    assert!(sessions.columns.iter().any(|c| c.name == "token_hash"));
}
