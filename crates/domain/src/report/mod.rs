//! 年度报告 — the statutory annual report on open government information (条例第四十九、五十条).
//!
//! The two official formats (国办公开办函〔2019〕60号 and 〔2021〕30号) are data in [`layout`];
//! [`AnnualReport`] is the report as a value; [`validate`] checks the format's arithmetic and the
//! figures section 一 states; [`parse`] reads anyone's published report (flattened web text,
//! `pdftotext -layout` output, HTML) and [`render_text`] & co. write one. Everything here is pure.
//!
//! # JSON schema (stable)
//!
//! ```text
//! {
//!   "year": 2020, "format": "2019" | "2021", "organ": "汝州市人民政府",
//!   "sections": { "preamble": str, "overview": str, "problems": str, "other": str },
//!   "table2": { "<row code>": { "<column code>": "<decimal>" | null } },   // codes: layout::table2_blocks
//!   "table3": { "<Table3Row::code()>": [7 × (int | null)] },                 // ApplicantColumn order, 总计 last
//!   "table4": { "reconsideration" | "litigation_direct" | "litigation_after_reconsideration":
//!               { "upheld", "corrected", "other", "pending", "total": int | null } }
//! }
//! ```
//! Decimals are strings ("85637.6331", "-36") so money never passes through a float; `null` is a
//! cell left blank in the source (validation reads it as 0).

mod decimal;
mod draft;
mod glued;
pub mod layout;
mod lifecycle;
mod parse;
pub mod provenance;
pub mod records;
mod render;
pub mod sample;
mod statement;
mod validate;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::format::{ApplicantColumn, FormatVersion, Table3Row};

pub use decimal::Decimal;
pub use draft::{ChannelCount, OverviewInput, channel_counts, draft_overview};
pub use lifecycle::{ReportEffect, ReportEvent, ReportStatus, ReportTransitionError, apply};
pub use parse::{NotAReport, ParsedReport, html_to_text, parse};
pub use render::{render_html, render_json, render_markdown, render_text};
pub use statement::{Statement, StatementKind, extract_statements};
pub use validate::{
    Change, CrossCheck, Finding, Rule, Severity, cross_check, validate, validate_against_previous, validate_read,
    validate_read_against_previous, year_on_year_changes,
};

/// The cells of a report read from someone's text that the reader could not read with confidence
/// (a row read partly, a glued run of digits with several readings). No identity involving one of
/// them is judged.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unsure {
    /// Row code of table 三 → which of its 7 cells are unsure. Rows absent here are sure.
    pub table3: BTreeMap<String, [bool; 7]>,
    /// Table 四's 15 cells, left to right.
    pub table4: [bool; 15],
}

impl Unsure {
    pub fn cell3(&self, row: Table3Row, column: ApplicantColumn) -> bool {
        self.table3.get(&row.code()).is_some_and(|m| m[column.index()])
    }
    pub fn row3(&self, row: Table3Row) -> bool {
        self.table3.get(&row.code()).is_some_and(|m| m.iter().any(|x| *x))
    }
    pub fn is_empty(&self) -> bool {
        self.table3.values().all(|m| m.iter().all(|x| !x)) && self.table4.iter().all(|x| !x)
    }
}

/// Where a cell was read: 1-based line and column (in characters) of the text the reader was
/// given (for HTML, .docx and PDF: of the text they were turned into).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CellSource {
    pub line: usize,
    pub column: usize,
}

/// Where every cell of tables 三 and 四 was read; `None` for a cell not found in the text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sources {
    pub table3: BTreeMap<String, [Option<CellSource>; 7]>,
    pub table4: [Option<CellSource>; 15],
}

/// One annual report, as published or as computed from the records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnualReport {
    pub year: i32,
    pub format: FormatVersion,
    /// The reporting organ as the title names it ("淮安市人民政府"); empty when the source had no title.
    pub organ: String,
    pub sections: Sections,
    pub table2: Table2,
    pub table3: Table3,
    pub table4: Table4,
}

/// The prose parts. Each is lines joined with '\n', trimmed, no empty lines.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sections {
    /// Text between the title and 一、总体情况 (who compiled it, the period, contacts).
    pub preamble: String,
    /// 一、总体情况
    pub overview: String,
    /// 五、（政府信息公开工作）存在的主要问题及改进情况
    pub problems: String,
    /// 六、其他需要报告的事项
    pub other: String,
}

/// A cell of table 二: a decimal, or blank.
pub type Amount = Option<Decimal>;
/// A cell of tables 三 and 四: a count, or blank. Signed so that a wrong published negative is kept.
pub type Count = Option<i64>;

