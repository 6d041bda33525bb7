//! The consistency rules of the annual report. The one relation the format prints (table 三:
//! 第一项加第二项之和，等于第三项加第四项之和) and those its labels imply (总计 = its parts, in
//! table 三 by row and by column and in table 四), sign rules, the carry-over between two years,
//! and the figures section 一 states. Each rule has a stable code ([`Rule::code`]) and a severity;
//! a finding's message is Chinese and names table, row, column, the expected and the found value.

use serde::{Deserialize, Serialize};

use super::layout::{self, ColumnKind, T4_GROUPS, T4_OUTCOMES, table2_blocks};
use super::statement::{Statement, StatementKind, extract_statements};
use super::{AnnualReport, Count, ParsedReport, Unsure};
use crate::format::{ApplicantColumn, FormatVersion, Table3Row};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The report must not be published like this.
    Error,
    /// Worth a second look; may be right.
    Warning,
}

/// Every rule, with a stable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Rule {
    /// 表三：第一项 + 第二项 = 第三项（七）总计 + 第四项, per column.
    #[serde(rename = "T3_BALANCE")]
    Table3Balance,
    /// 表三：总计列 = 六类申请人之和, per row.
    #[serde(rename = "T3_ROW_TOTAL")]
    Table3RowTotal,
    /// 表三：（七）总计 = （一）至（六）各行之和, per column.
    #[serde(rename = "T3_OUTCOME_TOTAL")]
    Table3OutcomeTotal,
    /// 表四：each 总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结.
    #[serde(rename = "T4_TOTAL")]
    Table4Total,
    /// 表二（2019）：上一年项目数量 + 本年增/减 < 0.
    #[serde(rename = "T2_NEGATIVE_ITEMS")]
    Table2NegativeItems,
    /// A negative figure where only 本年增/减 may be negative.
    #[serde(rename = "NEGATIVE_FIGURE")]
    NegativeFigure,
    /// Last year's 结转下年度继续办理 ≠ this year's 上年结转.
    #[serde(rename = "PREV_CARRY_OVER")]
    PreviousCarryOver,
    /// 2019 format: this year's 上一年项目数量 ≠ last year's 上一年项目数量 + 本年增/减.
    #[serde(rename = "PREV_ITEM_COUNT")]
    PreviousItemCount,
    /// A figure stated in section 一 differs from the table.
    #[serde(rename = "S1_TABLE_MISMATCH")]
    OverviewTableMismatch,
    /// Section 一 states a total and parts (其中…) that do not add up.
    #[serde(rename = "S1_SUM")]
    OverviewSum,
    /// 部分公开 (or another outcome) exceeds all the applications there were.
    #[serde(rename = "W_OUTCOME_EXCEEDS_APPLICATIONS")]
    OutcomeExceedsApplications,
    /// A whole column or group left blank while others are filled.
    #[serde(rename = "W_BLANK_COLUMN")]
    BlankColumn,
    /// The format does not match the year, or the layout departs from the format.
    #[serde(rename = "W_FORMAT")]
    FormatMismatch,
}

