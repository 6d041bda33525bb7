//! Monthly statistics per unit and the ranking of units (统计排名) that the 政务公开办 publishes in its
//! 月报 (the seed: "每月编发月报，对全市政务公开工作进行统计排名"). The inputs are counts the flows
//! compute from the records (Art. 26's 20-working-day publication limit, the application clock, the
//! inspection indicators); the formula and its weights are the office's, configured and validated here.
//!
//! The formula: each [`Indicator`] yields a part score between 0 and 1; a unit's score is
//! `100 × Σ(weight × part) / Σ(weight)` over the indicators that could be measured for it.
//! - Rates (on-time shares) are the share itself. A rate over fewer than `min_count_for_rate` cases
//!   (including none) is not measured: its weight is left out and the others rescaled, as the
//!   inspection indicators rescale for departments without service items (ogi-facts.md §4.2), and
//!   the unit is marked `small_sample` when a case or more existed but too few. One late reply out of
//!   one application must not rank a unit below one late out of fifty.
//! - Problem counts (stale columns, silent accounts …) score `1 / (1 + n)`: none is full marks, one
//!   halves the part, and no unit's score depends on another's.
//! - The volume of items published is the one relative part: the unit's count over the month's
//!   largest count, since no absolute standard of volume exists.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::UnitId;

/// The channels an item went out on (the annual report counts 政府网站, 政务微博, 政务微信).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Channel {
    Website,
    Weibo,
    WeChat,
    App,
    Other,
}

/// One unit's month, as counted from the records.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitMonth {
    /// Items proactively published, by channel (an item on two channels counts on each).
    pub published_by_channel: BTreeMap<Channel, u32>,
    /// Items published on the website this month (the denominator of timeliness).
    pub published_items: u32,
    /// Of those, published later than 20 working days after they were formed or changed (条例第二十六条).
    pub published_late: u32,
    /// Items published although the 保密审查 reviewer's scan finding was overridden.
    pub review_overrides: u32,
    pub applications_received: u32,
    pub applications_answered: u32,
    /// Answered within the statutory limit, paused days (third-party consultation, clarification)
    /// already excluded by the application clock.
    pub applications_answered_on_time: u32,
    /// Open at month end and past their due date.
    pub applications_overdue: u32,
    /// Open at month end, not yet due: carried to next month.
    pub applications_carried: u32,
    /// Working days the clocks of this unit's applications were paused (shown, not scored).
    pub paused_days_excluded: u32,
    pub complaints_total: u32,
    pub complaints_answered_on_time: u32,
    pub stale_columns: u32,
    pub blank_columns: u32,
    pub silent_accounts: u32,
    pub open_rectifications: u32,
    /// Policies published without their 政策解读 (三同步) and without an accepted deferral.
    pub late_interpretations: u32,
    /// Public messages past their answer deadline and unanswered at month end.
    pub unanswered_messages: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Indicator {
    PublishedVolume,
    PublicationTimeliness,
    ReviewOverrides,
    ApplicationsOnTime,
    ApplicationsOverdue,
    ComplaintsOnTime,
    StaleColumns,
    BlankColumns,
    SilentAccounts,
    OpenRectifications,
    LateInterpretations,
    UnansweredMessages,
}

enum Kind {
    /// numerator, denominator
    Rate(u32, u32),
    /// fewer is better
    Problems(u32),
    /// more is better, against the month's largest
    Volume(u32),
}

impl Indicator {
    pub const ALL: [Indicator; 12] = [
        Indicator::PublishedVolume,
        Indicator::PublicationTimeliness,
        Indicator::ReviewOverrides,
        Indicator::ApplicationsOnTime,
        Indicator::ApplicationsOverdue,
        Indicator::ComplaintsOnTime,
        Indicator::StaleColumns,
        Indicator::BlankColumns,
        Indicator::SilentAccounts,
        Indicator::OpenRectifications,
        Indicator::LateInterpretations,
        Indicator::UnansweredMessages,
    ];

