//! 民生监督 use cases: importing disbursement lists (validated row by row by the domain, stored
//! all or nothing once the office accepts a clean batch, the original file kept), reconciliation
//! findings for the office, the public query (only masked rows ever leave this module for a public
//! page), "查我自己的", complaints (投诉举报) on the working-day calendar, projects, village
//! disclosures and the office's dashboard line. 条例第十五条: personal data is not disclosed.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Datelike, NaiveDate};
use gongkai_domain::livelihood::{
    self as lh, Basis, BatchEvent, BatchStatus, ComplaintEvent, ComplaintStatus, Fen, FundFinding, MaskedId,
    MaskedName, Period, Program, PublicRow, Rating, RedirectKind, RowError,
};
use gongkai_domain::org::IdNumber;
use serde::{Deserialize, Serialize};

use crate::db::{self, livelihood as ldb};
use crate::error::{AppError, FieldError, Result};
use crate::flows::Actor;
use crate::flows::application::{Upload, check_upload};
use crate::flows::auth::{digest, hex, random_token};
use crate::state::AppState;
use crate::state::today;

pub fn program_of(p: &ldb::ProgramRow) -> Program {
    Program {
        code: p.code.clone(),
        name: p.name.clone(),
        basis: match p.basis.as_str() {
            "household" => Basis::PerHousehold,
            "mu" => Basis::PerMu,
            _ => Basis::PerPerson,
        },
        standard: Fen(p.standard_fen),
        min_age: p.min_age.map(|a| a as u32),
    }
}

/// `2020-06` → June 2020, `2020` → the year.
pub fn parse_period(key: &str) -> Option<Period> {
    match key.trim().split_once('-') {
        Some((y, m)) => Period::month(y.parse().ok()?, m.parse().ok()?),
        None => Period::year(key.trim().parse().ok()?),
    }
}

pub fn period_label(key: &str) -> String {
    if let Some((y, q)) = key.split_once("-Q") {
        return format!("{y}年第{q}季度");
    }
    parse_period(key).map(|p| p.to_string()).unwrap_or_else(|| key.to_string())
}

/// The key of a period as typed in a form: `2020-6`, `2020-06`, `2020年6月` or `2020`.
pub fn normalize_period_key(text: &str) -> Option<String> {
    let t = text.trim().replace('年', "-").replace('月', "");
    let t = t.trim_end_matches('-');
    let p = parse_period(t)?;
    Some(if t.contains('-') {
        format!("{}-{:02}", p.first_day().year(), p.first_day().month())
    } else {
        p.first_day().year().to_string()
    })
}

mod batches;
mod complaints;
mod dashboard;
mod funds;
mod projects;
mod reads;
mod setup;
mod village;

pub use batches::*;
pub use complaints::*;
pub use dashboard::*;
pub use funds::*;
pub use projects::*;
pub use reads::*;
pub use setup::*;
pub use village::*;
