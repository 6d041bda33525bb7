//! 监督考核 pages: the 政务新媒体 registry (and its token API), the 月报 with ranking, weights and
//! charts, spot checks and rectification, training records, the annual assessment, and the public
//! 通报 of spot checks. Charts are SVG drawn here on the server, so they need no JavaScript.

use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use chrono::Datelike;
use gongkai_domain::org::ObjectKind;
use gongkai_domain::supervision::{Evidence, RectificationEvent};
use serde::Deserialize;

use super::WebState;
use super::context::Ctx;
use super::templates::render;
use crate::db;
use crate::error::{ApiError, AppError, Result};
use crate::flows::supervision::{self as flow, AccountForm, FindingForm, SpotCheckForm, TrainingForm};
use crate::state::today;

pub fn router() -> Router<WebState> {
    Router::new()
        .route("/staff/new-media", get(accounts).post(create_account))
        .route("/staff/new-media/import", post(import_posts))
        .route("/staff/new-media/remind", post(remind))
        .route("/staff/new-media/{id}", get(account).post(update_account))
        .route("/staff/new-media/{id}/posts", post(log_post))
        .route("/api/v1/new-media/{id}/posts", post(api_log_post))
        .route("/staff/monthly", get(monthly))
        .route("/staff/monthly/issue", post(issue_monthly))
        .route("/staff/monthly/scores.svg", get(scores_svg))
        .route("/staff/monthly/trend.svg", get(trend_svg))
        .route("/staff/monthly/report.docx", get(monthly_docx))
        .route("/staff/scoring", get(scoring).post(save_scoring))
        .route("/staff/spot-checks", get(spot_checks).post(create_spot_check))
        .route("/staff/spot-checks/{id}", get(spot_check))
        .route("/staff/spot-checks/{id}/findings", post(add_finding))
        .route("/staff/spot-checks/{id}/publish", post(publish_bulletin))
        .route("/staff/rectifications", get(rectifications))
        .route("/staff/rectifications/{id}", get(rectification).post(rectify))
        .route("/staff/trainings", get(trainings).post(add_training))
        .route("/staff/assessment", get(assessment))
        .route("/staff/assessment/share", post(save_share))
        .route("/staff/assessment/assessment.xlsx", get(assessment_xlsx))
        .route("/supervision/bulletins", get(bulletins))
        .route("/supervision/bulletins/{id}", get(bulletin))
}

// ------------------------------------------------------------ 政务新媒体

async fn accounts_page(
    state: &WebState,
    ctx: &Ctx,
    form: AccountForm,
    errors: Vec<crate::error::FieldError>,
    import: Option<flow::PostImport>,
) -> Result<Html<String>> {
    let t = today();
    let list = flow::accounts(state, &ctx.actor(), t).await?;
    let units = db::org::list_units(&state.db).await?;
    let counts = crate::page! {
        total => list.len(),
        normal => list.iter().filter(|a| a.status == "normal").count(),
        dormant => list.iter().filter(|a| a.status == "dormant").count(),
        zombie => list.iter().filter(|a| a.status == "zombie").count(),
        closed => list.iter().filter(|a| a.status == "closed").count(),
    };
    render(
        state,
        ctx,
        "supervision/new_media.html",
        crate::page! {
            accounts => list, units => units, platforms => flow::platform_choices(), form => form, errors => errors,
            import => import, counts => counts, today => t.to_string(), zombie_days => flow::zombie_after_days(state),
        },
    )
    .await
}

async fn accounts(State(state): State<WebState>, ctx: Ctx) -> Result<Html<String>> {
    ctx.require_staff()?;
    let form = AccountForm {
        opened_on: today().to_string(),
        unit_id: ctx.actor().unit_id.map(|u| u.to_string()).unwrap_or_default(),
        ..Default::default()
    };
    accounts_page(&state, &ctx, form, vec![], None).await
}

