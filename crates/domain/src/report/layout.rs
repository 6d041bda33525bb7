//! The two official report formats as data: section headings, table 二's blocks, table 三's
//! header and rows, table 四's columns (国办公开办函〔2019〕60号; 〔2021〕30号; ogi-facts.md §1–2).
//! Labels are the official text, full-width punctuation included. Parser, renderers and rules all
//! read these tables; no label is spelt anywhere else.

use crate::format::{FormatVersion, Table3Row};

/// What a column of table 二 holds, which decides which rules apply to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// A count: never negative.
    Count,
    /// 本年增/减: may be negative.
    Change,
    /// A money amount (采购总金额, 本年收费金额): never negative, may have decimals.
    Amount,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub code: &'static str,
    pub label: &'static str,
    pub kind: ColumnKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    pub code: &'static str,
    pub label: &'static str,
    /// Fragments that identify the row in a published report, typos and line breaks included.
    pub keywords: &'static [&'static str],
}

/// One block of table 二: caption row, header row (信息内容 + columns), data rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Block {
    /// The Art. 20 item, "（一）".
    pub item: &'static str,
    /// "第二十条第（一）项"
    pub caption: &'static str,
    pub columns: &'static [Column],
    pub rows: &'static [Row],
}

pub const INFO_CONTENT: &str = "信息内容";

const fn col(code: &'static str, label: &'static str, kind: ColumnKind) -> Column {
    Column { code, label, kind }
}
const fn row(code: &'static str, label: &'static str, keywords: &'static [&'static str]) -> Row {
    Row { code, label, keywords }
}

const RULES: Row = row("rules", "规章", &["规章"]);
const LICENSING: Row = row("licensing", "行政许可", &["行政许可"]);
const PENALTY: Row = row("penalty", "行政处罚", &["行政处罚"]);
const COERCION: Row = row("coercion", "行政强制", &["行政强制"]);
const FEES: Row = row("fees", "行政事业性收费", &["事业性收费"]);

const PREVIOUS: Column = col("previous_count", "上一年项目数量", ColumnKind::Count);
const CHANGE: Column = col("change", "本年增/减", ColumnKind::Change);
const DECISIONS_2019: Column = col("decisions", "处理决定数量", ColumnKind::Count);
const DECISIONS_2021: Column = col("decisions", "本年处理决定数量", ColumnKind::Count);

static TABLE2_2019: [Block; 5] = [
    Block {
        item: "（一）",
        caption: "第二十条第（一）项",
        columns: &[
            col("new_made", "本年新制作数量", ColumnKind::Count),
            col("new_published", "本年新公开数量", ColumnKind::Count),
            col("total_published", "对外公开总数量", ColumnKind::Count),
        ],
        rows: &[RULES, row("normative_documents", "规范性文件", &["规范性文件"])],
    },
    Block {
        item: "（五）",
        caption: "第二十条第（五）项",
        columns: &[PREVIOUS, CHANGE, DECISIONS_2019],
        rows: &[LICENSING, row("other_services", "其他对外管理服务事项", &["对外管理服务", "管理服务事项"])],
    },
    Block {
        item: "（六）",
        caption: "第二十条第（六）项",
        columns: &[PREVIOUS, CHANGE, DECISIONS_2019],
        rows: &[PENALTY, COERCION],
    },
    Block { item: "（八）", caption: "第二十条第（八）项", columns: &[PREVIOUS, CHANGE], rows: &[FEES] },
    Block {
        item: "（九）",
        caption: "第二十条第（九）项",
        columns: &[col("projects", "采购项目数量", ColumnKind::Count), col("amount", "采购总金额", ColumnKind::Amount)],
        rows: &[row("procurement", "政府集中采购", &["集中采购"])],
    },
];

static TABLE2_2021: [Block; 4] = [
    Block {
        item: "（一）",
        caption: "第二十条第（一）项",
        columns: &[
            col("issued", "本年制发件数", ColumnKind::Count),
            col("repealed", "本年废止件数", ColumnKind::Count),
            col("in_force", "现行有效件数", ColumnKind::Count),
        ],
        rows: &[RULES, row("normative_documents", "行政规范性文件", &["规范性文件"])],
    },
    Block { item: "（五）", caption: "第二十条第（五）项", columns: &[DECISIONS_2021], rows: &[LICENSING] },
    Block {
        item: "（六）", caption: "第二十条第（六）项", columns: &[DECISIONS_2021], rows: &[PENALTY, COERCION]
    },
    Block {
        item: "（八）",
        caption: "第二十条第（八）项",
        columns: &[col("amount", "本年收费金额（单位：万元）", ColumnKind::Amount)],
        rows: &[FEES],
    },
];

/// The blocks of table 二 for `format`, in order.
pub fn table2_blocks(format: FormatVersion) -> &'static [Block] {
    match format {
        FormatVersion::V2019 => &TABLE2_2019,
        FormatVersion::V2021 => &TABLE2_2021,
    }
}

/// The block and row of table 二 with this row code.
pub fn table2_row(format: FormatVersion, code: &str) -> Option<(&'static Block, &'static Row)> {
    table2_blocks(format).iter().find_map(|b| b.rows.iter().find(|r| r.code == code).map(|r| (b, r)))
}

/// The six section headings.
pub fn section_headings(format: FormatVersion) -> [&'static str; 6] {
    [
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        match format {
            FormatVersion::V2019 => "五、政府信息公开工作存在的主要问题及改进情况",
            FormatVersion::V2021 => "五、存在的主要问题及改进情况",
        },
        "六、其他需要报告的事项",
    ]
}

/// Table 三's header block (the same in both formats).
pub const T3_BALANCE_NOTE: &str = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）";
pub const T3_APPLICANTS: &str = "申请人情况";
pub const T3_ORGANISATIONS: &str = "法人或其他组织";
/// Group label of the outcome rows.
pub const T3_OUTCOMES: &str = "三、本年度办理结果";

/// The rows of table 三 for `format` (see [`Table3Row::rows`]).
pub fn table3_rows(format: FormatVersion) -> Vec<Table3Row> {
    Table3Row::rows(format)
}

/// Table 四: group codes and labels, and the five outcome columns of each group.
pub const T4_RECONSIDERATION: &str = "行政复议";
pub const T4_LITIGATION: &str = "行政诉讼";
pub const T4_GROUPS: [(&str, &str); 3] = [
    ("reconsideration", "行政复议"),
    ("litigation_direct", "未经复议直接起诉"),
    ("litigation_after_reconsideration", "复议后起诉"),
];
pub const T4_OUTCOMES: [(&str, &str); 5] = [
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_2021_format_dropped_item_nine_and_kept_the_row_codes_of_item_one() {
        assert_eq!(table2_blocks(FormatVersion::V2019).len(), 5);
        assert_eq!(table2_blocks(FormatVersion::V2021).len(), 4);
        assert!(table2_row(FormatVersion::V2021, "procurement").is_none());
        assert_eq!(table2_row(FormatVersion::V2021, "normative_documents").unwrap().1.label, "行政规范性文件");
    }

    #[test]
    fn row_keywords_identify_exactly_one_row_of_table_two() {
        for f in [FormatVersion::V2019, FormatVersion::V2021] {
            let rows: Vec<&Row> = table2_blocks(f).iter().flat_map(|b| b.rows.iter()).collect();
            for r in &rows {
                let hits = rows.iter().filter(|o| o.keywords.iter().any(|k| r.label.contains(k))).count();
                assert_eq!(hits, 1, "{}", r.label);
            }
        }
    }
}
