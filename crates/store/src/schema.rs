//! The database schema, one list of migrations per dialect. The two lists differ only in how an
//! id column is declared; every query of this crate is written once for both (`$1` parameters,
//! `RETURNING`, BIGINT everywhere so that sqlx's `Any` driver decodes the same types).

/// Migrations, applied in order; the number applied is kept in `schema_version`.
pub(crate) fn migrations(postgres: bool) -> Vec<String> {
    let id = if postgres {
        "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"
    } else {
        "INTEGER PRIMARY KEY"
    };
    let bytes = if postgres { "BYTEA" } else { "BLOB" };
    vec![
        format!(
            "CREATE TABLE users (
            id {id},
            username TEXT NOT NULL UNIQUE,
            full_name TEXT NOT NULL,
            role TEXT NOT NULL,
            province TEXT,
            password_hash TEXT NOT NULL,
            active BIGINT NOT NULL DEFAULT 1,
            created_at BIGINT NOT NULL
        );
        CREATE TABLE sessions (
            token TEXT PRIMARY KEY,
            user_id BIGINT NOT NULL REFERENCES users(id),
            csrf TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            expires_at BIGINT NOT NULL
        );
        CREATE TABLE rounds (
            id {id},
            name TEXT NOT NULL,
            template TEXT NOT NULL,
            deadline TEXT NOT NULL,
            cutoff TEXT NOT NULL,
            created_at BIGINT NOT NULL
        );
        CREATE TABLE reports (
            id {id},
            round_id BIGINT NOT NULL REFERENCES rounds(id),
            province TEXT NOT NULL,
            state TEXT NOT NULL,
            revision BIGINT NOT NULL,
            content TEXT NOT NULL,
            errors BIGINT NOT NULL,
            warnings BIGINT NOT NULL,
            updated_at BIGINT NOT NULL,
            updated_by BIGINT,
            submitted_at BIGINT,
            UNIQUE (round_id, province)
        );
        CREATE TABLE versions (
            id {id},
            report_id BIGINT NOT NULL REFERENCES reports(id),
            number BIGINT NOT NULL,
            content TEXT NOT NULL,
            state TEXT NOT NULL,
            submitted_at BIGINT NOT NULL,
            submitted_by BIGINT NOT NULL,
            decided_at BIGINT,
            decided_by BIGINT,
            UNIQUE (report_id, number)
        );
        CREATE TABLE comments (
            id {id},
            report_id BIGINT NOT NULL REFERENCES reports(id),
            version BIGINT NOT NULL,
            item TEXT NOT NULL,
            instance TEXT,
            place TEXT NOT NULL,
            body TEXT NOT NULL,
            author BIGINT NOT NULL,
            created_at BIGINT NOT NULL
        );
        CREATE TABLE audit (
            id {id},
            at BIGINT NOT NULL,
            user_id BIGINT,
            username TEXT NOT NULL,
            action TEXT NOT NULL,
            report_id BIGINT,
            item TEXT,
            old TEXT,
            new TEXT
        );
        CREATE INDEX audit_report ON audit(report_id);
        CREATE INDEX comments_report ON comments(report_id);
        CREATE INDEX sessions_user ON sessions(user_id)"
        ),
        // Sessions are kept by the SHA-256 of their cookie token, never the token itself: the
        // sessions opened before (plain tokens) end here.
        "DELETE FROM sessions;
        ALTER TABLE sessions RENAME COLUMN token TO token_hash"
            .to_string(),
        // Word files uploaded to a report (kept with it: nothing from a file is lost), and the
        // text of a file the drafter set aside, listed on the report until someone assigns it to
        // an item or dismisses it.
        format!(
            "CREATE TABLE uploads (
            id {id},
            report_id BIGINT NOT NULL REFERENCES reports(id),
            filename TEXT NOT NULL,
            content {bytes} NOT NULL,
            size BIGINT NOT NULL,
            uploaded_by BIGINT,
            uploaded_at BIGINT NOT NULL,
            applied_at BIGINT,
            applied_revision BIGINT
        );
        CREATE TABLE set_aside (
            id {id},
            report_id BIGINT NOT NULL REFERENCES reports(id),
            upload_id BIGINT NOT NULL REFERENCES uploads(id),
            source TEXT NOT NULL,
            body TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            resolution TEXT,
            resolved_item TEXT,
            resolved_at BIGINT,
            resolved_by BIGINT
        );
        CREATE INDEX uploads_report ON uploads(report_id);
        CREATE INDEX set_aside_report ON set_aside(report_id)"
        ),
        // The district level (issue 12): a district's sheet is a report of its round with the
        // district's code (province reports have ''), so that the workflow, versions, comments
        // and audit serve both; users may belong to a district; a province sets its districts'
        // deadline. SQLite cannot drop the old UNIQUE (round_id, province): the table is rebuilt
        // (foreign keys are off during migrations, see `Store::migrate`). The new column comes
        // last in both dialects (PostgreSQL adds it there), so that a backup restores across them.
        if postgres {
            "ALTER TABLE reports ADD COLUMN district TEXT NOT NULL DEFAULT '';
            ALTER TABLE reports DROP CONSTRAINT reports_round_id_province_key;
            CREATE UNIQUE INDEX reports_unit ON reports(round_id, province, district);
            ALTER TABLE users ADD COLUMN district TEXT;
            CREATE TABLE district_deadlines (
                round_id BIGINT NOT NULL REFERENCES rounds(id),
                province TEXT NOT NULL,
                deadline TEXT NOT NULL,
                PRIMARY KEY (round_id, province)
            )"
            .to_string()
        } else {
            "CREATE TABLE reports_new (
                id INTEGER PRIMARY KEY,
                round_id BIGINT NOT NULL REFERENCES rounds(id),
                province TEXT NOT NULL,
                state TEXT NOT NULL,
                revision BIGINT NOT NULL,
                content TEXT NOT NULL,
                errors BIGINT NOT NULL,
                warnings BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                updated_by BIGINT,
                submitted_at BIGINT,
                district TEXT NOT NULL DEFAULT '',
                UNIQUE (round_id, province, district)
            );
            INSERT INTO reports_new (id, round_id, province, state, revision, content, errors,
                warnings, updated_at, updated_by, submitted_at, district)
            SELECT id, round_id, province, state, revision, content, errors, warnings,
                updated_at, updated_by, submitted_at, '' FROM reports;
            DROP TABLE reports;
            ALTER TABLE reports_new RENAME TO reports;
            ALTER TABLE users ADD COLUMN district TEXT;
            CREATE TABLE district_deadlines (
                round_id BIGINT NOT NULL REFERENCES rounds(id),
                province TEXT NOT NULL,
                deadline TEXT NOT NULL,
                PRIMARY KEY (round_id, province)
            )"
            .to_string()
        },
        // Digital signatures (issue 16): the PDF of a submitted version as the province's leader
        // signed it (kept whole, with what its verification found), the trusted roots the
        // administrator manages, and whether a round requires a signature before acceptance.
        format!(
            "CREATE TABLE signed_pdfs (
            id {id},
            report_id BIGINT NOT NULL REFERENCES reports(id),
            version BIGINT NOT NULL,
            filename TEXT NOT NULL,
            content {bytes} NOT NULL,
            size BIGINT NOT NULL,
            signer TEXT NOT NULL,
            organisation TEXT,
            signed_at BIGINT,
            trusted BIGINT NOT NULL,
            verdict TEXT NOT NULL,
            uploaded_by BIGINT,
            uploaded_at BIGINT NOT NULL
        );
        CREATE INDEX signed_pdfs_report ON signed_pdfs(report_id);
        CREATE TABLE trust_roots (
            id {id},
            name TEXT NOT NULL,
            pem TEXT NOT NULL,
            added_by BIGINT,
            added_at BIGINT NOT NULL
        );
        ALTER TABLE rounds ADD COLUMN require_signature BIGINT NOT NULL DEFAULT 0"
        ),
        // Outlines managed in the web app (issue 15): drafts imported and edited there (the
        // uploaded file kept whole), and the immutable versions published from them, numbered per
        // template id; a round names one as "id@number".
        format!(
            "CREATE TABLE outline_drafts (
            id {id},
            template_key TEXT NOT NULL,
            name TEXT NOT NULL,
            filename TEXT NOT NULL,
            source {bytes} NOT NULL,
            toml TEXT NOT NULL,
            notes TEXT NOT NULL,
            revision BIGINT NOT NULL,
            created_by BIGINT,
            created_at BIGINT NOT NULL,
            updated_by BIGINT,
            updated_at BIGINT NOT NULL
        );
        CREATE TABLE outline_versions (
            id {id},
            template_key TEXT NOT NULL,
            number BIGINT NOT NULL,
            name TEXT NOT NULL,
            toml TEXT NOT NULL,
            draft_id BIGINT,
            published_by BIGINT,
            published_at BIGINT NOT NULL,
            UNIQUE (template_key, number)
        )"
        ),
        // A reviewer's comment has a state (issue 13): open, answered by the province (with its
        // answer), closed by the reviewer.
        "ALTER TABLE comments ADD COLUMN state TEXT NOT NULL DEFAULT 'open';
        ALTER TABLE comments ADD COLUMN answer TEXT;
        ALTER TABLE comments ADD COLUMN answered_by BIGINT;
        ALTER TABLE comments ADD COLUMN answered_at BIGINT;
        ALTER TABLE comments ADD COLUMN closed_at BIGINT"
            .to_string(),
        // Failed logins (issue 14): kept in the database, so that every server process on it
        // throttles the same tries.
        "CREATE TABLE login_failures (
            key TEXT PRIMARY KEY,
            count BIGINT NOT NULL,
            until_ms BIGINT NOT NULL,
            reported BIGINT NOT NULL DEFAULT 0
        )"
        .to_string(),
    ]
}
