//! Spot checks (抽查) and rectification (整改): the seed's "全年组织实地抽查调研工作6次……面对抽查
//! 出的问题，立时进行整改，并发布通报进行结果公布". The draw of units or items is random yet
//! verifiable: it is a pure function of a recorded seed and the population, so anyone holding the
//! published seed and list can redo it. The PRNG is SplitMix64 (Steele, Lea, Flood 2014), written
//! here so its output never changes with a dependency's version.
//!
//! A finding's rectification is a table: Open → Submitted (with evidence) → Accepted | Returned →
//! Submitted …. Overdue is computed, never stored.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::UnitId;

/// SplitMix64: 64-bit state, full period, passes BigCrush; enough for a fair, reproducible draw.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0), by rejection so that no index is favoured.
    pub fn below(&mut self, n: u64) -> u64 {
        let zone = u64::MAX - (u64::MAX % n);
        loop {
            let x = self.next_u64();
            if x < zone {
                return x % n;
            }
        }
    }
}

/// Draw `k` distinct members of `population` (all of them if `k` is larger), in draw order.
/// The population is sorted and de-duplicated first, so the result depends on the seed and the set
/// of members only, never on the order the database returned them in. Partial Fisher–Yates.
pub fn draw<T: Ord + Clone>(seed: u64, population: &[T], k: usize) -> Vec<T> {
    let mut pool: Vec<T> = population.to_vec();
    pool.sort();
    pool.dedup();
    let k = k.min(pool.len());
    let mut rng = SplitMix64::new(seed);
    for i in 0..k {
        let j = i + rng.below((pool.len() - i) as u64) as usize;
        pool.swap(i, j);
    }
    pool.truncate(k);
    pool
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RectificationError {
    #[error("整改材料不能为空")]
    EmptyEvidence,
    #[error("退回整改须说明理由")]
    EmptyReason,
    #[error("问题处于“{status}”状态，不能{event}")]
    NotAllowed { status: &'static str, event: &'static str },
}

/// What the unit submits as proof of rectification: a non-empty description or file reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence(String);

impl Evidence {
    pub fn parse(s: &str) -> Result<Self, RectificationError> {
        let s = s.trim();
        if s.is_empty() { Err(RectificationError::EmptyEvidence) } else { Ok(Evidence(s.to_string())) }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Serialized as its stored code (`open`, `submitted` …), which templates compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RectificationStatus {
    /// 待整改
    Open,
    /// 已提交整改材料
    Submitted,
    /// 整改到位 (closed)
    Accepted,
    /// 退回重新整改
    Returned,
}

impl TryFrom<String> for RectificationStatus {
    type Error = crate::UnknownCode;
    fn try_from(code: String) -> Result<Self, Self::Error> {
        RectificationStatus::ALL
            .into_iter()
            .find(|s| s.code() == code)
            .ok_or(crate::UnknownCode { what: "rectification status", code })
    }
}

impl RectificationStatus {
    pub const ALL: [RectificationStatus; 4] = [
        RectificationStatus::Open,
        RectificationStatus::Submitted,
        RectificationStatus::Accepted,
        RectificationStatus::Returned,
    ];
    /// The code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            RectificationStatus::Open => "open",
            RectificationStatus::Submitted => "submitted",
            RectificationStatus::Accepted => "accepted",
            RectificationStatus::Returned => "returned",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            RectificationStatus::Open => "待整改",
            RectificationStatus::Submitted => "已提交整改材料",
            RectificationStatus::Accepted => "整改到位",
            RectificationStatus::Returned => "退回重新整改",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RectificationEvent {
    /// The unit submits its evidence.
    Submit(Evidence),
    /// The office accepts the rectification.
    Accept,
    /// The office returns it, saying why.
    Return { reason: String },
}

impl RectificationEvent {
    fn label(&self) -> &'static str {
        match self {
            RectificationEvent::Submit(_) => "提交整改材料",
            RectificationEvent::Accept => "验收通过",
            RectificationEvent::Return { .. } => "退回整改",
        }
    }
}

/// The rectification flow chart.
pub fn apply(
    status: RectificationStatus,
    event: &RectificationEvent,
) -> Result<RectificationStatus, RectificationError> {
    use RectificationEvent as E;
    use RectificationStatus as S;
    match (status, event) {
        (S::Open | S::Returned, E::Submit(_)) => Ok(S::Submitted),
        (S::Submitted, E::Accept) => Ok(S::Accepted),
        (S::Submitted, E::Return { reason }) if reason.trim().is_empty() => Err(RectificationError::EmptyReason),
        (S::Submitted, E::Return { .. }) => Ok(S::Returned),
        (s, e) => Err(RectificationError::NotAllowed { status: s.label(), event: e.label() }),
    }
}

/// A problem found in a spot check, with its rectification deadline (set by the office; a date
/// computed in working days by the caller when the notice says so).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub unit: UnitId,
    pub description: String,
    pub found_on: NaiveDate,
    pub due: NaiveDate,
    pub status: RectificationStatus,
}

impl Finding {
    /// Overdue: the ball is in the unit's court (Open or Returned) and the deadline has passed.
    /// A submission waiting for the office's verdict is never the unit's delay.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        matches!(self.status, RectificationStatus::Open | RectificationStatus::Returned) && today > self.due
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use RectificationStatus as S;

    #[test]
    fn splitmix64_matches_the_reference_sequence() {
        // Reference output of splitmix64.c (Vigna) from seed 0.
        let mut r = SplitMix64::new(0);
        assert_eq!(r.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(r.next_u64(), 0x6E78_9E6A_A1B9_65F4);
    }

    #[test]
    fn a_draw_is_reproducible_from_its_seed_and_ignores_input_order() {
        let units: Vec<String> = (1..=60).map(|i| format!("U{i:02}")).collect();
        let first = draw(20200710, &units, 6);
        assert_eq!(first.len(), 6);
        let mut reversed = units.clone();
        reversed.reverse();
        assert_eq!(draw(20200710, &reversed, 6), first);
        assert_ne!(draw(20200711, &units, 6), first);
        let mut distinct = first.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), 6);
    }

    #[test]
    fn drawing_more_than_the_population_returns_everyone_once() {
        let pop = vec![3, 1, 2, 2];
        let mut all = draw(7, &pop, 10);
        all.sort();
        assert_eq!(all, vec![1, 2, 3]);
        assert!(draw::<u8>(7, &[], 3).is_empty());
    }

    #[test]
    fn every_member_is_drawn_about_equally_often() {
        let pop: Vec<u32> = (0..10).collect();
        let mut hits = [0u32; 10];
        for seed in 0..20_000u64 {
            for x in draw(seed, &pop, 1) {
                hits[x as usize] += 1;
            }
        }
        assert!(hits.iter().all(|&h| (1800..2200).contains(&h)), "{hits:?}");
    }

    fn submit() -> RectificationEvent {
        RectificationEvent::Submit(Evidence::parse("已更新栏目，截图见附件").unwrap())
    }

    #[test]
    fn every_status_and_event_pair_is_decided() {
        let ret = RectificationEvent::Return { reason: "截图不清".into() };
        let cases = [
            (S::Open, submit(), Ok(S::Submitted)),
            (S::Open, RectificationEvent::Accept, Err(())),
            (S::Open, ret.clone(), Err(())),
            (S::Submitted, submit(), Err(())),
            (S::Submitted, RectificationEvent::Accept, Ok(S::Accepted)),
            (S::Submitted, ret.clone(), Ok(S::Returned)),
            (S::Accepted, submit(), Err(())),
            (S::Accepted, RectificationEvent::Accept, Err(())),
            (S::Accepted, ret.clone(), Err(())),
            (S::Returned, submit(), Ok(S::Submitted)),
            (S::Returned, RectificationEvent::Accept, Err(())),
            (S::Returned, ret, Err(())),
        ];
        assert_eq!(cases.len(), S::ALL.len() * 3);
        for (s, e, want) in cases {
            assert_eq!(apply(s, &e).map_err(|_| ()), want, "{s:?} × {e:?}");
        }
    }

    #[test]
    fn a_refused_transition_says_why_in_chinese() {
        let err = apply(S::Accepted, &submit()).unwrap_err();
        assert_eq!(err.to_string(), "问题处于“整改到位”状态，不能提交整改材料");
        assert_eq!(Evidence::parse("  "), Err(RectificationError::EmptyEvidence));
        let blank = RectificationEvent::Return { reason: " ".into() };
        assert_eq!(apply(S::Submitted, &blank), Err(RectificationError::EmptyReason));
    }

    #[test]
    fn open_or_returned_findings_past_their_deadline_are_overdue_and_submitted_ones_are_not() {
        let d = |day| NaiveDate::from_ymd_opt(2020, 8, day).unwrap();
        let mut f = Finding {
            unit: UnitId("wjw".into()),
            description: "通知公告栏目6个月未更新".into(),
            found_on: d(1),
            due: d(10),
            status: S::Open,
        };
        assert!(!f.is_overdue(d(10)));
        assert!(f.is_overdue(d(11)));
        f.status = S::Submitted;
        assert!(!f.is_overdue(d(11)));
        f.status = S::Returned;
        assert!(f.is_overdue(d(11)));
        f.status = S::Accepted;
        assert!(!f.is_overdue(d(11)));
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn a_draw_is_distinct_members_of_the_population_and_repeats_exactly(
                seed in any::<u64>(),
                population in proptest::collection::vec(0u16..500, 0..80),
                k in 0usize..100,
            ) {
                let drawn = draw(seed, &population, k);
                let mut distinct = population.clone();
                distinct.sort();
                distinct.dedup();
                prop_assert_eq!(drawn.len(), k.min(distinct.len()));
                prop_assert!(drawn.iter().all(|x| population.contains(x)));
                let mut d = drawn.clone();
                d.sort();
                d.dedup();
                prop_assert_eq!(d.len(), drawn.len());
                prop_assert_eq!(draw(seed, &population, k), drawn);
            }
        }
    }
}
