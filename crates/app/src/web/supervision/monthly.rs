//! The monthly report pages: figures, ranking, issuing, charts and the Word file; the scoring settings.

use super::*;

#[derive(Deserialize)]
pub(super) struct MonthQuery {
    month: Option<String>,
    version: Option<i64>,
    unit: Option<i64>,
}

pub(super) fn default_month() -> String {
    let t = today();
    let prev = t.with_day(1).and_then(|d| d.pred_opt()).unwrap_or(t);
    format!("{}", prev.format("%Y-%m"))
}

pub(super) async fn monthly(
    State(state): State<WebState>,
    ctx: Ctx,
    Query(q): Query<MonthQuery>,
) -> Result<Html<String>> {
    ctx.require_staff()?;
    let month = q.month.filter(|m| !m.is_empty()).unwrap_or_else(default_month);
    let ym = flow::parse_month(&month)?;
    let view = flow::month_view(&state, ym, q.version, today()).await?;
    let issued = flow::issued_months(&state.db).await?;
    let own = ctx.actor().unit_id.filter(|_| !ctx.actor().is_office());
    // 基层政务公开标准目录 entries due and not published at the month's end (or today).
    let as_of = ym.last_day().min(today());
    let basic_gaps = crate::flows::basic_catalog::gaps(&state, own, as_of).await?;
    render(
        &state,
        &ctx,
        "supervision/monthly.html",
        crate::page! { v => view, issued => issued, own_unit => own, basic_gaps => basic_gaps, basic_as_of => as_of.to_string() },
    )
        .await
}

#[derive(Deserialize)]
pub(super) struct IssueForm {
    month: String,
    #[serde(default)]
    reason: String,
}

pub(super) async fn issue_monthly(
    State(state): State<WebState>,
    ctx: Ctx,
    Form(f): Form<IssueForm>,
) -> Result<Response> {
    ctx.require_office()?;
    let ym = flow::parse_month(&f.month)?;
    let reason = Some(f.reason.as_str()).filter(|r| !r.trim().is_empty());
    flow::issue_month(&state, &ctx.actor(), ym, reason, today()).await?;
    Ok(Redirect::to(&format!("/staff/monthly?month={}", flow::month_key(ym))).into_response())
}

pub(super) fn svg_response(body: String) -> Response {
    ([(header::CONTENT_TYPE, "image/svg+xml; charset=utf-8"), (header::CACHE_CONTROL, "no-store")], body)
        .into_response()
}

pub(super) async fn scores_svg(
    State(state): State<WebState>,
    ctx: Ctx,
    Query(q): Query<MonthQuery>,
) -> Result<Response> {
    ctx.require_staff()?;
    let ym = flow::parse_month(&q.month.unwrap_or_else(default_month))?;
    let view = flow::month_view(&state, ym, q.version, today()).await?;
    let bars: Vec<(String, f64)> =
        view.lines.iter().filter_map(|l| l.score.map(|s| (short_name(&l.unit_name), s))).take(30).collect();
    Ok(svg_response(svg::bar_chart(&format!("{}各单位得分（前30名）", view.label), &bars, 100.0)))
}

pub(super) async fn trend_svg(
    State(state): State<WebState>,
    ctx: Ctx,
    Query(q): Query<MonthQuery>,
) -> Result<Response> {
    let user = ctx.require_staff()?;
    let unit = if user.role == gongkai_domain::org::Role::Admin { q.unit } else { user.unit_id };
    let points = flow::trend(&state, unit).await?;
    Ok(svg_response(svg::line_chart(
        if unit.is_some() { "本单位月度得分趋势" } else { "全市平均月度得分趋势" },
        &points,
        100.0,
    )))
}

pub(super) fn short_name(s: &str) -> String {
    s.trim_start_matches("汝州市").chars().take(8).collect()
}

pub(super) async fn monthly_docx(
    State(state): State<WebState>,
    ctx: Ctx,
    Query(q): Query<MonthQuery>,
) -> Result<Response> {
    ctx.require_staff()?;
    let ym = flow::parse_month(&q.month.unwrap_or_else(default_month))?;
    let view = flow::month_view(&state, ym, q.version, today()).await?;
    let gov = state.setting("gov_name");
    // The 通报 goes to every unit: it names every unit's 标准目录 gaps at the month's end.
    let gaps = crate::flows::basic_catalog::gaps(&state, None, ym.last_day().min(today())).await?;
    let bytes = export::monthly_docx(&gov, &view, &gaps)?;
    let name = format!("monthly-{}-v{}.docx", view.month, view.version.unwrap_or(0));
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document".to_string(),
            ),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        bytes,
    )
        .into_response())
}

pub(super) async fn scoring_page(
    state: &WebState,
    ctx: &Ctx,
    errors: Vec<crate::error::FieldError>,
) -> Result<Html<String>> {
    let config = flow::scoring_config(state);
    render(state, ctx, "supervision/scoring.html", crate::page! { indicators => flow::indicators(&config), min_count => config.min_count_for_rate(), errors => errors }).await
}

pub(super) async fn scoring(State(state): State<WebState>, ctx: Ctx) -> Result<Html<String>> {
    ctx.require_office()?;
    scoring_page(&state, &ctx, vec![]).await
}

pub(super) async fn save_scoring(
    State(state): State<WebState>,
    ctx: Ctx,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response> {
    ctx.require_office()?;
    let min = pairs.iter().find(|(k, _)| k == "min_count").map(|(_, v)| v.clone()).unwrap_or_default();
    match flow::save_scoring(&state, &ctx.actor(), &pairs, &min).await {
        Ok(_) => Ok(Redirect::to("/staff/monthly").into_response()),
        Err(AppError::Invalid(errors)) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, scoring_page(&state, &ctx, errors).await?).into_response())
        }
        Err(e) => Err(e),
    }
}
