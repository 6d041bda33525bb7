//! The public portal: home, the 公开指南, the units and their contacts, the large-type switch.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;

use super::WebState;
use super::context::Ctx;
use super::routes::{Access, Route};
use super::templates::render;
use crate::error::Result;

pub fn routes() -> Vec<Route> {
    vec![
        Route::new("GET", "/", Access::Public, get(home)),
        Route::new("GET", "/guide", Access::Public, get(guide)),
        Route::new("GET", "/units", Access::Public, get(units)),
        Route::new("GET", "/a11y/large", Access::Public, get(toggle_large)),
    ]
}

/// The home page's data, kept while the change feed stands still (and for at most a minute, for
/// the few settings that do not go through the feed): the most visited page read five lists on
/// every request (issue 19: 32 ms against 2.6 ms for an item page).
#[derive(Default)]
pub struct HomeCache(std::sync::Mutex<Option<(i64, std::time::Instant, minijinja::Value)>>);

async fn home(State(state): State<WebState>, ctx: Ctx) -> Result<Html<String>> {
    let head = crate::flows::org::public_feed_head(&state.db).await?;
    let cached = state
        .home_cache
        .0
        .lock()
        .expect("home cache")
        .as_ref()
        .filter(|(seq, at, _)| *seq == head && at.elapsed() < std::time::Duration::from_secs(60))
        .map(|(_, _, v)| v.clone());
    let data = match cached {
        Some(v) => v,
        None => {
            let units = crate::flows::org::units(&state.db).await?;
            let reports = crate::flows::report::published(&state.db).await?;
            let disclosure = super::catalog::home_extras(&state).await?;
            let v = crate::page! { units => units, reports => reports, disclosure => disclosure };
            *state.home_cache.0.lock().expect("home cache") = Some((head, std::time::Instant::now(), v.clone()));
            v
        }
    };
    render(
        &state,
        &ctx,
        "portal/home.html",
        crate::page! {
            nav => "home", units => data.get_attr("units").unwrap_or_default(),
            reports => data.get_attr("reports").unwrap_or_default(),
            disclosure => data.get_attr("disclosure").unwrap_or_default(),
        },
    )
    .await
}

async fn guide(State(state): State<WebState>, ctx: Ctx) -> Result<Html<String>> {
    let units = crate::flows::org::units(&state.db).await?;
    render(&state, &ctx, "portal/guide.html", crate::page! { nav => "guide", units => units }).await
}

async fn units(State(state): State<WebState>, ctx: Ctx) -> Result<Html<String>> {
    let units = crate::flows::org::units(&state.db).await?;
    let kinds: Vec<_> =
        gongkai_domain::org::UNIT_KINDS.iter().map(|(c, l)| crate::page! { code => c, label => l }).collect();
    render(&state, &ctx, "portal/units.html", crate::page! { nav => "units", units => units, kinds => kinds }).await
}

/// 适老化: a cookie switches large type on and off; no JavaScript needed.
async fn toggle_large(ctx: Ctx, headers: HeaderMap) -> Response {
    let value = if ctx.large_type { "0" } else { "1" };
    let back = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.find("://").and_then(|i| r[i + 3..].find('/').map(|j| r[i + 3 + j..].to_string())))
        .filter(|p| p.starts_with('/') && !p.starts_with("//"))
        .unwrap_or_else(|| "/".into());
    (
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, back),
            (header::SET_COOKIE, format!("gk_large={value}; Path=/; Max-Age=31536000; SameSite=Lax")),
        ],
    )
        .into_response()
}
