//! 政民互动 and 政策解读 pages: the public's 咨询/建议/投诉 (ask, track, rate, reopen), the list of
//! answered questions with search, 常见问题, 回应关切, interpretations; the staff queue of messages,
//! FAQ curation, the 回应关切 log, interpretation records and the 三同步 check.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use gongkai_domain::org::ObjectKind;
use serde::Deserialize;

use super::WebState;
use super::context::Ctx;
use super::routes::{Access, Route};
use super::templates::render;
use crate::error::{AppError, FieldError, Result};
use crate::flows::interaction::{self as flow, ConcernForm, InterpretationInput, MessageForm};
use crate::state::today;

pub fn routes() -> Vec<Route> {
    vec![
        Route::new("GET", "/interaction", Access::Public, get(public_list)),
        Route::new("GET", "/interaction/ask", Access::Public, get(ask_form)),
        Route::new("POST", "/interaction/ask", Access::Public, post(ask)),
        Route::new("GET", "/interaction/track", Access::Public, get(track)),
        Route::new("POST", "/interaction/track", Access::Public, post(writer_action)),
        Route::new("GET", "/interaction/{id}", Access::Public, get(public_message)),
        Route::new("GET", "/interpretations", Access::Public, get(public_interpretations)),
        Route::new("GET", "/interpretations/{id}", Access::Public, get(public_interpretation)),
        Route::new("GET", "/concerns", Access::Public, get(public_concerns)),
        Route::new("GET", "/staff/messages", Access::Staff, get(queue)),
        Route::new("GET", "/staff/messages/{id}", Access::Object(ObjectKind::Message), get(detail)),
        Route::new("POST", "/staff/messages/{id}", Access::Object(ObjectKind::Message), post(step)),
        Route::new("GET", "/staff/faq", Access::Office, get(faq_page)),
        Route::new("POST", "/staff/faq", Access::Office, post(add_faq)),
        Route::new("POST", "/staff/faq/{id}/delete", Access::Office, post(delete_faq)),
        Route::new("GET", "/staff/concerns", Access::Staff, get(concerns)),
        Route::new("POST", "/staff/concerns", Access::Staff, post(add_concern)),
        Route::new("GET", "/staff/interpretations", Access::Staff, get(interpretations)),
        Route::new("POST", "/staff/interpretations", Access::Staff, post(create_interpretation)),
        Route::new("GET", "/staff/interpretations/sync-check", Access::Staff, get(sync_page)),
        Route::new("POST", "/staff/interpretations/sync-check", Access::Staff, post(sync_check)),
        Route::new(
            "POST",
            "/staff/interpretations/{id}",
            Access::Object(ObjectKind::Interpretation),
            post(set_interpretation),
        ),
    ]
}

// ------------------------------------------------------------ public

#[derive(Deserialize)]
struct SearchQuery {
    q: Option<String>,
}

async fn public_list(State(state): State<WebState>, ctx: Ctx, Query(s): Query<SearchQuery>) -> Result<Html<String>> {
    let q = s.q.unwrap_or_default();
    let list = flow::public_list(&state, &q, today()).await?;
    let faqs = flow::faqs(&state.db).await?;
    render(
        &state,
        &ctx,
        "interaction/list.html",
        crate::page! { nav => "interaction", list => list, faqs => faqs, mq => q },
    )
    .await
}

async fn ask_page(state: &WebState, ctx: &Ctx, form: MessageForm, errors: Vec<FieldError>) -> Result<Html<String>> {
    let units = crate::flows::org::units(&state.db).await?;
    let d = flow::deadlines(state);
    let days = crate::page! {
        consultation => d.working_days(gongkai_domain::interaction::MessageKind::Consultation),
        suggestion => d.working_days(gongkai_domain::interaction::MessageKind::Suggestion),
        complaint => d.working_days(gongkai_domain::interaction::MessageKind::Complaint),
    };
    render(state, ctx, "interaction/ask.html", crate::page! { nav => "interaction", form => form, errors => errors, units => units, kinds => flow::kind_choices(), days => days }).await
}

async fn ask_form(State(state): State<WebState>, ctx: Ctx) -> Result<Html<String>> {
    let form = MessageForm {
        kind: "consultation".into(),
        idempotency_key: crate::flows::auth::random_token()[..32].to_string(),
        ..Default::default()
    };
    ask_page(&state, &ctx, form, vec![]).await
}

async fn ask(State(state): State<WebState>, ctx: Ctx, Form(form): Form<MessageForm>) -> Result<Response> {
    state.limiter.limit("public-message", ctx.ip, state.config.public_submissions_per_minute)?;
    match flow::submit(&state, &ctx.actor(), &form, today()).await {
        Ok(s) => {
            let page =
                render(&state, &ctx, "interaction/submitted.html", crate::page! { nav => "interaction", s => s })
                    .await?;
            Ok((if s.repeated { StatusCode::OK } else { StatusCode::CREATED }, page).into_response())
        }
        Err(AppError::Invalid(errors)) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, ask_page(&state, &ctx, form, errors).await?).into_response())
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct TrackQuery {
    code: Option<String>,
    secret: Option<String>,
}

