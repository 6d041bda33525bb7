//! 投诉举报, the seventh board of the seed's 民生监督 platform: a complaint about a livelihood fund or
//! project, assigned to the responsible unit, answered by a deadline in working days, rated by the
//! complainant, reopened when the answer does not hold. One status, one event, one [`apply`].
//!
//! Some submissions are not complaints. Redirection sends them where they belong, mirroring
//! 条例第三十九条 (which sends 信访、投诉、举报 dressed as information requests to their own
//! channels): a request for government information goes to 依申请公开, a petition to 信访.
//!
//! Deadlines are in working days; the calendar is the caller's ([`due_date`] takes its function).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use thiserror::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ComplaintStatus {
    /// 已提交
    Submitted,
    /// 已转办: with the responsible unit.
    Assigned,
    /// 已答复: waiting for the complainant's rating.
    Replied,
    /// 重新办理: the complainant was not satisfied, or the office sent the reply back.
    Reopened,
    /// 已评价, closed.
    Rated,
    /// 已办结 without a rating (the rating window passed).
    Closed,
    /// 已转其他渠道, closed here.
    Redirected,
}

impl TryFrom<String> for ComplaintStatus {
    type Error = crate::UnknownCode;
    fn try_from(code: String) -> Result<Self, Self::Error> {
        ComplaintStatus::ALL
            .into_iter()
            .find(|s| s.code() == code)
            .ok_or(crate::UnknownCode { what: "complaint status", code })
    }
}

