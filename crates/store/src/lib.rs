//! baocao's persistence: users, sessions, reporting rounds, reports with their immutable submitted
//! versions, comments of the reviewers and the audit log.
//!
//! One code path for both databases: sqlx's `Any` driver over SQLite (the embedded default, a
//! file in WAL mode with `synchronous=FULL`, so that a committed save survives a crash) or
//! PostgreSQL. Every query is written once (`$1` parameters work in both).
//!
//! Invariants kept here, whatever the caller does:
//! - a report's content changes only through [`Store::save`] (or [`Store::replace`]), which
//!   succeeds only when the caller's base revision is the current one, and only while the report
//!   is a draft or returned: a stale or locked save changes nothing;
//! - a submitted version is a new row of `versions` and is never updated except for its decision;
//! - every change writes its audit entries in the same transaction as the change itself.
//!
//! [`Store::backup`] copies every table in one snapshot while the server runs, and
//! [`Store::restore`] puts such a copy into an empty database of either kind.
//!
//! On SQLite every write goes through one connection (a pool of one): writers queue in process
//! instead of failing with "database is locked", and readers use their own pool (WAL lets them
//! read while a write is in progress). Saves and submissions that wait for that connection are
//! committed together, one `fsync` for all, each answered only after the commit (`batch`).

mod backup;
mod batch;
mod logins;
mod outlines;
mod schema;
mod signed;
pub use logins::LoginFailures;
pub use outlines::{NewOutline, OutlineDraft, OutlineVersion};
pub use signed::{NewSigned, SignedPdf, TrustRoot};

pub use backup::{Backup, Cell, Column, Kind, Table, FORMAT as BACKUP_FORMAT};

use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Row};

/// Errors of the store. Messages are Vietnamese: they can reach a user.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("lỗi cơ sở dữ liệu: {0}")]
    Db(#[from] sqlx::Error),
    #[error("không mở được cơ sở dữ liệu {url}: {}", open_reason(.source))]
    Open { url: String, source: sqlx::Error },
    #[error(
        "báo cáo đã được lưu ở nơi khác (phiên bản {current}) sau khi anh/chị mở nó (phiên bản \
         {base}); nội dung vừa nhập chưa được lưu"
    )]
    Stale { base: i64, current: i64 },
    #[error("báo cáo đang ở trạng thái “{}”, không thể {action}", .state.label())]
    WrongState { state: State, action: &'static str },
    #[error("không tìm thấy {0}")]
    NotFound(&'static str),
    #[error("tên đăng nhập “{0}” đã có")]
    DuplicateUser(String),
    #[error("không tạo được {path}: {reason}")]
    Files { path: String, reason: &'static str },
    #[error("dữ liệu trong cơ sở dữ liệu không hợp lệ: {0}")]
    Corrupt(String),
    #[error("không phục hồi được: {0}")]
    Restore(String),
    #[error("tệp Word này đã được nhập vào báo cáo rồi")]
    AlreadyApplied,
    #[error("không ghi được vào cơ sở dữ liệu: {0}")]
    Batch(String),
}

pub type Result<T> = std::result::Result<T, Error>;

/// Why a database could not be opened, in Vietnamese (sqlx's and the drivers' texts are
/// English; the code of a database error is kept for the administrator).
fn open_reason(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Io(io) => vi::io_reason(io).to_string(),
        sqlx::Error::Configuration(_) => "địa chỉ cơ sở dữ liệu không hợp lệ".to_string(),
        sqlx::Error::Tls(_) => "không thiết lập được kết nối mã hóa (TLS)".to_string(),
        sqlx::Error::PoolTimedOut => "quá thời gian chờ kết nối".to_string(),
        sqlx::Error::Database(d) => match d.code() {
            Some(code) => format!("cơ sở dữ liệu từ chối (mã lỗi {code})"),
            None => "cơ sở dữ liệu từ chối".to_string(),
        },
        _ => "không kết nối được".to_string(),
    }
}

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// What the database keeps of a session's cookie token: its SHA-256, as lowercase hex.
pub fn token_hash(token: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The roles of PRODUCT.md §2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// A province's drafter (chuyên viên): edits the province's report.
    Drafter,
    /// A province's approver (lãnh đạo): edits and submits.
    Approver,
    /// A central reviewer of the BTCTW: reads every report, comments, returns, accepts.
    Reviewer,
    /// Manages users and rounds; reads the audit log.
    Admin,
    /// A district's drafter (chuyên viên huyện): fills the district's sheet.
    DistrictDrafter,
    /// A district's approver (lãnh đạo huyện): fills and submits the district's sheet to the
    /// province.
    DistrictApprover,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Drafter,
        Role::Approver,
        Role::Reviewer,
        Role::Admin,
        Role::DistrictDrafter,
        Role::DistrictApprover,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Drafter => "drafter",
            Role::Approver => "approver",
            Role::Reviewer => "reviewer",
            Role::Admin => "admin",
            Role::DistrictDrafter => "district-drafter",
            Role::DistrictApprover => "district-approver",
        }
    }
    /// The role's Vietnamese name.
    pub fn label(self) -> &'static str {
        match self {
            Role::Drafter => "Chuyên viên tỉnh (soạn báo cáo)",
            Role::Approver => "Lãnh đạo tỉnh (duyệt và gửi)",
            Role::Reviewer => "Chuyên viên Ban Tổ chức Trung ương",
            Role::Admin => "Quản trị hệ thống",
            Role::DistrictDrafter => "Chuyên viên huyện (soạn phiếu cấp huyện)",
            Role::DistrictApprover => "Lãnh đạo huyện (duyệt và gửi phiếu)",
        }
    }
    /// Whether users of this role write the province's report (its drafters and approvers).
    pub fn is_provincial(self) -> bool {
        matches!(self, Role::Drafter | Role::Approver)
    }
    /// Whether users of this role belong to a district (and its province).
    pub fn is_district(self) -> bool {
        matches!(self, Role::DistrictDrafter | Role::DistrictApprover)
    }
}

impl FromStr for Role {
    type Err = Error;
    fn from_str(s: &str) -> Result<Role> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| Error::Corrupt(format!("vai trò “{s}”")))
    }
}

/// A report's workflow state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    Draft,
    Submitted,
    Returned,
    Accepted,
}

impl State {
    pub const ALL: [State; 4] = [
        State::Draft,
        State::Submitted,
        State::Returned,
        State::Accepted,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            State::Draft => "draft",
            State::Submitted => "submitted",
            State::Returned => "returned",
            State::Accepted => "accepted",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            State::Draft => "Đang soạn",
            State::Submitted => "Đã gửi",
            State::Returned => "Bị trả lại",
            State::Accepted => "Đã tiếp nhận",
        }
    }
    /// Whether the province may still edit.
    pub fn editable(self) -> bool {
        matches!(self, State::Draft | State::Returned)
    }
}

impl FromStr for State {
    type Err = Error;
    fn from_str(s: &str) -> Result<State> {
        State::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| Error::Corrupt(format!("trạng thái “{s}”")))
    }
}

/// A user account.
#[derive(Debug, Clone, Serialize)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub full_name: String,
    pub role: Role,
    /// The province (GSO code) of a provincial or district user.
    pub province: Option<String>,
    /// The district (GSO code) of a district user.
    pub district: Option<String>,
    pub active: bool,
    #[serde(skip)]
    pub password_hash: String,
}

