//! 政策解读 and the 三同步 rule: a policy document that needs interpretation is not published until
//! its interpretation is approved, unless a deferral with a reason and a date is on record; a
//! deferral whose date passes without the interpretation is late and flagged. The standard sections
//! follow the seed's plan for 2021 ("围绕文件的背景依据、目标任务、主要内容、修订过程、适用范围等开展
//! 解读") plus 执行标准; the forms are the ones it names ("不断拓展群众喜闻乐见的解读形式").

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use thiserror::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum InterpretationForm {
    /// 文字解读
    Text,
    /// 图解
    Graphic,
    /// 视频解读
    Video,
    /// 专家解读
    Expert,
    /// 问答
    QAndA,
    /// 新闻发布会
    PressConference,
}

impl InterpretationForm {
    pub fn label(self) -> &'static str {
        match self {
            InterpretationForm::Text => "文字解读",
            InterpretationForm::Graphic => "图解",
            InterpretationForm::Video => "视频解读",
            InterpretationForm::Expert => "专家解读",
            InterpretationForm::QAndA => "问答",
            InterpretationForm::PressConference => "新闻发布会",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Section {
    /// 背景依据
    Background,
    /// 目标任务
    Objectives,
    /// 主要内容
    MainContent,
    /// 修订过程 (for a revised policy: what changed and why)
    RevisionProcess,
    /// 适用范围
    Scope,
    /// 执行标准
    Standards,
}

impl Section {
    pub const ALL: [Section; 6] = [
        Section::Background,
        Section::Objectives,
        Section::MainContent,
        Section::RevisionProcess,
        Section::Scope,
        Section::Standards,
    ];
    pub fn label(self) -> &'static str {
        match self {
            Section::Background => "背景依据",
            Section::Objectives => "目标任务",
            Section::MainContent => "主要内容",
            Section::RevisionProcess => "修订过程",
            Section::Scope => "适用范围",
            Section::Standards => "执行标准",
        }
    }
}

/// The sections a 文字解读 is expected to have: all of them, 修订过程 only for a revision.
pub fn required_sections(is_revision: bool) -> Vec<Section> {
    Section::ALL.into_iter().filter(|s| is_revision || *s != Section::RevisionProcess).collect()
}

/// The required sections not present, in standard order (for the reviewer's checklist).
pub fn missing_sections(present: &[Section], is_revision: bool) -> Vec<Section> {
    required_sections(is_revision).into_iter().filter(|s| !present.contains(s)).collect()
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum InterpretationError {
    #[error("延期发布解读须说明理由")]
    DeferralWithoutReason,
}

/// A recorded decision to publish the interpretation after the policy: why, and by when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deferral {
    reason: String,
    by: NaiveDate,
}

impl Deferral {
    pub fn new(reason: &str, by: NaiveDate) -> Result<Self, InterpretationError> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(InterpretationError::DeferralWithoutReason);
        }
        Ok(Deferral { reason: reason.to_string(), by })
    }
    pub fn reason(&self) -> &str {
        &self.reason
    }
    pub fn by(&self) -> NaiveDate {
        self.by
    }
}

/// Where an interpretation (政策解读) stands. A `Deferred` record is not an interpretation but a
/// reviewer's 延期发布 decision for a policy (reason, date), kept beside them. Serialized as the
/// stored code, which templates compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InterpretationStatus {
    /// 草稿
    Draft,
    /// 已审核: published with its policy, or by a reviewer once the policy is out
    Approved,
    /// 已发布
    Published,
    /// 延期发布 (a deferral record)
    Deferred,
}

impl InterpretationStatus {
    pub const ALL: [InterpretationStatus; 4] = [
        InterpretationStatus::Draft,
        InterpretationStatus::Approved,
        InterpretationStatus::Published,
        InterpretationStatus::Deferred,
    ];
    pub fn code(self) -> &'static str {
        match self {
            InterpretationStatus::Draft => "draft",
            InterpretationStatus::Approved => "approved",
            InterpretationStatus::Published => "published",
            InterpretationStatus::Deferred => "deferred",
        }
    }
    /// Counts for 三同步: an approved interpretation goes out with its policy; a published one is out.
    pub fn counts_for_sync(self) -> bool {
        matches!(self, InterpretationStatus::Approved | InterpretationStatus::Published)
    }
}

impl TryFrom<String> for InterpretationStatus {
    type Error = crate::UnknownCode;
    fn try_from(code: String) -> Result<Self, Self::Error> {
        InterpretationStatus::ALL
            .into_iter()
            .find(|s| s.code() == code)
            .ok_or(crate::UnknownCode { what: "interpretation status", code })
    }
}

/// What may happen to an interpretation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InterpretationEvent {
    /// A reviewer approves the draft.
    Approve,
    /// Published: by a reviewer once its policy is out, or together with the policy (三同步).
    Publish,
}

impl InterpretationEvent {
    /// The action's name as the staff form sends it (`approve`, `publish`).
    pub fn parse(action: &str) -> Option<InterpretationEvent> {
        match action {
            "approve" => Some(InterpretationEvent::Approve),
            "publish" => Some(InterpretationEvent::Publish),
            _ => None,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            InterpretationEvent::Approve => "approve",
            InterpretationEvent::Publish => "publish",
        }
    }
}

