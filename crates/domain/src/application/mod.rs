//! 依申请公开: applications for government information (条例第二十七条至第四十五条).
//! The value types of an application (who applied, by which channel, what outcome), the status
//! machine of its life, the statutory clock as a ledger of periods (条例第三十条、第三十二条至第三十四条),
//! the reply letter (告知书), the 信息处理费 (条例第四十二条, 国办函〔2020〕109号), the
//! reconsideration and litigation records, and the folds that fill annual-report tables 三 and 四.
//! Pure: "today" and the calendar are always passed in.

pub mod applicant;
pub mod clock;
pub mod fee;
pub mod intake;
pub mod letter;
pub mod notice;
pub mod outcome;
pub mod review;
pub mod stats;
pub mod status;

pub use applicant::{
    ApplicantError, ApplicantKind, Channel, DeliveryForm, DeliveryMethod, IdDocumentKind, OrgKind, received_on,
};
pub use clock::{Clock, ClockEntry, ClockError, DueDateChange, PauseReason};
pub use fee::{Fee, FeeBand, FeeBasis, fee};
pub use letter::{Letter, LetterInput, reply_letter};
pub use notice::{NoticeChannel, NoticeInput, NoticeKind, notice_for, owes_notice, retry_pause_minutes, sms_text};
pub use outcome::{NotProcessedReason, OtherReason, Outcome, OutcomeError, UnableReason, WithheldReason};
pub use review::{
    ReviewCase, ReviewDeadline, ReviewError, ReviewKind, ReviewRecord, ReviewResult, TABLE4_COLUMNS, table4,
};
pub use stats::{ApplicationRecord, Table3Counts, records_behind, table3, table3_weighted};
pub use status::{
    Consultee, Effect, Event, Notice, Status, Transition, TransitionError, apply, status_line,
    suggested_clarification_deadline,
};
