//! Open data: read endpoints for everything public, described by OpenAPI 3.1 generated from the
//! handlers' own types (utoipa), served at /api/v1/openapi.json with a page for people at /api.
//! Lists of items page by a stable cursor (the last id seen) and answer with an ETag (a repeated
//! request with If-None-Match is 304); bulk exports per unit and year as CSV and JSONL. Nothing
//! here is personal: messages carry their public (masked) text, never the writer.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use serde::{Deserialize, Serialize};
use sha2::Digest;
use utoipa::{IntoParams, OpenApi, ToSchema};

use super::WebState;
use super::context::Ctx;
use super::routes::{Access, Route};
use super::templates::render;
use crate::error::{ApiError, AppError};
use crate::flows::disclosure as items;
use crate::state::today;

type ApiResult<T> = Result<T, ApiError>;

pub fn routes() -> Vec<Route> {
    vec![
        Route::new("GET", "/api", Access::Public, get(api_page)),
        Route::new("GET", "/api/v1/openapi.json", Access::Public, get(openapi_json)),
        Route::new("GET", "/api/v1/catalog/{unit_id}", Access::Public, get(catalog)),
        Route::new("GET", "/api/v1/items", Access::Public, get(item_list)),
        Route::new("GET", "/api/v1/items.csv", Access::Public, get(items_csv)),
        Route::new("GET", "/api/v1/items.jsonl", Access::Public, get(items_jsonl)),
        Route::new("GET", "/api/v1/items/{id}", Access::Public, get(item)),
        Route::new("GET", "/api/v1/reports", Access::Public, get(reports)),
        Route::new("GET", "/api/v1/reports/{id}", Access::Public, get(report)),
        Route::new("GET", "/api/v1/interpretations", Access::Public, get(interpretations)),
        Route::new("GET", "/api/v1/messages", Access::Public, get(messages)),
    ]
}

/// The description of the public API.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Gongkai 政府信息公开 open data API",
        version = "1",
        description = "Everything the portal publishes, as data: units, the catalog, published items with their attachments, annual reports, policy interpretations, answered messages, the 民生 boards' masked rows, search, the working-day calendar, and tracking an application for 依申请公开 (submitting one: POST /api/v1/applications with the form's fields as JSON). Errors are {\"error\": {\"code\", \"message\", \"fields\"}}."
    ),
    paths(
        units_doc,
        catalog,
        item_list,
        item,
        items_csv,
        items_jsonl,
        reports,
        report,
        interpretations,
        messages,
        search_doc,
        due_doc,
        track_doc,
        funds_doc,
        projects_doc,
    ),
    components(schemas(ErrorBody, ErrorDetail, FieldMessage))
)]
pub struct ApiDoc;

/// An error answer.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// not_found, bad_request, bad_page, invalid, too_many_requests …
    pub code: String,
    /// What is wrong, in Chinese, for the person using the client.
    pub message: String,
    /// Per-field messages of a form that was refused (empty otherwise).
    pub fields: Vec<FieldMessage>,
}

#[derive(Serialize, ToSchema)]
pub struct FieldMessage {
    pub field: String,
    pub message: String,
}

/// GET /api/v1/openapi.json
async fn openapi_json() -> Response {
    let json = ApiDoc::openapi().to_pretty_json().unwrap_or_else(|_| "{}".into());
    ([(header::CONTENT_TYPE, "application/json")], json).into_response()
}

/// GET /api: the API for people — every path with what it answers.
async fn api_page(State(state): State<WebState>, ctx: Ctx) -> crate::error::Result<Html<String>> {
    let doc = ApiDoc::openapi();
    let mut paths: Vec<(String, String, String)> = Vec::new();
    for (path, item) in &doc.paths.paths {
        for (method, op) in [("GET", &item.get), ("POST", &item.post)] {
            if let Some(op) = op {
                let summary = op.summary.clone().or_else(|| op.description.clone()).unwrap_or_default();
                paths.push((method.to_string(), path.clone(), summary));
            }
        }
    }
    render(&state, &ctx, "portal/api.html", crate::page! { paths => paths }).await
}

/// An answer with an ETag; 304 when the client already has it.
fn with_etag<T: Serialize>(headers: &HeaderMap, body: &T) -> Response {
    let json = match serde_json::to_vec(body) {
        Ok(j) => j,
        Err(e) => return ApiError::from(AppError::Internal(e.into())).into_response(),
    };
    let tag = format!("\"{}\"", hex(&sha2::Sha256::digest(&json)[..12]));
    let hv = HeaderValue::from_str(&tag).unwrap_or(HeaderValue::from_static("\"0\""));
    if headers.get(header::IF_NONE_MATCH).is_some_and(|v| v.as_bytes() == tag.as_bytes()) {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, hv)]).into_response();
    }
    ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json")), (header::ETAG, hv)], json).into_response()
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

