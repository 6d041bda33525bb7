//! 依申请公开 use cases: intake (online, and registered by staff), routing between units, every
//! step of the statutory clock through the domain's status machine, reply letters, review
//! cases, reminders, the calendar and its recomputation. Each step: load → `application::apply`
//! decides → state, event, change feed and audit record in one transaction.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate};
use gongkai_domain::application::{self as app, ApplicantKind, Clock, Event, Outcome, Status};
use gongkai_domain::calendar::Calendar;
use serde::{Deserialize, Serialize};

use crate::db::{self, Db, application::ApplicationRow};
use crate::error::{AppError, FieldError, Result};
use crate::flows::Actor;
use crate::state::AppState;

use crate::state::{load_calendar, today};

/// Whether a stored due date rests on a year without an imported holiday notice.
pub fn is_provisional(cal: &Calendar, due_on: Option<&str>) -> bool {
    due_on.and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()).is_some_and(|d| cal.is_provisional(d))
}

fn provisional_note(provisional: bool) -> Option<String> {
    provisional.then(|| gongkai_domain::calendar::PROVISIONAL_NOTE.to_string())
}

/// The stored state of an application: its status and its clock ledger.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredState {
    pub status: Status,
    pub clock: Clock,
}

pub fn parse_state(row: &ApplicationRow) -> Result<(Status, Clock)> {
    parse_state_json(row.application_id, &row.state_json)
}

/// The same from the stored state alone (a queue line carries only it).
pub fn parse_state_json(application_id: i64, state_json: &str) -> Result<(Status, Clock)> {
    let s: StoredState = serde_json::from_str(state_json).map_err(|e| {
        AppError::Internal(anyhow::anyhow!("application {application_id} has an unreadable state: {e}"))
    })?;
    Ok((s.status, s.clock))
}

pub use crate::db::application::{AttachmentMeta, EventRow, QueueScope};

/// The events of an application, oldest first (the staff view; the flow checked access).
pub async fn events(db: &Db, id: i64) -> Result<Vec<EventRow>> {
    Ok(db::application::events(db, id).await?)
}

/// The files of an application (the staff view; the flow checked access).
pub async fn attachments(db: &Db, id: i64) -> Result<Vec<AttachmentMeta>> {
    Ok(db::application::attachments(db, "application", id).await?)
}

mod bulk;
mod calendar;
mod fees;
mod intake;
mod letters;
mod notices;
mod queue;
mod reminders;
mod review_cases;
mod stats;
mod steps;
mod tracking;

pub use bulk::*;
pub use calendar::*;
pub use fees::*;
pub use intake::*;
pub use letters::*;
pub use notices::*;
pub use queue::*;
pub use reminders::*;
pub use review_cases::*;
pub use stats::*;
pub use steps::*;
pub use tracking::*;
