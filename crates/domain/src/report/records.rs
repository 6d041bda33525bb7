//! Table 二 from the records that hold it (issue 17 §1): the unit's 权力清单 items with their
//! effective and repeal dates, the decisions taken under them, the fees collected and the
//! 政府集中采购 projects — imported from the systems that keep them — folded into the cells of
//! either format with their exact meaning (ogi-facts.md §1.3 and §2.3):
//!
//! - 2019 (五)(六)(八): 上一年项目数量 = items in force on 31 December of the year before; 本年增/减
//!   = items in force on 31 December of the year − that; (五)(六) 处理决定数量 = decisions in the year;
//! - 2019 (九): 采购项目数量 and 采购总金额（万元）of the projects contracted in the year;
//! - 2021 (五)(六): 本年处理决定数量; (八): 本年收费金额（万元）, exact to the fen.
//!
//! A column is computed only where that kind of record was imported at all (a unit that imported
//! its decisions has real zeros; one that did not has no figure, and staff enter it). Counts
//! from records are never negative; 本年增/减 is a difference and may be.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::Decimal;
use crate::format::FormatVersion;

/// The kinds of 权力清单 item, by the row of table 二 they count in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum PowerKind {
    /// 行政许可
    Licensing,
    /// 其他对外管理服务事项 (2019 only)
    OtherServices,
    /// 行政处罚
    Penalty,
    /// 行政强制
    Coercion,
    /// 行政事业性收费
    Fees,
}

impl PowerKind {
    pub const ALL: [PowerKind; 5] =
        [PowerKind::Licensing, PowerKind::OtherServices, PowerKind::Penalty, PowerKind::Coercion, PowerKind::Fees];

    /// The row code of table 二.
    pub fn row(self) -> &'static str {
        match self {
            PowerKind::Licensing => "licensing",
            PowerKind::OtherServices => "other_services",
            PowerKind::Penalty => "penalty",
            PowerKind::Coercion => "coercion",
            PowerKind::Fees => "fees",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PowerKind::Licensing => "行政许可",
            PowerKind::OtherServices => "其他对外管理服务事项",
            PowerKind::Penalty => "行政处罚",
            PowerKind::Coercion => "行政强制",
            PowerKind::Fees => "行政事业性收费",
        }
    }

    /// The kind a spreadsheet names: its label (行政许可 …) or code (licensing …).
    pub fn parse(s: &str) -> Option<PowerKind> {
        let s = s.trim();
        PowerKind::ALL
            .into_iter()
            .find(|k| s == k.label() || s == k.row() || (s == "其他管理服务事项" && *k == PowerKind::OtherServices))
    }
}

/// An item of the 权力清单.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PowerItem {
    pub kind: PowerKind,
    pub name: String,
    pub effective_on: NaiveDate,
    pub repealed_on: Option<NaiveDate>,
}

impl PowerItem {
    /// In force at the end of `day`.
    pub fn in_force_on(&self, day: NaiveDate) -> bool {
        self.effective_on <= day && self.repealed_on.is_none_or(|r| r > day)
    }
}

/// A decision taken (处理决定): a licence granted or refused, a penalty, a coercive measure …
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub kind: PowerKind,
    pub reference: String,
    pub decided_on: NaiveDate,
}

/// Money by date: a fee collected, or a procurement contract; amounts in fen (exact).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    pub reference: String,
    pub on: NaiveDate,
    pub amount_fen: i64,
}

/// What a unit imported, of each kind (None: that kind was never imported).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table2Records {
    pub powers: Option<Vec<PowerItem>>,
    pub decisions: Option<Vec<Decision>>,
    pub fees: Option<Vec<Payment>>,
    pub procurement: Option<Vec<Payment>>,
}

/// fen → 万元, exact, without trailing zeros.
pub fn wan_yuan(fen: i64) -> Decimal {
    let (mut mantissa, mut scale) = (fen, 6u8);
    while scale > 0 && mantissa % 10 == 0 {
        mantissa /= 10;
        scale -= 1;
    }
    Decimal::new(mantissa, scale).unwrap_or(Decimal::from_int(0))
}

