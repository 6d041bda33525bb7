//! A 发放名册 batch's lifecycle: uploaded and validated — pending (clean) or rejected (errors) —
//! then imported into the funds by the office, or discarded. An imported batch is final; a
//! rejected one can only be discarded (a corrected file is a new upload).

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Serialized as its stored code, which templates compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BatchStatus {
    /// 校验通过，待公开办确认导入
    Pending,
    /// 校验未通过，未导入
    Rejected,
    /// 已导入
    Imported,
    /// 已作废
    Discarded,
}

impl BatchStatus {
    pub const ALL: [BatchStatus; 4] =
        [BatchStatus::Pending, BatchStatus::Rejected, BatchStatus::Imported, BatchStatus::Discarded];

    /// The status of a new upload: clean or not.
    pub fn uploaded(errors: usize) -> BatchStatus {
        if errors == 0 { BatchStatus::Pending } else { BatchStatus::Rejected }
    }

    pub fn code(self) -> &'static str {
        match self {
            BatchStatus::Pending => "pending",
            BatchStatus::Rejected => "rejected",
            BatchStatus::Imported => "imported",
            BatchStatus::Discarded => "discarded",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            BatchStatus::Pending => "待导入",
            BatchStatus::Rejected => "校验未通过",
            BatchStatus::Imported => "已导入",
            BatchStatus::Discarded => "已作废",
        }
    }
}

impl TryFrom<String> for BatchStatus {
    type Error = crate::UnknownCode;
    fn try_from(code: String) -> Result<Self, Self::Error> {
        BatchStatus::ALL.into_iter().find(|s| s.code() == code).ok_or(crate::UnknownCode { what: "batch status", code })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchEvent {
    /// The office imports the rows into the funds.
    Accept,
    /// Anyone who may work on it discards it.
    Discard,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum BatchError {
    #[error("只有校验通过、待导入的名册才能导入")]
    NotPending,
    #[error("已导入或已作废的名册不能作废")]
    Final,
}

/// The batch's transition table.
pub fn apply(status: BatchStatus, event: BatchEvent) -> Result<BatchStatus, BatchError> {
    use BatchEvent as E;
    use BatchStatus as S;
    match (status, event) {
        (S::Pending, E::Accept) => Ok(S::Imported),
        (_, E::Accept) => Err(BatchError::NotPending),
        (S::Pending | S::Rejected, E::Discard) => Ok(S::Discarded),
        (S::Imported | S::Discarded, E::Discard) => Err(BatchError::Final),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_batch_lifecycle_for_every_status_and_event() {
        use BatchEvent as E;
        use BatchStatus as S;
        for status in S::ALL {
            for event in [E::Accept, E::Discard] {
                let expected = match (status, event) {
                    (S::Pending, E::Accept) => Ok(S::Imported),
                    (_, E::Accept) => Err(BatchError::NotPending),
                    (S::Pending | S::Rejected, E::Discard) => Ok(S::Discarded),
                    (_, E::Discard) => Err(BatchError::Final),
                };
                assert_eq!(apply(status, event), expected, "{status:?} + {event:?}");
            }
        }
        assert_eq!(BatchStatus::uploaded(0), BatchStatus::Pending);
        assert_eq!(BatchStatus::uploaded(3), BatchStatus::Rejected);
        for s in BatchStatus::ALL {
            assert_eq!(BatchStatus::try_from(s.code().to_string()), Ok(s));
        }
    }
}