impl Rule {
    pub const ALL: [Rule; 13] = [
        Rule::Table3Balance,
        Rule::Table3RowTotal,
        Rule::Table3OutcomeTotal,
        Rule::Table4Total,
        Rule::Table2NegativeItems,
        Rule::NegativeFigure,
        Rule::PreviousCarryOver,
        Rule::PreviousItemCount,
        Rule::OverviewTableMismatch,
        Rule::OverviewSum,
        Rule::OutcomeExceedsApplications,
        Rule::BlankColumn,
        Rule::FormatMismatch,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Rule::Table3Balance => "T3_BALANCE",
            Rule::Table3RowTotal => "T3_ROW_TOTAL",
            Rule::Table3OutcomeTotal => "T3_OUTCOME_TOTAL",
            Rule::Table4Total => "T4_TOTAL",
            Rule::Table2NegativeItems => "T2_NEGATIVE_ITEMS",
            Rule::NegativeFigure => "NEGATIVE_FIGURE",
            Rule::PreviousCarryOver => "PREV_CARRY_OVER",
            Rule::PreviousItemCount => "PREV_ITEM_COUNT",
            Rule::OverviewTableMismatch => "S1_TABLE_MISMATCH",
            Rule::OverviewSum => "S1_SUM",
            Rule::OutcomeExceedsApplications => "W_OUTCOME_EXCEEDS_APPLICATIONS",
            Rule::BlankColumn => "W_BLANK_COLUMN",
            Rule::FormatMismatch => "W_FORMAT",
        }
    }
    pub fn severity(self) -> Severity {
        match self {
            Rule::Table3Balance
            | Rule::Table3RowTotal
            | Rule::Table3OutcomeTotal
            | Rule::Table4Total
            | Rule::Table2NegativeItems
            | Rule::NegativeFigure
            | Rule::PreviousCarryOver => Severity::Error,
            // Section 一 may rightly count a narrower scope than the tables (淮安洪泽 2024: the
            // office's own 17 applications against the district's 95), hence warnings.
            Rule::PreviousItemCount
            | Rule::OverviewTableMismatch
            | Rule::OverviewSum
            | Rule::OutcomeExceedsApplications
            | Rule::BlankColumn
            | Rule::FormatMismatch => Severity::Warning,
        }
    }
}

/// One problem found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: Rule,
    pub severity: Severity,
    /// Where: "表三 （七）总计 · 自然人".
    pub location: String,
    pub expected: String,
    pub found: String,
    /// The whole finding as one Chinese sentence.
    pub message: String,
}

fn finding(rule: Rule, location: String, expected: impl ToString, found: impl ToString, why: &str) -> Finding {
    let (expected, found) = (expected.to_string(), found.to_string());
    let message = format!("{location}：{why}，应为{expected}，实为{found}");
    Finding { rule, severity: rule.severity(), location, expected, found, message }
}

fn v(c: Count) -> i64 {
    c.unwrap_or(0)
}

/// Every rule that needs only this report.
pub fn validate(report: &AnnualReport) -> Vec<Finding> {
    validate_masked(report, &Unsure::default())
}

/// Every rule that needs only this report, on a report read from someone's text: no identity that
/// involves a cell the reader was unsure of is judged.
pub fn validate_read(parsed: &ParsedReport) -> Vec<Finding> {
    validate_masked(&parsed.report, &parsed.unsure)
}

