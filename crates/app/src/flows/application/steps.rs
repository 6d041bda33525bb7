//! The steps of an application after intake: routing between units and every event of the domain's table.

use super::*;

/// Load an application a staff member may work on: the office sees all; a unit only its own
/// (an unassigned one is the office's). Anything else is "not found", so IDs leak nothing.
pub async fn load_for_staff(db: &Db, actor: &Actor, id: i64) -> Result<ApplicationRow> {
    let row = db::application::get(db, id).await?.ok_or(AppError::NotFound)?;
    let allowed = actor.is_office() || row.unit_id.is_some_and(|u| actor.may_access_unit(u));
    if !allowed {
        return Err(AppError::NotFound);
    }
    Ok(row)
}

/// Assign to a unit, send back to the office (None) or on to another unit, with a reason.
pub async fn route(state: &AppState, actor: &Actor, id: i64, to_unit: Option<i64>, reason: &str) -> Result<()> {
    let row = load_for_staff(&state.db, actor, id).await?;
    if row.finished_on.is_some() {
        return Err(AppError::BadRequest("该申请已办结，不能再转办".into()));
    }
    if !actor.is_office() && reason.trim().is_empty() {
        return Err(AppError::Invalid(vec![FieldError::new("reason", "退回或转办须说明理由")]));
    }
    let to_name = match to_unit {
        Some(u) => {
            db::org::get_unit(&state.db, u)
                .await?
                .ok_or_else(|| AppError::Invalid(vec![FieldError::new("unit_id", "单位不存在")]))?
                .name
        }
        None => "政务公开办".into(),
    };
    let mut updated = row.clone();
    updated.unit_id = to_unit;
    let mut tx = state.db.begin().await?;
    if !db::application::update_state(&mut tx, &updated, &row.status).await? {
        return Err(AppError::Conflict("该申请刚被他人修改，请刷新后重试".into()));
    }
    let kind = if actor.is_office() {
        "assigned"
    } else if to_unit.is_none() {
        "returned"
    } else {
        "forwarded"
    };
    db::application::insert_event(
        &mut tx,
        id,
        &today().to_string(),
        kind,
        &actor.username,
        &format!("转交{to_name}办理"),
        reason.trim(),
        "{}",
    )
    .await?;
    db::audit::record(
        &mut tx,
        actor,
        &format!("application.{kind}"),
        "application",
        &id.to_string(),
        Some(&serde_json::json!({"unit_id": row.unit_id})),
        Some(&serde_json::json!({"unit_id": to_unit, "reason": reason.trim()})),
    )
    .await?;
    db::audit::feed(&mut tx, "application.updated", "application", &id.to_string(), to_unit).await?;
    tx.commit().await?;
    Ok(())
}

/// Who may do which step: answering is approval (a reviewer of the unit, or the office);
/// an extension needs the office (its head approves, 条例第三十三条第二款); the rest any staff of the unit.
fn check_step_permission(actor: &Actor, row: &ApplicationRow, event: &Event) -> Result<()> {
    let unit_ok = actor.is_office() || row.unit_id.is_some_and(|u| actor.may_access_unit(u));
    if !unit_ok {
        return Err(AppError::NotFound);
    }
    match event {
        Event::Answer { .. } | Event::ClarificationLapsed { .. } | Event::FeeLapsed { .. } => {
            let ok = actor.is_office() || row.unit_id.is_some_and(|u| actor.may_approve_for(u));
            if !ok {
                return Err(AppError::Forbidden);
            }
        }
        Event::Extend { .. } if !actor.is_office() => return Err(AppError::Forbidden),
        _ => {}
    }
    Ok(())
}

/// One step of an application's life, decided by the domain's status machine.
pub async fn step(
    state: &AppState,
    actor: &Actor,
    id: i64,
    event: Event,
    public_note: &str,
    internal_note: &str,
) -> Result<()> {
    let row = db::application::get(&state.db, id).await?.ok_or(AppError::NotFound)?;
    check_step_permission(actor, &row, &event)?;
    step_row(state, actor, row, event, public_note, internal_note, today()).await
}

pub async fn step_row(
    state: &AppState,
    actor: &Actor,
    row: ApplicationRow,
    event: Event,
    public_note: &str,
    internal_note: &str,
    today: NaiveDate,
) -> Result<()> {
    let (status, clock) = parse_state(&row)?;
    let cal = state.calendar();
    let transition =
        app::apply(&status, &clock, &event, today, &cal).map_err(|e| AppError::BadRequest(e.to_string()))?;
    let new_clock = transition.clock_after(&clock);
    let mut updated = row.clone();
    updated.status = transition.status.code().into();
    updated.due_on =
        if transition.status.is_finished() { None } else { new_clock.due_on(&cal).ok().map(|d| d.to_string()) };
    if let Some(outcome) = transition.status.outcome().filter(|_| transition.status.is_finished()) {
        updated.outcome = Some(outcome.code());
        updated.finished_on = Some(event.date().to_string());
    }
    if let Event::SendFeeNotice { amount_yuan, .. } = &event {
        updated.fee_yuan = *amount_yuan as i64;
    }
    updated.state_json = serde_json::to_string(&StoredState { status: transition.status, clock: new_clock })
        .map_err(|e| AppError::Internal(e.into()))?;
    let mut tx = state.db.begin().await?;
    if !db::application::update_state(&mut tx, &updated, &row.status).await? {
        return Err(AppError::Conflict("该申请刚被他人修改，请刷新后重试".into()));
    }
    let data = serde_json::json!({"event": event, "effects": transition.effects});
    let kind = serde_json::to_value(&event)
        .ok()
        .and_then(|v| v.get("event").and_then(|e| e.as_str().map(str::to_string)))
        .unwrap_or_default();
    let public = if public_note.trim().is_empty() {
        event.label().to_string()
    } else {
        format!("{}：{}", event.label(), public_note.trim())
    };
    db::application::insert_event(
        &mut tx,
        row.application_id,
        &event.date().to_string(),
        &kind,
        &actor.username,
        &public,
        internal_note.trim(),
        &data.to_string(),
    )
    .await?;
    db::audit::record(
        &mut tx,
        actor,
        &format!("application.{kind}"),
        "application",
        &row.application_id.to_string(),
        Some(&serde_json::json!({"status": row.status, "due_on": row.due_on})),
        Some(&serde_json::json!({"status": updated.status, "due_on": updated.due_on, "outcome": updated.outcome})),
    )
    .await?;
    db::audit::feed(&mut tx, "application.updated", "application", &row.application_id.to_string(), row.unit_id)
        .await?;
    super::notices::make_notices(
        &mut tx,
        state,
        actor,
        &row,
        &transition.effects,
        public_note,
        internal_note,
        event.date(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
