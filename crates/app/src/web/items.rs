//! 主动公开 back office: a unit's items (drafts, review, published), the item form, the
//! reviewer's 保密审查 with the scanner's findings, attachments, and the catalog editor.

use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::NaiveDate;
use gongkai_domain::disclosure::{Art20Category, Channel, Genre, ItemStatus, Subject, timeliness_statement};
use gongkai_domain::org::ObjectKind;
use serde::Deserialize;

use super::WebState;
use super::context::Ctx;
use super::routes::{Access, Route};
use super::templates::render;
use crate::error::{AppError, Result};
use crate::flows::disclosure::{self as flow, ItemForm};
use crate::state::today;

pub fn routes() -> Vec<Route> {
    vec![
        Route::new("GET", "/staff/items", Access::Staff, get(list)),
        Route::new("POST", "/staff/items", Access::Staff, post(create)),
        Route::new("GET", "/staff/items/new", Access::Staff, get(new_form)),
        Route::new("GET", "/staff/items/{id}", Access::Object(ObjectKind::Item), get(detail)),
        Route::new("GET", "/staff/items/{id}/edit", Access::Object(ObjectKind::Item), get(edit_form)),
        Route::new("POST", "/staff/items/{id}/edit", Access::Object(ObjectKind::Item), post(edit)),
        Route::new("POST", "/staff/items/{id}/submit", Access::Object(ObjectKind::Item), post(submit)),
        Route::new("POST", "/staff/items/{id}/return", Access::Object(ObjectKind::Item), post(return_item)),
        Route::new("POST", "/staff/items/{id}/approve", Access::Object(ObjectKind::Item), post(approve)),
        Route::new("POST", "/staff/items/{id}/withdraw", Access::Object(ObjectKind::Item), post(withdraw)),
        Route::new("POST", "/staff/items/{id}/expire", Access::Object(ObjectKind::Item), post(expire)),
        Route::new("POST", "/staff/items/{id}/mask", Access::Object(ObjectKind::Item), post(mask)),
        Route::new("POST", "/staff/items/{id}/attachments", Access::Object(ObjectKind::Item), post(upload)),
        Route::new("GET", "/staff/item-attachments/{id}", Access::Staff, get(staff_attachment)),
        Route::new("POST", "/staff/item-attachments/{id}/mask", Access::Staff, post(mask_attachment)),
        Route::new("POST", "/staff/item-attachments/{id}/confirm", Access::Staff, post(confirm_attachment)),
        Route::new("GET", "/staff/catalog", Access::Staff, get(catalog_page)),
        Route::new("POST", "/staff/catalog/{node}", Access::Staff, post(rename_node)),
        Route::new("POST", "/staff/catalog/{node}/children", Access::Staff, post(add_node)),
    ]
}

/// The choices of the item form.
pub fn choices() -> minijinja::Value {
    let art20: Vec<_> = Art20Category::ALL
        .iter()
        .map(|c| crate::page! { code => c.code(), label => format!("{} {}", c.item_caption(), c.label()) })
        .collect();
    let genres: Vec<_> = Genre::ALL.iter().map(|c| crate::page! { code => c.code(), label => c.label() }).collect();
    let subjects: Vec<_> = Subject::ALL.iter().map(|c| crate::page! { code => c.code(), label => c.label() }).collect();
    let channels: Vec<_> = Channel::ALL.iter().map(|c| crate::page! { code => c.code(), label => c.label() }).collect();
    crate::page! { art20 => art20, genres => genres, subjects => subjects, channels => channels }
}

#[derive(Deserialize)]
struct ListQuery {
    status: Option<String>,
    unit: Option<i64>,
}

async fn list(State(state): State<WebState>, ctx: Ctx, Query(q): Query<ListQuery>) -> Result<Html<String>> {
    let user = ctx.require_staff()?;
    let unit = user.unit_id.or(q.unit);
    let status = q.status.filter(|s| !s.is_empty());
    let status = status.and_then(|s| gongkai_domain::disclosure::ItemStatus::try_from(s).ok());
    let items = flow::list_staff(&state.db, unit, status, 500).await?;
    let t = today().to_string();
    let rows: Vec<_> = items
        .iter()
        .map(|i| {
            let overdue =
                i.late == 1 || (matches!(i.status, ItemStatus::Draft | ItemStatus::PendingReview) && i.due_on < t);
            crate::page! { i => i, status_label => i.status.label(), overdue => overdue }
        })
        .collect();
    let units = if user.unit_id.is_none() { crate::flows::org::units(&state.db).await? } else { vec![] };
    render(
        &state,
        &ctx,
        "staff/items.html",
        crate::page! { rows => rows, status => status, unit => unit, units => units },
    )
    .await
}

