//! The annual assessment (年考核) of each unit: one yearly score from its monthly ranking scores,
//! its spot-check record and its 政务新媒体 record, and the points it carries in the government's
//! target assessment (目标考评), where 政务公开 has a configured share — the seed: "将政务公开工作
//! 纳入市政府目标考评体系，分值占比为4%".
//!
//! Yearly score (0–100) = weighted mean of three components, each 0–100, over the components that
//! exist for the unit (a unit with no new-media account is not scored on accounts; weights rescale):
//! - monthly: the mean of the months that were scored (unscored months are left out, not zeroed);
//! - spot checks: 100 minus a configured deduction per finding not rectified by its deadline, at least 0;
//! - new media: the share of account-months in which the account was not silent (休眠/僵尸).

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::UnitId;

#[derive(Debug, Clone, PartialEq, Error)]
pub enum AssessmentError {
    #[error("考核权重“{0}”不能为负数或无效数字")]
    BadWeight(&'static str),
    #[error("月度、抽查、新媒体三项考核权重不能全为零")]
    AllZero,
    #[error("政务公开在目标考评中的分值占比应在0到100%之间")]
    BadShare,
    #[error("每个逾期整改问题的扣分不能为负数")]
    BadDeduction,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssessmentConfig {
    monthly_weight: f64,
    spot_check_weight: f64,
    new_media_weight: f64,
    /// Share of the target assessment, e.g. 0.04.
    share_of_target: f64,
    /// Total points of the government's target assessment (usually 100).
    target_total: f64,
    deduction_per_overdue_finding: f64,
}

impl AssessmentConfig {
    pub fn new(
        monthly_weight: f64,
        spot_check_weight: f64,
        new_media_weight: f64,
        share_of_target: f64,
        target_total: f64,
        deduction_per_overdue_finding: f64,
    ) -> Result<Self, AssessmentError> {
        for (w, name) in [(monthly_weight, "月度"), (spot_check_weight, "抽查"), (new_media_weight, "新媒体")] {
            if !w.is_finite() || w < 0.0 {
                return Err(AssessmentError::BadWeight(name));
            }
        }
        if monthly_weight + spot_check_weight + new_media_weight == 0.0 {
            return Err(AssessmentError::AllZero);
        }
        let share_ok = share_of_target.is_finite() && (0.0..=1.0).contains(&share_of_target);
        let total_ok = target_total.is_finite() && target_total > 0.0;
        if !share_ok || !total_ok {
            return Err(AssessmentError::BadShare);
        }
        if !deduction_per_overdue_finding.is_finite() || deduction_per_overdue_finding < 0.0 {
            return Err(AssessmentError::BadDeduction);
        }
        Ok(AssessmentConfig {
            monthly_weight,
            spot_check_weight,
            new_media_weight,
            share_of_target,
            target_total,
            deduction_per_overdue_finding,
        })
    }

    /// Ruzhou 2020: a 4% share of a 100-point target assessment; monthly 60%, checks 20%, new
    /// media 20%; 10 points off per finding rectified late (the split is ours, not the seed's).
    pub fn ruzhou_2020() -> Self {
        AssessmentConfig::new(0.6, 0.2, 0.2, 0.04, 100.0, 10.0).expect("valid")
    }
}

/// A unit's year, as counted from the records.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AnnualRecord {
    /// The scores of the months in which the unit was scored (at most 12).
    pub monthly_scores: Vec<f64>,
    pub findings: u32,
    /// Findings not rectified by their deadline (overdue at any point of the year).
    pub findings_rectified_late: u32,
    /// Σ over the unit's accounts of months inspected.
    pub account_months: u32,
    /// Of those, months in which the account was found 休眠 or 僵尸.
    pub account_months_silent: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnnualAssessment {
    pub unit: UnitId,
    pub monthly: Option<f64>,
    pub spot_check: f64,
    pub new_media: Option<f64>,
    /// 0–100.
    pub score: f64,
    /// Points carried into the target assessment: score × share × target total (≤ 4 of 100).
    pub target_points: f64,
    /// 1-based, equal scores share a rank; 0 before ranking.
    pub rank: u32,
}

pub fn assess(unit: &UnitId, r: &AnnualRecord, c: &AssessmentConfig) -> AnnualAssessment {
    let monthly =
        (!r.monthly_scores.is_empty()).then(|| r.monthly_scores.iter().sum::<f64>() / r.monthly_scores.len() as f64);
    let spot_check = (100.0 - c.deduction_per_overdue_finding * f64::from(r.findings_rectified_late)).max(0.0);
    let new_media = (r.account_months > 0).then(|| {
        let silent = r.account_months_silent.min(r.account_months);
        100.0 * f64::from(r.account_months - silent) / f64::from(r.account_months)
    });
    let parts = [(monthly, c.monthly_weight), (Some(spot_check), c.spot_check_weight), (new_media, c.new_media_weight)];
    let weight: f64 = parts.iter().filter(|(v, _)| v.is_some()).map(|(_, w)| w).sum();
    let score = if weight > 0.0 {
        parts.iter().filter_map(|(v, w)| v.map(|v| v * w)).sum::<f64>() / weight
    } else {
        // Only the spot-check weight may be zero here while the unit has nothing else: it then
        // has no measured record at all, and its score is the spot-check component.
        spot_check
    };
    AnnualAssessment {
        unit: unit.clone(),
        monthly,
        spot_check,
        new_media,
        score,
        target_points: score / 100.0 * c.share_of_target * c.target_total,
        rank: 0,
    }
}

/// The year's ranking: highest score first, ties share a rank and list by unit id.
pub fn rank_annual(records: &[(UnitId, AnnualRecord)], c: &AssessmentConfig) -> Vec<AnnualAssessment> {
    let key = |s: f64| (s * 1_000_000.0).round() as i64;
    let mut out: Vec<AnnualAssessment> = records.iter().map(|(u, r)| assess(u, r, c)).collect();
    out.sort_by(|a, b| key(b.score).cmp(&key(a.score)).then(a.unit.cmp(&b.unit)));
    for i in 0..out.len() {
        out[i].rank = if i > 0 && key(out[i - 1].score) == key(out[i].score) { out[i - 1].rank } else { i as u32 + 1 };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> UnitId {
        UnitId(s.into())
    }

    #[test]
    fn a_perfect_year_earns_the_whole_four_percent_share() {
        let r = AnnualRecord { monthly_scores: vec![100.0; 12], account_months: 24, ..Default::default() };
        let a = assess(&u("A"), &r, &AssessmentConfig::ruzhou_2020());
        assert_eq!(a.score, 100.0);
        assert!((a.target_points - 4.0).abs() < 1e-9);
    }

    #[test]
    fn the_score_combines_months_checks_and_new_media() {
        let r = AnnualRecord {
            monthly_scores: vec![80.0, 90.0],
            findings: 3,
            findings_rectified_late: 2,
            account_months: 12,
            account_months_silent: 3,
        };
        let a = assess(&u("A"), &r, &AssessmentConfig::ruzhou_2020());
        // 0.6×85 + 0.2×80 + 0.2×75 = 82
        assert_eq!((a.monthly, a.spot_check, a.new_media), (Some(85.0), 80.0, Some(75.0)));
        assert!((a.score - 82.0).abs() < 1e-9);
        assert!((a.target_points - 3.28).abs() < 1e-9);
    }

    #[test]
    fn a_unit_without_accounts_is_scored_on_what_it_has() {
        let r = AnnualRecord { monthly_scores: vec![90.0], ..Default::default() };
        let a = assess(&u("A"), &r, &AssessmentConfig::ruzhou_2020());
        // (0.6×90 + 0.2×100) / 0.8
        assert!((a.score - 92.5).abs() < 1e-9);
    }

    #[test]
    fn many_late_findings_never_make_the_check_component_negative() {
        let r = AnnualRecord { findings: 20, findings_rectified_late: 20, ..Default::default() };
        assert_eq!(assess(&u("A"), &r, &AssessmentConfig::ruzhou_2020()).spot_check, 0.0);
    }

    #[test]
    fn an_invalid_assessment_config_is_refused() {
        assert_eq!(AssessmentConfig::new(-1.0, 0.0, 0.0, 0.04, 100.0, 10.0), Err(AssessmentError::BadWeight("月度")));
        assert_eq!(AssessmentConfig::new(0.0, 0.0, 0.0, 0.04, 100.0, 10.0), Err(AssessmentError::AllZero));
        assert_eq!(AssessmentConfig::new(1.0, 0.0, 0.0, 4.0, 100.0, 10.0), Err(AssessmentError::BadShare));
        assert_eq!(AssessmentConfig::new(1.0, 0.0, 0.0, 0.04, 100.0, -1.0), Err(AssessmentError::BadDeduction));
    }

    #[test]
    fn the_annual_ranking_shares_ranks_on_ties() {
        let good = AnnualRecord { monthly_scores: vec![95.0], ..Default::default() };
        let worse = AnnualRecord { monthly_scores: vec![70.0], ..Default::default() };
        let r =
            rank_annual(&[(u("C"), good.clone()), (u("B"), worse), (u("A"), good)], &AssessmentConfig::ruzhou_2020());
        let order: Vec<_> = r.iter().map(|a| (a.unit.0.as_str(), a.rank)).collect();
        assert_eq!(order, vec![("A", 1), ("C", 1), ("B", 3)]);
    }
}
