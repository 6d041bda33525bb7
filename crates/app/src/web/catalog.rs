//! The public side of 主动公开: the item page (all catalogue metadata, attachments, a print
//! view), the 政府信息公开目录 of every unit and its nodes, the 基层政务公开标准化规范化 special
//! column, Atom feeds per node and per unit, sitemap.xml, and the QR-code table signs of the
//! catalog nodes (SVG, PNG and a print-ready page) for the service halls.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use gongkai_domain::disclosure::{Art20Category, Genre, ItemStatus, Subject, basic_areas};
use gongkai_domain::paging::Page;
use qrcode::{Color, QrCode};
use serde::{Deserialize, Serialize};

use super::WebState;
use super::context::Ctx;
use super::routes::{Access, Route};
use super::templates::render;
use crate::error::{AppError, Result};
use crate::flows::disclosure::{self as flow, AttachmentMeta, ItemBrief, PublicFilter, PublicItemRow};

pub fn routes() -> Vec<Route> {
    vec![
        Route::new("GET", "/items/{id}", Access::Public, get(item_page)),
        Route::new("GET", "/items/{id}/print", Access::Public, get(item_print)),
        Route::new("GET", "/items/{id}/attachments/{aid}", Access::Public, get(public_attachment)),
        Route::new("GET", "/catalog", Access::Public, get(catalog_index)),
        Route::new("GET", "/catalog/{node}", Access::Public, get(node_page)),
        Route::new("GET", "/catalog/{node}/feed.xml", Access::Public, get(node_feed)),
        Route::new("GET", "/catalog/{node}/qr.svg", Access::Public, get(node_qr_svg)),
        Route::new("GET", "/catalog/{node}/qr.png", Access::Public, get(node_qr_png)),
        Route::new("GET", "/catalog/{node}/sign", Access::Public, get(node_sign)),
        Route::new("GET", "/units/{id}", Access::Public, get(unit_page)),
        Route::new("GET", "/units/{id}/feed.xml", Access::Public, get(unit_feed)),
        Route::new("GET", "/special", Access::Public, get(special_column)),
        Route::new("GET", "/sitemap.xml", Access::Public, get(sitemap)),
    ]
}

const PAGE_SIZE: i64 = 20;

/// The public view of an item: only what the reviewer approved, personal data masked.
#[derive(Debug, Clone, Serialize)]
pub struct PublicItem {
    pub item_id: i64,
    pub index_no: String,
    pub title: String,
    pub summary: String,
    pub body_html: String,
    pub publisher: String,
    pub unit_id: i64,
    pub node_id: Option<i64>,
    pub node_title: String,
    pub subject: String,
    pub genre: String,
    pub doc_no: String,
    pub written_on: String,
    pub published_on: String,
    pub validity: String,
    pub validity_since: String,
    pub validity_end: String,
    pub art20: String,
    pub channels: Vec<&'static str>,
    pub expired: bool,
}

impl PublicItem {
    pub fn from_row(r: &PublicItemRow) -> PublicItem {
        PublicItem {
            item_id: r.item_id,
            index_no: r.index_no.clone().unwrap_or_default(),
            title: r.public_title.clone(),
            summary: r.public_summary.clone(),
            body_html: r.public_body_html.clone(),
            publisher: r.unit_name.clone(),
            unit_id: r.unit_id,
            node_id: r.catalog_node_id,
            node_title: r.node_title.clone().unwrap_or_default(),
            subject: Subject::from_code(&r.subject).map(|s| s.label()).unwrap_or("").to_string(),
            genre: Genre::from_code(&r.genre).map(|s| s.label()).unwrap_or("").to_string(),
            doc_no: r.doc_no.clone(),
            written_on: r.written_on.clone().unwrap_or_default(),
            published_on: r.published_on.clone().unwrap_or_default(),
            validity: match r.validity.as_str() {
                "lapsed" => "失效",
                "repealed" => "废止",
                _ => "有效",
            }
            .to_string(),
            validity_since: r.validity_since.clone().unwrap_or_default(),
            validity_end: r.validity_end.clone().unwrap_or_default(),
            art20: Art20Category::from_code(&r.art20)
                .map(|c| format!("{}（{}）", c.item_caption(), c.label()))
                .unwrap_or_default(),
            channels: flow::parse_channels(&r.channels).iter().map(|c| c.label()).collect(),
            expired: r.status == ItemStatus::Expired,
        }
    }
}

/// A published or expired item, or not found (the flow decides).
async fn load_public(state: &WebState, id: i64) -> Result<PublicItemRow> {
    flow::public_item(&state.db, id).await
}

