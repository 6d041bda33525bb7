//! The staff queue, its counts and the dashboard.

use super::*;

/// A queue line for staff: the row plus its clock today.
#[derive(Debug, Clone, Serialize)]
pub struct QueueLine {
    pub application_id: i64,
    pub tracking_code: String,
    pub subject: String,
    pub unit_id: Option<i64>,
    pub unit_name: String,
    pub received_on: String,
    pub due_on: Option<String>,
    pub due_on_provisional: bool,
    pub days_left: Option<i64>,
    pub overdue: bool,
    pub status_label: String,
}

pub async fn queue(state: &AppState, scope: db::application::QueueScope, limit: i64) -> Result<Vec<QueueLine>> {
    let rows = db::application::queue(&state.db, scope, limit).await?;
    let units: BTreeMap<i64, String> =
        db::org::list_units(&state.db).await?.into_iter().map(|u| (u.unit_id, u.name)).collect();
    let cal = state.calendar();
    let today = today();
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let (status, clock) = parse_state_json(r.application_id, &r.state_json)?;
        // Counted once: overdue is fewer than none left (`Clock::is_overdue` counts them again).
        let days_left = clock.working_days_left(today, &cal).ok();
        out.push(QueueLine {
            application_id: r.application_id,
            tracking_code: r.tracking_code,
            subject: if r.subject.is_empty() { r.description_start } else { r.subject },
            unit_id: r.unit_id,
            unit_name: r.unit_id.and_then(|u| units.get(&u).cloned()).unwrap_or_else(|| "待分办".into()),
            received_on: r.received_on,
            due_on_provisional: is_provisional(&cal, r.due_on.as_deref()),
            due_on: r.due_on,
            days_left,
            overdue: days_left.is_some_and(|d| d < 0),
            status_label: status.label().into(),
        });
    }
    Ok(out)
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Dashboard {
    pub open: usize,
    pub overdue: usize,
    pub due_soon: usize,
    pub unassigned: usize,
    pub reminders: Vec<String>,
    /// The year whose 国务院办公厅 holiday notice is due and not imported (the office's dashboard).
    pub notice_missing: Option<i32>,
}

pub async fn dashboard(state: &AppState, unit: Option<i64>, today: NaiveDate) -> Result<Dashboard> {
    let scope = match unit {
        Some(u) => db::application::QueueScope::Unit(u),
        None => db::application::QueueScope::All,
    };
    let c = counts(state, scope, today).await?;
    let notes = db::application::notifications(&state.db, unit, unit.is_none(), 20).await?;
    Ok(Dashboard {
        open: c.open as usize,
        overdue: c.overdue as usize,
        due_soon: c.due_soon as usize,
        unassigned: c.unassigned as usize,
        reminders: notes.into_iter().map(|n| format!("{} {}", &n.created_at[..10], n.message)).collect(),
        notice_missing: state.calendar().notice_missing(today),
    })
}

/// Open, overdue, due within 5 working days, unassigned — counted by the database.
pub async fn counts(
    state: &AppState,
    scope: db::application::QueueScope,
    today: NaiveDate,
) -> Result<db::application::QueueCounts> {
    let soon = state.calendar().add_working_days(today, 5).unwrap_or(today + Duration::days(7));
    Ok(db::application::queue_counts(&state.db, scope, &today.to_string(), &soon.to_string()).await?)
}
