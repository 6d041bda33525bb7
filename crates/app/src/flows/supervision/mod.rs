//! 监督考核 use cases: the 政务新媒体 registry (posts by hand, CSV and API; 周提醒), the monthly
//! figures computed from the records and ranked by the office's weights, 月报 versions, spot checks
//! with rectification, training records and the annual assessment. The domain
//! (`gongkai_domain::supervision`) decides statuses, scores, draws and transitions; this module
//! loads, persists and audits.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use gongkai_domain::supervision::{
    self as sup, Account, AccountStatus, AnnualRecord, AssessmentConfig, Indicator, MonthlyReport, Platform,
    RankedUnit, RectificationEvent, RectificationStatus, Revision, ScoringConfig, UnitId, UnitMonth, YearMonth,
};
use serde::{Deserialize, Serialize};

use crate::db::{self, Db, supervision::AccountRow};
use crate::error::{AppError, FieldError, Result};
use crate::flows::Actor;
use crate::state::AppState;

pub const SCORING_KEY: &str = "supervision.scoring";
pub const ZOMBIE_KEY: &str = "supervision.zombie_after_days";
pub const ASSESSMENT_SHARE_KEY: &str = "supervision.assessment_share_percent";

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.get(..10).unwrap_or(s).trim(), "%Y-%m-%d").ok()
}

mod assessment;
mod dashboard;
mod monthly;
mod new_media;
mod oversight;
pub mod portal;
mod reads;
mod spot_checks;

pub use assessment::*;
pub use dashboard::*;
pub use monthly::*;
pub use new_media::*;
pub use oversight::*;
pub use reads::*;
pub use spot_checks::*;

#[cfg(test)]
mod tests;
