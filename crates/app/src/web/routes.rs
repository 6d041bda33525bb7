//! Every route of the platform in one table: method, path, handler and the access rule declared
//! beside it. The router is built from this table (`super::router`), `gongkai routes` prints it, and
//! the permission test iterates it — the real routes, not a reading of the sources — checking each
//! declared rule against the answers every role gets. The rule is enforced where it is written: the
//! handler's first line (`require_staff`, `require_office`, or `Ctx::door` for an object of another
//! unit, which answers 404).

use axum::routing::MethodRouter;
use gongkai_domain::org::ObjectKind;
use serde::Serialize;

use super::WebState;

/// Who may use a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone: the public portal, the public forms, the public API.
    Public,
    /// Any signed-in member of staff (what they see is scoped to their unit by the flow).
    Staff,
    /// The government's office (公开办管理员) only.
    Office,
    /// Staff, for one object named by `{id}`: the one door lets in its own unit's staff and the
    /// office; anyone else gets 404.
    Object(ObjectKind),
}

impl Access {
    /// The rule as a word: `public`, `staff`, `office`, or `object:<kind>`.
    pub fn code(self) -> String {
        match self {
            Access::Public => "public".into(),
            Access::Staff => "staff".into(),
            Access::Office => "office".into(),
            Access::Object(kind) => format!("object:{kind:?}"),
        }
    }
}

/// One row of the table.
pub struct Route {
    pub method: &'static str,
    pub path: &'static str,
    pub access: Access,
    pub handler: MethodRouter<WebState>,
}

impl Route {
    pub fn new(method: &'static str, path: &'static str, access: Access, handler: MethodRouter<WebState>) -> Route {
        Route { method, path, access, handler }
    }
}

/// A row as `gongkai routes --json` prints it.
#[derive(Debug, Clone, Serialize)]
pub struct RouteInfo {
    pub method: &'static str,
    pub path: &'static str,
    pub access: String,
}

/// Every route of every area (the API's with their `/api/v1` prefix).
pub fn table() -> Vec<Route> {
    [
        super::portal::routes(),
        super::a11y::routes(),
        super::staff::routes(),
        super::applications::routes(),
        super::reports::routes(),
        super::livelihood::routes(),
        super::supervision::routes(),
        super::interaction::routes(),
        super::items::routes(),
        super::catalog::routes(),
        super::basic_catalog::routes(),
        super::search::routes(),
        super::api::routes(),
        super::open_data::routes(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The table without its handlers.
pub fn infos() -> Vec<RouteInfo> {
    table().into_iter().map(|r| RouteInfo { method: r.method, path: r.path, access: r.access.code() }).collect()
}
