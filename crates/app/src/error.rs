//! One error type for the whole app. It renders itself: an HTML page for people, a JSON problem
//! for the API (`ApiError`). Database constraint names map to user errors here, in one place.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// A message about one form field, shown next to it.
#[derive(Debug, Clone, Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> FieldError {
        FieldError { field: field.into(), message: message.into() }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("页面或记录不存在")]
    NotFound,
    #[error("请先登录")]
    Unauthorized,
    #[error("您没有权限进行此操作")]
    Forbidden,
    #[error("表单已过期或来源不明（CSRF 校验失败），请返回刷新页面后重试")]
    Csrf,
    #[error("{0}")]
    BadRequest(String),
    /// A page or limit in the address outside its bound (`domain::paging`): 400, never a computation.
    #[error("{0}")]
    Paging(#[from] gongkai_domain::paging::PagingError),
    #[error("提交的内容有误")]
    Invalid(Vec<FieldError>),
    #[error("{0}")]
    Conflict(String),
    #[error("提交的内容过大")]
    TooLarge,
    /// Not able to answer truthfully yet (the search index is being built): 503, never a false empty answer.
    #[error("{0}")]
    Unavailable(String),
    #[error("请求过于频繁，请 {retry_after} 秒后再试")]
    TooManyRequests { retry_after: u64 },
    #[error("服务器内部错误，请稍后再试")]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        if crate::db::is_unique_violation(&e) {
            return AppError::Conflict("该记录已存在（名称、代码或编号重复）".into());
        }
        AppError::Internal(anyhow::Error::new(e))
    }
}

impl From<minijinja::Error> for AppError {
    fn from(e: minijinja::Error) -> Self {
        AppError::Internal(anyhow::Error::new(e))
    }
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::BadRequest(_) | AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Paging(_) => StatusCode::BAD_REQUEST,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound => "not_found",
            AppError::Unauthorized => "unauthorized",
            AppError::Forbidden => "forbidden",
            AppError::Csrf => "csrf",
            AppError::BadRequest(_) => "bad_request",
            AppError::Paging(_) => "bad_page",
            AppError::Invalid(_) => "invalid",
            AppError::Conflict(_) => "conflict",
            AppError::TooLarge => "too_large",
            AppError::Unavailable(_) => "unavailable",
            AppError::TooManyRequests { .. } => "too_many_requests",
            AppError::Internal(_) => "internal",
        }
    }
    fn retry_after(&self) -> Option<u64> {
        match self {
            AppError::TooManyRequests { retry_after } => Some(*retry_after),
            _ => None,
        }
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(e) = &self {
            tracing::error!(error = %format!("{e:#}"), "internal error");
        }
        if let AppError::Unauthorized = self {
            // People are sent to the login page; the API answers 401 (see ApiError).
            return (StatusCode::SEE_OTHER, [(header::LOCATION, "/staff/login")]).into_response();
        }
        let status = self.status();
        let mut details = String::new();
        if let AppError::Invalid(fields) = &self {
            details.push_str("<ul>");
            for f in fields {
                details.push_str(&format!("<li>{}</li>", escape(&f.message)));
            }
            details.push_str("</ul>");
        }
        let body = format!(
            "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>{status_code} · 公开</title><link rel=\"stylesheet\" href=\"/static/site.css\"></head><body><main class=\"container\" id=\"main\">\
             <h1>{msg}</h1>{details}<p><a href=\"javascript:history.back()\">返回上一页</a> · <a href=\"/\">返回首页</a></p></main></body></html>",
            status_code = status.as_u16(),
            msg = escape(&self.to_string()),
        );
        let mut resp = (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response();
        if let Some(s) = self.retry_after() {
            resp.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        resp
    }
}

/// The API's rendering of the same errors: `{"error": {"code", "message", "fields"}}`.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let e = self.0;
        if let AppError::Internal(err) = &e {
            tracing::error!(error = %format!("{err:#}"), "internal error (api)");
        }
        let fields = match &e {
            AppError::Invalid(f) => f.clone(),
            _ => vec![],
        };
        let body = serde_json::json!({"error": {"code": e.code(), "message": e.to_string(), "fields": fields}});
        let mut resp = (e.status(), axum::Json(body)).into_response();
        if let Some(s) = e.retry_after() {
            resp.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        resp
    }
}
