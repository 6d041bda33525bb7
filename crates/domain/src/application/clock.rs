//! The statutory clock of an application, kept as a ledger of periods so that every application
//! can show how its due date was computed, step by step (条例第三十条、第三十二条、第三十三条、第三十四条).
//!
//! - 答复期限: 20 working days counted from the day after receipt (条例第三十三条第二款);
//! - 补正: the clock stops when the notice goes out and starts again, from zero, on the day the
//!   supplemented application is received (条例第三十条);
//! - 征求第三方或者其他机关意见: the time is not counted (条例第三十三条第三款). The day the
//!   request goes out still counts; the days after it, up to and including the day the reply
//!   arrives (or the consultation ends), do not;
//! - 延长: once, by at most 20 working days, approved by the head of the OGI office (第三十三条第二款);
//! - 收费通知: the days from the fee notice to payment are not counted either. **UNCONFIRMED:** the
//!   articles of 国办函〔2020〕109号 after 第五条 were not retrieved (ogi-facts.md §3.4), so this is
//!   the reading that keeps the agency from being late while waiting for the applicant.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::{Calendar, CalendarError, chinese_date};

/// 自收到申请之日起20个工作日内予以答复 (条例第三十三条第二款).
pub const REPLY_DAYS: u32 = 20;
/// 延长的期限最长不得超过20个工作日 (条例第三十三条第二款).
pub const MAX_EXTENSION_DAYS: u32 = 20;
/// 补正通知: 自收到申请之日起7个工作日内 (条例第三十条).
pub const CLARIFICATION_NOTICE_DAYS: u32 = 7;
/// 第三方或者其他机关: 自收到征求意见书之日起15个工作日内提出意见 (条例第三十二条、第三十四条).
pub const CONSULTATION_REPLY_DAYS: u32 = 15;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClockError {
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    #[error("计时自{since}起暂停（{reason}），恢复计时后才能确定答复期限届满日")]
    Paused { since: NaiveDate, reason: &'static str },
    #[error("尚未登记收到申请之日，无法计时")]
    NotStarted,
}

/// Why the clock is not running.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum PauseReason {
    /// 补正: ends with a restart (or the end of the application), never a resume.
    Clarification { deadline: NaiveDate },
    /// 征求第三方意见 (条例第三十二条).
    ThirdParty,
    /// 征求其他机关意见 (条例第三十四条).
    OtherOrgan,
    /// 收费通知 (条例第四十二条).
    Fee { deadline: NaiveDate },
}

impl PauseReason {
    pub fn label(&self) -> &'static str {
        match self {
            PauseReason::Clarification { .. } => "等待申请人补正",
            PauseReason::ThirdParty => "征求第三方意见",
            PauseReason::OtherOrgan => "征求其他机关意见",
            PauseReason::Fee { .. } => "等待申请人缴纳信息处理费",
        }
    }
}

/// One line of the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum ClockEntry {
    /// 收到申请 (the date of 条例第三十一条).
    Started {
        on: NaiveDate,
    },
    /// 收到补正后的申请: the count starts again from zero (条例第三十条).
    Restarted {
        on: NaiveDate,
    },
    Paused {
        on: NaiveDate,
        reason: PauseReason,
    },
    Resumed {
        on: NaiveDate,
    },
    /// 延长答复期限, with who approved it and when (条例第三十三条第二款).
    Extended {
        approved_on: NaiveDate,
        days: u32,
        approver: String,
    },
    /// 办结: answered, closed or withdrawn.
    Stopped {
        on: NaiveDate,
    },
}

impl ClockEntry {
    pub fn date(&self) -> NaiveDate {
        match self {
            ClockEntry::Started { on }
            | ClockEntry::Restarted { on }
            | ClockEntry::Paused { on, .. }
            | ClockEntry::Resumed { on }
            | ClockEntry::Stopped { on } => *on,
            ClockEntry::Extended { approved_on, .. } => *approved_on,
        }
    }
}

/// What a change of calendar did to a due date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DueDateChange {
    Unchanged,
    /// `None` where there is no due date (paused, or the calendar lacks the year).
    Changed {
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    },
}

/// The ledger. Entries are appended in date order by the status machine
/// ([`super::status::apply`]); the clock itself only reads them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clock {
    entries: Vec<ClockEntry>,
}

