//! What the applicant sees with the tracking code and secret.

use super::*;

/// The public view of an application: status, dates and public events, never personal data.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicStatus {
    pub tracking_code: String,
    pub status: String,
    pub status_label: String,
    pub received_on: String,
    pub due_on: Option<String>,
    pub due_on_provisional: bool,
    pub due_note: Option<String>,
    pub working_days_left: Option<i64>,
    pub overdue: bool,
    pub outcome: Option<String>,
    pub finished_on: Option<String>,
    pub events: Vec<PublicEvent>,
    pub explanation: Vec<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicEvent {
    pub date: String,
    pub what: String,
}

pub async fn public_status(state: &AppState, tracking_code: &str, secret: &str) -> Result<PublicStatus> {
    let row = db::application::get_by_tracking(&state.db, tracking_code.trim()).await?;
    // The same answer for "no such code" and "wrong secret": codes cannot be probed.
    let row = row.filter(|r| crate::flows::auth::digest(secret.trim()) == r.secret_hash).ok_or(AppError::NotFound)?;
    let (status, clock) = parse_state(&row)?;
    let cal = state.calendar();
    let today = today();
    let events = db::application::events(&state.db, row.application_id).await?;
    Ok(PublicStatus {
        tracking_code: row.tracking_code.clone(),
        status: status.code().into(),
        status_label: status.label().into(),
        received_on: row.received_on.clone(),
        due_on: row.due_on.clone(),
        due_on_provisional: !status.is_finished() && is_provisional(&cal, row.due_on.as_deref()),
        due_note: provisional_note(!status.is_finished() && is_provisional(&cal, row.due_on.as_deref())),
        working_days_left: if status.is_finished() { None } else { clock.working_days_left(today, &cal).ok() },
        overdue: !status.is_finished() && clock.is_overdue(today, &cal).unwrap_or(false),
        outcome: status.outcome().filter(|_| status.is_finished()).map(|o| o.label()),
        finished_on: row.finished_on.clone(),
        events: events.into_iter().map(|e| PublicEvent { date: e.happened_on, what: e.public_note }).collect(),
        explanation: clock.explain(&cal),
    })
}