fn validate_masked(report: &AnnualReport, unsure: &Unsure) -> Vec<Finding> {
    let mut out = Vec::new();
    let t3 = &report.table3;
    let total_col = ApplicantColumn::Total;

    // 表三 row totals.
    for row in all_rows(report) {
        let Some(cells) = t3.row(row) else { continue };
        if unsure.row3(row) {
            continue;
        }
        let parts: i64 = ApplicantColumn::APPLICANTS.iter().map(|c| v(cells[c.index()])).sum();
        if parts != v(cells[total_col.index()]) {
            out.push(finding(
                Rule::Table3RowTotal,
                format!("表三 {} · 总计", row_name(row)),
                parts,
                v(cells[total_col.index()]),
                "总计列应等于自然人与五类法人或其他组织之和",
            ));
        }
    }
    // 表三 column rules.
    let outcome_rows = t3.outcome_rows();
    for col in ApplicantColumn::ALL {
        let sum: i64 = outcome_rows.iter().map(|r| t3.value(*r, col)).sum();
        let total = t3.value(Table3Row::Total, col);
        let c_unsure = outcome_rows.iter().chain(&[Table3Row::Total]).any(|r| unsure.cell3(*r, col));
        let b_unsure = [Table3Row::NewThisYear, Table3Row::CarriedOver, Table3Row::Total, Table3Row::CarriedForward]
            .iter()
            .any(|r| unsure.cell3(*r, col));
        if sum != total && !c_unsure {
            out.push(finding(
                Rule::Table3OutcomeTotal,
                format!("表三 （七）总计 · {}", col.label()),
                sum,
                total,
                "（七）总计应等于（一）至（六）各行之和",
            ));
        }
        let left = t3.value(Table3Row::NewThisYear, col) + t3.value(Table3Row::CarriedOver, col);
        let right = total + t3.value(Table3Row::CarriedForward, col);
        if left != right && !b_unsure {
            out.push(finding(
                Rule::Table3Balance,
                format!("表三 {} 列", col.label()),
                format!(
                    "第一项{}加第二项{}之和{}",
                    t3.value(Table3Row::NewThisYear, col),
                    t3.value(Table3Row::CarriedOver, col),
                    left
                ),
                format!("第三项（七）总计{}加第四项{}之和{}", total, t3.value(Table3Row::CarriedForward, col), right),
                "第一项加第二项之和应等于第三项加第四项之和",
            ));
        }
    }
    // 表三 negatives and implausible figures.
    let applications = t3.value(Table3Row::NewThisYear, total_col) + t3.value(Table3Row::CarriedOver, total_col);
    for row in all_rows(report) {
        let Some(cells) = t3.row(row) else { continue };
        for col in ApplicantColumn::ALL {
            if let Some(n) = cells[col.index()]
                && n < 0
            {
                out.push(finding(
                    Rule::NegativeFigure,
                    format!("表三 {} · {}", row_name(row), col.label()),
                    "不小于0",
                    n,
                    "申请数不能为负",
                ));
            }
        }
        let exceeds_unsure =
            [row, Table3Row::NewThisYear, Table3Row::CarriedOver].iter().any(|r| unsure.cell3(*r, total_col));
        if !matches!(row, Table3Row::NewThisYear | Table3Row::CarriedOver | Table3Row::Total) && !exceeds_unsure {
            let n = v(cells[total_col.index()]);
            if n > applications {
                out.push(finding(
                    Rule::OutcomeExceedsApplications,
                    format!("表三 {} · 总计", row_name(row)),
                    format!("不超过本年新收与上年结转之和{applications}"),
                    n,
                    "这一行超过了全部申请数",
                ));
            }
        }
    }
    // Blank columns: a column blank in every row while others are filled.
    let filled = |col: ApplicantColumn| t3.rows.values().any(|r| r[col.index()].is_some());
    if ApplicantColumn::ALL.iter().any(|c| filled(*c)) && unsure.table3.is_empty() {
        for col in ApplicantColumn::ALL {
            if !filled(col) {
                out.push(finding(
                    Rule::BlankColumn,
                    format!("表三 {} 列", col.label()),
                    "填写数字（没有的填0）",
                    "整列空白",
                    "整列未填",
                ));
            }
        }
    }

    // 表四.
    let groups = report.table4.groups();
    for (g, o) in groups.iter().enumerate() {
        let a = o.to_array();
        let parts: i64 = a[..4].iter().map(|c| v(*c)).sum();
        if parts != v(a[4]) && !unsure.table4[g * 5..g * 5 + 5].iter().any(|x| *x) {
            out.push(finding(
                Rule::Table4Total,
                format!("表四 {} · 总计", T4_GROUPS[g].1),
                format!("{}（{}+{}+{}+{}）", parts, v(a[0]), v(a[1]), v(a[2]), v(a[3])),
                v(a[4]),
                "总计应等于结果维持、结果纠正、其他结果、尚未审结之和",
            ));
        }
        for (i, c) in a.iter().enumerate() {
            if let Some(n) = c
                && *n < 0
            {
                out.push(finding(
                    Rule::NegativeFigure,
                    format!("表四 {} · {}", T4_GROUPS[g].1, T4_OUTCOMES[i].1),
                    "不小于0",
                    n,
                    "案件数不能为负",
                ));
            }
        }
    }
    let group_filled: Vec<bool> = groups.iter().map(|o| o.to_array().iter().any(Option::is_some)).collect();
    if group_filled.iter().any(|f| *f) && !unsure.table4.iter().any(|x| *x) {
        for (g, f) in group_filled.iter().enumerate() {
            if !f {
                out.push(finding(
                    Rule::BlankColumn,
                    format!("表四 {}", T4_GROUPS[g].1),
                    "填写数字（没有的填0）",
                    "整组空白",
                    "整组未填",
                ));
            }
        }
    }

    // 表二.
    for block in table2_blocks(report.format) {
        for row in block.rows {
            for col in block.columns {
                if let Some(d) = report.table2.get(row.code, col.code)
                    && d.is_negative()
                    && col.kind != ColumnKind::Change
                {
                    out.push(finding(
                        Rule::NegativeFigure,
                        format!("表二 {} {} · {}", block.caption, row.label, col.label),
                        "不小于0",
                        d,
                        "只有“本年增/减”可以为负",
                    ));
                }
            }
            let prev = report.table2.get(row.code, "previous_count");
            let change = report.table2.get(row.code, "change");
            if report.format == FormatVersion::V2019
                && block.columns.iter().any(|c| c.kind == ColumnKind::Change)
                && let Some(sum) = prev.unwrap_or_default_zero().checked_add(change.unwrap_or_default_zero())
                && sum.is_negative()
            {
                out.push(finding(
                    Rule::Table2NegativeItems,
                    format!("表二 {} {}", block.caption, row.label),
                    "上一年项目数量加本年增/减不小于0",
                    format!("{}{}={}", prev.unwrap_or_default_zero(), signed(change.unwrap_or_default_zero()), sum),
                    "本年项目数量不能为负",
                ));
            }
        }
    }

    // Layout.
    if report.format != FormatVersion::for_year(report.year) {
        out.push(finding(
            Rule::FormatMismatch,
            "报告格式".into(),
            format!(
                "{}年度用{}格式（{}）",
                report.year,
                FormatVersion::for_year(report.year).code(),
                FormatVersion::for_year(report.year).document()
            ),
            format!("{}格式", report.format.code()),
            "格式与年度不符",
        ));
    }
    if report.format == FormatVersion::V2021 && t3.row(Table3Row::OtherHandling).is_some() {
        out.push(finding(
            Rule::FormatMismatch,
            "表三 （六）其他处理".into(),
            "分列2021年格式的3个子项",
            "印成一行",
            "（六）其他处理没有按2021年格式分项",
        ));
    }

    out.extend(cross_check(report).findings);
    out
}