    pub fn label(&self) -> &'static str {
        match self {
            Indicator::PublishedVolume => "主动公开数量",
            Indicator::PublicationTimeliness => "主动公开及时率",
            Indicator::ReviewOverrides => "保密审查提示被忽略数",
            Indicator::ApplicationsOnTime => "依申请公开按时答复率",
            Indicator::ApplicationsOverdue => "依申请公开逾期未答复数",
            Indicator::ComplaintsOnTime => "投诉举报按时办结率",
            Indicator::StaleColumns => "未按时更新栏目数",
            Indicator::BlankColumns => "空白栏目数",
            Indicator::SilentAccounts => "休眠、僵尸政务新媒体数",
            Indicator::OpenRectifications => "未完成整改问题数",
            Indicator::LateInterpretations => "政策解读未同步数",
            Indicator::UnansweredMessages => "超期未答复留言数",
        }
    }

    /// The written definition shown in the 月报's notes.
    pub fn definition(&self) -> &'static str {
        match self {
            Indicator::PublishedVolume => {
                "本月通过各渠道主动公开的信息条数之和（同一信息在多个渠道发布的分别计数），以当月最高单位为满分折算"
            }
            Indicator::PublicationTimeliness => {
                "本月在政府网站公开的信息中，自形成或者变更之日起20个工作日内公开的比例（《条例》第二十六条）"
            }
            Indicator::ReviewOverrides => "本月发布时未采纳保密审查自动扫描提示（个人信息、密级标志）的信息条数",
            Indicator::ApplicationsOnTime => {
                "本月答复的政府信息公开申请中，在法定期限内答复的比例；征求第三方意见、补正等依法不计入期限的时间已扣除"
            }
            Indicator::ApplicationsOverdue => "月末仍未答复且已超过答复期限的政府信息公开申请件数",
            Indicator::ComplaintsOnTime => "本月应办结的投诉举报中，在规定工作日内答复的比例",
            Indicator::StaleColumns => {
                "月末检查时超过更新周期未更新的栏目数（动态要闻类2周、通知公告和政策文件类6个月、其他栏目按设定周期）"
            }
            Indicator::BlankColumns => "月末检查时没有任何注明发布时间信息的栏目数",
            Indicator::SilentAccounts => {
                "月末检查时两周以上未发布信息的政务新媒体账号数（含休眠、僵尸账号，不含已关停）"
            }
            Indicator::OpenRectifications => "抽查发现的问题中，月末已过整改期限仍未整改到位的问题数",
            Indicator::LateInterpretations => "本月印发的应解读政策文件中，未与文件同步公开解读且无延期说明的件数",
            Indicator::UnansweredMessages => "月末已超过答复期限仍未答复的咨询、建议、投诉留言数",
        }
    }

    fn kind(&self, m: &UnitMonth) -> Kind {
        match self {
            Indicator::PublishedVolume => Kind::Volume(m.published_by_channel.values().sum()),
            Indicator::PublicationTimeliness => {
                Kind::Rate(m.published_items.saturating_sub(m.published_late), m.published_items)
            }
            Indicator::ReviewOverrides => Kind::Problems(m.review_overrides),
            Indicator::ApplicationsOnTime => Kind::Rate(m.applications_answered_on_time, m.applications_answered),
            Indicator::ApplicationsOverdue => Kind::Problems(m.applications_overdue),
            Indicator::ComplaintsOnTime => Kind::Rate(m.complaints_answered_on_time, m.complaints_total),
            Indicator::StaleColumns => Kind::Problems(m.stale_columns),
            Indicator::BlankColumns => Kind::Problems(m.blank_columns),
            Indicator::SilentAccounts => Kind::Problems(m.silent_accounts),
            Indicator::OpenRectifications => Kind::Problems(m.open_rectifications),
            Indicator::LateInterpretations => Kind::Problems(m.late_interpretations),
            Indicator::UnansweredMessages => Kind::Problems(m.unanswered_messages),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Error)]
