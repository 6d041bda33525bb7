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

async fn home(State(state): State<WebState>, ctx: Ctx) -> Result<Html<String>> {
    let units = crate::flows::org::units(&state.db).await?;
    let reports = crate::flows::report::published(&state.db).await?;
    let disclosure = super::catalog::home_extras(&state).await?;
    render(
        &state,
        &ctx,
        "portal/home.html",
        crate::page! { nav => "home", units => units, reports => reports, disclosure => disclosure },
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