async fn create_account(State(state): State<WebState>, ctx: Ctx, Form(form): Form<AccountForm>) -> Result<Response> {
    ctx.require_staff()?;
    match flow::create_account(&state.db, &ctx.actor(), &form).await {
        Ok(id) => Ok(Redirect::to(&format!("/staff/new-media/{id}")).into_response()),
        Err(AppError::Invalid(errors)) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, accounts_page(&state, &ctx, form, errors, None).await?)
                .into_response())
        }
        Err(e) => Err(e),
    }
}

async fn import_posts(State(state): State<WebState>, ctx: Ctx, mut mp: Multipart) -> Result<Response> {
    ctx.require_staff()?;
    let mut csv = String::new();
    while let Some(field) = mp.next_field().await.map_err(|e| AppError::BadRequest(format!("上传内容有误：{e}")))?
    {
        if field.name() == Some("file") || field.name() == Some("csv") {
            let bytes = field.bytes().await.map_err(|_| AppError::BadRequest("文件过大或上传中断".into()))?;
            let text = String::from_utf8(bytes.to_vec())
                .map_err(|_| AppError::BadRequest("CSV 文件应为 UTF-8 编码".into()))?;
            csv.push_str(&text);
            csv.push('\n');
        }
    }
    let result = flow::import_posts(&state, &ctx.actor(), &csv, today()).await?;
    Ok(accounts_page(&state, &ctx, AccountForm::default(), vec![], Some(result)).await?.into_response())
}

async fn remind(State(state): State<WebState>, ctx: Ctx) -> Result<Response> {
    ctx.require_office()?;
    flow::weekly_reminders(&state, today()).await?;
    Ok(Redirect::to("/staff/new-media").into_response())
}

async fn account_page(
    state: &WebState,
    ctx: &Ctx,
    id: i64,
    errors: Vec<crate::error::FieldError>,
) -> Result<Html<String>> {
    let t = today();
    let a = flow::account(state, &ctx.actor(), id, t).await?;
    let posts = db::supervision::posts(&state.db, id, 200).await?;
    render(
        state,
        ctx,
        "supervision/account.html",
        crate::page! { a => a, posts => posts, errors => errors, today => t.to_string() },
    )
    .await
}

async fn account(State(state): State<WebState>, ctx: Ctx, Path(id): Path<i64>) -> Result<Html<String>> {
    ctx.door(&state, ObjectKind::NewMediaAccount, id).await?;
    account_page(&state, &ctx, id, vec![]).await
}

#[derive(Deserialize)]
struct AccountUpdate {
    #[serde(default)]
    manager: String,
    #[serde(default)]
    closed_on: String,
}

async fn update_account(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<AccountUpdate>,
) -> Result<Response> {
    ctx.door(&state, ObjectKind::NewMediaAccount, id).await?;
    match flow::update_account(&state, &ctx.actor(), id, &f.manager, &f.closed_on, today()).await {
        Ok(()) => Ok(Redirect::to(&format!("/staff/new-media/{id}")).into_response()),
        Err(AppError::Invalid(errors)) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, account_page(&state, &ctx, id, errors).await?).into_response())
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct PostForm {
    #[serde(default)]
    posted_on: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    url: String,
}

async fn log_post(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<PostForm>,
) -> Result<Response> {
    ctx.door(&state, ObjectKind::NewMediaAccount, id).await?;
    match flow::log_post(&state, &ctx.actor(), id, &f.posted_on, &f.title, &f.url, "manual", today()).await {
        Ok(_) => Ok(Redirect::to(&format!("/staff/new-media/{id}")).into_response()),
        Err(AppError::Invalid(errors)) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, account_page(&state, &ctx, id, errors).await?).into_response())
        }
        Err(e) => Err(e),
    }
}