// ---------------------------------------------------------------------------------------------
// Catalog and items

/// A column of a unit's catalog.
#[derive(Serialize, ToSchema)]
pub struct CatalogNode {
    pub node_id: i64,
    pub parent_id: Option<i64>,
    pub code: String,
    pub title: String,
    /// Published items filed directly under it.
    pub items: i64,
    pub url: String,
}

/// The catalog of one unit (政府信息公开目录), as a flat list of columns with their parents.
#[utoipa::path(get, path = "/api/v1/catalog/{unit_id}", params(("unit_id" = i64, Path, description = "The unit")),
    responses((status = 200, description = "The unit's columns", body = Vec<CatalogNode>),
              (status = 404, description = "No such unit", body = ErrorBody)))]
async fn catalog(State(state): State<WebState>, Path(unit_id): Path<i64>) -> ApiResult<Json<Vec<CatalogNode>>> {
    crate::flows::org::units(&state.db).await?.iter().find(|u| u.unit_id == unit_id).ok_or(AppError::NotFound)?;
    let counts = items::public_counts_by_node(&state.db, unit_id).await?;
    let nodes = items::nodes_of_unit(&state.db, unit_id).await?;
    Ok(Json(
        nodes
            .into_iter()
            .map(|n| CatalogNode {
                items: counts.iter().find(|(id, _)| *id == n.catalog_node_id).map_or(0, |(_, c)| *c),
                url: format!("/catalog/{}", n.catalog_node_id),
                node_id: n.catalog_node_id,
                parent_id: n.parent_id,
                code: n.code,
                title: n.title,
            })
            .collect(),
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ItemQuery {
    /// Only this unit's items
    unit: Option<i64>,
    /// Only this column's items
    node: Option<i64>,
    /// Only items published in this year
    year: Option<i32>,
    /// The `next_cursor` of the previous page
    cursor: Option<String>,
    /// Items a page (1–500, default 100)
    limit: Option<String>,
}

/// A published item (主动公开信息) with its metadata.
#[derive(Serialize, ToSchema)]
pub struct Item {
    pub item_id: i64,
    /// 索引号
    pub index_no: Option<String>,
    pub title: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub column: Option<String>,
    /// 发文字号
    pub doc_no: String,
    /// 成文/形成日期
    pub formed_on: String,
    pub published_on: Option<String>,
    /// 有效性: effective, amended, repealed, expired …
    pub validity: String,
    /// Published after the statutory 20 working days (条例第二十六条).
    pub late: bool,
    pub url: String,
}

fn item_of(b: items::ItemBrief) -> Item {
    Item {
        url: format!("/items/{}", b.item_id),
        item_id: b.item_id,
        index_no: b.index_no,
        // The masked title: the draft's may hold what an override let through.
        title: b.public_title,
        unit_id: b.unit_id,
        unit_name: b.unit_name,
        column: b.node_title,
        doc_no: b.doc_no,
        formed_on: b.formed_on,
        published_on: b.published_on,
        validity: b.validity,
        late: b.late != 0,
    }
}

/// One page of published items.
#[derive(Serialize, ToSchema)]
pub struct ItemPage {
    pub items: Vec<Item>,
    /// Give it as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

fn cursor(raw: Option<&str>) -> Result<i64, AppError> {
    match raw.map(str::trim).filter(|c| !c.is_empty()) {
        None => Ok(0),
        Some(c) => c
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 0)
            .ok_or_else(|| AppError::BadRequest("cursor 无效：请使用上一页返回的 next_cursor".into())),
    }
}

/// Published items, oldest first, a page after `cursor`: the pages stay the same while new items
/// are published (they come at the end). With an ETag.
#[utoipa::path(get, path = "/api/v1/items", params(ItemQuery),
    responses((status = 200, description = "A page of items", body = ItemPage),
              (status = 304, description = "Unchanged since the ETag given in If-None-Match"),
              (status = 400, description = "A limit out of its bounds", body = ErrorBody),
              (status = 422, description = "A cursor this API did not give", body = ErrorBody)))]
async fn item_list(
    State(state): State<WebState>,
    headers: HeaderMap,
    Query(q): Query<ItemQuery>,
) -> ApiResult<Response> {
    let limit = gongkai_domain::paging::limit(q.limit.as_deref(), 100, 500).map_err(AppError::from)?;
    let after = cursor(q.cursor.as_deref())?;
    let rows = items::public_after(&state.db, q.unit, q.node, q.year, after, i64::from(limit)).await?;
    let next_cursor = (rows.len() == limit as usize).then(|| rows.last().map(|r| r.item_id.to_string())).flatten();
    let page = ItemPage { items: rows.into_iter().map(item_of).collect(), next_cursor };
    Ok(with_etag(&headers, &page))
}

/// An attachment as the public downloads it.
#[derive(Serialize, ToSchema)]
pub struct Attachment {
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub url: String,
}

/// One item with its text and its public attachments.
#[derive(Serialize, ToSchema)]
pub struct ItemDetail {
    #[serde(flatten)]
    pub item: Item,
    pub summary: String,
    /// The body as published (HTML, sanitized).
    pub body_html: String,
    pub attachments: Vec<Attachment>,
}

/// A published item; anything not published is 404.
#[utoipa::path(get, path = "/api/v1/items/{id}", params(("id" = i64, Path, description = "The item")),
    responses((status = 200, description = "The item", body = ItemDetail),
              (status = 304, description = "Unchanged since the ETag given in If-None-Match"),
              (status = 404, description = "Not published, or no such item", body = ErrorBody)))]