#[derive(Deserialize)]
struct NewQuery {
    unit: Option<i64>,
}

async fn form_page(
    state: &WebState,
    ctx: &Ctx,
    unit_id: Option<i64>,
    form: &ItemForm,
    item_id: Option<i64>,
    errors: Vec<crate::error::FieldError>,
) -> Result<Html<String>> {
    let nodes = match unit_id {
        Some(u) => flow::catalog(&state.db, u)
            .await?
            .into_iter()
            .map(|(n, d)| crate::page! { n => n, indent => "　".repeat(d) })
            .collect(),
        None => vec![],
    };
    let units = crate::flows::org::units(&state.db).await?;
    render(
        state,
        ctx,
        "staff/item_form.html",
        crate::page! { form => form, nodes => nodes, units => units, unit_id => unit_id, item_id => item_id, errors => errors, choices => choices() },
    )
    .await
}

async fn new_form(State(state): State<WebState>, ctx: Ctx, Query(q): Query<NewQuery>) -> Result<Html<String>> {
    let user = ctx.require_staff()?;
    let unit_id = user.unit_id.or(q.unit);
    let form = ItemForm {
        unit_id: unit_id.map(|u| u.to_string()).unwrap_or_default(),
        formed_on: today().to_string(),
        genre: "notice".into(),
        subject: "general_affairs".into(),
        ch_website: Some("1".into()),
        ..Default::default()
    };
    form_page(&state, &ctx, unit_id, &form, None, vec![]).await
}

