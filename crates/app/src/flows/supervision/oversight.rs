//! 监督保障 (issue 17 §5): the office records the 社会评议 of the open-government work (for the
//! government or one unit) and the 责任追究 cases of units; section 一 of the annual report drafts
//! its 监督保障 paragraph from them (`report::compute`) and the oversight page counts them by year.

use gongkai_domain::supervision::oversight::{
    self as ov, AccountabilityAction, AccountabilityCase, Evaluation, EvaluationMethod,
};

use super::*;

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct EvaluationForm {
    #[serde(default)]
    pub unit_id: String,
    #[serde(default)]
    pub held_on: String,
    #[serde(default)]
    pub evaluators: String,
    #[serde(default)]
    pub method: String,
    #[serde(default)]
    pub participants: String,
    #[serde(default)]
    pub score: String,
    #[serde(default)]
    pub issues: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct AccountabilityForm {
    #[serde(default)]
    pub unit_id: String,
    #[serde(default)]
    pub decided_on: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub action: String,
}

fn past_date(field: &str, text: &str, label: &str, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
    match date(text) {
        Some(d) if d <= crate::state::today() => Some(d),
        Some(_) => {
            errors.push(FieldError::new(field, format!("{label}不能晚于今天")));
            None
        }
        None => {
            errors.push(FieldError::new(field, format!("{label}应为 YYYY-MM-DD")));
            None
        }
    }
}

async fn unit_field(db: &Db, text: &str, required: bool, errors: &mut Vec<FieldError>) -> Result<Option<i64>> {
    match text.trim() {
        "" if !required => Ok(None),
        "" => {
            errors.push(FieldError::new("unit_id", "请选择单位"));
            Ok(None)
        }
        t => match t.parse::<i64>().ok() {
            Some(id) if db::org::get_unit(db, id).await?.is_some() => Ok(Some(id)),
            _ => {
                errors.push(FieldError::new("unit_id", "单位不存在"));
                Ok(None)
            }
        },
    }
}

/// Record a 社会评议 (the office only); every field checked, nothing saved on any error.
pub async fn add_evaluation(db: &Db, actor: &Actor, f: &EvaluationForm) -> Result<i64> {
    if !actor.is_office() {
        return Err(AppError::Forbidden);
    }
    let mut errors = vec![];
    let unit = unit_field(db, &f.unit_id, false, &mut errors).await?;
    let held = past_date("held_on", &f.held_on, "评议日期", &mut errors);
    if f.evaluators.trim().is_empty() || f.evaluators.chars().count() > 200 {
        errors.push(FieldError::new("evaluators", "请填写参与评议的对象（200字以内）"));
    }
    let method = EvaluationMethod::from_code(&f.method);
    if method.is_none() {
        errors.push(FieldError::new("method", "请选择评议方式"));
    }
    let participants = match f.participants.trim().parse::<i64>() {
        Ok(n) if (0..=10_000_000).contains(&n) => n,
        _ => {
            errors.push(FieldError::new("participants", "参与人数应为非负整数"));
            0
        }
    };
    let score = ov::parse_score(&f.score).unwrap_or_else(|m| {
        errors.push(FieldError::new("score", m));
        None
    });
    if f.issues.chars().count() > 5000 {
        errors.push(FieldError::new("issues", "意见建议不超过5000字"));
    }
    let (Some(held), Some(method), true) = (held, method, errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let score_text = score.map(ov::tenths_text);
    let mut tx = db.begin().await?;
    let id = db::oversight::insert_evaluation(
        &mut tx,
        &db::oversight::NewEvaluation {
            unit_id: unit,
            held_on: &held.to_string(),
            evaluators: f.evaluators.trim(),
            method: method.code(),
            participants,
            score: score_text.as_deref(),
            issues: f.issues.trim(),
            by: &actor.username,
        },
    )
    .await?;
    db::audit::record(
        &mut tx,
        actor,
        "evaluation.create",
        "public_evaluation",
        &id.to_string(),
        None,
        serde_json::to_value(f).ok().as_ref(),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Record a 责任追究 case (the office only).
pub async fn add_accountability(db: &Db, actor: &Actor, f: &AccountabilityForm) -> Result<i64> {
    if !actor.is_office() {
        return Err(AppError::Forbidden);
    }
    let mut errors = vec![];
    let unit = unit_field(db, &f.unit_id, true, &mut errors).await?;
    let decided = past_date("decided_on", &f.decided_on, "决定日期", &mut errors);
    if f.reason.trim().is_empty() || f.reason.chars().count() > 1000 {
        errors.push(FieldError::new("reason", "请填写追究责任的原因（1000字以内）"));
    }
    let action = AccountabilityAction::from_code(&f.action);
    if action.is_none() {
        errors.push(FieldError::new("action", "请选择处理方式"));
    }
    let (Some(unit), Some(decided), Some(action), true) = (unit, decided, action, errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let mut tx = db.begin().await?;
    let id = db::oversight::insert_accountability(
        &mut tx,
        unit,
        &decided.to_string(),
        f.reason.trim(),
        action.code(),
        &actor.username,
    )
    .await?;
    db::audit::record(
        &mut tx,
        actor,
        "accountability.create",
        "accountability_case",
        &id.to_string(),
        None,
        serde_json::to_value(f).ok().as_ref(),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The domain's values of a year and scope (for the report's paragraph and the page's counts).
pub async fn oversight_of_year(
    db: &Db,
    unit_id: Option<i64>,
    year: i32,
) -> Result<(Vec<Evaluation>, Vec<AccountabilityCase>)> {
    let evaluations = db::oversight::evaluations(db, unit_id, Some(year))
        .await?
        .into_iter()
        .filter_map(|r| {
            Some(Evaluation {
                held_on: date(&r.held_on)?,
                evaluators: r.evaluators,
                method: EvaluationMethod::from_code(&r.method)?,
                participants: r.participants,
                score_tenths: r.score.as_deref().and_then(|s| ov::parse_score(s).ok().flatten()),
                issues: r.issues,
            })
        })
        .collect();
    let cases = db::oversight::accountability(db, unit_id, Some(year))
        .await?
        .into_iter()
        .filter_map(|r| {
            Some(AccountabilityCase {
                unit: r.unit_name,
                decided_on: date(&r.decided_on)?,
                reason: r.reason,
                action: AccountabilityAction::from_code(&r.action)?,
            })
        })
        .collect();
    Ok((evaluations, cases))
}

/// The oversight page: every record (staff see the government's and their unit's; the office all).
pub async fn oversight_lists(
    db: &Db,
    actor: &Actor,
) -> Result<(Vec<db::oversight::EvaluationRow>, Vec<db::oversight::AccountabilityRow>)> {
    let mut evaluations = db::oversight::evaluations(db, None, None).await?;
    let mut cases = db::oversight::accountability(db, None, None).await?;
    if !actor.is_office() {
        evaluations.retain(|e| e.unit_id.is_none_or(|u| actor.may_access_unit(u)));
        cases.retain(|c| actor.may_access_unit(c.unit_id));
    }
    Ok((evaluations, cases))
}