async fn item_page(State(state): State<WebState>, ctx: Ctx, Path(id): Path<i64>) -> Result<Html<String>> {
    let r = load_public(&state, id).await?;
    let attachments = flow::public_attachments_of(&state.db, &r).await?;
    // A policy's interpretations come first on its page (三同步); a deferred one says by when.
    let all = crate::flows::interaction::interpretations_of_public_item(&state.db, &r, crate::state::today()).await?;
    let has_published =
        all.iter().any(|i| i.row.status == gongkai_domain::interaction::InterpretationStatus::Published);
    let deferred: Vec<_> = all
        .iter()
        .filter(|i| i.row.status == gongkai_domain::interaction::InterpretationStatus::Deferred && !has_published)
        .cloned()
        .collect();
    let interpretations: Vec<_> = all
        .into_iter()
        .filter(|i| i.row.status == gongkai_domain::interaction::InterpretationStatus::Published)
        .collect();
    render(
        &state,
        &ctx,
        "portal/item.html",
        crate::page! { nav => "catalog", it => PublicItem::from_row(&r), attachments => attachments, interpretations => interpretations, deferred => deferred },
    )
    .await
}

async fn item_print(State(state): State<WebState>, ctx: Ctx, Path(id): Path<i64>) -> Result<Html<String>> {
    let r = load_public(&state, id).await?;
    let attachments = flow::public_attachments_of(&state.db, &r).await?;
    render(
        &state,
        &ctx,
        "portal/item_print.html",
        crate::page! { it => PublicItem::from_row(&r), attachments => attachments },
    )
    .await
}

/// A stored file with its type, as a download (never sniffed, never inline HTML).
pub fn file_response(meta: AttachmentMeta, bytes: Vec<u8>) -> Response {
    let encoded = super::percent_encode(&meta.filename);
    let inline = meta.content_type.starts_with("image/") || meta.content_type == "application/pdf";
    let disposition = format!("{}; filename*=UTF-8''{encoded}", if inline { "inline" } else { "attachment" });
    (
        [
            (header::CONTENT_TYPE, meta.content_type),
            (header::CONTENT_DISPOSITION, disposition),
            (header::ETAG, format!("\"{}\"", meta.sha256)),
        ],
        bytes,
    )
        .into_response()
}

async fn public_attachment(State(state): State<WebState>, Path((id, aid)): Path<(i64, i64)>) -> Result<Response> {
    load_public(&state, id).await?;
    // Only a file the public list offers: scanned (or checked by hand) and not kept staff-only.
    if !flow::public_attachments(&state.db, id).await?.iter().any(|a| a.attachment_id == aid) {
        return Err(AppError::NotFound);
    }
    let (meta, bytes) = flow::attachment_content(&state.db, aid).await?;
    Ok(file_response(meta, bytes))
}

#[derive(Deserialize)]
struct PageQuery {
    page: Option<String>,
    code: Option<String>,
}

fn pages(total: i64, page: i64) -> minijinja::Value {
    let last = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    crate::page! { page => page, last => last, prev => (page > 1).then_some(page - 1), next => (page < last).then_some(page + 1), total => total }
}

/// The standard tree (by code, across units) and the units, each with its own catalog.
async fn catalog_index(State(state): State<WebState>, ctx: Ctx, Query(q): Query<PageQuery>) -> Result<Html<String>> {
    let units = crate::flows::org::units(&state.db).await?;
    let tree: Vec<_> = flatten_spec(&gongkai_domain::disclosure::standard_catalog(), 0);
    let (items, paging, code_title) = match q.code.as_deref().filter(|c| !c.is_empty()) {
        Some(code) => {
            let f = PublicFilter { node_code: Some(code.to_string()), ..Default::default() };
            let page = i64::from(Page::parse(q.page.as_deref())?.number());
            let (total, items) = flow::page_public(&state.db, &f, PAGE_SIZE, (page - 1) * PAGE_SIZE).await?;
            let title = tree.iter().find(|(c, _, _)| c == code).map(|(_, t, _)| t.clone());
            (items, Some(pages(total, page)), title)
        }
        None => (vec![], None, None),
    };
    let tree: Vec<_> = tree
        .into_iter()
        .map(|(code, title, depth)| crate::page! { code => code, title => title, indent => "　".repeat(depth) })
        .collect();
    render(
        &state,
        &ctx,
        "portal/catalog.html",
        crate::page! { nav => "catalog", units => units, tree => tree, items => items, paging => paging, code => q.code, code_title => code_title },
    )
    .await
}

