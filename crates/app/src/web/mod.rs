//! HTTP: one `router()` per area, merged here, behind the layers every request passes: who the
//! user is (session cookie or API token), CSRF on every state-changing form, security headers,
//! body limits. Handlers translate: request → domain types → a flow → a template or JSON.

pub mod a11y;
pub mod api;
pub mod applications;
pub mod basic_catalog;
pub mod catalog;
pub mod context;
pub mod interaction;
pub mod items;
pub mod livelihood;
pub mod metrics;
pub mod open_data;
mod page_cache;
pub mod portal;
pub mod reports;
pub mod routes;
pub mod search;
pub mod staff;
pub mod supervision;
pub mod templates;

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use axum::middleware;
use axum::response::IntoResponse;
use axum::routing::get;
use tower::ServiceBuilder;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::error::AppError;
use crate::state::AppState;

/// What every handler holds: the application (database, configuration, calendar, settings — see
/// `crate::state`) and what only the web needs (templates, the per-node rate limiter). Derefs to
/// `WebShared` and on to the application, so `state.db` reads as before and `&state` passes to a
/// flow as `&AppState`.
///
/// One `Arc`: axum clones the state into every layer of the route a request takes (the context,
/// the metrics, the page cache) and drops it after, so a state of a dozen `Arc`s cost a request
/// some seventy reference counts, shared by both cores (BENCHMARKS.md, "fourteenth steps").
#[derive(Clone)]
pub struct WebState(Arc<WebShared>);

pub struct WebShared {
    pub app: AppState,
    pub templates: minijinja::Environment<'static>,
    pub limiter: RateLimiter,
    pub metrics: metrics::Metrics,
    pub home_cache: portal::HomeCache,
    pub page_cache: page_cache::PageCache,
}

impl WebState {
    pub fn new(app: AppState) -> WebState {
        WebState(Arc::new(WebShared {
            app,
            templates: templates::environment(),
            limiter: RateLimiter::default(),
            metrics: metrics::Metrics::default(),
            home_cache: portal::HomeCache::default(),
            page_cache: page_cache::PageCache::default(),
        }))
    }
}

impl std::ops::Deref for WebState {
    type Target = WebShared;
    fn deref(&self) -> &WebShared {
        &self.0
    }
}

impl std::ops::Deref for WebShared {
    type Target = AppState;
    fn deref(&self) -> &AppState {
        &self.app
    }
}

/// A fixed-window limiter per (bucket, address). Per node, which is what a rate limit needs:
/// it protects this node; the statutory records never depend on it.
#[derive(Default)]
pub struct RateLimiter {
    windows: Mutex<HashMap<(&'static str, IpAddr), Window>>,
}

/// When a window started, and how many requests it has counted.
type Window = (Instant, u32);

impl RateLimiter {
    /// Count one request; Err(seconds to wait) past `per_minute`.
    pub fn check(&self, bucket: &'static str, ip: IpAddr, per_minute: u32) -> Result<(), u64> {
        let mut map = self.windows.lock().expect("limiter lock");
        let now = Instant::now();
        if map.len() > 100_000 {
            map.retain(|_, (start, _)| now.duration_since(*start) < Duration::from_secs(60));
        }
        let entry = map.entry((bucket, ip)).or_insert((now, 0));
        if now.duration_since(entry.0) >= Duration::from_secs(60) {
            *entry = (now, 0);
        }
        if entry.1 >= per_minute {
            let wait = 60u64.saturating_sub(now.duration_since(entry.0).as_secs()).max(1);
            return Err(wait);
        }
        entry.1 += 1;
        Ok(())
    }

    pub fn limit(&self, bucket: &'static str, ip: IpAddr, per_minute: u32) -> Result<(), AppError> {
        self.check(bucket, ip, per_minute).map_err(|retry_after| AppError::TooManyRequests { retry_after })
    }
}

const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// The whole application: every area's router, the shared layers, the state.
/// Percent-encoding of every byte but RFC 3986's unreserved characters: for `filename*=UTF-8''…`
/// (RFC 5987) in downloads, and for query strings.
pub fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

pub fn router(state: WebState) -> Router {
    let body_limit = state.config.max_body_bytes;
    let mut app = Router::new()
        .route("/healthz", get(healthz))
        .route("/livez", get(livez))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics::metrics))
        .route("/static/site.css", get(site_css));
    // Every area's routes, from the one table (`routes::table`) the permission test iterates.
    for r in routes::table() {
        app = app.route(r.path, r.handler);
    }
    // Each stack is given to the router whole, outermost first: every `Router::layer` call wraps
    // each route in one more `Route`, and a request clones the boxed service under each `Route`
    // it passes — the whole chain below it. Six calls made a request clone chains six times
    // deep: a third of an empty route's instructions (issue 19, BENCHMARKS.md "fifteenth steps").
    // Matched routes only: the metrics, then the page cache inside them, so that a page served
    // from it is still counted.
    let routes = ServiceBuilder::new()
        .layer(middleware::from_fn_with_state(state.clone(), metrics::track))
        .layer(middleware::from_fn_with_state(state.clone(), page_cache::layer));
    // Every request, the fallback's 404 included: the headers of every answer, the body limit,
    // who is asking.
    let all = ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP)))
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(middleware::from_fn_with_state(state.clone(), context::context_layer));
    app.route_layer(routes).fallback(|| async { AppError::NotFound }).layer(all).with_state(state)
}

async fn healthz(axum::extract::State(state): axum::extract::State<WebState>) -> impl IntoResponse {
    match sqlx::query("SELECT 1").execute(&state.db.pool).await {
        Ok(_) => (axum::http::StatusCode::OK, "ok"),
        Err(_) => (axum::http::StatusCode::SERVICE_UNAVAILABLE, "database unavailable"),
    }
}

/// The process answers (for the supervisor that restarts it).
async fn livez() -> impl IntoResponse {
    (axum::http::StatusCode::OK, "alive")
}

/// Ready for traffic: the database answers (migrations ran at start) and this node's search index
/// has caught up at least once; otherwise 503 with the reason.
async fn readyz(axum::extract::State(state): axum::extract::State<WebState>) -> impl IntoResponse {
    if sqlx::query("SELECT 1").execute(&state.db.pool).await.is_err() {
        return (axum::http::StatusCode::SERVICE_UNAVAILABLE, "database unavailable");
    }
    match crate::search::open(&state.config.data_dir) {
        Ok(index) if index.is_ready() => (axum::http::StatusCode::OK, "ready"),
        Ok(_) => (axum::http::StatusCode::SERVICE_UNAVAILABLE, "search index being built"),
        Err(_) => (axum::http::StatusCode::SERVICE_UNAVAILABLE, "search index unavailable"),
    }
}

async fn site_css() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        include_str!("../../templates/site.css"),
    )
}

/// Serve until Ctrl-C / SIGTERM.
pub async fn serve(state: AppState, listener: tokio::net::TcpListener) -> anyhow::Result<()> {
    let app = router(WebState::new(state.clone()));
    let background = tokio::spawn(crate::flows::background::run(state.clone()));
    let indexer = tokio::spawn(crate::search::follow(state.db.clone(), crate::search::open(&state.config.data_dir)?));
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(async {
            let ctrl_c = tokio::signal::ctrl_c();
            #[cfg(unix)]
            let term = async {
                if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                    s.recv().await;
                }
            };
            #[cfg(not(unix))]
            let term = std::future::pending::<()>();
            tokio::select! { _ = ctrl_c => {}, () = term => {} }
        })
        .await?;
    background.abort();
    indexer.abort();
    Ok(())
}