trait ZeroDefault {
    fn unwrap_or_default_zero(self) -> super::Decimal;
}
impl ZeroDefault for Option<super::Decimal> {
    fn unwrap_or_default_zero(self) -> super::Decimal {
        self.unwrap_or(super::Decimal::from_int(0))
    }
}

fn signed(d: super::Decimal) -> String {
    if d.is_negative() { d.to_string() } else { format!("+{d}") }
}

fn all_rows(report: &AnnualReport) -> Vec<Table3Row> {
    let mut rows = Table3Row::rows(report.format);
    if report.table3.row(Table3Row::OtherHandling).is_some() && !rows.contains(&Table3Row::OtherHandling) {
        rows.push(Table3Row::OtherHandling);
    }
    rows
}

fn row_name(row: Table3Row) -> String {
    match row.group_label() {
        Some(g) => format!("{g}{}", row.label()),
        None => row.label(),
    }
}

/// Rules across two consecutive years' reports of the same organ.
pub fn validate_against_previous(this: &AnnualReport, previous: &AnnualReport) -> Vec<Finding> {
    previous_masked(this, previous, &|_| false)
}

/// [`validate_against_previous`] on two reports read from someone's text: a column whose 上年结转
/// or previous 结转下年度 was not read with confidence is not judged.
pub fn validate_read_against_previous(this: &ParsedReport, previous: &ParsedReport) -> Vec<Finding> {
    previous_masked(&this.report, &previous.report, &|col| {
        this.unsure.cell3(Table3Row::CarriedOver, col) || previous.unsure.cell3(Table3Row::CarriedForward, col)
    })
}

