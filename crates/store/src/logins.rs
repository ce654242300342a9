//! Failed logins, kept in the database so that every server process on it throttles the same
//! tries (two servers behind a load balancer must not give a stranger twice the tries). The
//! policy (how many tries are free, how long to wait) is the web layer's; this keeps counts.

use sqlx::Row;

use crate::{Result, Store};

/// The failures counted under one key (an account from an address, or an address).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginFailures {
    pub count: i64,
    /// No try before this (ms since the epoch).
    pub until: i64,
    /// Whether a refusal during the current wait was written to the audit log.
    pub reported: bool,
}

impl Store {
    /// The failures kept under `key`, if any.
    pub async fn login_failures(&self, key: &str) -> Result<Option<LoginFailures>> {
        let row =
            sqlx::query("SELECT count, until_ms, reported FROM login_failures WHERE key = $1")
                .bind(key)
                .fetch_optional(&self.read)
                .await?;
        row.map(|r| {
            Ok(LoginFailures {
                count: r.try_get("count")?,
                until: r.try_get("until_ms")?,
                reported: r.try_get::<i64, _>("reported")? != 0,
            })
        })
        .transpose()
    }

    /// Counts a failed try under `key` at `now` (ms): the count starts again once the last wait
    /// ended `forget` ms ago; the new wait ends at `now + wait(count)`. Returns the new count.
    /// Counts forgotten that long ago are removed on the way.
    pub async fn login_failed(
        &self,
        key: &str,
        now: i64,
        forget: i64,
        wait: impl Fn(i64) -> i64,
    ) -> Result<i64> {
        let mut tx = self.write.begin().await?;
        sqlx::query("DELETE FROM login_failures WHERE until_ms + $1 <= $2")
            .bind(forget)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        let before: Option<i64> = sqlx::query("SELECT count FROM login_failures WHERE key = $1")
            .bind(key)
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| r.try_get("count"))
            .transpose()?;
        let count = before.unwrap_or(0) + 1;
        sqlx::query(
            "INSERT INTO login_failures (key, count, until_ms, reported) VALUES ($1, $2, $3, 0) \
             ON CONFLICT (key) DO UPDATE SET count = $2, until_ms = $3, reported = 0",
        )
        .bind(key)
        .bind(count)
        .bind(now.saturating_add(wait(count)))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(count)
    }

    /// Marks the current wait under `key` as written to the audit log. True when this call did
    /// it (the first refusal of the wait, on whichever server).
    pub async fn login_wait_reported(&self, key: &str) -> Result<bool> {
        let n =
            sqlx::query("UPDATE login_failures SET reported = 1 WHERE key = $1 AND reported = 0")
                .bind(key)
                .execute(&self.write)
                .await?
                .rows_affected();
        Ok(n > 0)
    }

    /// Forgets the failures under `key` (the account signed in from that address).
    pub async fn forget_login_failures(&self, key: &str) -> Result<()> {
        sqlx::query("DELETE FROM login_failures WHERE key = $1")
            .bind(key)
            .execute(&self.write)
            .await?;
        Ok(())
    }
}
