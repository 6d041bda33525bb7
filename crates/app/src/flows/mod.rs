//! Use cases. Each flow loads what it needs, lets the domain decide, and persists the new state,
//! its change-feed event and its audit record in ONE transaction. Flows are the only code that
//! touches the database, the search index and the domain together.

pub mod access;
pub mod application;
pub mod auth;
pub mod basic_catalog;
pub mod disclosure;
pub mod interaction;
pub mod livelihood;
pub mod mail;
pub mod org;
pub mod report;
pub mod supervision;

use gongkai_domain::org::{Role, Staff};
use serde::Serialize;

/// Who is acting: a staff member, the public (no account) or the system (CLI, demo, reminders).
#[derive(Debug, Clone, Serialize)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub username: String,
    pub display_name: String,
    pub role: Option<Role>,
    pub unit_id: Option<i64>,
    pub ip: String,
}

impl Actor {
    pub fn public(ip: &str) -> Actor {
        Actor {
            user_id: None,
            username: "公众".into(),
            display_name: "公众".into(),
            role: None,
            unit_id: None,
            ip: ip.into(),
        }
    }
    pub fn system(what: &str) -> Actor {
        Actor {
            user_id: None,
            username: format!("system:{what}"),
            display_name: "系统".into(),
            role: Some(Role::Admin),
            unit_id: None,
            ip: "local".into(),
        }
    }
    /// The staff view of this actor for access rules; the public has none.
    pub fn staff(&self) -> Option<Staff> {
        self.role.map(|role| Staff { role, unit_id: self.unit_id })
    }
    pub fn is_office(&self) -> bool {
        self.role == Some(Role::Admin)
    }
    pub fn may_access_unit(&self, unit_id: i64) -> bool {
        self.staff().is_some_and(|s| s.may_access_unit(unit_id))
    }
    pub fn may_approve_for(&self, unit_id: i64) -> bool {
        self.staff().is_some_and(|s| s.may_approve_for(unit_id))
    }
}

/// An uploaded file's name as stored and shown: no directories (`../../etc/x.pdf` → `x.pdf`), no
/// control or reserved characters, at most 100 characters; a name left empty or hidden becomes 附件.
pub fn clean_filename(name: &str) -> String {
    let clean: String = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_control() && !"<>:\"|?*".contains(*c))
        .take(100)
        .collect();
    if clean.trim().is_empty() || clean.starts_with('.') { "附件".to_string() } else { clean }
}
