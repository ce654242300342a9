//! The operations of the application, shared by the pages and the API. Each checks access on the
//! server, applies the change to the report, validates it with the one validation engine and
//! stores it through `store` (which refuses stale and locked saves).

pub mod accounts;
pub mod export;
pub mod sending;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use axum::http::StatusCode;
use outline::{NodeKind, Severity, Template};
use report::{Instance, Options, Problem, Report};
use serde::Serialize;
use serde_json::Value;
use store::{Actor, ItemChange, NewComment, ReportInfo, Round, SaveMeta};

use crate::access;
use crate::auth::Viewer;
use crate::{App, AppError, AppResult};

/// A report loaded for a viewer who may read it.
pub struct Loaded {
    pub info: ReportInfo,
    pub report: Report,
    pub template: Arc<Template>,
    pub round: Round,
}

/// An empty sheet of district `district` of `province` against `t`.
pub fn empty_sheet(t: &Template, province: &str, district: &str) -> Report {
    let mut r = empty_report(t, province);
    r.unit.district = Some(district.to_string());
    r
}

/// An empty report of `province` against `t`.
pub fn empty_report(t: &Template, province: &str) -> Report {
    Report {
        template: report::TemplateRef {
            id: t.template.id.clone(),
            version: t.template.version.clone(),
        },
        unit: report::UnitRef {
            province: province.to_string(),
            district: None,
        },
        document: Default::default(),
        answers: BTreeMap::new(),
        blocks: BTreeMap::new(),
    }
}

/// Creates a round and an empty report for each of the 63 provinces.
pub async fn create_round(
    app: &App,
    name: &str,
    template: &str,
    deadline: &str,
    cutoff: &str,
    by: Actor<'_>,
) -> AppResult<i64> {
    let t = app.template(template)?;
    for (label, d) in [("Hạn nộp", deadline), ("Ngày chốt số liệu", cutoff)] {
        vi::Date::parse_iso(d).map_err(|e| AppError::bad_request(format!("{label}: {e}")))?;
    }
    let name = vi::nfc(name.trim());
    if name.is_empty() || name.chars().count() > 300 {
        return Err(AppError::bad_request(
            "Tên đợt báo cáo không được để trống và không quá 300 ký tự.",
        ));
    }
    let id = app
        .store
        .create_round(&name, template, deadline, cutoff, by)
        .await?;
    // The 63 empty reports, validated for their counts: CPU work, off the async worker.
    let reports: Vec<(String, String, (i64, i64))> = cpu(|| {
        app.units
            .provinces
            .iter()
            .map(|p| {
                let r = empty_report(&t, &p.code);
                let c = counts(&report::validate(&t, &r, app.units, Options::default()));
                (p.code.clone(), r.to_json(), c)
            })
            .collect()
    });
    for (code, json, c) in reports {
        app.store.ensure_report(id, &code, &json, c).await?;
    }
    Ok(id)
}

/// Error and warning counts.
pub fn counts(problems: &[Problem]) -> (i64, i64) {
    let e = problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .count() as i64;
    (e, problems.len() as i64 - e)
}

/// How far a report is: required answers filled of those required, and its errors split into
/// what is wrong in what is filled and what is still missing (so filling items never makes the
/// error count grow).
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Progress {
    pub filled: usize,
    pub required: usize,
    /// Errors in what is filled.
    pub wrong: usize,
    /// Required answers still missing.
    pub missing: usize,
}

impl Progress {
    /// The share filled, in per cent (100 when nothing is required).
    pub fn percent(&self) -> f64 {
        if self.required == 0 {
            100.0
        } else {
            self.filled as f64 * 100.0 / self.required as f64
        }
    }
}

/// The progress of each report of `infos`, computed once per (database, report, revision) and
/// remembered: the dashboard reads the 63 reports' content only when one changed.
pub async fn progress(
    app: &App,
    infos: &[ReportInfo],
) -> AppResult<std::collections::HashMap<i64, Progress>> {
    type Key = (String, i64, i64);
    static MEMO: std::sync::OnceLock<std::sync::Mutex<std::collections::HashMap<Key, Progress>>> =
        std::sync::OnceLock::new();
    let memo = MEMO.get_or_init(Default::default);
    let db = app.config.database_url.clone();
    let mut out = std::collections::HashMap::new();
    let mut todo = Vec::new();
    for i in infos {
        let known = memo
            .lock()
            .ok()
            .and_then(|m| m.get(&(db.clone(), i.id, i.revision)).copied());
        match known {
            Some(p) => {
                out.insert(i.id, p);
            }
            None => todo.push(i.clone()),
        }
    }
    for i in todo {
        let row = app.store.report(i.id).await?;
        let round = app.round(i.round_id).await?;
        let t = app.template(&round.template)?;
        let units = app.units;
        let p = blocking(move || -> AppResult<Progress> {
            let r: Report = serde_json::from_str(&row.content).map_err(AppError::internal)?;
            let (filled, required) = report::completeness(&t, &r);
            let problems = report::validate(&t, &r, units, Options::default());
            let errors = problems.iter().filter(|p| p.severity == Severity::Error);
            let missing = errors.clone().filter(|p| p.missing).count();
            Ok(Progress {
                filled,
                required,
                wrong: errors.count() - missing,
                missing,
            })
        })
        .await??;
        if let Ok(mut m) = memo.lock() {
            // Only the latest revision of a report is kept: the memo never grows with saves.
            m.retain(|(d, id, _), _| !(d == &db && *id == i.id));
            m.insert((db.clone(), i.id, i.revision), p);
        }
        out.insert(i.id, p);
    }
    Ok(out)
}

/// Loads report `id` if `v` may read it (404 otherwise, also for another province's report).
pub async fn load(app: &App, v: &Viewer, id: i64) -> AppResult<Loaded> {
    let s = load_shared(app, v, id, true).await?;
    let report = match s.report {
        Some(r) => Arc::unwrap_or_clone(r),
        None => return Err(AppError::internal("báo cáo chưa được đọc")),
    };
    Ok(Loaded {
        info: s.info,
        report,
        template: s.template,
        round: s.round,
    })
}

/// Reports parsed and validated, remembered by what names their content in the database: the
/// (revision, updated_at) of the row that held it. Every change of a report's content or state
/// sets both in the same statement, so a load asks the database for the row and gets its
/// content only when that pair moved on ([`store::Store::report_unless`]): a report changed by
/// another server process on the same database is read again, never served stale. The parsed
/// reports kept are bounded (the least recently used are forgotten); of the others only the
/// error counts of their last validation are kept, for their submission.
#[derive(Default)]
pub struct Reports {
    inner: std::sync::Mutex<KnownReports>,
}

#[derive(Default)]
struct KnownReports {
    map: std::collections::HashMap<i64, Known>,
    tick: u64,
    /// Parsed reports kept, and the bytes of their JSON (a parsed report takes a few times that).
    heavy: usize,
    bytes: usize,
}

#[derive(Clone)]
struct Known {
    /// (revision, updated_at) of the row whose content this is.
    key: (i64, i64),
    report: Option<Arc<Report>>,
    /// Its whole validation (not a draft's).
    checked: Option<Arc<report::Checked>>,
    /// Its (errors, warnings), kept when the report is forgotten.
    counts: Option<(i64, i64)>,
    size: usize,
    used: u64,
}

/// At most this many parsed reports are kept, and at most this many bytes of their JSON.
const KEEP_REPORTS: usize = 128;
const KEEP_BYTES: usize = 12 << 20;
/// A save that changed more items than this (an upload, an import) does not keep its parsed
/// report, only its error counts.
const KEEP_AFTER_CHANGES: usize = 40;
/// At most this many reports' error counts are kept (a few dozen bytes each).
const KEEP_COUNTS: usize = 200_000;

