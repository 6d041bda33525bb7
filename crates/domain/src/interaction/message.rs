//! 政民互动: the public's messages — 咨询, 建议, 投诉 — to a unit or to the 领导信箱. The office
//! routes each to the unit that answers; a reviewer decides whether the answer is published with the
//! message (the default for matters of public interest) or kept private, with the reason recorded.
//! Deadlines are in working days per kind, configured by the office; the working-day calendar is the
//! caller's. A 政务咨询类 message unanswered for more than three months is a website single veto
//! (互动回应差, ogi-facts.md §4.3: "监测时间点前1年内……超过三个月未回应", 投诉举报类栏目 excluded).

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::supervision::UnitId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum MessageKind {
    /// 咨询
    Consultation,
    /// 建议
    Suggestion,
    /// 投诉
    Complaint,
}

impl MessageKind {
    pub fn label(self) -> &'static str {
        match self {
            MessageKind::Consultation => "咨询",
            MessageKind::Suggestion => "建议",
            MessageKind::Complaint => "投诉",
        }
    }
    /// The veto row covers 政务咨询类栏目 and excludes 举报投诉类栏目.
    pub fn counts_for_veto(self) -> bool {
        !matches!(self, MessageKind::Complaint)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Recipient {
    Unit(UnitId),
    /// 领导信箱
    LeaderMailbox,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MessageError {
    #[error("“{0}”类留言的答复期限须至少为1个工作日")]
    ZeroDeadline(&'static str),
    #[error("答复期限超出日历范围，无法计算")]
    OutOfCalendar,
    #[error("留言处于“{status}”状态，不能{event}")]
    NotAllowed { status: &'static str, event: &'static str },
}

/// Working days to answer each kind. Only [`DeadlineConfig::new`] builds one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadlineConfig {
    consultation: u32,
    suggestion: u32,
    complaint: u32,
}

impl DeadlineConfig {
    pub fn new(consultation: u32, suggestion: u32, complaint: u32) -> Result<Self, MessageError> {
        for (days, kind) in [
            (consultation, MessageKind::Consultation),
            (suggestion, MessageKind::Suggestion),
            (complaint, MessageKind::Complaint),
        ] {
            if days == 0 {
                return Err(MessageError::ZeroDeadline(kind.label()));
            }
        }
        Ok(DeadlineConfig { consultation, suggestion, complaint })
    }
    pub fn working_days(&self, kind: MessageKind) -> u32 {
        match kind {
            MessageKind::Consultation => self.consultation,
            MessageKind::Suggestion => self.suggestion,
            MessageKind::Complaint => self.complaint,
        }
    }
}

impl Default for DeadlineConfig {
    /// 咨询 5, 建议 15, 投诉 15 working days: a common local practice, not a national rule.
    fn default() -> Self {
        DeadlineConfig { consultation: 5, suggestion: 15, complaint: 15 }
    }
}

/// Serialized as its stored code (`submitted`, `routed` …), which templates compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageStatus {
    /// 已提交
    Submitted,
    /// 已转办
    Routed,
    /// 已答复, waiting for the reviewer
    Answered,
    /// 已公开: message and answer shown on the portal
    Published,
    /// 不公开: answered to the writer only
    Private,
    /// 重新办理
    Reopened,
}

impl MessageStatus {
    pub const ALL: [MessageStatus; 6] = [
        MessageStatus::Submitted,
        MessageStatus::Routed,
        MessageStatus::Answered,
        MessageStatus::Published,
        MessageStatus::Private,
        MessageStatus::Reopened,
    ];
    pub fn label(self) -> &'static str {
        match self {
            MessageStatus::Submitted => "已提交",
            MessageStatus::Routed => "已转办",
            MessageStatus::Answered => "已答复待审核",
            MessageStatus::Published => "已公开",
            MessageStatus::Private => "已答复不公开",
            MessageStatus::Reopened => "重新办理",
        }
    }
    /// The writer is still waiting for an answer.
    pub fn awaits_answer(self) -> bool {
        matches!(self, MessageStatus::Submitted | MessageStatus::Routed | MessageStatus::Reopened)
    }
    /// The code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            MessageStatus::Submitted => "submitted",
            MessageStatus::Routed => "routed",
            MessageStatus::Answered => "answered",
            MessageStatus::Published => "published",
            MessageStatus::Private => "private",
            MessageStatus::Reopened => "reopened",
        }
    }
}