fn flatten_spec(specs: &[gongkai_domain::disclosure::CatalogNodeSpec], depth: usize) -> Vec<(String, String, usize)> {
    let mut out = vec![];
    for s in specs {
        out.push((s.code.clone(), s.title.clone(), depth));
        out.extend(flatten_spec(&s.children, depth + 1));
    }
    out
}

async fn node_page(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(node): Path<i64>,
    Query(q): Query<PageQuery>,
) -> Result<Html<String>> {
    let n = flow::node(&state.db, node).await?;
    let unit = crate::flows::org::unit(&state.db, n.unit_id).await?.ok_or(AppError::NotFound)?;
    let all = flow::tree_order(flow::nodes_of_unit(&state.db, n.unit_id).await?);
    let children: Vec<_> = all.iter().filter(|(c, _)| c.parent_id == Some(node)).map(|(c, _)| c.clone()).collect();
    let mut trail = vec![];
    let mut at = n.parent_id;
    while let Some(p) = at.and_then(|id| all.iter().find(|(c, _)| c.catalog_node_id == id)) {
        trail.insert(0, p.0.clone());
        at = p.0.parent_id;
    }
    let page = i64::from(Page::parse(q.page.as_deref())?.number());
    let f = PublicFilter { node_id: Some(node), ..Default::default() };
    let (total, items) = flow::page_public(&state.db, &f, PAGE_SIZE, (page - 1) * PAGE_SIZE).await?;
    // An area of the special column shows the unit's 标准目录 with the items under each entry.
    let basic = crate::flows::basic_catalog::area_table(&state, n.unit_id, &n.code).await?;
    render(
        &state,
        &ctx,
        "portal/node.html",
        crate::page! { nav => "catalog", node => n, unit => unit, children => children, trail => trail, items => items, paging => pages(total, page), basic => basic },
    )
    .await
}

async fn unit_page(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<PageQuery>,
) -> Result<Html<String>> {
    let unit = crate::flows::org::unit(&state.db, id).await?.ok_or(AppError::NotFound)?;
    let counts: std::collections::HashMap<i64, i64> =
        flow::public_counts_by_node(&state.db, id).await?.into_iter().collect();
    let nodes: Vec<_> = flow::catalog(&state.db, id)
        .await?
        .into_iter()
        .map(|(n, d)| crate::page! { count => counts.get(&n.catalog_node_id).copied().unwrap_or(0), n => n, indent => "　".repeat(d) })
        .collect();
    let page = i64::from(Page::parse(q.page.as_deref())?.number());
    let f = PublicFilter { unit_id: Some(id), ..Default::default() };
    let (total, items) = flow::page_public(&state.db, &f, PAGE_SIZE, (page - 1) * PAGE_SIZE).await?;
    render(
        &state,
        &ctx,
        "portal/unit.html",
        crate::page! { nav => "catalog", unit => unit, nodes => nodes, items => items, paging => pages(total, page) },
    )
    .await
}

/// The 基层政务公开标准化规范化 special column, across all units: its sub-columns and the 26 areas.
async fn special_column(State(state): State<WebState>, ctx: Ctx, Query(q): Query<PageQuery>) -> Result<Html<String>> {
    let code = q.code.clone().filter(|c| c.starts_with("basic") || c.starts_with("area_"));
    let page = i64::from(Page::parse(q.page.as_deref())?.number());
    let f = match &code {
        Some(c) => PublicFilter { node_code: Some(c.clone()), ..Default::default() },
        None => special_column_filter(),
    };
    let (total, items) = flow::page_public(&state.db, &f, PAGE_SIZE, (page - 1) * PAGE_SIZE).await?;
    let sections = special_sections();
    let title = code
        .as_ref()
        .and_then(|c| sections.iter().chain(area_sections().iter()).find(|(k, _)| k == c).map(|(_, t)| t.clone()));
    render(
        &state,
        &ctx,
        "portal/special.html",
        crate::page! { nav => "special", sections => sections, areas => area_sections(), items => items, paging => pages(total, page), code => code, title => title },
    )
    .await
}

/// The special column's items: its sub-columns' ("basic…") and its areas' ("area_…"), one list.
fn special_column_filter() -> PublicFilter {
    PublicFilter { node_code_prefixes: vec!["basic".into(), "area_".into()], ..Default::default() }
}

fn special_sections() -> Vec<(String, String)> {
    gongkai_domain::disclosure::standard_catalog()
        .into_iter()
        .find(|n| n.code == "basic")
        .map(|n| n.children.into_iter().map(|c| (c.code, c.title)).collect())
        .unwrap_or_default()
}

