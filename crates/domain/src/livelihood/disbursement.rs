//! Importing a disbursement list (发放名册) and reconciling it. A list arrives as rows of named
//! cells (a spreadsheet with a header row); each row is parsed into a [`Row`] or a list of errors
//! naming the row, the column and what is wrong. The import is all-or-nothing per batch: one bad row
//! and nothing is stored ([`BatchCheck::into_rows`]), so a published list is never half a list.
//!
//! Reconciliation findings are for the office's review, not import errors: over-budget totals,
//! the same person paid twice in a program and period, an under-age recipient of an age-based
//! allowance, a payment to someone the data records as deceased, one ID number under two names.
//! Findings hold the real ID number; their `Display` shows only the masked form.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::program::{Basis, Fen, Period, Program, age_on};
use crate::org::{IdNumber, mask_name};

/// One spreadsheet row: `line` is its line number in the file (for messages), cells by header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawRow {
    pub line: usize,
    pub cells: BTreeMap<String, String>,
}

pub const COL_VILLAGE: &str = "村（社区）";
pub const COL_NAME: &str = "姓名";
pub const COL_ID: &str = "身份证号码";
pub const COL_AMOUNT: &str = "发放金额（元）";
/// Optional: persons, households or 亩 (default 1); the amount may be at most standard × quantity.
pub const COL_QUANTITY: &str = "数量";
pub const REQUIRED_COLUMNS: [&str; 4] = [COL_VILLAGE, COL_NAME, COL_ID, COL_AMOUNT];

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ColumnsError {
    #[error("名册没有数据行")]
    Empty,
    #[error("名册缺少列：{}。应包含的列为：{}（可选列：{}）", missing.join("、"), REQUIRED_COLUMNS.join("、"), COL_QUANTITY)]
    WrongColumns { missing: Vec<String> },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    pub row: usize,
    pub column: String,
    pub message: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "第{}行“{}”：{}", self.row, self.column, self.message)
    }
}

/// A parsed disbursement. Never shown publicly as is: see `PublicRow`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    pub line: usize,
    pub program: String,
    pub village: String,
    pub name: String,
    pub id: IdNumber,
    pub quantity: u32,
    pub amount: Fen,
    pub period: Period,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum FundFinding {
    /// 超预算发放: the program's total for the period exceeds its budget.
    OverBudget { program: String, period: Period, total: Fen, budget: Fen },
    /// 重复发放: one person paid more than once in the same program and period.
    DuplicatePayment { id: IdNumber, lines: Vec<usize> },
    /// 不符合年龄条件: below the age-based allowance's minimum age on the period's last day.
    UnderAge { id: IdNumber, line: usize, age: i32, min_age: u32 },
    /// 已故人员领取: paid for a period that begins after the recorded date of death.
    Deceased { id: IdNumber, line: usize, died_on: NaiveDate },
    /// 身份信息重复: one ID number under different names.
    DuplicateIdentity { id: IdNumber, names: Vec<String> },
}