/// Table 二 (主动公开政府信息情况): row code → column code → cell; codes in [`layout`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Table2 {
    pub rows: BTreeMap<String, BTreeMap<String, Amount>>,
}

impl Table2 {
    /// Every row and column of `format`, all blank.
    pub fn blank(format: FormatVersion) -> Table2 {
        let mut rows = BTreeMap::new();
        for block in layout::table2_blocks(format) {
            for row in block.rows {
                let cols = block.columns.iter().map(|c| (c.code.to_string(), None)).collect();
                rows.insert(row.code.to_string(), cols);
            }
        }
        Table2 { rows }
    }
    pub fn get(&self, row: &str, column: &str) -> Amount {
        self.rows.get(row).and_then(|r| r.get(column)).copied().flatten()
    }
    pub fn set(&mut self, row: &str, column: &str, value: Amount) {
        self.rows.entry(row.to_string()).or_default().insert(column.to_string(), value);
    }
}

/// Table 三 (收到和处理政府信息公开申请情况): row code → the 7 applicant columns, 总计 last.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Table3 {
    pub rows: BTreeMap<String, [Count; 7]>,
}

impl Table3 {
    /// Every row of `format`, all blank.
    pub fn blank(format: FormatVersion) -> Table3 {
        Table3 { rows: Table3Row::rows(format).into_iter().map(|r| (r.code(), [None; 7])).collect() }
    }
    pub fn row(&self, row: Table3Row) -> Option<&[Count; 7]> {
        self.rows.get(&row.code())
    }
    /// The cell, blank or absent read as 0.
    pub fn value(&self, row: Table3Row, column: ApplicantColumn) -> i64 {
        self.row(row).and_then(|r| r[column.index()]).unwrap_or(0)
    }
    pub fn set(&mut self, row: Table3Row, column: ApplicantColumn, value: Count) {
        self.rows.entry(row.code()).or_insert([None; 7])[column.index()] = value;
    }
    /// The rows present that are parts of （七）总计, in official order. A 2021 report that printed
    /// （六）其他处理 as one row keeps that row, so both shapes are summed correctly.
    pub fn outcome_rows(&self) -> Vec<Table3Row> {
        let mut all = Table3Row::outcome_rows(FormatVersion::V2019);
        all.extend((1..=3).map(Table3Row::OtherHandlingSub));
        all.into_iter().filter(|r| self.rows.contains_key(&r.code())).collect()
    }
}

/// The five figures of one group of table 四.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcomes {
    pub upheld: Count,    // 结果维持
    pub corrected: Count, // 结果纠正
    pub other: Count,     // 其他结果
    pub pending: Count,   // 尚未审结
    pub total: Count,     // 总计
}

impl Outcomes {
    pub fn to_array(self) -> [Count; 5] {
        [self.upheld, self.corrected, self.other, self.pending, self.total]
    }
    pub fn from_array(a: [Count; 5]) -> Outcomes {
        Outcomes { upheld: a[0], corrected: a[1], other: a[2], pending: a[3], total: a[4] }
    }
}

/// Table 四 (政府信息公开行政复议、行政诉讼情况): 15 figures in three groups.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table4 {
    pub reconsideration: Outcomes,                  // 行政复议
    pub litigation_direct: Outcomes,                // 行政诉讼 · 未经复议直接起诉
    pub litigation_after_reconsideration: Outcomes, // 行政诉讼 · 复议后起诉
}

impl Table4 {
    /// The 15 cells left to right as printed.
    pub fn to_array(&self) -> [Count; 15] {
        let mut out = [None; 15];
        for (g, o) in self.groups().iter().enumerate() {
            out[g * 5..g * 5 + 5].copy_from_slice(&o.to_array());
        }
        out
    }
    pub fn from_array(a: [Count; 15]) -> Table4 {
        let g = |i: usize| Outcomes::from_array([a[i], a[i + 1], a[i + 2], a[i + 3], a[i + 4]]);
        Table4 { reconsideration: g(0), litigation_direct: g(5), litigation_after_reconsideration: g(10) }
    }
    pub fn groups(&self) -> [Outcomes; 3] {
        [self.reconsideration, self.litigation_direct, self.litigation_after_reconsideration]
    }
}

impl AnnualReport {
    /// A report of `format` with every cell blank and no prose.
    pub fn blank(year: i32, format: FormatVersion, organ: &str) -> AnnualReport {
        AnnualReport {
            year,
            format,
            organ: organ.to_string(),
            sections: Sections::default(),
            table2: Table2::blank(format),
            table3: Table3::blank(format),
            table4: Table4::default(),
        }
    }
    /// "淮安市人民政府2024年政府信息公开工作年度报告"
    pub fn title(&self) -> String {
        format!("{}{}年政府信息公开工作年度报告", self.organ, self.year)
    }
}
