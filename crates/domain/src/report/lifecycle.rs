//! The annual report's lifecycle: a draft is edited, reviewed (审核) and published; a correction
//! (更正) is a new draft version of a published report, and publishing it supersedes the version
//! before. Serialized as the stored code, which templates compare.

use serde::{Deserialize, Serialize};
use thiserror::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    /// 草稿
    Draft,
    /// 已审核
    Reviewed,
    /// 已发布: the version in force
    Published,
    /// 已被更正版本取代: still public, marked as replaced
    Superseded,
}

impl ReportStatus {
    pub const ALL: [ReportStatus; 4] =
        [ReportStatus::Draft, ReportStatus::Reviewed, ReportStatus::Published, ReportStatus::Superseded];

    pub fn code(self) -> &'static str {
        match self {
            ReportStatus::Draft => "draft",
            ReportStatus::Reviewed => "reviewed",
            ReportStatus::Published => "published",
            ReportStatus::Superseded => "superseded",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ReportStatus::Draft => "草稿",
            ReportStatus::Reviewed => "已审核",
            ReportStatus::Published => "已发布",
            ReportStatus::Superseded => "已被取代",
        }
    }

    /// Published versions, current or replaced, are public; drafts are the unit's own.
    pub fn is_public(self) -> bool {
        matches!(self, ReportStatus::Published | ReportStatus::Superseded)
    }

    /// Whether the text may still change (before publication).
    pub fn is_editable(self) -> bool {
        matches!(self, ReportStatus::Draft | ReportStatus::Reviewed)
    }
}

impl TryFrom<String> for ReportStatus {
    type Error = crate::UnknownCode;
    fn try_from(code: String) -> Result<Self, Self::Error> {
        ReportStatus::ALL
            .into_iter()
            .find(|s| s.code() == code)
            .ok_or(crate::UnknownCode { what: "report status", code })
    }
}

/// What may happen to a version of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportEvent {
    /// The text is edited (or recomputed from the records).
    Edit,
    /// A reviewer approves the text.
    Review,
    /// Published: `errors` error-severity findings remain, accepted with a reason or not.
    Publish { errors: usize, override_reason_given: bool },
    /// A correction is started from this published version.
    Correct,
    /// A corrected version was published in its place.
    Supersede,
}

/// What follows from a step, for the flow to carry out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportEffect {
    /// Record the publication time.
    StampPublished,
    /// Mark the version in force before this one superseded.
    SupersedePrevious,
    /// The errors were accepted by an override: audited as such.
    ErrorsOverridden,
    /// A new draft version carrying the correction's reason.
    NewDraftVersion,
}

/// Why a step is refused, in the clerk's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum ReportTransitionError {
    #[error("已发布的年报不能修改；如需更正，请发布更正版本并说明理由")]
    NotEditable,
    #[error("只有草稿可以审核")]
    OnlyDraftsAreReviewed,
    #[error("年报须先审核，才能发布")]
    NotReviewed,
    /// Errors remain and no reason accepts them (the flow lists them).
    #[error("年报有{0}处错误，不能发布")]
    ErrorsRemain(usize),
    #[error("只能更正已发布的现行版本")]
    OnlyPublishedIsCorrected,
    #[error("只有现行版本可以被取代")]
    OnlyPublishedIsSuperseded,
}

/// The report's transition table: (status, event) → (status, effects), or why not. Any edit sends
/// a reviewed report back to draft (the review covered the old text).
pub fn apply(
    status: ReportStatus,
    event: ReportEvent,
) -> Result<(ReportStatus, Vec<ReportEffect>), ReportTransitionError> {
    use ReportEvent as E;
    use ReportStatus as S;
    match (status, event) {
        (S::Draft | S::Reviewed, E::Edit) => Ok((S::Draft, vec![])),
        (_, E::Edit) => Err(ReportTransitionError::NotEditable),
        (S::Draft, E::Review) => Ok((S::Reviewed, vec![])),
        (_, E::Review) => Err(ReportTransitionError::OnlyDraftsAreReviewed),
        (S::Reviewed, E::Publish { errors, override_reason_given }) => {
            if errors > 0 && !override_reason_given {
                return Err(ReportTransitionError::ErrorsRemain(errors));
            }
            let mut effects = vec![ReportEffect::StampPublished, ReportEffect::SupersedePrevious];
            if errors > 0 {
                effects.push(ReportEffect::ErrorsOverridden);
            }
            Ok((S::Published, effects))
        }
        (_, E::Publish { .. }) => Err(ReportTransitionError::NotReviewed),
        (S::Published, E::Correct) => Ok((S::Published, vec![ReportEffect::NewDraftVersion])),
        (_, E::Correct) => Err(ReportTransitionError::OnlyPublishedIsCorrected),
        (S::Published, E::Supersede) => Ok((S::Superseded, vec![])),
        (_, E::Supersede) => Err(ReportTransitionError::OnlyPublishedIsSuperseded),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every (status, event) pair, each with the answer it must give.
    #[test]
    fn the_report_lifecycle_for_every_status_and_event() {
        use ReportEffect as F;
        use ReportEvent as E;
        use ReportStatus as S;
        use ReportTransitionError as X;
        let events = [
            E::Edit,
            E::Review,
            E::Publish { errors: 0, override_reason_given: false },
            E::Publish { errors: 2, override_reason_given: false },
            E::Publish { errors: 2, override_reason_given: true },
            E::Correct,
            E::Supersede,
        ];
        for status in S::ALL {
            for event in events {
                let expected = match (status, event) {
                    (S::Draft | S::Reviewed, E::Edit) => Ok((S::Draft, vec![])),
                    (S::Published | S::Superseded, E::Edit) => Err(X::NotEditable),
                    (S::Draft, E::Review) => Ok((S::Reviewed, vec![])),
                    (_, E::Review) => Err(X::OnlyDraftsAreReviewed),
                    (S::Reviewed, E::Publish { errors: 0, .. }) => {
                        Ok((S::Published, vec![F::StampPublished, F::SupersedePrevious]))
                    }
                    (S::Reviewed, E::Publish { override_reason_given: false, .. }) => Err(X::ErrorsRemain(2)),
                    (S::Reviewed, E::Publish { .. }) => {
                        Ok((S::Published, vec![F::StampPublished, F::SupersedePrevious, F::ErrorsOverridden]))
                    }
                    (_, E::Publish { .. }) => Err(X::NotReviewed),
                    (S::Published, E::Correct) => Ok((S::Published, vec![F::NewDraftVersion])),
                    (_, E::Correct) => Err(X::OnlyPublishedIsCorrected),
                    (S::Published, E::Supersede) => Ok((S::Superseded, vec![])),
                    (_, E::Supersede) => Err(X::OnlyPublishedIsSuperseded),
                };
                assert_eq!(apply(status, event), expected, "{status:?} + {event:?}");
            }
        }
    }

    #[test]
    fn statuses_read_back_from_their_codes() {
        for s in ReportStatus::ALL {
            assert_eq!(ReportStatus::try_from(s.code().to_string()), Ok(s));
        }
        assert!(ReportStatus::try_from("archived".to_string()).is_err());
        assert!(ReportStatus::Superseded.is_public() && !ReportStatus::Reviewed.is_public());
    }
}
