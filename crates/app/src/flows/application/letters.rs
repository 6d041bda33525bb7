//! The reply letter (告知书) of an answered application.

use super::*;

/// The reply letter (告知书) of an answered application, from the domain's template for its
/// outcome; the clerk's detail is the public note of the answer.
pub async fn reply_letter(state: &AppState, actor: &Actor, id: i64) -> Result<app::letter::Letter> {
    let row = load_for_staff(&state.db, actor, id).await?;
    let (status, _) = parse_state(&row)?;
    let outcome = status
        .outcome()
        .filter(|_| status.is_finished())
        .ok_or_else(|| AppError::BadRequest("该申请尚未答复，不能生成告知书".into()))?;
    let events = db::application::events(&state.db, id).await?;
    let detail = events
        .iter()
        .rev()
        .find(|e| ["answer", "clarification_lapsed", "fee_lapsed", "withdraw"].contains(&e.kind.as_str()))
        .map(|e| e.public_note.split_once('：').map(|(_, d)| d.to_string()).unwrap_or_default())
        .unwrap_or_default();
    let issuer = issuer(state, &row).await?;
    let gov = state.setting("gov_name");
    let input = app::letter::LetterInput {
        applicant_name: row.applicant_name.clone(),
        received_on: NaiveDate::parse_from_str(&row.received_on, "%Y-%m-%d")
            .map_err(|e| AppError::Internal(e.into()))?,
        request: if row.subject.is_empty() { row.description.clone() } else { row.subject.clone() },
        outcome,
        detail,
        issuer,
        reconsideration_body: format!("{gov}人民政府"),
        court: format!("{gov}人民法院"),
        date: row
            .finished_on
            .as_deref()
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .unwrap_or_else(today),
    };
    Ok(app::letter::reply_letter(&input))
}

/// Who issues an application's letters and notices: its unit, or the government's office for one
/// not yet assigned.
pub(super) async fn issuer(state: &AppState, row: &ApplicationRow) -> Result<String> {
    Ok(match row.unit_id {
        Some(u) => db::org::get_unit(&state.db, u).await?.map(|u| u.name).unwrap_or_default(),
        None => state.setting("gov_name") + "人民政府办公室",
    })
}
