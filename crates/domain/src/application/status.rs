//! The life of an application as one table: [`Status`] × [`Event`] → [`Transition`]
//! (条例第三十条至第三十六条、第四十二条). [`apply`] decides and returns the new status plus the
//! [`Effect`]s (clock entries, due date, notices) that the flow carries out; it does no I/O.
//!
//! ```text
//! 收到 ─┬─ 告知补正 ──┬─ 补正 ────────────→ 收到（重新计时）
//!      │            └─ 逾期不补正 ─────→ 终止（其他处理·逾期不补正）
//!      ├─ 征求意见 ─── 收到意见 ────────→ 收到（恢复计时）
//!      ├─ 延期（一次，≤20个工作日）───→ 收到
//!      ├─ 收费通知 ─┬─ 缴费 ───────────→ 收到（恢复计时）
//!      │            └─ 逾期未缴费 ─────→ 终止（其他处理·逾期未缴费）
//!      ├─ 答复 ─────────────────────────→ 已答复（办理结果）
//!      └─ 撤回（任何未办结状态）────────→ 已撤回
//! ```
//!
//! Unlike STYLE.md's sketch, `apply` also takes the [`Clock`]: whether the one extension has been
//! used, when the application was received and what the due date is are facts of the ledger, and
//! copying them into the status would keep the same state in two places.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::clock::{CONSULTATION_REPLY_DAYS, Clock, ClockEntry, ClockError, MAX_EXTENSION_DAYS, PauseReason};
use super::outcome::{OtherReason, Outcome, UnableReason};
use crate::calendar::{Calendar, chinese_date};

/// Whom the office consults (条例第三十二条、第三十四条).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Consultee {
    ThirdParty, // 第三方
    OtherOrgan, // 其他机关
}

