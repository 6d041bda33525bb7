//! Use cases. Each flow loads what it needs, lets the domain decide, and persists the new state,
//! its change-feed event and its audit record in ONE transaction. Flows are the only code that
//! touches the database, the search index and the domain together.

pub mod access;
pub mod application;
pub mod auth;
pub mod background;
pub mod basic_catalog;
pub mod disclosure;
pub mod interaction;
pub mod livelihood;
pub mod mail;
pub mod ops;
pub mod org;
pub mod report;
pub mod report_check;
pub mod report_oversight;
pub mod report_records;
pub mod report_sources;
pub mod supervision;

pub use gongkai_domain::org::Actor;

/// One option of a form's select list: its stored code and its label.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Choice {
    pub code: String,
    pub label: &'static str,
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
