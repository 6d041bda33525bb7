//! The statutory holidays themselves, as 《全国年节及纪念日放假办法》 fixes them — known years ahead,
//! unlike the yearly 国务院办公厅 notice that adds the 调休 (bridged days and make-up working days).
//! A year whose notice is not out yet is counted on these days, and every date so computed is
//! provisional (暂定) until the notice is imported (see `Calendar::is_provisional`).
//!
//! 放假办法 as revised in 2024 (国务院令第795号, in force from 1 January 2025), 第二条:
//! 元旦 1 day (1 January); 春节 4 days (农历除夕、正月初一至初三); 清明节 1 day (农历清明当日);
//! 劳动节 2 days (5月1日、2日); 端午节 1 day (农历端午当日); 中秋节 1 day (农历中秋当日);
//! 国庆节 3 days (10月1日至3日). Before 2025 (the 2013 text): 春节 3 days (正月初一至初三) and
//! 劳动节 1 day. 第六条: a holiday for all citizens that falls on a Saturday or Sunday is given
//! back (补假) on a working day — here the first weekday after the holiday block.
//!
//! Lunar dates and the 清明 solar term come from the `tyme4rs` lunisolar calendar.

use std::collections::BTreeMap;
use std::sync::{Mutex, OnceLock};

use chrono::{Datelike, Days, NaiveDate, Weekday};
use tyme4rs::tyme::lunar::LunarDay;
use tyme4rs::tyme::solar::{SolarDay, SolarTerm};

/// The years the lunisolar computation is trusted for here; outside them a provisional year has
/// weekends only (still marked provisional: the statutory clock never refuses).
pub const FIRST_COMPUTED_YEAR: i32 = 1950;
pub const LAST_COMPUTED_YEAR: i32 = 2100;

fn date_of(s: SolarDay) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(s.get_year() as i32, s.get_month() as u32, s.get_day() as u32)
}