/// The current run: from the last start or restart.
struct Run<'a> {
    start: NaiveDate,
    /// (paused on, resumed on) — `None` while still paused.
    pauses: Vec<(NaiveDate, Option<NaiveDate>, &'a PauseReason)>,
    stopped: Option<NaiveDate>,
}

impl Clock {
    /// A clock started on the day of receipt.
    pub fn received(on: NaiveDate) -> Clock {
        Clock { entries: vec![ClockEntry::Started { on }] }
    }
    pub fn from_entries(entries: Vec<ClockEntry>) -> Clock {
        Clock { entries }
    }
    pub fn entries(&self) -> &[ClockEntry] {
        &self.entries
    }
    pub fn record(&mut self, entry: ClockEntry) {
        self.entries.push(entry);
    }

    /// 收到申请之日 (the first start; 条例第三十条 counts the clarification notice from it).
    pub fn received_on(&self) -> Option<NaiveDate> {
        self.entries.iter().find_map(|e| match e {
            ClockEntry::Started { on } => Some(*on),
            _ => None,
        })
    }
    /// The date of the last entry: later events may not be dated before it.
    pub fn last_date(&self) -> Option<NaiveDate> {
        self.entries.iter().map(ClockEntry::date).max()
    }
    pub fn extension(&self) -> Option<(u32, &str)> {
        self.entries.iter().find_map(|e| match e {
            ClockEntry::Extended { days, approver, .. } => Some((*days, approver.as_str())),
            _ => None,
        })
    }
    pub fn clarification_requested(&self) -> bool {
        self.entries.iter().any(|e| matches!(e, ClockEntry::Paused { reason: PauseReason::Clarification { .. }, .. }))
    }
    /// The last day a clarification notice may go out: the 7th working day after receipt.
    pub fn clarification_notice_by(&self, cal: &Calendar) -> Result<NaiveDate, ClockError> {
        let received = self.received_on().ok_or(ClockError::NotStarted)?;
        Ok(cal.add_working_days(received, CLARIFICATION_NOTICE_DAYS)?)
    }
    /// The open pause, if the clock is paused now.
    pub fn paused(&self) -> Option<(NaiveDate, PauseReason)> {
        let run = self.run().ok()?;
        run.pauses.iter().find(|p| p.1.is_none()).map(|p| (p.0, *p.2))
    }
    /// 20 working days plus the extension.
    pub fn limit(&self) -> u32 {
        REPLY_DAYS + self.extension().map_or(0, |e| e.0)
    }

