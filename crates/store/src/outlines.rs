//! Outlines (đề cương) managed in the web app (issue 15): drafts the administrator or the BTCTW
//! imports and edits, and the numbered versions published from them. A draft changes only with
//! its revision checked; a published version is a new row that is never updated, so a round
//! opened with "id@N" and the reports written against it keep that outline. Every change is
//! audited in its transaction. The store keeps TOML text: reading it is the web app's business.

use serde::Serialize;
use sqlx::Row;

use crate::{audit, now_ms, Actor, Error, Result, Store};

/// A draft outline, with its TOML.
#[derive(Debug, Clone, Serialize)]
pub struct OutlineDraft {
    pub id: i64,
    /// The template's id (`[template] id`), under which it is published.
    pub key: String,
    pub name: String,
    /// The file it was imported from ("phiên bản N" for a draft made from a published version).
    pub filename: String,
    pub toml: String,
    /// What the importer was unsure of and what remains to decide, one line each.
    pub notes: Vec<String>,
    pub revision: i64,
    pub updated_at: i64,
    pub updated_by: String,
}

/// A published version of an outline (immutable).
#[derive(Debug, Clone, Serialize)]
pub struct OutlineVersion {
    pub id: i64,
    pub key: String,
    /// 1, 2, … per key.
    pub number: i64,
    pub name: String,
    pub toml: String,
    /// The draft it was published from, if it still exists.
    pub draft: Option<i64>,
    pub published_at: i64,
    pub published_by: String,
}

impl OutlineVersion {
    /// The id rounds name it by: "key@number".
    pub fn round_id(&self) -> String {
        format!("{}@{}", self.key, self.number)
    }
}

/// A new draft.
#[derive(Debug, Clone)]
pub struct NewOutline<'a> {
    pub key: &'a str,
    pub name: &'a str,
    pub filename: &'a str,
    /// The uploaded file, kept whole.
    pub source: &'a [u8],
    pub toml: &'a str,
    pub notes: &'a [String],
}

const DRAFT: &str = "d.id, d.template_key, d.name, d.filename, d.toml, d.notes, d.revision, \
    d.updated_at, u.username AS updater";
const VERSION: &str = "v.id, v.template_key, v.number, v.name, v.toml, v.draft_id, \
    v.published_at, u.username AS publisher";

fn draft(r: &sqlx::any::AnyRow) -> Result<OutlineDraft> {
    let notes: String = r.try_get("notes")?;
    Ok(OutlineDraft {
        id: r.try_get("id")?,
        key: r.try_get("template_key")?,
        name: r.try_get("name")?,
        filename: r.try_get("filename")?,
        toml: r.try_get("toml")?,
        notes: serde_json::from_str(&notes).map_err(|e| Error::Corrupt(e.to_string()))?,
        revision: r.try_get("revision")?,
        updated_at: r.try_get("updated_at")?,
        updated_by: r
            .try_get::<Option<String>, _>("updater")?
            .unwrap_or_default(),
    })
}

fn version(r: &sqlx::any::AnyRow) -> Result<OutlineVersion> {
    Ok(OutlineVersion {
        id: r.try_get("id")?,
        key: r.try_get("template_key")?,
        number: r.try_get("number")?,
        name: r.try_get("name")?,
        toml: r.try_get("toml")?,
        draft: r.try_get("draft_id")?,
        published_at: r.try_get("published_at")?,
        published_by: r
            .try_get::<Option<String>, _>("publisher")?
            .unwrap_or_default(),
    })
}