impl Reports {
    fn get(&self, id: i64) -> Option<Known> {
        let mut m = self.inner.lock().ok()?;
        m.tick += 1;
        let tick = m.tick;
        let k = m.map.get_mut(&id)?;
        k.used = tick;
        Some(k.clone())
    }

    /// Remembers `k` for report `id` (what is known of an older revision is replaced; what is
    /// known of the same content is completed).
    fn put(&self, id: i64, mut k: Known) {
        let Ok(mut guard) = self.inner.lock() else {
            return;
        };
        let m = &mut *guard;
        m.tick += 1;
        k.used = m.tick;
        if let Some(old) = m.map.get(&id) {
            if old.key.0 > k.key.0 {
                return;
            }
            if old.key == k.key {
                k.report = k.report.or_else(|| old.report.clone());
                k.checked = k.checked.or_else(|| old.checked.clone());
                k.counts = k.counts.or(old.counts);
                k.size = k.size.max(old.size);
            }
        }
        if let Some(c) = &k.checked {
            k.counts = Some(counts_of(c));
        }
        // Without its report only the counts are kept.
        if k.report.is_none() {
            k.checked = None;
            k.size = 0;
        }
        if k.report.is_some() {
            m.heavy += 1;
            m.bytes += k.size;
        }
        if let Some(old) = m.map.insert(id, k) {
            if old.report.is_some() {
                m.heavy -= 1;
                m.bytes -= old.size;
            }
        }
        // Forget the least recently used parsed reports beyond the bounds (their counts stay).
        if m.heavy > KEEP_REPORTS || m.bytes > KEEP_BYTES {
            let mut by_use: Vec<(u64, i64)> = m
                .map
                .iter()
                .filter(|(_, k)| k.report.is_some())
                .map(|(id, k)| (k.used, *id))
                .collect();
            by_use.sort_unstable();
            for (_, old) in by_use {
                if m.heavy <= KEEP_REPORTS * 7 / 8 && m.bytes <= KEEP_BYTES * 7 / 8 {
                    break;
                }
                if let Some(k) = m.map.get_mut(&old) {
                    m.heavy -= 1;
                    m.bytes -= k.size;
                    k.report = None;
                    k.checked = None;
                    k.size = 0;
                }
            }
        }
        if m.map.len() > KEEP_COUNTS {
            let mut by_use: Vec<(u64, i64)> = m.map.iter().map(|(id, k)| (k.used, *id)).collect();
            by_use.sort_unstable();
            let drop = m.map.len() - KEEP_COUNTS * 3 / 4;
            for (_, old) in by_use.into_iter().take(drop) {
                if let Some(k) = m.map.remove(&old) {
                    if k.report.is_some() {
                        m.heavy -= 1;
                        m.bytes -= k.size;
                    }
                }
            }
        }
    }
}

/// (errors, warnings) of a whole validation.
fn counts_of(c: &report::Checked) -> (i64, i64) {
    let e = c.iter().filter(|p| p.severity == Severity::Error).count() as i64;
    (e, c.iter().count() as i64 - e)
}

/// A report loaded for a viewer who may read it, shared with [`Reports`]: the report (unless
/// not asked for and its error counts are known), its whole validation when known.
struct Shared {
    info: ReportInfo,
    report: Option<Arc<Report>>,
    checked: Option<Arc<report::Checked>>,
    counts: Option<(i64, i64)>,
    template: Arc<Template>,
    round: Round,
}

/// Loads report `id` for `v` (access checked first) through [`Reports`]; without
/// `want_report`, a report whose error counts are known for its current content is not read.
async fn load_shared(app: &App, v: &Viewer, id: i64, want_report: bool) -> AppResult<Shared> {
    let known = app
        .reports
        .get(id)
        .filter(|k| k.report.is_some() || (!want_report && k.counts.is_some()));
    let (info, content) = app
        .store
        .report_unless(id, known.as_ref().map(|k| k.key))
        .await?;
    access::require_view(&v.user, &info)?;
    let round = app.round(info.round_id).await?;
    let template = app.template(&round.template)?;
    let key = (info.revision, info.updated_at);
    let content = match (content, known) {
        (None, Some(k)) if k.key == key => {
            return Ok(Shared {
                info,
                report: k.report,
                checked: k.checked,
                counts: k.counts,
                template,
                round,
            });
        }
        (Some(c), _) => c,
        // Not sent, yet not what is known: cannot happen (the row was compared with the key
        // known); read it whole.
        (None, _) => app.store.report(id).await?.content,
    };
    // Stored content was written by this program, already NFC: parse it straight into a report
    // (Report::from_json's NFC pass over a user's file is not needed here).
    let report: Report = cpu(|| serde_json::from_str(&content)).map_err(AppError::internal)?;
    let report = Arc::new(report);
    app.reports.put(
        id,
        Known {
            key,
            report: Some(report.clone()),
            checked: None,
            counts: None,
            size: content.len(),
            used: 0,
        },
    );
    Ok(Shared {
        info,
        report: Some(report),
        checked: None,
        counts: None,
        template,
        round,
    })
}

/// The template of report `id`, if `v` may read it (without reading the report's content).
pub async fn template_for(app: &App, v: &Viewer, id: i64) -> AppResult<Arc<Template>> {
    let info = app.store.report_info(id).await?;
    access::require_view(&v.user, &info)?;
    let round = app.round(info.round_id).await?;
    app.template(&round.template)
}

/// The report of submitted version `n` of a loaded report (0: its current content).
pub async fn version_report(app: &App, l: &Loaded, n: i64) -> AppResult<Report> {
    if n == 0 {
        return Ok(l.report.clone());
    }
    let versions = app.store.versions(l.info.id).await?;
    let ver = versions
        .iter()
        .find(|x| x.number == n)
        .ok_or_else(AppError::not_found)?;
    serde_json::from_str(&ver.content).map_err(AppError::internal)
}

/// The problems of a report (draft: what is wrong; otherwise also what is missing), validated
/// off the async worker ([`cpu`]).
pub fn problems(app: &App, t: &Template, r: &Report, draft: bool) -> Vec<Problem> {
    cpu(|| validate(app, t, r, draft))
}

fn validate(app: &App, t: &Template, r: &Report, draft: bool) -> Vec<Problem> {
    report::validate(t, r, app.units, Options { draft })
}

/// Runs CPU-heavy work that borrows from the request (parsing, validating, serialising a
/// report) without stalling the other requests of the async worker thread: on the
/// multi-threaded runtime the thread first hands its queue to a new worker
/// (`tokio::task::block_in_place`); on any other runtime it runs inline.
pub fn cpu<T>(f: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current() {
        Ok(h) if h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(f)
        }
        _ => f(),
    }
}

/// Runs owned CPU-heavy work (exports, the consolidation, the search index) on tokio's
/// blocking threads (`spawn_blocking`), at most one fewer at a time than there are cores (at
/// least one): more would take every core from the requests (ten national PDF exports at once
/// on two cores had autosaves wait 1.6 s, p95), and go no faster. The rest wait their turn.
pub async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> AppResult<T> {
    static PERMITS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    let _permit = PERMITS
        .get_or_init(|| {
            let cores = std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2);
            tokio::sync::Semaphore::new(cores.saturating_sub(1).max(1))
        })
        .acquire()
        .await
        .map_err(AppError::internal)?;
    tokio::task::spawn_blocking(f)
        .await
        .map_err(AppError::internal)
}

/// What a save returns.
#[derive(Debug, Serialize)]
pub struct Saved {
    pub revision: i64,
    pub errors: i64,
    pub warnings: i64,
    /// What is wrong now (draft validation), to show next to the items.
    pub problems: Vec<Problem>,
    /// The page's saves: what is now stored for each item saved ("SCOPE|ITEM" → JSON, empty
    /// when cleared), so the page knows what it was given for its next save.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub values: BTreeMap<String, String>,
}

