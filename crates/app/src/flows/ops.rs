//! Figures for the people who keep the platform running (`/metrics`): how many open applications
//! have how many working days left, mail waiting to go out, and how far this node's search index is
//! behind the change feed.

use chrono::NaiveDate;

use crate::db;
use crate::error::Result;
use crate::state::{AppState, today};

/// The days-left bands of open applications, in the order they are reported.
pub const DAYS_LEFT_BANDS: [&str; 5] = ["overdue", "0-5", "6-10", "11+", "paused"];

/// Queue depths at this moment.
#[derive(Debug, Clone, Default)]
pub struct Gauges {
    /// Open applications per band of `DAYS_LEFT_BANDS` (working days left until the due date;
    /// "paused": the clock stands still, no due date).
    pub open_by_days_left: [i64; 5],
    pub outbox_pending: i64,
    /// Change-feed entries this node's search index has not yet read (None: no index here yet).
    pub index_lag: Option<i64>,
}

/// The band of `DAYS_LEFT_BANDS` for an application due on `due` (working days from `today`).
pub fn band(state: &AppState, due: Option<NaiveDate>, today: NaiveDate) -> usize {
    let Some(due) = due else { return 4 };
    if due < today {
        return 0;
    }
    let left = state.calendar().working_days_between(today, due).unwrap_or((due - today).num_days());
    match left {
        ..=5 => 1,
        6..=10 => 2,
        _ => 3,
    }
}

/// Read the gauges; `index_position` is where this node's search index stands.
pub async fn gauges(state: &AppState, index_position: Option<i64>) -> Result<Gauges> {
    let today = today();
    let mut g = Gauges::default();
    for (due, n) in db::ops::open_applications_by_due(&state.db).await? {
        let due = due.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok());
        g.open_by_days_left[band(state, due, today)] += n;
    }
    g.outbox_pending = db::ops::outbox_pending(&state.db).await?;
    let head = db::ops::feed_head(&state.db).await?;
    g.index_lag = index_position.map(|p| (head - p).max(0));
    Ok(g)
}
