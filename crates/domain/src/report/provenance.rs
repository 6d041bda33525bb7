//! Where each cell of a computed report comes from (issue 17): the rule that counted it, said in
//! words a clerk and an auditor read — which records, which dates, which kind — and, for table 二's
//! imported records, the records themselves. The app pairs these with the cells it computed and
//! with the figures staff entered (who and when), so that `report build --to json` and the staff
//! page show, for every cell, `records` with its query or `entered` with its author.

use chrono::NaiveDate;

use super::records::{PowerKind, Table2Records};
use crate::application::TABLE4_COLUMNS;
use crate::format::{ApplicantColumn, FormatVersion, Table3Row};

fn kind_of(row: &str) -> Option<PowerKind> {
    PowerKind::ALL.into_iter().find(|k| k.row() == row)
}

/// The rule behind a cell of table 二 that Gongkai's records decide: the published 规章 and
/// 规范性文件 (条例第二十条第（一）项), and the imported 权力清单, decisions, fees and
/// procurement. None for a cell no record decides.
pub fn table2_query(format: FormatVersion, year: i32, row: &str, col: &str) -> Option<String> {
    let y = year;
    let prev = year - 1;
    if row == "rules" || row == "normative_documents" {
        let what = if row == "rules" { "规章" } else { "规范性文件" };
        let base = format!("本平台主动公开记录中类别为{what}（条例第二十条第（一）项）的信息");
        return Some(match col {
            "new_made" | "issued" => format!("{base}，成文日期（无则发布日期）在{y}年1月1日至12月31日之间，计件数"),
            "new_published" => format!("{base}，发布日期在{y}年内，计件数"),
            "repealed" => format!("{base}，效力为废止或失效且失效日期在{y}年内，计件数"),
            "total_published" | "in_force" => format!("{base}，{y}年12月31日有效（已生效、未废止），计件数"),
            _ => return None,
        });
    }
    if row == "procurement" {
        return Some(match col {
            "projects" => format!("导入的政府集中采购项目记录，签订日期在{y}年内，计项目数"),
            "amount" => format!("导入的政府集中采购项目记录，签订日期在{y}年内，金额合计（万元，精确到元）"),
            _ => return None,
        });
    }
    let kind = kind_of(row)?;
    let k = kind.label();
    Some(match (format, col) {
        (FormatVersion::V2019, "previous_count") => {
            format!(
                "导入的权力清单中事项类别为{k}、{prev}年12月31日有效（生效日期不晚于该日、未取消或取消日期晚于该日）的事项数"
            )
        }
        (FormatVersion::V2019, "change") => {
            format!("导入的权力清单中事项类别为{k}、{y}年12月31日有效的事项数，减去{prev}年12月31日有效的事项数")
        }
        (_, "decisions") => format!("导入的处理决定记录中事项类别为{k}、决定日期在{y}年1月1日至12月31日之间的决定数"),
        (FormatVersion::V2021, "amount") if kind == PowerKind::Fees => {
            format!("导入的行政事业性收费记录，收费日期在{y}年内，金额合计（万元，精确到元）")
        }
        _ => return None,
    })
}

