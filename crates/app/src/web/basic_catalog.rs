//! Staff pages of the 基层政务公开标准目录: the catalogs of the unit (the office: all, and the
//! national templates), importing one from a spreadsheet, deriving one from the template, a
//! catalog's table with each entry's rule, standing and items, setting a rule for a flagged 时限,
//! recording when an entry's information formed, linking published items to entries, export.

use std::collections::BTreeMap;

use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use gongkai_domain::disclosure::basic_areas;
use serde::Deserialize;

use super::WebState;
use super::context::Ctx;
use super::routes::{Access, Route};
use super::templates::render;
use crate::error::{AppError, Result};
use crate::flows::basic_catalog as flow;
use crate::state::today;

pub fn routes() -> Vec<Route> {
    vec![
        Route::new("GET", "/staff/basic-catalog", Access::Staff, get(index)),
        Route::new("POST", "/staff/basic-catalog/import", Access::Staff, post(import)),
        Route::new("POST", "/staff/basic-catalog/derive", Access::Staff, post(derive)),
        Route::new("GET", "/staff/basic-catalog/{id}", Access::Staff, get(show)),
        Route::new("GET", "/staff/basic-catalog/{id}/export.xlsx", Access::Staff, get(export_xlsx)),
        Route::new("GET", "/staff/basic-catalog/{id}/export.csv", Access::Staff, get(export_csv)),
        Route::new("POST", "/staff/basic-catalog/entries/{id}/rule", Access::Staff, post(set_rule)),
        Route::new("POST", "/staff/basic-catalog/entries/{id}/event", Access::Staff, post(set_event)),
        Route::new("POST", "/staff/basic-catalog/link", Access::Staff, post(link)),
    ]
}

fn areas() -> Vec<(&'static str, &'static str)> {
    basic_areas().iter().map(|a| (a.code, a.title)).collect()
}

async fn index(State(state): State<WebState>, ctx: Ctx) -> Result<Html<String>> {
    ctx.require_staff()?;
    let actor = ctx.actor();
    let (own, templates) = flow::list_for_staff(&state, &actor).await?;
    let units = if actor.is_office() { flow::units(&state).await? } else { vec![] };
    render(
        &state,
        &ctx,
        "basic_catalog/index.html",
        crate::page! { own => own, templates => templates, areas => areas(), units => units, today => today().to_string(), report => None::<flow::ImportReport> },
    )
    .await
}

async fn import(State(state): State<WebState>, ctx: Ctx, mut mp: Multipart) -> Result<Response> {
    ctx.require_staff()?;
    let actor = ctx.actor();
    let mut fields = BTreeMap::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = mp.next_field().await.map_err(|e| AppError::BadRequest(format!("上传内容有误：{e}")))?
    {
        let name = field.name().unwrap_or("").to_string();
        if let Some(filename) = field.file_name().map(str::to_string) {
            let bytes = field.bytes().await.map_err(|_| AppError::BadRequest("文件过大或上传中断".into()))?;
            if file.is_none() && !bytes.is_empty() {
                file = Some((filename, bytes.to_vec()));
            }
        } else {
            let text =
                field.text().await.map_err(|_| AppError::BadRequest("表单内容不是有效的文本（UTF-8）".into()))?;
            fields.insert(name, text);
        }
    }
    let get = |k: &str| fields.get(k).cloned().unwrap_or_default();
    // The office chooses the unit (empty: the national template); a clerk imports for their own unit.
    let unit_id = if actor.is_office() {
        match get("unit_id").trim() {
            "" | "template" => None,
            s => Some(s.parse::<i64>().map_err(|_| AppError::BadRequest("单位不正确".into()))?),
        }
    } else {
        Some(actor.unit_id.ok_or(AppError::Forbidden)?)
    };
    let (filename, bytes) = file.unwrap_or_default();
    let report =
        flow::import(&state, &actor, unit_id, &get("area"), &get("effective_on"), &get("edition"), &filename, &bytes)
            .await?;
    if let Some(id) = report.catalog_id {
        return Ok(Redirect::to(&format!("/staff/basic-catalog/{id}")).into_response());
    }
    let (own, templates) = flow::list_for_staff(&state, &actor).await?;
    let units = if actor.is_office() { flow::units(&state).await? } else { vec![] };
    let html = render(
        &state,
        &ctx,
        "basic_catalog/index.html",
        crate::page! { own => own, templates => templates, areas => areas(), units => units, today => today().to_string(), report => Some(report) },
    )
    .await?;
    Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
}