/// Report-sized work (parse, validate, serialise, store) at most two per core at a time: more in
/// flight would not go faster on the CPU, only hold more reports in memory at once.
async fn work_permit() -> AppResult<tokio::sync::SemaphorePermit<'static>> {
    static PERMITS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    PERMITS
        .get_or_init(|| {
            let cores = std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2);
            tokio::sync::Semaphore::new(2 * cores)
        })
        .acquire()
        .await
        .map_err(AppError::internal)
}

/// Applies `f` to report `id` at revision `base` and stores it, auditing every changed item.
pub async fn mutate(
    app: &App,
    v: &Viewer,
    id: i64,
    base: i64,
    action: &str,
    f: impl FnOnce(&Template, &mut Report) -> AppResult<()>,
) -> AppResult<Saved> {
    mutate_with(app, v, id, base, action, None, f).await
}

/// [`mutate`], applying an uploaded Word file: the file is marked applied and the text set
/// aside is kept in the same transaction as the change (a save even when no item changed).
pub async fn mutate_with(
    app: &App,
    v: &Viewer,
    id: i64,
    base: i64,
    action: &str,
    upload: Option<store::UploadApplied<'_>>,
    f: impl FnOnce(&Template, &mut Report) -> AppResult<()>,
) -> AppResult<Saved> {
    let _permit = work_permit().await?;
    let l = load_shared(app, v, id, true).await?;
    access::require(access::is_author(&v.user, &l.info))?;
    if !l.info.state.editable() {
        return Err(AppError::conflict(format!(
            "Báo cáo đang ở trạng thái “{}”, không sửa được.",
            l.info.state.label()
        )));
    }
    if base != l.info.revision {
        return Err(store::Error::Stale {
            base,
            current: l.info.revision,
        }
        .into());
    }
    let Some(old) = l.report.clone() else {
        return Err(AppError::internal("báo cáo chưa được đọc"));
    };
    // Applying, comparing, validating and serialising a report is CPU work (a whole uploaded
    // report: tens of milliseconds): off the async worker (`cpu`).
    let (changes, json, r, checked) = cpu(|| -> AppResult<_> {
        let mut r = (*old).clone();
        // Everything entering the database is NFC: `apply_changes`, `add_instance` and the
        // particulars normalise what they bring, `replace` reads through `Report::from_json`.
        f(&l.template, &mut r)?;
        let changes = diff(&old, &r);
        refuse_bad_text(&l.template, &old, &r)?;
        // One validation, of what changed when the stored report's validation is known
        // (`report::recheck`, equal to a whole one), else of everything. The counts are of
        // every problem; the page shows the draft's (what is wrong, not what is still
        // missing), the same problems less the "missing" ones.
        let checked = match &l.checked {
            Some(c) => report::recheck(&l.template, app.units, &old, c, &r),
            None => report::check(&l.template, &r, app.units, Options::default()),
        };
        let json = if changes.is_empty() && upload.is_none() {
            String::new()
        } else {
            r.to_json()
        };
        Ok((changes, json, r, Arc::new(checked)))
    })?;
    let (errors, warnings) = counts_of(&checked);
    let draft_problems: Vec<Problem> = checked.iter().filter(|p| !p.missing).cloned().collect();
    let revision = if changes.is_empty() && upload.is_none() {
        // Nothing to store: what was validated is the stored report (when it is that exactly).
        if r == *old {
            app.reports.put(
                id,
                Known {
                    key: (l.info.revision, l.info.updated_at),
                    report: None,
                    checked: Some(checked),
                    counts: None,
                    size: 0,
                    used: 0,
                },
            );
        }
        base
    } else {
        // The permit is kept through the write: a save holds its new report, parsed and as
        // text, until it is committed, and 100 saves in flight at once would double the
        // server's memory (measured: a peak of 185 MB instead of 131 MB) for more saves a
        // second than the target asks. Those in flight are committed together
        // (`store::batch`).
        let now = store::now_ms();
        let revision = app
            .store
            .save_at(
                id,
                base,
                &json,
                &SaveMeta {
                    errors,
                    warnings,
                    action,
                    changes: &changes,
                    upload,
                },
                (&v.user).into(),
                now,
            )
            .await?;
        // The content just committed, under the name the row now gives it. A save of a few
        // items (autosave, the API's patch) keeps the parsed report for the next one; a whole
        // upload or import keeps only its error counts (for its submission): an upload is
        // seldom followed by autosaves, and a burst of uploads (a province's rounds prepared at
        // once) would otherwise fill the memory with parsed reports nobody edits.
        let small = changes.len() <= KEEP_AFTER_CHANGES;
        app.reports.put(
            id,
            Known {
                key: (revision, now),
                report: small.then(|| Arc::new(r)),
                checked: Some(checked),
                counts: None,
                size: if small { json.len() } else { 0 },
                used: 0,
            },
        );
        revision
    };
    Ok(Saved {
        revision,
        errors,
        warnings,
        problems: draft_problems,
        values: BTreeMap::new(),
    })
}

/// Refuses a save whose new text holds characters that are no text (the replacement character
/// "�" that a broken copy leaves, control characters) or is longer than an answer may be: said
/// with the item, and nothing is stored.
fn refuse_bad_text(t: &Template, old: &Report, new: &Report) -> AppResult<()> {
    fn strings<'v>(v: &'v Value, out: &mut Vec<&'v str>) {
        match v {
            Value::String(s) => out.push(s),
            Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
            Value::Object(o) => o.values().for_each(|x| strings(x, out)),
            _ => {}
        }
    }
    // The values that changed, read from the reports themselves (the audit's entries shorten
    // long texts).
    let mut changed: Vec<(String, &Value)> = Vec::new();
    fn scan<'v>(
        a: &BTreeMap<String, Value>,
        b: &'v BTreeMap<String, Value>,
        inst: Option<&str>,
        out: &mut Vec<(String, &'v Value)>,
    ) {
        for (k, v) in b {
            if a.get(k) != Some(v) {
                let key = match inst {
                    Some(i) => format!("{k} [{i}]"),
                    None => k.clone(),
                };
                out.push((key, v));
            }
        }
    }
    scan(&old.answers, &new.answers, None, &mut changed);
    let none = std::collections::BTreeMap::new();
    for (block, list) in &new.blocks {
        for inst in list {
            let before = old
                .blocks
                .get(block)
                .and_then(|l| l.iter().find(|i| i.id == inst.id))
                .map(|i| &i.answers)
                .unwrap_or(&none);
            scan(before, &inst.answers, Some(&inst.id), &mut changed);
        }
    }
    for (item, v) in changed {
        let mut texts = Vec::new();
        strings(v, &mut texts);
        let label = || item_label(t, &item);
        for s in texts {
            let bad = s.chars().find(|&ch| {
                ch == '\u{FFFD}' || (ch.is_control() && !matches!(ch, '\n' | '\t' | '\r'))
            });
            if let Some(ch) = bad {
                let what = if ch == '\u{FFFD}' {
                    "ký tự “�” (thường do dán từ tệp bị lỗi phông hoặc sai bảng mã)".to_string()
                } else {
                    format!("ký tự điều khiển U+{:04X}", ch as u32)
                };
                return Err(AppError::bad_request(format!(
                    "Chưa lưu: nội dung “{}” có {what}. Hãy gõ lại hoặc dán lại đoạn đó từ bản gốc.",
                    label()
                )));
            }
            let n = s.chars().count();
            if n > report::validate::MAX_TEXT_CHARS {
                return Err(AppError::bad_request(format!(
                    "Chưa lưu: nội dung “{}” dài {} ký tự, quá giới hạn {} ký tự của một mục. Hãy rút gọn hoặc chia sang mục khác.",
                    label(),
                    vi::format_int(n as i64),
                    vi::format_int(report::validate::MAX_TEXT_CHARS as i64)
                )));
            }
        }
    }
    Ok(())
}

