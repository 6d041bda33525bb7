//! `/metrics` for the people who keep the platform running, in the OpenMetrics text format that
//! Prometheus scrapes: requests by route and status with their latencies (recorded by `track`,
//! around every matched route), and at each scrape the queue depths of `flows::ops` — open
//! applications by working days left, mail waiting, the search index's lag behind the change feed,
//! and the failures of each background task.
//! Answered to this machine (the connection and the client both loopback) or to the office's admin;
//! everyone else gets 404. It holds counts only, never anything about a person.
//!
//! `track` also writes one log line per request (target `gongkai::request`: method, route,
//! status, milliseconds) — JSON with `GONGKAI_LOG_FORMAT=json`; enable with
//! `GONGKAI_LOG=gongkai=info,gongkai::request=info`.

use std::net::SocketAddr;
use std::time::Instant;

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use gongkai_domain::org::Role;
use prometheus_client::encoding::text::encode;
use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue, LabelValueEncoder};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use super::WebState;
use super::context::Ctx;
use crate::error::{AppError, Result};
use crate::flows::ops::{DAYS_LEFT_BANDS, gauges};

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: MethodLabel,
    route: RouteLabel,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: MethodLabel,
    route: RouteLabel,
}

/// The request's method as a label (a standard method is copied without an allocation).
#[derive(Clone, Debug, Hash, PartialEq, Eq)]
struct MethodLabel(Method);

impl EncodeLabelValue for MethodLabel {
    fn encode(&self, encoder: &mut LabelValueEncoder) -> Result<(), std::fmt::Error> {
        EncodeLabelValue::encode(&self.0.as_str(), encoder)
    }
}

/// The route's pattern as axum matched it, shared with axum's own (no copy a request; "" when no
/// route matched).
#[derive(Clone, Debug)]
struct RouteLabel(Option<MatchedPath>);

impl RouteLabel {
    fn as_str(&self) -> &str {
        self.0.as_ref().map(MatchedPath::as_str).unwrap_or_default()
    }
}

impl PartialEq for RouteLabel {
    fn eq(&self, other: &RouteLabel) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for RouteLabel {}

impl std::hash::Hash for RouteLabel {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl EncodeLabelValue for RouteLabel {
    fn encode(&self, encoder: &mut LabelValueEncoder) -> Result<(), std::fmt::Error> {
        EncodeLabelValue::encode(&self.as_str(), encoder)
    }
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct TaskLabels {
    task: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct BandLabels {
    days_left: String,
}

/// This node's metrics.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram>,
    open_applications: Family<BandLabels, Gauge>,
    outbox_pending: Gauge,
    index_lag: Gauge,
    background_failures: Family<TaskLabels, Gauge>,
}

fn latency_histogram() -> Histogram {
    // 1 ms … about 16 s.
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

impl Default for Metrics {
    fn default() -> Metrics {
        let mut registry = Registry::with_prefix("gongkai");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register("http_requests", "HTTP requests answered, by method, route and status", requests.clone());
        let latency = Family::<RouteLabels, Histogram>::new_with_constructor(latency_histogram as fn() -> Histogram);
        registry.register("http_request_duration_seconds", "Time to answer, by method and route", latency.clone());
        let open_applications = Family::<BandLabels, Gauge>::default();
        registry.register(
            "open_applications",
            "Open 依申请公开 applications by working days left until the statutory due date",
            open_applications.clone(),
        );
        let outbox_pending = Gauge::default();
        registry.register("outbox_pending", "Mail waiting in the outbox", outbox_pending.clone());
        let index_lag = Gauge::default();
        registry.register(
            "search_index_lag",
            "Change-feed entries this node's search index has not yet read",
            index_lag.clone(),
        );
        let background_failures = Family::<TaskLabels, Gauge>::default();
        registry.register(
            "background_task_failures",
            "Failures of each background task since this process started (each is also logged)",
            background_failures.clone(),
        );
        Metrics { registry, requests, latency, open_applications, outbox_pending, index_lag, background_failures }
    }
}

/// Count and time every request that matched a route (a `route_layer`, so the route is known).
pub async fn track(State(state): State<WebState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = MethodLabel(req.method().clone());
    let route = RouteLabel(req.extensions().get::<MatchedPath>().cloned());
    let resp = next.run(req).await;
    let seconds = started.elapsed().as_secs_f64();
    let status = resp.status().as_u16();
    tracing::info!(target: "gongkai::request", method = %method.0, route = route.as_str(), status, ms = (seconds * 1000.0).round());
    let route = RouteLabels { method, route };
    state.metrics.latency.get_or_create(&route).observe(seconds);
    state.metrics.requests.get_or_create(&RequestLabels { method: route.method, route: route.route, status }).inc();
    resp
}

/// GET /metrics
pub async fn metrics(
    State(state): State<WebState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    ctx: Ctx,
) -> Result<Response> {
    let local = peer.ip().is_loopback() && ctx.ip.is_loopback();
    let admin = ctx.user.as_ref().is_some_and(|u| u.role == Role::Admin);
    if !local && !admin {
        return Err(AppError::NotFound);
    }
    let position = crate::search::open(&state.config.data_dir).ok().and_then(|i| i.position());
    let g = gauges(&state, position).await?;
    let m = &state.metrics;
    for (band, n) in DAYS_LEFT_BANDS.iter().zip(g.open_by_days_left) {
        m.open_applications.get_or_create(&BandLabels { days_left: (*band).to_string() }).set(n);
    }
    m.outbox_pending.set(g.outbox_pending);
    m.index_lag.set(g.index_lag.unwrap_or(-1));
    for (task, n) in crate::flows::background::failures() {
        m.background_failures
            .get_or_create(&TaskLabels { task: task.to_string() })
            .set(i64::try_from(n).unwrap_or(i64::MAX));
    }
    let mut body = String::new();
    encode(&mut body, &m.registry).map_err(|e| AppError::Internal(anyhow::anyhow!("metrics encoding: {e}")))?;
    Ok(([(header::CONTENT_TYPE, "application/openmetrics-text; version=1.0.0; charset=utf-8")], body).into_response())
}
