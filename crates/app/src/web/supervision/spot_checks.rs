//! Spot checks, their findings, rectification, and the public bulletins (通报).

use super::*;

pub(super) async fn checks_page(
    state: &WebState,
    ctx: &Ctx,
    form: SpotCheckForm,
    errors: Vec<crate::error::FieldError>,
) -> Result<Html<String>> {
    let checks = flow::spot_checks(&state.db).await?;
    render(
        state,
        ctx,
        "supervision/spot_checks.html",
        crate::page! { checks => checks, form => form, errors => errors },
    )
    .await
}

pub(super) async fn spot_checks(State(state): State<WebState>, ctx: Ctx) -> Result<Html<String>> {
    ctx.require_office()?;
    checks_page(&state, &ctx, SpotCheckForm { checked_on: today().to_string(), ..Default::default() }, vec![]).await
}

pub(super) async fn create_spot_check(
    State(state): State<WebState>,
    ctx: Ctx,
    Form(form): Form<SpotCheckForm>,
) -> Result<Response> {
    ctx.require_office()?;
    match flow::create_spot_check(&state, &ctx.actor(), &form).await {
        Ok(id) => Ok(Redirect::to(&format!("/staff/spot-checks/{id}")).into_response()),
        Err(AppError::Invalid(errors)) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, checks_page(&state, &ctx, form, errors).await?).into_response())
        }
        Err(e) => Err(e),
    }
}

pub(super) async fn check_page(
    state: &WebState,
    ctx: &Ctx,
    id: i64,
    form: FindingForm,
    errors: Vec<crate::error::FieldError>,
) -> Result<Html<String>> {
    let t = today();
    let check = flow::spot_check(&state.db, id).await?;
    let findings = flow::findings(state, &ctx.actor(), Some(id), t).await?;
    let units = crate::flows::org::units(&state.db).await?;
    let names: std::collections::BTreeMap<i64, String> = units.iter().map(|u| (u.unit_id, u.name.clone())).collect();
    let drawn: Vec<String> = check
        .draw_result_json
        .as_deref()
        .and_then(|j| serde_json::from_str::<Vec<i64>>(j).ok())
        .unwrap_or_default()
        .into_iter()
        .map(|u| names.get(&u).cloned().unwrap_or_else(|| u.to_string()))
        .collect();
    let draft =
        if check.bulletin.is_empty() { flow::draft_bulletin(&check, &findings) } else { check.bulletin.clone() };
    render(state, ctx, "supervision/spot_check.html", crate::page! {
        c => check, findings => findings, units => units, drawn => drawn, form => form, errors => errors, draft => draft,
    })
    .await
}

pub(super) async fn spot_check(State(state): State<WebState>, ctx: Ctx, Path(id): Path<i64>) -> Result<Html<String>> {
    ctx.door(&state, ObjectKind::SpotCheck, id).await?;
    ctx.require_office()?;
    check_page(&state, &ctx, id, FindingForm { working_days: "10".into(), ..Default::default() }, vec![]).await
}

pub(super) async fn add_finding(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<FindingForm>,
) -> Result<Response> {
    ctx.door(&state, ObjectKind::SpotCheck, id).await?;
    ctx.require_office()?;
    match flow::add_finding(&state, &ctx.actor(), id, &form).await {
        Ok(_) => Ok(Redirect::to(&format!("/staff/spot-checks/{id}")).into_response()),
        Err(AppError::Invalid(errors)) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, check_page(&state, &ctx, id, form, errors).await?).into_response())
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub(super) struct BulletinForm {
    #[serde(default)]
    bulletin: String,
}

pub(super) async fn publish_bulletin(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<BulletinForm>,
) -> Result<Response> {
    ctx.door(&state, ObjectKind::SpotCheck, id).await?;
    ctx.require_office()?;
    flow::publish_bulletin(&state, &ctx.actor(), id, &f.bulletin, today()).await?;
    Ok(Redirect::to(&format!("/supervision/bulletins/{id}")).into_response())
}