fn area_sections() -> Vec<(String, String)> {
    basic_areas().iter().map(|a| (format!("area_{}", a.code), format!("{}领域", a.title))).collect()
}

/// What the home page shows of 主动公开: the latest items and the special column.
pub async fn home_extras(state: &WebState) -> Result<minijinja::Value> {
    let latest = flow::list_public(&state.db, &PublicFilter::default(), 12, 0).await?;
    let special = flow::list_public(&state.db, &special_column_filter(), 8, 0).await?;
    Ok(crate::page! { latest => latest, special => special, special_sections => special_sections() })
}

/// The site's address for feeds, sitemaps and QR codes: the `site_url` setting, else the
/// request's Host.
fn base_url(state: &WebState, headers: &HeaderMap) -> String {
    let s = state.setting("site_url");
    if !s.trim().is_empty() {
        return s.trim().trim_end_matches('/').to_string();
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    format!("http://{host}")
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&apos;")
}

/// An Atom feed of items.
pub fn atom(title: &str, self_url: &str, base: &str, items: &[ItemBrief]) -> String {
    let updated = items.first().and_then(|i| i.published_on.clone()).unwrap_or_else(|| "2000-01-01".into());
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<title>{}</title>\n<id>{}</id>\n<link rel=\"self\" href=\"{}\"/>\n<updated>{}T00:00:00+08:00</updated>\n",
        xml_escape(title),
        xml_escape(self_url),
        xml_escape(self_url),
        xml_escape(&updated)
    );
    for i in items {
        let url = format!("{base}/items/{}", i.item_id);
        out.push_str(&format!(
            "<entry><title>{}</title><id>{}</id><link href=\"{}\"/><updated>{}T00:00:00+08:00</updated><author><name>{}</name></author><summary>{}</summary></entry>\n",
            xml_escape(&i.public_title),
            xml_escape(&url),
            xml_escape(&url),
            xml_escape(i.published_on.as_deref().unwrap_or("2000-01-01")),
            xml_escape(&i.unit_name),
            xml_escape(&format!("索引号：{}", i.index_no.as_deref().unwrap_or(""))),
        ));
    }
    out.push_str("</feed>\n");
    out
}

fn xml_response(content_type: &'static str, body: String) -> Response {
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}

async fn node_feed(State(state): State<WebState>, headers: HeaderMap, Path(node): Path<i64>) -> Result<Response> {
    let n = flow::node(&state.db, node).await?;
    let unit = crate::flows::org::unit(&state.db, n.unit_id).await?.ok_or(AppError::NotFound)?;
    let items =
        flow::list_public(&state.db, &PublicFilter { node_id: Some(node), ..Default::default() }, 50, 0).await?;
    let base = base_url(&state, &headers);
    let body = atom(&format!("{} · {}", unit.name, n.title), &format!("{base}/catalog/{node}/feed.xml"), &base, &items);
    Ok(xml_response("application/atom+xml; charset=utf-8", body))
}

async fn unit_feed(State(state): State<WebState>, headers: HeaderMap, Path(id): Path<i64>) -> Result<Response> {
    let unit = crate::flows::org::unit(&state.db, id).await?.ok_or(AppError::NotFound)?;
    let items = flow::list_public(&state.db, &PublicFilter { unit_id: Some(id), ..Default::default() }, 50, 0).await?;
    let base = base_url(&state, &headers);
    let body = atom(&format!("{} 政府信息公开", unit.name), &format!("{base}/units/{id}/feed.xml"), &base, &items);
    Ok(xml_response("application/atom+xml; charset=utf-8", body))
}

async fn sitemap(State(state): State<WebState>, headers: HeaderMap) -> Result<Response> {
    let base = base_url(&state, &headers);
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for path in ["/", "/catalog", "/special", "/units", "/guide", "/reports", "/applications/new"] {
        out.push_str(&format!("<url><loc>{}</loc></url>\n", xml_escape(&format!("{base}{path}"))));
    }
    for u in crate::flows::org::units(&state.db).await? {
        out.push_str(&format!("<url><loc>{}</loc></url>\n", xml_escape(&format!("{base}/units/{}", u.unit_id))));
    }
    // A sitemap file holds at most 50,000 URLs.
    for (id, updated) in flow::sitemap_entries(&state.db, 49_000).await? {
        out.push_str(&format!(
            "<url><loc>{}</loc><lastmod>{}</lastmod></url>\n",
            xml_escape(&format!("{base}/items/{id}")),
            xml_escape(updated.get(..10).unwrap_or(&updated))
        ));
    }
    out.push_str("</urlset>\n");
    Ok(xml_response("application/xml; charset=utf-8", out))
}

