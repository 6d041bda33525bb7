//! One error type for the whole app. It renders itself: an HTML page for people, a JSON problem
//! for the API (`ApiError`). Database constraint names map to user errors here, in one place.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

pub type Result<T, E = AppError> = std::result::Result<T, E>;

pub use gongkai_domain::FieldError;

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
        if let Some(name) = crate::db::unique_violation(&e) {
            return AppError::Conflict(unique_message(&name).into());
        }
        AppError::Internal(anyhow::Error::new(e))
    }
}

/// What each unique constraint of the schema means to the person who broke it, by the
/// constraint's name (`db::unique_violation`). A constraint missing here gets the general sentence;
/// `tests` checks that every UNIQUE of the migrations is here.
pub const UNIQUE_MESSAGES: &[(&str, &str)] = &[
    ("unit_name_key", "已有同名单位，单位名称不能重复"),
    ("unit_credit_code_key", "该统一社会信用代码已被另一单位使用"),
    ("app_user_username_key", "该用户名已被使用，请换一个"),
    ("api_token_token_hash_key", "令牌生成重复，请重试"),
    ("application_tracking_code_key", "查询码生成重复，请重新提交"),
    ("application_idempotency_key_key", "该申请已提交过，请勿重复提交"),
    ("notification_dedupe_key_key", "该通知已发送过"),
    ("outbox_dedupe_key_key", "该邮件已在发送队列中"),
    ("report_figure_key", "该年度的这一数字已录入过，请修改原记录"),
    ("annual_report_version", "该年度报告的这一版本已存在"),
    ("catalog_node_unit_id_code_key", "本单位目录中已有该栏目代码"),
    ("item_index_no_key", "该索引号已被另一条信息使用"),
    ("village_township_unit_id_name_key", "该乡镇已有同名村（社区）"),
    ("fund_program_code_key", "该资金项目代码已存在"),
    ("fund_budget_program_id_year_key", "该资金项目本年度的预算已录入，请修改原记录"),
    ("complaint_tracking_code_key", "查询码生成重复，请重新提交"),
    ("complaint_idempotency_key_key", "该投诉已提交过，请勿重复提交"),
    ("new_media_account_platform_name_key", "该平台上已登记同名账号"),
    ("new_media_post_new_media_account_id_posted_on_title_key", "该账号当天已有同标题的发文记录"),
    ("monthly_report_month_version_key", "该月份的这一版本监测报告已存在"),
    ("message_tracking_code_key", "查询码生成重复，请重新提交"),
    ("message_idempotency_key_key", "该留言已提交过，请勿重复提交"),
    ("basic_catalog_unit_area", "本单位已有该领域的基层政务公开标准目录"),
    ("external_report_unit_id_year_key", "该单位该年度在其他网站发布的年报已经登记过"),
    ("portal_site_unit_id_key", "该单位已登记了门户网站，请修改原记录"),
    ("power_item_unit_id_kind_name_key", "权力清单中已有同类同名事项"),
    ("decision_record_unit_id_reference_key", "该决定文号已导入过"),
    ("payment_record_unit_id_kind_reference_key", "该编号已导入过"),
];

/// The message for a broken unique constraint (see `UNIQUE_MESSAGES`).
pub fn unique_message(constraint: &str) -> &'static str {
    UNIQUE_MESSAGES
        .iter()
        .find(|(name, _)| *name == constraint)
        .map(|(_, m)| *m)
        .unwrap_or("该记录已存在（名称、代码或编号重复）")
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The name PostgreSQL gives each UNIQUE of the migrations (`{table}_{columns}_key`, or the
    /// unique index's name).
    fn schema_unique_names() -> Vec<String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/postgres");
        let mut names = vec![];
        for entry in std::fs::read_dir(dir).unwrap() {
            let sql = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            let mut table = String::new();
            for line in sql.lines() {
                let l = line.trim();
                if let Some(rest) = l.strip_prefix("CREATE TABLE ") {
                    table = rest.trim_start_matches("IF NOT EXISTS ").split([' ', '(']).next().unwrap().to_string();
                } else if let Some(rest) = l.strip_prefix("CREATE UNIQUE INDEX ") {
                    names.push(rest.trim_start_matches("IF NOT EXISTS ").split(' ').next().unwrap().to_string());
                } else if let Some(cols) = l.strip_prefix("UNIQUE (").or_else(|| l.strip_prefix("UNIQUE(")) {
                    let cols: Vec<&str> = cols.split(')').next().unwrap().split(',').map(str::trim).collect();
                    names.push(format!("{table}_{}_key", cols.join("_")));
                } else if l.contains(" UNIQUE") && !l.starts_with("--") {
                    let col = l.split_whitespace().next().unwrap();
                    names.push(format!("{table}_{col}_key"));
                }
            }
        }
        names
    }

    #[test]
    fn every_unique_constraint_of_the_schema_has_its_own_message() {
        let names = schema_unique_names();
        assert!(names.len() >= 20, "{names:?}");
        let missing: Vec<_> = names.iter().filter(|n| !UNIQUE_MESSAGES.iter().any(|(m, _)| m == n)).collect();
        assert!(missing.is_empty(), "unique constraints without a message: {missing:?}");
    }

    #[test]
    fn sqlite_and_postgres_messages_name_the_same_constraint() {
        use crate::db::unique_name_from_message as name;
        assert_eq!(name("UNIQUE constraint failed: unit.name"), "unit_name_key");
        assert_eq!(
            name("UNIQUE constraint failed: village.township_unit_id, village.name"),
            "village_township_unit_id_name_key"
        );
        assert_eq!(name("UNIQUE constraint failed: index 'basic_catalog_unit_area'"), "basic_catalog_unit_area");
        assert_eq!(name("duplicate key value violates unique constraint \"unit_name_key\""), "unit_name_key");
        assert_eq!(unique_message("unit_name_key"), "已有同名单位，单位名称不能重复");
        assert_eq!(unique_message("no_such_key"), "该记录已存在（名称、代码或编号重复）");
    }
}