async fn track(State(state): State<WebState>, ctx: Ctx, Query(q): Query<TrackQuery>) -> Result<Response> {
    let (Some(code), Some(secret)) = (q.code.filter(|c| !c.trim().is_empty()), q.secret) else {
        return Ok(render(&state, &ctx, "interaction/track.html", crate::page! { nav => "interaction" })
            .await?
            .into_response());
    };
    state.limiter.limit("public-track", ctx.ip, 60)?;
    match flow::track(&state, &code, &secret, today()).await {
        Ok(m) => Ok(render(
            &state,
            &ctx,
            "interaction/track.html",
            crate::page! { nav => "interaction", m => m, code => code, secret => secret },
        )
        .await?
        .into_response()),
        Err(AppError::NotFound) => {
            let page = render(
                &state,
                &ctx,
                "interaction/track.html",
                crate::page! { nav => "interaction", code => code, error => "查询码或查询密码不正确" },
            )
            .await?;
            Ok((StatusCode::NOT_FOUND, page).into_response())
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct WriterForm {
    code: String,
    secret: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    rating: String,
}

async fn writer_action(State(state): State<WebState>, ctx: Ctx, Form(f): Form<WriterForm>) -> Result<Response> {
    // The tracking form posts (no secret in an address); with an action, the writer rates or
    // reopens, then sees the page again.
    if !f.action.is_empty() {
        state.limiter.limit("public-track", ctx.ip, 60)?;
        flow::writer_action(&state, &ctx.actor(), &f.code, &f.secret, &f.action, &f.rating, today()).await?;
    }
    track(State(state), ctx, Query(TrackQuery { code: Some(f.code), secret: Some(f.secret) })).await
}

async fn public_message(State(state): State<WebState>, ctx: Ctx, Path(id): Path<i64>) -> Result<Html<String>> {
    let row = flow::published_message(&state.db, id).await?;
    let m = flow::message_view(row, today());
    render(&state, &ctx, "interaction/message.html", crate::page! { nav => "interaction", m => m }).await
}

async fn public_interpretations(State(state): State<WebState>, ctx: Ctx) -> Result<Html<String>> {
    let list: Vec<_> = flow::interpretations(&state.db, None, today())
        .await?
        .into_iter()
        .filter(|i| i.row.status == gongkai_domain::interaction::InterpretationStatus::Published)
        .collect();
    render(&state, &ctx, "interaction/interpretations.html", crate::page! { nav => "interaction", list => list }).await
}

async fn public_interpretation(State(state): State<WebState>, ctx: Ctx, Path(id): Path<i64>) -> Result<Html<String>> {
    let all = flow::interpretations(&state.db, None, today()).await?;
    let i = all
        .iter()
        .find(|i| {
            i.row.interpretation_id == id
                && i.row.status == gongkai_domain::interaction::InterpretationStatus::Published
        })
        .cloned()
        .ok_or(AppError::NotFound)?;
    let siblings: Vec<_> = all
        .into_iter()
        .filter(|x| {
            x.row.policy_ref == i.row.policy_ref
                && x.row.interpretation_id != id
                && x.row.status == gongkai_domain::interaction::InterpretationStatus::Published
        })
        .collect();
    render(
        &state,
        &ctx,
        "interaction/interpretation.html",
        crate::page! { nav => "interaction", i => i, siblings => siblings },
    )
    .await
}

async fn public_concerns(State(state): State<WebState>, ctx: Ctx) -> Result<Html<String>> {
    let rows = flow::concerns(&state.db).await?;
    let list: Vec<_> =
        rows.into_iter().map(|r| crate::page! { kind_label => flow::concern_label(&r.kind), r => r }).collect();
    render(&state, &ctx, "interaction/concerns.html", crate::page! { nav => "interaction", list => list }).await
}

// ------------------------------------------------------------ staff

async fn queue(State(state): State<WebState>, ctx: Ctx) -> Result<Html<String>> {
    ctx.require_staff()?;
    let list = flow::queue(&state, &ctx.actor(), today()).await?;
    let overdue = list.iter().filter(|m| m.overdue).count();
    let veto = list.iter().filter(|m| m.over_three_months).count();
    render(&state, &ctx, "interaction/queue.html", crate::page! { list => list, overdue => overdue, veto => veto })
        .await
}

async fn detail_page(state: &WebState, ctx: &Ctx, id: i64, error: Option<String>) -> Result<Html<String>> {
    let row = flow::load_for_staff(&state.db, &ctx.actor(), id).await?;
    let m = flow::message_view(row, today());
    let units = crate::flows::org::units(&state.db).await?;
    let reasons: Vec<_> =
        flow::PRIVATE_REASONS.iter().map(|(c, _, l)| crate::page! { code => c, label => l }).collect();
    let may_review = ctx.actor().is_office() || m.row.unit_id.is_some_and(|u| ctx.actor().may_approve_for(u));
    render(
        state,
        ctx,
        "interaction/detail.html",
        crate::page! { m => m, units => units, reasons => reasons, error => error, may_review => may_review },
    )
    .await
}

async fn detail(State(state): State<WebState>, ctx: Ctx, Path(id): Path<i64>) -> Result<Html<String>> {
    ctx.door(&state, ObjectKind::Message, id).await?;
    detail_page(&state, &ctx, id, None).await
}

#[derive(Deserialize)]
struct StepForm {
    action: String,
    #[serde(default)]
    unit_id: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    reason: String,
}

async fn step(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<StepForm>,
) -> Result<Response> {
    ctx.door(&state, ObjectKind::Message, id).await?;
    match flow::step(
        &state,
        &ctx.actor(),
        id,
        flow::MessageStep {
            action: &f.action,
            to_unit: f.unit_id.trim().parse().ok(),
            text: &f.text,
            reason: &f.reason,
        },
        today(),
    )
    .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/staff/messages/{id}")).into_response()),
        Err(AppError::BadRequest(msg)) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, detail_page(&state, &ctx, id, Some(msg)).await?).into_response())
        }
        Err(AppError::Invalid(errs)) => {
            let msg = errs.into_iter().map(|e| e.message).collect::<Vec<_>>().join("；");
            Ok((StatusCode::UNPROCESSABLE_ENTITY, detail_page(&state, &ctx, id, Some(msg)).await?).into_response())
        }
        Err(e) => Err(e),
    }
}