pub(super) async fn rectifications(State(state): State<WebState>, ctx: Ctx) -> Result<Html<String>> {
    ctx.require_staff()?;
    let list = flow::findings(&state, &ctx.actor(), None, today()).await?;
    render(&state, &ctx, "supervision/rectifications.html", crate::page! { findings => list }).await
}

pub(super) async fn rectification_page(
    state: &WebState,
    ctx: &Ctx,
    id: i64,
    error: Option<String>,
) -> Result<Html<String>> {
    let t = today();
    let f = flow::findings(state, &ctx.actor(), None, t)
        .await?
        .into_iter()
        .find(|f| f.row.finding_id == id)
        .ok_or(AppError::NotFound)?;
    render(state, ctx, "supervision/rectification.html", crate::page! { f => f, error => error }).await
}

pub(super) async fn rectification(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Html<String>> {
    ctx.door(&state, ObjectKind::Finding, id).await?;
    rectification_page(&state, &ctx, id, None).await
}

#[derive(Deserialize)]
pub(super) struct RectifyForm {
    action: String,
    #[serde(default)]
    text: String,
}

pub(super) async fn rectify(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<RectifyForm>,
) -> Result<Response> {
    ctx.door(&state, ObjectKind::Finding, id).await?;
    let event = match f.action.as_str() {
        "submit" => match Evidence::parse(&f.text) {
            Ok(e) => RectificationEvent::Submit(e),
            Err(e) => {
                return Ok((
                    StatusCode::UNPROCESSABLE_ENTITY,
                    rectification_page(&state, &ctx, id, Some(e.to_string())).await?,
                )
                    .into_response());
            }
        },
        "accept" => RectificationEvent::Accept,
        "return" => RectificationEvent::Return { reason: f.text.clone() },
        _ => return Err(AppError::BadRequest("未知操作".into())),
    };
    match flow::rectify(&state, &ctx.actor(), id, event, today()).await {
        Ok(()) => Ok(Redirect::to(&format!("/staff/rectifications/{id}")).into_response()),
        Err(AppError::BadRequest(msg)) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, rectification_page(&state, &ctx, id, Some(msg)).await?)
                .into_response())
        }
        Err(e) => Err(e),
    }
}

pub(super) async fn bulletins(State(state): State<WebState>, ctx: Ctx) -> Result<Html<String>> {
    let checks: Vec<_> = flow::published_bulletins(&state.db).await?;
    render(&state, &ctx, "supervision/bulletins.html", crate::page! { nav => "supervision", checks => checks }).await
}

pub(super) async fn bulletin(State(state): State<WebState>, ctx: Ctx, Path(id): Path<i64>) -> Result<Html<String>> {
    let c = flow::published_bulletin(&state.db, id).await?;
    let findings = flow::findings_of_check(&state.db, id, today()).await?;
    let names: std::collections::BTreeMap<i64, String> =
        crate::flows::org::units(&state.db).await?.into_iter().map(|u| (u.unit_id, u.name)).collect();
    let population: Vec<String> = c
        .draw_population_json
        .as_deref()
        .and_then(|j| serde_json::from_str::<Vec<i64>>(j).ok())
        .unwrap_or_default()
        .into_iter()
        .map(|u| format!("{u}"))
        .collect();
    let drawn: Vec<String> = c
        .draw_result_json
        .as_deref()
        .and_then(|j| serde_json::from_str::<Vec<i64>>(j).ok())
        .unwrap_or_default()
        .into_iter()
        .map(|u| names.get(&u).cloned().unwrap_or_default())
        .collect();
    render(&state, &ctx, "supervision/bulletin.html", crate::page! { nav => "supervision", paras => c.bulletin.lines().collect::<Vec<_>>(), c => c, findings => findings, drawn => drawn, population => population.join(",") }).await
}