/// The items that differ between two reports, for the audit log (values as JSON).
pub fn diff(old: &Report, new: &Report) -> Vec<ItemChange> {
    let mut out = Vec::new();
    let json = |v: Option<&Value>| v.map(|v| v.to_string());
    let doc_old = serde_json::to_value(&old.document).unwrap_or_default();
    let doc_new = serde_json::to_value(&new.document).unwrap_or_default();
    let keys: BTreeSet<&String> = doc_old
        .as_object()
        .into_iter()
        .chain(doc_new.as_object())
        .flat_map(|o| o.keys())
        .collect();
    for k in keys {
        let (a, b) = (doc_old.get(k), doc_new.get(k));
        if a != b {
            out.push(ItemChange {
                item: format!("document.{k}"),
                old: json(a),
                new: json(b),
            });
        }
    }
    answers_diff(&old.answers, &new.answers, None, &mut out);
    let blocks: BTreeSet<&String> = old.blocks.keys().chain(new.blocks.keys()).collect();
    for b in blocks {
        let empty = Vec::new();
        let (a, c) = (
            old.blocks.get(b).unwrap_or(&empty),
            new.blocks.get(b).unwrap_or(&empty),
        );
        let shape = |l: &[Instance]| {
            l.iter()
                .map(|i| serde_json::json!({"id": i.id, "model": i.model, "name": i.name}))
                .collect::<Vec<_>>()
        };
        if shape(a) != shape(c) {
            out.push(ItemChange {
                item: b.clone(),
                old: Some(Value::from(shape(a)).to_string()),
                new: Some(Value::from(shape(c)).to_string()),
            });
        }
        for inst in c {
            let before = a.iter().find(|i| i.id == inst.id).map(|i| &i.answers);
            let none = BTreeMap::new();
            answers_diff(
                before.unwrap_or(&none),
                &inst.answers,
                Some(&inst.id),
                &mut out,
            );
            // Which district sheets (and versions) the instance was rolled up from.
            let sources = |i: Option<&Instance>| {
                i.and_then(|i| i.rollup.as_ref()).map(|r| {
                    r.sheets
                        .iter()
                        .map(|s| format!("{} ({})", s.district, s.version))
                        .collect::<Vec<_>>()
                        .join(", ")
                })
            };
            let old_sources = sources(a.iter().find(|i| i.id == inst.id));
            let new_sources = sources(Some(inst));
            if old_sources != new_sources {
                out.push(ItemChange {
                    item: format!("{} [{}]", ROLLUP_ITEM, inst.id),
                    old: old_sources,
                    new: new_sources,
                });
            }
        }
    }
    out
}

fn answers_diff(
    a: &BTreeMap<String, Value>,
    b: &BTreeMap<String, Value>,
    instance: Option<&str>,
    out: &mut Vec<ItemChange>,
) {
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    for k in keys {
        let (x, y) = (a.get(k), b.get(k));
        if x != y {
            let (old, new) = match (x, y) {
                (Some(Value::String(p)), Some(Value::String(q)))
                    if p.len() + q.len() > LONG_AUDIT_BYTES =>
                {
                    let (o, n) = text_change(p, q);
                    (Some(o), Some(n))
                }
                _ => (x.map(|v| v.to_string()), y.map(|v| v.to_string())),
            };
            out.push(ItemChange {
                item: match instance {
                    Some(i) => format!("{k} [{i}]"),
                    None => k.clone(),
                },
                old,
                new,
            });
        }
    }
}

/// Texts longer than this (old and new together, bytes) are audited as what changed, not whole.
pub const LONG_AUDIT_BYTES: usize = 4000;

/// The change of a long text for the audit log: only the changed words with a few words around
/// them on each side ("… ở mỗi cơ quan [đã] ban hành …"), the parts joined by " … ", so that a day
/// of autosaves of a 20,000-character item stores what changed, not copies (shown as it is by the
/// audit page: not JSON).
pub fn text_change(old: &str, new: &str) -> (String, String) {
    // An autosave changes a few words of a long text: compare only what lies between the common
    // start and end (plus a few words of each), so the cost is the change's, not the text's.
    let mut p = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(p) || !new.is_char_boundary(p) {
        p -= 1;
    }
    let room = old.len().min(new.len()) - p;
    let mut q = old
        .bytes()
        .rev()
        .zip(new.bytes().rev())
        .take(room)
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(old.len() - q) || !new.is_char_boundary(new.len() - q) {
        q -= 1;
    }
    // Six words of context on each side.
    let start = old[..p]
        .char_indices()
        .rev()
        .filter(|(_, c)| c.is_whitespace())
        .nth(6)
        .map(|(i, _)| i)
        .unwrap_or(0);
    let tail = &old[old.len() - q..];
    let extra = tail
        .char_indices()
        .filter(|(_, c)| c.is_whitespace())
        .nth(6)
        .map(|(i, _)| i)
        .unwrap_or(tail.len());
    let (old, new) = (
        &old[start..old.len() - q + extra],
        &new[start..new.len() - q + extra],
    );
    let diff = similar::TextDiff::from_words(old, new);
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for group in diff.grouped_ops(6) {
        // Runs of the same kind together: one bracket per changed phrase.
        let mut runs: Vec<(similar::ChangeTag, String)> = Vec::new();
        for op in &group {
            for c in diff.iter_changes(op) {
                match runs.last_mut() {
                    Some((tag, text)) if *tag == c.tag() => text.push_str(c.value()),
                    _ => runs.push((c.tag(), c.value().to_string())),
                }
            }
        }
        let (mut x, mut y) = (String::new(), String::new());
        for (tag, text) in runs {
            match tag {
                similar::ChangeTag::Equal => {
                    x.push_str(&text);
                    y.push_str(&text);
                }
                similar::ChangeTag::Delete => x.push_str(&format!("[{text}]")),
                similar::ChangeTag::Insert => y.push_str(&format!("[{text}]")),
            }
        }
        a.push(x.trim().to_string());
        b.push(y.trim().to_string());
    }
    let wrap = |parts: Vec<String>| format!("(đoạn thay đổi) … {} …", parts.join(" … "));
    (wrap(a), wrap(b))
}

/// One change of an answer: `instance` None for the top level; `value` None clears it.
#[derive(Debug, Clone, serde::Deserialize, Serialize)]
pub struct Change {
    #[serde(default)]
    pub instance: Option<String>,
    pub item: String,
    #[serde(default)]
    pub value: Option<Value>,
}