impl TryFrom<String> for MessageStatus {
    type Error = crate::UnknownCode;
    fn try_from(code: String) -> Result<Self, Self::Error> {
        MessageStatus::ALL
            .into_iter()
            .find(|s| s.code() == code)
            .ok_or(crate::UnknownCode { what: "message status", code })
    }
}

/// Why an answered message is not published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PrivateReason {
    /// 留言人要求不公开
    WriterAsked,
    /// 涉及个人信息
    PersonalData,
    /// 不具有普遍性
    NotOfPublicInterest,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum MessageEvent {
    /// The office sends it to a unit (again, if it was misrouted).
    Route(Recipient),
    Answer,
    /// Reviewer: publish message and answer.
    Publish,
    /// Reviewer: answer the writer only.
    KeepPrivate(PrivateReason),
    /// Reviewer sends the answer back, or the writer follows up.
    Reopen,
}

impl MessageEvent {
    pub fn label(&self) -> &'static str {
        match self {
            MessageEvent::Route(_) => "转办",
            MessageEvent::Answer => "答复",
            MessageEvent::Publish => "公开",
            MessageEvent::KeepPrivate(_) => "设为不公开",
            MessageEvent::Reopen => "重新办理",
        }
    }
}

/// The flow chart.
pub fn apply(status: MessageStatus, event: &MessageEvent) -> Result<MessageStatus, MessageError> {
    use MessageEvent as E;
    use MessageStatus as S;
    match (status, event) {
        (S::Submitted | S::Routed | S::Reopened, E::Route(_)) => Ok(S::Routed),
        (S::Routed | S::Reopened, E::Answer) => Ok(S::Answered),
        (S::Answered, E::Publish) => Ok(S::Published),
        (S::Answered, E::KeepPrivate(_)) => Ok(S::Private),
        (S::Answered | S::Published | S::Private, E::Reopen) => Ok(S::Reopened),
        (s, e) => Err(MessageError::NotAllowed { status: s.label(), event: e.label() }),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub kind: MessageKind,
    pub recipient: Recipient,
    pub submitted_on: NaiveDate,
    pub due: NaiveDate,
    pub status: MessageStatus,
}

impl Message {
    /// A new message, its due date counted in working days by the caller's calendar.
    pub fn new(
        kind: MessageKind,
        recipient: Recipient,
        submitted_on: NaiveDate,
        config: &DeadlineConfig,
        add_working_days: &dyn Fn(NaiveDate, u32) -> Option<NaiveDate>,
    ) -> Result<Self, MessageError> {
        let due = add_working_days(submitted_on, config.working_days(kind)).ok_or(MessageError::OutOfCalendar)?;
        Ok(Message { kind, recipient, submitted_on, due, status: MessageStatus::Submitted })
    }

    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.status.awaits_answer() && today > self.due
    }
}

/// More than three calendar months since `submitted` (submitted 3 Jan: still fine on 3 Apr, not on 4 Apr).
pub fn unanswered_over_three_months(submitted: NaiveDate, today: NaiveDate) -> bool {
    submitted.checked_add_months(Months::new(3)).is_some_and(|limit| today > limit)
}

