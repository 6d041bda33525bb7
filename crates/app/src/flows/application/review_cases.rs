//! 行政复议 and 行政诉讼 cases of an application, filed and carried to their decision.

use super::*;

fn parse_day(field: &'static str, text: &str, label: &str, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    match NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            errors.push(FieldError::new(field, format!("{label}格式应为 YYYY-MM-DD")));
            None
        }
    }
}

fn review_error(field: &'static str, e: app::ReviewError) -> AppError {
    AppError::Invalid(vec![FieldError::new(field, e.to_string())])
}

/// A stored case as the domain reads it.
pub fn review_record(r: &db::application::ReviewCaseRow) -> Result<app::ReviewRecord> {
    let bad =
        |what: &str| AppError::Internal(anyhow::anyhow!("review case {} has an invalid {what}", r.review_case_id));
    let day = |t: &Option<String>, what: &str| -> Result<Option<NaiveDate>> {
        t.as_deref().map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| bad(what))).transpose()
    };
    Ok(app::ReviewRecord {
        kind: app::ReviewKind::from_code(&r.kind).ok_or_else(|| bad("kind"))?,
        filed_on: NaiveDate::parse_from_str(&r.filed_on, "%Y-%m-%d").map_err(|_| bad("filed_on"))?,
        accepted_on: day(&r.accepted_on, "accepted_on")?,
        extended_on: day(&r.extended_on, "extended_on")?,
        court_due_on: day(&r.court_due_on, "court_due_on")?,
        result: app::ReviewResult::from_code(&r.result).ok_or_else(|| bad("result"))?,
        decided_on: day(&r.decided_on, "decided_on")?,
    })
}

/// A case as the staff page shows it: labels, the statutory deadline (provisional or not), what
/// may still be done.
#[derive(Debug, Serialize)]
pub struct ReviewCaseView {
    pub row: db::application::ReviewCaseRow,
    pub kind_label: &'static str,
    pub result_label: &'static str,
    pub open: bool,
    pub due_on: Option<String>,
    pub due_provisional: bool,
    pub overdue: bool,
    pub may_extend: bool,
}

pub fn review_view(row: db::application::ReviewCaseRow, cal: &Calendar, today: NaiveDate) -> Result<ReviewCaseView> {
    let rec = review_record(&row)?;
    let due = rec.due_on(cal);
    Ok(ReviewCaseView {
        kind_label: rec.kind.label(),
        result_label: rec.result.label(),
        open: rec.is_open(),
        due_on: due.map(|d| d.due_on.to_string()),
        due_provisional: due.is_some_and(|d| d.provisional),
        overdue: rec.is_open() && due.is_some_and(|d| d.due_on < today),
        may_extend: rec.extend(today, cal).is_ok(),
        row,
    })
}

pub async fn review_cases_for(state: &AppState, actor: &Actor, application_id: i64) -> Result<Vec<ReviewCaseView>> {
    load_for_staff(&state.db, actor, application_id).await?;
    let cal = state.calendar();
    let today = today();
    db::application::review_cases_for(&state.db, application_id)
        .await?
        .into_iter()
        .map(|r| review_view(r, &cal, today))
        .collect()
}

/// What staff type to file a case (or back-fill one already ended).
#[derive(Debug, Default, Deserialize)]
pub struct ReviewCaseForm {
    pub kind: String,
    #[serde(default)]
    pub result: String,
    pub filed_on: String,
    #[serde(default)]
    pub accepted_on: String,
    #[serde(default)]
    pub court_due_on: String,
    #[serde(default)]
    pub decided_on: String,
    #[serde(default)]
    pub note: String,
}

