//! Reminders of deadlines, and of a holiday notice not yet imported.

use super::*;

/// Reminders (5, 3 and 1 working days before the due date, and on the day it is passed) to the
/// unit, in-app and by e-mail through the outbox; every overdue application to the office too.
/// Deduplicated in the database, so several nodes never remind twice.
pub async fn send_reminders(state: &AppState, today: NaiveDate) -> Result<usize> {
    let cal = state.calendar();
    let mut made = remind_missing_notice(state, &cal, today).await?;
    let rows = db::application::open_all(&state.db).await?;
    let units: BTreeMap<i64, db::org::UnitRow> =
        db::org::list_units(&state.db).await?.into_iter().map(|u| (u.unit_id, u)).collect();
    for r in rows {
        let (status, clock) = parse_state(&r)?;
        if status.is_finished() {
            continue;
        }
        let Ok(left) = clock.working_days_left(today, &cal) else { continue };
        let overdue = clock.is_overdue(today, &cal).unwrap_or(false);
        let due = r.due_on.clone().unwrap_or_default();
        let (key, message) = if overdue {
            (
                format!("app:{}:overdue:{due}", r.application_id),
                format!("申请 {} 已超过答复期限（{due}）", r.tracking_code),
            )
        } else if [5, 3, 1].contains(&left) {
            (
                format!("app:{}:left{left}:{due}", r.application_id),
                format!("申请 {} 还有{left}个工作日到期（{due}）", r.tracking_code),
            )
        } else {
            continue;
        };
        let link = format!("/staff/applications/{}", r.application_id);
        let mut tx = state.db.begin().await?;
        let new =
            db::application::notify_once(&mut tx, r.unit_id, r.unit_id.is_none() || overdue, &message, &link, &key)
                .await?;
        if new {
            if let Some(email) =
                r.unit_id.and_then(|u| units.get(&u)).map(|u| u.email.clone()).filter(|e| !e.is_empty())
            {
                db::application::enqueue_mail(
                    &mut tx,
                    &email,
                    &message,
                    &format!("{message}\n请登录政务公开平台办理：{link}"),
                    &key,
                )
                .await?;
            }
            made += 1;
        }
        tx.commit().await?;
    }
    Ok(made)
}

/// From 1 October, once a week until it is imported: the office is reminded that next year's
/// holiday notice is missing (deadlines into that year are provisional meanwhile).
async fn remind_missing_notice(state: &AppState, cal: &Calendar, today: NaiveDate) -> Result<usize> {
    let Some(year) = cal.notice_missing(today) else { return Ok(0) };
    let week = today.iso_week();
    let key = format!("calendar:notice-missing:{year}:{}-W{:02}", week.year(), week.week());
    let message = format!(
        "{year}年的国务院办公厅部分节假日安排通知尚未导入：涉及{year}年的答复期限暂按放假办法计算（暂定）。通知公布后请在“节假日日历”中粘贴通知原文导入。"
    );
    let mut tx = state.db.begin().await?;
    let new = db::application::notify_once(&mut tx, None, true, &message, "/staff/calendar", &key).await?;
    tx.commit().await?;
    Ok(usize::from(new))
}
