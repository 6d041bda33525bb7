//! The holiday-calendar CSV importer on arbitrary input: an error or a calendar, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(cal) = gongkai_domain::calendar::Calendar::from_csv(&text) {
        let _ = cal.to_csv();
        let d = chrono::NaiveDate::from_ymd_opt(cal.first_year(), 1, 1);
        if let Some(d) = d {
            let _ = cal.add_working_days(d, 20);
        }
    }
});