/// Of a page's changes, those its user made, to apply on top of the latest report `r`: an item
/// whose value the page left as it was given is not written (someone else may have changed it
/// since); an item the user changed is written when no one else changed it since the page was
/// given it; an item both changed is a conflict, refused with both texts (409, `conflicts`).
pub fn own_changes(
    t: &Template,
    units: &units::Units,
    r: &Report,
    changes: &[Change],
    document: Option<&report::Particulars>,
    originals: &std::collections::HashMap<(String, String), Option<Value>>,
) -> AppResult<(Vec<Change>, Option<report::Particulars>)> {
    let norm = |v: Option<&Value>| {
        v.filter(|x| !report::validate::is_empty(x)).map(|x| {
            let mut x = x.clone();
            report::nfc_value(&mut x);
            x
        })
    };
    let mut out = Vec::new();
    let mut conflicts = Vec::new();
    for c in changes {
        let key = (c.instance.clone().unwrap_or_default(), c.item.clone());
        let Some(given) = originals.get(&key) else {
            out.push(c.clone());
            continue;
        };
        let (mine, given) = (norm(c.value.as_ref()), norm(given.as_ref()));
        if mine == given {
            continue;
        }
        let inst = c
            .instance
            .as_deref()
            .and_then(|i| r.blocks.values().flatten().find(|x| x.id == i));
        let now = match (&c.instance, inst) {
            (Some(_), None) => None,
            _ => norm(r.scope(inst).get(&c.item)),
        };
        if now == given || now == mine {
            out.push(c.clone());
            continue;
        }
        let audit_key = match &c.instance {
            Some(i) => format!("{} [{i}]", c.item),
            None => c.item.clone(),
        };
        let shown = |v: &Option<Value>| {
            readable(
                t,
                units,
                &c.item,
                v.as_ref().map(|x| x.to_string()).as_deref(),
            )
        };
        conflicts.push(serde_json::json!({
            "item": c.item,
            "instance": c.instance,
            "place": item_label(t, &audit_key),
            "mine": shown(&mine),
            "theirs": shown(&now),
            // What the page is now given: its next save (the merged text) goes on top of it.
            "given": now.as_ref().map(|v| v.to_string()).unwrap_or_default(),
        }));
    }
    let mut doc = None;
    if let Some(d) = document {
        let given: Option<report::Particulars> = originals
            .get(&(String::new(), "document".to_string()))
            .cloned()
            .flatten()
            .and_then(|v| serde_json::from_value(v).ok());
        match given {
            Some(g) if &g == d => {}
            Some(g) if g != r.document && r.document != *d => conflicts.push(serde_json::json!({
                "item": "document",
                "place": "Thông tin văn bản",
                "mine": serde_json::to_string(d).unwrap_or_default(),
                "theirs": serde_json::to_string(&r.document).unwrap_or_default(),
            })),
            _ => doc = Some(d.clone()),
        }
    }
    if conflicts.is_empty() {
        return Ok((out, doc));
    }
    let places: Vec<String> = conflicts
        .iter()
        .filter_map(|c| c["place"].as_str().map(str::to_string))
        .collect();
    let mut e = AppError::conflict(format!(
            "Chưa lưu: người khác vừa sửa cùng mục ({}). Nội dung của hai người được đặt cạnh nhau ở đầu biểu mẫu: hãy gộp vào ô của mục rồi lưu lại.",
            places.join("; ")
        ),
    );
    e = e.with_details(serde_json::json!({ "conflicts": conflicts }));
    Err(e)
}

/// Applies answer changes (items must be answerable nodes of the template, in the right scope).
pub fn apply_changes(t: &Template, r: &mut Report, changes: &[Change]) -> AppResult<()> {
    for c in changes {
        let node = t
            .node(&c.item)
            .filter(|n| n.answer.is_some())
            .ok_or_else(|| {
                AppError::bad_request(format!("Mục “{}” không có trong đề cương.", c.item))
            })?;
        let block = t.enclosing_repeat(&node.id).map(|b| b.id.clone());
        let scope = match (&c.instance, block) {
            (None, None) => &mut r.answers,
            (Some(inst), Some(block)) => {
                &mut r
                    .blocks
                    .get_mut(&block)
                    .and_then(|l| l.iter_mut().find(|i| &i.id == inst))
                    .ok_or_else(|| {
                        AppError::bad_request(format!(
                            "Không tìm thấy mô hình “{inst}” trong báo cáo (có thể đã bị xóa)."
                        ))
                    })?
                    .answers
            }
            _ => {
                return Err(AppError::bad_request(format!(
                    "Mục “{}” phải được ghi trong đúng mô hình của nó.",
                    c.item
                )))
            }
        };
        match &c.value {
            Some(v) if !report::validate::is_empty(v) => {
                let mut v = v.clone();
                report::nfc_value(&mut v);
                // Text pasted from a TCVN3 or VNI document that lost its font is stored as
                // Unicode (PRODUCT.md §6).
                report::convert_legacy_value(&mut v);
                scope.insert(c.item.clone(), v);
            }
            _ => {
                scope.remove(&c.item);
            }
        }
    }
    Ok(())
}

/// Adds a model (an instance of repeat block `block`): a catalogue code, or "khac" with a name.
pub fn add_instance(
    t: &Template,
    r: &mut Report,
    block: &str,
    model: &str,
    name: Option<&str>,
) -> AppResult<String> {
    let node = t
        .node(block)
        .filter(|n| n.kind == NodeKind::Repeat)
        .ok_or_else(|| AppError::bad_request("Khối mô hình không có trong đề cương."))?;
    let name = name.map(|n| vi::nfc(n.trim())).filter(|n| !n.is_empty());
    if model == "khac" {
        match &name {
            None => return Err(AppError::bad_request("Mô hình “khác” cần có tên mô hình.")),
            Some(n) if n.chars().count() > 300 => {
                return Err(AppError::bad_request("Tên mô hình không quá 300 ký tự."))
            }
            _ => {}
        }
    } else if !t.catalogue_for(node).any(|c| c.code == model) {
        return Err(AppError::bad_request(
            "Hãy chọn một mô hình trong danh mục của khối này, hoặc “Mô hình khác”.",
        ));
    }
    let id = next_instance_id(r);
    let mut answers = BTreeMap::new();
    // A district's sheet: its own row, with the district already chosen.
    if let Some(district) = &r.unit.district {
        if let Some(row) = t.node.iter().find(|n| {
            n.district == Some(outline::DistrictFill::Row)
                && t.enclosing_repeat(&n.id).map(|b| &b.id) == Some(&node.id)
        }) {
            let key = consolidate::rollup::unit_key(row);
            answers.insert(row.id.clone(), serde_json::json!([{ key: district }]));
        }
    }
    r.blocks
        .entry(block.to_string())
        .or_default()
        .push(Instance {
            id: id.clone(),
            model: model.to_string(),
            name: if model == "khac" { name } else { None },
            answers,
            rollup: None,
        });
    Ok(id)
}

/// A new instance id: "m" and one more than the largest number in use, or, when that number
/// is the largest there is (an uploaded `m18446744073709551615`), the first free "mN".
pub fn next_instance_id(r: &Report) -> String {
    let used: BTreeSet<&str> = r.blocks.values().flatten().map(|i| i.id.as_str()).collect();
    let max = used
        .iter()
        .filter_map(|id| id.strip_prefix('m').and_then(|n| n.parse::<u64>().ok()))
        .max()
        .unwrap_or(0);
    match max.checked_add(1) {
        Some(n) => format!("m{n}"),
        None => (1..=u64::MAX)
            .map(|n| format!("m{n}"))
            .find(|id| !used.contains(id.as_str()))
            .unwrap_or_else(|| "m1".to_string()),
    }
}