async fn item(State(state): State<WebState>, headers: HeaderMap, Path(id): Path<i64>) -> ApiResult<Response> {
    let row = items::public_item(&state.db, id).await?;
    let attachments = items::public_attachments_of(&state.db, &row)
        .await?
        .into_iter()
        .map(|a| Attachment {
            url: format!("/items/{id}/attachments/{}", a.attachment_id),
            filename: a.filename,
            content_type: a.content_type,
            size_bytes: a.size_bytes,
            sha256: a.sha256,
        })
        .collect();
    let detail = ItemDetail {
        item: Item {
            url: format!("/items/{}", row.item_id),
            item_id: row.item_id,
            index_no: row.index_no.clone(),
            title: row.public_title.clone(),
            unit_id: row.unit_id,
            unit_name: row.unit_name.clone(),
            column: row.node_title.clone(),
            doc_no: row.doc_no.clone(),
            formed_on: row.formed_on.clone(),
            published_on: row.published_on.clone(),
            validity: row.validity.clone(),
            late: row.late != 0,
        },
        summary: row.public_summary.clone(),
        body_html: row.public_body_html.clone(),
        attachments,
    };
    Ok(with_etag(&headers, &detail))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BulkQuery {
    /// The unit whose items are exported
    unit: i64,
    /// The year of publication
    year: i32,
}

/// Every item of one unit published in one year, a batch at a time.
async fn bulk(state: &WebState, q: &BulkQuery) -> crate::error::Result<Vec<Item>> {
    let mut out = Vec::new();
    let mut after = 0;
    loop {
        let rows = items::public_after(&state.db, Some(q.unit), None, Some(q.year), after, 1000).await?;
        let done = rows.len() < 1000;
        after = rows.last().map_or(after, |r| r.item_id);
        out.extend(rows.into_iter().map(item_of));
        if done {
            return Ok(out);
        }
    }
}

/// Bulk export: one unit's items of one year as CSV (UTF-8 with BOM, for Excel).
#[utoipa::path(get, path = "/api/v1/items.csv", params(BulkQuery),
    responses((status = 200, description = "CSV: item_id, index_no, title, unit, column, doc_no, formed_on, published_on, validity, late, url", content_type = "text/csv", body = String)))]
async fn items_csv(State(state): State<WebState>, Query(q): Query<BulkQuery>) -> ApiResult<Response> {
    let rows = bulk(&state, &q).await?;
    let field = |s: &str| {
        // A cell starting with = + - @ is text, not a formula, when Excel opens it.
        let s = if s.starts_with(['=', '+', '-', '@']) { format!("'{s}") } else { s.to_string() };
        format!("\"{}\"", s.replace('"', "\"\""))
    };
    let mut csv =
        String::from("\u{feff}item_id,index_no,title,unit,column,doc_no,formed_on,published_on,validity,late,url\r\n");
    for r in rows {
        let cells = [
            r.item_id.to_string(),
            field(r.index_no.as_deref().unwrap_or("")),
            field(&r.title),
            field(&r.unit_name),
            field(r.column.as_deref().unwrap_or("")),
            field(&r.doc_no),
            r.formed_on,
            r.published_on.unwrap_or_default(),
            r.validity,
            u8::from(r.late).to_string(),
            r.url,
        ];
        csv.push_str(&cells.join(","));
        csv.push_str("\r\n");
    }
    let name = format!("items-{}-{}.csv", q.unit, q.year);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        csv,
    )
        .into_response())
}

