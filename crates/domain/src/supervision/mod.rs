//! 监督考核: how the government's open-government office (政务公开办) supervises its units — the
//! website and 政务新媒体 inspection indicators (国办秘函〔2019〕19号, ogi-facts.md §4), the monthly
//! statistics and ranking of units (the seed's "每月编发月报……进行统计排名"), versioned monthly
//! reports, random spot checks with rectification tracked to closure, and the annual assessment that
//! counts for a share of the government's target assessment (the seed: "分值占比为4%").
//!
//! Everything here is a pure function of its inputs; "today" is always passed in.

pub mod account;
pub mod assessment;
pub mod column;
pub mod monthly_report;
pub mod oversight;
pub mod portal;
pub mod ranking;
pub mod spot_check;

pub use account::{
    Account, AccountStatus, Platform, WeeklyReminder, account_status, normal_by_platform, weekly_reminders,
};
pub use assessment::{AnnualAssessment, AnnualRecord, AssessmentConfig, AssessmentError, assess, rank_annual};
pub use column::{ColumnCheck, ColumnState, UpdateClass, VetoFlag, account_veto, column_state, single_veto};
pub use monthly_report::{MonthlyReport, Revision, VersionError, YearMonth, changed_paths};
pub use ranking::{Channel, Indicator, Part, RankedUnit, ScoringConfig, ScoringError, UnitMonth, rank};
pub use spot_check::{
    Evidence, Finding, RectificationError, RectificationEvent, RectificationStatus, SplitMix64, draw,
};

use serde::{Deserialize, Serialize};

/// A unit (单位) of the government: a 市直单位 or a 乡镇/街道, by its stable code.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct UnitId(pub String);

impl std::fmt::Display for UnitId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