/// `POST /api/v1/new-media/{id}/posts` with `Authorization: Bearer …` and `{"posted_on", "title", "url"}`:
/// 201 when logged, 200 when the same post was already logged.
async fn api_log_post(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    body: std::result::Result<Json<PostForm>, axum::extract::rejection::JsonRejection>,
) -> std::result::Result<Response, ApiError> {
    ctx.door(&state, ObjectKind::NewMediaAccount, id).await?;
    let Json(f) = body.map_err(|e| AppError::BadRequest(format!("请求体不是有效的 JSON：{}", e.body_text())))?;
    let t = today();
    let new = flow::log_post(&state, &ctx.actor(), id, &f.posted_on, &f.title, &f.url, "api", t).await?;
    let a = flow::account(&state, &ctx.actor(), id, t).await?;
    let status = if new { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(serde_json::json!({"account_id": id, "logged": new, "last_post": a.row.last_post, "status": a.status_label}))).into_response())
}

// ------------------------------------------------------------ 月报 and ranking

#[derive(Deserialize)]
struct MonthQuery {
    month: Option<String>,
    version: Option<i64>,
    unit: Option<i64>,
}

fn default_month() -> String {
    let t = today();
    let prev = t.with_day(1).and_then(|d| d.pred_opt()).unwrap_or(t);
    format!("{}", prev.format("%Y-%m"))
}

