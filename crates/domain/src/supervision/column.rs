//! Column freshness on a government website, and the website single-veto (单项否决) rows on columns
//! and on replies to the public, as 国办秘函〔2019〕19号 applies them (ogi-facts.md §4.3, thresholds
//! of the 2015 全国政府网站普查评分表 that the 2019 inspections still use):
//!
//! - 监测时间点前2周内的动态、要闻类栏目，以及监测时间点前6个月内的通知公告、政策文件类栏目，累计超过（含）5个未更新;
//! - 网站中应更新但长期未更新的栏目数超过（含）10个;
//! - 空白栏目数量超过（含）5个;
//! - 政务咨询类栏目……超过三个月未回应 (互动回应差).
//!
//! "未注明信息发布时间的视为不更新": the caller passes as `last_update` the date of the newest item
//! that carries a publication date; undated items never count as updates.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::account::{Account, AccountStatus};

/// How often a column must be updated (ogi-facts.md §4.3; 杨陵区's restatement: "动态"≤2周,
/// "通知公告""政策文件"≤6个月, 其他栏目原则上最多不得超过6个月).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum UpdateClass {
    /// 动态、要闻: updated within the 14 days before the monitoring point.
    News,
    /// 通知公告、政策文件: updated within the 6 months before the monitoring point.
    Notice,
    /// Any other column that must be updated, within `months` (6 unless the office sets otherwise).
    Other { months: u32 },
    /// A column that never needs updating (机构职能, 公开指南 …): only its being empty counts.
    NoUpdate,
}

impl UpdateClass {
    /// 其他栏目原则上最多不得超过6个月.
    pub const OTHER_DEFAULT: UpdateClass = UpdateClass::Other { months: 6 };
    pub const NEWS_DAYS: u64 = 14;
    pub const NOTICE_MONTHS: u32 = 6;

    /// The last day an update on `last_update` still counts as current.
    fn current_until(self, last_update: NaiveDate) -> Option<NaiveDate> {
        match self {
            UpdateClass::News => last_update.checked_add_days(chrono::Days::new(Self::NEWS_DAYS)),
            UpdateClass::Notice => last_update.checked_add_months(Months::new(Self::NOTICE_MONTHS)),
            UpdateClass::Other { months } => last_update.checked_add_months(Months::new(months)),
            UpdateClass::NoUpdate => None,
        }
    }

    /// Counted by the first single-veto row (动态、要闻、通知公告、政策文件类栏目).
    pub fn is_news_or_notice(self) -> bool {
        matches!(self, UpdateClass::News | UpdateClass::Notice)
    }
}

/// The indicators do not define "长期未更新". We read it as: past the column's own window AND
/// without any update for more than [`LONG_STALE_MONTHS`] months — the longest regular window
/// ("其他栏目原则上最多不得超过6个月"). So a 通知公告 column passes straight from fresh to long-stale,
/// and a 动态 column is stale after 14 days and long-stale after 6 months. One constant to change.
pub const LONG_STALE_MONTHS: u32 = 6;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ColumnState {
    Fresh,
    /// Out of date since `since` (the first day after its window).
    Stale {
        since: NaiveDate,
    },
    /// 应更新但长期未更新; out of date since `since`.
    LongStale {
        since: NaiveDate,
    },
    /// 空白栏目: nothing dated was ever published in it.
    Blank,
}

/// The state of one column on `today`, the monitoring point. An update dated after `today` (a data
/// error, or a scheduled item) counts as fresh rather than inventing a staleness.
pub fn column_state(class: UpdateClass, last_update: Option<NaiveDate>, today: NaiveDate) -> ColumnState {
    let Some(last) = last_update else { return ColumnState::Blank };
    let Some(until) = class.current_until(last) else { return ColumnState::Fresh };
    if today <= until {
        return ColumnState::Fresh;
    }
    let since = until.succ_opt().unwrap_or(until);
    let long_limit = last.checked_add_months(Months::new(LONG_STALE_MONTHS)).unwrap_or(until);
    if today > long_limit { ColumnState::LongStale { since } } else { ColumnState::Stale { since } }
}

/// One column as checked on a monitoring day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnCheck {
    pub name: String,
    pub class: UpdateClass,
    pub state: ColumnState,
}

