//! The page templates, embedded in the binary (minijinja, auto-escaped). Each template is listed
//! once here; `templates/` mirrors the web areas.

use minijinja::Environment;

macro_rules! embed {
    ($env:ident, $($name:literal),* $(,)?) => {
        $( $env.add_template($name, include_str!(concat!("../../templates/", $name))).expect(concat!("template ", $name)); )*
    };
}

pub fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    embed!(
        env,
        "base.html",
        "macros.html",
        "portal/home.html",
        "portal/guide.html",
        "portal/units.html",
        "portal/api.html",
        "portal/_items.html",
        "portal/item.html",
        "portal/item_print.html",
        "portal/catalog.html",
        "portal/node.html",
        "portal/unit.html",
        "portal/special.html",
        "portal/sign.html",
        "portal/search.html",
        "staff/items.html",
        "staff/item_form.html",
        "staff/item.html",
        "staff/catalog.html",
        "staff/login.html",
        "staff/dashboard.html",
        "staff/units.html",
        "staff/unit_form.html",
        "staff/users.html",
        "staff/audit.html",
        "staff/settings.html",
        "staff/calendar.html",
        "basic_catalog/index.html",
        "basic_catalog/show.html",
        "basic_catalog/_table.html",
        "applications/new.html",
        "applications/submitted.html",
        "applications/track.html",
        "applications/queue.html",
        "applications/detail.html",
        "applications/register.html",
        "applications/letter.html",
        "applications/notice.html",
        "applications/_letter.html",
        "applications/bulk.html",
        "reports/index.html",
        "reports/show.html",
        "reports/sources.html",
        "reports/staff_list.html",
        "reports/edit.html",
        "reports/check.html",
        "reports/oversight.html",
        "livelihood/_boards.html",
        "livelihood/index.html",
        "livelihood/policies.html",
        "livelihood/funds.html",
        "livelihood/mine.html",
        "livelihood/projects.html",
        "livelihood/project.html",
        "livelihood/disclosures.html",
        "livelihood/poverty.html",
        "livelihood/complaints.html",
        "livelihood/complaint_new.html",
        "livelihood/complaint_submitted.html",
        "livelihood/complaint_track.html",
        "livelihood/staff_index.html",
        "livelihood/staff_batch.html",
        "livelihood/staff_complaints.html",
        "livelihood/staff_complaint.html",
        "supervision/new_media.html",
        "supervision/account.html",
        "supervision/monthly.html",
        "supervision/scoring.html",
        "supervision/spot_checks.html",
        "supervision/spot_check.html",
        "supervision/rectifications.html",
        "supervision/rectification.html",
        "supervision/bulletins.html",
        "supervision/bulletin.html",
        "supervision/trainings.html",
        "supervision/oversight.html",
        "supervision/portal.html",
        "supervision/assessment.html",
        "interaction/list.html",
        "interaction/ask.html",
        "interaction/submitted.html",
        "interaction/track.html",
        "interaction/message.html",
        "interaction/interpretations.html",
        "interaction/interpretation.html",
        "interaction/concerns.html",
        "interaction/queue.html",
        "interaction/detail.html",
        "interaction/faq.html",
        "interaction/staff_concerns.html",
        "interaction/staff_interpretations.html",
        "interaction/sync_check.html",
    );
    env.add_filter("date_cn", date_cn);
    env
}

/// 2020-09-28 → 2020年9月28日
fn date_cn(value: String) -> String {
    let parts: Vec<&str> = value.get(..10).unwrap_or(&value).split('-').collect();
    match parts.as_slice() {
        [y, m, d] => format!("{}年{}月{}日", y, m.trim_start_matches('0'), d.trim_start_matches('0')),
        _ => value,
    }
}

use axum::response::Html;
use gongkai_domain::org::Role;
use minijinja::Value;
use serde::Serialize;

use super::WebState;
use super::context::Ctx;
use crate::error::Result;

#[derive(Serialize)]
struct UserView {
    display_name: String,
    username: String,
    role: &'static str,
    role_label: &'static str,
    unit_id: Option<i64>,
    unit_name: Option<String>,
    is_office: bool,
}

/// Render a page with what every page needs (site settings, the user, the CSRF token) merged
/// with the page's own context.
pub async fn render(state: &WebState, ctx: &Ctx, name: &str, page: Value) -> Result<Html<String>> {
    // The settings as they stand, shared with the template (a map the page looks values up in).
    let site = minijinja::Value::from_dyn_object(state.settings.read().expect("settings lock").clone());
    let user = match &ctx.user {
        Some(u) => {
            let unit_name = match u.unit_id {
                Some(id) => crate::flows::org::unit(&state.db, id).await?.map(|x| x.name),
                None => None,
            };
            Some(UserView {
                display_name: u.display_name.clone(),
                username: u.username.clone(),
                role: u.role.code(),
                role_label: u.role.label(),
                unit_id: u.unit_id,
                unit_name,
                is_office: u.role == Role::Admin,
            })
        }
        None => None,
    };
    let context = PageContext {
        page,
        site,
        user: Value::from(minijinja::value::Serde(&user)),
        // The token as an object that makes it when first shown (`Csrf`): a page without a form none.
        csrf: Value::from_object(ctx.csrf.clone()),
        large_type: ctx.large_type,
        high_contrast: ctx.high_contrast,
    };
    let tpl = state.templates.get_template(name)?;
    Ok(Html(tpl.render(Value::from_object(context))?))
}

/// What a page's template reads: the page's own values first, then what every page has. One
/// object, looked into once a name: nested `context!` merges looked a name up in four maps, and
/// every name a template reads that is not a value (its macros, its filters' arguments …) went
/// through all of them (issue 19: half the template's time was spent finding names).
#[derive(Debug)]
struct PageContext {
    page: Value,
    site: Value,
    user: Value,
    csrf: Value,
    large_type: bool,
    high_contrast: bool,
}

const COMMON: [&str; 5] = ["site", "user", "csrf", "large_type", "high_contrast"];

impl minijinja::value::Object for PageContext {
    fn get_value(self: &std::sync::Arc<Self>, key: &Value) -> Option<Value> {
        self.get_value_by_str(key.as_str()?)
    }

    fn get_value_by_str(self: &std::sync::Arc<Self>, key: &str) -> Option<Value> {
        if let Some(v) = self.page.get_attr(key).ok().filter(|v| !v.is_undefined()) {
            return Some(v);
        }
        match key {
            "site" => Some(self.site.clone()),
            "user" => Some(self.user.clone()),
            "csrf" => Some(self.csrf.clone()),
            "large_type" => Some(Value::from(self.large_type)),
            "high_contrast" => Some(Value::from(self.high_contrast)),
            _ => None,
        }
    }

    fn enumerate(self: &std::sync::Arc<Self>) -> minijinja::value::Enumerator {
        let mut keys: Vec<Value> = self.page.try_iter().map(|i| i.collect()).unwrap_or_default();
        for k in COMMON.map(Value::from) {
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
        minijinja::value::Enumerator::Values(keys)
    }
}

/// A template context from any serializable values: `page! { units => units, year => 2020 }`.
#[macro_export]
macro_rules! page {
    ($($k:ident => $v:expr),* $(,)?) => {{
        #[allow(unused_mut)]
        let mut m = std::collections::BTreeMap::<String, minijinja::Value>::new();
        $( m.insert(stringify!($k).to_string(), minijinja::Value::from(minijinja::value::Serde(&$v))); )*
        minijinja::Value::from(m)
    }};
}