/// What follows from a step, for the flow to carry out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InterpretationEffect {
    /// Record today as the publication date.
    StampPublished,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("解读处于“{}”状态，不能执行“{}”", .status.code(), .event.code())]
pub struct InterpretationTransitionError {
    pub status: InterpretationStatus,
    pub event: InterpretationEvent,
}

/// The interpretation's lifecycle: draft → approved → published. A deferral record takes no step.
pub fn apply(
    status: InterpretationStatus,
    event: InterpretationEvent,
) -> Result<(InterpretationStatus, Vec<InterpretationEffect>), InterpretationTransitionError> {
    use InterpretationEvent as E;
    use InterpretationStatus as S;
    match (status, event) {
        (S::Draft, E::Approve) => Ok((S::Approved, vec![])),
        (S::Approved, E::Publish) => Ok((S::Published, vec![InterpretationEffect::StampPublished])),
        _ => Err(InterpretationTransitionError { status, event }),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SyncError {
    #[error("该政策文件须同步发布政策解读（三同步）：解读材料尚未审核通过，且未登记延期发布说明")]
    InterpretationMissing,
}

/// 三同步: may this policy be published now?
pub fn may_publish_policy(
    requires_interpretation: bool,
    interpretation_approved: bool,
    deferral: Option<&Deferral>,
) -> Result<(), SyncError> {
    if !requires_interpretation || interpretation_approved || deferral.is_some() {
        Ok(())
    } else {
        Err(SyncError::InterpretationMissing)
    }
}

/// A deferral is late when its date has passed and the interpretation is still unpublished, or
/// was published after the date.
pub fn is_late(deferral: &Deferral, interpretation_published_on: Option<NaiveDate>, today: NaiveDate) -> bool {
    match interpretation_published_on {
        Some(published) => published > deferral.by,
        None => today > deferral.by,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every (status, event) pair: only draft→approve and approved→publish move; publishing
    /// stamps the date; the refusal names the status and the action.
    #[test]
    fn the_interpretation_lifecycle_for_every_status_and_event() {
        use InterpretationEvent as E;
        use InterpretationStatus as S;
        for status in S::ALL {
            for event in [E::Approve, E::Publish] {
                let got = apply(status, event);
                match (status, event) {
                    (S::Draft, E::Approve) => assert_eq!(got, Ok((S::Approved, vec![]))),
                    (S::Approved, E::Publish) => {
                        assert_eq!(got, Ok((S::Published, vec![InterpretationEffect::StampPublished])));
                    }
                    _ => {
                        let e = got.unwrap_err();
                        assert_eq!(
                            e.to_string(),
                            format!("解读处于“{}”状态，不能执行“{}”", status.code(), event.code())
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn statuses_read_back_from_their_codes_and_refuse_unknown_ones() {
        for s in InterpretationStatus::ALL {
            assert_eq!(InterpretationStatus::try_from(s.code().to_string()), Ok(s));
            assert_eq!(serde_json::to_value(s).unwrap(), serde_json::json!(s.code()));
        }
        for s in crate::interaction::MessageStatus::ALL {
            assert_eq!(crate::interaction::MessageStatus::try_from(s.code().to_string()), Ok(s));
            assert_eq!(serde_json::to_value(s).unwrap(), serde_json::json!(s.code()));
        }
        assert!(InterpretationStatus::try_from("withdrawn".to_string()).is_err());
        assert_eq!(InterpretationEvent::parse("approve"), Some(InterpretationEvent::Approve));
        assert_eq!(InterpretationEvent::parse("delete"), None);
    }

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2021, 3, day).unwrap()
    }

    #[test]
    fn a_policy_needing_interpretation_waits_for_approval_or_a_deferral() {
        let deferral = Deferral::new("专家解读稿待专家审定", d(10)).unwrap();
        let cases = [
            (false, false, None, true),
            (true, true, None, true),
            (true, false, Some(&deferral), true),
            (true, false, None, false),
        ];
        for (requires, approved, deferral, ok) in cases {
            assert_eq!(
                may_publish_policy(requires, approved, deferral).is_ok(),
                ok,
                "{requires} {approved} {deferral:?}"
            );
        }
        assert!(may_publish_policy(true, false, None).unwrap_err().to_string().contains("三同步"));
    }

    #[test]
    fn a_deferral_needs_a_reason() {
        assert_eq!(Deferral::new("  ", d(10)), Err(InterpretationError::DeferralWithoutReason));
    }

    #[test]
    fn a_deferral_past_its_date_without_the_interpretation_is_late() {
        let deferral = Deferral::new("待新闻发布会", d(10)).unwrap();
        assert!(!is_late(&deferral, None, d(10)));
        assert!(is_late(&deferral, None, d(11)));
        assert!(!is_late(&deferral, Some(d(10)), d(20)));
        assert!(is_late(&deferral, Some(d(12)), d(20)));
    }

    #[test]
    fn the_revision_section_is_required_only_for_revised_policies() {
        assert_eq!(
            missing_sections(&[Section::Background, Section::MainContent], false),
            vec![Section::Objectives, Section::Scope, Section::Standards]
        );
        assert!(missing_sections(&Section::ALL, true).is_empty());
        assert_eq!(missing_sections(&required_sections(false), true), vec![Section::RevisionProcess]);
        assert_eq!(Section::RevisionProcess.label(), "修订过程");
        assert_eq!(InterpretationForm::PressConference.label(), "新闻发布会");
    }
}