/// Bulk export: one unit's items of one year, one JSON object (as in /api/v1/items) a line.
#[utoipa::path(get, path = "/api/v1/items.jsonl", params(BulkQuery),
    responses((status = 200, description = "JSON Lines: one Item a line", content_type = "application/x-ndjson", body = String)))]
async fn items_jsonl(State(state): State<WebState>, Query(q): Query<BulkQuery>) -> ApiResult<Response> {
    let rows = bulk(&state, &q).await?;
    let mut out = String::new();
    for r in rows {
        out.push_str(&serde_json::to_string(&r).map_err(|e| AppError::Internal(e.into()))?);
        out.push('\n');
    }
    Ok(([(header::CONTENT_TYPE, "application/x-ndjson; charset=utf-8")], out).into_response())
}

// ---------------------------------------------------------------------------------------------
// Reports, interpretations, messages

/// A published annual report (政府信息公开工作年度报告).
#[derive(Serialize, ToSchema)]
pub struct ReportSummary {
    pub report_id: i64,
    /// The unit; absent for the government as a whole.
    pub unit_id: Option<i64>,
    pub organ: String,
    pub year: i64,
    pub version: i64,
    pub published_at: Option<String>,
    /// The report's figures as `gongkai report build --to json` writes them.
    pub json_url: String,
    pub url: String,
}

/// Every published report (each version: a correction is a new version).
#[utoipa::path(get, path = "/api/v1/reports", responses((status = 200, description = "Published reports", body = Vec<ReportSummary>)))]
async fn reports(State(state): State<WebState>) -> ApiResult<Json<Vec<ReportSummary>>> {
    Ok(Json(
        crate::flows::report::published(&state.db)
            .await?
            .into_iter()
            .map(|r| ReportSummary {
                json_url: format!("/api/v1/reports/{}", r.report_id),
                url: format!("/reports/{}", r.report_id),
                report_id: r.report_id,
                unit_id: r.unit_id,
                organ: r.organ,
                year: r.year,
                version: r.version,
                published_at: r.published_at,
            })
            .collect(),
    ))
}

/// One published report's figures and text: the format's sections and tables 二, 三 and 四 (as
/// `gongkai report build --to json` writes them; `gongkai report render` prints it).
#[utoipa::path(get, path = "/api/v1/reports/{id}", params(("id" = i64, Path, description = "The report")),
    responses((status = 200, description = "The report", body = Object),
              (status = 404, description = "Not published, or no such report", body = ErrorBody)))]
async fn report(State(state): State<WebState>, headers: HeaderMap, Path(id): Path<i64>) -> ApiResult<Response> {
    let row = crate::flows::report::load(&state.db, None, id).await?;
    let body = crate::flows::report::body(&row)?;
    Ok(with_etag(&headers, &body))
}

/// A published policy interpretation (政策解读).
#[derive(Serialize, ToSchema)]
pub struct Interpretation {
    pub interpretation_id: i64,
    pub title: String,
    /// The policy it interprets.
    pub policy_title: String,
    pub policy_item_url: Option<String>,
    /// 文字解读, 图解, 音视频 …
    pub form: String,
    pub unit_name: Option<String>,
    pub published_on: Option<String>,
    /// Its sections in the standard order (背景依据, 主要内容 …).
    pub sections: Vec<Section>,
    pub url: String,
}

/// A section of an interpretation.
#[derive(Serialize, ToSchema)]
pub struct Section {
    pub heading: String,
    pub paragraphs: Vec<String>,
}

/// Every published interpretation.
#[utoipa::path(get, path = "/api/v1/interpretations", responses((status = 200, description = "Published interpretations", body = Vec<Interpretation>)))]
async fn interpretations(State(state): State<WebState>) -> ApiResult<Json<Vec<Interpretation>>> {
    let list = crate::flows::interaction::interpretations(&state.db, None, today()).await?;
    Ok(Json(
        list.into_iter()
            .filter(|i| i.row.status == gongkai_domain::interaction::InterpretationStatus::Published)
            .map(|i| Interpretation {
                url: format!("/interpretations/{}", i.row.interpretation_id),
                policy_item_url: i.row.policy_item_id.map(|p| format!("/items/{p}")),
                interpretation_id: i.row.interpretation_id,
                title: i.row.title,
                policy_title: i.row.policy_title,
                form: i.form_label.to_string(),
                unit_name: i.row.unit_name,
                published_on: i.row.published_on,
                sections: i.sections.into_iter().map(|(heading, paragraphs)| Section { heading, paragraphs }).collect(),
            })
            .collect(),
    ))
}