/// Record a 行政复议 or 行政诉讼 about an application (table 四): filed (and for 行政复议
/// accepted), open until its end is recorded; an old case may be entered with its end at once.
pub async fn add_review_case(state: &AppState, actor: &Actor, id: i64, f: &ReviewCaseForm) -> Result<i64> {
    let row = load_for_staff(&state.db, actor, id).await?;
    let today = today();
    let mut errors = vec![];
    let kind = app::ReviewKind::from_code(&f.kind);
    if kind.is_none() {
        errors.push(FieldError::new("kind", "请选择行政复议或行政诉讼的类别"));
    }
    let result = if f.result.trim().is_empty() {
        Some(app::ReviewResult::Pending)
    } else {
        app::ReviewResult::from_code(&f.result)
    };
    if result.is_none() {
        errors.push(FieldError::new("result", "请选择结果"));
    }
    let filed = parse_day("filed_on", &f.filed_on, "提起日期", &mut errors);
    if f.filed_on.trim().is_empty() {
        errors.push(FieldError::new("filed_on", "请填写提起日期"));
    }
    let accepted = parse_day("accepted_on", &f.accepted_on, "受理日期", &mut errors);
    let court_due = parse_day("court_due_on", &f.court_due_on, "法院确定的审理期限", &mut errors);
    let decided = parse_day("decided_on", &f.decided_on, "审结日期", &mut errors);
    let (Some(kind), Some(result), Some(filed)) = (kind, result, filed) else {
        return Err(AppError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let mut rec = file_case(kind, filed, accepted, court_due, today)?;
    if result != app::ReviewResult::Pending {
        let Some(on) = decided else {
            return Err(AppError::Invalid(vec![FieldError::new("decided_on", "已审结的案件请填写审结日期")]));
        };
        rec = rec.end(result, on, today).map_err(|e| review_error("decided_on", e))?;
    } else if decided.is_some() {
        return Err(AppError::Invalid(vec![FieldError::new("result", "填写了审结日期的案件请选择审结结果")]));
    }
    let text = |d: Option<NaiveDate>| d.map(|d| d.to_string());
    let (accepted_s, court_s, decided_s) = (text(rec.accepted_on), text(rec.court_due_on), text(rec.decided_on));
    let filed_s = rec.filed_on.to_string();
    let mut tx = state.db.begin().await?;
    let case_id = db::application::insert_review_case(
        &mut tx,
        &db::application::NewReviewCase {
            application_id: Some(id),
            unit_id: row.unit_id,
            kind: kind.code(),
            result: rec.result.code(),
            filed_on: &filed_s,
            decided_on: decided_s.as_deref(),
            accepted_on: accepted_s.as_deref(),
            court_due_on: court_s.as_deref(),
            note: f.note.trim(),
        },
    )
    .await?;
    db::audit::record(
        &mut tx,
        actor,
        "review_case.create",
        "review_case",
        &case_id.to_string(),
        None,
        Some(&serde_json::json!({"application_id": id, "kind": kind.code(), "result": rec.result.code(),
            "filed_on": filed_s, "accepted_on": accepted_s, "court_due_on": court_s, "decided_on": decided_s})),
    )
    .await?;
    db::audit::feed(&mut tx, "review_case.created", "review_case", &case_id.to_string(), row.unit_id).await?;
    tx.commit().await?;
    Ok(case_id)
}

fn file_case(
    kind: app::ReviewKind,
    filed: NaiveDate,
    accepted: Option<NaiveDate>,
    court_due: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<app::ReviewRecord> {
    app::ReviewRecord::file(kind, filed, accepted, court_due, today).map_err(|e| {
        let field = match e {
            app::ReviewError::NotAccepted | app::ReviewError::AcceptedBeforeFiled => "accepted_on",
            _ => "filed_on",
        };
        review_error(field, e)
    })
}

/// A case and the application it belongs to, if the actor may act on it (404 otherwise: a case
/// of another unit is not shown to exist).
async fn load_case(state: &AppState, actor: &Actor, case_id: i64) -> Result<(db::application::ReviewCaseRow, i64)> {
    let row = db::application::review_case(&state.db, case_id).await?.ok_or(AppError::NotFound)?;
    match row.application_id {
        Some(app_id) => {
            load_for_staff(&state.db, actor, app_id).await?;
            Ok((row, app_id))
        }
        None => Err(AppError::NotFound),
    }
}

/// Record the end of an open case: decided (维持 / 纠正 / 其他) or withdrawn. Once only.
pub async fn end_review_case(
    state: &AppState,
    actor: &Actor,
    case_id: i64,
    result: &str,
    decided_on: &str,
    note: &str,
) -> Result<i64> {
    let (row, app_id) = load_case(state, actor, case_id).await?;
    let mut errors = vec![];
    let result = app::ReviewResult::from_code(result);
    if result.is_none() {
        errors.push(FieldError::new("result", "请选择审结结果（维持、纠正、其他）或撤回"));
    }
    let on = parse_day("decided_on", decided_on, "审结日期", &mut errors);
    if decided_on.trim().is_empty() {
        errors.push(FieldError::new("decided_on", "请填写审结（撤回）日期"));
    }
    let (Some(result), Some(on), true) = (result, on, errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let rec = review_record(&row)?;
    let ended = rec.end(result, on, today()).map_err(|e| review_error("decided_on", e))?;
    let mut tx = state.db.begin().await?;
    if db::application::end_review_case(&mut tx, case_id, result.code(), &on.to_string(), note.trim()).await? != 1 {
        return Err(review_error("result", app::ReviewError::Closed));
    }
    db::audit::record(
        &mut tx,
        actor,
        "review_case.end",
        "review_case",
        &case_id.to_string(),
        Some(&serde_json::json!({"result": row.result, "decided_on": row.decided_on})),
        Some(&serde_json::json!({"result": ended.result.code(), "decided_on": on.to_string(), "note": note.trim()})),
    )
    .await?;
    db::audit::feed(&mut tx, "review_case.ended", "review_case", &case_id.to_string(), row.unit_id).await?;
    tx.commit().await?;
    Ok(app_id)
}

/// Extend an open 行政复议 by 30 days (once, before its deadline).
pub async fn extend_review_case(state: &AppState, actor: &Actor, case_id: i64) -> Result<i64> {
    let (row, app_id) = load_case(state, actor, case_id).await?;
    let cal = state.calendar();
    let today = today();
    let rec = review_record(&row)?;
    let before = rec.due_on(&cal).map(|d| d.due_on.to_string());
    let extended = rec.extend(today, &cal).map_err(|e| review_error("extend", e))?;
    let after = extended.due_on(&cal).map(|d| d.due_on.to_string());
    let mut tx = state.db.begin().await?;
    if db::application::extend_review_case(&mut tx, case_id, &today.to_string()).await? != 1 {
        return Err(review_error("extend", app::ReviewError::AlreadyExtended));
    }
    db::audit::record(
        &mut tx,
        actor,
        "review_case.extend",
        "review_case",
        &case_id.to_string(),
        Some(&serde_json::json!({"due_on": before})),
        Some(&serde_json::json!({"due_on": after, "extended_on": today.to_string()})),
    )
    .await?;
    db::audit::feed(&mut tx, "review_case.extended", "review_case", &case_id.to_string(), row.unit_id).await?;
    tx.commit().await?;
    Ok(app_id)
}