async fn faq_page(State(state): State<WebState>, ctx: Ctx) -> Result<Html<String>> {
    ctx.require_office()?;
    let faqs = flow::faqs(&state.db).await?;
    let published = flow::public_list(&state, "", today()).await?;
    render(&state, &ctx, "interaction/faq.html", crate::page! { faqs => faqs, published => published }).await
}

#[derive(Deserialize)]
struct FaqForm {
    #[serde(default)]
    question: String,
    #[serde(default)]
    answer: String,
    #[serde(default)]
    message_id: String,
}

async fn add_faq(State(state): State<WebState>, ctx: Ctx, Form(f): Form<FaqForm>) -> Result<Response> {
    ctx.require_office()?;
    let message_id: Option<i64> = f.message_id.trim().parse().ok();
    let (q, a) = match message_id {
        Some(id) if f.question.trim().is_empty() => {
            let m = flow::published_message(&state.db, id).await?;
            (m.public_subject, m.answer)
        }
        _ => (f.question, f.answer),
    };
    flow::add_faq(&state.db, &ctx.actor(), &q, &a, message_id).await?;
    Ok(Redirect::to("/staff/faq").into_response())
}

async fn delete_faq(State(state): State<WebState>, ctx: Ctx, Path(id): Path<i64>) -> Result<Response> {
    ctx.require_office()?;
    flow::delete_faq(&state.db, &ctx.actor(), id).await?;
    Ok(Redirect::to("/staff/faq").into_response())
}

async fn concerns_page(
    state: &WebState,
    ctx: &Ctx,
    form: ConcernForm,
    errors: Vec<FieldError>,
) -> Result<Html<String>> {
    let rows = flow::concerns(&state.db).await?;
    let list: Vec<_> =
        rows.into_iter().map(|r| crate::page! { kind_label => flow::concern_label(&r.kind), r => r }).collect();
    let kinds: Vec<_> = flow::CONCERN_KINDS.iter().map(|(c, l)| crate::page! { code => c, label => l }).collect();
    let units = crate::flows::org::units(&state.db).await?;
    render(
        state,
        ctx,
        "interaction/staff_concerns.html",
        crate::page! { list => list, kinds => kinds, units => units, form => form, errors => errors },
    )
    .await
}

async fn concerns(State(state): State<WebState>, ctx: Ctx) -> Result<Html<String>> {
    ctx.require_staff()?;
    concerns_page(&state, &ctx, ConcernForm { held_on: today().to_string(), ..Default::default() }, vec![]).await
}

async fn add_concern(State(state): State<WebState>, ctx: Ctx, Form(form): Form<ConcernForm>) -> Result<Response> {
    ctx.require_staff()?;
    match flow::add_concern(&state.db, &ctx.actor(), &form).await {
        Ok(_) => Ok(Redirect::to("/staff/concerns").into_response()),
        Err(AppError::Invalid(errors)) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, concerns_page(&state, &ctx, form, errors).await?).into_response())
        }
        Err(e) => Err(e),
    }
}

