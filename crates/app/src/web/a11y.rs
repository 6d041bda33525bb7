//! 适老化 and accessibility switches beside the large type (`portal::toggle_large`): high contrast.
//! A cookie, set by a plain link (no JavaScript, which the CSP would refuse anyway), read by the
//! context layer into `Ctx::high_contrast` and by the base template into `body.contrast`.

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::context::Ctx;
use super::routes::{Access, Route};

pub const CONTRAST_COOKIE: &str = "gk_contrast";

pub fn routes() -> Vec<Route> {
    vec![Route::new("GET", "/a11y/contrast", Access::Public, get(toggle_contrast))]
}

/// The page the switch was used on (same site only), or the home page.
fn back(headers: &HeaderMap) -> String {
    headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.find("://").and_then(|i| r[i + 3..].find('/').map(|j| r[i + 3 + j..].to_string())))
        .filter(|p| p.starts_with('/') && !p.starts_with("//"))
        .unwrap_or_else(|| "/".into())
}

/// GET /a11y/contrast: high contrast on, or off again.
async fn toggle_contrast(ctx: Ctx, headers: HeaderMap) -> Response {
    let value = if ctx.high_contrast { "0" } else { "1" };
    (
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, back(&headers)),
            (header::SET_COOKIE, format!("{CONTRAST_COOKIE}={value}; Path=/; Max-Age=31536000; SameSite=Lax")),
        ],
    )
        .into_response()
}