/// The imported records behind a cell of table 二 (names, 文号 or 编号 with their dates), as the
/// staff page lists them; empty for cells of the published items.
pub fn table2_records(format: FormatVersion, year: i32, row: &str, col: &str, r: &Table2Records) -> Vec<String> {
    let (Some(end_before), Some(end)) =
        (NaiveDate::from_ymd_opt(year - 1, 12, 31), NaiveDate::from_ymd_opt(year, 12, 31))
    else {
        return vec![];
    };
    let in_year = |d: NaiveDate| d > end_before && d <= end;
    if row == "procurement" {
        return r
            .procurement
            .iter()
            .flatten()
            .filter(|p| in_year(p.on))
            .map(|p| format!("{} {} {}元", p.reference, p.on, p.amount_fen as f64 / 100.0))
            .collect();
    }
    let Some(kind) = kind_of(row) else { return vec![] };
    match (format, col) {
        (FormatVersion::V2019, "previous_count" | "change") => {
            let on = if col == "previous_count" { end_before } else { end };
            r.powers
                .iter()
                .flatten()
                .filter(|p| p.kind == kind && p.in_force_on(on))
                .map(|p| {
                    let to = p.repealed_on.map(|d| format!("，取消于{d}")).unwrap_or_default();
                    format!("{}（生效于{}{to}）", p.name, p.effective_on)
                })
                .collect()
        }
        (_, "decisions") => r
            .decisions
            .iter()
            .flatten()
            .filter(|d| d.kind == kind && in_year(d.decided_on))
            .map(|d| format!("{} {}", d.reference, d.decided_on))
            .collect(),
        (FormatVersion::V2021, "amount") => r
            .fees
            .iter()
            .flatten()
            .filter(|p| in_year(p.on))
            .map(|p| format!("{} {} {}元", p.reference, p.on, p.amount_fen as f64 / 100.0))
            .collect(),
        _ => vec![],
    }
}

/// The rule behind a cell of table 三 (条例第三十三条至第三十九条; the formats' meanings).
pub fn table3_query(row: Table3Row, column: ApplicantColumn, year: i32) -> String {
    let who = format!("申请人为{}", column.label());
    let rule = match row {
        Table3Row::NewThisYear => format!("收到申请之日在{year}年内的申请"),
        Table3Row::CarriedOver => format!("{}年收到、{year}年1月1日仍在办理的申请", year - 1),
        Table3Row::CarriedForward => format!("{year}年12月31日仍在办理（未答复、未终止）的申请"),
        Table3Row::Total => format!("{year}年内办结（答复、终止或撤回）的申请，各办理结果之和"),
        other => format!("{year}年内办结、办理结果为“{}”的申请", other.label()),
    };
    if column == ApplicantColumn::Total {
        format!("申请记录：{rule}，全部申请人")
    } else {
        format!("申请记录：{rule}，{who}")
    }
}

/// The rule behind a column of table 四 (行政复议法第六十二条: a case counts once, in the year of
/// its decision, or as 尚未审结 at the end of each year it is open).
pub fn table4_query(index: usize, year: i32) -> String {
    let label = TABLE4_COLUMNS.get(index).copied().unwrap_or("");
    let (kind, result) = label.split_once('·').unwrap_or((label, ""));
    let rule = match result {
        "尚未审结" => format!("{year}年12月31日前提起、当日尚未审结（或撤回）的案件"),
        "总计" => format!("{year}年审结的案件与年末尚未审结的案件之和"),
        r => format!("{year}年内审结、{r}的案件（撤回计入其他结果）"),
    };
    format!("行政复议、行政诉讼记录：{kind}，{rule}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::layout::table2_blocks;

    #[test]
    fn every_cell_that_records_can_decide_has_its_rule_said() {
        for format in [FormatVersion::V2019, FormatVersion::V2021] {
            for block in table2_blocks(format) {
                for row in block.rows {
                    for col in block.columns {
                        let q = table2_query(format, 2024, row.code, col.code);
                        assert!(
                            q.as_deref().is_some_and(|q| q.contains("2024年") || q.contains("2023年12月31日")),
                            "{format:?} {}.{}",
                            row.code,
                            col.code
                        );
                    }
                }
            }
        }
        assert!(
            table2_query(FormatVersion::V2019, 2020, "licensing", "previous_count").unwrap().contains("2019年12月31日")
        );
    }

    #[test]
    fn table_three_and_four_rules_name_the_year_and_the_kind() {
        let q = table3_query(Table3Row::CarriedOver, ApplicantColumn::NaturalPerson, 2024);
        assert!(q.contains("2023年收到") && q.contains("自然人"), "{q}");
        let q = table4_query(3, 2023);
        assert!(q.contains("行政复议") && q.contains("2023年12月31日") && q.contains("尚未审结"), "{q}");
    }
}
