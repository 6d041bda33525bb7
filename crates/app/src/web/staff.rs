//! The back office: login, the dashboard, units, users, the audit trail, site settings and the
//! working-day calendar. Every handler checks who may do what before it does anything.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use gongkai_domain::org::{Role, UNIT_KINDS};

use serde::Deserialize;

use super::WebState;
use super::context::{Ctx, SESSION_COOKIE, clear_session_cookie, cookie, session_cookie};
use super::routes::{Access, Route};
use super::templates::render;
use crate::error::{AppError, Result};
use crate::flows;

pub fn routes() -> Vec<Route> {
    vec![
        Route::new("GET", "/staff/login", Access::Public, get(login_page)),
        Route::new("POST", "/staff/login", Access::Public, post(login)),
        Route::new("POST", "/staff/logout", Access::Public, post(logout)),
        Route::new("GET", "/staff", Access::Staff, get(dashboard)),
        Route::new("GET", "/staff/units", Access::Office, get(list_units)),
        Route::new("POST", "/staff/units", Access::Office, post(create_unit)),
        Route::new("GET", "/staff/units/new", Access::Office, get(new_unit)),
        Route::new("GET", "/staff/units/{id}", Access::Office, get(edit_unit)),
        Route::new("POST", "/staff/units/{id}", Access::Office, post(update_unit)),
        Route::new("GET", "/staff/users", Access::Office, get(list_users)),
        Route::new("POST", "/staff/users", Access::Office, post(create_user)),
        Route::new("POST", "/staff/users/{id}/active", Access::Office, post(set_user_active)),
        Route::new("GET", "/staff/audit", Access::Office, get(audit)),
        Route::new("GET", "/staff/audit.csv", Access::Office, get(audit_csv)),
        Route::new("GET", "/staff/settings", Access::Office, get(settings_page)),
        Route::new("POST", "/staff/settings", Access::Office, post(save_settings)),
        Route::new("GET", "/staff/calendar", Access::Staff, get(calendar_page)),
        Route::new("POST", "/staff/calendar", Access::Office, post(import_calendar)),
        Route::new("POST", "/staff/calendar/notice", Access::Office, post(read_notice)),
    ]
}

#[derive(Deserialize)]
struct LoginForm {
    username: String,
    password: String,
}

async fn login_page(State(state): State<WebState>, ctx: Ctx) -> Result<Html<String>> {
    render(&state, &ctx, "staff/login.html", crate::page! {}).await
}

async fn login(State(state): State<WebState>, ctx: Ctx, Form(form): Form<LoginForm>) -> Result<Response> {
    match flows::auth::login(&state.db, form.username.trim(), &form.password, &ctx.ip.to_string()).await {
        Ok(session) => Ok((
            StatusCode::SEE_OTHER,
            [
                (header::LOCATION, "/staff".to_string()),
                (header::SET_COOKIE, session_cookie(&session.token, state.config.secure_cookies)),
            ],
        )
            .into_response()),
        Err(AppError::BadRequest(msg)) => {
            let page =
                render(&state, &ctx, "staff/login.html", crate::page! { error => msg, username => form.username })
                    .await?;
            Ok((StatusCode::UNAUTHORIZED, page).into_response())
        }
        Err(e) => Err(e),
    }
}

async fn logout(State(state): State<WebState>, ctx: Ctx, headers: axum::http::HeaderMap) -> Result<Response> {
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        let actor = ctx.user.is_some().then(|| ctx.actor());
        flows::auth::logout(&state.db, actor.as_ref(), &token).await?;
    }
    Ok((StatusCode::SEE_OTHER, [(header::LOCATION, "/".to_string()), (header::SET_COOKIE, clear_session_cookie())])
        .into_response())
}