impl ComplaintStatus {
    pub const ALL: [ComplaintStatus; 7] = [
        ComplaintStatus::Submitted,
        ComplaintStatus::Assigned,
        ComplaintStatus::Replied,
        ComplaintStatus::Reopened,
        ComplaintStatus::Rated,
        ComplaintStatus::Closed,
        ComplaintStatus::Redirected,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ComplaintStatus::Submitted => "已提交",
            ComplaintStatus::Assigned => "已转办",
            ComplaintStatus::Replied => "已答复",
            ComplaintStatus::Reopened => "重新办理",
            ComplaintStatus::Rated => "已评价",
            ComplaintStatus::Closed => "已办结",
            ComplaintStatus::Redirected => "已转其他渠道",
        }
    }

    /// The code stored in the database (and compared by templates).
    pub fn code(self) -> &'static str {
        match self {
            ComplaintStatus::Submitted => "submitted",
            ComplaintStatus::Assigned => "assigned",
            ComplaintStatus::Replied => "replied",
            ComplaintStatus::Reopened => "reopened",
            ComplaintStatus::Rated => "rated",
            ComplaintStatus::Closed => "closed",
            ComplaintStatus::Redirected => "redirected",
        }
    }

    pub fn is_closed(self) -> bool {
        matches!(self, ComplaintStatus::Rated | ComplaintStatus::Closed | ComplaintStatus::Redirected)
    }

    /// The clock runs while the complaint waits for an answer.
    pub fn awaits_reply(self) -> bool {
        matches!(self, ComplaintStatus::Submitted | ComplaintStatus::Assigned | ComplaintStatus::Reopened)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Rating {
    /// 满意
    Satisfied,
    /// 基本满意
    FairlySatisfied,
    /// 不满意 — recorded; to have it handled again the complainant reopens instead.
    Dissatisfied,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RedirectKind {
    /// 实为政府信息公开申请: handled as 依申请公开, on its own statutory clock.
    InformationRequest,
    /// 信访事项: to the 信访 channel.
    Petition,
    /// 不属于本平台受理范围 (another authority's or a court's matter).
    OutOfScope,
    /// 重复投诉: the same matter is already being handled.
    Duplicate,
}

impl RedirectKind {
    pub fn label(self) -> &'static str {
        match self {
            RedirectKind::InformationRequest => "转为政府信息公开申请办理",
            RedirectKind::Petition => "告知通过信访渠道提出",
            RedirectKind::OutOfScope => "告知向有权机关提出",
            RedirectKind::Duplicate => "与已受理投诉重复，合并办理",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ComplaintEvent {
    /// The office assigns it to the responsible unit.
    Assign,
    /// The unit answers.
    Reply,
    /// The complainant rates the answer.
    Rate(Rating),
    /// The complainant (or the office) sends it back to be handled again.
    Reopen,
    /// The rating window passed without a rating.
    CloseUnrated,
    /// It is not a complaint for this platform.
    Redirect(RedirectKind),
}

impl ComplaintEvent {
    pub fn label(&self) -> &'static str {
        match self {
            ComplaintEvent::Assign => "转办",
            ComplaintEvent::Reply => "答复",
            ComplaintEvent::Rate(_) => "评价",
            ComplaintEvent::Reopen => "重新办理",
            ComplaintEvent::CloseUnrated => "办结",
            ComplaintEvent::Redirect(_) => "转其他渠道",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ComplaintError {
    #[error("投诉处于“{status}”状态，不能{event}")]
    NotAllowed { status: &'static str, event: &'static str },
}

/// The flow chart.
pub fn apply(status: ComplaintStatus, event: &ComplaintEvent) -> Result<ComplaintStatus, ComplaintError> {
    use ComplaintEvent as E;
    use ComplaintStatus as S;
    match (status, event) {
        (S::Submitted | S::Reopened, E::Assign) => Ok(S::Assigned),
        // A reopened complaint may be answered again by the unit that already holds it.
        (S::Assigned | S::Reopened, E::Reply) => Ok(S::Replied),
        (S::Replied, E::Rate(_)) => Ok(S::Rated),
        (S::Replied, E::Reopen) => Ok(S::Reopened),
        (S::Replied, E::CloseUnrated) => Ok(S::Closed),
        (S::Submitted | S::Assigned, E::Redirect(_)) => Ok(S::Redirected),
        (s, e) => Err(ComplaintError::NotAllowed { status: s.label(), event: e.label() }),
    }
}

/// The reply deadline: `working_days` after `from` on the caller's calendar.
pub fn due_date(
    from: NaiveDate,
    working_days: u32,
    add_working_days: &dyn Fn(NaiveDate, u32) -> Option<NaiveDate>,
) -> Option<NaiveDate> {
    add_working_days(from, working_days)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Complaint {
    pub submitted_on: NaiveDate,
    /// Set on submission and again on reopening, by the flow, from [`due_date`].
    pub due: NaiveDate,
    pub status: ComplaintStatus,
}

impl Complaint {
    /// 超期未答复: waiting for an answer and past the due date.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.status.awaits_reply() && today > self.due
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ComplaintEvent as E;
    use ComplaintStatus as S;

    fn events() -> Vec<ComplaintEvent> {
        vec![
            E::Assign,
            E::Reply,
            E::Rate(Rating::Satisfied),
            E::Reopen,
            E::CloseUnrated,
            E::Redirect(RedirectKind::InformationRequest),
        ]
    }

    #[test]
    fn every_status_and_event_pair_is_decided() {
        let allowed = [
            (S::Submitted, 0, S::Assigned),
            (S::Submitted, 5, S::Redirected),
            (S::Assigned, 1, S::Replied),
            (S::Assigned, 5, S::Redirected),
            (S::Replied, 2, S::Rated),
            (S::Replied, 3, S::Reopened),
            (S::Replied, 4, S::Closed),
            (S::Reopened, 0, S::Assigned),
            (S::Reopened, 1, S::Replied),
        ];
        let evs = events();
        let mut checked = 0;
        for s in S::ALL {
            for (i, e) in evs.iter().enumerate() {
                let want = allowed.iter().find(|(a, j, _)| *a == s && *j == i).map(|(_, _, to)| *to);
                assert_eq!(apply(s, e).ok(), want, "{s:?} × {e:?}");
                checked += 1;
            }
        }
        assert_eq!(checked, 42);
    }

    #[test]
    fn a_closed_complaint_refuses_everything_with_a_chinese_reason() {
        for s in S::ALL.into_iter().filter(|s| s.is_closed()) {
            assert!(events().iter().all(|e| apply(s, e).is_err()));
        }
        assert_eq!(apply(S::Rated, &E::Reopen).unwrap_err().to_string(), "投诉处于“已评价”状态，不能重新办理");
    }

    #[test]
    fn a_complaint_waiting_for_an_answer_past_its_due_date_is_overdue() {
        let d = |day| NaiveDate::from_ymd_opt(2020, 9, day).unwrap();
        // A toy calendar without holidays: every weekday is a working day.
        let add = |from: NaiveDate, n: u32| {
            use chrono::{Datelike, Weekday};
            let mut day = from;
            let mut left = n;
            while left > 0 {
                day = day.succ_opt()?;
                if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
                    left -= 1;
                }
            }
            Some(day)
        };
        let due = due_date(d(1), 5, &add).unwrap();
        assert_eq!(due, d(8));
        let mut c = Complaint { submitted_on: d(1), due, status: S::Assigned };
        assert!(!c.is_overdue(d(8)));
        assert!(c.is_overdue(d(9)));
        c.status = S::Replied;
        assert!(!c.is_overdue(d(9)));
        c.status = S::Reopened;
        assert!(c.is_overdue(d(9)));
    }

    #[test]
    fn an_information_request_filed_as_a_complaint_is_redirected_to_applications() {
        assert_eq!(apply(S::Submitted, &E::Redirect(RedirectKind::InformationRequest)), Ok(S::Redirected));
        assert_eq!(RedirectKind::InformationRequest.label(), "转为政府信息公开申请办理");
    }
}
