//! The working-day calendar that every statutory period of the 条例 is counted in
//! (条例第二十六条、第三十条、第三十二条、第三十三条、第三十四条: "工作日").
//! A working day is Monday–Friday, minus the statutory holidays of the 国务院办公厅 notices, plus the
//! 调休上班日 (make-up working days on a weekend). Holidays are data, not code: the shipped
//! `data/cn_holidays.csv` (ogi-facts.md §6) can be extended by the OGI office each December with
//! [`Calendar::merge`]. A year the data does not cover yet (the notice comes out between October
//! and December of the year before) is counted on the statutory holidays that the 放假办法 itself
//! fixes ([`statutory`]) plus weekends, and every date so computed is **provisional** (暂定):
//! nobody is turned away for lack of data; the dates are settled when the notice is imported.

pub mod notice;
pub mod statutory;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::ops::Bound::{Excluded, Included};

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// The national holiday data shipped with the program (2019–2026 at the time of writing).
const BUILTIN_CSV: &str = include_str!("../../data/cn_holidays.csv");
const HEADER: &str = "date,kind,name";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("节假日数据第{line}行有误：{reason}")]
    BadLine { line: usize, reason: String },
    #[error("节假日数据第1行应为表头“date,kind,name”")]
    MissingHeader,
    #[error("节假日数据为空，至少需要一年的放假安排")]
    Empty,
}

/// The one sentence shown beside every date computed on a provisional year (receipt, tracking
/// page, queue, letters, API).
pub const PROVISIONAL_NOTE: &str = "该期限涉及的年份尚未公布国务院办公厅放假安排通知，暂按《全国年节及纪念日放假办法》规定的法定节假日计算（暂定）；通知公布后将重新核定，如有变化将另行告知。";

/// What a special day is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// 法定节假日 (and the weekend days inside a holiday block): not a working day.
    Holiday,
    /// 调休上班日: a Saturday or Sunday that is a working day.
    MakeUpWorkday,
}

