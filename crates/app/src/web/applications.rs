//! 依申请公开 pages: the public form and tracking page, and the staff queue, detail, steps,
//! registration of offline applications and reply letters.

use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::NaiveDate;
use gongkai_domain::application::{Consultee, Event, Outcome};
use gongkai_domain::org::ObjectKind;

use serde::Deserialize;

use super::WebState;
use super::context::Ctx;
use super::routes::{Access, Route};
use super::templates::render;
use crate::error::{AppError, FieldError, Result};
use crate::flows::application::QueueScope;
use crate::flows::application::{self as flow, ApplicationForm, Upload};

/// How many of a queue's most urgent applications one page shows.
pub const QUEUE_PAGE: i64 = 200;

pub fn routes() -> Vec<Route> {
    vec![
        Route::new("GET", "/applications/new", Access::Public, get(new_form)),
        Route::new("POST", "/applications", Access::Public, post(submit_form)),
        Route::new("GET", "/applications/track", Access::Public, get(track)),
        Route::new("POST", "/applications/track", Access::Public, post(track_post)),
        Route::new("GET", "/staff/applications", Access::Staff, get(queue)),
        Route::new("GET", "/staff/applications/register", Access::Staff, get(register_form)),
        Route::new("POST", "/staff/applications/register", Access::Staff, post(register)),
        Route::new("POST", "/staff/applications/bulk", Access::Staff, post(bulk)),
        Route::new("GET", "/staff/applications/{id}", Access::Object(ObjectKind::Application), get(detail)),
        Route::new("POST", "/staff/applications/{id}/route", Access::Object(ObjectKind::Application), post(route)),
        Route::new("POST", "/staff/applications/{id}/step", Access::Object(ObjectKind::Application), post(step)),
        Route::new("GET", "/staff/applications/{id}/letter", Access::Object(ObjectKind::Application), get(letter)),
        Route::new(
            "GET",
            "/staff/applications/{id}/letter.docx",
            Access::Object(ObjectKind::Application),
            get(letter_docx),
        ),
        Route::new(
            "GET",
            "/staff/applications/{id}/notices/{notice_id}",
            Access::Object(ObjectKind::Application),
            get(notice_page),
        ),
        Route::new(
            "GET",
            "/staff/applications/{id}/notices/{notice_id}/docx",
            Access::Object(ObjectKind::Application),
            get(notice_docx),
        ),
        Route::new(
            "POST",
            "/staff/applications/{id}/notices/{notice_id}/posted",
            Access::Object(ObjectKind::Application),
            post(notice_posted),
        ),
        Route::new(
            "POST",
            "/staff/applications/{id}/review-cases",
            Access::Object(ObjectKind::Application),
            post(add_review_case),
        ),
        Route::new(
            "POST",
            "/staff/review-cases/{id}/end",
            Access::Object(ObjectKind::ReviewCase),
            post(end_review_case),
        ),
        Route::new(
            "POST",
            "/staff/review-cases/{id}/extend",
            Access::Object(ObjectKind::ReviewCase),
            post(extend_review_case),
        ),
        Route::new("GET", "/staff/attachments/{id}", Access::Staff, get(attachment)),
    ]
}

pub fn choices() -> minijinja::Value {
    use gongkai_domain::application::{ApplicantKind, Channel, DeliveryForm, DeliveryMethod, IdDocumentKind};
    let kinds: Vec<_> =
        ApplicantKind::ALL.iter().map(|k| crate::page! { code => k.code(), label => k.label() }).collect();
    let docs: Vec<_> =
        IdDocumentKind::ALL.iter().map(|k| crate::page! { code => k.code(), label => k.label() }).collect();
    let forms: Vec<_> =
        DeliveryForm::ALL.iter().map(|k| crate::page! { code => k.code(), label => k.label() }).collect();
    let methods: Vec<_> =
        DeliveryMethod::ALL.iter().map(|k| crate::page! { code => k.code(), label => k.label() }).collect();
    let channels: Vec<_> = Channel::ALL.iter().map(|k| crate::page! { code => k.code(), label => k.label() }).collect();
    crate::page! { kinds => kinds, docs => docs, forms => forms, methods => methods, channels => channels }
}

async fn new_form(State(state): State<WebState>, ctx: Ctx) -> Result<Html<String>> {
    let form = ApplicationForm {
        applicant_kind: "natural_person".into(),
        id_doc_kind: "resident_id_card".into(),
        delivery_form: "electronic".into(),
        delivery_method: "online".into(),
        idempotency_key: crate::flows::auth::random_token()[..32].to_string(),
        ..Default::default()
    };
    render(&state, &ctx, "applications/new.html", crate::page! { nav => "apply", form => form, choices => choices() })
        .await
}