impl Consultee {
    pub fn label(self) -> &'static str {
        match self {
            Consultee::ThirdParty => "第三方",
            Consultee::OtherOrgan => "其他机关",
        }
    }
    fn pause_reason(self) -> PauseReason {
        match self {
            Consultee::ThirdParty => PauseReason::ThirdParty,
            Consultee::OtherOrgan => PauseReason::OtherOrgan,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum Status {
    /// 办理中 (the clock runs).
    Received,
    /// 待补正 (条例第三十条).
    ClarificationRequested { deadline: NaiveDate },
    /// 征求意见中 (the clock is paused).
    Consulting { party: Consultee },
    /// 待缴费 (收费通知已发出).
    FeePending { deadline: NaiveDate },
    /// 已答复.
    Answered { outcome: Outcome },
    /// 终止: ended without a reply (逾期不补正, 逾期未缴费).
    Closed { outcome: Outcome },
    /// 已撤回. Counted in table 三 as 其他处理 (see [`super::stats`]).
    Withdrawn,
}

impl Status {
    pub fn code(&self) -> &'static str {
        match self {
            Status::Received => "received",
            Status::ClarificationRequested { .. } => "clarification_requested",
            Status::Consulting { .. } => "consulting",
            Status::FeePending { .. } => "fee_pending",
            Status::Answered { .. } => "answered",
            Status::Closed { .. } => "closed",
            Status::Withdrawn => "withdrawn",
        }
    }
    pub fn label(&self) -> &'static str {
        match self {
            Status::Received => "办理中",
            Status::ClarificationRequested { .. } => "待补正",
            Status::Consulting { .. } => "征求意见中",
            Status::FeePending { .. } => "待缴费",
            Status::Answered { .. } => "已答复",
            Status::Closed { .. } => "已终止",
            Status::Withdrawn => "已撤回",
        }
    }
    pub fn is_finished(&self) -> bool {
        matches!(self, Status::Answered { .. } | Status::Closed { .. } | Status::Withdrawn)
    }
    /// The outcome for table 三, once finished. A withdrawal counts as 其他处理·其他.
    pub fn outcome(&self) -> Option<Outcome> {
        match self {
            Status::Answered { outcome } | Status::Closed { outcome } => Some(*outcome),
            Status::Withdrawn => Some(Outcome::Other(OtherReason::Other)),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "event")]
pub enum Event {
    /// 一次性告知补正, with a reasonable deadline (条例第三十条).
    RequestClarification {
        sent_on: NaiveDate,
        deadline: NaiveDate,
    },
    /// 收到补正后的申请.
    Supplement {
        received_on: NaiveDate,
    },
    /// 申请人无正当理由逾期不补正: 视为放弃申请.
    ClarificationLapsed {
        on: NaiveDate,
    },
    /// 书面征求第三方或者其他机关意见.
    Consult {
        party: Consultee,
        sent_on: NaiveDate,
    },
    /// The consultation ended (reply received, or the 15 working days passed).
    ConsultationEnded {
        on: NaiveDate,
    },
    /// 延长答复期限, approved by the head of the OGI office.
    Extend {
        approved_on: NaiveDate,
        days: u32,
        approver: String,
    },
    /// 发出收费通知 (条例第四十二条).
    SendFeeNotice {
        sent_on: NaiveDate,
        amount_yuan: u64,
        deadline: NaiveDate,
    },
    FeePaid {
        on: NaiveDate,
    },
    /// 申请人逾期未按收费通知要求缴纳费用.
    FeeLapsed {
        on: NaiveDate,
    },
    /// 答复 (also 当场答复: answered on the day of receipt).
    Answer {
        on: NaiveDate,
        outcome: Outcome,
    },
    /// 申请人撤回申请.
    Withdraw {
        on: NaiveDate,
    },
}

impl Event {
    pub fn label(&self) -> &'static str {
        match self {
            Event::RequestClarification { .. } => "告知补正",
            Event::Supplement { .. } => "登记补正",
            Event::ClarificationLapsed { .. } => "以逾期不补正终止",
            Event::Consult { .. } => "征求意见",
            Event::ConsultationEnded { .. } => "结束征求意见",
            Event::Extend { .. } => "延长答复期限",
            Event::SendFeeNotice { .. } => "发出收费通知",
            Event::FeePaid { .. } => "登记缴费",
            Event::FeeLapsed { .. } => "以逾期未缴费终止",
            Event::Answer { .. } => "答复",
            Event::Withdraw { .. } => "撤回",
        }
    }
    pub fn date(&self) -> NaiveDate {
        match self {
            Event::RequestClarification { sent_on, .. }
            | Event::Consult { sent_on, .. }
            | Event::SendFeeNotice { sent_on, .. } => *sent_on,
            Event::Supplement { received_on } => *received_on,
            Event::Extend { approved_on, .. } => *approved_on,
            Event::ClarificationLapsed { on }
            | Event::ConsultationEnded { on }
            | Event::FeePaid { on }
            | Event::FeeLapsed { on }
            | Event::Answer { on, .. }
            | Event::Withdraw { on } => *on,
        }
    }
}

/// What the applicant (or the consulted party) is told.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "notice")]
pub enum Notice {
    ClarificationRequested { deadline: NaiveDate },
    Extended { days: u32, new_due: NaiveDate },
    FeeNotice { amount_yuan: u64, deadline: NaiveDate },
    Reply { outcome: Outcome },
    Closed { outcome: Outcome },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "effect")]