    fn run(&self) -> Result<Run<'_>, ClockError> {
        let begin = self
            .entries
            .iter()
            .rposition(|e| matches!(e, ClockEntry::Started { .. } | ClockEntry::Restarted { .. }))
            .ok_or(ClockError::NotStarted)?;
        let mut run = Run { start: self.entries[begin].date(), pauses: Vec::new(), stopped: None };
        for e in &self.entries[begin + 1..] {
            match e {
                ClockEntry::Paused { on, reason } => run.pauses.push((*on, None, reason)),
                ClockEntry::Resumed { on } => {
                    if let Some(p) = run.pauses.iter_mut().rev().find(|p| p.1.is_none()) {
                        p.1 = Some(*on);
                    }
                }
                ClockEntry::Stopped { on } => {
                    // Stopping ends any pause: nothing is counted after the stop anyway.
                    run.stopped = Some(*on);
                    for p in run.pauses.iter_mut().filter(|p| p.1.is_none()) {
                        p.1 = Some(*on);
                    }
                }
                _ => {}
            }
        }
        Ok(run)
    }

    /// Working days counted against the limit after the start, up to and including `until`.
    fn used(&self, run: &Run<'_>, until: NaiveDate, cal: &Calendar) -> Result<i64, ClockError> {
        let total = cal.working_days_between(run.start, until)?;
        if until <= run.start {
            return Ok(total);
        }
        let mut paused = 0;
        for (from, to, _) in &run.pauses {
            let to = to.unwrap_or(until).min(until);
            if to > *from {
                paused += cal.working_days_between(*from, to)?;
            }
        }
        Ok(total - paused)
    }

    /// 答复期限届满日. An error while the clock is paused (the date is not known yet) or when
    /// the calendar lacks a year the count runs into.
    pub fn due_on(&self, cal: &Calendar) -> Result<NaiveDate, ClockError> {
        let run = self.run()?;
        if let Some((since, _, reason)) = run.pauses.iter().find(|p| p.1.is_none()) {
            return Err(ClockError::Paused { since: *since, reason: reason.label() });
        }
        let in_pause = |d: NaiveDate| run.pauses.iter().any(|(from, to, _)| *from < d && to.is_some_and(|t| d <= t));
        let mut d = run.start;
        let mut left = self.limit();
        while left > 0 {
            d = cal.add_working_days(d, 1)?;
            if !in_pause(d) {
                left -= 1;
            }
        }
        Ok(d)
    }

    /// Working days left on `today` (0 on the due date itself, negative once overdue). While paused
    /// it is what will be left when the clock resumes; once stopped, it is frozen at the stop.
    pub fn working_days_left(&self, today: NaiveDate, cal: &Calendar) -> Result<i64, ClockError> {
        let run = self.run()?;
        let until = run.stopped.map_or(today, |s| s.min(today));
        Ok(i64::from(self.limit()) - self.used(&run, until, cal)?)
    }

    /// Past the due date on `today` (for a finished application: whether it was finished late).
    pub fn is_overdue(&self, today: NaiveDate, cal: &Calendar) -> Result<bool, ClockError> {
        Ok(self.working_days_left(today, cal)? < 0)
    }

    /// How the due date was computed, in sentences a clerk and an applicant understand.
    pub fn explain(&self, cal: &Calendar) -> Vec<String> {
        let mut out = Vec::new();
        let mut open_pause: Option<(NaiveDate, PauseReason)> = None;
        for e in &self.entries {
            let s = match e {
                ClockEntry::Started { on } => format!(
                    "{}收到申请，自次日起算{}个工作日内予以答复（条例第三十三条第二款）。",
                    chinese_date(*on),
                    REPLY_DAYS
                ),
                ClockEntry::Restarted { on } => {
                    open_pause = None;
                    format!(
                        "{}收到补正后的申请，答复期限自该日重新计算，自次日起算{}个工作日（条例第三十条）。",
                        chinese_date(*on),
                        REPLY_DAYS
                    )
                }
                ClockEntry::Paused { on, reason } => {
                    open_pause = Some((*on, *reason));
                    let d = chinese_date(*on);
                    match reason {
                        PauseReason::Clarification { deadline } => format!(
                            "{d}一次性告知申请人补正，补正期限至{}；答复期限自收到补正后的申请之日起重新计算（条例第三十条）。",
                            chinese_date(*deadline)
                        ),
                        PauseReason::ThirdParty => format!(
                            "{d}书面征求第三方意见，第三方应自收到之日起{CONSULTATION_REPLY_DAYS}个工作日内提出意见（条例第三十二条）；征求意见所需时间不计入答复期限（条例第三十三条第三款）。"
                        ),
                        PauseReason::OtherOrgan => format!(
                            "{d}征求其他机关意见，其他机关应自收到之日起{CONSULTATION_REPLY_DAYS}个工作日内提出意见（条例第三十四条）；征求意见所需时间不计入答复期限（条例第三十三条第三款）。"
                        ),
                        PauseReason::Fee { deadline } => format!(
                            "{d}发出信息处理费收费通知，缴费期限至{}；等待缴费的时间不计入答复期限。",
                            chinese_date(*deadline)
                        ),
                    }
                }
                ClockEntry::Resumed { on } => {
                    let paused = open_pause
                        .take()
                        .and_then(|(from, _)| cal.working_days_between(from, *on).ok())
                        .map_or(String::new(), |n| format!("，此前暂停的{n}个工作日不计入答复期限"));
                    format!("{}恢复计时{paused}。", chinese_date(*on))
                }
                ClockEntry::Extended { approved_on, days, approver } => format!(
                    "{}经政府信息公开工作机构负责人{approver}同意，答复期限延长{days}个工作日（条例第三十三条第二款）。",
                    chinese_date(*approved_on)
                ),
                ClockEntry::Stopped { on } => format!("{}办结，停止计时。", chinese_date(*on)),
            };
            out.push(s);
        }
        match self.due_on(cal) {
            Ok(due) => {
                let mut s = format!("据此，答复期限届满日为{}（共{}个工作日）", chinese_date(due), self.limit());
                if let Ok(run) = self.run()
                    && let Some(stopped) = run.stopped
                {
                    s.push_str(if stopped <= due { "，在期限内办结" } else { "，逾期办结" });
                }
                s.push('。');
                out.push(s);
                if cal.is_provisional(due) {
                    out.push(crate::calendar::PROVISIONAL_NOTE.to_string());
                }
            }
            Err(ClockError::Paused { .. }) => {
                let used =
                    self.paused().and_then(|(since, _)| self.run().ok().and_then(|r| self.used(&r, since, cal).ok()));
                out.push(match used {
                    Some(n) => format!("目前暂停计时，此前已计{n}个工作日；恢复计时后再确定答复期限届满日。"),
                    None => "目前暂停计时，恢复计时后再确定答复期限届满日。".into(),
                });
            }
            Err(e) => out.push(format!("无法计算答复期限届满日：{e}")),
        }
        out
    }

    /// Whether a new calendar (e.g. a corrected or newly imported holiday notice) moves the due date.
    pub fn recompute(&self, old: &Calendar, new: &Calendar) -> DueDateChange {
        let (from, to) = (self.due_on(old).ok(), self.due_on(new).ok());
        if from == to { DueDateChange::Unchanged } else { DueDateChange::Changed { from, to } }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2020, m, day).unwrap()
    }

    #[test]
    fn an_application_received_on_28_september_2020_is_due_on_2_november() {
        let cal = Calendar::builtin();
        let clock = Clock::received(d(9, 28));
        assert_eq!(clock.due_on(&cal).unwrap(), d(11, 2));
        assert_eq!(clock.working_days_left(d(9, 28), &cal).unwrap(), 20);
        assert_eq!(clock.working_days_left(d(11, 2), &cal).unwrap(), 0);
        assert!(!clock.is_overdue(d(11, 2), &cal).unwrap());
        assert!(clock.is_overdue(d(11, 3), &cal).unwrap());
        assert_eq!(clock.working_days_left(d(11, 4), &cal).unwrap(), -2);
    }

    #[test]
    fn clarification_restarts_the_clock_from_the_supplement() {
        let cal = Calendar::builtin();
        let mut clock = Clock::received(d(9, 28));
        clock.record(ClockEntry::Paused { on: d(9, 30), reason: PauseReason::Clarification { deadline: d(10, 16) } });
        assert!(matches!(clock.due_on(&cal), Err(ClockError::Paused { .. })));
        clock.record(ClockEntry::Restarted { on: d(10, 12) });
        // 20 working days after Monday 10/12: Monday 11/9.
        assert_eq!(clock.due_on(&cal).unwrap(), d(11, 9));
    }

    #[test]
    fn a_consultation_does_not_count_against_the_limit() {
        let cal = Calendar::builtin();
        let mut clock = Clock::received(d(9, 28));
        // Sent Wednesday 10/14 (day 7: Saturday 10/10 was worked), reply arrives Wednesday 10/21: 10/15,16,19,20,21 not counted.
        clock.record(ClockEntry::Paused { on: d(10, 14), reason: PauseReason::ThirdParty });
        assert_eq!(clock.working_days_left(d(10, 20), &cal).unwrap(), 13);
        clock.record(ClockEntry::Resumed { on: d(10, 21) });
        assert_eq!(clock.due_on(&cal).unwrap(), d(11, 9));
        assert_eq!(clock.working_days_left(d(10, 21), &cal).unwrap(), 13);
    }

    #[test]
    fn an_extension_adds_its_days_to_the_limit() {
        let cal = Calendar::builtin();
        let mut clock = Clock::received(d(9, 28));
        clock.record(ClockEntry::Extended { approved_on: d(10, 30), days: 20, approver: "李明".into() });
        assert_eq!(clock.limit(), 40);
        assert_eq!(clock.due_on(&cal).unwrap(), d(11, 30));
    }

    #[test]
    fn a_finished_clock_freezes_its_count_at_the_stop() {
        let cal = Calendar::builtin();
        let mut clock = Clock::received(d(9, 28));
        clock.record(ClockEntry::Stopped { on: d(11, 3) });
        assert!(clock.is_overdue(d(12, 31), &cal).unwrap(), "answered one day late");
        assert_eq!(clock.working_days_left(d(12, 31), &cal).unwrap(), -1);
    }

    #[test]
    fn the_explanation_walks_through_every_step_in_chinese() {
        let cal = Calendar::builtin();
        let mut clock = Clock::received(d(9, 28));
        clock.record(ClockEntry::Paused { on: d(10, 14), reason: PauseReason::ThirdParty });
        clock.record(ClockEntry::Resumed { on: d(10, 21) });
        clock.record(ClockEntry::Extended { approved_on: d(11, 2), days: 10, approver: "李明".into() });
        let text = clock.explain(&cal);
        assert_eq!(text[0], "2020年9月28日收到申请，自次日起算20个工作日内予以答复（条例第三十三条第二款）。");
        assert!(text[1].contains("第三十二条") && text[1].contains("不计入答复期限"));
        assert_eq!(text[2], "2020年10月21日恢复计时，此前暂停的5个工作日不计入答复期限。");
        assert!(text[3].contains("李明同意") && text[3].contains("延长10个工作日"));
        assert_eq!(text[4], "据此，答复期限届满日为2020年11月23日（共30个工作日）。");
    }

    #[test]
    fn a_paused_clock_explains_how_much_was_used() {
        let cal = Calendar::builtin();
        let mut clock = Clock::received(d(9, 28));
        clock.record(ClockEntry::Paused { on: d(10, 14), reason: PauseReason::OtherOrgan });
        assert_eq!(
            clock.explain(&cal).last().unwrap(),
            "目前暂停计时，此前已计7个工作日；恢复计时后再确定答复期限届满日。"
        );
    }

    #[test]
    fn a_calendar_correction_that_moves_the_due_date_is_reported() {
        let old = Calendar::builtin();
        let mut new = old.clone();
        new.merge(Calendar::from_csv("date,kind,name\n2020-10-30,holiday,临时放假\n").unwrap());
        let clock = Clock::received(d(9, 28));
        assert_eq!(clock.recompute(&old, &new), DueDateChange::Changed { from: Some(d(11, 2)), to: Some(d(11, 3)) });
        assert_eq!(clock.recompute(&old, &old), DueDateChange::Unchanged);
    }

    proptest::proptest! {
        #[test]
        fn a_due_date_is_a_working_day_with_nothing_left_on_it(
            start in 0u64..2000,
            pause in proptest::option::of((0u64..40, 0u64..30)),
            extension in proptest::option::of(1u32..=20),
        ) {
            let cal = Calendar::builtin();
            let received = d(1, 1) + chrono::Days::new(start);
            let mut clock = Clock::received(received);
            if let Some((after, length)) = pause {
                let on = received + chrono::Days::new(after);
                clock.record(ClockEntry::Paused { on, reason: PauseReason::ThirdParty });
                clock.record(ClockEntry::Resumed { on: on + chrono::Days::new(length) });
            }
            if let Some(days) = extension {
                clock.record(ClockEntry::Extended { approved_on: received, days, approver: "李明".into() });
            }
            if let Ok(due) = clock.due_on(&cal) {
                proptest::prop_assert!(cal.is_working_day(due).unwrap());
                proptest::prop_assert_eq!(clock.working_days_left(due, &cal).unwrap(), 0);
                proptest::prop_assert!(!clock.is_overdue(due, &cal).unwrap());
                // The next working day is late, unless a pause begun on the last day covers it
                // (nothing is counted while paused; lateness shows once the clock resumes).
                let paused_after_due = clock.entries().iter().any(|e| matches!(e, ClockEntry::Resumed { on } if *on > due));
                if let Ok(next) = cal.add_working_days(due, 1) && !paused_after_due {
                    proptest::prop_assert!(clock.is_overdue(next, &cal).unwrap());
                }
            }
        }
    }

    #[test]
    fn a_clock_running_past_the_calendar_gives_a_provisional_date_and_says_so() {
        let cal = Calendar::builtin();
        let clock = Clock::received(NaiveDate::from_ymd_opt(2026, 12, 20).unwrap());
        let due = clock.due_on(&cal).expect("never refused for lack of data");
        assert!(cal.is_provisional(due));
        assert_eq!(clock.explain(&cal).last().unwrap(), crate::calendar::PROVISIONAL_NOTE);
    }
}
