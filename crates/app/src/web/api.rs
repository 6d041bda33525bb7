//! The JSON API under /api/v1, with consistent errors (`{"error": {"code", "message", "fields"}}`).
//! Public: submitting and tracking applications. Staff: with a session (and its X-CSRF-Token
//! header) or an API token (`Authorization: Bearer …`).

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use serde::Deserialize;

use super::WebState;
use super::context::Ctx;
use super::routes::{Access, Route};
use crate::error::{ApiError, AppError};
use crate::flows::application::{self as flow, ApplicationForm};

type ApiResult<T> = Result<T, ApiError>;

pub fn routes() -> Vec<Route> {
    vec![
        Route::new("POST", "/api/v1/applications", Access::Public, post(submit_application)),
        Route::new("GET", "/api/v1/applications/{code}", Access::Public, get(track_application)),
        Route::new("GET", "/api/v1/me", Access::Staff, get(me)),
        Route::new("GET", "/api/v1/units", Access::Public, get(units)),
        Route::new("GET", "/api/v1/search", Access::Public, get(super::search::api_search)),
        Route::new("GET", "/api/v1/staff/applications", Access::Staff, get(queue)),
        Route::new("GET", "/api/v1/calendar/due", Access::Public, get(due)),
        Route::new("GET", "/api/v1/feed", Access::Office, get(feed)),
    ]
}

/// `POST /api/v1/applications`: the form's fields as JSON → 201 with tracking code and secret.
async fn submit_application(
    State(state): State<WebState>,
    ctx: Ctx,
    body: Result<Json<ApplicationForm>, axum::extract::rejection::JsonRejection>,
) -> ApiResult<impl IntoResponse> {
    state.limiter.limit("public-submit", ctx.ip, state.config.public_submissions_per_minute)?;
    let Json(form) = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge
        } else {
            AppError::BadRequest(format!("请求体不是有效的 JSON：{}", e.body_text()))
        }
    })?;
    let s = flow::submit(&state, &ctx.actor(), &form, vec![], false).await?;
    let status = if s.repeated { StatusCode::OK } else { StatusCode::CREATED };
    Ok((
        status,
        Json(serde_json::json!({
            "tracking_code": s.tracking_code,
            "secret": s.secret,
            "received_on": s.received_on,
            "due_on": s.due_on,
            "due_on_provisional": s.due_on_provisional,
            "due_note": s.due_note,
            "repeated": s.repeated,
        })),
    ))
}

#[derive(Deserialize)]
struct SecretQuery {
    secret: String,
}

/// `GET /api/v1/applications/{tracking_code}?secret=…`: status and dates, never personal data.
async fn track_application(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(q): Query<SecretQuery>,
) -> ApiResult<Json<flow::PublicStatus>> {
    state.limiter.limit("public-track", ctx.ip, 60)?;
    Ok(Json(flow::public_status(&state, &code, &q.secret).await?))
}

async fn me(ctx: Ctx) -> ApiResult<Json<serde_json::Value>> {
    let u = ctx.user.as_ref().ok_or(AppError::Unauthorized)?;
    Ok(Json(
        serde_json::json!({"username": u.username, "display_name": u.display_name, "role": u.role.code(), "unit_id": u.unit_id, "csrf": ctx.csrf.token()}),
    ))
}

async fn units(State(state): State<WebState>) -> ApiResult<Json<Vec<crate::flows::org::UnitRow>>> {
    Ok(Json(crate::flows::org::units(&state.db).await?))
}

async fn queue(State(state): State<WebState>, ctx: Ctx) -> ApiResult<Json<Vec<flow::QueueLine>>> {
    let u = ctx.user.as_ref().ok_or(AppError::Unauthorized)?;
    let scope = if ctx.actor().is_office() {
        crate::flows::application::QueueScope::All
    } else {
        crate::flows::application::QueueScope::Unit(u.unit_id.ok_or(AppError::Forbidden)?)
    };
    Ok(Json(flow::queue(&state, scope, 10_000).await?))
}

#[derive(Deserialize)]
struct DueQuery {
    date: String,
    days: u32,
}

/// A due date (`GET /api/v1/calendar/due`).
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Due {
    pub date: String,
    pub days: u32,
    pub due_on: String,
    /// Counted on holidays not yet announced (暂定).
    pub due_on_provisional: bool,
    pub due_note: Option<String>,
}

async fn due(State(state): State<WebState>, Query(q): Query<DueQuery>) -> ApiResult<Json<Due>> {
    let d = chrono::NaiveDate::parse_from_str(&q.date, "%Y-%m-%d")
        .map_err(|_| AppError::BadRequest("date 应为 YYYY-MM-DD".into()))?;
    // Every statutory period is a few dozen working days; a bound keeps the count from being a
    // CPU-sized request.
    if q.days > 366 {
        return Err(AppError::BadRequest("days 应在0至366之间".into()).into());
    }
    let due = state.calendar().add_working_days(d, q.days).map_err(|e| AppError::BadRequest(e.to_string()))?;
    let provisional = state.calendar().is_provisional(due);
    Ok(Json(Due {
        date: q.date,
        days: q.days,
        due_on: due.to_string(),
        due_on_provisional: provisional,
        due_note: provisional.then(|| gongkai_domain::calendar::PROVISIONAL_NOTE.to_string()),
    }))
}

#[derive(Deserialize)]
struct FeedQuery {
    #[serde(default)]
    after: i64,
    kind: Option<String>,
    /// Rows wanted: bounded by `domain::paging::limit` like every other list (default 1000, at most a million: the database stops at the limit, nothing is reserved for it).
    limit: Option<String>,
}

/// `GET /api/v1/feed?after=SEQ`: the change feed, for the office's automation (and the tests that
/// check it agrees with the data). Entries carry ids, never content.
async fn feed(
    State(state): State<WebState>,
    ctx: Ctx,
    Query(q): Query<FeedQuery>,
) -> ApiResult<Json<Vec<crate::flows::org::FeedRow>>> {
    let u = ctx.user.as_ref().ok_or(AppError::Unauthorized)?;
    if u.role != gongkai_domain::org::Role::Admin {
        return Err(AppError::Forbidden.into());
    }
    let limit = gongkai_domain::paging::limit(q.limit.as_deref(), 1000, 1_000_000).map_err(AppError::from)?;
    let rows = crate::flows::org::feed_since(&state.db, q.after, i64::from(limit)).await?;
    Ok(Json(rows.into_iter().filter(|r| q.kind.as_deref().is_none_or(|k| r.kind == k)).collect()))
}