/// The cells of table 二 the records decide, for `year` in `format`: (row, column, value).
pub fn table2_cells(format: FormatVersion, year: i32, r: &Table2Records) -> Vec<(&'static str, &'static str, Decimal)> {
    let mut out = Vec::new();
    let (Some(end_before), Some(end)) =
        (NaiveDate::from_ymd_opt(year - 1, 12, 31), NaiveDate::from_ymd_opt(year, 12, 31))
    else {
        return out;
    };
    let in_year = |d: NaiveDate| d > end_before && d <= end;
    let count = |n: usize| Decimal::from_int(i64::try_from(n).unwrap_or(i64::MAX));
    // A list of decisions, fees or projects speaks for the years from its first record on: a system
    // of record exported from 2021 says nothing of 2020, whose figures stay as entered.
    let covers = |first: Option<i32>| first.is_some_and(|f| f <= year);
    let decisions = r.decisions.as_ref().filter(|ds| covers(ds.iter().map(|d| d.decided_on.year()).min()));
    let fees = r.fees.as_ref().filter(|ps| covers(ps.iter().map(|p| p.on.year()).min()));
    let procurement = r.procurement.as_ref().filter(|ps| covers(ps.iter().map(|p| p.on.year()).min()));
    let decided =
        |kind: PowerKind| decisions.map(|ds| ds.iter().filter(|d| d.kind == kind && in_year(d.decided_on)).count());
    match format {
        FormatVersion::V2019 => {
            if let Some(powers) = &r.powers {
                for kind in PowerKind::ALL {
                    let before = powers.iter().filter(|p| p.kind == kind && p.in_force_on(end_before)).count();
                    let now = powers.iter().filter(|p| p.kind == kind && p.in_force_on(end)).count();
                    out.push((kind.row(), "previous_count", count(before)));
                    let change = i64::try_from(now).unwrap_or(i64::MAX) - i64::try_from(before).unwrap_or(i64::MAX);
                    out.push((kind.row(), "change", Decimal::from_int(change)));
                }
            }
            for kind in [PowerKind::Licensing, PowerKind::OtherServices, PowerKind::Penalty, PowerKind::Coercion] {
                if let Some(n) = decided(kind) {
                    out.push((kind.row(), "decisions", count(n)));
                }
            }
            if let Some(ps) = procurement {
                let year_ps: Vec<&Payment> = ps.iter().filter(|p| in_year(p.on)).collect();
                out.push(("procurement", "projects", count(year_ps.len())));
                out.push(("procurement", "amount", wan_yuan(year_ps.iter().map(|p| p.amount_fen).sum())));
            }
        }
        FormatVersion::V2021 => {
            for kind in [PowerKind::Licensing, PowerKind::Penalty, PowerKind::Coercion] {
                if let Some(n) = decided(kind) {
                    out.push((kind.row(), "decisions", count(n)));
                }
            }
            if let Some(fees) = fees {
                out.push((
                    "fees",
                    "amount",
                    wan_yuan(fees.iter().filter(|p| in_year(p.on)).map(|p| p.amount_fen).sum()),
                ));
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The files the systems of record export

/// Which list a file holds, and its columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RecordFile {
    /// 权力清单: 事项类别, 事项名称, 生效日期, 取消日期 (empty: still in force)
    Powers,
    /// 处理决定: 事项类别, 决定文号, 决定日期
    Decisions,
    /// 行政事业性收费: 收费编号, 收费日期, 金额（元）
    Fees,
    /// 政府集中采购: 项目编号, 签订日期, 金额（元）
    Procurement,
}

impl RecordFile {
    pub const ALL: [RecordFile; 4] =
        [RecordFile::Powers, RecordFile::Decisions, RecordFile::Fees, RecordFile::Procurement];

    pub fn code(self) -> &'static str {
        match self {
            RecordFile::Powers => "powers",
            RecordFile::Decisions => "decisions",
            RecordFile::Fees => "fees",
            RecordFile::Procurement => "procurement",
        }
    }

    pub fn from_code(s: &str) -> Option<RecordFile> {
        RecordFile::ALL.into_iter().find(|k| k.code() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            RecordFile::Powers => "权力清单",
            RecordFile::Decisions => "处理决定",
            RecordFile::Fees => "行政事业性收费",
            RecordFile::Procurement => "政府集中采购项目",
        }
    }

    /// The header a file must have (an optional column last, for 权力清单's 取消日期).
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            RecordFile::Powers => &["事项类别", "事项名称", "生效日期", "取消日期"],
            RecordFile::Decisions => &["事项类别", "决定文号", "决定日期"],
            RecordFile::Fees => &["收费编号", "收费日期", "金额（元）"],
            RecordFile::Procurement => &["项目编号", "签订日期", "金额（元）"],
        }
    }
}

