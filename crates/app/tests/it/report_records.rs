//! Issue 17's acceptance for table 二: a unit imports its 权力清单, decisions, fees and
//! procurement as its systems export them; table 二 of the report built from the records equals
//! counts made here, independently, from the same rows — in the 2019 format (2020) and the 2021
//! format (2021). A file with bad rows imports nothing and names them; the same file twice
//! changes nothing; an entered figure that differs from the records is a warning on the draft.

use chrono::{Datelike, NaiveDate};
use gongkai_domain::report::{AnnualReport, Decimal};

use crate::common::*;

const KINDS: [&str; 5] = ["行政许可", "其他对外管理服务事项", "行政处罚", "行政强制", "行政事业性收费"];
const ROWS: [&str; 5] = ["licensing", "other_services", "penalty", "coercion", "fees"];

struct Lcg(u64);
impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
    fn date(&mut self, from_year: i32, years: u64) -> NaiveDate {
        NaiveDate::from_ymd_opt(from_year, 1, 1).unwrap() + chrono::Days::new(self.below(years * 365))
    }
}

struct Power {
    kind: usize,
    from: NaiveDate,
    to: Option<NaiveDate>,
}

fn build(store: &Store, year: i32, unit: &str) -> AnnualReport {
    let o = store.cli(&["report", "build", "--year", &year.to_string(), "--unit", unit, "--to", "json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    serde_json::from_value(v["report"].clone()).unwrap()
}

fn cell(r: &AnnualReport, row: &str, col: &str) -> Option<Decimal> {
    r.table2.rows.get(row).and_then(|c| c.get(col)).copied().flatten()
}

fn wan(fen: i64) -> Decimal {
    // Independently of the platform: fen as a decimal string of 万元, then read.
    let s = format!("{}.{:06}", fen / 1_000_000, fen % 1_000_000);
    Decimal::parse(s.trim_end_matches('0').trim_end_matches('.')).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn table_two_from_imported_records_equals_counts_made_independently() {
    for backend in backends() {
        let store = Store::new(backend);
        let out = store.cli(&["user", "add", "admin", "--role", "admin", "--password", ADMIN_PASSWORD]);
        assert!(out.status.success());
        let server = Server::start(&store, &[]);
        let admin = login(&server, "admin", ADMIN_PASSWORD).await;
        let unit_id = create_unit(&server, &admin, "甲县市场监督管理局", 1).await;
        let unit = "甲县市场监督管理局";
        let dir = store.dir.join("records");
        std::fs::create_dir_all(&dir).unwrap();

        // The files, as a system of record exports them.
        let mut g = Lcg(0x5EED_2020);
        let mut powers: Vec<Power> = (0..240)
            .map(|_| {
                let from = g.date(2016, 6);
                let to = (g.below(3) == 0).then(|| from + chrono::Days::new(1 + g.below(900)));
                Power { kind: g.below(5) as usize, from, to }
            })
            .collect();
        // And the year ends themselves, where a count is most easily off by one.
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        for (from, to) in [
            ("2019-12-31", None),
            ("2020-12-31", None),
            ("2021-01-01", None),
            ("2018-05-05", Some("2019-12-31")),
            ("2018-05-05", Some("2020-12-31")),
            ("2020-01-01", Some("2020-12-31")),
        ] {
            powers.push(Power { kind: 0, from: day(from), to: to.map(day) });
        }
        let mut csv = String::from("事项类别,事项名称,生效日期,取消日期\n");
        for (i, p) in powers.iter().enumerate() {
            // Dates as clerks type them, in three spellings.
            let from = match i % 3 {
                0 => p.from.format("%Y-%m-%d").to_string(),
                1 => format!("{}/{}/{}", p.from.year(), p.from.month(), p.from.day()),
                _ => format!("{}年{}月{}日", p.from.year(), p.from.month(), p.from.day()),
            };
            let to = p.to.map(|d| d.to_string()).unwrap_or_default();
            csv.push_str(&format!("{},事项{i:03},{from},{to}\n", KINDS[p.kind]));
        }
        std::fs::write(dir.join("powers.csv"), &csv).unwrap();
        let mut decisions: Vec<(usize, NaiveDate)> = (0..600).map(|_| (g.below(4) as usize, g.date(2019, 4))).collect();
        decisions.extend(["2019-12-31", "2020-01-01", "2020-12-31", "2021-01-01"].map(|d| (0, day(d))));
        let mut csv = String::from("事项类别,决定文号,决定日期\n");
        for (i, (k, on)) in decisions.iter().enumerate() {
            csv.push_str(&format!("{},甲市监决〔{}〕{i}号,{on}\n", KINDS[*k], on.year()));
        }
        std::fs::write(dir.join("decisions.csv"), &csv).unwrap();
        let mut fees: Vec<(NaiveDate, i64)> =
            (0..300).map(|_| (g.date(2020, 3), 1 + g.below(5_000_000) as i64)).collect();
        fees.extend([
            (day("2020-12-31"), 7),
            (day("2021-01-01"), 11),
            (day("2021-12-31"), 13),
            (day("2022-01-01"), 17),
        ]);
        let mut csv = String::from("收费编号,收费日期,金额（元）\n");
        for (i, (on, fen)) in fees.iter().enumerate() {
            // 元 as typed: thousands separated where there are thousands.
            let yuan = if *fen >= 100_000 {
                format!("\"{},{:03}.{:02}\"", fen / 100_000, (fen / 100) % 1000, fen % 100)
            } else {
                format!("{}.{:02}", fen / 100, fen % 100)
            };
            csv.push_str(&format!("SF{i:04},{on},{yuan}\n"));
        }
        std::fs::write(dir.join("fees.csv"), &csv).unwrap();
        let procurement: Vec<(NaiveDate, i64)> =
            (0..40).map(|_| (g.date(2019, 3), 100_000 + g.below(900_000_000) as i64)).collect();
        let mut csv = String::from("项目编号,签订日期,金额（元）\n");
        for (i, (on, fen)) in procurement.iter().enumerate() {
            csv.push_str(&format!("CG{i:03},{on},{}.{:02}\n", fen / 100, fen % 100));
        }
        std::fs::write(dir.join("procurement.csv"), &csv).unwrap();

        // A file with bad rows: nothing taken, every bad row named by its line.
        let bad =
            "事项类别,决定文号,决定日期\n行政许可,A1,2020-01-01\n行政奖励,A2,2020-01-02\n行政处罚,A3,2020-02-30\n";
        std::fs::write(dir.join("bad.csv"), bad).unwrap();
        let o = store.cli(&["import", "records", "decisions", dir.join("bad.csv").to_str().unwrap(), "--unit", unit]);
        assert_eq!(o.status.code(), Some(2));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("第3行") && err.contains("第4行") && !err.contains("第2行"), "{err}");
        assert_eq!(cell(&build(&store, 2020, unit), "licensing", "decisions"), None, "nothing was imported");

        for (kind, file) in [
            ("powers", "powers.csv"),
            ("decisions", "decisions.csv"),
            ("fees", "fees.csv"),
            ("procurement", "procurement.csv"),
        ] {
            for _ in 0..2 {
                // Twice: the second import changes nothing.
                let o = store.cli(&["import", "records", kind, dir.join(file).to_str().unwrap(), "--unit", unit]);
                assert!(o.status.success(), "{kind}: {}", String::from_utf8_lossy(&o.stderr));
            }
        }

        // 2020, the 2019 format.
        let r = build(&store, 2020, unit);
        let end = |y: i32| NaiveDate::from_ymd_opt(y, 12, 31).unwrap();
        let in_force = |p: &Power, day: NaiveDate| p.from <= day && p.to.is_none_or(|t| t > day);
        for (k, row) in ROWS.iter().enumerate() {
            let before = powers.iter().filter(|p| p.kind == k && in_force(p, end(2019))).count() as i64;
            let now = powers.iter().filter(|p| p.kind == k && in_force(p, end(2020))).count() as i64;
            assert_eq!(cell(&r, row, "previous_count"), Some(Decimal::from_int(before)), "{row} 上一年项目数量");
            assert_eq!(cell(&r, row, "change"), Some(Decimal::from_int(now - before)), "{row} 本年增/减");
            if k < 4 {
                let n = decisions.iter().filter(|(dk, on)| *dk == k && on.year() == 2020).count() as i64;
                assert_eq!(cell(&r, row, "decisions"), Some(Decimal::from_int(n)), "{row} 处理决定数量");
            }
        }
        let year_ps: Vec<i64> = procurement.iter().filter(|(on, _)| on.year() == 2020).map(|(_, f)| *f).collect();
        assert_eq!(cell(&r, "procurement", "projects"), Some(Decimal::from_int(year_ps.len() as i64)));
        assert_eq!(cell(&r, "procurement", "amount"), Some(wan(year_ps.iter().sum())), "采购总金额（万元）, exact");

        // 2021, the 2021 format.
        let r = build(&store, 2021, unit);
        for (k, row) in [(0, "licensing"), (2, "penalty"), (3, "coercion")] {
            let n = decisions.iter().filter(|(dk, on)| *dk == k && on.year() == 2021).count() as i64;
            assert_eq!(cell(&r, row, "decisions"), Some(Decimal::from_int(n)), "{row} 本年处理决定数量");
        }
        let fee_sum: i64 = fees.iter().filter(|(on, _)| on.year() == 2021).map(|(_, f)| *f).sum();
        assert_eq!(cell(&r, "fees", "amount"), Some(wan(fee_sum)), "本年收费金额（万元）, exact to the fen");

        // An entered figure that differs from the records: the records stand; the draft says so.
        let unit_s = unit_id.to_string();
        let resp = admin.post_form(&server, "/staff/reports", &[("year", "2021"), ("unit_id", &unit_s)]).await;
        assert_eq!(resp.status().as_u16(), 303);
        let draft = resp.headers()["location"].to_str().unwrap().to_string();
        let resp = admin
            .post_form(&server, &format!("{draft}/figures"), &[("figure", "licensing.decisions"), ("value", "999")])
            .await;
        assert!(resp.status().is_redirection(), "{}", resp.status());
        let page = admin.get(&server, &draft).await.text().await.unwrap();
        assert!(page.contains("填报为 999") && page.contains("与记录不一致，以记录为准"), "{page}");
        let r = build(&store, 2021, unit);
        assert_ne!(cell(&r, "licensing", "decisions"), Some(Decimal::from_int(999)), "the records stand");
        let audit = admin.get(&server, "/staff/audit").await.text().await.unwrap();
        assert!(audit.contains("records.import"));
    }
}