/// The count for the 互动回应差 veto: 咨询/建议 messages submitted within the year before `today`,
/// still awaiting an answer, for more than three months.
pub fn unanswered_for_veto(messages: &[Message], today: NaiveDate) -> usize {
    let year_ago = today.checked_sub_months(Months::new(12)).unwrap_or(NaiveDate::MIN);
    messages
        .iter()
        .filter(|m| m.kind.counts_for_veto() && m.status.awaits_answer())
        .filter(|m| m.submitted_on >= year_ago)
        .filter(|m| unanswered_over_three_months(m.submitted_on, today))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use MessageEvent as E;
    use MessageStatus as S;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn calendar_days(from: NaiveDate, n: u32) -> Option<NaiveDate> {
        from.checked_add_days(chrono::Days::new(u64::from(n)))
    }

    fn events() -> Vec<MessageEvent> {
        vec![
            E::Route(Recipient::LeaderMailbox),
            E::Answer,
            E::Publish,
            E::KeepPrivate(PrivateReason::WriterAsked),
            E::Reopen,
        ]
    }

    #[test]
    fn every_status_and_event_pair_is_decided() {
        let allowed = [
            (S::Submitted, 0, S::Routed),
            (S::Routed, 0, S::Routed),
            (S::Routed, 1, S::Answered),
            (S::Answered, 2, S::Published),
            (S::Answered, 3, S::Private),
            (S::Answered, 4, S::Reopened),
            (S::Published, 4, S::Reopened),
            (S::Private, 4, S::Reopened),
            (S::Reopened, 0, S::Routed),
            (S::Reopened, 1, S::Answered),
        ];
        let evs = events();
        for s in S::ALL {
            for (i, e) in evs.iter().enumerate() {
                let want = allowed.iter().find(|(a, j, _)| *a == s && *j == i).map(|(_, _, to)| *to);
                assert_eq!(apply(s, e).ok(), want, "{s:?} × {e:?}");
            }
        }
        assert_eq!(apply(S::Submitted, &E::Answer).unwrap_err().to_string(), "留言处于“已提交”状态，不能答复");
    }

    #[test]
    fn each_kind_gets_its_own_deadline() {
        let config = DeadlineConfig::default();
        let c =
            Message::new(MessageKind::Consultation, Recipient::LeaderMailbox, d(2021, 3, 1), &config, &calendar_days)
                .unwrap();
        let s = Message::new(MessageKind::Suggestion, Recipient::LeaderMailbox, d(2021, 3, 1), &config, &calendar_days)
            .unwrap();
        assert_eq!((c.due, s.due), (d(2021, 3, 6), d(2021, 3, 16)));
        assert_eq!(DeadlineConfig::new(5, 0, 15), Err(MessageError::ZeroDeadline("建议")));
        let none = |_: NaiveDate, _: u32| None;
        assert_eq!(
            Message::new(MessageKind::Consultation, Recipient::LeaderMailbox, d(2021, 3, 1), &config, &none),
            Err(MessageError::OutOfCalendar)
        );
    }

    #[test]
    fn a_message_waiting_for_an_answer_past_its_due_date_is_overdue() {
        let mut m = Message::new(
            MessageKind::Consultation,
            Recipient::Unit(UnitId("jyj".into())),
            d(2021, 3, 1),
            &DeadlineConfig::default(),
            &calendar_days,
        )
        .unwrap();
        assert!(!m.is_overdue(d(2021, 3, 6)));
        assert!(m.is_overdue(d(2021, 3, 7)));
        m.status = S::Answered;
        assert!(!m.is_overdue(d(2021, 3, 7)));
    }

    #[test]
    fn three_months_are_calendar_months_to_the_day() {
        assert!(!unanswered_over_three_months(d(2021, 1, 3), d(2021, 4, 3)));
        assert!(unanswered_over_three_months(d(2021, 1, 3), d(2021, 4, 4)));
        // 30 Nov + 3 months is the last day of February.
        assert!(!unanswered_over_three_months(d(2020, 11, 30), d(2021, 2, 28)));
        assert!(unanswered_over_three_months(d(2020, 11, 30), d(2021, 3, 1)));
    }

    #[test]
    fn the_veto_counts_old_unanswered_consultations_of_the_past_year_only() {
        let today = d(2021, 6, 1);
        let msg = |kind, submitted_on, status| Message {
            kind,
            recipient: Recipient::LeaderMailbox,
            submitted_on,
            due: submitted_on,
            status,
        };
        let messages = vec![
            msg(MessageKind::Consultation, d(2021, 2, 1), S::Routed), // counts
            msg(MessageKind::Suggestion, d(2021, 1, 1), S::Reopened), // counts
            msg(MessageKind::Complaint, d(2021, 1, 1), S::Routed),    // 投诉类 excluded
            msg(MessageKind::Consultation, d(2021, 1, 1), S::Published), // answered
            msg(MessageKind::Consultation, d(2021, 3, 15), S::Submitted), // not yet three months
            msg(MessageKind::Consultation, d(2020, 5, 1), S::Submitted), // before the year
        ];
        assert_eq!(unanswered_for_veto(&messages, today), 2);
    }
}