/// A new user.
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    pub username: &'a str,
    pub full_name: &'a str,
    pub role: Role,
    pub province: Option<&'a str>,
    /// District users: the district's GSO code.
    pub district: Option<&'a str>,
    pub password_hash: &'a str,
}

/// A reporting round: a template, a deadline and a cut-off date.
#[derive(Debug, Clone, Serialize)]
pub struct Round {
    pub id: i64,
    pub name: String,
    pub template: String,
    /// ISO date.
    pub deadline: String,
    /// ISO date.
    pub cutoff: String,
    pub created_at: i64,
    /// Acceptance needs a signed PDF of the version whose signature is valid and trusted.
    pub require_signature: bool,
}

/// A report without its content (lists, dashboard).
#[derive(Debug, Clone, Serialize)]
pub struct ReportInfo {
    pub id: i64,
    pub round_id: i64,
    pub province: String,
    /// A district's sheet (phiếu cấp huyện): the district's GSO code; None for the province's
    /// report.
    pub district: Option<String>,
    pub state: State,
    pub revision: i64,
    pub errors: i64,
    pub warnings: i64,
    pub updated_at: i64,
    pub updated_by: Option<String>,
    pub submitted_at: Option<i64>,
}

/// A report with its current content (report JSON).
#[derive(Debug, Clone, Serialize)]
pub struct ReportRow {
    #[serde(flatten)]
    pub info: ReportInfo,
    pub content: String,
}

/// A submitted version: immutable content, its decision.
#[derive(Debug, Clone, Serialize)]
pub struct Version {
    pub number: i64,
    pub state: State,
    pub submitted_at: i64,
    pub submitted_by: String,
    pub decided_at: Option<i64>,
    #[serde(skip)]
    pub content: String,
}

/// A reviewer's comment on an outline item.
#[derive(Debug, Clone, Serialize)]
pub struct Comment {
    pub id: i64,
    pub version: i64,
    pub item: String,
    pub instance: Option<String>,
    pub place: String,
    pub body: String,
    pub author: String,
    pub created_at: i64,
    /// "open", "answered" (by the province) or "closed" (by the reviewer).
    pub state: String,
    /// The province's answer.
    pub answer: Option<String>,
    pub answered_by: Option<String>,
    pub answered_at: Option<i64>,
    pub closed_at: Option<i64>,
}

impl Comment {
    /// The state in Vietnamese.
    pub fn state_label(&self) -> &'static str {
        match self.state.as_str() {
            "answered" => "tỉnh đã trả lời",
            "closed" => "đã đóng",
            _ => "đang mở",
        }
    }
}

/// A new comment.
#[derive(Debug, Clone)]
pub struct NewComment {
    pub item: String,
    pub instance: Option<String>,
    pub place: String,
    pub body: String,
}

/// One entry of the audit log.
#[derive(Debug, Clone, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: i64,
    pub username: String,
    pub action: String,
    pub report_id: Option<i64>,
    pub item: Option<String>,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// One changed item of a save, for the audit log (values as JSON text).
#[derive(Debug, Clone)]
pub struct ItemChange {
    pub item: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// Who does something.
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    pub id: Option<i64>,
    pub username: &'a str,
}

impl Actor<'_> {
    /// This actor owned: for a write queued past the caller's borrow (see `batch`).
    fn owned(self) -> OwnedActor {
        OwnedActor {
            id: self.id,
            username: self.username.to_string(),
        }
    }
}

/// An [`Actor`] that owns its name.
struct OwnedActor {
    id: Option<i64>,
    username: String,
}

impl OwnedActor {
    fn actor(&self) -> Actor<'_> {
        Actor {
            id: self.id,
            username: &self.username,
        }
    }
}

impl<'a> From<&'a User> for Actor<'a> {
    fn from(u: &'a User) -> Actor<'a> {
        Actor {
            id: Some(u.id),
            username: &u.username,
        }
    }
}

/// What a save writes besides the content.
#[derive(Debug, Clone)]
pub struct SaveMeta<'a> {
    pub errors: i64,
    pub warnings: i64,
    pub action: &'a str,
    pub changes: &'a [ItemChange],
    /// An uploaded Word file this save applies: marked applied, and the text the drafter set
    /// aside kept with the report, in the same transaction.
    pub upload: Option<UploadApplied<'a>>,
}

/// What applying an uploaded Word file keeps besides the report's content.
#[derive(Debug, Clone, Copy)]
pub struct UploadApplied<'a> {
    pub upload: i64,
    /// (where in the file, text) of every paragraph set aside.
    pub set_aside: &'a [(String, String)],
}

/// An uploaded Word file, without its bytes.
#[derive(Debug, Clone, Serialize)]
pub struct UploadInfo {
    pub id: i64,
    pub report_id: i64,
    pub filename: String,
    pub size: i64,
    pub uploaded_by: String,
    pub uploaded_at: i64,
    /// When it was applied to the report (None: uploaded, not applied yet).
    pub applied_at: Option<i64>,
}

/// Text of an uploaded file set aside, waiting to be assigned to an item or dismissed.
#[derive(Debug, Clone, Serialize)]
pub struct SetAside {
    pub id: i64,
    pub upload_id: i64,
    pub filename: String,
    /// Where in the file ("đoạn 12").
    pub source: String,
    pub body: String,
    pub created_at: i64,
}

/// The database.
#[derive(Clone)]
pub struct Store {
    read: AnyPool,
    write: AnyPool,
    postgres: bool,
    /// SQLite: saves and submissions waiting to be committed together (see `batch`).
    queue: batch::Queue,
}

const REPORT_INFO: &str =
    "r.id, r.round_id, r.province, r.district, r.state, r.revision, r.errors, \
    r.warnings, r.updated_at, u.username AS updated_by_name, r.submitted_at";

