//! 解读与互动: policy interpretation (政策解读) published together with the policy it explains (the
//! 三同步 rule: 同步组织、同步审签、同步部署), and the public's messages (咨询、建议、投诉 to a unit or
//! to the 领导信箱) answered by a deadline and, where the reviewer decides so, in public. The seed's
//! own section 五 names both as weak points ("政策解读的针对性和精准性有待提高", "回应关切时效性有待
//! 进一步提高"); the website inspection vetoes a 政务咨询类栏目 with messages "超过三个月未回应"
//! (国办秘函〔2019〕19号 as applied, ogi-facts.md §4.3).

pub mod interpretation;
pub mod message;

pub use interpretation::{
    Deferral, InterpretationEffect, InterpretationError, InterpretationEvent, InterpretationForm, InterpretationStatus,
    InterpretationTransitionError, Section, SyncError, is_late, may_publish_policy, missing_sections,
    required_sections,
};
pub use message::{
    DeadlineConfig, Message, MessageError, MessageEvent, MessageKind, MessageStatus, PrivateReason, Recipient,
    unanswered_for_veto, unanswered_over_three_months,
};