/// A single-veto row hit. Any one of them makes the site (or account) 不合格 (ogi-facts.md §4.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum VetoFlag {
    /// ≥ 5 动态/要闻 (2 weeks) and 通知公告/政策文件 (6 months) columns not updated.
    StaleNewsAndNoticeColumns { count: usize },
    /// ≥ 10 columns 应更新但长期未更新.
    LongStaleColumns { count: usize },
    /// ≥ 5 blank columns.
    BlankColumns { count: usize },
    /// 政务咨询类栏目 messages unanswered for more than three months (互动回应差).
    UnansweredConsultations { count: usize },
    /// A 政务新媒体 account with no post in the two weeks before the monitoring point (§4.4).
    SilentAccount { account: String },
}

impl VetoFlag {
    pub const STALE_NEWS_NOTICE_THRESHOLD: usize = 5;
    pub const LONG_STALE_THRESHOLD: usize = 10;
    pub const BLANK_THRESHOLD: usize = 5;

    /// The indicator wording the flag rests on, for the bulletin (月通报).
    pub fn basis(&self) -> &'static str {
        match self {
            VetoFlag::StaleNewsAndNoticeColumns { .. } => {
                "监测时间点前2周内的动态、要闻类栏目，以及监测时间点前6个月内的通知公告、政策文件类栏目，累计超过（含）5个未更新"
            }
            VetoFlag::LongStaleColumns { .. } => "网站中应更新但长期未更新的栏目数超过（含）10个",
            VetoFlag::BlankColumns { .. } => "空白栏目数量超过（含）5个",
            VetoFlag::UnansweredConsultations { .. } => {
                "监测时间点前1年内，政务咨询类栏目对网民留言超过三个月未回应（互动回应差）"
            }
            VetoFlag::SilentAccount { .. } => "政务新媒体监测点前两周内未更新",
        }
    }
}

/// The website single-veto rows on columns and replies. `unanswered_over_three_months` is the
/// number of 政务咨询类 messages of the past year left unanswered for more than three months (see
/// `interaction::unanswered_over_three_months`); a single one is a veto.
pub fn single_veto(columns: &[ColumnCheck], unanswered_over_three_months: usize) -> Vec<VetoFlag> {
    let stale_news_notice = columns
        .iter()
        .filter(|c| c.class.is_news_or_notice())
        .filter(|c| matches!(c.state, ColumnState::Stale { .. } | ColumnState::LongStale { .. }))
        .count();
    let long_stale = columns.iter().filter(|c| matches!(c.state, ColumnState::LongStale { .. })).count();
    let blank = columns.iter().filter(|c| c.state == ColumnState::Blank).count();
    let mut flags = Vec::new();
    if stale_news_notice >= VetoFlag::STALE_NEWS_NOTICE_THRESHOLD {
        flags.push(VetoFlag::StaleNewsAndNoticeColumns { count: stale_news_notice });
    }
    if long_stale >= VetoFlag::LONG_STALE_THRESHOLD {
        flags.push(VetoFlag::LongStaleColumns { count: long_stale });
    }
    if blank >= VetoFlag::BLANK_THRESHOLD {
        flags.push(VetoFlag::BlankColumns { count: blank });
    }
    if unanswered_over_three_months > 0 {
        flags.push(VetoFlag::UnansweredConsultations { count: unanswered_over_three_months });
    }
    flags
}