impl std::fmt::Display for FundFinding {
    /// For display: ID numbers and names masked.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FundFinding::OverBudget { program, period, total, budget } => {
                write!(f, "{program}{period}发放总额{total}超过预算{budget}")
            }
            FundFinding::DuplicatePayment { id, lines } => {
                let lines: Vec<String> = lines.iter().map(ToString::to_string).collect();
                write!(f, "{}在同一项目同一期间重复发放（第{}行）", id.masked(), lines.join("、"))
            }
            FundFinding::UnderAge { id, line, age, min_age } => {
                write!(f, "第{line}行{}年龄{age}周岁，未满{min_age}周岁", id.masked())
            }
            FundFinding::Deceased { id, line, died_on } => {
                write!(f, "第{line}行{}已于{died_on}死亡，仍在发放", id.masked())
            }
            FundFinding::DuplicateIdentity { id, names } => {
                let names: Vec<String> = names.iter().map(|n| mask_name(n)).collect();
                write!(f, "{}对应多个姓名：{}", id.masked(), names.join("、"))
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchCheck {
    pub rows: Vec<Result<Row, Vec<RowError>>>,
    pub findings: Vec<FundFinding>,
}

impl BatchCheck {
    pub fn errors(&self) -> Vec<&RowError> {
        self.rows.iter().filter_map(|r| r.as_ref().err()).flatten().collect()
    }

    /// All rows, or every error: the batch is stored whole or not at all.
    pub fn into_rows(self) -> Result<Vec<Row>, Vec<RowError>> {
        let mut ok = Vec::new();
        let mut errs = Vec::new();
        for r in self.rows {
            match r {
                Ok(row) => ok.push(row),
                Err(e) => errs.extend(e),
            }
        }
        if errs.is_empty() { Ok(ok) } else { Err(errs) }
    }
}

/// Parse every row of a batch for one program and period. Columns are checked once, against the
/// union of the rows' headers; a wrong header is one error naming the expected columns. The
/// findings are those visible within the batch (duplicates, age, identity); see [`reconcile`] for
/// budgets and death records.
pub fn validate_rows(
    rows: &[RawRow],
    program: &Program,
    known_villages: &[String],
    period: Period,
) -> Result<BatchCheck, ColumnsError> {
    if rows.is_empty() {
        return Err(ColumnsError::Empty);
    }
    let headers: BTreeSet<&str> = rows.iter().flat_map(|r| r.cells.keys().map(|k| k.trim())).collect();
    let missing: Vec<String> =
        REQUIRED_COLUMNS.iter().filter(|c| !headers.contains(**c)).map(|c| c.to_string()).collect();
    if !missing.is_empty() {
        return Err(ColumnsError::WrongColumns { missing });
    }
    let villages: BTreeSet<&str> = known_villages.iter().map(|v| v.trim()).collect();
    let parsed: Vec<Result<Row, Vec<RowError>>> =
        rows.iter().map(|r| parse_row(r, program, &villages, period)).collect();
    let ok: Vec<Row> = parsed.iter().filter_map(|r| r.as_ref().ok().cloned()).collect();
    let findings = reconcile(program, period, &ok, None, &HashMap::new());
    Ok(BatchCheck { rows: parsed, findings })
}

fn cell<'a>(r: &'a RawRow, col: &str) -> &'a str {
    r.cells.iter().find(|(k, _)| k.trim() == col).map(|(_, v)| v.trim()).unwrap_or("")
}

fn parse_row(r: &RawRow, program: &Program, villages: &BTreeSet<&str>, period: Period) -> Result<Row, Vec<RowError>> {
    let mut errs = Vec::new();
    let mut err = |column: &str, message: String| errs.push(RowError { row: r.line, column: column.into(), message });

    let village = cell(r, COL_VILLAGE);
    if village.is_empty() {
        err(COL_VILLAGE, "村（社区）为空".into());
    } else if !villages.contains(village) {
        err(COL_VILLAGE, format!("“{village}”不在本乡镇（街道）的村（社区）名单中"));
    }
    let name = cell(r, COL_NAME);
    if name.is_empty() {
        err(COL_NAME, "姓名为空".into());
    }
    let id = IdNumber::parse(cell(r, COL_ID)).map_err(|e| err(COL_ID, e.to_string())).ok();
    let quantity = match cell(r, COL_QUANTITY) {
        "" => Some(1),
        q => match q.parse::<u32>() {
            Ok(n) if n > 0 => Some(n),
            _ => {
                err(COL_QUANTITY, format!("数量“{q}”应为正整数（{}）", program.basis.unit_label()));
                None
            }
        },
    };
    let amount = Fen::parse_yuan(cell(r, COL_AMOUNT)).map_err(|e| err(COL_AMOUNT, e.to_string())).ok();
    if let (Some(a), Some(q)) = (amount, quantity) {
        let cap = program.standard.0.saturating_mul(i64::from(q));
        if a.0 > cap {
            let per = match program.basis {
                Basis::PerPerson => "每人",
                Basis::PerHousehold => "每户",
                Basis::PerMu => "每亩",
            };
            err(COL_AMOUNT, format!("金额{a}超过{}标准（{per}{}×{q}）", program.name, program.standard));
        }
    }
    match (id, quantity, amount) {
        (Some(id), Some(quantity), Some(amount)) if errs.is_empty() => Ok(Row {
            line: r.line,
            program: program.code.clone(),
            village: village.to_string(),
            name: name.to_string(),
            id,
            quantity,
            amount,
            period,
        }),
        _ => Err(errs),
    }
}