async fn create(State(state): State<WebState>, ctx: Ctx, Form(form): Form<ItemForm>) -> Result<Response> {
    ctx.require_staff()?;
    match flow::draft(&state.db, &ctx.actor(), &state.calendar(), &form).await {
        Ok(id) => Ok(Redirect::to(&format!("/staff/items/{id}")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let unit_id = ctx.user.as_ref().and_then(|u| u.unit_id).or_else(|| form.unit_id.parse().ok());
            let page = form_page(&state, &ctx, unit_id, &form, None, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e),
    }
}

async fn detail(State(state): State<WebState>, ctx: Ctx, Path(id): Path<i64>) -> Result<Html<String>> {
    ctx.door(&state, ObjectKind::Item, id).await?;
    let actor = ctx.actor();
    let item = flow::load_for_staff(&state.db, &actor, id).await?;
    let mut findings = flow::scan_row(&item);
    let texts = flow::attachment_texts(&state.db, id).await?;
    for t in texts.iter().filter(|t| t.staff_only == 0) {
        findings.extend(gongkai_domain::privacy::scan(&t.text));
    }
    let blocking = gongkai_domain::privacy::has_blocking(&findings);
    let attachment_notes: Vec<_> = texts
        .iter()
        .map(|t| crate::page! { id => t.attachment_id, findings => t.findings, staff_only => t.staff_only == 1, masked_from => t.masked_from, chars => t.text.chars().count() })
        .collect();
    let findings: Vec<_> = findings
        .iter()
        .map(|f| crate::page! { kind => f.kind.label(), excerpt_masked => f.excerpt_masked, severity => f.severity })
        .collect();
    let attachments = flow::item_attachments(&state.db, id).await?;
    let unscanned = flow::unscanned_attachments(&state.db, id).await?;
    let due = NaiveDate::parse_from_str(&item.due_on, "%Y-%m-%d").unwrap_or_else(|_| today());
    let published = item.published_on.as_deref().and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    let timeliness = timeliness_statement(due, published, today());
    let channels: Vec<&str> = flow::parse_channels(&item.channels).iter().map(|c| c.label()).collect();
    let art20 = Art20Category::from_code(&item.art20).map(|c| c.label()).unwrap_or("");
    let may_approve = actor.may_approve_for(item.unit_id);
    let interpretations =
        crate::flows::interaction::interpretations_of_item(&state.db, id, item.index_no.as_deref(), today()).await?;
    let needs_interpretation = Art20Category::from_code(&item.art20)
        .is_some_and(|c| crate::flows::interaction::requires_interpretation(&state, c.label()));
    let has_approved = interpretations.iter().any(|i| i.row.status.counts_for_sync());
    let interpretation_late = interpretations.iter().any(|i| i.late);
    let basic = crate::flows::basic_catalog::item_choice(&state, &actor, id, &item.title).await?;
    render(
        &state,
        &ctx,
        "staff/item.html",
        crate::page! {
            item => item, status_label => item.status.label(), findings => findings, blocking => blocking,
            attachments => attachments, unscanned => unscanned, timeliness => timeliness, channels => channels, art20 => art20, may_approve => may_approve,
            genre => Genre::from_code(&item.genre).map(|g| g.label()).unwrap_or(""),
            subject => Subject::from_code(&item.subject).map(|g| g.label()).unwrap_or(""),
            today => today().to_string(),
            interpretations => interpretations, needs_interpretation => needs_interpretation, has_approved => has_approved,
            interpretation_late => interpretation_late, attachment_notes => attachment_notes, basic => basic,
        },
    )
    .await
}

async fn edit_form(State(state): State<WebState>, ctx: Ctx, Path(id): Path<i64>) -> Result<Html<String>> {
    ctx.door(&state, ObjectKind::Item, id).await?;
    let item = flow::load_for_staff(&state.db, &ctx.actor(), id).await?;
    form_page(&state, &ctx, Some(item.unit_id), &ItemForm::from_row(&item), Some(id), vec![]).await
}

async fn edit(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<ItemForm>,
) -> Result<Response> {
    ctx.door(&state, ObjectKind::Item, id).await?;
    match flow::edit(&state.db, &ctx.actor(), &state.calendar(), id, &form).await {
        Ok(()) => Ok(Redirect::to(&format!("/staff/items/{id}")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let item = flow::load_for_staff(&state.db, &ctx.actor(), id).await?;
            let page = form_page(&state, &ctx, Some(item.unit_id), &form, Some(id), errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct ReasonForm {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    on: String,
    #[serde(default)]
    kind: String,
}

fn back(id: i64) -> Response {
    Redirect::to(&format!("/staff/items/{id}")).into_response()
}

async fn submit(State(state): State<WebState>, ctx: Ctx, Path(id): Path<i64>) -> Result<Response> {
    ctx.door(&state, ObjectKind::Item, id).await?;
    flow::submit(&state.db, &ctx.actor(), id).await?;
    Ok(back(id))
}

async fn return_item(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<ReasonForm>,
) -> Result<Response> {
    ctx.door(&state, ObjectKind::Item, id).await?;
    flow::return_item(&state.db, &ctx.actor(), id, &f.reason).await?;
    Ok(back(id))
}

#[derive(Deserialize)]
struct ApproveForm {
    #[serde(default)]
    override_reason: String,
    #[serde(default)]
    deferral_reason: String,
    #[serde(default)]
    deferral_by: String,
}

async fn approve(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<ApproveForm>,
) -> Result<Response> {
    ctx.door(&state, ObjectKind::Item, id).await?;
    let reason = Some(f.override_reason.as_str()).filter(|s| !s.trim().is_empty());
    let deferral = match (f.deferral_reason.trim(), f.deferral_by.trim()) {
        ("", "") => None,
        ("", _) => return Err(AppError::BadRequest("延期发布政策解读须说明理由".into())),
        (r, by) => match NaiveDate::parse_from_str(by, "%Y-%m-%d") {
            Ok(d) => Some((r, d)),
            Err(_) => {
                return Err(AppError::BadRequest("延期发布政策解读须填写解读的发布期限，格式如 2020-09-28".into()));
            }
        },
    };
    let requires = |category: &str| crate::flows::interaction::requires_interpretation(&state, category);
    let sync = flow::SyncDecision { requires: &requires, deferral };
    flow::approve(&state.db, &ctx.actor(), id, reason, today(), &sync).await?;
    Ok(back(id))
}

async fn withdraw(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<ReasonForm>,
) -> Result<Response> {
    ctx.door(&state, ObjectKind::Item, id).await?;
    flow::withdraw(&state.db, &ctx.actor(), id, &f.reason).await?;
    Ok(back(id))
}

async fn expire(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<ReasonForm>,
) -> Result<Response> {
    ctx.door(&state, ObjectKind::Item, id).await?;
    let on = NaiveDate::parse_from_str(f.on.trim(), "%Y-%m-%d").unwrap_or_else(|_| today());
    flow::expire(&state.db, &ctx.actor(), id, &f.reason, on, f.kind == "repealed").await?;
    Ok(back(id))
}

async fn mask(State(state): State<WebState>, ctx: Ctx, Path(id): Path<i64>) -> Result<Response> {
    ctx.door(&state, ObjectKind::Item, id).await?;
    flow::mask_draft(&state.db, &ctx.actor(), id).await?;
    Ok(back(id))
}

async fn upload(State(state): State<WebState>, ctx: Ctx, Path(id): Path<i64>, mut mp: Multipart) -> Result<Response> {
    ctx.door(&state, ObjectKind::Item, id).await?;
    let mut any = false;
    while let Some(field) = mp.next_field().await.map_err(|e| AppError::BadRequest(format!("上传内容有误：{e}")))?
    {
        let Some(filename) = field.file_name().map(str::to_string) else { continue };
        let bytes = field.bytes().await.map_err(|_| AppError::BadRequest("附件过大或上传中断".into()))?;
        if filename.is_empty() || bytes.is_empty() {
            continue;
        }
        flow::add_attachment(&state.db, &ctx.actor(), id, &filename, &bytes).await?;
        any = true;
    }
    if !any {
        return Err(AppError::BadRequest("请选择要上传的文件".into()));
    }
    Ok(back(id))
}

async fn mask_attachment(State(state): State<WebState>, ctx: Ctx, Path(id): Path<i64>) -> Result<Response> {
    ctx.require_staff()?;
    let (meta, _) = crate::flows::access::staff_file(&state.db, &ctx.actor(), id).await?;
    if meta.owner_type != "item" {
        return Err(AppError::NotFound);
    }
    flow::mask_attachment(&state.db, &ctx.actor(), id).await?;
    Ok(back(meta.owner_id))
}

#[derive(Deserialize)]
struct ConfirmForm {
    #[serde(default)]
    reason: String,
}

/// A reviewer's check by hand of a file that could not be scanned.
async fn confirm_attachment(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<ConfirmForm>,
) -> Result<Response> {
    ctx.require_staff()?;
    flow::confirm_unreadable(&state.db, &ctx.actor(), id, &f.reason).await?;
    let (meta, _) = crate::flows::access::staff_file(&state.db, &ctx.actor(), id).await?;
    Ok(back(meta.owner_id))
}

async fn staff_attachment(State(state): State<WebState>, ctx: Ctx, Path(id): Path<i64>) -> Result<Response> {
    ctx.require_staff()?;
    let (meta, bytes) = crate::flows::access::staff_file(&state.db, &ctx.actor(), id).await?;
    if meta.owner_type != "item" {
        return Err(AppError::NotFound);
    }
    Ok(super::catalog::file_response(meta, bytes))
}

#[derive(Deserialize)]
struct CatalogQuery {
    unit: Option<i64>,
}

async fn catalog_page(State(state): State<WebState>, ctx: Ctx, Query(q): Query<CatalogQuery>) -> Result<Html<String>> {
    let user = ctx.require_staff()?;
    let unit_id = user.unit_id.or(q.unit);
    let nodes = match unit_id {
        Some(u) => flow::catalog(&state.db, u)
            .await?
            .into_iter()
            .map(|(n, d)| crate::page! { n => n, indent => "　".repeat(d) })
            .collect(),
        None => vec![],
    };
    let units = crate::flows::org::units(&state.db).await?;
    render(&state, &ctx, "staff/catalog.html", crate::page! { nodes => nodes, units => units, unit_id => unit_id })
        .await
}

#[derive(Deserialize)]
struct RenameForm {
    title: String,
}

async fn rename_node(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(node): Path<i64>,
    Form(f): Form<RenameForm>,
) -> Result<Response> {
    ctx.require_staff()?;
    flow::rename_node(&state.db, &ctx.actor(), node, &f.title).await?;
    let unit = flow::unit_of_node(&state.db, node).await?;
    Ok((StatusCode::SEE_OTHER, [(header::LOCATION, format!("/staff/catalog?unit={unit}"))]).into_response())
}

#[derive(Deserialize)]
struct AddNodeForm {
    title: String,
    #[serde(default)]
    update_class: Option<String>,
}

async fn add_node(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(node): Path<i64>,
    Form(f): Form<AddNodeForm>,
) -> Result<Response> {
    ctx.require_staff()?;
    flow::add_node(&state.db, &ctx.actor(), node, &f.title, f.update_class.as_deref()).await?;
    let unit = flow::unit_of_node(&state.db, node).await?;
    Ok((StatusCode::SEE_OTHER, [(header::LOCATION, format!("/staff/catalog?unit={unit}"))]).into_response())
}