impl DayKind {
    pub fn code(self) -> &'static str {
        match self {
            DayKind::Holiday => "holiday",
            DayKind::MakeUpWorkday => "workday",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            DayKind::Holiday => "放假",
            DayKind::MakeUpWorkday => "调休上班",
        }
    }
    pub fn from_code(code: &str) -> Option<DayKind> {
        match code {
            "holiday" => Some(DayKind::Holiday),
            "workday" => Some(DayKind::MakeUpWorkday),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpecialDay {
    pub date: NaiveDate,
    pub kind: DayKind,
    /// The holiday's name as the notice gives it: 春节, 国庆节 …
    pub name: String,
}

/// The holiday calendar. Only years that have at least one row are covered; asking about any other
/// year is [`CalendarError::OutOfRange`] (a year without a single holiday does not exist in China).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    days: BTreeMap<NaiveDate, SpecialDay>,
    years: BTreeSet<i32>,
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

impl Calendar {
    /// The shipped national calendar (`data/cn_holidays.csv`).
    pub fn builtin() -> Calendar {
        // The shipped file is tested below; failing here is a build defect, not a user error.
        Calendar::from_csv(BUILTIN_CSV).expect("the shipped cn_holidays.csv is valid")
    }

    /// Parses `date,kind,name` rows (header first; blank lines ignored). Every error names its line.
    pub fn from_csv(text: &str) -> Result<Calendar, CalendarError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut lines = text.lines().enumerate();
        match lines.next() {
            Some((_, h)) if h.trim().eq_ignore_ascii_case(HEADER) => {}
            _ => return Err(CalendarError::MissingHeader),
        }
        let mut days = BTreeMap::new();
        for (i, raw) in lines {
            let line = i + 1;
            let raw = raw.trim();
            if raw.is_empty() {
                continue;
            }
            let bad = |reason: String| CalendarError::BadLine { line, reason };
            let fields: Vec<&str> = raw.split(',').map(str::trim).collect();
            if fields.len() != 3 {
                return Err(bad(format!("应有3列（日期,类型,名称），实有{}列", fields.len())));
            }
            let date = NaiveDate::parse_from_str(fields[0], "%Y-%m-%d")
                .map_err(|_| bad(format!("日期“{}”不是YYYY-MM-DD格式的有效日期", fields[0])))?;
            let kind = DayKind::from_code(fields[1])
                .ok_or_else(|| bad(format!("类型“{}”应为holiday（放假）或workday（调休上班）", fields[1])))?;
            if kind == DayKind::MakeUpWorkday && !is_weekend(date) {
                return Err(bad(format!("{date}不是周六或周日，不能是调休上班日")));
            }
            if fields[2].is_empty() {
                return Err(bad("缺少节日名称".into()));
            }
            if days.contains_key(&date) {
                return Err(bad(format!("日期{date}重复出现")));
            }
            days.insert(date, SpecialDay { date, kind, name: fields[2].to_string() });
        }
        if days.is_empty() {
            return Err(CalendarError::Empty);
        }
        let years = days.keys().map(|d| d.year()).collect();
        Ok(Calendar { days, years })
    }

    pub fn to_csv(&self) -> String {
        let mut out = String::from(HEADER);
        out.push('\n');
        for d in self.days.values() {
            let _ = writeln!(out, "{},{},{}", d.date.format("%Y-%m-%d"), d.kind.code(), d.name);
        }
        out
    }

    /// Adds another calendar (e.g. next year's notice). Where both have a row for a date, `other`
    /// wins, date by date: a correction for one date leaves the rest of that year alone.
    pub fn merge(&mut self, other: Calendar) {
        self.years.extend(other.years);
        self.days.extend(other.days);
    }

    pub fn first_year(&self) -> i32 {
        *self.years.first().expect("a calendar is never empty")
    }
    pub fn last_year(&self) -> i32 {
        *self.years.last().expect("a calendar is never empty")
    }
    pub fn covers(&self, year: i32) -> bool {
        self.years.contains(&year)
    }

    /// A date in a year without an imported notice: what is computed from it is provisional (暂定).
    pub fn is_provisional(&self, d: NaiveDate) -> bool {
        !self.covers(d.year())
    }

    /// The years from `from` to `to` (either order) that rest on the 放假办法 alone.
    pub fn provisional_years(&self, from: NaiveDate, to: NaiveDate) -> Vec<i32> {
        let (a, b) = if from <= to { (from, to) } else { (to, from) };
        (a.year()..=b.year()).filter(|y| !self.covers(*y)).collect()
    }

    /// The year whose notice the office should import now, if any: this year's when it is still
    /// missing, or from 1 October (the notice has come out between October and December) next
    /// year's.
    pub fn notice_missing(&self, today: NaiveDate) -> Option<i32> {
        if !self.covers(today.year()) {
            Some(today.year())
        } else if today.month() >= 10 && !self.covers(today.year() + 1) {
            Some(today.year() + 1)
        } else {
            None
        }
    }

    /// The days off of a year without a notice, as the 放假办法 fixes them (补假 included).
    pub fn provisional_days(&self, year: i32) -> Vec<SpecialDay> {
        statutory::cached(year)
            .iter()
            .map(|(date, name)| SpecialDay { date: *date, kind: DayKind::Holiday, name: format!("{name}（暂定）") })
            .collect()
    }

    /// Never an error since provisional years (the `Result` stays for the callers' sake).
    pub fn is_working_day(&self, d: NaiveDate) -> Result<bool, CalendarError> {
        if !self.covers(d.year()) {
            return Ok(!is_weekend(d) && statutory::cached(d.year()).binary_search_by_key(&d, |(x, _)| *x).is_err());
        }
        Ok(match self.days.get(&d).map(|s| s.kind) {
            Some(DayKind::Holiday) => false,
            Some(DayKind::MakeUpWorkday) => true,
            None => !is_weekend(d),
        })
    }

    /// The `n`-th working day after `from`; the day `from` itself is never counted, whatever it
    /// is ("自收到申请之日起20个工作日内" counts from the next day). `n == 0` gives `from`.
    pub fn add_working_days(&self, from: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        let mut d = from;
        let mut left = n;
        while left > 0 {
            d = next_day(d);
            if self.is_working_day(d)? {
                left -= 1;
            }
        }
        Ok(d)
    }

    /// The number of working days after `from` up to and including `to`; negative when `to`
    /// is before `from` (then: minus the working days after `to` up to and including `from`).
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> Result<i64, CalendarError> {
        if to < from {
            return Ok(-self.working_days_between(to, from)?);
        }
        // Monday to Friday counted by arithmetic, then the special days in the range: a holiday on a
        // weekday takes one off, a make-up day on a weekend adds one — the same answer as asking
        // `is_working_day` of each day (test `the_count_is_the_day_by_day_count`), without a
        // lookup a day: a queue line counts from its receipt, often months back.
        let span = (to - from).num_days();
        let mut count = span / 7 * 5;
        let mut d = from.checked_add_days(Days::new(u64::try_from(span / 7 * 7).unwrap_or(0))).unwrap_or(to);
        while d < to {
            d = next_day(d);
            if !is_weekend(d) {
                count += 1;
            }
        }
        // Every special day lies in a covered year (the years are those of the rows).
        for s in self.days.range((Excluded(from), Included(to))).map(|(_, s)| s) {
            match s.kind {
                DayKind::Holiday if !is_weekend(s.date) => count -= 1,
                DayKind::MakeUpWorkday if is_weekend(s.date) => count += 1,
                _ => {}
            }
        }
        for year in (from.year()..=to.year()).filter(|y| !self.covers(*y)) {
            let off = statutory::cached(year).iter().filter(|(x, _)| *x > from && *x <= to && !is_weekend(*x));
            count -= i64::try_from(off.count()).unwrap_or(0);
        }
        Ok(count)
    }

    /// The holidays and make-up working days of `year`, in date order.
    pub fn special_days(&self, year: i32) -> Vec<SpecialDay> {
        self.days.values().filter(|d| d.date.year() == year).cloned().collect()
    }
}

fn next_day(d: NaiveDate) -> NaiveDate {
    d.checked_add_days(Days::new(1)).expect("dates stay far from chrono's limits")
}

/// `2020年9月28日`, the way dates are written in letters and explanations.
pub fn chinese_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The count as the law reads it: each day after `from` up to `to`, asked one by one.
    fn day_by_day(cal: &Calendar, from: NaiveDate, to: NaiveDate) -> i64 {
        let (a, b, sign) = if to < from { (to, from, -1) } else { (from, to, 1) };
        let mut count = 0;
        let mut d = a;
        while d < b {
            d = next_day(d);
            if cal.is_working_day(d).unwrap() {
                count += 1;
            }
        }
        sign * count
    }

    proptest! {
        /// Over the shipped years, the provisional years on either side, and a calendar with a
        /// year merged in (and one date of it corrected): the arithmetic count is the day-by-day one.
        #[test]
        fn the_count_is_the_day_by_day_count(a in 0i64..(365 * 13), len in -800i64..800, merged in any::<bool>()) {
            let mut cal = Calendar::builtin();
            if merged {
                cal.merge(Calendar::from_csv("date,kind,name\n2027-02-08,holiday,春节\n2027-02-09,holiday,春节\n2027-02-06,workday,春节\n2026-10-11,workday,国庆节").unwrap());
            }
            let from = NaiveDate::from_ymd_opt(2017, 1, 1).unwrap() + chrono::Duration::days(a);
            let to = from + chrono::Duration::days(len);
            prop_assert_eq!(cal.working_days_between(from, to).unwrap(), day_by_day(&cal, from, to), "{} → {}", from, to);
        }
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_shipped_calendar_covers_2019_to_2026() {
        let cal = Calendar::builtin();
        assert_eq!((cal.first_year(), cal.last_year()), (2019, 2026));
        let all: usize = (2019..=2026).map(|y| cal.special_days(y).len()).sum();
        assert_eq!(all, 290);
    }

    #[test]
    fn twenty_working_days_from_28_september_2020_end_on_2_november() {
        // 国庆 and 中秋 2020: 10/1–10/8 off, Saturday 10/10 worked.
        assert_eq!(Calendar::builtin().add_working_days(d(2020, 9, 28), 20).unwrap(), d(2020, 11, 2));
    }

    #[test]
    fn a_make_up_saturday_is_a_working_day_and_a_holiday_monday_is_not() {
        let cal = Calendar::builtin();
        assert!(cal.is_working_day(d(2020, 10, 10)).unwrap()); // Saturday, 调休
        assert!(!cal.is_working_day(d(2020, 10, 5)).unwrap()); // Monday, 国庆
        assert!(!cal.is_working_day(d(2020, 10, 17)).unwrap()); // an ordinary Saturday
        assert!(cal.is_working_day(d(2020, 10, 16)).unwrap()); // an ordinary Friday
    }

    #[test]
    fn receipt_on_a_holiday_counts_from_the_next_working_day() {
        let cal = Calendar::builtin();
        // Received on 10/3/2020 (holiday): the first working day counted is 10/9.
        assert_eq!(cal.add_working_days(d(2020, 10, 3), 1).unwrap(), d(2020, 10, 9));
        assert_eq!(cal.add_working_days(d(2020, 10, 3), 2).unwrap(), d(2020, 10, 10));
    }

    #[test]
    fn receipt_on_a_weekend_counts_from_monday() {
        let cal = Calendar::builtin();
        // Saturday 2021-03-06 → Monday 3/8 is day 1, day 20 is Friday 4/2.
        assert_eq!(cal.add_working_days(d(2021, 3, 6), 1).unwrap(), d(2021, 3, 8));
        assert_eq!(cal.add_working_days(d(2021, 3, 6), 20).unwrap(), d(2021, 4, 2));
    }

    #[test]
    fn the_extended_spring_festival_2020_stops_the_count_until_3_february() {
        let cal = Calendar::builtin();
        // 1/23 Thursday worked; 1/24–2/2 off (the national extension); 2/3 Monday worked.
        assert_eq!(cal.add_working_days(d(2020, 1, 23), 1).unwrap(), d(2020, 2, 3));
        assert!(!cal.is_working_day(d(2020, 2, 1)).unwrap(), "the planned make-up Saturday was cancelled");
        assert!(cal.is_working_day(d(2020, 1, 19)).unwrap(), "Sunday 1/19 was worked");
        assert_eq!(cal.add_working_days(d(2020, 1, 17), 1).unwrap(), d(2020, 1, 19));
    }

    #[test]
    fn counting_crosses_the_year_end_and_new_year() {
        let cal = Calendar::builtin();
        // 2020-12-31 Thursday; 2021-01-01 元旦 holiday, 1/2–1/3 weekend; 1/4 Monday.
        assert_eq!(cal.add_working_days(d(2020, 12, 31), 1).unwrap(), d(2021, 1, 4));
        assert_eq!(cal.working_days_between(d(2020, 12, 30), d(2021, 1, 4)).unwrap(), 2);
        assert_eq!(cal.working_days_between(d(2021, 1, 4), d(2020, 12, 30)).unwrap(), -2);
        assert_eq!(cal.working_days_between(d(2021, 1, 4), d(2021, 1, 4)).unwrap(), 0);
    }

    #[test]
    fn a_date_past_the_data_is_counted_on_the_statutory_holidays_and_marked_provisional() {
        let cal = Calendar::builtin();
        // Received 2026-12-10 (Thursday): 20 working days, 元旦 2027 (Friday) off by the 放假办法.
        let due = cal.add_working_days(d(2026, 12, 10), 20).unwrap();
        assert_eq!(due, d(2027, 1, 8));
        assert!(cal.is_provisional(due));
        assert!(!cal.is_provisional(d(2026, 12, 31)));
        assert_eq!(cal.provisional_years(d(2026, 12, 10), due), vec![2027]);
        assert!(!cal.is_working_day(d(2027, 1, 1)).unwrap());
        // 春节 2027: 除夕 2月5日 to 初三 2月8日, all off; 初一 and 初二 fall on the weekend, so 2月9日
        // and 10日 are given back (放假办法第六条); 2月11日 is a working day.
        for day in 5..=10 {
            assert!(!cal.is_working_day(d(2027, 2, day)).unwrap(), "2027-02-{day}");
        }
        assert!(cal.is_working_day(d(2027, 2, 11)).unwrap());
        // Far ahead and far back: still an answer, never an error.
        assert!(cal.add_working_days(d(2099, 12, 20), 20).is_ok());
        assert!(cal.add_working_days(d(2300, 12, 20), 20).is_ok());
        assert!(cal.is_working_day(d(2018, 6, 1)).is_ok());
        assert_eq!(cal.provisional_days(2027).len(), statutory::statutory_holidays(2027).len());
    }

    #[test]
    fn the_office_is_told_of_a_missing_notice_from_october() {
        let cal = Calendar::builtin();
        assert_eq!(cal.notice_missing(d(2026, 9, 30)), None);
        assert_eq!(cal.notice_missing(d(2026, 10, 1)), Some(2027));
        assert_eq!(cal.notice_missing(d(2026, 12, 31)), Some(2027));
        assert_eq!(cal.notice_missing(d(2027, 3, 1)), Some(2027));
        assert_eq!(cal.notice_missing(d(2025, 11, 1)), None);
    }

    #[test]
    fn merging_next_years_notice_extends_the_range_and_later_data_wins() {
        let mut cal = Calendar::builtin();
        let next = Calendar::from_csv("date,kind,name\n2027-01-01,holiday,元旦\n2026-10-09,holiday,测试\n").unwrap();
        cal.merge(next);
        assert_eq!(cal.last_year(), 2027);
        assert!(!cal.is_working_day(d(2027, 1, 1)).unwrap());
        assert!(!cal.is_working_day(d(2026, 10, 9)).unwrap());
        assert_eq!(cal.add_working_days(d(2026, 12, 31), 1).unwrap(), d(2027, 1, 4));
    }

    #[test]
    fn csv_errors_name_the_line_and_the_fault() {
        let cases = [
            ("date,kind,name\n2020-02-30,holiday,春节\n", "第2行", "有效日期"),
            ("date,kind,name\n2020-01-01,holiday,元旦\n\n2020-01-02,rest,元旦\n", "第4行", "holiday"),
            ("date,kind,name\n2020-10-09,workday,国庆节\n", "第2行", "周六或周日"),
            ("date,kind,name\n2020-01-01,holiday\n", "第2行", "3列"),
            ("date,kind,name\n2020-01-01,holiday,元旦\n2020-01-01,holiday,元旦\n", "第3行", "重复"),
        ];
        for (text, line, what) in cases {
            let msg = Calendar::from_csv(text).unwrap_err().to_string();
            assert!(msg.contains(line) && msg.contains(what), "{msg}");
        }
        assert_eq!(Calendar::from_csv("2020-01-01,holiday,元旦\n"), Err(CalendarError::MissingHeader));
        assert_eq!(Calendar::from_csv("date,kind,name\n"), Err(CalendarError::Empty));
    }

    #[test]
    fn the_csv_round_trips() {
        let cal = Calendar::builtin();
        assert_eq!(Calendar::from_csv(&cal.to_csv()).unwrap(), cal);
        assert_eq!(cal.to_csv().trim_end(), BUILTIN_CSV.trim_end());
    }

    #[test]
    fn special_days_list_a_years_make_up_days() {
        let days: Vec<String> = Calendar::builtin()
            .special_days(2020)
            .into_iter()
            .filter(|s| s.kind == DayKind::MakeUpWorkday)
            .map(|s| s.date.format("%m-%d").to_string())
            .collect();
        assert_eq!(days, ["01-19", "04-26", "05-09", "06-28", "09-27", "10-10"]);
    }

    proptest! {
        #[test]
        fn a_due_date_is_always_a_working_day(offset in 0u64..2700, n in 1u32..=40) {
            let cal = Calendar::builtin();
            let from = d(2019, 1, 1).checked_add_days(Days::new(offset)).unwrap();
            if let Ok(due) = cal.add_working_days(from, n) {
                prop_assert!(cal.is_working_day(due).unwrap());
                prop_assert_eq!(cal.working_days_between(from, due).unwrap(), i64::from(n));
            }
        }
    }
}