impl Store {
    /// Opens (creating and migrating when needed) the database at `url`: `sqlite://PATH` or
    /// `postgres://…`.
    pub async fn open(url: &str) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let postgres = url.starts_with("postgres:") || url.starts_with("postgresql:");
        let open_err = |source| Error::Open {
            url: redact(url),
            source,
        };
        let (read, write) = if postgres {
            let pool = AnyPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(30))
                .connect(url)
                .await
                .map_err(open_err)?;
            (pool.clone(), pool)
        } else {
            private_files(url)?;
            let url = if url.contains('?') {
                url.to_string()
            } else {
                format!("{url}?mode=rwc")
            };
            let write = sqlite_pool(&url, 1).await.map_err(open_err)?;
            // WAL is a property of the file: set it once, before the readers open.
            sqlx::raw_sql("PRAGMA journal_mode=WAL")
                .execute(&write)
                .await
                .map_err(open_err)?;
            // Four readers keep two cores busy; each holds its own page cache (memory).
            let read = sqlite_pool(&url, 4).await.map_err(open_err)?;
            (read, write)
        };
        let store = Store {
            read,
            write,
            postgres,
            queue: batch::Queue::default(),
        };
        store.migrate().await?;
        Ok(store)
    }

    async fn migrate(&self) -> Result<()> {
        // SQLite rebuilds a table in some migrations (it cannot drop a constraint): foreign
        // keys are off meanwhile, as SQLite's documented procedure asks (the pragma has no
        // effect inside a transaction), and checked before the commit.
        let mut conn = self.write.acquire().await?;
        if !self.postgres {
            sqlx::raw_sql("PRAGMA foreign_keys=OFF")
                .execute(&mut *conn)
                .await?;
        }
        let result = self.migrate_on(&mut conn).await;
        if !self.postgres {
            sqlx::raw_sql("PRAGMA foreign_keys=ON")
                .execute(&mut *conn)
                .await?;
        }
        result
    }

    async fn migrate_on(&self, conn: &mut sqlx::pool::PoolConnection<sqlx::Any>) -> Result<()> {
        use sqlx::Connection as _;
        let mut tx = conn.begin().await?;
        sqlx::raw_sql("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)")
            .execute(&mut *tx)
            .await?;
        let applied: Option<i64> = sqlx::query("SELECT MAX(version) AS v FROM schema_version")
            .fetch_one(&mut *tx)
            .await?
            .try_get("v")?;
        let applied = applied.unwrap_or(0);
        let all = schema::migrations(self.postgres);
        for (i, sql) in all.iter().enumerate() {
            let n = i as i64 + 1;
            if n <= applied {
                continue;
            }
            sqlx::raw_sql(sql).execute(&mut *tx).await?;
            sqlx::query("INSERT INTO schema_version (version) VALUES ($1)")
                .bind(n)
                .execute(&mut *tx)
                .await?;
        }
        if !self.postgres {
            let broken = sqlx::query("PRAGMA foreign_key_check")
                .fetch_all(&mut *tx)
                .await?;
            if !broken.is_empty() {
                return Err(Error::Corrupt(format!(
                    "{} dòng tham chiếu tới dòng không có sau khi nâng cấp cơ sở dữ liệu",
                    broken.len()
                )));
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// Closes the pools, waiting for running statements.
    pub async fn close(&self) {
        self.write.close().await;
        self.read.close().await;
    }

    // ---- users ----

    /// Number of users (0 on first start).
    pub async fn user_count(&self) -> Result<i64> {
        Ok(sqlx::query("SELECT COUNT(*) AS n FROM users")
            .fetch_one(&self.read)
            .await?
            .try_get("n")?)
    }

    pub async fn create_user(&self, u: &NewUser<'_>, by: Actor<'_>) -> Result<i64> {
        let mut tx = self.write.begin().await?;
        let row = sqlx::query(
            "INSERT INTO users (username, full_name, role, province, district, password_hash, \
             active, created_at) VALUES ($1, $2, $3, $4, $5, $6, 1, $7) RETURNING id",
        )
        .bind(u.username)
        .bind(u.full_name)
        .bind(u.role.as_str())
        .bind(u.province)
        .bind(u.district)
        .bind(u.password_hash)
        .bind(now_ms())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(d) if d.is_unique_violation() => {
                Error::DuplicateUser(u.username.to_string())
            }
            _ => Error::Db(e),
        })?;
        let id: i64 = row.try_get("id")?;
        audit(
            &mut tx,
            by,
            "tạo tài khoản",
            None,
            Some(u.username),
            None,
            Some(&format!(
                "{} – {}{}",
                u.full_name,
                u.role.label(),
                u.province
                    .map(|p| format!(" – tỉnh {p}"))
                    .unwrap_or_default()
                    + &u.district
                        .map(|d| format!(" – huyện {d}"))
                        .unwrap_or_default()
            )),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn user_by_name(&self, username: &str) -> Result<Option<User>> {
        let row = sqlx::query("SELECT * FROM users WHERE username = $1")
            .bind(username)
            .fetch_optional(&self.read)
            .await?;
        row.map(|r| user(&r)).transpose()
    }

    pub async fn users(&self) -> Result<Vec<User>> {
        let rows = sqlx::query("SELECT * FROM users ORDER BY role, province, username")
            .fetch_all(&self.read)
            .await?;
        rows.iter().map(user).collect()
    }

    /// Sets a user's active flag and, when given, a new password hash.
    pub async fn update_user(
        &self,
        id: i64,
        active: bool,
        password_hash: Option<&str>,
        by: Actor<'_>,
    ) -> Result<()> {
        let mut tx = self.write.begin().await?;
        let row = sqlx::query(
            "UPDATE users SET active = $1, password_hash = COALESCE($2, password_hash) \
             WHERE id = $3 RETURNING username",
        )
        .bind(active as i64)
        .bind(password_hash)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(Error::NotFound("tài khoản"))?;
        let name: String = row.try_get("username")?;
        // A locked account or a new password ends every session of the user, on every server.
        if !active || password_hash.is_some() {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        let what = match (active, password_hash.is_some()) {
            (true, true) => "kích hoạt, đặt lại mật khẩu",
            (true, false) => "kích hoạt",
            (false, _) => "khóa",
        };
        audit(
            &mut tx,
            by,
            "sửa tài khoản",
            None,
            Some(&name),
            None,
            Some(what),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    // ---- sessions ----

    /// Opens a session. The database keeps only [`token_hash`] of the cookie's token: a copy of
    /// the database (a backup, a leaked dump) opens no session.
    pub async fn create_session(
        &self,
        token: &str,
        user: &User,
        csrf: &str,
        ttl: Duration,
    ) -> Result<()> {
        let now = now_ms();
        let mut tx = self.write.begin().await?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash(token))
        .bind(user.id)
        .bind(csrf)
        .bind(now)
        .bind(now + ttl.as_millis() as i64)
        .execute(&mut *tx)
        .await?;
        audit(&mut tx, user.into(), "đăng nhập", None, None, None, None).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The user and CSRF token of a live session (the cookie's token), read from the database
    /// on every call: a logout, a lock or a new password on any server process ends it at once.
    pub async fn session(&self, token: &str) -> Result<Option<(User, String)>> {
        let row = sqlx::query(
            "SELECT u.*, s.csrf AS csrf FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.active = 1",
        )
        .bind(token_hash(token))
        .bind(now_ms())
        .fetch_optional(&self.read)
        .await?;
        match row {
            Some(r) => Ok(Some((user(&r)?, r.try_get("csrf")?))),
            None => Ok(None),
        }
    }

    /// Ends a session (the cookie's token), and forgets expired ones.
    pub async fn delete_session(&self, token: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1 OR expires_at < $2")
            .bind(token_hash(token))
            .bind(now_ms())
            .execute(&self.write)
            .await?;
        Ok(())
    }

    /// Writes one audit entry of something that is not a change of data (a failed or refused
    /// login): `username` is the name as typed, `detail` what happened (the client's address).
    pub async fn audit_event(&self, username: &str, action: &str, detail: &str) -> Result<()> {
        let mut tx = self.write.begin().await?;
        audit(
            &mut tx,
            Actor { id: None, username },
            action,
            None,
            None,
            None,
            Some(detail),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Writes an event about report `id` to the audit log (a drafter's request that the leader
    /// submit, …): `detail` says what.
    pub async fn note_report(
        &self,
        id: i64,
        action: &str,
        detail: &str,
        by: Actor<'_>,
    ) -> Result<()> {
        let mut tx = self.write.begin().await?;
        audit(&mut tx, by, action, Some(id), None, None, Some(detail)).await?;
        tx.commit().await?;
        Ok(())
    }

    // ---- rounds ----

    pub async fn create_round(
        &self,
        name: &str,
        template: &str,
        deadline: &str,
        cutoff: &str,
        by: Actor<'_>,
    ) -> Result<i64> {
        let mut tx = self.write.begin().await?;
        let id: i64 = sqlx::query(
            "INSERT INTO rounds (name, template, deadline, cutoff, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(name)
        .bind(template)
        .bind(deadline)
        .bind(cutoff)
        .bind(now_ms())
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        audit(
            &mut tx,
            by,
            "tạo đợt báo cáo",
            None,
            None,
            None,
            Some(&format!("{name}; hạn nộp {deadline}; số liệu đến {cutoff}")),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn rounds(&self) -> Result<Vec<Round>> {
        let rows = sqlx::query("SELECT * FROM rounds ORDER BY id DESC")
            .fetch_all(&self.read)
            .await?;
        rows.iter().map(round).collect()
    }

    pub async fn round(&self, id: i64) -> Result<Round> {
        let row = sqlx::query("SELECT * FROM rounds WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.read)
            .await?
            .ok_or(Error::NotFound("đợt báo cáo"))?;
        round(&row)
    }

    /// Updates a round's deadline.
    pub async fn set_deadline(&self, id: i64, deadline: &str, by: Actor<'_>) -> Result<()> {
        let mut tx = self.write.begin().await?;
        let n = sqlx::query("UPDATE rounds SET deadline = $1 WHERE id = $2")
            .bind(deadline)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(Error::NotFound("đợt báo cáo"));
        }
        audit(&mut tx, by, "đổi hạn nộp", None, None, None, Some(deadline)).await?;
        tx.commit().await?;
        Ok(())
    }

    // ---- reports ----

    /// Creates a province's report of a round with its initial content (idempotent: returns the
    /// existing report's id when there is one).
    pub async fn ensure_report(
        &self,
        round_id: i64,
        province: &str,
        content: &str,
        counts: (i64, i64),
    ) -> Result<i64> {
        self.ensure_sheet(round_id, province, "", content, counts)
            .await
    }

    /// Creates a district's sheet of a round with its initial content (idempotent: returns the
    /// existing sheet's id when there is one). `district` "" is the province's own report.
    pub async fn ensure_sheet(
        &self,
        round_id: i64,
        province: &str,
        district: &str,
        content: &str,
        counts: (i64, i64),
    ) -> Result<i64> {
        let find = || {
            sqlx::query(
                "SELECT id FROM reports WHERE round_id = $1 AND province = $2 AND district = $3",
            )
            .bind(round_id)
            .bind(province)
            .bind(district)
        };
        if let Some(row) = find().fetch_optional(&self.read).await? {
            return Ok(row.try_get("id")?);
        }
        let inserted = sqlx::query(
            "INSERT INTO reports (round_id, province, district, state, revision, content, errors, \
             warnings, updated_at) VALUES ($1, $2, $3, 'draft', 1, $4, $5, $6, $7) RETURNING id",
        )
        .bind(round_id)
        .bind(province)
        .bind(district)
        .bind(content)
        .bind(counts.0)
        .bind(counts.1)
        .bind(now_ms())
        .fetch_one(&self.write)
        .await;
        match inserted {
            Ok(row) => Ok(row.try_get("id")?),
            // Two first visits at once: the other one created it.
            Err(sqlx::Error::Database(d)) if d.is_unique_violation() => {
                Ok(find().fetch_one(&self.write).await?.try_get("id")?)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// The district sheets of a round in one province, in district code order.
    pub async fn sheets(&self, round_id: i64, province: &str) -> Result<Vec<ReportInfo>> {
        let rows = sqlx::query(&format!(
            "SELECT {REPORT_INFO} FROM reports r LEFT JOIN users u ON u.id = r.updated_by \
             WHERE r.round_id = $1 AND r.province = $2 AND r.district <> '' ORDER BY r.district"
        ))
        .bind(round_id)
        .bind(province)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(report_info).collect()
    }

    /// The deadline a province set for its districts' sheets in a round (ISO date), if any.
    pub async fn district_deadline(&self, round_id: i64, province: &str) -> Result<Option<String>> {
        let row = sqlx::query(
            "SELECT deadline FROM district_deadlines WHERE round_id = $1 AND province = $2",
        )
        .bind(round_id)
        .bind(province)
        .fetch_optional(&self.read)
        .await?;
        Ok(row.map(|r| r.try_get("deadline")).transpose()?)
    }

    /// Sets the deadline of a province's districts (audited).
    pub async fn set_district_deadline(
        &self,
        round_id: i64,
        province: &str,
        deadline: &str,
        by: Actor<'_>,
    ) -> Result<()> {
        let mut tx = self.write.begin().await?;
        sqlx::query("DELETE FROM district_deadlines WHERE round_id = $1 AND province = $2")
            .bind(round_id)
            .bind(province)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO district_deadlines (round_id, province, deadline) VALUES ($1, $2, $3)",
        )
        .bind(round_id)
        .bind(province)
        .bind(deadline)
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            by,
            "đổi hạn nộp của cấp huyện",
            None,
            Some(province),
            None,
            Some(deadline),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The reports of a round, in province code order; `province` limits to one province.
    pub async fn reports(&self, round_id: i64, province: Option<&str>) -> Result<Vec<ReportInfo>> {
        let rows = sqlx::query(&format!(
            "SELECT {REPORT_INFO} FROM reports r LEFT JOIN users u ON u.id = r.updated_by \
             WHERE r.round_id = $1 AND ($2 IS NULL OR r.province = $2) AND r.district = '' \
             ORDER BY r.province"
        ))
        .bind(round_id)
        .bind(province)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(report_info).collect()
    }

    /// A report's state and counts, without its content.
    pub async fn report_info(&self, id: i64) -> Result<ReportInfo> {
        let row = sqlx::query(&format!(
            "SELECT {REPORT_INFO} FROM reports r LEFT JOIN users u ON u.id = r.updated_by \
             WHERE r.id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.read)
        .await?
        .ok_or(Error::NotFound("báo cáo"))?;
        report_info(&row)
    }

    pub async fn report(&self, id: i64) -> Result<ReportRow> {
        let row = sqlx::query(&format!(
            "SELECT {REPORT_INFO}, r.content FROM reports r LEFT JOIN users u \
             ON u.id = r.updated_by WHERE r.id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.read)
        .await?
        .ok_or(Error::NotFound("báo cáo"))?;
        Ok(ReportRow {
            info: report_info(&row)?,
            content: row.try_get("content")?,
        })
    }

    /// A report's row, its content only when it is not the content the caller holds already:
    /// `known` is the (revision, updated_at) of that content. Every change of a report's content
    /// or state sets a new revision and time in the same statement, so a row that still has both
    /// has that content (also when another server process wrote the row meanwhile: it would have
    /// moved the revision on).
    pub async fn report_unless(
        &self,
        id: i64,
        known: Option<(i64, i64)>,
    ) -> Result<(ReportInfo, Option<String>)> {
        let (revision, at) = known.unwrap_or((-1, -1));
        let row = sqlx::query(&format!(
            "SELECT {REPORT_INFO}, CASE WHEN r.revision = $2 AND r.updated_at = $3 THEN NULL \
             ELSE r.content END AS content FROM reports r LEFT JOIN users u \
             ON u.id = r.updated_by WHERE r.id = $1"
        ))
        .bind(id)
        .bind(revision)
        .bind(at)
        .fetch_optional(&self.read)
        .await?
        .ok_or(Error::NotFound("báo cáo"))?;
        Ok((report_info(&row)?, row.try_get("content")?))
    }

    /// Saves new content on top of `base` revision; refused (nothing written) when the report
    /// moved on or is not editable. Returns the new revision once the commit is durable.
    pub async fn save(
        &self,
        id: i64,
        base: i64,
        content: &str,
        meta: &SaveMeta<'_>,
        by: Actor<'_>,
    ) -> Result<i64> {
        self.save_at(id, base, content, meta, by, now_ms()).await
    }

    /// [`Store::save`] at time `now` (ms), the row's new `updated_at`: with the new revision,
    /// what [`Store::report_unless`] is told to name this content.
    pub async fn save_at(
        &self,
        id: i64,
        base: i64,
        content: &str,
        meta: &SaveMeta<'_>,
        by: Actor<'_>,
        now: i64,
    ) -> Result<i64> {
        // Owned copies: the write may run in the task that commits a batch (see `batch`).
        let content = content.to_string();
        let (errors, warnings) = (meta.errors, meta.warnings);
        let action = meta.action.to_string();
        let changes = meta.changes.to_vec();
        let upload = meta.upload.map(|u| (u.upload, u.set_aside.to_vec()));
        let owner = by.owned();
        let saved = self
            .hot_write(move |c| {
                Box::pin(async move {
                    let by = owner.actor();
                    let n = sqlx::query(
                        "UPDATE reports SET content = $1, revision = revision + 1, errors = $2, \
                         warnings = $3, updated_at = $4, updated_by = $5 \
                         WHERE id = $6 AND revision = $7 AND state IN ('draft', 'returned')",
                    )
                    .bind(content)
                    .bind(errors)
                    .bind(warnings)
                    .bind(now)
                    .bind(by.id)
                    .bind(id)
                    .bind(base)
                    .execute(&mut *c)
                    .await?
                    .rows_affected();
                    if n == 0 {
                        return Ok(false);
                    }
                    for ch in &changes {
                        audit(
                            c,
                            by,
                            &action,
                            Some(id),
                            Some(&ch.item),
                            ch.old.as_deref(),
                            ch.new.as_deref(),
                        )
                        .await?;
                    }
                    if let Some((upload, set_aside)) = &upload {
                        let n = sqlx::query(
                            "UPDATE uploads SET applied_at = $1, applied_revision = $2 \
                             WHERE id = $3 AND report_id = $4 AND applied_at IS NULL",
                        )
                        .bind(now)
                        .bind(base + 1)
                        .bind(*upload)
                        .bind(id)
                        .execute(&mut *c)
                        .await?
                        .rows_affected();
                        if n == 0 {
                            return Err(Error::AlreadyApplied);
                        }
                        for (source, body) in set_aside {
                            sqlx::query(
                                "INSERT INTO set_aside \
                                 (report_id, upload_id, source, body, created_at) \
                                 VALUES ($1, $2, $3, $4, $5)",
                            )
                            .bind(id)
                            .bind(*upload)
                            .bind(source.as_str())
                            .bind(body.as_str())
                            .bind(now)
                            .execute(&mut *c)
                            .await?;
                            audit(
                                c,
                                by,
                                &action,
                                Some(id),
                                Some("để riêng"),
                                None,
                                Some(&format!("{source}: {body}")),
                            )
                            .await?;
                        }
                    }
                    Ok(true)
                })
            })
            .await?;
        if !saved {
            return Err(self.why_not(id, base, "sửa").await);
        }
        Ok(base + 1)
    }

    /// The most saves and submissions committed together so far (SQLite's group commit; 0 on
    /// PostgreSQL, where each is its own transaction): for monitoring and tests.
    pub fn largest_batch(&self) -> usize {
        self.queue.largest()
    }

    /// Runs one of the frequent writes (saves, submissions) in a transaction: on SQLite
    /// committed together with the others waiting for the writer (see `batch`), on PostgreSQL
    /// alone. `f`'s error rolls back its changes and nothing else.
    async fn hot_write<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut sqlx::AnyConnection) -> batch::BoxFuture<'c, Result<T>>
            + Send
            + 'static,
    {
        if !self.postgres {
            return self.queue.write(&self.write, f).await;
        }
        let mut tx = self.write.begin().await?;
        let v = f(&mut tx).await?;
        tx.commit().await?;
        Ok(v)
    }

    // ---- uploaded Word files ----

    /// Keeps an uploaded Word file with report `id` (audited). Returns its id.
    pub async fn add_upload(
        &self,
        id: i64,
        filename: &str,
        content: &[u8],
        by: Actor<'_>,
    ) -> Result<i64> {
        let mut tx = self.write.begin().await?;
        let upload: i64 = sqlx::query(
            "INSERT INTO uploads (report_id, filename, content, size, uploaded_by, uploaded_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(id)
        .bind(filename)
        .bind(content.to_vec())
        .bind(content.len() as i64)
        .bind(by.id)
        .bind(now_ms())
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        audit(
            &mut tx,
            by,
            "tải lên tệp Word",
            Some(id),
            None,
            None,
            Some(&format!("{filename} ({} byte)", content.len())),
        )
        .await?;
        tx.commit().await?;
        Ok(upload)
    }

    /// The Word files uploaded to report `id`, oldest first.
    pub async fn uploads(&self, id: i64) -> Result<Vec<UploadInfo>> {
        let rows = sqlx::query(
            "SELECT f.id, f.report_id, f.filename, f.size, f.uploaded_at, f.applied_at, \
             u.username AS uploader FROM uploads f LEFT JOIN users u ON u.id = f.uploaded_by \
             WHERE f.report_id = $1 ORDER BY f.id",
        )
        .bind(id)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(upload_info).collect()
    }

    /// An uploaded file of report `id` with its bytes (not found: another report's, or none).
    pub async fn upload(&self, id: i64, upload: i64) -> Result<(UploadInfo, Vec<u8>)> {
        let row = sqlx::query(
            "SELECT f.id, f.report_id, f.filename, f.size, f.uploaded_at, f.applied_at, \
             f.content, u.username AS uploader FROM uploads f \
             LEFT JOIN users u ON u.id = f.uploaded_by WHERE f.report_id = $1 AND f.id = $2",
        )
        .bind(id)
        .bind(upload)
        .fetch_optional(&self.read)
        .await?
        .ok_or(Error::NotFound("tệp đã tải lên"))?;
        Ok((upload_info(&row)?, row.try_get("content")?))
    }

    /// The text of report `id` set aside and not yet assigned or dismissed, in file order.
    pub async fn set_aside(&self, id: i64) -> Result<Vec<SetAside>> {
        let rows = sqlx::query(
            "SELECT s.id, s.upload_id, s.source, s.body, s.created_at, f.filename \
             FROM set_aside s JOIN uploads f ON f.id = s.upload_id \
             WHERE s.report_id = $1 AND s.resolution IS NULL ORDER BY s.id",
        )
        .bind(id)
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(SetAside {
                    id: r.try_get("id")?,
                    upload_id: r.try_get("upload_id")?,
                    filename: r.try_get("filename")?,
                    source: r.try_get("source")?,
                    body: r.try_get("body")?,
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect()
    }

    /// Marks set-aside text `entry` of report `id` dealt with: assigned to `item` (the item's
    /// change itself is a save), or dismissed when `item` is None. Audited; not found when it
    /// is not waiting any more.
    pub async fn resolve_set_aside(
        &self,
        id: i64,
        entry: i64,
        item: Option<&str>,
        by: Actor<'_>,
    ) -> Result<()> {
        let mut tx = self.write.begin().await?;
        let body: Option<String> = sqlx::query(
            "UPDATE set_aside SET resolution = $1, resolved_item = $2, resolved_at = $3, \
             resolved_by = $4 WHERE id = $5 AND report_id = $6 AND resolution IS NULL \
             RETURNING body",
        )
        .bind(if item.is_some() {
            "assigned"
        } else {
            "dismissed"
        })
        .bind(item)
        .bind(now_ms())
        .bind(by.id)
        .bind(entry)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        .map(|r| r.try_get("body"))
        .transpose()?;
        let body = body.ok_or(Error::NotFound("đoạn để riêng"))?;
        audit(
            &mut tx,
            by,
            if item.is_some() {
                "xếp đoạn để riêng vào mục"
            } else {
                "bỏ đoạn để riêng"
            },
            Some(id),
            item.or(Some("để riêng")),
            Some(&body),
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn why_not(&self, id: i64, base: i64, action: &'static str) -> Error {
        match self.report(id).await {
            Ok(r) if r.info.revision != base => Error::Stale {
                base,
                current: r.info.revision,
            },
            Ok(r) => Error::WrongState {
                state: r.info.state,
                action,
            },
            Err(e) => e,
        }
    }

    /// Submits the report at revision `base`: a new immutable version with the current content.
    /// The caller has validated that content. Returns the version number.
    pub async fn submit(&self, id: i64, base: i64, by: Actor<'_>) -> Result<i64> {
        let now = now_ms();
        let owner = by.owned();
        let number = self
            .hot_write(move |c| {
                Box::pin(async move {
                    let by = owner.actor();
                    let n = sqlx::query(
                        "UPDATE reports SET state = 'submitted', revision = revision + 1, \
                         submitted_at = $1, updated_at = $1, updated_by = $2 \
                         WHERE id = $3 AND revision = $4 AND state IN ('draft', 'returned')",
                    )
                    .bind(now)
                    .bind(by.id)
                    .bind(id)
                    .bind(base)
                    .execute(&mut *c)
                    .await?
                    .rows_affected();
                    if n == 0 {
                        return Ok(None);
                    }
                    let number: i64 = sqlx::query(
                        "INSERT INTO versions \
                         (report_id, number, content, state, submitted_at, submitted_by) \
                         SELECT id, (SELECT COALESCE(MAX(number), 0) + 1 FROM versions \
                         WHERE report_id = $1), content, 'submitted', $2, $3 \
                         FROM reports WHERE id = $1 RETURNING number",
                    )
                    .bind(id)
                    .bind(now)
                    .bind(by.id.unwrap_or(0))
                    .fetch_one(&mut *c)
                    .await?
                    .try_get("number")?;
                    audit(
                        c,
                        by,
                        "gửi báo cáo",
                        Some(id),
                        None,
                        None,
                        Some(&format!("phiên bản {number}")),
                    )
                    .await?;
                    Ok(Some(number))
                })
            })
            .await?;
        match number {
            Some(n) => Ok(n),
            None => Err(self.why_not(id, base, "gửi").await),
        }
    }

    /// A reviewer's decision on the submitted report: `accept` or return with comments.
    pub async fn decide(
        &self,
        id: i64,
        accept: bool,
        comments: &[NewComment],
        by: Actor<'_>,
    ) -> Result<()> {
        let now = now_ms();
        let state = if accept { "accepted" } else { "returned" };
        let mut tx = self.write.begin().await?;
        let n = sqlx::query(
            "UPDATE reports SET state = $1, revision = revision + 1, updated_at = $2, \
             updated_by = $3 WHERE id = $4 AND state = 'submitted'",
        )
        .bind(state)
        .bind(now)
        .bind(by.id)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            drop(tx);
            let r = self.report(id).await?;
            return Err(Error::WrongState {
                state: r.info.state,
                action: if accept {
                    "tiếp nhận"
                } else {
                    "trả lại"
                },
            });
        }
        let number: i64 = sqlx::query(
            "UPDATE versions SET state = $1, decided_at = $2, decided_by = $3 \
             WHERE report_id = $4 AND number = (SELECT MAX(number) FROM versions \
             WHERE report_id = $4) RETURNING number",
        )
        .bind(state)
        .bind(now)
        .bind(by.id.unwrap_or(0))
        .bind(id)
        .fetch_one(&mut *tx)
        .await?
        .try_get("number")?;
        for c in comments {
            insert_comment(&mut tx, id, number, c, by, now).await?;
        }
        audit(
            &mut tx,
            by,
            if accept {
                "tiếp nhận báo cáo"
            } else {
                "trả lại báo cáo"
            },
            Some(id),
            None,
            None,
            Some(&format!("phiên bản {number}; {} ý kiến", comments.len())),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Adds a reviewer's comment to the latest submitted version.
    pub async fn comment(&self, id: i64, c: &NewComment, by: Actor<'_>) -> Result<()> {
        let mut tx = self.write.begin().await?;
        let number: Option<i64> =
            sqlx::query("SELECT MAX(number) AS n FROM versions WHERE report_id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?
                .try_get("n")?;
        let number = number.ok_or(Error::NotFound("phiên bản đã gửi"))?;
        insert_comment(&mut tx, id, number, c, by, now_ms()).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn comments(&self, id: i64) -> Result<Vec<Comment>> {
        let rows = sqlx::query(
            "SELECT c.*, u.username AS author_name, a.username AS answerer FROM comments c \
             LEFT JOIN users u ON u.id = c.author LEFT JOIN users a ON a.id = c.answered_by \
             WHERE c.report_id = $1 ORDER BY c.id",
        )
        .bind(id)
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Comment {
                    id: r.try_get("id")?,
                    version: r.try_get("version")?,
                    item: r.try_get("item")?,
                    instance: r.try_get("instance")?,
                    place: r.try_get("place")?,
                    body: r.try_get("body")?,
                    author: r
                        .try_get::<Option<String>, _>("author_name")?
                        .unwrap_or_default(),
                    created_at: r.try_get("created_at")?,
                    state: r.try_get("state")?,
                    answer: r.try_get("answer")?,
                    answered_by: r.try_get("answerer")?,
                    answered_at: r.try_get("answered_at")?,
                    closed_at: r.try_get("closed_at")?,
                })
            })
            .collect()
    }

    /// The province answers comment `comment` of report `id` (audited); a closed comment is not
    /// answered again.
    pub async fn answer_comment(
        &self,
        id: i64,
        comment: i64,
        answer: &str,
        by: Actor<'_>,
    ) -> Result<()> {
        let mut tx = self.write.begin().await?;
        let n = sqlx::query(
            "UPDATE comments SET state = 'answered', answer = $1, answered_by = $2, \
             answered_at = $3 WHERE id = $4 AND report_id = $5 AND state <> 'closed'",
        )
        .bind(answer)
        .bind(by.id)
        .bind(now_ms())
        .bind(comment)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(Error::NotFound("ý kiến còn mở"));
        }
        audit(
            &mut tx,
            by,
            "trả lời ý kiến",
            Some(id),
            None,
            None,
            Some(answer),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The reviewer closes comment `comment` of report `id` (audited).
    pub async fn close_comment(&self, id: i64, comment: i64, by: Actor<'_>) -> Result<()> {
        let mut tx = self.write.begin().await?;
        let n = sqlx::query(
            "UPDATE comments SET state = 'closed', closed_at = $1 \
             WHERE id = $2 AND report_id = $3 AND state <> 'closed'",
        )
        .bind(now_ms())
        .bind(comment)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(Error::NotFound("ý kiến còn mở"));
        }
        let what = format!("ý kiến số {comment}");
        audit(
            &mut tx,
            by,
            "đóng ý kiến",
            Some(id),
            None,
            None,
            Some(&what),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every submitted version of a round's reports, without content: (report id, number,
    /// state), by report then number. Enough to tell whether anything a consolidation is made
    /// from has changed.
    pub async fn version_heads(&self, round: i64) -> Result<Vec<(i64, i64, State)>> {
        let rows = sqlx::query(
            "SELECT v.report_id, v.number, v.state FROM versions v \
             JOIN reports r ON r.id = v.report_id WHERE r.round_id = $1 \
             ORDER BY v.report_id, v.number",
        )
        .bind(round)
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("report_id")?,
                    r.try_get("number")?,
                    r.try_get::<String, _>("state")?.parse()?,
                ))
            })
            .collect()
    }

    pub async fn versions(&self, id: i64) -> Result<Vec<Version>> {
        let rows = sqlx::query(
            "SELECT v.*, u.username AS by_name FROM versions v \
             LEFT JOIN users u ON u.id = v.submitted_by WHERE v.report_id = $1 ORDER BY v.number",
        )
        .bind(id)
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Version {
                    number: r.try_get("number")?,
                    state: r.try_get::<String, _>("state")?.parse()?,
                    submitted_at: r.try_get("submitted_at")?,
                    submitted_by: r
                        .try_get::<Option<String>, _>("by_name")?
                        .unwrap_or_default(),
                    decided_at: r.try_get("decided_at")?,
                    content: r.try_get("content")?,
                })
            })
            .collect()
    }

    // ---- audit ----

    /// Audit entries, newest first; `report` limits to one report.
    pub async fn audit_log(
        &self,
        report: Option<i64>,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<AuditEntry>> {
        let rows = sqlx::query(
            "SELECT * FROM audit WHERE ($1 IS NULL OR report_id = $1) \
             ORDER BY id DESC LIMIT $2 OFFSET $3",
        )
        .bind(report)
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(AuditEntry {
                    id: r.try_get("id")?,
                    at: r.try_get("at")?,
                    username: r.try_get("username")?,
                    action: r.try_get("action")?,
                    report_id: r.try_get("report_id")?,
                    item: r.try_get("item")?,
                    old: r.try_get("old")?,
                    new: r.try_get("new")?,
                })
            })
            .collect()
    }
}

/// Creates the SQLite database file (and its directory) readable by the server's user only:
/// the directory 0700, the file 0600. SQLite gives its `-wal` and `-shm` files the database
/// file's mode. Files that exist already are left as they are.
fn private_files(url: &str) -> Result<()> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    let path = rest.split('?').next().unwrap_or("");
    if path.is_empty() || path.starts_with(":memory:") {
        return Ok(());
    }
    let path = std::path::Path::new(path);
    let err = |p: &std::path::Path, e: std::io::Error| Error::Files {
        path: p.display().to_string(),
        reason: vi::io_reason(&e),
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !dir.exists() {
            let mut b = std::fs::DirBuilder::new();
            b.recursive(true);
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
            b.create(dir).map_err(|e| err(dir, e))?;
        }
    }
    if !path.exists() {
        let mut o = std::fs::OpenOptions::new();
        o.create_new(true).write(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
        match o.open(path) {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(err(path, e)),
        }
    }
    Ok(())
}

async fn sqlite_pool(url: &str, n: u32) -> std::result::Result<AnyPool, sqlx::Error> {
    AnyPoolOptions::new()
        .max_connections(n)
        .acquire_timeout(Duration::from_secs(30))
        // A connection to a file in this process does not break between two uses: no ping (a
        // round trip to the connection's thread) before each.
        .test_before_acquire(false)
        .after_connect(|conn, _| {
            Box::pin(async move {
                // FULL: a commit is on disk before it returns (WAL's default NORMAL is not
                // durable against power loss).
                for pragma in [
                    "PRAGMA synchronous=FULL",
                    "PRAGMA busy_timeout=10000",
                    "PRAGMA foreign_keys=ON",
                ] {
                    sqlx::Executor::execute(&mut *conn, pragma).await?;
                }
                Ok(())
            })
        })
        .connect(url)
        .await
}

type Tx<'c> = sqlx::Transaction<'c, sqlx::Any>;

async fn insert_comment(
    tx: &mut Tx<'_>,
    id: i64,
    version: i64,
    c: &NewComment,
    by: Actor<'_>,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO comments (report_id, version, item, instance, place, body, author, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id)
    .bind(version)
    .bind(&c.item)
    .bind(c.instance.as_deref())
    .bind(&c.place)
    .bind(&c.body)
    .bind(by.id.unwrap_or(0))
    .bind(now)
    .execute(&mut **tx)
    .await?;
    audit(
        tx,
        by,
        "góp ý",
        Some(id),
        Some(&c.item),
        None,
        Some(&c.body),
    )
    .await
}

async fn audit(
    tx: &mut sqlx::AnyConnection,
    by: Actor<'_>,
    action: &str,
    report: Option<i64>,
    item: Option<&str>,
    old: Option<&str>,
    new: Option<&str>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit (at, user_id, username, action, report_id, item, old, new) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(now_ms())
    .bind(by.id)
    .bind(by.username)
    .bind(action)
    .bind(report)
    .bind(item)
    .bind(old)
    .bind(new)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

fn user(r: &AnyRow) -> Result<User> {
    Ok(User {
        id: r.try_get("id")?,
        username: r.try_get("username")?,
        full_name: r.try_get("full_name")?,
        role: r.try_get::<String, _>("role")?.parse()?,
        province: r.try_get("province")?,
        district: r.try_get("district")?,
        active: r.try_get::<i64, _>("active")? != 0,
        password_hash: r.try_get("password_hash")?,
    })
}

fn upload_info(r: &AnyRow) -> Result<UploadInfo> {
    Ok(UploadInfo {
        id: r.try_get("id")?,
        report_id: r.try_get("report_id")?,
        filename: r.try_get("filename")?,
        size: r.try_get("size")?,
        uploaded_by: r
            .try_get::<Option<String>, _>("uploader")?
            .unwrap_or_default(),
        uploaded_at: r.try_get("uploaded_at")?,
        applied_at: r.try_get("applied_at")?,
    })
}

fn round(r: &AnyRow) -> Result<Round> {
    Ok(Round {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        template: r.try_get("template")?,
        deadline: r.try_get("deadline")?,
        cutoff: r.try_get("cutoff")?,
        created_at: r.try_get("created_at")?,
        require_signature: r.try_get::<i64, _>("require_signature")? != 0,
    })
}

fn report_info(r: &AnyRow) -> Result<ReportInfo> {
    Ok(ReportInfo {
        id: r.try_get("id")?,
        round_id: r.try_get("round_id")?,
        province: r.try_get("province")?,
        district: Some(r.try_get::<String, _>("district")?).filter(|d| !d.is_empty()),
        state: r.try_get::<String, _>("state")?.parse()?,
        revision: r.try_get("revision")?,
        errors: r.try_get("errors")?,
        warnings: r.try_get("warnings")?,
        updated_at: r.try_get("updated_at")?,
        updated_by: r.try_get("updated_by_name")?,
        submitted_at: r.try_get("submitted_at")?,
    })
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords() {
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact("sqlite:///tmp/x.db"), "sqlite:///tmp/x.db");
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn database_files_are_the_owners_alone() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("du-lieu/con");
        let file = data.join("t.sqlite");
        let s = Store::open(&format!("sqlite://{}", file.display()))
            .await
            .unwrap();
        s.audit_event("x", "thử", "ghi một dòng").await.unwrap();
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&data), 0o700);
        for suffix in ["", "-wal", "-shm"] {
            let p = std::path::PathBuf::from(format!("{}{suffix}", file.display()));
            assert_eq!(mode(&p), 0o600, "{}", p.display());
        }
        s.close().await;
    }

    #[tokio::test]
    async fn the_hashing_migration_ends_plain_sessions() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
        // A database of the first schema, with a session kept by its plain token.
        sqlx::any::install_default_drivers();
        let pool = sqlite_pool(&url, 1).await.unwrap();
        sqlx::raw_sql(&schema::migrations(false)[0])
            .execute(&pool)
            .await
            .unwrap();
        sqlx::raw_sql(
            "CREATE TABLE schema_version (version BIGINT NOT NULL);
             INSERT INTO schema_version (version) VALUES (1);
             INSERT INTO users (username, full_name, role, password_hash, active, created_at)
                 VALUES ('a', 'A', 'admin', 'h', 1, 0);
             INSERT INTO sessions (token, user_id, csrf, created_at, expires_at)
                 VALUES ('bi-mat', 1, 'c', 0, 99999999999999)",
        )
        .execute(&pool)
        .await
        .unwrap();
        pool.close().await;
        let s = Store::open(&url).await.unwrap();
        assert!(s.session("bi-mat").await.unwrap().is_none());
        let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM sessions")
            .fetch_one(&s.read)
            .await
            .unwrap()
            .try_get("n")
            .unwrap();
        assert_eq!(n, 0, "the plain session is gone");
        s.close().await;
    }

    #[tokio::test]
    async fn session_tokens_are_kept_hashed() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let s = Store::open(&url).await.unwrap();
        let sys = Actor {
            id: None,
            username: "hệ thống",
        };
        let new = NewUser {
            username: "a",
            full_name: "A",
            role: Role::Admin,
            province: None,
            district: None,
            password_hash: "h",
        };
        let id = s.create_user(&new, sys).await.unwrap();
        let u = s.user_by_name("a").await.unwrap().unwrap();
        s.create_session("bi-mat", &u, "c", Duration::from_secs(60))
            .await
            .unwrap();
        let stored: Vec<String> = sqlx::query("SELECT token_hash FROM sessions")
            .fetch_all(&s.read)
            .await
            .unwrap()
            .iter()
            .map(|r| r.try_get("token_hash").unwrap())
            .collect();
        assert_eq!(stored, vec![token_hash("bi-mat")]);
        assert!(s.session("bi-mat").await.unwrap().is_some());
        assert!(s.session(&token_hash("bi-mat")).await.unwrap().is_none());
        // A new password ends the sessions.
        s.update_user(id, true, Some("h2"), sys).await.unwrap();
        assert!(s.session("bi-mat").await.unwrap().is_none());
    }

    #[tokio::test]
    async fn stale_and_locked_saves_change_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let s = Store::open(&url).await.unwrap();
        let sys = Actor {
            id: None,
            username: "hệ thống",
        };
        let round = s
            .create_round("Đợt 1", "kl74-2021", "2021-08-15", "2021-06-30", sys)
            .await
            .unwrap();
        let id = s.ensure_report(round, "02", "{}", (0, 0)).await.unwrap();
        let meta = SaveMeta {
            errors: 0,
            warnings: 0,
            action: "sửa",
            changes: &[],
            upload: None,
        };
        assert_eq!(s.save(id, 1, "{\"a\":1}", &meta, sys).await.unwrap(), 2);
        match s.save(id, 1, "{\"a\":2}", &meta, sys).await {
            Err(Error::Stale {
                base: 1,
                current: 2,
            }) => {}
            other => panic!("{other:?}"),
        }
        assert_eq!(s.report(id).await.unwrap().content, "{\"a\":1}");
        assert_eq!(s.submit(id, 2, sys).await.unwrap(), 1);
        match s.save(id, 3, "{\"a\":3}", &meta, sys).await {
            Err(Error::WrongState {
                state: State::Submitted,
                ..
            }) => {}
            other => panic!("{other:?}"),
        }
        assert_eq!(s.report(id).await.unwrap().content, "{\"a\":1}");
        // Reopening migrates nothing twice.
        drop(s);
        let s = Store::open(&url).await.unwrap();
        assert_eq!(s.versions(id).await.unwrap()[0].content, "{\"a\":1}");
    }

    #[tokio::test]
    async fn an_uploaded_file_is_applied_once_with_its_set_aside_text() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let s = Store::open(&url).await.unwrap();
        let sys = Actor {
            id: None,
            username: "hệ thống",
        };
        let round = s
            .create_round("Đợt 1", "kl74-2021", "2021-08-15", "2021-06-30", sys)
            .await
            .unwrap();
        let id = s.ensure_report(round, "02", "{}", (0, 0)).await.unwrap();
        let other = s.ensure_report(round, "04", "{}", (0, 0)).await.unwrap();
        let bytes: Vec<u8> = (0..=255u8).cycle().take(5000).collect();
        let f = s.add_upload(id, "Dự thảo.docx", &bytes, sys).await.unwrap();
        let (info, got) = s.upload(id, f).await.unwrap();
        assert_eq!(got, bytes, "the bytes kept as they came");
        assert_eq!((info.size, info.applied_at), (5000, None));
        assert!(matches!(s.upload(other, f).await, Err(Error::NotFound(_))));
        let aside = [("đoạn 7".to_string(), "Ảnh 1".to_string())];
        let meta = SaveMeta {
            errors: 0,
            warnings: 0,
            action: "nhập từ tệp Word",
            changes: &[],
            upload: Some(UploadApplied {
                upload: f,
                set_aside: &aside,
            }),
        };
        assert_eq!(s.save(id, 1, "{\"a\":1}", &meta, sys).await.unwrap(), 2);
        // Applied once: a second time changes nothing.
        assert!(matches!(
            s.save(id, 2, "{\"a\":2}", &meta, sys).await,
            Err(Error::AlreadyApplied)
        ));
        assert_eq!(s.report(id).await.unwrap().info.revision, 2);
        assert!(s.uploads(id).await.unwrap()[0].applied_at.is_some());
        let waiting = s.set_aside(id).await.unwrap();
        assert_eq!(waiting.len(), 1);
        assert_eq!(waiting[0].filename, "Dự thảo.docx");
        // Dealt with once, by the report it belongs to.
        assert!(s
            .resolve_set_aside(other, waiting[0].id, None, sys)
            .await
            .is_err());
        s.resolve_set_aside(id, waiting[0].id, Some("A.I"), sys)
            .await
            .unwrap();
        assert!(s.set_aside(id).await.unwrap().is_empty());
        assert!(s
            .resolve_set_aside(id, waiting[0].id, None, sys)
            .await
            .is_err());
    }
}