/// The rows of a file, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordRows {
    Powers(Vec<PowerItem>),
    Decisions(Vec<Decision>),
    Payments(Vec<Payment>),
}

/// A date as spreadsheets print it: 2020-01-01, 2020/1/1, 2020.1.1, 2020年1月1日.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let t = s.trim().trim_end_matches('日');
    let parts: Vec<&str> = t.split(['-', '/', '.', '年', '月']).collect();
    let [y, m, d] = parts.as_slice() else { return None };
    NaiveDate::from_ymd_opt(y.trim().parse().ok()?, m.trim().parse().ok()?, d.trim().parse().ok()?)
}

/// Read a file's rows (named cells, as `sheet::read_sheet` gives them). Every bad row is named by
/// its line; any bad row means nothing of the file is taken. A reference (事项名称, 文号, 编号)
/// appearing twice in one file is an error: the file would say two things of one record.
pub fn parse_rows(kind: RecordFile, rows: &[crate::livelihood::RawRow]) -> Result<RecordRows, Vec<(usize, String)>> {
    let mut errors = Vec::new();
    if let Some(first) = rows.first() {
        // The first three columns are required (权力清单's 取消日期 may be left out).
        let required = &kind.columns()[..3];
        let missing: Vec<&str> = required.iter().copied().filter(|c| !first.cells.contains_key(*c)).collect();
        if !missing.is_empty() {
            return Err(vec![(
                0,
                format!("{}文件缺少列：{}（应有：{}）", kind.label(), missing.join("、"), kind.columns().join("、")),
            )]);
        }
    }
    let cell =
        |r: &crate::livelihood::RawRow, c: &str| r.cells.get(c).map(|v| v.trim().to_string()).unwrap_or_default();
    let mut seen = std::collections::BTreeSet::new();
    let (mut powers, mut decisions, mut payments) = (Vec::new(), Vec::new(), Vec::new());
    for r in rows {
        let cols = kind.columns();
        let reference = match kind {
            RecordFile::Powers => format!("{}|{}", cell(r, cols[0]), cell(r, cols[1])),
            RecordFile::Decisions => cell(r, cols[1]),
            _ => cell(r, cols[0]),
        };
        let mut bad = |m: String| errors.push((r.line, m));
        if reference.trim_matches('|').is_empty() {
            bad(format!(
                "“{}”为空",
                if kind == RecordFile::Powers { cols[1] } else { cols[usize::from(kind == RecordFile::Decisions)] }
            ));
            continue;
        }
        if !seen.insert(reference.clone()) {
            bad(format!("“{}”在文件中重复出现", reference.replace('|', " ")));
            continue;
        }
        match kind {
            RecordFile::Powers | RecordFile::Decisions => {
                let Some(k) = PowerKind::parse(&cell(r, "事项类别")) else {
                    bad(format!(
                        "事项类别“{}”应为：行政许可、其他对外管理服务事项、行政处罚、行政强制、行政事业性收费",
                        cell(r, "事项类别")
                    ));
                    continue;
                };
                if kind == RecordFile::Powers {
                    let Some(from) = parse_date(&cell(r, "生效日期")) else {
                        bad(format!("生效日期“{}”不是日期", cell(r, "生效日期")));
                        continue;
                    };
                    let to_text = cell(r, "取消日期");
                    let to = if to_text.is_empty() { None } else { parse_date(&to_text) };
                    if !to_text.is_empty() && to.is_none() {
                        bad(format!("取消日期“{to_text}”不是日期"));
                        continue;
                    }
                    if to.is_some_and(|t| t < from) {
                        bad("取消日期早于生效日期".into());
                        continue;
                    }
                    powers.push(PowerItem {
                        kind: k, name: cell(r, "事项名称"), effective_on: from, repealed_on: to
                    });
                } else {
                    if k == PowerKind::Fees {
                        bad("行政事业性收费没有“处理决定”，收费请用收费文件导入".into());
                        continue;
                    }
                    let Some(on) = parse_date(&cell(r, "决定日期")) else {
                        bad(format!("决定日期“{}”不是日期", cell(r, "决定日期")));
                        continue;
                    };
                    decisions.push(Decision { kind: k, reference, decided_on: on });
                }
            }
            RecordFile::Fees | RecordFile::Procurement => {
                let Some(on) = parse_date(&cell(r, kind.columns()[1])) else {
                    bad(format!("{}“{}”不是日期", kind.columns()[1], cell(r, kind.columns()[1])));
                    continue;
                };
                match crate::livelihood::Fen::parse_yuan(&cell(r, "金额（元）")) {
                    Ok(f) => payments.push(Payment { reference, on, amount_fen: f.0 }),
                    Err(e) => bad(e.to_string()),
                }
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(match kind {
        RecordFile::Powers => RecordRows::Powers(powers),
        RecordFile::Decisions => RecordRows::Decisions(decisions),
        RecordFile::Fees | RecordFile::Procurement => RecordRows::Payments(payments),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn item(kind: PowerKind, from: &str, to: Option<&str>) -> PowerItem {
        PowerItem { kind, name: format!("{from}{to:?}"), effective_on: d(from), repealed_on: to.map(d) }
    }

    #[test]
    fn items_in_force_at_each_year_end_give_the_previous_count_and_the_change() {
        let powers = vec![
            item(PowerKind::Licensing, "2018-03-01", None),
            item(PowerKind::Licensing, "2019-12-31", Some("2020-06-30")), // in force at end 2019, gone by end 2020
            item(PowerKind::Licensing, "2020-01-01", None),               // new in 2020
            item(PowerKind::Licensing, "2020-12-31", None),               // counts at end 2020
            item(PowerKind::Licensing, "2017-01-01", Some("2019-12-31")), // repealed on the last day: not in force at its end
            item(PowerKind::Penalty, "2015-01-01", None),
        ];
        let r = Table2Records { powers: Some(powers), ..Default::default() };
        let cells = table2_cells(FormatVersion::V2019, 2020, &r);
        let get = |row: &str, col: &str| cells.iter().find(|c| c.0 == row && c.1 == col).map(|c| c.2);
        assert_eq!(get("licensing", "previous_count"), Some(Decimal::from_int(2)));
        assert_eq!(get("licensing", "change"), Some(Decimal::from_int(1)));
        assert_eq!(get("penalty", "change"), Some(Decimal::from_int(0)));
        assert_eq!(get("licensing", "decisions"), None, "no decisions imported: no figure");
        assert_eq!(get("procurement", "projects"), None);
    }

    #[test]
    fn decisions_fees_and_procurement_count_in_their_year_only_and_money_is_exact() {
        let r = Table2Records {
            powers: None,
            decisions: Some(vec![
                Decision { kind: PowerKind::Licensing, reference: "a".into(), decided_on: d("2021-01-01") },
                Decision { kind: PowerKind::Licensing, reference: "b".into(), decided_on: d("2021-12-31") },
                Decision { kind: PowerKind::Licensing, reference: "c".into(), decided_on: d("2020-12-31") },
                Decision { kind: PowerKind::Coercion, reference: "d".into(), decided_on: d("2021-06-01") },
            ]),
            fees: Some(vec![
                Payment { reference: "f1".into(), on: d("2021-03-01"), amount_fen: 1_234_567 },
                Payment { reference: "f2".into(), on: d("2021-04-01"), amount_fen: 1 },
                Payment { reference: "f3".into(), on: d("2022-01-01"), amount_fen: 99_999_999 },
            ]),
            procurement: None,
        };
        let cells = table2_cells(FormatVersion::V2021, 2021, &r);
        let get = |row: &str, col: &str| cells.iter().find(|c| c.0 == row && c.1 == col).map(|c| c.2);
        assert_eq!(get("licensing", "decisions"), Some(Decimal::from_int(2)));
        assert_eq!(get("penalty", "decisions"), Some(Decimal::from_int(0)), "decisions imported: a real zero");
        assert_eq!(get("coercion", "decisions"), Some(Decimal::from_int(1)));
        assert_eq!(get("fees", "amount"), Decimal::parse("1.234568"), "12,345.68 元 = 1.234568 万元");
        assert_eq!(wan_yuan(100_000_000), Decimal::from_int(100));
        assert_eq!(Some(wan_yuan(150_000)), Decimal::parse("0.15"));
        let procurement = Table2Records {
            procurement: Some(vec![
                Payment { reference: "p".into(), on: d("2020-05-01"), amount_fen: 25_100_000 },
                Payment { reference: "q".into(), on: d("2019-05-01"), amount_fen: 1 },
            ]),
            ..Default::default()
        };
        let cells = table2_cells(FormatVersion::V2019, 2020, &procurement);
        assert!(cells.contains(&("procurement", "projects", Decimal::from_int(1))));
        assert!(cells.contains(&("procurement", "amount", Decimal::parse("25.1").unwrap())));
    }

    fn rows(lines: &[&[(&str, &str)]]) -> Vec<crate::livelihood::RawRow> {
        lines
            .iter()
            .enumerate()
            .map(|(i, cells)| crate::livelihood::RawRow {
                line: i + 2,
                cells: cells.iter().map(|(k, v)| ((*k).to_string(), (*v).to_string())).collect(),
            })
            .collect()
    }

    #[test]
    fn files_are_read_row_by_row_and_any_bad_row_is_named() {
        let good = rows(&[
            &[("事项类别", "行政许可"), ("事项名称", "食品经营许可"), ("生效日期", "2019/3/1"), ("取消日期", "")],
            &[
                ("事项类别", "行政处罚"),
                ("事项名称", "对无证经营的处罚"),
                ("生效日期", "2018年1月1日"),
                ("取消日期", "2020-06-30"),
            ],
        ]);
        let RecordRows::Powers(p) = parse_rows(RecordFile::Powers, &good).unwrap() else { panic!() };
        assert_eq!(p[1].repealed_on, Some(d("2020-06-30")));
        let bad = rows(&[
            &[("事项类别", "行政许可"), ("事项名称", "甲"), ("生效日期", "2019-02-30"), ("取消日期", "")],
            &[("事项类别", "行政奖励"), ("事项名称", "乙"), ("生效日期", "2019-01-01"), ("取消日期", "")],
            &[("事项类别", "行政许可"), ("事项名称", "丙"), ("生效日期", "2019-01-01"), ("取消日期", "2018-01-01")],
            &[("事项类别", "行政许可"), ("事项名称", "丁"), ("生效日期", "2019-01-01"), ("取消日期", "")],
            &[("事项类别", "行政许可"), ("事项名称", "丁"), ("生效日期", "2019-01-01"), ("取消日期", "")],
        ]);
        let errs = parse_rows(RecordFile::Powers, &bad).unwrap_err();
        assert_eq!(errs.iter().map(|e| e.0).collect::<Vec<_>>(), [2, 3, 4, 6], "{errs:?}");
        let fees = rows(&[
            &[("收费编号", "SF1"), ("收费日期", "2021-3-1"), ("金额（元）", "1,234.50")],
            &[("收费编号", "SF2"), ("收费日期", "2021-3-2"), ("金额（元）", "-5")],
        ]);
        let errs = parse_rows(RecordFile::Fees, &fees).unwrap_err();
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].0, 3);
        let wrong = rows(&[&[("名称", "x")]]);
        assert!(parse_rows(RecordFile::Decisions, &wrong).unwrap_err()[0].1.contains("缺少列"));
    }
}

#[cfg(test)]
mod coverage_tests {
    use super::*;

    #[test]
    fn a_list_speaks_only_for_the_years_from_its_first_record() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let r = Table2Records {
            decisions: Some(vec![Decision {
                kind: PowerKind::Licensing,
                reference: "汝许〔2021〕1号".into(),
                decided_on: d(2021, 3, 1),
            }]),
            fees: Some(vec![Payment { reference: "F1".into(), on: d(2022, 5, 1), amount_fen: 12_345 }]),
            ..Table2Records::default()
        };
        assert!(table2_cells(FormatVersion::V2019, 2020, &r).is_empty(), "2020 is before both lists");
        let c2021 = table2_cells(FormatVersion::V2021, 2021, &r);
        assert!(c2021.contains(&("licensing", "decisions", Decimal::from_int(1))), "{c2021:?}");
        assert!(!c2021.iter().any(|(row, _, _)| *row == "fees"), "fees start in 2022: {c2021:?}");
        let c2023 = table2_cells(FormatVersion::V2021, 2023, &r);
        assert!(
            c2023.contains(&("licensing", "decisions", Decimal::from_int(0))),
            "a covered year without decisions is a real zero"
        );
        assert!(c2023.contains(&("fees", "amount", Decimal::from_int(0))));
    }
}
