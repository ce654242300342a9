//! When a report was sent against the round's deadline (on time, late, overdue), and the
//! dashboard's rows (completeness, errors apart from missing items, sending).

use store::{ReportInfo, State as RState};

use crate::{App, AppError, AppResult};

/// Late: submitted after the deadline's last day, or not submitted and the deadline passed.
pub fn is_late(round: &store::Round, r: &ReportInfo) -> bool {
    is_late_by(&round.deadline, r)
}

/// [`is_late`] against a deadline (ISO date): a district's sheet has its province's.
pub fn is_late_by(deadline: &str, r: &ReportInfo) -> bool {
    let Ok(deadline) = vi::Date::parse_iso(deadline) else {
        return false;
    };
    let deadline = deadline.to_time();
    let day_of = |ms: i64| {
        time::OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000)
            .map(|t| t.to_offset(time::macros::offset!(+7)).date())
            .ok()
    };
    match (r.state, r.submitted_at) {
        (RState::Submitted | RState::Accepted, Some(at)) => {
            day_of(at).is_some_and(|d| d > deadline)
        }
        (RState::Returned, _) | (RState::Draft, _) => crate::today() > deadline,
        _ => false,
    }
}

/// Where a report stands against its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Sending {
    OverdueNotSent,
    NotSent,
    Late,
    OnTime,
}

impl Sending {
    pub fn of(r: &ReportInfo, late: bool) -> Sending {
        match (
            matches!(r.state, RState::Submitted | RState::Accepted),
            late,
        ) {
            (true, false) => Sending::OnTime,
            (true, true) => Sending::Late,
            (false, true) => Sending::OverdueNotSent,
            (false, false) => Sending::NotSent,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Sending::OverdueNotSent => "quá hạn chưa gửi",
            Sending::NotSent => "chưa gửi",
            Sending::Late => "gửi muộn",
            Sending::OnTime => "đã gửi đúng hạn",
        }
    }
}

/// The dashboard's figures, shared with the API.
pub async fn dashboard_data(
    app: &App,
    round: Option<i64>,
) -> AppResult<(store::Round, Vec<(ReportInfo, bool)>)> {
    let round = match round {
        Some(id) => app.round(id).await?,
        None => latest_round(app).await?,
    };
    let rows = app
        .store
        .reports(round.id, None)
        .await?
        .into_iter()
        .map(|r| {
            let late = is_late(&round, &r);
            (r, late)
        })
        .collect();
    Ok((round, rows))
}

pub async fn latest_round(app: &App) -> AppResult<store::Round> {
    app.store
        .rounds()
        .await?
        .into_iter()
        .next()
        .ok_or_else(AppError::not_found)
}
