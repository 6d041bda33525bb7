//! Acceptance tests: the seed report, the three real reports, round trips, robustness.

use super::*;

const SEED: &str = include_str!("../../tests/fixtures/ruzhou-2020-annual-report.txt");

fn real_report(name: &str) -> Option<String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/reports").join(name);
    match std::fs::read_to_string(&path) {
        Ok(s) => Some(s),
        Err(_) => {
            println!("skipped: {} is absent (the real reports live outside the repository)", path.display());
            None
        }
    }
}

#[test]
fn debug_dump() {
    for (name, text) in [("seed", Some(SEED.to_string())), ("h23", real_report("2023_hongze_qu.txt")), ("h24", real_report("2024_hongze_qu.txt")), ("ha24", real_report("2024_huaian_shi.txt"))] {
        let Some(text) = text else { continue };
        let p = parse(&text).unwrap();
        println!("==== {name}: {} {} {:?}", p.report.year, p.report.organ, p.report.format);
        println!("notes: {:#?}", p.notes);
        println!("{}", render_markdown(&p.report));
        for f in validate(&p.report) {
            println!("{:?} {} {}", f.severity, f.rule.code(), f.message);
        }
        println!("{:#?}", cross_check(&p.report).statements);
    }
}