#[derive(Deserialize)]
struct DeriveForm {
    #[serde(default)]
    unit_id: String,
    area: String,
    effective_on: String,
}

async fn derive(State(state): State<WebState>, ctx: Ctx, Form(f): Form<DeriveForm>) -> Result<Response> {
    ctx.require_staff()?;
    let actor = ctx.actor();
    let unit_id = if actor.is_office() {
        f.unit_id.trim().parse::<i64>().map_err(|_| AppError::BadRequest("请选择单位".into()))?
    } else {
        actor.unit_id.ok_or(AppError::Forbidden)?
    };
    let id = flow::derive(&state, &actor, unit_id, &f.area, &f.effective_on).await?;
    Ok(Redirect::to(&format!("/staff/basic-catalog/{id}")).into_response())
}

async fn show(State(state): State<WebState>, ctx: Ctx, Path(id): Path<i64>) -> Result<Html<String>> {
    ctx.require_staff()?;
    let actor = ctx.actor();
    let v = flow::view_for_staff(&state, &actor, id, today()).await?;
    let suggestions = flow::suggestions(&state, &actor, id).await?;
    render(&state, &ctx, "basic_catalog/show.html", crate::page! { v => v, suggestions => suggestions }).await
}

async fn export(state: WebState, ctx: Ctx, id: i64, xlsx: bool) -> Result<Response> {
    ctx.require_staff()?;
    let (name, bytes, ct) = flow::export(&state, &ctx.actor(), id, xlsx).await?;
    Ok((
        [
            (header::CONTENT_TYPE, ct.to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename*=UTF-8''{}", super::percent_encode(&name))),
        ],
        bytes,
    )
        .into_response())
}

async fn export_xlsx(State(state): State<WebState>, ctx: Ctx, Path(id): Path<i64>) -> Result<Response> {
    export(state, ctx, id, true).await
}

async fn export_csv(State(state): State<WebState>, ctx: Ctx, Path(id): Path<i64>) -> Result<Response> {
    export(state, ctx, id, false).await
}

#[derive(Deserialize)]
struct RuleFormIn {
    catalog_id: i64,
    #[serde(flatten)]
    rule: flow::RuleForm,
}

async fn set_rule(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<RuleFormIn>,
) -> Result<Response> {
    ctx.require_staff()?;
    flow::set_rule(&state, &ctx.actor(), id, &f.rule).await?;
    Ok(Redirect::to(&format!("/staff/basic-catalog/{}#entry-{id}", f.catalog_id)).into_response())
}

#[derive(Deserialize)]
struct EventForm {
    catalog_id: i64,
    #[serde(default)]
    event_on: String,
}

async fn set_event(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<EventForm>,
) -> Result<Response> {
    ctx.require_staff()?;
    flow::set_event(&state, &ctx.actor(), id, &f.event_on).await?;
    Ok(Redirect::to(&format!("/staff/basic-catalog/{}#entry-{id}", f.catalog_id)).into_response())
}

#[derive(Deserialize)]
struct LinkForm {
    catalog_id: i64,
    item_id: i64,
    #[serde(default)]
    entry_id: String,
}

async fn link(State(state): State<WebState>, ctx: Ctx, Form(f): Form<LinkForm>) -> Result<Response> {
    ctx.require_staff()?;
    let entry = match f.entry_id.trim() {
        "" => None,
        s => Some(s.parse::<i64>().map_err(|_| AppError::BadRequest("请选择目录事项".into()))?),
    };
    flow::link_item(&state, &ctx.actor(), f.item_id, entry).await?;
    Ok(Redirect::to(&format!("/staff/basic-catalog/{}", f.catalog_id)).into_response())
}