async fn monthly(State(state): State<WebState>, ctx: Ctx, Query(q): Query<MonthQuery>) -> Result<Html<String>> {
    ctx.require_staff()?;
    let month = q.month.filter(|m| !m.is_empty()).unwrap_or_else(default_month);
    let ym = flow::parse_month(&month)?;
    let view = flow::month_view(&state, ym, q.version, today()).await?;
    let issued = db::supervision::monthly_latest(&state.db).await?;
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
struct IssueForm {
    month: String,
    #[serde(default)]
    reason: String,
}

async fn issue_monthly(State(state): State<WebState>, ctx: Ctx, Form(f): Form<IssueForm>) -> Result<Response> {
    ctx.require_office()?;
    let ym = flow::parse_month(&f.month)?;
    let reason = Some(f.reason.as_str()).filter(|r| !r.trim().is_empty());
    flow::issue_month(&state, &ctx.actor(), ym, reason, today()).await?;
    Ok(Redirect::to(&format!("/staff/monthly?month={}", flow::month_key(ym))).into_response())
}

fn svg_response(body: String) -> Response {
    ([(header::CONTENT_TYPE, "image/svg+xml; charset=utf-8"), (header::CACHE_CONTROL, "no-store")], body)
        .into_response()
}

async fn scores_svg(State(state): State<WebState>, ctx: Ctx, Query(q): Query<MonthQuery>) -> Result<Response> {
    ctx.require_staff()?;
    let ym = flow::parse_month(&q.month.unwrap_or_else(default_month))?;
    let view = flow::month_view(&state, ym, q.version, today()).await?;
    let bars: Vec<(String, f64)> =
        view.lines.iter().filter_map(|l| l.score.map(|s| (short_name(&l.unit_name), s))).take(30).collect();
    Ok(svg_response(svg::bar_chart(&format!("{}各单位得分（前30名）", view.label), &bars, 100.0)))
}

async fn trend_svg(State(state): State<WebState>, ctx: Ctx, Query(q): Query<MonthQuery>) -> Result<Response> {
    let user = ctx.require_staff()?;
    let unit = if user.role == gongkai_domain::org::Role::Admin { q.unit } else { user.unit_id };
    let points = flow::trend(&state, unit).await?;
    Ok(svg_response(svg::line_chart(
        if unit.is_some() { "本单位月度得分趋势" } else { "全市平均月度得分趋势" },
        &points,
        100.0,
    )))
}

fn short_name(s: &str) -> String {
    s.trim_start_matches("汝州市").chars().take(8).collect()
}

async fn monthly_docx(State(state): State<WebState>, ctx: Ctx, Query(q): Query<MonthQuery>) -> Result<Response> {
    ctx.require_staff()?;
    let ym = flow::parse_month(&q.month.unwrap_or_else(default_month))?;
    let view = flow::month_view(&state, ym, q.version, today()).await?;
    let gov = state.setting("gov_name");
    let bytes = export::monthly_docx(&gov, &view)?;
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

async fn scoring_page(state: &WebState, ctx: &Ctx, errors: Vec<crate::error::FieldError>) -> Result<Html<String>> {
    let config = flow::scoring_config(state);
    render(state, ctx, "supervision/scoring.html", crate::page! { indicators => flow::indicators(&config), min_count => config.min_count_for_rate(), errors => errors }).await
}

async fn scoring(State(state): State<WebState>, ctx: Ctx) -> Result<Html<String>> {
    ctx.require_office()?;
    scoring_page(&state, &ctx, vec![]).await
}

async fn save_scoring(
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

// ------------------------------------------------------------ spot checks and rectification

async fn checks_page(
    state: &WebState,
    ctx: &Ctx,
    form: SpotCheckForm,
    errors: Vec<crate::error::FieldError>,
) -> Result<Html<String>> {
    let checks = db::supervision::spot_checks(&state.db).await?;
    render(
        state,
        ctx,
        "supervision/spot_checks.html",
        crate::page! { checks => checks, form => form, errors => errors },
    )
    .await
}

async fn spot_checks(State(state): State<WebState>, ctx: Ctx) -> Result<Html<String>> {
    ctx.require_office()?;
    checks_page(&state, &ctx, SpotCheckForm { checked_on: today().to_string(), ..Default::default() }, vec![]).await
}

async fn create_spot_check(
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

async fn check_page(
    state: &WebState,
    ctx: &Ctx,
    id: i64,
    form: FindingForm,
    errors: Vec<crate::error::FieldError>,
) -> Result<Html<String>> {
    let t = today();
    let check = db::supervision::spot_check(&state.db, id).await?.ok_or(AppError::NotFound)?;
    let findings = flow::findings(state, &ctx.actor(), Some(id), t).await?;
    let units = db::org::list_units(&state.db).await?;
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

async fn spot_check(State(state): State<WebState>, ctx: Ctx, Path(id): Path<i64>) -> Result<Html<String>> {
    ctx.door(&state, ObjectKind::SpotCheck, id).await?;
    ctx.require_office()?;
    check_page(&state, &ctx, id, FindingForm { working_days: "10".into(), ..Default::default() }, vec![]).await
}

async fn add_finding(
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
struct BulletinForm {
    #[serde(default)]
    bulletin: String,
}

async fn publish_bulletin(
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

async fn rectifications(State(state): State<WebState>, ctx: Ctx) -> Result<Html<String>> {
    ctx.require_staff()?;
    let list = flow::findings(&state, &ctx.actor(), None, today()).await?;
    render(&state, &ctx, "supervision/rectifications.html", crate::page! { findings => list }).await
}

async fn rectification_page(state: &WebState, ctx: &Ctx, id: i64, error: Option<String>) -> Result<Html<String>> {
    let t = today();
    let f = flow::findings(state, &ctx.actor(), None, t)
        .await?
        .into_iter()
        .find(|f| f.row.finding_id == id)
        .ok_or(AppError::NotFound)?;
    render(state, ctx, "supervision/rectification.html", crate::page! { f => f, error => error }).await
}

async fn rectification(State(state): State<WebState>, ctx: Ctx, Path(id): Path<i64>) -> Result<Html<String>> {
    ctx.door(&state, ObjectKind::Finding, id).await?;
    rectification_page(&state, &ctx, id, None).await
}

#[derive(Deserialize)]
struct RectifyForm {
    action: String,
    #[serde(default)]
    text: String,
}

async fn rectify(
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

async fn bulletins(State(state): State<WebState>, ctx: Ctx) -> Result<Html<String>> {
    let checks: Vec<_> =
        db::supervision::spot_checks(&state.db).await?.into_iter().filter(|c| c.published_on.is_some()).collect();
    render(&state, &ctx, "supervision/bulletins.html", crate::page! { nav => "supervision", checks => checks }).await
}

async fn bulletin(State(state): State<WebState>, ctx: Ctx, Path(id): Path<i64>) -> Result<Html<String>> {
    let c = db::supervision::spot_check(&state.db, id)
        .await?
        .filter(|c| c.published_on.is_some())
        .ok_or(AppError::NotFound)?;
    let findings: Vec<_> = db::supervision::findings(&state.db, Some(id), None)
        .await?
        .into_iter()
        .map(|f| flow::finding_view(f, today()))
        .collect();
    let names: std::collections::BTreeMap<i64, String> =
        db::org::list_units(&state.db).await?.into_iter().map(|u| (u.unit_id, u.name)).collect();
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

// ------------------------------------------------------------ training and assessment

async fn trainings_page(
    state: &WebState,
    ctx: &Ctx,
    form: TrainingForm,
    errors: Vec<crate::error::FieldError>,
) -> Result<Html<String>> {
    let rows = db::supervision::trainings(&state.db, None).await?;
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

async fn trainings(State(state): State<WebState>, ctx: Ctx) -> Result<Html<String>> {
    ctx.require_staff()?;
    trainings_page(&state, &ctx, TrainingForm { held_on: today().to_string(), ..Default::default() }, vec![]).await
}

async fn add_training(State(state): State<WebState>, ctx: Ctx, Form(form): Form<TrainingForm>) -> Result<Response> {
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
struct YearQuery {
    year: Option<i32>,
}

async fn assessment(State(state): State<WebState>, ctx: Ctx, Query(q): Query<YearQuery>) -> Result<Html<String>> {
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
struct ShareForm {
    share: String,
}

async fn save_share(State(state): State<WebState>, ctx: Ctx, Form(f): Form<ShareForm>) -> Result<Response> {
    ctx.require_office()?;
    flow::save_assessment_share(&state, &ctx.actor(), &f.share).await?;
    Ok(Redirect::to("/staff/assessment").into_response())
}

async fn assessment_xlsx(State(state): State<WebState>, ctx: Ctx, Query(q): Query<YearQuery>) -> Result<Response> {
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

// ------------------------------------------------------------ SVG charts

pub mod svg {
    fn esc(s: &str) -> String {
        s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
    }

    /// Horizontal bars, one per label, scaled to `max`.
    pub fn bar_chart(title: &str, bars: &[(String, f64)], max: f64) -> String {
        let (left, row, width) = (130.0, 18.0, 360.0);
        let height = 40.0 + row * bars.len().max(1) as f64;
        let mut s = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="560" height="{height}" viewBox="0 0 560 {height}" role="img" aria-label="{t}" font-family="sans-serif" font-size="12"><title>{t}</title><text x="10" y="18" font-weight="bold">{t}</text>"#,
            t = esc(title)
        );
        for (i, (label, v)) in bars.iter().enumerate() {
            let y = 30.0 + row * i as f64;
            let w = (v / max).clamp(0.0, 1.0) * width;
            s.push_str(&format!(
                r##"<text x="{tx}" y="{ty}" text-anchor="end">{l}</text><rect x="{left}" y="{y}" width="{w:.1}" height="{h}" fill="#1f5fa8"/><text x="{vx:.1}" y="{ty}">{v:.1}</text>"##,
                tx = left - 6.0,
                ty = y + 12.0,
                l = esc(label),
                h = row - 4.0,
                vx = left + w + 4.0,
            ));
        }
        if bars.is_empty() {
            s.push_str(r#"<text x="10" y="44">暂无数据</text>"#);
        }
        s.push_str("</svg>");
        s
    }

    /// A line through (label, value) points, values from 0 to `max`.
    pub fn line_chart(title: &str, points: &[(String, f64)], max: f64) -> String {
        let (left, top, w, h) = (40.0, 30.0, 500.0, 160.0);
        let mut s = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="580" height="230" viewBox="0 0 580 230" role="img" aria-label="{t}" font-family="sans-serif" font-size="11"><title>{t}</title><text x="10" y="18" font-weight="bold">{t}</text>"#,
            t = esc(title)
        );
        s.push_str(&format!(r##"<line x1="{left}" y1="{b}" x2="{r}" y2="{b}" stroke="#999"/><line x1="{left}" y1="{top}" x2="{left}" y2="{b}" stroke="#999"/>"##, b = top + h, r = left + w));
        for tick in [0.0, 50.0, 100.0] {
            let y = top + h - tick / max * h;
            s.push_str(&format!(
                r#"<text x="{x}" y="{y:.1}" text-anchor="end">{tick}</text>"#,
                x = left - 4.0,
                y = y + 4.0
            ));
        }
        if points.is_empty() {
            s.push_str(r#"<text x="60" y="100">尚未发布月报</text></svg>"#);
            return s;
        }
        let step = if points.len() > 1 { w / (points.len() - 1) as f64 } else { 0.0 };
        let coords: Vec<(f64, f64)> = points
            .iter()
            .enumerate()
            .map(|(i, (_, v))| (left + step * i as f64, top + h - (v / max).clamp(0.0, 1.0) * h))
            .collect();
        let path: Vec<String> = coords.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
        s.push_str(&format!(
            r##"<polyline fill="none" stroke="#c0392b" stroke-width="2" points="{}"/>"##,
            path.join(" ")
        ));
        for ((x, y), (label, v)) in coords.iter().zip(points) {
            s.push_str(&format!(
                r##"<circle cx="{x:.1}" cy="{y:.1}" r="3" fill="#c0392b"/><text x="{x:.1}" y="{ly:.1}" text-anchor="middle">{v:.1}</text><text x="{x:.1}" y="{by}" text-anchor="middle">{l}</text>"##,
                ly = y - 6.0,
                by = top + h + 16.0,
                l = esc(label.get(2..).unwrap_or(label)),
            ));
        }
        s.push_str("</svg>");
        s
    }
}

// ------------------------------------------------------------ office documents

pub mod export {
    use std::io::Cursor;

    use docx_rs::{AlignmentType, Docx, Paragraph, Run, RunFonts, Table, TableCell, TableRow};
    use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook};

    use crate::error::{AppError, Result};
    use crate::flows::supervision::{AssessmentLine, MonthView};

    fn p(text: &str) -> Paragraph {
        Paragraph::new()
            .add_run(Run::new().add_text(text).fonts(RunFonts::new().east_asia("仿宋").ascii("仿宋")).size(24))
    }

    fn cell(text: &str) -> TableCell {
        TableCell::new()
            .add_paragraph(Paragraph::new().align(AlignmentType::Center).add_run(Run::new().add_text(text).size(20)))
    }

    fn score(s: Option<f64>) -> String {
        s.map(|v| format!("{v:.1}")).unwrap_or_else(|| "—".into())
    }

    /// The 月报/通报 as Word: the ranking with every unit's figures, then each indicator's definition and weight.
    pub fn monthly_docx(gov: &str, v: &MonthView) -> Result<Vec<u8>> {
        let title = format!("{gov}政务公开工作月报（{}）", v.label);
        let mut doc = Docx::new().add_paragraph(
            Paragraph::new()
                .align(AlignmentType::Center)
                .add_run(Run::new().add_text(&title).bold().size(36).fonts(RunFonts::new().east_asia("宋体"))),
        );
        let version = match (v.version, &v.reason) {
            (Some(n), Some(r)) => format!("第{n}版（修订原因：{r}）"),
            (Some(n), None) => format!("第{n}版"),
            _ => "未发布（实时计算）".into(),
        };
        doc = doc.add_paragraph(p(&version));
        let t = &v.totals;
        doc = doc.add_paragraph(p(&format!(
            "本月全市共收到政府信息公开申请{}件，答复{}件，其中按时答复{}件；月末逾期未答复{}件，结转下月{}件。休眠、僵尸政务新媒体{}个，逾期未整改问题{}个，超期未答复留言{}条。",
            t.applications_received, t.applications_answered, t.applications_answered_on_time, t.applications_overdue, t.applications_carried,
            t.silent_accounts, t.open_rectifications, t.unanswered_messages
        )));
        let head = ["名次", "单位", "得分", "收到申请", "答复", "按时", "逾期", "休眠账号", "未整改", "超期留言"];
        let mut rows = vec![TableRow::new(head.iter().map(|h| cell(h)).collect())];
        for l in &v.lines {
            let f = &l.figures;
            let rank = l.rank.map(|r| r.to_string()).unwrap_or_else(|| "—".into());
            let sc = if l.small_sample { format!("{}*", score(l.score)) } else { score(l.score) };
            rows.push(TableRow::new(
                [
                    rank,
                    l.unit_name.clone(),
                    sc,
                    f.applications_received.to_string(),
                    f.applications_answered.to_string(),
                    f.applications_answered_on_time.to_string(),
                    f.applications_overdue.to_string(),
                    f.silent_accounts.to_string(),
                    f.open_rectifications.to_string(),
                    f.unanswered_messages.to_string(),
                ]
                .iter()
                .map(|s| cell(s))
                .collect(),
            ));
        }
        doc = doc.add_table(Table::new(rows));
        doc = doc.add_paragraph(p(&format!(
            "注：带*的得分中，有比率类指标因样本少于{}件未计入。各指标定义及权重如下：",
            v.min_count
        )));
        for i in &v.indicators {
            doc = doc.add_paragraph(p(&format!("{}（权重{}）：{}", i.label, i.weight, i.definition)));
        }
        let mut buf = Cursor::new(Vec::new());
        doc.build().pack(&mut buf).map_err(|e| AppError::Internal(anyhow::anyhow!("writing .docx failed: {e}")))?;
        Ok(buf.into_inner())
    }

    pub fn assessment_xlsx(gov: &str, year: i32, lines: &[AssessmentLine]) -> Result<Vec<u8>> {
        let xerr = |e: rust_xlsxwriter::XlsxError| AppError::Internal(anyhow::anyhow!("writing .xlsx failed: {e}"));
        let mut wb = Workbook::new();
        let head =
            Format::new().set_bold().set_align(FormatAlign::Center).set_border(FormatBorder::Thin).set_text_wrap();
        let body = Format::new().set_border(FormatBorder::Thin);
        let ws = wb.add_worksheet().set_name("年度考核").map_err(xerr)?;
        ws.merge_range(0, 0, 0, 9, &format!("{gov}{year}年度政务公开工作考核"), &head).map_err(xerr)?;
        let cols = [
            "名次",
            "单位",
            "月度得分",
            "计分月数",
            "抽查得分",
            "发现问题",
            "逾期整改",
            "新媒体得分",
            "年度得分",
            "目标考评分值",
        ];
        for (i, c) in cols.iter().enumerate() {
            ws.write_string_with_format(1, i as u16, *c, &head).map_err(xerr)?;
        }
        for (r, l) in lines.iter().enumerate() {
            let row = 2 + r as u32;
            ws.write_number_with_format(row, 0, f64::from(l.rank), &body).map_err(xerr)?;
            ws.write_string_with_format(row, 1, &l.unit_name, &body).map_err(xerr)?;
            match l.monthly {
                Some(m) => ws.write_number_with_format(row, 2, m, &body).map_err(xerr)?,
                None => ws.write_string_with_format(row, 2, "—", &body).map_err(xerr)?,
            };
            ws.write_number_with_format(row, 3, l.months_scored as f64, &body).map_err(xerr)?;
            ws.write_number_with_format(row, 4, l.spot_check, &body).map_err(xerr)?;
            ws.write_number_with_format(row, 5, f64::from(l.findings), &body).map_err(xerr)?;
            ws.write_number_with_format(row, 6, f64::from(l.findings_late), &body).map_err(xerr)?;
            match l.new_media {
                Some(m) => ws.write_number_with_format(row, 7, m, &body).map_err(xerr)?,
                None => ws.write_string_with_format(row, 7, "—", &body).map_err(xerr)?,
            };
            ws.write_number_with_format(row, 8, l.score, &body).map_err(xerr)?;
            ws.write_number_with_format(row, 9, l.target_points, &body).map_err(xerr)?;
        }
        ws.set_column_width(1, 30).map_err(xerr)?;
        wb.save_to_buffer().map_err(xerr)
    }
}
