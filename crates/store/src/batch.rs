//! Group commit for the hot writes (saves and submissions) on SQLite.
//!
//! SQLite has one writer, and with `synchronous=FULL` each commit waits for its WAL to reach the
//! disk (an fsync, 0.5–1 ms on the machines we measured). Committed one by one, submissions
//! cannot go faster than the disk syncs, whatever the CPU. Here writes that arrive while another
//! is being written wait in a queue; whoever gets the writer connection next takes the whole
//! queue and writes it in one transaction (each write inside its own savepoint, so one refused
//! write is rolled back alone), with one commit and so one fsync for all. No caller is answered
//! before that commit is durable, so an acknowledged write still survives a crash.
//!
//! The batch runs in its own task: a caller that goes away (a closed connection) neither
//! interrupts the others' writes nor leaves them without an answer; its own write, once queued,
//! is still made, as a request that reached the server is. A caller that gets no connection in
//! time takes its write back from the queue before it reports the error.
//!
//! PostgreSQL runs many writers at once; there each write is its own transaction, as before.
//!
//! Written here rather than taken from a crate: the queue must hand a transaction of the store's
//! own `sqlx` connection to closures of the store's own queries; no crate does this for sqlx.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use sqlx::pool::PoolConnection;
use sqlx::AnyConnection;
use sqlx::{Any, AnyPool, Connection as _};
use tokio::sync::oneshot;

use crate::{Error, Result};

/// A boxed future borrowing the writer connection.
pub(crate) type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// One queued write: runs its queries on the writer connection (inside a transaction and a
/// savepoint it does not see) and returns whether it wants its changes kept, with the means to
/// answer its caller once the outcome is known.
type Job = Box<dyn for<'c> FnOnce(&'c mut AnyConnection) -> BoxFuture<'c, Outcome> + Send>;

/// What a job did: `keep` its changes or roll them back; `answer` tells the caller, given
/// `None` when the commit succeeded or the reason it failed.
struct Outcome {
    keep: bool,
    answer: Answer,
}

/// Tells a caller its write's outcome: given `None` when the commit succeeded, else why not.
type Answer = Box<dyn FnOnce(Option<&str>) + Send>;

/// The queue of writes waiting for the writer connection.
#[derive(Clone, Default)]
pub(crate) struct Queue {
    /// Each write with a number of its own, so that a caller can take its write back.
    waiting: Arc<Mutex<Vec<(u64, Job)>>>,
    next: Arc<AtomicU64>,
    /// The most writes committed together so far.
    largest: Arc<AtomicUsize>,
}

/// Most writes in one transaction: bounds the time a batch holds the writer.
const MOST: usize = 64;

impl Queue {
    /// Runs `f` in a transaction on the SQLite writer `pool` (of one connection), together with
    /// whatever other writes are waiting. `f`'s error rolls back its own changes only; its value
    /// is returned once the commit is on disk.
    pub(crate) async fn write<T, F>(&self, pool: &AnyPool, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut AnyConnection) -> BoxFuture<'c, Result<T>> + Send + 'static,
    {
        let (tx, mut rx) = oneshot::channel::<Result<T>>();
        let job: Job = Box::new(move |conn| {
            Box::pin(async move {
                let r = f(conn).await;
                Outcome {
                    keep: r.is_ok(),
                    answer: Box::new(move |failed: Option<&str>| {
                        let r = match (failed, r) {
                            (None, r) => r,
                            (Some(why), Ok(_)) => Err(Error::Batch(why.to_string())),
                            // The job's own error says more than the commit's.
                            (Some(_), Err(e)) => Err(e),
                        };
                        // The caller may have gone away: nothing to tell then.
                        let _ = tx.send(r);
                    }),
                }
            })
        });
        let number = self.next.fetch_add(1, Ordering::Relaxed);
        self.lock().push((number, job));
        loop {
            tokio::select! {
                biased;
                r = &mut rx => {
                    return r.map_err(|_| {
                        Error::Batch("việc ghi bị ngắt giữa chừng, chưa lưu gì".to_string())
                    })?;
                }
                conn = pool.acquire() => {
                    let conn = match conn {
                        Ok(c) => c,
                        Err(e) => {
                            // No connection in time: the write is taken back unless another
                            // caller's batch has it already (then its answer will come).
                            let mut q = self.lock();
                            if let Some(i) = q.iter().position(|(n, _)| *n == number) {
                                drop(q.remove(i));
                                return Err(e.into());
                            }
                            continue;
                        }
                    };
                    let jobs = self.take();
                    if jobs.is_empty() {
                        // Our write was in the batch that just released the connection: its
                        // answer was sent before that, and the next turn reads it.
                        continue;
                    }
                    self.largest.fetch_max(jobs.len(), Ordering::Relaxed);
                    tokio::spawn(run(conn, jobs));
                }
            }
        }
    }

    /// The most writes committed together so far.
    pub(crate) fn largest(&self) -> usize {
        self.largest.load(Ordering::Relaxed)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<(u64, Job)>> {
        // A panic while the lock is held (pushing or swapping a vector) leaves the vector whole.
        self.waiting.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn take(&self) -> Vec<Job> {
        let mut q = self.lock();
        let n = q.len().min(MOST);
        q.drain(..n).map(|(_, job)| job).collect()
    }
}

/// Writes `jobs` in one transaction on `conn` and answers each after the commit.
async fn run(mut conn: PoolConnection<Any>, jobs: Vec<Job>) {
    let mut answers = Vec::with_capacity(jobs.len());
    let (n, t0) = (jobs.len(), std::time::Instant::now());
    let failed = match write_all(&mut conn, jobs, &mut answers).await {
        Ok(()) => None,
        Err(e) => {
            tracing::error!("ghi theo lô thất bại: {e}");
            Some(e.to_string())
        }
    };
    tracing::debug!(
        writes = n,
        micros = t0.elapsed().as_micros() as u64,
        "lô ghi"
    );
    for a in answers {
        a(failed.as_deref());
    }
    // The connection goes back to the pool only now: a caller that gets it and finds its write
    // gone from the queue knows its answer is waiting.
    drop(conn);
}

async fn write_all(
    conn: &mut AnyConnection,
    jobs: Vec<Job>,
    answers: &mut Vec<Answer>,
) -> Result<()> {
    let mut tx = conn.begin().await?;
    let one = jobs.len() == 1;
    for job in jobs {
        if one {
            // Alone in its transaction: the transaction is its savepoint.
            let o = job(&mut tx).await;
            answers.push(o.answer);
            if !o.keep {
                tx.rollback().await?;
                return Ok(());
            }
            continue;
        }
        sqlx::query("SAVEPOINT lo").execute(&mut *tx).await?;
        let o = job(&mut tx).await;
        answers.push(o.answer);
        if !o.keep {
            sqlx::query("ROLLBACK TO lo").execute(&mut *tx).await?;
        }
        sqlx::query("RELEASE lo").execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(())
}