fn lunar(year: i32, month: isize, day: usize) -> Option<NaiveDate> {
    LunarDay::new(year as isize, month, day).ok().and_then(|d| date_of(d.get_solar_day()))
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a fixed civil date exists every year")
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The statutory holidays of `year` with their names, 补假 included, in date order. Empty outside
/// `FIRST_COMPUTED_YEAR..=LAST_COMPUTED_YEAR`.
pub fn statutory_holidays(year: i32) -> Vec<(NaiveDate, &'static str)> {
    if !(FIRST_COMPUTED_YEAR..=LAST_COMPUTED_YEAR).contains(&year) {
        return vec![];
    }
    let revised = year >= 2025;
    let mut blocks: Vec<(&'static str, Vec<NaiveDate>)> = vec![("元旦", vec![ymd(year, 1, 1)])];
    if let Some(new_year) = lunar(year, 1, 1) {
        let mut days: Vec<NaiveDate> = (0..3).filter_map(|i| new_year.checked_add_days(Days::new(i))).collect();
        if revised {
            days.insert(0, new_year.pred_opt().expect("not chrono's first day"));
        }
        blocks.push(("春节", days));
    }
    if let Some(qingming) = SolarTerm::new(year as isize, "清明").ok().and_then(|t| date_of(t.get_solar_day())) {
        blocks.push(("清明节", vec![qingming]));
    }
    blocks.push(("劳动节", if revised { vec![ymd(year, 5, 1), ymd(year, 5, 2)] } else { vec![ymd(year, 5, 1)] }));
    if let Some(d) = lunar(year, 5, 5) {
        blocks.push(("端午节", vec![d]));
    }
    if let Some(d) = lunar(year, 8, 15) {
        blocks.push(("中秋节", vec![d]));
    }
    blocks.push(("国庆节", vec![ymd(year, 10, 1), ymd(year, 10, 2), ymd(year, 10, 3)]));

    let mut out: BTreeMap<NaiveDate, &'static str> = BTreeMap::new();
    for (name, days) in &blocks {
        for d in days {
            out.entry(*d).or_insert(name);
        }
    }
    // 补假: each holiday day on a weekend gives back the first weekday after its block that is
    // not already a holiday.
    for (name, days) in &blocks {
        let owed = days.iter().filter(|d| is_weekend(**d)).count();
        let mut d = *days.iter().max().expect("a block has a day");
        for _ in 0..owed {
            loop {
                d = d.succ_opt().expect("not chrono's last day");
                if !is_weekend(d) && !out.contains_key(&d) {
                    break;
                }
            }
            out.insert(d, name);
        }
    }
    out.into_iter().filter(|(d, _)| d.year() == year).collect()
}

/// The same, computed once per process per year asked about (a year's lunar computation is done on
/// its first use, not for every year at start-up).
pub(crate) fn cached(year: i32) -> &'static [(NaiveDate, &'static str)] {
    if !(FIRST_COMPUTED_YEAR..=LAST_COMPUTED_YEAR).contains(&year) {
        return &[];
    }
    type Years = BTreeMap<i32, &'static [(NaiveDate, &'static str)]>;
    static TABLE: OnceLock<Mutex<Years>> = OnceLock::new();
    let mut table = TABLE.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    // Leaked once per year (at most the 151 computable years, a few hundred bytes each): the table
    // lives as long as the process and callers get a plain slice.
    table.entry(year).or_insert_with(|| Box::leak(statutory_holidays(year).into_boxed_slice()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        ymd(y, m, day)
    }

    #[test]
    fn the_lunar_and_solar_term_dates_are_right() {
        let h: BTreeMap<NaiveDate, &str> = statutory_holidays(2027).into_iter().collect();
        // 2027: 除夕 2月5日, 正月初一 2月6日; 清明 4月5日; 端午 6月9日; 中秋 9月15日.
        for (date, name) in [
            (d(2027, 1, 1), "元旦"),
            (d(2027, 2, 5), "春节"),
            (d(2027, 2, 8), "春节"),
            (d(2027, 4, 5), "清明节"),
            (d(2027, 5, 1), "劳动节"),
            (d(2027, 6, 9), "端午节"),
            (d(2027, 9, 15), "中秋节"),
            (d(2027, 10, 1), "国庆节"),
        ] {
            assert_eq!(h.get(&date), Some(&name), "{date}");
        }
        // 2026's 清明 is 5 April (a Sunday), 2025's 4 April.
        assert!(statutory_holidays(2026).contains(&(d(2026, 4, 5), "清明节")));
        assert!(statutory_holidays(2025).contains(&(d(2025, 4, 4), "清明节")));
    }

    #[test]
    fn a_holiday_on_a_weekend_is_given_back_on_the_next_weekday() {
        // 2027-05-01 is a Saturday, 05-02 a Sunday: two days given back, Monday and Tuesday.
        let h: BTreeMap<NaiveDate, &str> = statutory_holidays(2027).into_iter().collect();
        assert_eq!(h.get(&d(2027, 5, 3)), Some(&"劳动节"));
        assert_eq!(h.get(&d(2027, 5, 4)), Some(&"劳动节"));
        assert_eq!(h.get(&d(2027, 5, 5)), None);
    }

    #[test]
    fn the_derived_days_are_among_the_real_notices_holidays_2019_to_2026() {
        // Every day the 放假办法 makes a holiday (补假 included) was a holiday in the real notices of
        // every year the shipped data covers: the derivation never invents a day off.
        let real = crate::calendar::Calendar::builtin();
        for year in 2019..=2026 {
            for (date, name) in statutory_holidays(year) {
                let special = real.special_days(year);
                let is_real_holiday =
                    special.iter().any(|s| s.date == date && s.kind == crate::calendar::DayKind::Holiday);
                assert!(is_real_holiday, "{year}: {date} ({name}) is not a holiday in that year's notice");
            }
        }
    }

    #[test]
    fn outside_the_computed_range_there_are_no_holidays_and_no_panic() {
        assert!(statutory_holidays(1900).is_empty());
        assert!(statutory_holidays(2500).is_empty());
        assert!(!statutory_holidays(2100).is_empty());
        assert!(!statutory_holidays(1950).is_empty());
    }
}
