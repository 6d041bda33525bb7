//! The office's working-day calendar: a notice imported, every open deadline recomputed, what moved listed.

use super::*;

#[derive(Debug, Clone, Serialize)]
pub struct DueChange {
    pub tracking_code: String,
    pub before: String,
    pub after: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CalendarImport {
    pub imported: usize,
    pub changed: Vec<DueChange>,
}

/// Import an announced calendar (the State Council's notice for next year). Every open
/// application's due date is recomputed; each change is listed, recorded and audited.
pub async fn import_calendar(state: &AppState, actor: &Actor, csv: &str) -> Result<CalendarImport> {
    if !actor.is_office() {
        return Err(AppError::Forbidden);
    }
    let incoming = Calendar::from_csv(csv).map_err(|e| AppError::BadRequest(format!("日历数据有误：{e}")))?;
    let old = load_calendar(&state.db).await?;
    let mut new = old.clone();
    new.merge(incoming.clone());
    let imported = csv.lines().skip(1).filter(|l| !l.trim().is_empty()).count();
    let open = db::application::open_all(&state.db).await?;
    let mut tx = state.db.begin().await?;
    for line in new.to_csv().lines().skip(1) {
        let mut parts = line.splitn(3, ',');
        let (Some(d), Some(k), Some(n)) = (parts.next(), parts.next(), parts.next()) else { continue };
        db::application::put_holiday(&mut tx, d, k, n).await?;
    }
    let mut changed = vec![];
    for row in open {
        let (status, clock) = parse_state(&row)?;
        if status.is_finished() {
            continue;
        }
        let after = clock.due_on(&new).ok().map(|d| d.to_string());
        if after != row.due_on {
            let mut updated = row.clone();
            updated.due_on = after.clone();
            db::application::update_state(&mut tx, &updated, &row.status).await?;
            let before = row.due_on.clone().unwrap_or_else(|| "无".into());
            let after_s = after.clone().unwrap_or_else(|| "无（日历缺少数据）".into());
            let note = format!("节假日安排通知导入，答复期限由{before}重新核定为{after_s}");
            db::application::insert_event(
                &mut tx,
                row.application_id,
                &today().to_string(),
                "due_recomputed",
                &actor.username,
                &note,
                "",
                "{}",
            )
            .await?;
            // The applicant is told (the tracking page shows the event; e-mail where given).
            if !row.email.trim().is_empty() {
                db::application::enqueue_mail(
                    &mut tx,
                    row.email.trim(),
                    &format!("您的政府信息公开申请（{}）答复期限已重新核定", row.tracking_code),
                    &format!(
                        "您的申请（查询码 {}）：{note}。可凭查询码和查询密码在政务公开平台查询办理进度。",
                        row.tracking_code
                    ),
                    &format!("app:{}:due-settled:{after_s}", row.application_id),
                )
                .await?;
            }
            db::audit::record(
                &mut tx,
                actor,
                "application.due_recomputed",
                "application",
                &row.application_id.to_string(),
                Some(&serde_json::json!({"due_on": row.due_on})),
                Some(&serde_json::json!({"due_on": after})),
            )
            .await?;
            changed.push(DueChange { tracking_code: row.tracking_code.clone(), before, after: after_s });
        }
    }
    db::audit::record(
        &mut tx,
        actor,
        "calendar.import",
        "calendar",
        &new.last_year().to_string(),
        None,
        Some(&serde_json::json!({"rows": imported})),
    )
    .await?;
    db::audit::feed(&mut tx, "calendar.changed", "calendar", "national", None).await?;
    tx.commit().await?;
    state.reload_calendar().await?;
    Ok(CalendarImport { imported, changed })
}
