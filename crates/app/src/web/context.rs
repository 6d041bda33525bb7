//! Who is asking, and is the form theirs: the layer that resolves the session cookie or the API
//! token into a user, checks the CSRF token of every state-changing request, and hands handlers
//! a `Ctx` (user, CSRF token, client address).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, OnceLock};

use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use gongkai_domain::org::{ObjectKind, Role};

use super::WebState;
use crate::error::AppError;
use crate::flows::Actor;
use crate::flows::auth::{random_token, session_user, token_user};

pub const SESSION_COOKIE: &str = "gk_session";
pub const CSRF_COOKIE: &str = "gk_csrf";
pub const CSRF_FIELD: &str = "_csrf";

#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub unit_id: Option<i64>,
    pub via_token: bool,
}

/// The visitor's CSRF token: the session's, or the cookie's, or — for a visitor who has neither —
/// one made when a page first shows it (a form, or the API's `/me`), and then set as the cookie.
/// A page without a form makes none: most anonymous pages set no cookie, and the page cache keeps
/// them whole (issue 19: the token, its cookie and the cut of the kept page were a tenth of an
/// uncached item page's own work). In a template it renders as the token (`{{ csrf }}`).
#[derive(Debug, Clone)]
pub struct Csrf(Arc<OnceLock<String>>);

impl Csrf {
    /// A token already known (the session's or the cookie's).
    pub fn known(token: String) -> Csrf {
        Csrf(Arc::new(OnceLock::from(token)))
    }
    pub(crate) fn not_yet() -> Csrf {
        Csrf(Arc::new(OnceLock::new()))
    }
    /// The token, made now if this visitor had none.
    pub fn token(&self) -> &str {
        self.0.get_or_init(random_token)
    }
    /// The token if it is known or was made, without making one.
    pub fn issued(&self) -> Option<&str> {
        self.0.get().map(String::as_str)
    }
}

impl minijinja::value::Object for Csrf {
    /// A plain value (not a map: filters and `~` see it as its text).
    fn repr(self: &Arc<Self>) -> minijinja::value::ObjectRepr {
        minijinja::value::ObjectRepr::Plain
    }

    fn render(self: &Arc<Self>, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.token())
    }
}

/// What every handler may know about the request.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub user: Option<CurrentUser>,
    pub csrf: Csrf,
    pub ip: IpAddr,
    pub large_type: bool,
    /// 高对比度: black on white, underlined links, thicker focus (a cookie; see `web::a11y`).
    pub high_contrast: bool,
}

impl Ctx {
    pub fn actor(&self) -> Actor {
        match &self.user {
            Some(u) => Actor {
                user_id: Some(u.user_id),
                username: u.username.clone(),
                display_name: u.display_name.clone(),
                role: Some(u.role),
                unit_id: u.unit_id,
                ip: self.ip.to_string(),
            },
            None => Actor::public(&self.ip.to_string()),
        }
    }
    /// The signed-in staff member, or 401 (the handler's HTML redirects to the login page).
    pub fn require_staff(&self) -> Result<&CurrentUser, AppError> {
        self.user.as_ref().ok_or(AppError::Unauthorized)
    }
    /// The signed-in staff member, once the one door (`flows::access::object`) has let them at the
    /// object of `kind` named by `id` in the address; otherwise 404 (401 when not signed in), so a
    /// handler of a `{id}` route starts here and never touches another unit's object.
    pub async fn door(&self, state: &WebState, kind: ObjectKind, id: i64) -> Result<&CurrentUser, AppError> {
        let u = self.require_staff()?;
        crate::flows::access::object(&state.db, &self.actor(), kind, id).await?;
        Ok(u)
    }
    pub fn require_office(&self) -> Result<&CurrentUser, AppError> {
        let u = self.require_staff()?;
        if u.role == Role::Admin { Ok(u) } else { Err(AppError::Forbidden) }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Ctx>()
            .cloned()
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("context layer missing")))
    }
}

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