pub enum Effect {
    /// Append to the application's clock ledger.
    ClockEntry(ClockEntry),
    SetDueDate {
        on: NaiveDate,
    },
    /// The clock is paused or stopped: there is no due date to watch.
    ClearDueDate,
    NotifyApplicant(Notice),
    /// Send the 征求意见书; the reply is due by `reply_by` (15 working days, 条例第三十二条、第三十四条).
    NotifyConsultee {
        party: Consultee,
        reply_by: NaiveDate,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    pub status: Status,
    pub effects: Vec<Effect>,
}

impl Transition {
    /// The clock after this transition.
    pub fn clock_after(&self, clock: &Clock) -> Clock {
        let mut next = clock.clone();
        for e in &self.effects {
            if let Effect::ClockEntry(entry) = e {
                next.record(entry.clone());
            }
        }
        next
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("该申请已撤回，不能再{event}")]
    Withdrawn { event: &'static str },
    #[error("该申请已办结（{status}），不能再{event}")]
    Finished { status: &'static str, event: &'static str },
    #[error("申请处于“{status}”状态，不能{event}")]
    NotAllowed { status: &'static str, event: &'static str },
    #[error("{date}晚于今天，不能登记尚未发生的事")]
    DateInFuture { date: NaiveDate },
    #[error("{date}早于上一办理环节的日期{last}")]
    DateBeforeLastStep { date: NaiveDate, last: NaiveDate },
    #[error("补正通知只能一次性发出，本申请已告知过补正（条例第三十条）")]
    SecondClarification,
    #[error("补正通知应当自收到申请之日起7个工作日内发出，最晚为{last_day}，现已超过（条例第三十条）")]
    ClarificationTooLate { last_day: NaiveDate },
    #[error("{what}应晚于通知发出之日")]
    DeadlineNotAfterNotice { what: &'static str },
    #[error("{what}{deadline}尚未届满，不能以逾期为由终止")]
    NotYetLapsed { what: &'static str, deadline: NaiveDate },
    #[error("答复期限只能延长一次，本申请已经延长过（条例第三十三条第二款）")]
    SecondExtension,
    #[error("延长的期限最长不得超过20个工作日，现申请延长{days}个工作日（条例第三十三条第二款）")]
    ExtensionTooLong { days: u32 },
    #[error("延长的天数至少为1个工作日")]
    ExtensionZero,
    #[error("延长答复期限须经政府信息公开工作机构负责人同意，请填写批准人姓名（条例第三十三条第二款）")]
    NoApprover,
    #[error("答复期限已于{due}届满，不能再延长")]
    ExtensionAfterDue { due: NaiveDate },
    #[error("“{0}”须通过终止操作登记，不能作为答复结果")]
    OutcomeNeedsItsEvent(&'static str),
    #[error("未曾告知补正，不能以“补正后申请内容仍不明确”答复")]
    StillUnclearWithoutClarification,
    #[error("信息处理费金额应大于零")]
    ZeroFee,
    #[error(transparent)]
    Clock(#[from] ClockError),
}

/// Decides what `event` does to an application in `status` with `clock`, on `today`.
pub fn apply(
    status: &Status,
    clock: &Clock,
    event: &Event,
    today: NaiveDate,
    cal: &Calendar,
) -> Result<Transition, TransitionError> {
    use Effect::{ClearDueDate, NotifyApplicant, NotifyConsultee, SetDueDate};
    use Event as E;
    use Status as S;

    let ev = event.label();
    // Finished applications take nothing more.
    match status {
        S::Withdrawn => return Err(TransitionError::Withdrawn { event: ev }),
        S::Answered { .. } | S::Closed { .. } => {
            return Err(TransitionError::Finished { status: status.label(), event: ev });
        }
        _ => {}
    }
    let date = event.date();
    if date > today {
        return Err(TransitionError::DateInFuture { date });
    }
    if let Some(last) = clock.last_date()
        && date < last
    {
        return Err(TransitionError::DateBeforeLastStep { date, last });
    }
    let not_allowed = || TransitionError::NotAllowed { status: status.label(), event: ev };
    let entry = Effect::ClockEntry;
    // The due date once `entries` are on the ledger.
    let due_after = |entries: &[ClockEntry]| -> Result<NaiveDate, TransitionError> {
        let mut next = clock.clone();
        entries.iter().cloned().for_each(|e| next.record(e));
        Ok(next.due_on(cal)?)
    };

    let (status, effects) = match (status, event) {
        // 条例第三十条: 7个工作日内一次性告知补正; the clock stops until the supplement arrives.
        (S::Received, E::RequestClarification { sent_on, deadline }) => {
            if clock.clarification_requested() {
                return Err(TransitionError::SecondClarification);
            }
            let last_day = clock.clarification_notice_by(cal)?;
            if *sent_on > last_day {
                return Err(TransitionError::ClarificationTooLate { last_day });
            }
            if deadline <= sent_on {
                return Err(TransitionError::DeadlineNotAfterNotice { what: "补正期限" });
            }
            let reason = PauseReason::Clarification { deadline: *deadline };
            (
                S::ClarificationRequested { deadline: *deadline },
                vec![
                    entry(ClockEntry::Paused { on: *sent_on, reason }),
                    ClearDueDate,
                    NotifyApplicant(Notice::ClarificationRequested { deadline: *deadline }),
                ],
            )
        }
        // 答复期限自行政机关收到补正的申请之日起计算.
        (S::ClarificationRequested { .. }, E::Supplement { received_on }) => {
            let e = ClockEntry::Restarted { on: *received_on };
            let due = due_after(std::slice::from_ref(&e))?;
            (S::Received, vec![entry(e), SetDueDate { on: due }])
        }
        // 申请人无正当理由逾期不补正的，视为放弃申请.
        (S::ClarificationRequested { deadline }, E::ClarificationLapsed { on }) => {
            if on <= deadline {
                return Err(TransitionError::NotYetLapsed { what: "补正期限", deadline: *deadline });
            }
            let outcome = Outcome::Other(OtherReason::OverdueClarification);
            (
                S::Closed { outcome },
                vec![entry(ClockEntry::Stopped { on: *on }), ClearDueDate, NotifyApplicant(Notice::Closed { outcome })],
            )
        }
        // 条例第三十二条、第三十四条; the time is not counted (第三十三条第三款).
        (S::Received, E::Consult { party, sent_on }) => {
            let reply_by = cal.add_working_days(*sent_on, CONSULTATION_REPLY_DAYS).map_err(ClockError::from)?;
            (
                S::Consulting { party: *party },
                vec![
                    entry(ClockEntry::Paused { on: *sent_on, reason: party.pause_reason() }),
                    ClearDueDate,
                    NotifyConsultee { party: *party, reply_by },
                ],
            )
        }
        (S::Consulting { .. }, E::ConsultationEnded { on }) => {
            let e = ClockEntry::Resumed { on: *on };
            let due = due_after(std::slice::from_ref(&e))?;
            (S::Received, vec![entry(e), SetDueDate { on: due }])
        }
        // 条例第三十三条第二款: once, at most 20 working days, approved by the head of the office,
        // and only while the original period still runs.
        (S::Received, E::Extend { approved_on, days, approver }) => {
            if clock.extension().is_some() {
                return Err(TransitionError::SecondExtension);
            }
            if *days == 0 {
                return Err(TransitionError::ExtensionZero);
            }
            if *days > MAX_EXTENSION_DAYS {
                return Err(TransitionError::ExtensionTooLong { days: *days });
            }
            if approver.trim().is_empty() {
                return Err(TransitionError::NoApprover);
            }
            let due = clock.due_on(cal)?;
            if *approved_on > due {
                return Err(TransitionError::ExtensionAfterDue { due });
            }
            let e =
                ClockEntry::Extended { approved_on: *approved_on, days: *days, approver: approver.trim().to_string() };
            let new_due = due_after(std::slice::from_ref(&e))?;
            (
                S::Received,
                vec![entry(e), SetDueDate { on: new_due }, NotifyApplicant(Notice::Extended { days: *days, new_due })],
            )
        }
        // 条例第四十二条, 国办函〔2020〕109号.
        (S::Received, E::SendFeeNotice { sent_on, amount_yuan, deadline }) => {
            if *amount_yuan == 0 {
                return Err(TransitionError::ZeroFee);
            }
            if deadline <= sent_on {
                return Err(TransitionError::DeadlineNotAfterNotice { what: "缴费期限" });
            }
            (
                S::FeePending { deadline: *deadline },
                vec![
                    entry(ClockEntry::Paused { on: *sent_on, reason: PauseReason::Fee { deadline: *deadline } }),
                    ClearDueDate,
                    NotifyApplicant(Notice::FeeNotice { amount_yuan: *amount_yuan, deadline: *deadline }),
                ],
            )
        }
        (S::FeePending { .. }, E::FeePaid { on }) => {
            let e = ClockEntry::Resumed { on: *on };
            let due = due_after(std::slice::from_ref(&e))?;
            (S::Received, vec![entry(e), SetDueDate { on: due }])
        }
        (S::FeePending { deadline }, E::FeeLapsed { on }) => {
            if on <= deadline {
                return Err(TransitionError::NotYetLapsed { what: "缴费期限", deadline: *deadline });
            }
            let outcome = Outcome::Other(OtherReason::UnpaidFee);
            (
                S::Closed { outcome },
                vec![entry(ClockEntry::Stopped { on: *on }), ClearDueDate, NotifyApplicant(Notice::Closed { outcome })],
            )
        }
        // 条例第三十三条、第三十六条: the reply (also on the spot, or once a consultation is over).
        (S::Received | S::Consulting { .. }, E::Answer { on, outcome }) => {
            match outcome {
                Outcome::Other(OtherReason::OverdueClarification) => {
                    return Err(TransitionError::OutcomeNeedsItsEvent("逾期不补正"));
                }
                Outcome::Other(OtherReason::UnpaidFee) => {
                    return Err(TransitionError::OutcomeNeedsItsEvent("逾期未缴费"));
                }
                Outcome::Unable(UnableReason::StillUnclear) if !clock.clarification_requested() => {
                    return Err(TransitionError::StillUnclearWithoutClarification);
                }
                _ => {}
            }
            (
                S::Answered { outcome: *outcome },
                vec![
                    entry(ClockEntry::Stopped { on: *on }),
                    ClearDueDate,
                    NotifyApplicant(Notice::Reply { outcome: *outcome }),
                ],
            )
        }
        (
            S::Received | S::ClarificationRequested { .. } | S::Consulting { .. } | S::FeePending { .. },
            E::Withdraw { on },
        ) => (S::Withdrawn, vec![entry(ClockEntry::Stopped { on: *on }), ClearDueDate]),
        _ => return Err(not_allowed()),
    };
    Ok(Transition { status, effects })
}

/// The clarification deadline a clerk is offered by default: 15 working days after the notice.
/// The 条例 asks only for a 合理的补正期限; this is a suggestion, not a rule.
pub fn suggested_clarification_deadline(sent_on: NaiveDate, cal: &Calendar) -> Result<NaiveDate, ClockError> {
    Ok(cal.add_working_days(sent_on, 15)?)
}

/// One line for the applicant's tracking page: where the application stands.
pub fn status_line(status: &Status, clock: &Clock, today: NaiveDate, cal: &Calendar) -> String {
    match status {
        Status::Received => match (clock.due_on(cal), clock.working_days_left(today, cal)) {
            (Ok(due), Ok(left)) if left >= 0 => {
                format!("办理中，答复期限至{}，剩余{left}个工作日。", chinese_date(due))
            }
            (Ok(due), Ok(left)) => format!("办理中，答复期限{}已届满，已超期{}个工作日。", chinese_date(due), -left),
            _ => "办理中。".into(),
        },
        Status::ClarificationRequested { deadline } => {
            format!("待补正，补正期限至{}。", chinese_date(*deadline))
        }
        Status::Consulting { party } => {
            format!("正在征求{}意见，征求意见期间暂停计时。", party.label())
        }
        Status::FeePending { deadline } => {
            format!("待缴纳信息处理费，缴费期限至{}。", chinese_date(*deadline))
        }
        Status::Answered { outcome } => format!("已答复：{}。", outcome.label()),
        Status::Closed { outcome } => format!("已终止：{}。", outcome.label()),
        Status::Withdrawn => "申请人已撤回申请。".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::application::outcome::{NotProcessedReason, WithheldReason};

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2020, m, day).unwrap()
    }
    fn today() -> NaiveDate {
        d(12, 31)
    }

    /// Every status, with a ledger that brings an application there: received Monday 28 Sept 2020.
    fn statuses() -> Vec<(Status, Clock)> {
        let received = Clock::received(d(9, 28));
        let with = |entries: Vec<ClockEntry>| {
            let mut c = received.clone();
            entries.into_iter().for_each(|e| c.record(e));
            c
        };
        let paused = |reason| with(vec![ClockEntry::Paused { on: d(9, 30), reason }]);
        let stopped = with(vec![ClockEntry::Stopped { on: d(9, 30) }]);
        vec![
            (Status::Received, received.clone()),
            (
                Status::ClarificationRequested { deadline: d(10, 20) },
                paused(PauseReason::Clarification { deadline: d(10, 20) }),
            ),
            (Status::Consulting { party: Consultee::ThirdParty }, paused(PauseReason::ThirdParty)),
            (Status::Consulting { party: Consultee::OtherOrgan }, paused(PauseReason::OtherOrgan)),
            (Status::FeePending { deadline: d(10, 20) }, paused(PauseReason::Fee { deadline: d(10, 20) })),
            (Status::Answered { outcome: Outcome::Disclosed }, stopped.clone()),
            (Status::Closed { outcome: Outcome::Other(OtherReason::OverdueClarification) }, stopped.clone()),
            (Status::Withdrawn, stopped),
        ]
    }

    /// One of every event, dated so that the date rules pass where the pair is allowed.
    fn events() -> Vec<Event> {
        vec![
            Event::RequestClarification { sent_on: d(10, 9), deadline: d(10, 23) },
            Event::Supplement { received_on: d(10, 12) },
            Event::ClarificationLapsed { on: d(10, 21) },
            Event::Consult { party: Consultee::ThirdParty, sent_on: d(10, 9) },
            Event::ConsultationEnded { on: d(10, 12) },
            Event::Extend { approved_on: d(10, 12), days: 20, approver: "李明".into() },
            Event::SendFeeNotice { sent_on: d(10, 9), amount_yuan: 100, deadline: d(11, 6) },
            Event::FeePaid { on: d(10, 12) },
            Event::FeeLapsed { on: d(10, 21) },
            Event::Answer { on: d(10, 12), outcome: Outcome::Disclosed },
            Event::Withdraw { on: d(10, 12) },
        ]
    }

    #[test]
    fn every_status_and_event_pair_is_decided_as_the_flow_chart_says() {
        // Columns: 告知补正 补正 逾期不补正 征求意见 结束征求 延期 收费通知 缴费 逾期未缴费 答复 撤回.
        // '→x' = allowed, leading to status x; '-' = NotAllowed; 'F' = Finished; 'W' = Withdrawn.
        let table: [(&str, [&str; 11]); 8] = [
            (
                "received",
                [
                    "clarification_requested",
                    "-",
                    "-",
                    "consulting",
                    "-",
                    "received",
                    "fee_pending",
                    "-",
                    "-",
                    "answered",
                    "withdrawn",
                ],
            ),
            ("clarification_requested", ["-", "received", "closed", "-", "-", "-", "-", "-", "-", "-", "withdrawn"]),
            ("consulting", ["-", "-", "-", "-", "received", "-", "-", "-", "-", "answered", "withdrawn"]),
            ("consulting", ["-", "-", "-", "-", "received", "-", "-", "-", "-", "answered", "withdrawn"]),
            ("fee_pending", ["-", "-", "-", "-", "-", "-", "-", "received", "closed", "-", "withdrawn"]),
            ("answered", ["F"; 11]),
            ("closed", ["F"; 11]),
            ("withdrawn", ["W"; 11]),
        ];
        let cal = Calendar::builtin();
        let statuses = statuses();
        let events = events();
        let mut pairs = 0;
        for ((status, clock), (code, row)) in statuses.iter().zip(table) {
            assert_eq!(status.code(), code);
            for (event, expected) in events.iter().zip(row) {
                let got = apply(status, clock, event, today(), &cal);
                match (expected, &got) {
                    ("-", Err(TransitionError::NotAllowed { .. })) => {}
                    ("F", Err(TransitionError::Finished { .. })) => {}
                    ("W", Err(TransitionError::Withdrawn { .. })) => {}
                    (next, Ok(t)) if t.status.code() == next => {
                        assert!(
                            t.effects.iter().any(|e| matches!(e, Effect::ClockEntry(_))),
                            "{code} × {event:?} leaves no trace on the clock"
                        );
                    }
                    _ => panic!("{code} × {}: expected {expected}, got {got:?}", event.label()),
                }
                pairs += 1;
            }
        }
        assert_eq!(pairs, 8 * 11);
    }

    #[test]
    fn clarification_restarts_the_clock() {
        let cal = Calendar::builtin();
        let (status, clock) = (Status::Received, Clock::received(d(9, 28)));
        let t = apply(
            &status,
            &clock,
            &Event::RequestClarification { sent_on: d(9, 30), deadline: d(10, 16) },
            today(),
            &cal,
        )
        .unwrap();
        assert!(t.effects.contains(&Effect::NotifyApplicant(Notice::ClarificationRequested { deadline: d(10, 16) })));
        let clock = t.clock_after(&clock);
        let t = apply(&t.status, &clock, &Event::Supplement { received_on: d(10, 12) }, today(), &cal).unwrap();
        assert_eq!(t.status, Status::Received);
        assert!(t.effects.contains(&Effect::SetDueDate { on: d(11, 9) }), "{:?}", t.effects);
    }

    #[test]
    fn a_clarification_notice_after_the_seventh_working_day_is_refused() {
        let cal = Calendar::builtin();
        let clock = Clock::received(d(9, 28));
        // 7th working day after 9/28: 9/29, 9/30, 10/9, 10/10 (Sat, worked), 10/12, 10/13, 10/14.
        let ok = Event::RequestClarification { sent_on: d(10, 14), deadline: d(10, 28) };
        assert!(apply(&Status::Received, &clock, &ok, today(), &cal).is_ok());
        let late = Event::RequestClarification { sent_on: d(10, 15), deadline: d(10, 28) };
        let err = apply(&Status::Received, &clock, &late, today(), &cal).unwrap_err();
        assert_eq!(err, TransitionError::ClarificationTooLate { last_day: d(10, 14) });
        assert!(err.to_string().contains("7个工作日内"));
    }

    #[test]
    fn clarification_is_told_only_once() {
        let cal = Calendar::builtin();
        let mut clock = Clock::received(d(9, 28));
        clock.record(ClockEntry::Paused { on: d(9, 29), reason: PauseReason::Clarification { deadline: d(10, 9) } });
        clock.record(ClockEntry::Restarted { on: d(9, 30) });
        let again = Event::RequestClarification { sent_on: d(10, 9), deadline: d(10, 20) };
        assert_eq!(apply(&Status::Received, &clock, &again, today(), &cal), Err(TransitionError::SecondClarification));
    }

    #[test]
    fn an_unanswered_clarification_closes_the_application_as_other_handling() {
        let cal = Calendar::builtin();
        let (status, clock) = statuses().swap_remove(1);
        let early = apply(&status, &clock, &Event::ClarificationLapsed { on: d(10, 20) }, today(), &cal);
        assert!(matches!(early, Err(TransitionError::NotYetLapsed { .. })));
        let t = apply(&status, &clock, &Event::ClarificationLapsed { on: d(10, 21) }, today(), &cal).unwrap();
        assert_eq!(t.status, Status::Closed { outcome: Outcome::Other(OtherReason::OverdueClarification) });
    }

    #[test]
    fn an_unpaid_fee_closes_the_application_as_other_handling() {
        let cal = Calendar::builtin();
        let (status, clock) = statuses().swap_remove(4);
        let t = apply(&status, &clock, &Event::FeeLapsed { on: d(10, 21) }, today(), &cal).unwrap();
        assert_eq!(t.status.outcome(), Some(Outcome::Other(OtherReason::UnpaidFee)));
    }

    #[test]
    fn the_deadline_can_be_extended_once_by_at_most_twenty_days_with_an_approver() {
        let cal = Calendar::builtin();
        let clock = Clock::received(d(9, 28));
        let extend = |days, approver: &str, on| Event::Extend { approved_on: on, days, approver: approver.into() };
        let try_ = |c: &Clock, e: Event| apply(&Status::Received, c, &e, today(), &cal);
        assert_eq!(try_(&clock, extend(21, "李明", d(10, 30))), Err(TransitionError::ExtensionTooLong { days: 21 }));
        assert_eq!(try_(&clock, extend(0, "李明", d(10, 30))), Err(TransitionError::ExtensionZero));
        assert_eq!(try_(&clock, extend(10, " ", d(10, 30))), Err(TransitionError::NoApprover));
        assert_eq!(
            try_(&clock, extend(10, "李明", d(11, 3))),
            Err(TransitionError::ExtensionAfterDue { due: d(11, 2) })
        );
        let t = try_(&clock, extend(20, "李明", d(11, 2))).unwrap();
        assert!(t.effects.contains(&Effect::SetDueDate { on: d(11, 30) }));
        assert!(t.effects.contains(&Effect::NotifyApplicant(Notice::Extended { days: 20, new_due: d(11, 30) })));
        let clock = t.clock_after(&clock);
        assert_eq!(try_(&clock, extend(5, "王芳", d(11, 3))), Err(TransitionError::SecondExtension));
    }

    #[test]
    fn a_consultation_pauses_the_clock_and_its_end_sets_a_later_due_date() {
        let cal = Calendar::builtin();
        let clock = Clock::received(d(9, 28));
        let t = apply(
            &Status::Received,
            &clock,
            &Event::Consult { party: Consultee::ThirdParty, sent_on: d(10, 14) },
            today(),
            &cal,
        )
        .unwrap();
        // 15 working days for the third party's reply: 10/15 … 11/4.
        assert!(t.effects.contains(&Effect::NotifyConsultee { party: Consultee::ThirdParty, reply_by: d(11, 4) }));
        assert!(t.effects.contains(&Effect::ClearDueDate));
        let clock = t.clock_after(&clock);
        let t = apply(&t.status, &clock, &Event::ConsultationEnded { on: d(10, 21) }, today(), &cal).unwrap();
        assert!(t.effects.contains(&Effect::SetDueDate { on: d(11, 9) }));
    }

    #[test]
    fn answering_a_withdrawn_application_is_refused_in_plain_chinese() {
        let cal = Calendar::builtin();
        let (status, clock) = statuses().pop().unwrap();
        let err = apply(&status, &clock, &Event::Answer { on: d(10, 12), outcome: Outcome::Disclosed }, today(), &cal)
            .unwrap_err();
        assert_eq!(err.to_string(), "该申请已撤回，不能再答复");
    }

    #[test]
    fn an_application_can_be_answered_on_the_spot() {
        let cal = Calendar::builtin();
        let clock = Clock::received(d(9, 28));
        let t = apply(
            &Status::Received,
            &clock,
            &Event::Answer { on: d(9, 28), outcome: Outcome::Disclosed },
            d(9, 28),
            &cal,
        )
        .unwrap();
        assert_eq!(t.status, Status::Answered { outcome: Outcome::Disclosed });
        assert!(!t.clock_after(&clock).is_overdue(d(12, 31), &cal).unwrap());
    }

    #[test]
    fn dates_in_the_future_or_before_the_last_step_are_refused() {
        let cal = Calendar::builtin();
        let clock = Clock::received(d(9, 28));
        let answer = |on| Event::Answer { on, outcome: Outcome::NotProcessed(NotProcessedReason::Repeated) };
        assert_eq!(
            apply(&Status::Received, &clock, &answer(d(10, 12)), d(10, 9), &cal),
            Err(TransitionError::DateInFuture { date: d(10, 12) })
        );
        assert!(matches!(
            apply(&Status::Received, &clock, &answer(d(9, 27)), today(), &cal),
            Err(TransitionError::DateBeforeLastStep { .. })
        ));
    }

    #[test]
    fn lapse_outcomes_cannot_be_typed_in_as_a_reply() {
        let cal = Calendar::builtin();
        let clock = Clock::received(d(9, 28));
        for (outcome, ok) in [
            (Outcome::Other(OtherReason::OverdueClarification), false),
            (Outcome::Other(OtherReason::UnpaidFee), false),
            (Outcome::Unable(UnableReason::StillUnclear), false),
            (Outcome::Withheld(WithheldReason::ThirdPartyRights), true),
            (Outcome::Other(OtherReason::Other), true),
        ] {
            let r = apply(&Status::Received, &clock, &Event::Answer { on: d(10, 12), outcome }, today(), &cal);
            assert_eq!(r.is_ok(), ok, "{outcome:?}: {r:?}");
        }
    }

    #[test]
    fn the_tracking_line_tells_the_days_left() {
        let cal = Calendar::builtin();
        let clock = Clock::received(d(9, 28));
        assert_eq!(
            status_line(&Status::Received, &clock, d(10, 30), &cal),
            "办理中，答复期限至2020年11月2日，剩余1个工作日。"
        );
        assert_eq!(
            status_line(&Status::Received, &clock, d(11, 4), &cal),
            "办理中，答复期限2020年11月2日已届满，已超期2个工作日。"
        );
    }
}

#[cfg(test)]
mod serde_tests {
    use super::*;

    #[test]
    fn every_effect_serializes_to_json() {
        let d = NaiveDate::from_ymd_opt(2020, 11, 2).unwrap();
        let effects = vec![
            Effect::SetDueDate { on: d },
            Effect::ClearDueDate,
            Effect::ClockEntry(ClockEntry::Started { on: d }),
            Effect::NotifyApplicant(Notice::ClarificationRequested { deadline: d }),
            Effect::NotifyConsultee { party: Consultee::ThirdParty, reply_by: d },
        ];
        let json = serde_json::to_string(&effects).expect("effects are stored with each event");
        let back: Vec<Effect> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, effects);
    }
}
