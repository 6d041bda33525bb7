//! 监督保障: the 社会评议 and 责任追究 records (issue 17 §5), listed by year with their counts;
//! the office records them.

use gongkai_domain::supervision::oversight::{AccountabilityAction, EvaluationMethod};

use super::*;
use crate::flows::supervision::{AccountabilityForm, EvaluationForm};

async fn page(
    state: &WebState,
    ctx: &Ctx,
    evaluation: EvaluationForm,
    accountability: AccountabilityForm,
    errors: Vec<crate::error::FieldError>,
) -> Result<Html<String>> {
    let (evaluations, cases) = flow::oversight_lists(&state.db, &ctx.actor()).await?;
    let method_label = |c: &str| EvaluationMethod::from_code(c).map(|m| m.label()).unwrap_or("其他");
    let action_label = |c: &str| AccountabilityAction::from_code(c).map(|m| m.label()).unwrap_or("其他");
    // Counts by year, newest first: what section 一 of each year's report states.
    let mut years: Vec<i32> = evaluations
        .iter()
        .map(|e| e.held_on.as_str())
        .chain(cases.iter().map(|c| c.decided_on.as_str()))
        .filter_map(|d| d.get(..4).and_then(|y| y.parse().ok()))
        .collect();
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    let by_year: Vec<_> = years
        .iter()
        .map(|y| {
            let p = format!("{y}-");
            let evs: Vec<_> = evaluations.iter().filter(|e| e.held_on.starts_with(&p)).collect();
            crate::page! {
                year => y,
                evaluations => evs.len(),
                participants => evs.iter().map(|e| e.participants).sum::<i64>(),
                cases => cases.iter().filter(|c| c.decided_on.starts_with(&p)).count(),
            }
        })
        .collect();
    let evaluations: Vec<_> = evaluations
        .into_iter()
        .map(|e| {
            crate::page! { method => method_label(&e.method), score => e.score.clone(), e => e }
        })
        .collect();
    let cases: Vec<_> = cases.into_iter().map(|c| crate::page! { action => action_label(&c.action), c => c }).collect();
    let methods: Vec<_> =
        EvaluationMethod::ALL.iter().map(|m| crate::page! { code => m.code(), label => m.label() }).collect();
    let actions: Vec<_> =
        AccountabilityAction::ALL.iter().map(|m| crate::page! { code => m.code(), label => m.label() }).collect();
    let units = crate::flows::org::units(&state.db).await?;
    render(
        state,
        ctx,
        "supervision/oversight.html",
        crate::page! {
            by_year => by_year, evaluations => evaluations, cases => cases, methods => methods, actions => actions,
            units => units, ev => evaluation, ac => accountability, errors => errors,
        },
    )
    .await
}

pub(super) async fn oversight(State(state): State<WebState>, ctx: Ctx) -> Result<Html<String>> {
    ctx.require_staff()?;
    let day = today().to_string();
    page(
        &state,
        &ctx,
        EvaluationForm { held_on: day.clone(), ..Default::default() },
        AccountabilityForm { decided_on: day, ..Default::default() },
        vec![],
    )
    .await
}

pub(super) async fn add_evaluation(
    State(state): State<WebState>,
    ctx: Ctx,
    Form(form): Form<EvaluationForm>,
) -> Result<Response> {
    ctx.require_office()?;
    match flow::add_evaluation(&state.db, &ctx.actor(), &form).await {
        Ok(_) => Ok(Redirect::to("/staff/oversight").into_response()),
        Err(AppError::Invalid(errors)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            page(&state, &ctx, form, AccountabilityForm::default(), errors).await?,
        )
            .into_response()),
        Err(e) => Err(e),
    }
}

pub(super) async fn add_accountability(
    State(state): State<WebState>,
    ctx: Ctx,
    Form(form): Form<AccountabilityForm>,
) -> Result<Response> {
    ctx.require_office()?;
    match flow::add_accountability(&state.db, &ctx.actor(), &form).await {
        Ok(_) => Ok(Redirect::to("/staff/oversight").into_response()),
        Err(AppError::Invalid(errors)) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page(&state, &ctx, EvaluationForm::default(), form, errors).await?)
                .into_response())
        }
        Err(e) => Err(e),
    }
}