/// Findings over the rows of one program and period. `budget`, when known, is the period's
/// allocation; `deaths` are the dates of death the civil-affairs or public-security data records.
pub fn reconcile(
    program: &Program,
    period: Period,
    rows: &[Row],
    budget: Option<Fen>,
    deaths: &HashMap<IdNumber, NaiveDate>,
) -> Vec<FundFinding> {
    let rows: Vec<&Row> = rows.iter().filter(|r| r.program == program.code && r.period == period).collect();
    let mut findings = Vec::new();
    if let Some(budget) = budget {
        let total = Fen(rows.iter().map(|r| r.amount.0).sum());
        if total > budget {
            findings.push(FundFinding::OverBudget { program: program.name.clone(), period, total, budget });
        }
    }
    // Keyed by the number's text so that the findings come out in a stable order.
    let mut by_id: BTreeMap<&str, Vec<&Row>> = BTreeMap::new();
    for r in &rows {
        by_id.entry(r.id.as_str()).or_default().push(r);
    }
    for rs in by_id.values() {
        let id = &rs[0].id;
        if rs.len() > 1 {
            findings.push(FundFinding::DuplicatePayment { id: id.clone(), lines: rs.iter().map(|r| r.line).collect() });
        }
        let names: BTreeSet<&str> = rs.iter().map(|r| r.name.as_str()).collect();
        if names.len() > 1 {
            findings.push(FundFinding::DuplicateIdentity {
                id: id.clone(),
                names: names.into_iter().map(String::from).collect(),
            });
        }
    }
    for r in &rows {
        if let Some(min_age) = program.min_age {
            // Age on the period's last day: someone turning 80 during the month is not flagged.
            let age = age_on(r.id.birth_date(), period.last_day());
            if age < min_age as i32 {
                findings.push(FundFinding::UnderAge { id: r.id.clone(), line: r.line, age, min_age });
            }
        }
        if let Some(died_on) = deaths.get(&r.id)
            && *died_on < period.first_day()
        {
            findings.push(FundFinding::Deceased { id: r.id.clone(), line: r.line, died_on: *died_on });
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::complete_id_number;

    fn gaoling() -> Program {
        Program::examples().into_iter().find(|p| p.code == "gaoling").unwrap()
    }

    fn raw(line: usize, cells: &[(&str, &str)]) -> RawRow {
        RawRow { line, cells: cells.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect() }
    }

    fn id(first17: &str) -> String {
        complete_id_number(first17).unwrap().as_str().to_string()
    }

    fn good(line: usize, name: &str, idn: &str, amount: &str) -> RawRow {
        raw(line, &[(COL_VILLAGE, "城垣村"), (COL_NAME, name), (COL_ID, idn), (COL_AMOUNT, amount)])
    }

    fn villages() -> Vec<String> {
        vec!["城垣村".into(), "东关村".into()]
    }

    fn june() -> Period {
        Period::month(2020, 6).unwrap()
    }

    #[test]
    fn a_clean_batch_imports_whole() {
        let rows = vec![
            good(2, "王建国", &id("41048219300101123"), "100"),
            good(3, "李秀英", &id("41048219350505222"), "100.00"),
        ];
        let check = validate_rows(&rows, &gaoling(), &villages(), june()).unwrap();
        assert!(check.findings.is_empty());
        let rows = check.into_rows().unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].amount, Fen(10_000));
    }

    #[test]
    fn wrong_columns_are_one_error_naming_the_expected_columns() {
        let rows = vec![raw(2, &[("村", "城垣村"), (COL_NAME, "王建国"), ("身份证", "x"), (COL_AMOUNT, "100")])];
        let err = validate_rows(&rows, &gaoling(), &villages(), june()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "名册缺少列：村（社区）、身份证号码。应包含的列为：村（社区）、姓名、身份证号码、发放金额（元）（可选列：数量）"
        );
        assert_eq!(validate_rows(&[], &gaoling(), &villages(), june()), Err(ColumnsError::Empty));
    }

    #[test]
    fn each_bad_cell_is_reported_with_its_row_and_column_and_the_batch_is_refused() {
        let mut bad_check = id("41048219300101123");
        let last = bad_check.pop().unwrap();
        bad_check.push(if last == '0' { '1' } else { '0' });
        let rows = vec![
            good(2, "王建国", &id("41048219300101123"), "100"),
            raw(3, &[(COL_VILLAGE, "西关村"), (COL_NAME, "张三"), (COL_ID, &bad_check), (COL_AMOUNT, "一百")]),
            good(4, "赵四", &id("41048219300101345"), "-5"),
            good(5, "钱五", &id("41048219300101567"), "10.005"),
            good(6, "孙六", &id("41048219300101789"), "100.01"),
        ];
        let check = validate_rows(&rows, &gaoling(), &villages(), june()).unwrap();
        assert!(check.rows[0].is_ok());
        let errs: Vec<String> = check.errors().iter().map(|e| e.to_string()).collect();
        assert_eq!(
            errs,
            vec![
                "第3行“村（社区）”：“西关村”不在本乡镇（街道）的村（社区）名单中",
                "第3行“身份证号码”：身份证号码校验位不正确",
                "第3行“发放金额（元）”：金额“一百”不是数字",
                "第4行“发放金额（元）”：金额“-5”为负数",
                "第5行“发放金额（元）”：金额“10.005”的小数超过两位（最小单位为分）",
                "第6行“发放金额（元）”：金额100.01元超过高龄津贴标准（每人100.00元×1）",
            ]
        );
        assert_eq!(check.into_rows().unwrap_err().len(), 6);
    }

    #[test]
    fn a_quantity_raises_the_cap_for_per_mu_programs() {
        let gengdi = Program::examples().into_iter().find(|p| p.code == "gengdi").unwrap();
        let mut r = good(2, "王建国", &id("41048219700101123"), "360");
        r.cells.insert(COL_QUANTITY.into(), "3".into());
        assert!(validate_rows(&[r.clone()], &gengdi, &villages(), june()).unwrap().into_rows().is_ok());
        r.cells.insert(COL_QUANTITY.into(), "2".into());
        assert!(validate_rows(&[r], &gengdi, &villages(), june()).unwrap().into_rows().is_err());
    }

    #[test]
    fn the_same_person_twice_and_one_id_under_two_names_are_findings() {
        let same = id("41048219300101123");
        let rows = vec![good(2, "王建国", &same, "100"), good(7, "王建民", &same, "100")];
        let check = validate_rows(&rows, &gaoling(), &villages(), june()).unwrap();
        let id = IdNumber::parse(&same).unwrap();
        assert_eq!(
            check.findings,
            vec![
                FundFinding::DuplicatePayment { id: id.clone(), lines: vec![2, 7] },
                FundFinding::DuplicateIdentity { id: id.clone(), names: vec!["王建国".into(), "王建民".into()] },
            ]
        );
        let shown = check.findings[1].to_string();
        assert!(!shown.contains(same.as_str()) && shown.contains(&id.masked()) && shown.contains("王*国"), "{shown}");
    }

    #[test]
    fn an_old_age_allowance_to_someone_not_yet_eighty_at_period_end_is_a_finding() {
        // Born 1940-06-30: 80 on the last day of June 2020, so June is fine; born 1940-07-01 is not.
        let rows = vec![good(2, "甲", &id("41048219400630123"), "100"), good(3, "乙", &id("41048219400701123"), "100")];
        let check = validate_rows(&rows, &gaoling(), &villages(), june()).unwrap();
        assert_eq!(check.findings.len(), 1);
        assert!(matches!(check.findings[0], FundFinding::UnderAge { line: 3, age: 79, min_age: 80, .. }));
    }

    #[test]
    fn totals_over_budget_and_payments_after_death_are_findings() {
        let rows = validate_rows(
            &[good(2, "甲", &id("41048219300101123"), "100"), good(3, "乙", &id("41048219300101345"), "100")],
            &gaoling(),
            &villages(),
            june(),
        )
        .unwrap()
        .into_rows()
        .unwrap();
        let deaths: HashMap<IdNumber, NaiveDate> = [
            (rows[0].id.clone(), NaiveDate::from_ymd_opt(2020, 5, 20).unwrap()),
            (rows[1].id.clone(), NaiveDate::from_ymd_opt(2020, 6, 10).unwrap()),
        ]
        .into();
        let f = reconcile(&gaoling(), june(), &rows, Some(Fen(15_000)), &deaths);
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].to_string(), "高龄津贴2020年6月发放总额200.00元超过预算150.00元");
        assert!(matches!(f[1], FundFinding::Deceased { line: 2, .. }));
    }
}