/// A message answered in public (政民互动): its public text only — never who wrote it.
#[derive(Serialize, ToSchema)]
pub struct Message {
    pub message_id: i64,
    /// 咨询, 建议, 投诉 …
    pub kind: String,
    pub unit_name: Option<String>,
    pub subject: String,
    pub question: String,
    pub answer: String,
    pub submitted_on: String,
    pub answered_on: Option<String>,
    pub url: String,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MessageQuery {
    /// Words in the subject or text
    q: Option<String>,
}

/// The messages answered in public, newest first (at most 200).
#[utoipa::path(get, path = "/api/v1/messages", params(MessageQuery), responses((status = 200, description = "Answered messages", body = Vec<Message>)))]
async fn messages(State(state): State<WebState>, Query(q): Query<MessageQuery>) -> ApiResult<Json<Vec<Message>>> {
    let list = crate::flows::interaction::public_list(&state, q.q.as_deref().unwrap_or(""), today()).await?;
    Ok(Json(
        list.into_iter()
            .map(|m| Message {
                url: format!("/interaction/{}", m.row.message_id),
                message_id: m.row.message_id,
                kind: m.kind_label.to_string(),
                unit_name: m.row.unit_name.clone(),
                subject: m.row.public_subject.clone(),
                question: m.row.public_body.clone(),
                answer: m.public_answer.clone(),
                submitted_on: m.row.submitted_on.clone(),
                answered_on: m.row.answered_on.clone(),
            })
            .collect(),
    ))
}

// ---------------------------------------------------------------------------------------------
// The public endpoints that live with their areas (api.rs, search.rs, livelihood): described here,
// with the types their handlers answer with; the test holds every answer to these schemas.

/// The units of the government (市直单位, 乡镇/街道) with their public contacts.
#[utoipa::path(get, path = "/api/v1/units", responses((status = 200, description = "Units", body = Vec<crate::flows::org::UnitRow>)))]
#[allow(dead_code)]
fn units_doc() {}

/// Full-text search (Chinese word segmentation) over published items and interpretations.
#[utoipa::path(get, path = "/api/v1/search",
    params(("q" = String, Query, description = "Words"), ("unit" = Option<String>, Query, description = "Unit id"),
           ("year" = Option<String>, Query, description = "Year published"), ("page" = Option<String>, Query, description = "Page (from 1)")),
    responses((status = 200, description = "Hits", body = crate::search::SearchResult),
              (status = 400, description = "A page out of its bounds", body = ErrorBody),
              (status = 422, description = "A filter that is not understood", body = ErrorBody)))]
#[allow(dead_code)]
fn search_doc() {}

/// The statutory deadline: `days` working days after `date` (national holidays and 调休 counted).
#[utoipa::path(get, path = "/api/v1/calendar/due",
    params(("date" = String, Query, description = "YYYY-MM-DD"), ("days" = u32, Query, description = "Working days, 0–366")),
    responses((status = 200, description = "The due date", body = super::api::Due),
              (status = 422, description = "A date that is not YYYY-MM-DD, or more than 366 days", body = ErrorBody)))]
#[allow(dead_code)]
fn due_doc() {}

/// An application's status by its tracking code and secret: dates and steps, never personal data.
#[utoipa::path(get, path = "/api/v1/applications/{code}",
    params(("code" = String, Path, description = "Tracking code"), ("secret" = String, Query, description = "The secret given on submission")),
    responses((status = 200, description = "The status", body = crate::flows::application::PublicStatus),
              (status = 404, description = "No such code, or a wrong secret", body = ErrorBody)))]
#[allow(dead_code)]
fn track_doc() {}

/// 民生资金 paid, masked (names and ID numbers), with totals per program and village.
#[utoipa::path(get, path = "/api/v1/livelihood/funds",
    params(("program" = Option<String>, Query, description = "Program id"), ("village" = Option<String>, Query, description = "Village id"),
           ("period" = Option<String>, Query, description = "Period"), ("page" = Option<String>, Query, description = "Page (from 1)")),
    responses((status = 200, description = "Masked rows and totals", body = crate::flows::livelihood::FundView)))]
#[allow(dead_code)]
fn funds_doc() {}

/// 民生项目 with budget, progress and stage.
#[utoipa::path(get, path = "/api/v1/livelihood/projects",
    params(("village" = Option<String>, Query, description = "Village id")),
    responses((status = 200, description = "Projects", body = Vec<crate::flows::livelihood::ProjectView>)))]
#[allow(dead_code)]
fn projects_doc() {}