async fn dashboard(State(state): State<WebState>, ctx: Ctx) -> Result<Html<String>> {
    let user = ctx.require_staff()?;
    let today = crate::state::today();
    let scope = if user.role == Role::Admin { None } else { user.unit_id };
    let summary = flows::application::dashboard(&state, scope, today).await?;
    let livelihood = flows::livelihood::dashboard(&state, scope).await?;
    let supervision = flows::supervision::card(&state, scope, today).await?;
    let columns = flows::supervision::column_reports(&state, scope, today).await?;
    let veto_units = columns.iter().filter(|c| !c.flags.is_empty()).count();
    let own_columns = if scope.is_some() { columns.into_iter().next() } else { None };
    let basic_gaps = flows::basic_catalog::gaps(&state, scope, today).await?;
    let (evaluations, accountability) =
        flows::supervision::oversight_of_year(&state.db, scope, chrono::Datelike::year(&today)).await?;
    let oversight = crate::page! { evaluations => evaluations.len(), accountability => accountability.len() };
    render(
        &state,
        &ctx,
        "staff/dashboard.html",
        crate::page! { summary => summary, livelihood => livelihood, supervision => supervision, today => today.to_string(), veto_units => veto_units, own_columns => own_columns, basic_gaps => basic_gaps, oversight => oversight },
    )
    .await
}

async fn list_units(State(state): State<WebState>, ctx: Ctx) -> Result<Html<String>> {
    ctx.require_office()?;
    let units = flows::org::units(&state.db).await?;
    render(&state, &ctx, "staff/units.html", crate::page! { units => units, kinds => kinds() }).await
}

fn kinds() -> Vec<minijinja::Value> {
    UNIT_KINDS.iter().map(|(c, l)| crate::page! { code => c, label => l }).collect()
}

async fn new_unit(State(state): State<WebState>, ctx: Ctx) -> Result<Html<String>> {
    ctx.require_office()?;
    let units = flows::org::units(&state.db).await?;
    render(
        &state,
        &ctx,
        "staff/unit_form.html",
        crate::page! { form => flows::org::UnitForm::default(), units => units, kinds => kinds() },
    )
    .await
}