/// Read a multipart form: text fields into the form, files into uploads.
async fn read_multipart(mut mp: Multipart) -> Result<(ApplicationForm, Vec<Upload>)> {
    let mut pairs: Vec<(String, String)> = vec![];
    let mut uploads = vec![];
    while let Some(field) = mp.next_field().await.map_err(|e| AppError::BadRequest(format!("上传内容有误：{e}")))?
    {
        let name = field.name().unwrap_or("").to_string();
        if let Some(filename) = field.file_name().map(str::to_string) {
            let bytes = field.bytes().await.map_err(|_| AppError::BadRequest("附件过大或上传中断".into()))?;
            if !filename.is_empty() && !bytes.is_empty() {
                uploads.push(Upload { filename, bytes: bytes.to_vec() });
            }
        } else {
            let text =
                field.text().await.map_err(|_| AppError::BadRequest("表单内容不是有效的文本（UTF-8）".into()))?;
            pairs.push((name, text));
        }
    }
    let encoded = serde_urlencoded::to_string(&pairs).map_err(|e| AppError::Internal(e.into()))?;
    let form: ApplicationForm =
        serde_urlencoded::from_str(&encoded).map_err(|_| AppError::BadRequest("表单内容有误".into()))?;
    Ok((form, uploads))
}

async fn submit_form(State(state): State<WebState>, ctx: Ctx, mp: Multipart) -> Result<Response> {
    state.limiter.limit("public-submit", ctx.ip, state.config.public_submissions_per_minute)?;
    let (form, uploads) = read_multipart(mp).await?;
    match flow::submit(&state, &ctx.actor(), &form, uploads, false).await {
        Ok(s) => {
            let page =
                render(&state, &ctx, "applications/submitted.html", crate::page! { nav => "apply", s => s }).await?;
            Ok((StatusCode::CREATED, page).into_response())
        }
        Err(AppError::Invalid(errors)) => {
            let page = render(
                &state,
                &ctx,
                "applications/new.html",
                crate::page! { nav => "apply", form => form, errors => errors, choices => choices() },
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct TrackQuery {
    code: Option<String>,
    secret: Option<String>,
}

/// The tracking form posts its code and secret (a secret in an address ends up in logs and
/// histories); an old link with them in the query still answers.
async fn track_post(state: State<WebState>, ctx: Ctx, axum::Form(q): axum::Form<TrackQuery>) -> Result<Response> {
    track(state, ctx, Query(q)).await
}

async fn track(State(state): State<WebState>, ctx: Ctx, Query(q): Query<TrackQuery>) -> Result<Response> {
    let (Some(code), Some(secret)) = (q.code.filter(|c| !c.trim().is_empty()), q.secret) else {
        return Ok(render(&state, &ctx, "applications/track.html", crate::page! { nav => "apply" })
            .await?
            .into_response());
    };
    state.limiter.limit("public-track", ctx.ip, 60)?;
    match flow::public_status(&state, &code, &secret).await {
        Ok(s) => {
            Ok(render(&state, &ctx, "applications/track.html", crate::page! { nav => "apply", s => s, code => code })
                .await?
                .into_response())
        }
        Err(AppError::NotFound) => {
            let page = render(
                &state,
                &ctx,
                "applications/track.html",
                crate::page! { nav => "apply", code => code, error => "查询码或查询密码不正确" },
            )
            .await?;
            Ok((StatusCode::NOT_FOUND, page).into_response())
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct QueueQuery {
    scope: Option<String>,
}

async fn queue(State(state): State<WebState>, ctx: Ctx, Query(q): Query<QueueQuery>) -> Result<Html<String>> {
    let user = ctx.require_staff()?;
    let scope = if ctx.actor().is_office() {
        match q.scope.as_deref() {
            Some("unassigned") => QueueScope::Unassigned,
            Some(s) => s.parse::<i64>().map(QueueScope::Unit).unwrap_or(QueueScope::All),
            None => QueueScope::All,
        }
    } else {
        QueueScope::Unit(user.unit_id.ok_or(AppError::Forbidden)?)
    };
    // The most urgent first; the head of the page counts them all (a unit may have thousands).
    let lines = flow::queue(&state, scope, QUEUE_PAGE).await?;
    let counts = flow::counts(&state, scope, crate::state::today()).await?;
    let units = crate::flows::org::units(&state.db).await?;
    render(
        &state,
        &ctx,
        "applications/queue.html",
        crate::page! { lines => lines, counts => counts, page_size => QUEUE_PAGE, units => units, scope => q.scope, provisional_note => gongkai_domain::calendar::PROVISIONAL_NOTE },
    )
    .await
}

async fn detail(State(state): State<WebState>, ctx: Ctx, Path(id): Path<i64>) -> Result<Html<String>> {
    ctx.door(&state, ObjectKind::Application, id).await?;
    let actor = ctx.actor();
    let row = flow::load_for_staff(&state.db, &actor, id).await?;
    let (status, clock) = flow::parse_state(&row)?;
    let cal = state.calendar();
    let today = crate::state::today();
    let events = flow::events(&state.db, id).await?;
    let attachments = flow::attachments(&state.db, id).await?;
    let units = crate::flows::org::units(&state.db).await?;
    let cases = flow::review_cases_for(&state, &actor, id).await?;
    let notices = flow::notices(&state, &actor, id).await?;
    let outcomes: Vec<_> =
        Outcome::all().iter().map(|o| crate::page! { code => o.code(), label => o.label() }).collect();
    let may_approve = actor.is_office() || row.unit_id.is_some_and(|u| actor.may_approve_for(u));
    render(
        &state,
        &ctx,
        "applications/detail.html",
        crate::page! {
            a => row,
            status_code => status.code(),
            status_label => status.label(),
            finished => status.is_finished(),
            status_line => gongkai_domain::application::status_line(&status, &clock, today, &cal),
            explanation => clock.explain(&cal),
            events => events,
            attachments => attachments,
            units => units,
            outcomes => outcomes,
            cases => cases,
            notices => notices,
            today => today.to_string(),
            may_approve => may_approve,
            is_office => actor.is_office(),
            choices => choices(),
        },
    )
    .await
}

#[derive(Deserialize)]
struct RouteForm {
    #[serde(default)]
    unit_id: String,
    #[serde(default)]
    reason: String,
}

async fn route(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<RouteForm>,
) -> Result<Response> {
    ctx.door(&state, ObjectKind::Application, id).await?;
    let to = f.unit_id.trim().parse::<i64>().ok();
    flow::route(&state, &ctx.actor(), id, to, &f.reason).await?;
    let back = if ctx.actor().is_office() || to.is_some_and(|u| ctx.actor().may_access_unit(u)) {
        format!("/staff/applications/{id}")
    } else {
        "/staff/applications".into()
    };
    Ok(Redirect::to(&back).into_response())
}

/// One form for every step; `action` names it, the other fields carry its data.
#[derive(Deserialize)]
struct StepForm {
    action: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    deadline: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    days: String,
    #[serde(default)]
    approver: String,
    #[serde(default)]
    party: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    pages: String,
    #[serde(default)]
    public_note: String,
    #[serde(default)]
    internal_note: String,
}

fn date_field(s: &str, what: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::Invalid(vec![FieldError::new("date", format!("请填写{what}（YYYY-MM-DD）"))]))
}

fn step_event(f: &StepForm) -> Result<Event> {
    let on = || date_field(&f.date, "日期");
    Ok(match f.action.as_str() {
        "clarify" => Event::RequestClarification { sent_on: on()?, deadline: date_field(&f.deadline, "补正期限")? },
        "supplement" => Event::Supplement { received_on: on()? },
        "clarification_lapsed" => Event::ClarificationLapsed { on: on()? },
        "consult" => Event::Consult {
            party: if f.party == "other_organ" { Consultee::OtherOrgan } else { Consultee::ThirdParty },
            sent_on: on()?,
        },
        "consultation_ended" => Event::ConsultationEnded { on: on()? },
        "extend" => Event::Extend {
            approved_on: on()?,
            days: f
                .days
                .trim()
                .parse()
                .map_err(|_| AppError::Invalid(vec![FieldError::new("days", "请填写延长的工作日数")]))?,
            approver: f.approver.trim().to_string(),
        },
        "fee_notice" => Event::SendFeeNotice {
            sent_on: on()?,
            amount_yuan: f
                .amount
                .trim()
                .parse()
                .map_err(|_| AppError::Invalid(vec![FieldError::new("amount", "请填写收费金额（元）")]))?,
            deadline: date_field(&f.deadline, "缴费期限")?,
        },
        "fee_paid" => Event::FeePaid { on: on()? },
        "fee_lapsed" => Event::FeeLapsed { on: on()? },
        "answer" => Event::Answer {
            on: on()?,
            outcome: Outcome::from_code(&f.outcome)
                .map_err(|_| AppError::Invalid(vec![FieldError::new("outcome", "请选择答复结果")]))?,
        },
        "withdraw" => Event::Withdraw { on: on()? },
        _ => return Err(AppError::BadRequest("未知的办理操作".into())),
    })
}

async fn step(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(mut f): Form<StepForm>,
) -> Result<Response> {
    ctx.door(&state, ObjectKind::Application, id).await?;
    let mut note = f.public_note.clone();
    if f.action == "fee_notice" && f.amount.trim().is_empty() {
        // The fee computed by the rules, from the pages given or the applicant's count this month.
        let pages = f.pages.trim().parse::<u32>().ok();
        let fee = flow::compute_fee(&state, &ctx.actor(), id, pages).await?;
        if fee.total_yuan == 0 {
            return Err(AppError::BadRequest(format!("按规定不收费：{}", fee.explain().join("；"))));
        }
        f.amount = fee.total_yuan.to_string();
        note = format!(
            "{}{}",
            fee.explain().join("；"),
            if note.trim().is_empty() { String::new() } else { format!("。{note}") }
        );
    }
    let event = step_event(&f)?;
    flow::step(&state, &ctx.actor(), id, event, &note, &f.internal_note).await?;
    Ok(Redirect::to(&format!("/staff/applications/{id}")).into_response())
}

async fn letter(State(state): State<WebState>, ctx: Ctx, Path(id): Path<i64>) -> Result<Html<String>> {
    ctx.door(&state, ObjectKind::Application, id).await?;
    let letter = crate::flows::application::reply_letter(&state, &ctx.actor(), id).await?;
    render(&state, &ctx, "applications/letter.html", crate::page! { letter => letter, id => id }).await
}

async fn letter_docx(State(state): State<WebState>, ctx: Ctx, Path(id): Path<i64>) -> Result<Response> {
    ctx.door(&state, ObjectKind::Application, id).await?;
    let letter = crate::flows::application::reply_letter(&state, &ctx.actor(), id).await?;
    letter_download(&letter, &format!("reply-{id}.docx"))
}

/// A letter (reply or notice) as a Word download.
fn letter_download(letter: &gongkai_domain::application::Letter, filename: &str) -> Result<Response> {
    let bytes = crate::export::letter_docx(letter)?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document".to_string(),
            ),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")),
        ],
        bytes,
    )
        .into_response())
}

/// A notice's letter to print, with the envelope sheet when it goes by post.
async fn notice_page(
    State(state): State<WebState>,
    ctx: Ctx,
    Path((id, notice_id)): Path<(i64, i64)>,
) -> Result<Html<String>> {
    ctx.door(&state, ObjectKind::Application, id).await?;
    let (notice, letter) = flow::notice_letter(&state, &ctx.actor(), id, notice_id).await?;
    let (postcode, address) =
        notice.to_addr.split_once(' ').map_or((String::new(), notice.to_addr.clone()), |(p, a)| {
            if p.chars().all(|c| c.is_ascii_digit()) {
                (p.to_string(), a.to_string())
            } else {
                (String::new(), notice.to_addr.clone())
            }
        });
    render(
        &state,
        &ctx,
        "applications/notice.html",
        crate::page! { letter => letter, notice => notice, id => id, postcode => postcode, address => address },
    )
    .await
}

async fn notice_docx(
    State(state): State<WebState>,
    ctx: Ctx,
    Path((id, notice_id)): Path<(i64, i64)>,
) -> Result<Response> {
    ctx.door(&state, ObjectKind::Application, id).await?;
    let (_, letter) = flow::notice_letter(&state, &ctx.actor(), id, notice_id).await?;
    letter_download(&letter, &format!("notice-{id}-{notice_id}.docx"))
}

async fn notice_posted(
    State(state): State<WebState>,
    ctx: Ctx,
    Path((id, notice_id)): Path<(i64, i64)>,
) -> Result<Response> {
    ctx.door(&state, ObjectKind::Application, id).await?;
    flow::mark_posted(&state, &ctx.actor(), id, notice_id).await?;
    Ok(Redirect::to(&format!("/staff/applications/{id}#notices")).into_response())
}

async fn add_review_case(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<flow::ReviewCaseForm>,
) -> Result<Response> {
    ctx.door(&state, ObjectKind::Application, id).await?;
    flow::add_review_case(&state, &ctx.actor(), id, &f).await?;
    Ok(Redirect::to(&format!("/staff/applications/{id}")).into_response())
}

#[derive(Deserialize)]
struct EndReviewForm {
    #[serde(default)]
    result: String,
    #[serde(default)]
    decided_on: String,
    #[serde(default)]
    note: String,
}

/// Record the end of a 行政复议 / 行政诉讼: decided or withdrawn.
async fn end_review_case(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<EndReviewForm>,
) -> Result<Response> {
    ctx.door(&state, ObjectKind::ReviewCase, id).await?;
    let app_id = flow::end_review_case(&state, &ctx.actor(), id, &f.result, &f.decided_on, &f.note).await?;
    Ok(Redirect::to(&format!("/staff/applications/{app_id}")).into_response())
}

/// Extend a 行政复议's deadline by 30 days.
async fn extend_review_case(State(state): State<WebState>, ctx: Ctx, Path(id): Path<i64>) -> Result<Response> {
    ctx.door(&state, ObjectKind::ReviewCase, id).await?;
    let app_id = flow::extend_review_case(&state, &ctx.actor(), id).await?;
    Ok(Redirect::to(&format!("/staff/applications/{app_id}")).into_response())
}

/// Attachments are staff-only: the applicant's ID scans are never served publicly.
async fn attachment(State(state): State<WebState>, ctx: Ctx, Path(id): Path<i64>) -> Result<Response> {
    ctx.require_staff()?;
    let (meta, bytes) = crate::flows::access::staff_file(&state.db, &ctx.actor(), id).await?;
    let disposition = format!("attachment; filename*=UTF-8''{}", crate::web::percent_encode(&meta.filename));
    Ok(([(header::CONTENT_TYPE, meta.content_type), (header::CONTENT_DISPOSITION, disposition)], bytes).into_response())
}

async fn register_form(State(state): State<WebState>, ctx: Ctx) -> Result<Html<String>> {
    ctx.require_staff()?;
    let units = crate::flows::org::units(&state.db).await?;
    let form = ApplicationForm {
        applicant_kind: "natural_person".into(),
        id_doc_kind: "resident_id_card".into(),
        channel: "letter".into(),
        event_date: crate::state::today().to_string(),
        unit_id: ctx.user.as_ref().and_then(|u| u.unit_id).map(|u| u.to_string()).unwrap_or_default(),
        idempotency_key: crate::flows::auth::random_token()[..32].to_string(),
        ..Default::default()
    };
    render(
        &state,
        &ctx,
        "applications/register.html",
        crate::page! { form => form, units => units, choices => choices() },
    )
    .await
}

async fn register(State(state): State<WebState>, ctx: Ctx, mp: Multipart) -> Result<Response> {
    ctx.require_staff()?;
    let (form, uploads) = read_multipart(mp).await?;
    match flow::submit(&state, &ctx.actor(), &form, uploads, true).await {
        Ok(s) => Ok(Redirect::to(&format!("/staff/applications/{}", s.application_id)).into_response()),
        Err(AppError::Invalid(errors)) => {
            let units = crate::flows::org::units(&state.db).await?;
            let page = render(
                &state,
                &ctx,
                "applications/register.html",
                crate::page! { form => form, units => units, errors => errors, choices => choices() },
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e),
    }
}

/// Bulk actions on the queue: the first POST previews, the second (confirm=1) carries out.
async fn bulk(State(state): State<WebState>, ctx: Ctx, Form(pairs): Form<Vec<(String, String)>>) -> Result<Response> {
    ctx.require_staff()?;
    let get = |k: &str| pairs.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone()).unwrap_or_default();
    let ids: Vec<i64> = pairs.iter().filter(|(k, _)| k == "ids").filter_map(|(_, v)| v.parse().ok()).collect();
    if ids.is_empty() {
        return Err(AppError::BadRequest("请先勾选要处理的申请".into()));
    }
    let action = match get("bulk_action").as_str() {
        "remind" => flow::BulkAction::Remind,
        "assign" => {
            flow::BulkAction::Assign(get("unit_id").parse().map_err(|_| AppError::BadRequest("请选择分办单位".into()))?)
        }
        _ => return Err(AppError::BadRequest("请选择批量操作".into())),
    };
    if get("confirm") == "1" {
        let n = flow::bulk_apply(&state, &ctx.actor(), &ids, &action).await?;
        let page = render(&state, &ctx, "applications/bulk.html", crate::page! { done => n }).await?;
        return Ok(page.into_response());
    }
    let lines = flow::bulk_preview(&state, &ctx.actor(), &ids, &action).await?;
    let page = render(
        &state,
        &ctx,
        "applications/bulk.html",
        crate::page! { lines => lines, bulk_action => get("bulk_action"), unit_id => get("unit_id") },
    )
    .await?;
    Ok(page.into_response())
}