/// The 政务新媒体 single veto (§4.4): every open account silent for more than two weeks.
pub fn account_veto(accounts: &[Account], today: NaiveDate, zombie_after_days: u32) -> Vec<VetoFlag> {
    accounts
        .iter()
        .filter(|a| matches!(a.status(today, zombie_after_days), AccountStatus::Dormant | AccountStatus::Zombie))
        .map(|a| VetoFlag::SilentAccount { account: a.name.clone() })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn col(class: UpdateClass, state: ColumnState) -> ColumnCheck {
        ColumnCheck { name: "栏目".into(), class, state }
    }

    #[test]
    fn a_news_column_updated_fourteen_days_ago_is_still_fresh_and_fifteen_is_stale() {
        let today = d(2020, 6, 15);
        assert_eq!(column_state(UpdateClass::News, Some(d(2020, 6, 1)), today), ColumnState::Fresh);
        assert_eq!(
            column_state(UpdateClass::News, Some(d(2020, 5, 31)), today),
            ColumnState::Stale { since: d(2020, 6, 15) }
        );
    }

    #[test]
    fn a_notice_column_is_fresh_for_six_calendar_months_then_long_stale() {
        let today = d(2020, 7, 1);
        assert_eq!(column_state(UpdateClass::Notice, Some(d(2020, 1, 1)), today), ColumnState::Fresh);
        assert_eq!(
            column_state(UpdateClass::Notice, Some(d(2019, 12, 31)), today),
            ColumnState::LongStale { since: d(2020, 7, 1) }
        );
    }

    #[test]
    fn a_news_column_becomes_long_stale_after_six_months() {
        let today = d(2020, 7, 2);
        assert_eq!(
            column_state(UpdateClass::News, Some(d(2020, 1, 1)), today),
            ColumnState::LongStale { since: d(2020, 1, 16) }
        );
    }

    #[test]
    fn an_other_column_uses_its_configured_window() {
        let today = d(2020, 5, 1);
        let three = UpdateClass::Other { months: 3 };
        assert_eq!(column_state(three, Some(d(2020, 1, 15)), today), ColumnState::Stale { since: d(2020, 4, 16) });
        assert_eq!(column_state(UpdateClass::OTHER_DEFAULT, Some(d(2020, 1, 15)), today), ColumnState::Fresh);
    }

    #[test]
    fn a_column_with_nothing_dated_is_blank_whatever_its_class() {
        for class in [UpdateClass::News, UpdateClass::Notice, UpdateClass::OTHER_DEFAULT, UpdateClass::NoUpdate] {
            assert_eq!(column_state(class, None, d(2020, 1, 1)), ColumnState::Blank);
        }
        assert_eq!(column_state(UpdateClass::NoUpdate, Some(d(2000, 1, 1)), d(2020, 1, 1)), ColumnState::Fresh);
    }

    #[test]
    fn four_stale_news_columns_pass_and_five_are_a_veto() {
        let stale = ColumnState::Stale { since: d(2020, 1, 1) };
        let mut cols: Vec<_> = (0..4).map(|_| col(UpdateClass::News, stale)).collect();
        // Stale "other" columns do not count towards the first row.
        cols.push(col(UpdateClass::OTHER_DEFAULT, stale));
        assert!(single_veto(&cols, 0).is_empty());
        cols.push(col(UpdateClass::Notice, ColumnState::LongStale { since: d(2020, 1, 1) }));
        assert_eq!(single_veto(&cols, 0), vec![VetoFlag::StaleNewsAndNoticeColumns { count: 5 }]);
    }

    #[test]
    fn ten_long_stale_columns_and_five_blank_columns_are_each_a_veto() {
        let long = ColumnState::LongStale { since: d(2020, 1, 1) };
        let mut cols: Vec<_> = (0..9).map(|_| col(UpdateClass::OTHER_DEFAULT, long)).collect();
        cols.extend((0..4).map(|_| col(UpdateClass::NoUpdate, ColumnState::Blank)));
        assert!(single_veto(&cols, 0).is_empty());
        cols.push(col(UpdateClass::OTHER_DEFAULT, long));
        cols.push(col(UpdateClass::NoUpdate, ColumnState::Blank));
        assert_eq!(
            single_veto(&cols, 0),
            vec![VetoFlag::LongStaleColumns { count: 10 }, VetoFlag::BlankColumns { count: 5 }]
        );
    }

    #[test]
    fn one_consultation_unanswered_for_three_months_is_a_veto() {
        assert_eq!(single_veto(&[], 1), vec![VetoFlag::UnansweredConsultations { count: 1 }]);
        assert!(VetoFlag::UnansweredConsultations { count: 1 }.basis().contains("三个月"));
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn rank(s: ColumnState) -> u8 {
            match s {
                ColumnState::Fresh => 0,
                ColumnState::Stale { .. } => 1,
                ColumnState::LongStale { .. } => 2,
                ColumnState::Blank => 3,
            }
        }

        proptest! {
            #[test]
            fn a_column_only_gets_staler_as_days_pass_without_an_update(
                class in prop_oneof![
                    Just(UpdateClass::News),
                    Just(UpdateClass::Notice),
                    (1u32..24).prop_map(|months| UpdateClass::Other { months }),
                    Just(UpdateClass::NoUpdate),
                ],
                last_offset in 0i64..3000,
                gap in 0i64..800,
                more in 0i64..800,
            ) {
                let last = NaiveDate::from_ymd_opt(2015, 1, 1).unwrap() + chrono::Duration::days(last_offset);
                let earlier = column_state(class, Some(last), last + chrono::Duration::days(gap));
                let later = column_state(class, Some(last), last + chrono::Duration::days(gap + more));
                prop_assert!(rank(earlier) <= rank(later), "{:?} then {:?}", earlier, later);
                if let (ColumnState::Stale { since: a } | ColumnState::LongStale { since: a },
                        ColumnState::Stale { since: b } | ColumnState::LongStale { since: b }) = (earlier, later) {
                    prop_assert_eq!(a, b);
                }
            }
        }
    }
}