async fn create_unit(
    State(state): State<WebState>,
    ctx: Ctx,
    Form(form): Form<flows::org::UnitForm>,
) -> Result<Response> {
    ctx.require_office()?;
    match flows::org::create_unit(&state.db, &ctx.actor(), &form).await {
        Ok(_) => Ok(Redirect::to("/staff/units").into_response()),
        Err(AppError::Invalid(errors)) => {
            let units = flows::org::units(&state.db).await?;
            let page = render(
                &state,
                &ctx,
                "staff/unit_form.html",
                crate::page! { form => form, errors => errors, units => units, kinds => kinds() },
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e),
    }
}

async fn edit_unit(State(state): State<WebState>, ctx: Ctx, Path(id): Path<i64>) -> Result<Html<String>> {
    ctx.require_office()?;
    let u = flows::org::unit(&state.db, id).await?.ok_or(AppError::NotFound)?;
    let form = flows::org::UnitForm {
        name: u.name,
        kind: u.kind,
        credit_code: u.credit_code,
        parent_id: u.parent_id.map(|p| p.to_string()).unwrap_or_default(),
        sort_order: u.sort_order.to_string(),
        address: u.address,
        postcode: u.postcode,
        phone: u.phone,
        email: u.email,
        office_hours: u.office_hours,
    };
    let units = flows::org::units(&state.db).await?;
    render(
        &state,
        &ctx,
        "staff/unit_form.html",
        crate::page! { form => form, unit_id => id, units => units, kinds => kinds() },
    )
    .await
}

async fn update_unit(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<flows::org::UnitForm>,
) -> Result<Response> {
    ctx.require_office()?;
    match flows::org::update_unit(&state.db, &ctx.actor(), id, &form).await {
        Ok(()) => Ok(Redirect::to("/staff/units").into_response()),
        Err(AppError::Invalid(errors)) => {
            let units = flows::org::units(&state.db).await?;
            let page = render(
                &state,
                &ctx,
                "staff/unit_form.html",
                crate::page! { form => form, unit_id => id, errors => errors, units => units, kinds => kinds() },
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct ActiveForm {
    active: String,
}

async fn set_user_active(
    State(state): State<WebState>,
    ctx: Ctx,
    axum::extract::Path(id): axum::extract::Path<i64>,
    Form(f): Form<ActiveForm>,
) -> Result<Response> {
    ctx.require_office()?;
    flows::auth::set_active(&state.db, &ctx.actor(), id, f.active == "1").await?;
    Ok(Redirect::to("/staff/users").into_response())
}

async fn list_users(State(state): State<WebState>, ctx: Ctx) -> Result<Html<String>> {
    ctx.require_office()?;
    let users = flows::auth::users(&state.db).await?;
    let units = flows::org::units(&state.db).await?;
    render(&state, &ctx, "staff/users.html", crate::page! { users => users, units => units }).await
}

#[derive(Deserialize)]
struct UserForm {
    username: String,
    display_name: String,
    password: String,
    role: String,
    #[serde(default)]
    unit_id: String,
}

async fn create_user(State(state): State<WebState>, ctx: Ctx, Form(form): Form<UserForm>) -> Result<Response> {
    ctx.require_office()?;
    let role = Role::parse(&form.role).ok_or_else(|| AppError::BadRequest("请选择角色".into()))?;
    let unit_id = form.unit_id.trim().parse::<i64>().ok();
    match flows::auth::add_user(
        &state.db,
        &ctx.actor(),
        &form.username,
        &form.display_name,
        &form.password,
        role,
        unit_id,
    )
    .await
    {
        Ok(_) => Ok(Redirect::to("/staff/users").into_response()),
        Err(AppError::Invalid(errors)) => {
            let users = flows::auth::users(&state.db).await?;
            let units = flows::org::units(&state.db).await?;
            let page = render(
                &state,
                &ctx,
                "staff/users.html",
                crate::page! { users => users, units => units, errors => errors },
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e),
    }
}

async fn audit(
    State(state): State<WebState>,
    ctx: Ctx,
    Query(filter): Query<flows::org::AuditFilter>,
) -> Result<Html<String>> {
    ctx.require_office()?;
    let rows = flows::org::audit_trail(&state.db, &filter).await?;
    render(
        &state,
        &ctx,
        "staff/audit.html",
        crate::page! { rows => rows, filter => serde_json::to_value(AuditFilterView::from(&filter)).ok() },
    )
    .await
}

#[derive(serde::Serialize)]
struct AuditFilterView {
    username: String,
    unit_id: String,
    object_type: String,
    object_id: String,
    from: String,
    to: String,
}

impl From<&flows::org::AuditFilter> for AuditFilterView {
    fn from(f: &flows::org::AuditFilter) -> Self {
        AuditFilterView {
            username: f.username.clone().unwrap_or_default(),
            unit_id: f.unit_id.map(|u| u.to_string()).unwrap_or_default(),
            object_type: f.object_type.clone().unwrap_or_default(),
            object_id: f.object_id.clone().unwrap_or_default(),
            from: f.from.clone().unwrap_or_default(),
            to: f.to.clone().unwrap_or_default(),
        }
    }
}

/// The audit trail as CSV (UTF-8 with BOM so that Excel reads the Chinese).
async fn audit_csv(
    State(state): State<WebState>,
    ctx: Ctx,
    Query(mut filter): Query<flows::org::AuditFilter>,
) -> Result<Response> {
    ctx.require_office()?;
    filter.limit = Some(filter.limit.unwrap_or(100_000));
    let rows = flows::org::audit_trail(&state.db, &filter).await?;
    let mut out =
        String::from("\u{feff}audit_id,created_at,username,unit_id,ip,action,object_type,object_id,before,after\n");
    for r in rows {
        let cells = [
            r.audit_id.to_string(),
            r.created_at,
            r.username,
            r.unit_id.map(|u| u.to_string()).unwrap_or_default(),
            r.ip,
            r.action,
            r.object_type,
            r.object_id,
            r.before_json.unwrap_or_default(),
            r.after_json.unwrap_or_default(),
        ];
        let line: Vec<String> = cells.iter().map(|c| format!("\"{}\"", c.replace('"', "\"\""))).collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"audit.csv\""),
        ],
        out,
    )
        .into_response())
}

async fn settings_page(State(state): State<WebState>, ctx: Ctx) -> Result<Html<String>> {
    ctx.require_office()?;
    let keys: Vec<_> = flows::org::SETTING_KEYS
        .iter()
        .map(|(k, l)| crate::page! { key => k, label => l, value => state.setting(k) })
        .collect();
    render(&state, &ctx, "staff/settings.html", crate::page! { keys => keys }).await
}

async fn save_settings(
    State(state): State<WebState>,
    ctx: Ctx,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response> {
    ctx.require_office()?;
    let values: Vec<(String, String)> = form.into_iter().filter(|(k, _)| k != "_csrf").collect();
    flows::org::save_settings(&state.db, &ctx.actor(), &values).await?;
    state.reload_settings().await?;
    Ok(Redirect::to("/staff/settings").into_response())
}

#[derive(Deserialize)]
struct CalendarQuery {
    year: Option<i32>,
}

async fn calendar_page(
    State(state): State<WebState>,
    ctx: Ctx,
    Query(q): Query<CalendarQuery>,
) -> Result<Html<String>> {
    ctx.require_staff()?;
    let cal = state.calendar();
    let year = q.year.unwrap_or_else(|| chrono::Datelike::year(&crate::state::today()));
    let provisional = !cal.covers(year);
    let days = if provisional { cal.provisional_days(year) } else { cal.special_days(year) };
    let days: Vec<_> = days
        .into_iter()
        .map(|d| crate::page! { date => d.date.to_string(), kind => format!("{:?}", d.kind), name => d.name })
        .collect();
    render(
        &state,
        &ctx,
        "staff/calendar.html",
        crate::page! { year => year, days => days, first => cal.first_year(), last => cal.last_year(), provisional => provisional, provisional_note => gongkai_domain::calendar::PROVISIONAL_NOTE },
    )
    .await
}

#[derive(Deserialize)]
struct NoticeForm {
    text: String,
}

/// The notice's own text, pasted: the days read are shown for confirmation; nothing is saved yet.
async fn read_notice(State(state): State<WebState>, ctx: Ctx, Form(form): Form<NoticeForm>) -> Result<Html<String>> {
    ctx.require_office()?;
    let cal = state.calendar();
    let (preview, error) = match gongkai_domain::calendar::notice::parse_notice(&form.text) {
        Ok(n) => {
            let rows: Vec<_> = n
                .days
                .iter()
                .map(|d| crate::page! { date => d.date.to_string(), kind => d.kind.label(), name => d.name.clone() })
                .collect();
            (
                Some(crate::page! { year => n.year, rows => rows, csv => n.to_csv(), replaces => cal.covers(n.year) }),
                None,
            )
        }
        Err(e) => (None, Some(e.to_string())),
    };
    let year = chrono::Datelike::year(&crate::state::today());
    render(
        &state,
        &ctx,
        "staff/calendar.html",
        crate::page! { year => year, days => Vec::<minijinja::Value>::new(), first => cal.first_year(), last => cal.last_year(), preview => preview, notice_error => error, notice_text => form.text },
    )
    .await
}

#[derive(Deserialize)]
struct CalendarForm {
    csv: String,
}

async fn import_calendar(State(state): State<WebState>, ctx: Ctx, Form(form): Form<CalendarForm>) -> Result<Response> {
    ctx.require_office()?;
    let report = flows::application::import_calendar(&state, &ctx.actor(), &form.csv).await?;
    let cal = state.calendar();
    let year = cal.last_year();
    let days: Vec<_> = cal
        .special_days(year)
        .into_iter()
        .map(|d| crate::page! { date => d.date.to_string(), kind => format!("{:?}", d.kind), name => d.name })
        .collect();
    let page = render(&state, &ctx, "staff/calendar.html", crate::page! { year => year, days => days, first => cal.first_year(), last => cal.last_year(), report => report }).await?;
    Ok(page.into_response())
}
