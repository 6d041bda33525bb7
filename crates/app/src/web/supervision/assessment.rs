//! Training records and the annual assessment (page and Excel file).

use super::*;

pub(super) async fn trainings_page(
    state: &WebState,
    ctx: &Ctx,
    form: TrainingForm,
    errors: Vec<crate::error::FieldError>,
) -> Result<Html<String>> {
    let rows = flow::trainings(&state.db).await?;
    let list: Vec<_> =
        rows.into_iter().map(|r| crate::page! { kind_label => flow::training_label(&r.kind), r => r }).collect();
    let kinds: Vec<_> = flow::TRAINING_KINDS.iter().map(|(c, l)| crate::page! { code => c, label => l }).collect();
    render(
        state,
        ctx,
        "supervision/trainings.html",
        crate::page! { list => list, kinds => kinds, form => form, errors => errors },
    )
    .await
}

pub(super) async fn trainings(State(state): State<WebState>, ctx: Ctx) -> Result<Html<String>> {
    ctx.require_staff()?;
    trainings_page(&state, &ctx, TrainingForm { held_on: today().to_string(), ..Default::default() }, vec![]).await
}

pub(super) async fn add_training(
    State(state): State<WebState>,
    ctx: Ctx,
    Form(form): Form<TrainingForm>,
) -> Result<Response> {
    ctx.require_office()?;
    match flow::add_training(&state.db, &ctx.actor(), &form).await {
        Ok(_) => Ok(Redirect::to("/staff/trainings").into_response()),
        Err(AppError::Invalid(errors)) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, trainings_page(&state, &ctx, form, errors).await?).into_response())
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub(super) struct YearQuery {
    year: Option<i32>,
}

pub(super) async fn assessment(
    State(state): State<WebState>,
    ctx: Ctx,
    Query(q): Query<YearQuery>,
) -> Result<Html<String>> {
    ctx.require_staff()?;
    let year = q.year.unwrap_or_else(|| today().year());
    let lines = flow::annual(&state, year, today()).await?;
    let share = state.setting(flow::ASSESSMENT_SHARE_KEY);
    render(
        &state,
        &ctx,
        "supervision/assessment.html",
        crate::page! { lines => lines, year => year, share => if share.is_empty() { "4".to_string() } else { share } },
    )
    .await
}

#[derive(Deserialize)]
pub(super) struct ShareForm {
    share: String,
}

pub(super) async fn save_share(State(state): State<WebState>, ctx: Ctx, Form(f): Form<ShareForm>) -> Result<Response> {
    ctx.require_office()?;
    flow::save_assessment_share(&state, &ctx.actor(), &f.share).await?;
    Ok(Redirect::to("/staff/assessment").into_response())
}

pub(super) async fn assessment_xlsx(
    State(state): State<WebState>,
    ctx: Ctx,
    Query(q): Query<YearQuery>,
) -> Result<Response> {
    ctx.require_staff()?;
    let year = q.year.unwrap_or_else(|| today().year());
    let lines = flow::annual(&state, year, today()).await?;
    let bytes = export::assessment_xlsx(&state.setting("gov_name"), year, &lines)?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"assessment-{year}.xlsx\"")),
        ],
        bytes,
    )
        .into_response())
}
