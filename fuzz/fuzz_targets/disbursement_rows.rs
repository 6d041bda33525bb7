//! The disbursement importer's row validation on arbitrary CSV-like input (the CSV/Excel
//! readers hand it rows of cells): never panics; the batch is all or nothing.
#![no_main]
use std::collections::BTreeMap;

use gongkai_domain::livelihood::{Period, Program, validate_rows, RawRow};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut lines = text.lines();
    let Some(header) = lines.next() else { return };
    let cols: Vec<&str> = header.split(',').collect();
    let rows: Vec<RawRow> = lines
        .enumerate()
        .map(|(i, l)| RawRow { line: i + 2, cells: cols.iter().zip(l.split(',')).map(|(c, v)| (c.to_string(), v.to_string())).collect::<BTreeMap<_, _>>() })
        .collect();
    let program = &Program::examples()[0];
    let villages = vec!["温泉村".to_string()];
    if let Ok(check) = validate_rows(&rows, program, &villages, Period::month(2026, 6).unwrap()) {
        let _ = check.into_rows();
    }
});
