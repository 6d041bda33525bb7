//! The same step on many applications at once: previewed, then applied.

use super::*;

/// A bulk action on the queue, previewed before it is carried out.
#[derive(Debug, Clone, Serialize)]
pub struct BulkLine {
    pub application_id: i64,
    pub tracking_code: String,
    pub what: String,
    pub allowed: bool,
}

pub enum BulkAction {
    Assign(i64),
    Remind,
}

/// What a bulk action would do to each selected application (nothing is changed).
pub async fn bulk_preview(state: &AppState, actor: &Actor, ids: &[i64], action: &BulkAction) -> Result<Vec<BulkLine>> {
    let mut out = vec![];
    let target = match action {
        BulkAction::Assign(u) => {
            Some(db::org::get_unit(&state.db, *u).await?.ok_or_else(|| AppError::BadRequest("单位不存在".into()))?.name)
        }
        BulkAction::Remind => None,
    };
    let cal = state.calendar();
    for id in ids {
        let Ok(row) = load_for_staff(&state.db, actor, *id).await else { continue };
        let finished = row.finished_on.is_some();
        let (what, allowed) = match (action, &target) {
            _ if finished => ("已办结，不做处理".to_string(), false),
            (BulkAction::Assign(_), Some(name)) if actor.is_office() => (format!("分办至{name}"), true),
            (BulkAction::Assign(_), _) => ("只有政务公开办可以分办".to_string(), false),
            (BulkAction::Remind, _) => match row.unit_id {
                Some(_) => {
                    let (_, clock) = parse_state(&row)?;
                    let left = clock
                        .working_days_left(today(), &cal)
                        .map(|d| format!("剩余{d}个工作日"))
                        .unwrap_or_else(|_| "暂停计时".into());
                    (format!("向办理单位发送提醒（{left}）"), true)
                }
                None => ("尚未分办，无法提醒单位".to_string(), false),
            },
        };
        out.push(BulkLine { application_id: row.application_id, tracking_code: row.tracking_code, what, allowed });
    }
    Ok(out)
}

/// Carry out a previewed bulk action; each application is its own transaction and audit record.
pub async fn bulk_apply(state: &AppState, actor: &Actor, ids: &[i64], action: &BulkAction) -> Result<usize> {
    let preview = bulk_preview(state, actor, ids, action).await?;
    let mut done = 0;
    for line in preview.iter().filter(|l| l.allowed) {
        match action {
            BulkAction::Assign(u) => route(state, actor, line.application_id, Some(*u), "批量分办").await?,
            BulkAction::Remind => {
                let row = load_for_staff(&state.db, actor, line.application_id).await?;
                let mut tx = state.db.begin().await?;
                let key = format!("app:{}:manual:{}", row.application_id, db::now_text());
                let message = format!(
                    "政务公开办提醒：申请 {} 请按期办理（答复期限 {}）",
                    row.tracking_code,
                    row.due_on.clone().unwrap_or_default()
                );
                db::application::notify_once(
                    &mut tx,
                    row.unit_id,
                    false,
                    &message,
                    &format!("/staff/applications/{}", row.application_id),
                    &key,
                )
                .await?;
                db::audit::record(
                    &mut tx,
                    actor,
                    "application.remind",
                    "application",
                    &row.application_id.to_string(),
                    None,
                    None,
                )
                .await?;
                tx.commit().await?;
            }
        }
        done += 1;
    }
    Ok(done)
}
