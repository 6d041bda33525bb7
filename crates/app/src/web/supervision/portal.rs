//! The portal monitor's page: the office registers each unit's portal elsewhere (address and the
//! columns to watch), starts a run, and reads the newest run's findings.

use super::*;
use crate::flows::supervision::portal::{self as pm, SiteForm};

#[derive(Deserialize, Default, serde::Serialize)]
pub(super) struct SiteFormText {
    #[serde(default)]
    unit_id: String,
    #[serde(default)]
    base_url: String,
    #[serde(default)]
    columns: String,
}

async fn portal_page(
    state: &WebState,
    ctx: &Ctx,
    form: SiteFormText,
    errors: Vec<crate::error::FieldError>,
) -> Result<Html<String>> {
    let sites = pm::sites(state, &ctx.actor(), today()).await?;
    let units = crate::flows::org::units(&state.db).await?;
    render(
        state,
        ctx,
        "supervision/portal.html",
        crate::page! { sites => sites, units => units, form => form, errors => errors },
    )
    .await
}

/// GET /staff/portal
pub(super) async fn portal(State(state): State<WebState>, ctx: Ctx) -> Result<Html<String>> {
    ctx.require_office()?;
    portal_page(&state, &ctx, SiteFormText::default(), vec![]).await
}

/// POST /staff/portal
pub(super) async fn save_portal(
    State(state): State<WebState>,
    ctx: Ctx,
    Form(form): Form<SiteFormText>,
) -> Result<Response> {
    ctx.require_office()?;
    let Ok(unit_id) = form.unit_id.trim().parse::<i64>() else {
        let errors = vec![crate::error::FieldError::new("unit_id", "请选择单位")];
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, portal_page(&state, &ctx, form, errors).await?).into_response());
    };
    let site = SiteForm { unit_id, base_url: form.base_url.clone(), columns: form.columns.clone() };
    match pm::save_site(&state, &ctx.actor(), &site).await {
        Ok(_) => Ok(Redirect::to("/staff/portal").into_response()),
        Err(AppError::Invalid(errors)) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, portal_page(&state, &ctx, form, errors).await?).into_response())
        }
        Err(e) => Err(e),
    }
}

/// POST /staff/portal/{id}/run
pub(super) async fn run_portal(State(state): State<WebState>, ctx: Ctx, Path(id): Path<i64>) -> Result<Response> {
    ctx.require_office()?;
    pm::start_run(&state, &ctx.actor(), id, today()).await?;
    Ok(Redirect::to("/staff/portal?started=1").into_response())
}
