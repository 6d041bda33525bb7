//! The disbursement-list importer as an Excel upload (.xlsx or .xls) reaches it: calamine reads
//! the first sheet, then row validation. Never panics: a broken workbook is a message. Seeded with
//! real workbooks (fuzz/seeds/sheet_xlsx/) so mutations start from valid ZIP/OLE structure.
//! `read_sheet` catches calamine's own panics (it asserts on some malformed .xls) and returns a
//! message; libfuzzer-sys's hook would abort on those caught panics too, so this target installs a
//! quiet hook. A panic that escapes `read_sheet` still aborts (libfuzzer-sys checks the unwind).
#![no_main]
use gongkai_domain::livelihood::{Period, Program, validate_rows};
use gongkai_domain::sheet::read_sheet;
use libfuzzer_sys::fuzz_target;

static QUIET: std::sync::Once = std::sync::Once::new();

fuzz_target!(|data: &[u8]| {
    QUIET.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    let Ok(rows) = read_sheet("名册.xlsx", data) else { return };
    let program = &Program::examples()[0];
    let villages = vec!["温泉村".to_string()];
    if let Ok(check) = validate_rows(&rows, program, &villages, Period::month(2026, 6).unwrap()) {
        let _ = check.into_rows();
    }
});