// --- QR-code table signs ---

fn qr(url: &str) -> Result<QrCode> {
    QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("QR code: {e}")))
}

pub fn qr_svg(url: &str) -> Result<String> {
    Ok(qr(url)?.render::<qrcode::render::svg::Color>().min_dimensions(240, 240).quiet_zone(true).build())
}

/// The code as a grayscale PNG: `scale` pixels per module, a 4-module quiet zone.
pub fn qr_png(url: &str, scale: u32) -> Result<Vec<u8>> {
    let code = qr(url)?;
    png_of_modules(code.width() as u32, &code.to_colors(), scale)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("PNG: {e}")))
}

pub fn png_of_modules(width: u32, modules: &[Color], scale: u32) -> std::result::Result<Vec<u8>, png::EncodingError> {
    let quiet = 4;
    let side = (width + 2 * quiet) * scale;
    let mut pixels = vec![255u8; (side * side) as usize];
    for (i, m) in modules.iter().enumerate() {
        if *m != Color::Dark {
            continue;
        }
        let (mx, my) = (i as u32 % width + quiet, i as u32 / width + quiet);
        for y in my * scale..(my + 1) * scale {
            let row = (y * side) as usize;
            pixels[row + (mx * scale) as usize..row + ((mx + 1) * scale) as usize].fill(0);
        }
    }
    let mut out = vec![];
    {
        let mut enc = png::Encoder::new(&mut out, side, side);
        enc.set_color(png::ColorType::Grayscale);
        enc.set_depth(png::BitDepth::Eight);
        let mut w = enc.write_header()?;
        w.write_image_data(&pixels)?;
    }
    Ok(out)
}

async fn node_url(state: &WebState, headers: &HeaderMap, node: i64) -> Result<(String, flow::CatalogNodeRow)> {
    let n = flow::node(&state.db, node).await?;
    Ok((format!("{}/catalog/{node}", base_url(state, headers)), n))
}

async fn node_qr_svg(State(state): State<WebState>, headers: HeaderMap, Path(node): Path<i64>) -> Result<Response> {
    let (url, _) = node_url(&state, &headers, node).await?;
    Ok(xml_response("image/svg+xml", qr_svg(&url)?))
}

async fn node_qr_png(State(state): State<WebState>, headers: HeaderMap, Path(node): Path<i64>) -> Result<Response> {
    let (url, _) = node_url(&state, &headers, node).await?;
    Ok(([(header::CONTENT_TYPE, "image/png")], qr_png(&url, 10)?).into_response())
}

async fn node_sign(
    State(state): State<WebState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(node): Path<i64>,
) -> Result<Html<String>> {
    let (url, n) = node_url(&state, &headers, node).await?;
    let unit = crate::flows::org::unit(&state.db, n.unit_id).await?.ok_or(AppError::NotFound)?;
    render(&state, &ctx, "portal/sign.html", crate::page! { node => n, unit => unit, url => url }).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_has_quiet_zone_and_scaled_modules() {
        let png = qr_png("http://example.org/catalog/1", 3).expect("png");
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
        let decoder = png::Decoder::new(std::io::Cursor::new(png));
        let mut reader = decoder.read_info().expect("header");
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).expect("frame");
        let side = info.width as usize;
        assert_eq!(info.width, info.height);
        // The corner is quiet (white); the finder pattern starts dark right after the zone.
        assert_eq!(buf[0], 255);
        assert_eq!(buf[(4 * 3) * side + 4 * 3], 0);
    }

    #[test]
    fn svg_is_an_svg() {
        let s = qr_svg("http://example.org/catalog/1").expect("svg");
        assert!(s.contains("<svg"));
    }

    #[test]
    fn atom_escapes_titles() {
        let item = ItemBrief {
            item_id: 7,
            unit_id: 1,
            unit_name: "汝州市财政局".into(),
            status: ItemStatus::Published,
            index_no: Some("x/2020-00001".into()),
            title: "a".into(),
            public_title: "关于<预算>&公开".into(),
            doc_no: String::new(),
            art20: String::new(),
            formed_on: "2020-01-01".into(),
            due_on: "2020-02-01".into(),
            published_on: Some("2020-01-05".into()),
            late: 0,
            validity: "effective".into(),
            node_title: None,
        };
        let a = atom("t", "http://h/feed.xml", "http://h", &[item]);
        assert!(a.contains("关于&lt;预算&gt;&amp;公开"));
        assert!(a.contains("<link href=\"http://h/items/7\"/>"));
    }
}