/// One figure of two consecutive years: the table of changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// "表三 一、本年新收政府信息公开申请数量 · 总计"
    pub figure: String,
    pub previous: Option<i64>,
    pub this: Option<i64>,
}

/// The 总计 of every row of table 三 and of every group of table 四, last year against this year
/// (`None` where a cell was not read with confidence).
pub fn year_on_year_changes(this: &ParsedReport, previous: &ParsedReport) -> Vec<Change> {
    let mut out = Vec::new();
    let t3 = |p: &ParsedReport, row: Table3Row| -> Option<i64> {
        if p.unsure.cell3(row, ApplicantColumn::Total) {
            return None;
        }
        p.report.table3.row(row).map(|r| r[ApplicantColumn::Total.index()].unwrap_or(0))
    };
    let mut rows = all_rows(&this.report);
    for r in all_rows(&previous.report) {
        if !rows.contains(&r) {
            rows.push(r);
        }
    }
    for row in rows {
        let (a, b) = (t3(previous, row), t3(this, row));
        if a.is_none() && b.is_none() {
            continue;
        }
        out.push(Change { figure: format!("表三 {} · 总计", row_name(row)), previous: a, this: b });
    }
    let t4 = |p: &ParsedReport, g: usize| -> Option<i64> {
        (!p.unsure.table4[g * 5 + 4]).then(|| v(p.report.table4.to_array()[g * 5 + 4]))
    };
    for (g, (_, name)) in T4_GROUPS.iter().enumerate() {
        out.push(Change { figure: format!("表四 {name} · 总计"), previous: t4(previous, g), this: t4(this, g) });
    }
    out
}

fn previous_masked(
    this: &AnnualReport,
    previous: &AnnualReport,
    unsure: &dyn Fn(ApplicantColumn) -> bool,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for col in ApplicantColumn::ALL {
        if unsure(col) {
            continue;
        }
        let carried = this.table3.value(Table3Row::CarriedOver, col);
        let forward = previous.table3.value(Table3Row::CarriedForward, col);
        if carried != forward {
            out.push(finding(
                Rule::PreviousCarryOver,
                format!("表三 二、上年结转政府信息公开申请数量 · {}（{}年度）", col.label(), this.year),
                format!("{}年度报告的结转下年度继续办理{forward}", previous.year),
                carried,
                "上年结转应等于上一年度报告的结转下年度继续办理",
            ));
        }
    }
    if this.format == FormatVersion::V2019 && previous.format == FormatVersion::V2019 {
        for block in table2_blocks(this.format) {
            if !block.columns.iter().any(|c| c.kind == ColumnKind::Change) {
                continue;
            }
            for row in block.rows {
                let (Some(p), Some(c), Some(now)) = (
                    previous.table2.get(row.code, "previous_count"),
                    previous.table2.get(row.code, "change"),
                    this.table2.get(row.code, "previous_count"),
                ) else {
                    continue;
                };
                if let Some(expected) = p.checked_add(c)
                    && expected != now
                {
                    out.push(finding(
                        Rule::PreviousItemCount,
                        format!("表二 {} {} · 上一年项目数量", block.caption, row.label),
                        format!("{}年度的{p}{}={expected}", previous.year, signed(c)),
                        now,
                        "上一年项目数量应承接上一年度报告",
                    ));
                }
            }
        }
    }
    out
}

/// The figures section 一 states, and what checking them against the tables found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CrossCheck {
    pub statements: Vec<Statement>,
    /// How many statements were compared and agreed.
    pub agreed: usize,
    pub findings: Vec<Finding>,
}

