//! Search: the HTML page /search and `GET /api/v1/search?q=…&unit=…&page=…`.

use axum::Json;
use axum::extract::{Query, State};
use axum::response::Html;
use axum::routing::get;
use gongkai_domain::disclosure::Art20Category;

use super::WebState;
use super::context::Ctx;
use super::routes::{Access, Route};
use super::templates::render;
use crate::error::{ApiError, AppError, Result};
use crate::search::{self, SearchQuery, SearchResult};

pub fn routes() -> Vec<Route> {
    vec![Route::new("GET", "/search", Access::Public, get(search_page))]
}

fn run(state: &WebState, q: &SearchQuery) -> Result<SearchResult> {
    let index = search::open(&state.config.data_dir).map_err(AppError::Internal)?;
    if !index.is_ready() {
        return Err(AppError::Unavailable("检索索引正在建立，暂时无法检索，请稍后再试（不是没有结果）".into()));
    }
    index.search(q).map_err(AppError::Internal)
}

/// Empty strings from a GET form mean "no filter".
fn clean(mut q: SearchQuery) -> SearchQuery {
    let none_if_empty = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
    q.category = none_if_empty(q.category);
    q.art20 = none_if_empty(q.art20);
    q.validity = none_if_empty(q.validity);
    q.sort = none_if_empty(q.sort);
    q.q = q.q.chars().take(100).collect();
    q
}

/// The raw query string, with numeric filters that may be empty ("unit=").
#[derive(serde::Deserialize)]
pub struct RawQuery {
    #[serde(default)]
    q: String,
    unit: Option<String>,
    category: Option<String>,
    art20: Option<String>,
    year: Option<String>,
    validity: Option<String>,
    sort: Option<String>,
    page: Option<String>,
}

impl TryFrom<RawQuery> for SearchQuery {
    type Error = gongkai_domain::paging::PagingError;
    fn try_from(r: RawQuery) -> std::result::Result<SearchQuery, Self::Error> {
        let page = gongkai_domain::paging::Page::parse(r.page.as_deref())?;
        let num = |v: Option<String>| v.and_then(|s| s.trim().parse().ok());
        Ok(clean(SearchQuery {
            q: r.q,
            unit: num(r.unit.clone()),
            category: r.category,
            art20: r.art20,
            year: num(r.year),
            validity: r.validity,
            sort: r.sort,
            page: Some(page.number() as usize),
        }))
    }
}

async fn search_page(State(state): State<WebState>, ctx: Ctx, Query(raw): Query<RawQuery>) -> Result<Html<String>> {
    state.limiter.limit("search", ctx.ip, 600)?;
    let sq = SearchQuery::try_from(raw).map_err(AppError::from)?;
    let result = run(&state, &sq)?;
    let last = result.total.div_ceil(search::PER_PAGE).max(1);
    let units = crate::flows::org::units(&state.db).await?;
    let art20: Vec<_> =
        Art20Category::ALL.iter().map(|c| crate::page! { code => c.code(), label => c.label() }).collect();
    render(
        &state,
        &ctx,
        "portal/search.html",
        crate::page! { nav => "search", q => sq.q, sq => sq, result => result, last => last, units => units, art20 => art20 },
    )
    .await
}

/// `GET /api/v1/search`: {total, page, per_page, hits: [{id, title, index_no, publisher, published, snippet}]}.
pub async fn api_search(
    State(state): State<WebState>,
    ctx: Ctx,
    Query(raw): Query<RawQuery>,
) -> std::result::Result<Json<SearchResult>, ApiError> {
    state.limiter.limit("search", ctx.ip, 600)?;
    Ok(Json(run(&state, &SearchQuery::try_from(raw).map_err(AppError::from)?)?))
}