/// Removes an instance, or moves it one place up (`-1`) or down (`1`).
pub fn change_instance(r: &mut Report, instance: &str, op: InstanceOp) -> AppResult<()> {
    for list in r.blocks.values_mut() {
        if let Some(pos) = list.iter().position(|i| i.id == instance) {
            match op {
                InstanceOp::Remove => {
                    list.remove(pos);
                }
                InstanceOp::Up if pos > 0 => list.swap(pos, pos - 1),
                InstanceOp::Down if pos + 1 < list.len() => list.swap(pos, pos + 1),
                _ => {}
            }
            return Ok(());
        }
    }
    Err(AppError::bad_request(
        "Không tìm thấy mô hình trong báo cáo (có thể đã bị xóa).",
    ))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum InstanceOp {
    Remove,
    Up,
    Down,
}

/// Replaces the whole content with an uploaded report JSON (same province and template).
pub fn replace(t: &Template, r: &mut Report, json: &str) -> AppResult<()> {
    let mut new = Report::from_json(json).map_err(|e| AppError::bad_request(e.to_string()))?;
    // Answers in TCVN3 or VNI that lost their font are stored as Unicode.
    report::convert_legacy_report(&mut new);
    if new.unit.province != r.unit.province {
        return Err(AppError::bad_request(format!(
            "Tệp là báo cáo của tỉnh mã {}, không phải của tỉnh này (mã {}).",
            new.unit.province, r.unit.province
        )));
    }
    if new.unit.district != r.unit.district {
        let what = |d: &Option<String>| match d {
            Some(d) => format!("phiếu của đơn vị cấp huyện mã {d}"),
            None => "báo cáo của tỉnh".to_string(),
        };
        return Err(AppError::bad_request(format!(
            "Tệp là {}, không phải {} này.",
            what(&new.unit.district),
            what(&r.unit.district)
        )));
    }
    if new.template.id != t.template.id {
        return Err(AppError::bad_request(format!(
            "Tệp trả lời đề cương “{}”, không phải đề cương của đợt này (“{}”).",
            new.template.id, t.template.id
        )));
    }
    // What was rolled up from district sheets is the system's record, not the file's: an
    // uploaded file cannot claim sources; an instance keeps its own (its values, if the file
    // changed them, are then the province's corrections).
    for (block, list) in new.blocks.iter_mut() {
        for inst in list.iter_mut() {
            inst.rollup = r
                .blocks
                .get(block)
                .and_then(|old| {
                    old.iter()
                        .find(|o| o.id == inst.id && o.model == inst.model)
                })
                .and_then(|o| o.rollup.clone());
        }
    }
    *r = new;
    Ok(())
}

/// Submits: only an approver of the province, only without errors.
pub async fn submit(app: &App, v: &Viewer, id: i64, base: i64) -> AppResult<i64> {
    let permit = work_permit().await?;
    // The validation of the stored content is usually known: the save that stored it made it.
    let l = load_shared(app, v, id, false).await?;
    access::require(access::can_submit(&v.user, &l.info))?;
    // A double click (or a repeated request) is one submission: the same user's submission of
    // this very revision a moment ago is the answer, not a conflict.
    if l.info.state == store::State::Submitted && base + 1 == l.info.revision {
        if let Some(last) = app.store.versions(id).await?.last() {
            if last.submitted_by == v.user.username && store::now_ms() - last.submitted_at < 120_000
            {
                return Ok(last.number);
            }
        }
    }
    // Known valid (the last save validated this content: no errors), or validated now.
    let checked = match (&l.checked, l.counts) {
        (Some(c), _) => Some(c.clone()),
        (None, Some((0, _))) => None,
        _ => {
            let full;
            let src = if l.report.is_some() {
                &l
            } else {
                full = load_shared(app, v, id, true).await?;
                &full
            };
            let Some(r) = &src.report else {
                return Err(AppError::internal("báo cáo chưa được đọc"));
            };
            let c = Arc::new(cpu(|| {
                report::check(&src.template, r, app.units, Options::default())
            }));
            app.reports.put(
                id,
                Known {
                    key: (src.info.revision, src.info.updated_at),
                    report: None,
                    checked: Some(c.clone()),
                    counts: None,
                    size: 0,
                    used: 0,
                },
            );
            Some(c)
        }
    };
    if let Some(c) = checked {
        let (errors, _) = counts_of(&c);
        if errors > 0 {
            let e = AppError::invalid(format!(
                "Báo cáo còn {} lỗi, chưa gửi được. Sửa hết các lỗi (xem danh sách kiểm tra) \
                 rồi gửi lại.",
                vi::format_int(errors)
            ));
            return Err(e.with_details(serde_json::json!({ "problems": c.problems() })));
        }
    }
    // Checked: the write holds no report in memory (the version is copied in the database),
    // and waits for the disk without the permit (`mutate_with`).
    drop(l);
    drop(permit);
    Ok(app.store.submit(id, base, (&v.user).into()).await?)
}

/// A reviewer's comment as sent by a page or the API.
#[derive(Debug, Clone, serde::Deserialize, Serialize)]
pub struct CommentIn {
    pub item: String,
    #[serde(default)]
    pub instance: Option<String>,
    pub body: String,
}

fn comment(t: &Template, r: &Report, c: &CommentIn) -> AppResult<NewComment> {
    let body = vi::nfc(c.body.trim());
    if body.is_empty() {
        return Err(AppError::bad_request("Ý kiến không được để trống."));
    }
    if body.chars().count() > report::validate::MAX_LINE_CHARS * 5 {
        return Err(AppError::bad_request(
            "Ý kiến quá dài (tối đa 10.000 ký tự).",
        ));
    }
    let place = if c.item == "chung" {
        "Ý kiến chung".to_string()
    } else {
        let entries = report::tree::resolve(t, r, report::tree::TreeOptions::default());
        entries
            .iter()
            .find(|e| {
                e.node.id == c.item && e.instance.map(|i| i.id.as_str()) == c.instance.as_deref()
            })
            .map(|e| e.place())
            .ok_or_else(|| AppError::bad_request("Mục được góp ý không có trong báo cáo này."))?
    };
    Ok(NewComment {
        item: c.item.clone(),
        instance: c.instance.clone(),
        place,
        body,
    })
}

/// Adds a reviewer's comment to the submitted version.
pub async fn add_comment(app: &App, v: &Viewer, id: i64, c: &CommentIn) -> AppResult<()> {
    let l = load(app, v, id).await?;
    access::require(access::can_review(&v.user, &l.info))?;
    if l.info.state != store::State::Submitted {
        return Err(AppError::conflict(
            "Chỉ góp ý được khi báo cáo đang ở trạng thái “Đã gửi”.",
        ));
    }
    let nc = comment(&l.template, &l.report, c)?;
    Ok(app.store.comment(id, &nc, (&v.user).into()).await?)
}

/// Returns (with at least one comment, old or new) or accepts the submitted report.
pub async fn decide(
    app: &App,
    v: &Viewer,
    id: i64,
    accept: bool,
    comments: &[CommentIn],
) -> AppResult<Decided> {
    let l = load(app, v, id).await?;
    access::require(access::can_review(&v.user, &l.info))?;
    if l.info.state != store::State::Submitted {
        return Err(store::Error::WrongState {
            state: l.info.state,
            action: if accept {
                "tiếp nhận"
            } else {
                "trả lại"
            },
        }
        .into());
    }
    let new: Vec<NewComment> = comments
        .iter()
        .map(|c| comment(&l.template, &l.report, c))
        .collect::<AppResult<_>>()?;
    if accept {
        crate::signed::require_for_acceptance(app, &l.info).await?;
    }
    if !accept && new.is_empty() {
        let versions = app.store.versions(id).await?;
        let latest = versions.last().map(|v| v.number).unwrap_or(0);
        let existing = app
            .store
            .comments(id)
            .await?
            .iter()
            .any(|c| c.version == latest);
        if !existing {
            return Err(AppError::bad_request(
                "Khi trả lại báo cáo, hãy ghi ít nhất một ý kiến để tỉnh biết cần sửa gì.",
            ));
        }
    }
    app.store.decide(id, accept, &new, (&v.user).into()).await?;
    // An accepted district sheet goes into the province's report at once (with every other
    // accepted sheet), when the report can still be edited.
    if !accept || l.info.district.is_none() {
        return Ok(Decided::Report);
    }
    match rollup_districts(app, v, l.info.round_id, &l.info.province).await {
        Ok(r) => Ok(Decided::RolledUp(Box::new(r))),
        Err(e) if e.status() == StatusCode::CONFLICT => {
            Ok(Decided::NotRolledUp(e.message().to_string()))
        }
        Err(e) => Err(e),
    }
}

/// What a decision did besides the state.
#[derive(Debug, Serialize)]
#[serde(tag = "rollup", rename_all = "kebab-case")]
pub enum Decided {
    /// A province's report (or a returned sheet).
    Report,
    /// An accepted sheet, rolled into the province's report.
    RolledUp(Box<RolledUp>),
    /// An accepted sheet not rolled up: the province's report cannot be edited now (why).
    NotRolledUp(String),
}

/// The audit item of a change of an instance's district sources.
pub const ROLLUP_ITEM: &str = "nguồn cấp huyện";

/// What rolling a province's accepted district sheets into its report did.
#[derive(Debug, Serialize)]
pub struct RolledUp {
    /// The province report's new revision (unchanged when nothing changed).
    pub revision: i64,
    /// Accepted sheets rolled up.
    pub sheets: usize,
    pub outcome: consolidate::rollup::Outcome,
}

/// The name of a sheet's version in a roll-up's provenance: "phiếu {id}, bản {n}" (the
/// national consolidation's sources page links it back to the sheet).
pub fn sheet_version_name(sheet: i64, number: i64) -> String {
    format!("phiếu {sheet}, bản {number}")
}

/// The sheet id and version number of a provenance's sheet name.
pub fn parse_sheet_version(name: &str) -> Option<(i64, i64)> {
    let rest = name.strip_prefix("phiếu ")?;
    let (id, n) = rest.split_once(", bản ")?;
    Some((id.parse().ok()?, n.parse().ok()?))
}

/// Rolls the accepted sheets of `province`'s districts up into its report of `round_id`: the
/// district rows, figures and lists from the sheets (`consolidate::rollup`), one audited save
/// with the revision check. Only the province's users, while the report is editable.
pub async fn rollup_districts(
    app: &App,
    v: &Viewer,
    round_id: i64,
    province: &str,
) -> AppResult<RolledUp> {
    access::require(access::is_province_user(&v.user, province))?;
    let info = app
        .store
        .reports(round_id, Some(province))
        .await?
        .into_iter()
        .next()
        .ok_or_else(AppError::not_found)?;
    let mut sheets: Vec<(Report, String)> = Vec::new();
    for s in app.store.sheets(round_id, province).await? {
        if s.state != store::State::Accepted {
            continue;
        }
        let versions = app.store.versions(s.id).await?;
        let Some(ver) = versions
            .iter()
            .rev()
            .find(|x| x.state == store::State::Accepted)
        else {
            continue;
        };
        let r: Report = serde_json::from_str(&ver.content).map_err(AppError::internal)?;
        sheets.push((r, sheet_version_name(s.id, ver.number)));
    }
    let n = sheets.len();
    let outcome = std::sync::Mutex::new(None);
    let saved = mutate(
        app,
        v,
        info.id,
        info.revision,
        "tổng hợp từ phiếu cấp huyện",
        |t, r| {
            let refs: Vec<consolidate::rollup::Sheet<'_>> = sheets
                .iter()
                .map(|(report, version)| consolidate::rollup::Sheet { report, version })
                .collect();
            let out = consolidate::rollup::rollup(t, app.units, r, &refs)
                .map_err(|e| AppError::bad_request(e.to_string()))?;
            if let Ok(mut slot) = outcome.lock() {
                *slot = Some(out);
            }
            Ok(())
        },
    )
    .await?;
    let outcome = outcome.into_inner().ok().flatten().unwrap_or_default();
    Ok(RolledUp {
        revision: saved.revision,
        sheets: n,
        outcome,
    })
}

/// One line of a comparison of two versions.
#[derive(Debug, Serialize)]
pub struct DiffLine {
    pub place: String,
    pub item: String,
    pub instance: Option<String>,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// Compares two reports item by item, in outline order.
pub fn compare(t: &Template, units: &units::Units, a: &Report, b: &Report) -> Vec<DiffLine> {
    let flat = |r: &Report| -> Vec<(String, Option<String>, String, String)> {
        let mut v = Vec::new();
        for (k, val) in serde_json::to_value(&r.document)
            .ok()
            .and_then(|d| d.as_object().cloned())
            .unwrap_or_default()
        {
            v.push((
                format!("document.{k}"),
                None,
                format!("Thông tin văn bản – {}", crate::editor::document_label(&k)),
                display(&val),
            ));
        }
        for e in report::tree::resolve(t, r, report::tree::TreeOptions::default()) {
            if let Some(val) = e.answer(r) {
                v.push((
                    e.node.id.clone(),
                    e.instance.map(|i| i.id.clone()),
                    e.place(),
                    // In words: a district by its name, a document by its number and date, a
                    // figure by its row (never the JSON's keys).
                    readable(t, units, &e.node.id, Some(&val.to_string())),
                ));
            }
        }
        v
    };
    let (fa, fb) = (flat(a), flat(b));
    let mut out = Vec::new();
    let key = |x: &(String, Option<String>, String, String)| (x.0.clone(), x.1.clone());
    let mb: BTreeMap<_, _> = fb.iter().map(|x| (key(x), x)).collect();
    let ma: BTreeMap<_, _> = fa.iter().map(|x| (key(x), x)).collect();
    for x in &fa {
        let other = mb.get(&key(x));
        if other.map(|o| &o.3) != Some(&x.3) {
            out.push(DiffLine {
                place: x.2.clone(),
                item: x.0.clone(),
                instance: x.1.clone(),
                old: Some(x.3.clone()),
                new: other.map(|o| o.3.clone()),
            });
        }
    }
    for x in &fb {
        if !ma.contains_key(&key(x)) {
            out.push(DiffLine {
                place: x.2.clone(),
                item: x.0.clone(),
                instance: x.1.clone(),
                old: None,
                new: Some(x.3.clone()),
            });
        }
    }
    out
}

/// An answer as one readable text.
pub fn display(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n
            .as_i64()
            .map(vi::format_int)
            .unwrap_or_else(|| n.to_string()),
        Value::Array(a) => a.iter().map(display).collect::<Vec<_>>().join("; "),
        Value::Object(o) => o
            .iter()
            .map(|(k, v)| format!("{k}: {}", display(v)))
            .collect::<Vec<_>>()
            .join(", "),
        Value::Bool(b) => if *b { "có" } else { "không" }.to_string(),
        Value::Null => String::new(),
    }
}

/// The name of an item for people: the outline's words, not the id ("B.II.2.m.x2.dv [m3]" →
/// "Các đơn vị cấp huyện thực hiện… (mô hình m3)").
pub fn item_label(t: &Template, item: &str) -> String {
    let (id, inst) = match item.split_once(" [") {
        Some((id, rest)) => (id, Some(rest.trim_end_matches(']'))),
        None => (item, None),
    };
    let base = if let Some(field) = id.strip_prefix("document.") {
        format!(
            "Thông tin văn bản – {}",
            crate::editor::document_label(field)
        )
    } else if let Some(n) = t.node(id) {
        let text = report::tree::strip_markup(&n.text);
        let text = text.trim().trim_end_matches(':');
        match (n.kind, text.is_empty()) {
            (NodeKind::Repeat, _) => "Danh sách mô hình của khối".to_string(),
            (_, true) => "Nội dung".to_string(),
            _ => vi::shorten(text, 80),
        }
    } else {
        "Nội dung".to_string()
    };
    match inst {
        Some(i) => format!("{base} (mô hình {i})"),
        None => base,
    }
}

/// An audited value (JSON text) for people: labels of choices, rows and columns, dates and
/// numbers the Vietnamese way.
pub fn readable(t: &Template, units: &units::Units, item: &str, json: Option<&str>) -> String {
    let Some(json) = json else {
        return "(trống)".to_string();
    };
    let Ok(v) = serde_json::from_str::<Value>(json) else {
        return json.to_string();
    };
    let id = item.split(" [").next().unwrap_or(item);
    let node = t.node(id);
    if node.is_some_and(|n| n.kind == NodeKind::Repeat) {
        return v
            .as_array()
            .map(|l| {
                l.iter()
                    .map(|i| {
                        let code = i["model"].as_str().unwrap_or("");
                        t.catalogue_entry(code)
                            .map(|e| e.name.clone())
                            .unwrap_or_else(|| {
                                format!("Mô hình khác: {}", i["name"].as_str().unwrap_or(""))
                            })
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .unwrap_or_default();
    }
    let Some(a) = node.and_then(|n| n.answer.as_ref()) else {
        return display(&v);
    };
    let date = |s: &str| {
        vi::Date::parse_iso(s)
            .map(|d| d.short_vi())
            .unwrap_or_else(|_| s.to_string())
    };
    let label_of = |opts: &[outline::ChoiceOption], val: &str| {
        opts.iter()
            .find(|o| o.value == val)
            .map(|o| o.label.clone())
            .unwrap_or_else(|| val.to_string())
    };
    use outline::AnswerType as A;
    match a.kind {
        A::Date => v.as_str().map(date).unwrap_or_else(|| display(&v)),
        A::Choice => v
            .as_str()
            .map(|s| label_of(&a.option, s))
            .unwrap_or_else(|| display(&v)),
        A::Multichoice => v
            .as_array()
            .map(|l| {
                l.iter()
                    .filter_map(Value::as_str)
                    .map(|s| label_of(&a.option, s))
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .unwrap_or_else(|| display(&v)),
        A::Docrefs => v
            .as_array()
            .map(|l| {
                l.iter()
                    .map(document::build::docref_text)
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .unwrap_or_else(|| display(&v)),
        A::Records => v
            .as_array()
            .map(|rows| {
                rows.iter()
                    .map(|row| {
                        a.column
                            .iter()
                            .filter_map(|c| {
                                let cell = row.get(&c.key)?;
                                let s = cell.as_str().map(str::to_string);
                                let shown = match c.kind {
                                    outline::ColumnType::Unit => s.map(|code| {
                                        units
                                            .district(&code)
                                            .map(|d| d.name.clone())
                                            .unwrap_or(code)
                                    }),
                                    outline::ColumnType::Date => s.map(|x| date(&x)),
                                    outline::ColumnType::Choice => {
                                        s.map(|x| label_of(&c.option, &x))
                                    }
                                    _ => Some(display(cell)),
                                }?;
                                Some(format!("{}: {shown}", c.label))
                            })
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .unwrap_or_else(|| display(&v)),
        A::Figures => a
            .row
            .iter()
            .filter_map(|r| {
                let cells = v.get(&r.key)?;
                let part = |k: &str, l: &str| {
                    cells
                        .get(k)
                        .and_then(Value::as_i64)
                        .map(|n| format!("{l} {}", vi::format_int(n)))
                };
                let parts: Vec<String> = [
                    part("before", "trước"),
                    part("authorised", "theo văn bản"),
                    part("after", "sau"),
                ]
                .into_iter()
                .flatten()
                .collect();
                Some(format!("{}: {}", r.label, parts.join(", ")))
            })
            .collect::<Vec<_>>()
            .join("; "),
        _ => display(&v),
    }
}

/// The particulars with every text in NFC.
pub fn nfc_particulars(d: &report::Particulars) -> report::Particulars {
    let n = |o: &Option<String>| o.as_deref().map(vi::nfc);
    report::Particulars {
        number: n(&d.number),
        place: n(&d.place),
        date: n(&d.date),
        signer: n(&d.signer),
        signer_title: n(&d.signer_title),
        recipients: d.recipients.iter().map(|r| vi::nfc(r)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(revision: i64, report: Option<Arc<Report>>, size: usize) -> Known {
        Known {
            key: (revision, 1000 + revision),
            report,
            checked: None,
            counts: Some((revision % 2, 0)),
            size,
            used: 0,
        }
    }

    #[test]
    fn kept_reports_are_bounded_and_never_older() {
        let t = outline::builtin("kl74-2021").unwrap();
        let r = Arc::new(empty_report(&t, "02"));
        let kept = Reports::default();
        // More parsed reports than kept: the least recently used are forgotten, their counts
        // stay.
        for id in 0..(KEEP_REPORTS as i64 + 50) {
            kept.put(id, known(3, Some(r.clone()), 1000));
            // Report 0 stays in use.
            assert!(kept.get(0).is_some_and(|k| k.report.is_some()));
        }
        let m = kept.inner.lock().unwrap();
        let heavy = m.map.values().filter(|k| k.report.is_some()).count();
        assert_eq!(heavy, m.heavy);
        assert!(heavy <= KEEP_REPORTS, "{heavy}");
        assert_eq!(m.bytes, heavy * 1000);
        assert_eq!(m.map.len(), KEEP_REPORTS + 50);
        assert!(m.map.values().all(|k| k.counts.is_some()));
        assert!(m.map[&0].report.is_some());
        drop(m);
        // What is known of a newer revision is not replaced by an older one; the same content
        // is completed, not replaced.
        kept.put(7, known(5, None, 0));
        kept.put(7, known(4, Some(r.clone()), 1000));
        let k = kept.get(7).unwrap();
        assert_eq!(k.key, (5, 1005));
        assert!(k.report.is_none());
        kept.put(7, known(5, Some(r.clone()), 1000));
        kept.put(7, known(5, None, 0));
        let k = kept.get(7).unwrap();
        assert!(k.report.is_some());
        // Too many bytes: forgotten down to the bound.
        kept.put(9, known(6, Some(r), KEEP_BYTES));
        let m = kept.inner.lock().unwrap();
        assert!(m.bytes <= KEEP_BYTES, "{}", m.bytes);
    }

    fn with_ids(ids: &[&str]) -> Report {
        let t = outline::builtin("kl74-2021").unwrap();
        let mut r = empty_report(&t, "02");
        let list = ids
            .iter()
            .map(|id| Instance {
                id: id.to_string(),
                model: "x".to_string(),
                name: None,
                answers: BTreeMap::new(),
                rollup: None,
            })
            .collect();
        r.blocks.insert("b".to_string(), list);
        r
    }

    #[test]
    fn instance_ids_never_wrap() {
        assert_eq!(next_instance_id(&with_ids(&[])), "m1");
        assert_eq!(next_instance_id(&with_ids(&["m1", "m7"])), "m8");
        // The largest number there is: no "m0", no second "m1", a free id.
        let r = with_ids(&["m18446744073709551615", "m1", "m2"]);
        assert_eq!(next_instance_id(&r), "m3");
        let r = with_ids(&["m18446744073709551615"]);
        assert_eq!(next_instance_id(&r), "m1");
    }

    #[test]
    fn redirects_stay_on_the_site() {
        use crate::auth::safe_next;
        for ok in [
            "/",
            "/bao-cao/3?muc=B.III",
            "/tong-hop?nguon=da-gui&q=ki%E1%BB%83m",
        ] {
            assert_eq!(safe_next(ok), ok);
        }
        for bad in [
            "/\\evil.example/phish",
            "//evil.example",
            "/%5Cevil",
            "/%5cevil",
            "/%2F%2Fevil.example",
            "https://evil.example",
            "evil.example",
            "/\tx",
            "/x\r\nLocation: //evil",
            "",
        ] {
            assert_eq!(safe_next(bad), "/", "{bad:?}");
        }
    }
}