async fn interpretations_page(
    state: &WebState,
    ctx: &Ctx,
    form: InterpretationInput,
    errors: Vec<FieldError>,
) -> Result<Html<String>> {
    let list = flow::interpretations(&state.db, None, today()).await?;
    let list: Vec<_> = list
        .into_iter()
        .filter(|i| ctx.actor().is_office() || i.row.unit_id.is_some_and(|u| ctx.actor().may_access_unit(u)))
        .collect();
    let units = crate::flows::org::units(&state.db).await?;
    render(state, ctx, "interaction/staff_interpretations.html", crate::page! {
        list => list, units => units, forms => flow::form_choices(), sections => flow::section_choices(), form => form, errors => errors,
    })
    .await
}

#[derive(Deserialize)]
struct NewInterpretationQuery {
    policy_item_id: Option<String>,
}

async fn interpretations(
    State(state): State<WebState>,
    ctx: Ctx,
    Query(q): Query<NewInterpretationQuery>,
) -> Result<Html<String>> {
    ctx.require_staff()?;
    let policy_item_id = q.policy_item_id.unwrap_or_default();
    interpretations_page(
        &state,
        &ctx,
        InterpretationInput { form: "text".into(), policy_item_id, ..Default::default() },
        vec![],
    )
    .await
}

async fn create_interpretation(
    State(state): State<WebState>,
    ctx: Ctx,
    Form(form): Form<InterpretationInput>,
) -> Result<Response> {
    ctx.require_staff()?;
    match flow::create_interpretation(&state.db, &ctx.actor(), &form).await {
        Ok(_) => Ok(Redirect::to("/staff/interpretations").into_response()),
        Err(AppError::Invalid(errors)) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, interpretations_page(&state, &ctx, form, errors).await?)
                .into_response())
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct SetForm {
    action: String,
}

async fn set_interpretation(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<SetForm>,
) -> Result<Response> {
    ctx.door(&state, ObjectKind::Interpretation, id).await?;
    flow::set_interpretation(&state.db, &ctx.actor(), id, &f.action, today()).await?;
    Ok(Redirect::to("/staff/interpretations").into_response())
}

#[derive(Deserialize, serde::Serialize, Default)]
struct SyncForm {
    #[serde(default)]
    policy_ref: String,
    #[serde(default)]
    policy_title: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    deferral_reason: String,
    #[serde(default)]
    deferral_by: String,
}

async fn sync_page(State(state): State<WebState>, ctx: Ctx) -> Result<Html<String>> {
    ctx.require_staff()?;
    render(
        &state,
        &ctx,
        "interaction/sync_check.html",
        crate::page! { form => SyncForm { category: "规范性文件".into(), ..Default::default() } },
    )
    .await
}

/// Try the 三同步 rule for a policy about to be published (what the disclosure capability runs when
/// it publishes): refused with the domain's message, or passed (recording a deferral if given).
async fn sync_check(State(state): State<WebState>, ctx: Ctx, Form(f): Form<SyncForm>) -> Result<Response> {
    ctx.require_staff()?;
    let required = flow::requires_interpretation(&state, &f.category);
    let by = chrono::NaiveDate::parse_from_str(f.deferral_by.trim(), "%Y-%m-%d").ok();
    let deferral = match (f.deferral_reason.trim(), by) {
        ("", _) => None,
        (r, Some(d)) => Some((r, d)),
        (_, None) => {
            return Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                render(
                    &state,
                    &ctx,
                    "interaction/sync_check.html",
                    crate::page! { form => f, error => "延期发布须填写解读的发布期限（YYYY-MM-DD）" },
                )
                .await?,
            )
                .into_response());
        }
    };
    let mut tx = state.db.begin().await?;
    let result = flow::check_three_sync(
        &mut tx,
        &ctx.actor(),
        f.policy_ref.trim(),
        f.policy_title.trim(),
        required,
        deferral,
        ctx.actor().unit_id,
        today(),
    )
    .await;
    match result {
        Ok(()) => {
            tx.commit().await?;
            Ok(render(
                &state,
                &ctx,
                "interaction/sync_check.html",
                crate::page! { form => f, ok => true, required => required },
            )
            .await?
            .into_response())
        }
        Err(AppError::BadRequest(msg) | AppError::Conflict(msg)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&state, &ctx, "interaction/sync_check.html", crate::page! { form => f, error => msg }).await?,
        )
            .into_response()),
        Err(AppError::Invalid(errs)) => {
            let msg = errs.into_iter().map(|e| e.message).collect::<Vec<_>>().join("；");
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                render(&state, &ctx, "interaction/sync_check.html", crate::page! { form => f, error => msg }).await?,
            )
                .into_response())
        }
        Err(e) => Err(e),
    }
}
