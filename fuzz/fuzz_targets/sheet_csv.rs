//! The disbursement-list importer as the clerk's CSV upload reaches it: bytes → rows of named
//! cells (`domain::sheet::read_sheet`) → row validation. Never panics; the batch is all or nothing.
#![no_main]
use gongkai_domain::livelihood::{Period, Program, validate_rows};
use gongkai_domain::sheet::read_sheet;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(rows) = read_sheet("名册.csv", data) else { return };
    let program = &Program::examples()[0];
    let villages = vec!["温泉村".to_string()];
    if let Ok(check) = validate_rows(&rows, program, &villages, Period::month(2026, 6).unwrap()) {
        let _ = check.into_rows();
    }
});