fn client_ip(req: &Request, trust_proxy: bool, trusted_proxies: u32) -> IpAddr {
    let peer =
        req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip()).unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST));
    if !trust_proxy {
        return peer;
    }
    let header =
        req.headers().get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).collect::<Vec<_>>().join(",");
    forwarded_client(&header, trusted_proxies).unwrap_or(peer)
}

/// The client's address in `X-Forwarded-For`, read from the right: each of our `trusted` proxies
/// appended the address it saw, so the entry `trusted` places from the right is the one our
/// outermost proxy saw. Anything to the left of it is whatever the client chose to send, never
/// believed. `None` when the header is shorter than that or the entry is not an address.
pub fn forwarded_client(header: &str, trusted: u32) -> Option<IpAddr> {
    let entries: Vec<&str> = header.split(',').map(str::trim).filter(|e| !e.is_empty()).collect();
    let n = usize::try_from(trusted.max(1)).ok()?;
    entries.len().checked_sub(n).and_then(|i| entries.get(i)).and_then(|e| e.parse().ok())
}

fn query_param(query: Option<&str>, name: &str) -> Option<String> {
    let q = query?;
    serde_urlencoded::from_str::<Vec<(String, String)>>(q).ok()?.into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub async fn context_layer(State(state): State<WebState>, req: Request, next: Next) -> Response {
    match resolve(&state, req, next).await {
        Ok(r) => r,
        Err(e) => {
            if e.0 {
                crate::error::ApiError(e.1).into_response()
            } else {
                e.1.into_response()
            }
        }
    }
}

async fn resolve(state: &WebState, req: Request, next: Next) -> Result<Response, (bool, AppError)> {
    let is_api = req.uri().path().starts_with("/api/");
    let fail = |e: AppError| (is_api, e);
    let ip = client_ip(&req, state.config.trust_proxy, state.config.trusted_proxies);
    let mut user = None;
    let mut session_csrf = None;
    if let Some(token) = cookie(req.headers(), SESSION_COOKIE)
        && let Some(row) = session_user(&state.db, &token).await.map_err(fail)?
    {
        session_csrf = Some(row.csrf_token.clone());
        user = Some(CurrentUser {
            user_id: row.user_id,
            username: row.username,
            display_name: row.display_name,
            role: row.role,
            unit_id: row.unit_id,
            via_token: false,
        });
    }
    if user.is_none()
        && let Some(bearer) = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
    {
        match token_user(&state.db, bearer.trim()).await.map_err(fail)? {
            Some(row) => {
                user = Some(CurrentUser {
                    user_id: row.user_id,
                    username: row.username,
                    display_name: row.display_name,
                    role: row.role,
                    unit_id: row.unit_id,
                    via_token: true,
                });
            }
            None => return Err(fail(AppError::Unauthorized)),
        }
    }
    let cookie_csrf = cookie(req.headers(), CSRF_COOKIE).filter(|c| c.len() == 64);
    let csrf = match (&session_csrf, &cookie_csrf) {
        (Some(s), _) => Csrf::known(s.clone()),
        (None, Some(c)) => Csrf::known(c.clone()),
        (None, None) => Csrf::not_yet(),
    };
    let new_visitor = session_csrf.is_none() && cookie_csrf.is_none();
    let large_type = cookie(req.headers(), "gk_large").as_deref() == Some("1");
    let high_contrast = cookie(req.headers(), super::a11y::CONTRAST_COOKIE).as_deref() == Some("1");

    // CSRF: every state-changing request must prove it comes from our own form. API calls with a
    // bearer token carry no cookie and are exempt; anonymous JSON API calls need a JSON body,
    // which a cross-site form cannot send.
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let via_token = user.as_ref().is_some_and(|u| u.via_token);
    let mut req = req;
    if unsafe_method && !via_token {
        let expected = session_csrf.clone().or(cookie_csrf.clone());
        if is_api {
            if session_csrf.is_some() {
                let given = req.headers().get("x-csrf-token").and_then(|v| v.to_str().ok()).unwrap_or("");
                if !constant_time_eq(given, session_csrf.as_deref().unwrap_or("")) {
                    return Err(fail(AppError::Csrf));
                }
            }
        } else {
            let mut given = query_param(req.uri().query(), CSRF_FIELD);
            if given.is_none() {
                let is_form = req
                    .headers()
                    .get(header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
                if is_form {
                    let (parts, body) = req.into_parts();
                    let bytes =
                        to_bytes(body, state.config.max_body_bytes).await.map_err(|_| fail(AppError::TooLarge))?;
                    given = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
                        .ok()
                        .and_then(|pairs| pairs.into_iter().find(|(k, _)| k == CSRF_FIELD).map(|(_, v)| v));
                    req = Request::from_parts(parts, Body::from(bytes));
                }
            }
            match (expected, given) {
                (Some(e), Some(g)) if constant_time_eq(&e, &g) => {}
                _ => return Err(fail(AppError::Csrf)),
            }
        }
    }

    req.extensions_mut().insert(Ctx { user, csrf: csrf.clone(), ip, large_type, high_contrast });
    let mut resp = next.run(req).await;
    // A token made while answering (a page with a form) becomes the visitor's cookie.
    if let Some(t) = csrf.issued().filter(|_| new_visitor) {
        let secure = if state.config.secure_cookies { "; Secure" } else { "" };
        if let Ok(v) = HeaderValue::from_str(&format!("{CSRF_COOKIE}={t}; Path=/; HttpOnly; SameSite=Lax{secure}")) {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    Ok(resp)
}

/// The Set-Cookie value of a new session.
pub fn session_cookie(token: &str, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        crate::flows::auth::SESSION_HOURS * 3600
    )
}

pub fn clear_session_cookie() -> String {
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}

#[cfg(test)]
mod tests {
    use super::{Csrf, forwarded_client};

    #[test]
    fn a_new_visitors_token_is_made_when_a_page_shows_it_and_renders_as_its_text() {
        let env = minijinja::Environment::new();
        let unshown = Csrf::not_yet();
        let page = minijinja::context! { csrf => minijinja::Value::from_object(unshown.clone()) };
        assert_eq!(env.render_str("<p>没有表单</p>", page).unwrap(), "<p>没有表单</p>");
        assert_eq!(unshown.issued(), None, "a page that does not show it makes none");

        let shown = Csrf::not_yet();
        let page = minijinja::context! { csrf => minijinja::Value::from_object(shown.clone()) };
        let out = env.render_str("{{ csrf }}|{{ csrf ~ '' }}|{{ csrf }}", page).unwrap();
        let token = shown.issued().expect("made when shown").to_string();
        assert_eq!(token.len(), 64);
        assert_eq!(out, format!("{token}|{token}|{token}"), "one token, the same wherever it is shown");
        assert_eq!(Csrf::known("abc".into()).token(), "abc");
    }

    #[test]
    fn the_client_address_is_read_from_the_right() {
        // One proxy (nginx appends $remote_addr): a forged leftmost entry is ignored.
        assert_eq!(forwarded_client("6.6.6.6, 203.0.113.7", 1), "203.0.113.7".parse().ok());
        assert_eq!(forwarded_client("203.0.113.7", 1), "203.0.113.7".parse().ok());
        // Two proxies: the second from the right.
        assert_eq!(forwarded_client("6.6.6.6, 203.0.113.7, 10.0.0.2", 2), "203.0.113.7".parse().ok());
        assert_eq!(forwarded_client("10.0.0.2", 2), None);
        assert_eq!(forwarded_client("", 1), None);
        assert_eq!(forwarded_client("not-an-address", 1), None);
    }
}