impl Store {
    /// Keeps a new draft outline and the file it came from (audited).
    pub async fn add_outline_draft(&self, o: &NewOutline<'_>, by: Actor<'_>) -> Result<i64> {
        let notes = serde_json::to_string(o.notes).map_err(|e| Error::Corrupt(e.to_string()))?;
        let now = now_ms();
        let mut tx = self.write.begin().await?;
        let id: i64 = sqlx::query(
            "INSERT INTO outline_drafts (template_key, name, filename, source, toml, notes, \
             revision, created_by, created_at, updated_by, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8, $7, $8) RETURNING id",
        )
        .bind(o.key)
        .bind(o.name)
        .bind(o.filename)
        .bind(o.source.to_vec())
        .bind(o.toml)
        .bind(notes)
        .bind(by.id)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        audit(
            &mut tx,
            by,
            "nhập đề cương",
            None,
            Some(o.key),
            None,
            Some(&format!(
                "{} ({}, {} byte)",
                o.name,
                o.filename,
                o.source.len()
            )),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The draft outlines, newest first.
    pub async fn outline_drafts(&self) -> Result<Vec<OutlineDraft>> {
        let rows = sqlx::query(&format!(
            "SELECT {DRAFT} FROM outline_drafts d LEFT JOIN users u ON u.id = d.updated_by \
             ORDER BY d.id DESC"
        ))
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(draft).collect()
    }

    /// One draft outline.
    pub async fn outline_draft(&self, id: i64) -> Result<OutlineDraft> {
        let row = sqlx::query(&format!(
            "SELECT {DRAFT} FROM outline_drafts d LEFT JOIN users u ON u.id = d.updated_by \
             WHERE d.id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.read)
        .await?
        .ok_or(Error::NotFound("bản nháp đề cương"))?;
        draft(&row)
    }

    /// Replaces a draft's outline if `base` is its current revision (audited with `what`, the
    /// change in words). Returns the new revision, or `None` when the draft changed meanwhile
    /// (nothing is written then).
    #[allow(clippy::too_many_arguments)]
    pub async fn update_outline_draft(
        &self,
        id: i64,
        base: i64,
        key: &str,
        name: &str,
        toml: &str,
        what: &str,
        by: Actor<'_>,
    ) -> Result<Option<i64>> {
        let mut tx = self.write.begin().await?;
        let n = sqlx::query(
            "UPDATE outline_drafts SET template_key = $1, name = $2, toml = $3, \
             revision = revision + 1, updated_by = $4, updated_at = $5 \
             WHERE id = $6 AND revision = $7",
        )
        .bind(key)
        .bind(name)
        .bind(toml)
        .bind(by.id)
        .bind(now_ms())
        .bind(id)
        .bind(base)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            let exists = sqlx::query("SELECT id FROM outline_drafts WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
            return match exists {
                Some(_) => Ok(None),
                None => Err(Error::NotFound("bản nháp đề cương")),
            };
        }
        audit(
            &mut tx,
            by,
            "sửa đề cương",
            None,
            Some(key),
            None,
            Some(what),
        )
        .await?;
        tx.commit().await?;
        Ok(Some(base + 1))
    }

    /// Publishes draft `id` at revision `base` as the next version of its key: `make` is given
    /// the version's number and returns the TOML to keep (its version set). Returns the
    /// version, or `None` when the draft changed meanwhile. Audited.
    pub async fn publish_outline(
        &self,
        id: i64,
        base: i64,
        make: impl FnOnce(&OutlineDraft, i64) -> std::result::Result<String, String>,
        by: Actor<'_>,
    ) -> Result<Option<OutlineVersion>> {
        let mut tx = self.write.begin().await?;
        let row = sqlx::query(&format!(
            "SELECT {DRAFT} FROM outline_drafts d LEFT JOIN users u ON u.id = d.updated_by \
             WHERE d.id = $1"
        ))
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(Error::NotFound("bản nháp đề cương"))?;
        let d = draft(&row)?;
        if d.revision != base {
            return Ok(None);
        }
        let last: Option<i64> =
            sqlx::query("SELECT MAX(number) AS n FROM outline_versions WHERE template_key = $1")
                .bind(&d.key)
                .fetch_one(&mut *tx)
                .await?
                .try_get("n")?;
        let number = last.unwrap_or(0) + 1;
        let toml = make(&d, number).map_err(Error::Corrupt)?;
        let now = now_ms();
        let vid: i64 = sqlx::query(
            "INSERT INTO outline_versions (template_key, number, name, toml, draft_id, \
             published_by, published_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(&d.key)
        .bind(number)
        .bind(&d.name)
        .bind(&toml)
        .bind(id)
        .bind(by.id)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        audit(
            &mut tx,
            by,
            "công bố đề cương",
            None,
            Some(&format!("{}@{number}", d.key)),
            None,
            Some(&format!("{} – phiên bản {number}", d.name)),
        )
        .await?;
        tx.commit().await?;
        Ok(Some(OutlineVersion {
            id: vid,
            key: d.key,
            number,
            name: d.name,
            toml,
            draft: Some(id),
            published_at: now,
            published_by: by.username.to_string(),
        }))
    }

    /// Every published version, by key then number.
    pub async fn outline_versions(&self) -> Result<Vec<OutlineVersion>> {
        let rows = sqlx::query(&format!(
            "SELECT {VERSION} FROM outline_versions v LEFT JOIN users u ON u.id = v.published_by \
             ORDER BY v.template_key, v.number"
        ))
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(version).collect()
    }

    /// Version `number` of outline `key`.
    pub async fn outline_version(&self, key: &str, number: i64) -> Result<OutlineVersion> {
        let row = sqlx::query(&format!(
            "SELECT {VERSION} FROM outline_versions v LEFT JOIN users u ON u.id = v.published_by \
             WHERE v.template_key = $1 AND v.number = $2"
        ))
        .bind(key)
        .bind(number)
        .fetch_optional(&self.read)
        .await?
        .ok_or(Error::NotFound("phiên bản đề cương"))?;
        version(&row)
    }
}