pub enum ScoringError {
    #[error("指标“{0}”的权重不能为负数")]
    NegativeWeight(&'static str),
    #[error("指标“{0}”的权重不是有效数字")]
    NotANumber(&'static str),
    #[error("所有指标的权重都为零，无法计算得分：请至少为一项指标设置正的权重")]
    AllZero,
    #[error("比率类指标的最小样本数至少为1")]
    MinCountZero,
}

/// The office's formula. Only [`ScoringConfig::new`] builds one, so a config in hand is valid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawScoringConfig")]
pub struct ScoringConfig {
    weights: BTreeMap<Indicator, f64>,
    min_count_for_rate: u32,
}

#[derive(Deserialize)]
struct RawScoringConfig {
    weights: BTreeMap<Indicator, f64>,
    min_count_for_rate: u32,
}

impl TryFrom<RawScoringConfig> for ScoringConfig {
    type Error = ScoringError;
    fn try_from(r: RawScoringConfig) -> Result<Self, Self::Error> {
        ScoringConfig::new(r.weights, r.min_count_for_rate)
    }
}

impl ScoringConfig {
    /// Indicators missing from `weights` weigh zero.
    pub fn new(weights: BTreeMap<Indicator, f64>, min_count_for_rate: u32) -> Result<Self, ScoringError> {
        for (i, w) in &weights {
            if !w.is_finite() {
                return Err(ScoringError::NotANumber(i.label()));
            }
            if *w < 0.0 {
                return Err(ScoringError::NegativeWeight(i.label()));
            }
        }
        if weights.values().all(|w| *w == 0.0) {
            return Err(ScoringError::AllZero);
        }
        if min_count_for_rate == 0 {
            return Err(ScoringError::MinCountZero);
        }
        Ok(ScoringConfig { weights, min_count_for_rate })
    }

    /// Equal weights on every indicator; rates need at least 3 cases.
    pub fn equal_weights() -> Self {
        ScoringConfig::new(Indicator::ALL.iter().map(|i| (*i, 1.0)).collect(), 3).expect("valid")
    }

    pub fn weight(&self, i: Indicator) -> f64 {
        self.weights.get(&i).copied().unwrap_or(0.0)
    }

    pub fn min_count_for_rate(&self) -> u32 {
        self.min_count_for_rate
    }
}

/// One indicator's contribution to a unit's score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Part {
    pub indicator: Indicator,
    /// The raw value: a share in [0, 1] for rates, a count otherwise; `None` for a rate with no cases.
    pub value: Option<f64>,
    /// Cases behind a rate (its denominator); the count itself otherwise.
    pub count: u32,
    /// Points contributed to the 100-point score; 0 when not measured.
    pub weighted: f64,
    /// A rate over fewer cases than the minimum: shown, not scored.
    pub small_sample: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RankedUnit {
    pub unit: UnitId,
    /// 0–100; `None` when no weighted indicator could be measured for the unit.
    pub score: Option<f64>,
    /// 1-based; equal scores share a rank (1, 1, 3); `None` when unscored.
    pub rank: Option<u32>,
    pub parts: Vec<Part>,
    /// At least one weighted rate was left out for having too few cases.
    pub small_sample: bool,
}

/// Scores compare after rounding to 1e-6, so that float noise never decides a rank.
fn score_key(s: f64) -> i64 {
    (s * 1_000_000.0).round() as i64
}

/// The month's ranking: highest score first; equal scores share a rank and are listed by unit id;
/// unscored units come last, unranked.
pub fn rank(units: &[(UnitId, UnitMonth)], config: &ScoringConfig) -> Vec<RankedUnit> {
    let max_volume = units
        .iter()
        .map(|(_, m)| match Indicator::PublishedVolume.kind(m) {
            Kind::Volume(v) => v,
            _ => 0,
        })
        .max()
        .unwrap_or(0);
    let mut scored: Vec<RankedUnit> = units.iter().map(|(u, m)| score_unit(u, m, config, max_volume)).collect();
    scored.sort_by(|a, b| match (a.score, b.score) {
        (Some(x), Some(y)) => score_key(y).cmp(&score_key(x)).then(a.unit.cmp(&b.unit)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.unit.cmp(&b.unit),
    });
    let mut prev: Option<(i64, u32)> = None;
    for (i, r) in scored.iter_mut().enumerate() {
        if let Some(s) = r.score {
            let key = score_key(s);
            let rank = match prev {
                Some((k, rank)) if k == key => rank,
                _ => i as u32 + 1,
            };
            prev = Some((key, rank));
            r.rank = Some(rank);
        }
    }
    scored
}

fn score_unit(unit: &UnitId, m: &UnitMonth, config: &ScoringConfig, max_volume: u32) -> RankedUnit {
    let mut parts = Vec::new();
    let mut total_weight = 0.0;
    let mut small_sample = false;
    let mut raw = Vec::new();
    for ind in Indicator::ALL {
        let w = config.weight(ind);
        let (value, count, part, small) = match ind.kind(m) {
            Kind::Rate(num, den) => {
                let value = (den > 0).then(|| f64::from(num.min(den)) / f64::from(den));
                let small = den > 0 && den < config.min_count_for_rate;
                let part = if den >= config.min_count_for_rate { value } else { None };
                (value, den, part, small)
            }
            Kind::Problems(n) => (Some(f64::from(n)), n, Some(1.0 / (1.0 + f64::from(n))), false),
            Kind::Volume(n) => {
                let part = if max_volume == 0 { 1.0 } else { f64::from(n) / f64::from(max_volume) };
                (Some(f64::from(n)), n, Some(part), false)
            }
        };
        if w > 0.0 {
            small_sample |= small;
            if part.is_some() {
                total_weight += w;
            }
        }
        raw.push((ind, value, count, part, small, w));
    }
    let score = (total_weight > 0.0)
        .then(|| raw.iter().filter_map(|(_, _, _, p, _, w)| p.map(|p| p * w)).sum::<f64>() / total_weight * 100.0);
    for (indicator, value, count, part, small, w) in raw {
        let weighted = match (part, total_weight > 0.0) {
            (Some(p), true) => p * w / total_weight * 100.0,
            _ => 0.0,
        };
        parts.push(Part { indicator, value, count, weighted, small_sample: small });
    }
    RankedUnit { unit: unit.clone(), score, rank: None, parts, small_sample }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn weights(pairs: &[(Indicator, f64)]) -> BTreeMap<Indicator, f64> {
        pairs.iter().copied().collect()
    }

    fn u(s: &str) -> UnitId {
        UnitId(s.into())
    }

    #[test]
    fn a_config_with_a_negative_or_all_zero_weight_is_refused_in_chinese() {
        let neg = ScoringConfig::new(weights(&[(Indicator::StaleColumns, -1.0)]), 3).unwrap_err();
        assert_eq!(neg.to_string(), "指标“未按时更新栏目数”的权重不能为负数");
        let zero = ScoringConfig::new(weights(&[(Indicator::StaleColumns, 0.0)]), 3).unwrap_err();
        assert_eq!(zero, ScoringError::AllZero);
        assert_eq!(ScoringConfig::new(BTreeMap::new(), 3).unwrap_err(), ScoringError::AllZero);
        assert!(ScoringConfig::new(weights(&[(Indicator::StaleColumns, f64::NAN)]), 3).is_err());
        assert_eq!(ScoringConfig::new(weights(&[(Indicator::StaleColumns, 1.0)]), 0), Err(ScoringError::MinCountZero));
    }

    #[test]
    fn a_config_read_from_json_is_validated_too() {
        let bad = r#"{"weights":{"StaleColumns":-2.0},"min_count_for_rate":3}"#;
        assert!(serde_json::from_str::<ScoringConfig>(bad).is_err());
        let good = r#"{"weights":{"StaleColumns":2.0},"min_count_for_rate":3}"#;
        assert_eq!(serde_json::from_str::<ScoringConfig>(good).unwrap().weight(Indicator::StaleColumns), 2.0);
    }

    #[test]
    fn every_indicator_has_a_chinese_definition() {
        for i in Indicator::ALL {
            assert!(i.definition().chars().count() > 10, "{i:?}");
            assert!(!i.label().is_empty());
        }
    }

    /// A: punctual with applications but with stale columns; B: no stale columns, late replies.
    fn two_units() -> Vec<(UnitId, UnitMonth)> {
        let a = UnitMonth {
            applications_answered: 10,
            applications_answered_on_time: 10,
            stale_columns: 3,
            ..Default::default()
        };
        let b = UnitMonth {
            applications_answered: 10,
            applications_answered_on_time: 5,
            stale_columns: 0,
            ..Default::default()
        };
        vec![(u("A"), a), (u("B"), b)]
    }

    #[test]
    fn changing_a_weight_reorders_the_ranking() {
        let apps_heavy =
            ScoringConfig::new(weights(&[(Indicator::ApplicationsOnTime, 3.0), (Indicator::StaleColumns, 1.0)]), 3)
                .unwrap();
        let columns_heavy =
            ScoringConfig::new(weights(&[(Indicator::ApplicationsOnTime, 1.0), (Indicator::StaleColumns, 3.0)]), 3)
                .unwrap();
        let r1 = rank(&two_units(), &apps_heavy);
        assert_eq!((r1[0].unit.0.as_str(), r1[0].rank), ("A", Some(1)));
        // A: (3×1 + 1×0.25)/4 = 81.25; B: (3×0.5 + 1×1)/4 = 62.5
        assert!((r1[0].score.unwrap() - 81.25).abs() < 1e-9);
        assert!((r1[1].score.unwrap() - 62.5).abs() < 1e-9);
        let r2 = rank(&two_units(), &columns_heavy);
        assert_eq!(r2[0].unit, u("B"));
        assert_eq!(r2[1].rank, Some(2));
    }

    #[test]
    fn the_parts_add_up_to_the_score() {
        let r = rank(&two_units(), &ScoringConfig::equal_weights());
        for unit in r {
            let sum: f64 = unit.parts.iter().map(|p| p.weighted).sum();
            assert!((sum - unit.score.unwrap()).abs() < 1e-9);
        }
    }

    #[test]
    fn a_rate_over_too_few_cases_is_shown_but_not_scored_and_the_unit_is_marked() {
        let config =
            ScoringConfig::new(weights(&[(Indicator::ApplicationsOnTime, 1.0), (Indicator::StaleColumns, 1.0)]), 3)
                .unwrap();
        // One late answer out of one: a 0% rate that must not sink the unit.
        let tiny = UnitMonth { applications_answered: 1, applications_answered_on_time: 0, ..Default::default() };
        let r = rank(&[(u("T"), tiny)], &config);
        assert!(r[0].small_sample);
        assert_eq!(r[0].score, Some(100.0));
        let part = r[0].parts.iter().find(|p| p.indicator == Indicator::ApplicationsOnTime).unwrap();
        assert_eq!((part.value, part.weighted, part.small_sample), (Some(0.0), 0.0, true));
    }

    #[test]
    fn a_unit_with_no_cases_at_all_is_not_marked_small_sample() {
        let r = rank(&[(u("Z"), UnitMonth::default())], &ScoringConfig::equal_weights());
        assert!(!r[0].small_sample);
        assert_eq!(r[0].score, Some(100.0));
    }

    #[test]
    fn a_unit_with_nothing_measurable_is_listed_last_and_unranked() {
        let config = ScoringConfig::new(weights(&[(Indicator::ComplaintsOnTime, 1.0)]), 3).unwrap();
        let measured = UnitMonth { complaints_total: 4, complaints_answered_on_time: 1, ..Default::default() };
        let r = rank(&[(u("A"), UnitMonth::default()), (u("B"), measured)], &config);
        assert_eq!((r[0].unit.clone(), r[0].rank), (u("B"), Some(1)));
        assert_eq!((r[1].unit.clone(), r[1].rank, r[1].score), (u("A"), None, None));
    }

    #[test]
    fn equal_scores_share_a_rank_and_list_by_unit_id_whatever_the_input_order() {
        let m = UnitMonth { stale_columns: 1, ..Default::default() };
        let better = UnitMonth::default();
        let input = vec![(u("C"), m.clone()), (u("A"), m.clone()), (u("B"), better), (u("D"), m)];
        let r = rank(&input, &ScoringConfig::equal_weights());
        let order: Vec<_> = r.iter().map(|x| (x.unit.0.as_str(), x.rank.unwrap())).collect();
        assert_eq!(order, vec![("B", 1), ("A", 2), ("C", 2), ("D", 2)]);
    }

    #[test]
    fn published_volume_is_scored_against_the_months_largest() {
        let config = ScoringConfig::new(weights(&[(Indicator::PublishedVolume, 1.0)]), 3).unwrap();
        let big = UnitMonth {
            published_by_channel: [(Channel::Website, 80), (Channel::WeChat, 20)].into(),
            ..Default::default()
        };
        let small = UnitMonth { published_by_channel: [(Channel::Website, 25)].into(), ..Default::default() };
        let r = rank(&[(u("S"), small), (u("B"), big)], &config);
        assert_eq!(r[0].score, Some(100.0));
        assert_eq!(r[1].score, Some(25.0));
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn unit_month() -> impl Strategy<Value = UnitMonth> {
            (proptest::collection::vec(0u32..40, 12), 0u32..500).prop_map(|(v, volume)| UnitMonth {
                published_by_channel: [(Channel::Website, volume)].into(),
                published_items: v[0] + v[1],
                published_late: v[1],
                applications_answered: v[2] + v[3],
                applications_answered_on_time: v[2],
                applications_overdue: v[4] % 3,
                complaints_total: v[5] + v[6],
                complaints_answered_on_time: v[5],
                stale_columns: v[7] % 6,
                blank_columns: v[8] % 6,
                silent_accounts: v[9] % 4,
                open_rectifications: v[10] % 4,
                unanswered_messages: v[11] % 5,
                ..Default::default()
            })
        }

        proptest! {
            #[test]
            fn scores_lie_between_0_and_100_add_up_from_their_parts_and_ranks_follow_scores(
                months in proptest::collection::vec(unit_month(), 1..12),
                weights in proptest::collection::vec(0.0f64..5.0, 12),
                min_count in 1u32..10,
            ) {
                let weights: BTreeMap<Indicator, f64> = Indicator::ALL.into_iter().zip(weights).collect();
                prop_assume!(weights.values().any(|w| *w > 0.0));
                let config = ScoringConfig::new(weights, min_count).unwrap();
                let units: Vec<(UnitId, UnitMonth)> =
                    months.into_iter().enumerate().map(|(i, m)| (UnitId(format!("U{i:02}")), m)).collect();
                let ranked = rank(&units, &config);
                prop_assert_eq!(ranked.len(), units.len());
                let mut last: Option<(f64, u32)> = None;
                for r in &ranked {
                    let (Some(score), Some(rank)) = (r.score, r.rank) else { continue };
                    prop_assert!((0.0..=100.0 + 1e-9).contains(&score));
                    let sum: f64 = r.parts.iter().map(|p| p.weighted).sum();
                    prop_assert!((sum - score).abs() < 1e-6);
                    if let Some((s, k)) = last {
                        prop_assert!(score <= s + 1e-9 && rank >= k);
                    }
                    last = Some((score, rank));
                }
            }
        }
    }
}