/// Compares the figures section 一 states with tables 三 and 四 and with the totals they claim.
pub fn cross_check(report: &AnnualReport) -> CrossCheck {
    let statements = extract_statements(&report.sections.overview);
    let t3 = &report.table3;
    let total = |row: Table3Row| t3.value(row, ApplicantColumn::Total);
    let sum =
        |f: &dyn Fn(&Table3Row) -> bool| -> i64 { t3.outcome_rows().iter().filter(|r| f(r)).map(|r| total(*r)).sum() };
    let mut agreed = 0;
    let mut findings = Vec::new();
    for s in &statements {
        if s.approximate {
            continue;
        }
        use StatementKind::*;
        let (table, expected): (String, Vec<i64>) = match &s.kind {
            ApplicationsReceived => (
                "表三 一、本年新收政府信息公开申请数量".into(),
                vec![total(Table3Row::NewThisYear), total(Table3Row::NewThisYear) + total(Table3Row::CarriedOver)],
            ),
            Disclosed => ("表三 （一）予以公开".into(), vec![total(Table3Row::Disclosed)]),
            PartiallyDisclosed => ("表三 （二）部分公开".into(), vec![total(Table3Row::PartiallyDisclosed)]),
            Withheld => ("表三 （三）不予公开".into(), vec![sum(&|r| matches!(r, Table3Row::Withheld(_)))]),
            Unable => ("表三 （四）无法提供".into(), vec![sum(&|r| matches!(r, Table3Row::Unable(_)))]),
            NotHeld => ("表三 （四）1.本机关不掌握相关政府信息".into(), vec![total(Table3Row::Unable(1))]),
            NeedsCreating => ("表三 （四）2.没有现成信息需要另行制作".into(), vec![total(Table3Row::Unable(2))]),
            NotProcessed => ("表三 （五）不予处理".into(), vec![sum(&|r| matches!(r, Table3Row::NotProcessed(_)))]),
            Petition => ("表三 （五）1.信访举报投诉类申请".into(), vec![total(Table3Row::NotProcessed(1))]),
            Repeated => ("表三 （五）2.重复申请".into(), vec![total(Table3Row::NotProcessed(2))]),
            OtherHandling => (
                "表三 （六）其他处理".into(),
                vec![sum(&|r| matches!(r, Table3Row::OtherHandling | Table3Row::OtherHandlingSub(_)))],
            ),
            Answered => ("表三 （七）总计".into(), vec![total(Table3Row::Total)]),
            CarriedOver => ("表三 二、上年结转政府信息公开申请数量".into(), vec![total(Table3Row::CarriedOver)]),
            CarriedForward => ("表三 四、结转下年度继续办理".into(), vec![total(Table3Row::CarriedForward)]),
            Review { litigation, outcome } => {
                let g = report.table4.groups();
                let (name, n) = if *litigation {
                    ("行政诉讼", v(g[1].to_array()[*outcome]) + v(g[2].to_array()[*outcome]))
                } else {
                    ("行政复议", v(g[0].to_array()[*outcome]))
                };
                (format!("表四 {name} · {}", layout::T4_OUTCOMES[*outcome].1), vec![n])
            }
            Sum { parts } => {
                let parts_sum: i64 = parts.iter().sum();
                if parts_sum == s.value {
                    agreed += 1;
                } else {
                    findings.push(finding(
                        Rule::OverviewSum,
                        format!("第一部分 “{}”", s.text),
                        format!(
                            "{}{}（各项之和{}）",
                            parts_sum,
                            s.unit,
                            parts.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("+")
                        ),
                        format!("{}{}", s.value, s.unit),
                        "所称总数与其中各项之和不符",
                    ));
                }
                continue;
            }
        };
        if expected.contains(&s.value) {
            agreed += 1;
        } else {
            findings.push(finding(
                Rule::OverviewTableMismatch,
                format!("第一部分 “{}”", s.text),
                format!("{}为{}", table, expected[0]),
                format!("{}{}", s.value, s.unit),
                "正文所述数字与表格不符",
            ));
        }
    }
    CrossCheck { statements, agreed, findings }
}
