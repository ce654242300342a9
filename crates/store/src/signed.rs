//! Digitally signed PDFs of submitted versions, the trusted roots that decide whether a signer
//! is vouched for, and a round's requirement of a signature before acceptance. The web app
//! verifies a signed PDF before it gets here; this keeps it (whole, with what the verification
//! found) and audits every change.

use serde::Serialize;
use sqlx::Row;

use crate::{audit, now_ms, Actor, Error, Result, Store};

/// A signed PDF of a version, without its bytes.
#[derive(Debug, Clone, Serialize)]
pub struct SignedPdf {
    pub id: i64,
    pub report_id: i64,
    /// The submitted version it is the signed PDF of.
    pub version: i64,
    pub filename: String,
    pub size: i64,
    /// The signer's name (the certificate's common name).
    pub signer: String,
    pub organisation: Option<String>,
    /// The signing time the signature claims (ms since the epoch).
    pub signed_at: Option<i64>,
    /// The signer's certificate chains to a trusted root.
    pub trusted: bool,
    /// The verification's verdict, in Vietnamese.
    pub verdict: String,
    pub uploaded_by: String,
    pub uploaded_at: i64,
}

/// What the web app found when it verified a signed PDF.
#[derive(Debug, Clone)]
pub struct NewSigned<'a> {
    pub version: i64,
    pub filename: &'a str,
    pub signer: &'a str,
    pub organisation: Option<&'a str>,
    pub signed_at: Option<i64>,
    pub trusted: bool,
    pub verdict: &'a str,
}

/// A trusted root certificate (PEM), as the administrator added it.
#[derive(Debug, Clone, Serialize)]
pub struct TrustRoot {
    pub id: i64,
    pub name: String,
    pub pem: String,
    pub added_at: i64,
}

const SIGNED_INFO: &str = "s.id, s.report_id, s.version, s.filename, s.size, s.signer, \
    s.organisation, s.signed_at, s.trusted, s.verdict, s.uploaded_at, \
    u.username AS uploader";

fn signed(r: &sqlx::any::AnyRow) -> Result<SignedPdf> {
    Ok(SignedPdf {
        id: r.try_get("id")?,
        report_id: r.try_get("report_id")?,
        version: r.try_get("version")?,
        filename: r.try_get("filename")?,
        size: r.try_get("size")?,
        signer: r.try_get("signer")?,
        organisation: r.try_get("organisation")?,
        signed_at: r.try_get("signed_at")?,
        trusted: r.try_get::<i64, _>("trusted")? != 0,
        verdict: r.try_get("verdict")?,
        uploaded_by: r
            .try_get::<Option<String>, _>("uploader")?
            .unwrap_or_default(),
        uploaded_at: r.try_get("uploaded_at")?,
    })
}

impl Store {
    /// Keeps a verified signed PDF of version `s.version` of report `id` (audited).
    pub async fn add_signed_pdf(
        &self,
        id: i64,
        s: &NewSigned<'_>,
        content: &[u8],
        by: Actor<'_>,
    ) -> Result<i64> {
        let mut tx = self.write.begin().await?;
        let new: i64 = sqlx::query(
            "INSERT INTO signed_pdfs (report_id, version, filename, content, size, signer, \
             organisation, signed_at, trusted, verdict, uploaded_by, uploaded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
        )
        .bind(id)
        .bind(s.version)
        .bind(s.filename)
        .bind(content.to_vec())
        .bind(content.len() as i64)
        .bind(s.signer)
        .bind(s.organisation)
        .bind(s.signed_at)
        .bind(s.trusted as i64)
        .bind(s.verdict)
        .bind(by.id)
        .bind(now_ms())
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        audit(
            &mut tx,
            by,
            "tải lên bản PDF đã ký số",
            Some(id),
            None,
            None,
            Some(&format!(
                "phiên bản {}: {} – {} ({}, {} byte)",
                s.version,
                s.signer,
                s.verdict,
                s.filename,
                content.len()
            )),
        )
        .await?;
        tx.commit().await?;
        Ok(new)
    }

    /// The signed PDFs of report `id`, oldest first.
    pub async fn signed_pdfs(&self, id: i64) -> Result<Vec<SignedPdf>> {
        let rows = sqlx::query(&format!(
            "SELECT {SIGNED_INFO} FROM signed_pdfs s LEFT JOIN users u ON u.id = s.uploaded_by \
             WHERE s.report_id = $1 ORDER BY s.id"
        ))
        .bind(id)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(signed).collect()
    }

    /// The signed PDFs of every report of a round (for the dashboard), oldest first.
    pub async fn signed_pdfs_of_round(&self, round: i64) -> Result<Vec<SignedPdf>> {
        let rows = sqlx::query(&format!(
            "SELECT {SIGNED_INFO} FROM signed_pdfs s LEFT JOIN users u ON u.id = s.uploaded_by \
             JOIN reports r ON r.id = s.report_id WHERE r.round_id = $1 ORDER BY s.id"
        ))
        .bind(round)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(signed).collect()
    }

    /// One signed PDF of report `id`, with its bytes.
    pub async fn signed_pdf(&self, id: i64, signed_id: i64) -> Result<(SignedPdf, Vec<u8>)> {
        let row = sqlx::query(&format!(
            "SELECT {SIGNED_INFO}, s.content FROM signed_pdfs s \
             LEFT JOIN users u ON u.id = s.uploaded_by WHERE s.report_id = $1 AND s.id = $2"
        ))
        .bind(id)
        .bind(signed_id)
        .fetch_optional(&self.read)
        .await?
        .ok_or(Error::NotFound("bản PDF đã ký số"))?;
        Ok((signed(&row)?, row.try_get("content")?))
    }

    /// The trusted roots, oldest first.
    pub async fn trust_roots(&self) -> Result<Vec<TrustRoot>> {
        let rows = sqlx::query("SELECT id, name, pem, added_at FROM trust_roots ORDER BY id")
            .fetch_all(&self.read)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(TrustRoot {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    pem: r.try_get("pem")?,
                    added_at: r.try_get("added_at")?,
                })
            })
            .collect()
    }

    /// Adds a trusted root (audited).
    pub async fn add_trust_root(&self, name: &str, pem: &str, by: Actor<'_>) -> Result<i64> {
        let mut tx = self.write.begin().await?;
        let id: i64 = sqlx::query(
            "INSERT INTO trust_roots (name, pem, added_by, added_at) VALUES ($1, $2, $3, $4) \
             RETURNING id",
        )
        .bind(name)
        .bind(pem)
        .bind(by.id)
        .bind(now_ms())
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        audit(
            &mut tx,
            by,
            "thêm chứng thư gốc tin cậy",
            None,
            None,
            None,
            Some(name),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Removes a trusted root (audited).
    pub async fn remove_trust_root(&self, id: i64, by: Actor<'_>) -> Result<()> {
        let mut tx = self.write.begin().await?;
        let row = sqlx::query("DELETE FROM trust_roots WHERE id = $1 RETURNING name")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(Error::NotFound("chứng thư gốc tin cậy"))?;
        let name: String = row.try_get("name")?;
        audit(
            &mut tx,
            by,
            "bỏ chứng thư gốc tin cậy",
            None,
            None,
            None,
            Some(&name),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Whether a round requires a valid, trusted signature before a report is accepted
    /// (audited).
    pub async fn set_require_signature(&self, round: i64, on: bool, by: Actor<'_>) -> Result<()> {
        let mut tx = self.write.begin().await?;
        let n = sqlx::query("UPDATE rounds SET require_signature = $1 WHERE id = $2")
            .bind(on as i64)
            .bind(round)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(Error::NotFound("đợt báo cáo"));
        }
        audit(
            &mut tx,
            by,
            "đổi yêu cầu chữ ký số",
            None,
            None,
            None,
            Some(if on {
                "tiếp nhận cần chữ ký số hợp lệ, được tin cậy"
            } else {
                "tiếp nhận không cần chữ ký số"
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
