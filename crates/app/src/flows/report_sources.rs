//! Every cell of a computed report with its source (issue 17): `records` with the rule that
//! counted it (and, on the staff page, the records themselves), `entered` with who entered it and
//! when, or `none` for a cell no record decides and nobody entered. Mirrors the precedence of
//! `report::compute`: imported records, then an entered figure, then the published items.

use gongkai_domain::format::{ApplicantColumn, FormatVersion};
use gongkai_domain::report::{self, AnnualReport, provenance};
use serde::Serialize;

use super::report::{Table2Origin, table2_origin};
use crate::db::{self, Db};
use crate::error::Result;

#[derive(Debug, Clone, Serialize)]
pub struct CellSource {
    /// "二", "三" or "四".
    pub table: &'static str,
    /// "licensing.decisions", "disclosed.natural_person", "4.3" (table 四's column index).
    pub cell: String,
    /// The cell's words: block, row and column.
    pub label: String,
    pub value: Option<String>,
    /// "records", "entered" or "none".
    pub source: &'static str,
    /// The rule that counted it (records).
    pub query: Option<String>,
    /// The staff page that shows the cell with its records.
    pub link: String,
    pub entered_by: Option<String>,
    pub entered_at: Option<String>,
}

/// The anchor of a cell on the sources page.
pub fn anchor(table: &str, cell: &str) -> String {
    let t = match table {
        "二" => "t2",
        "三" => "t3",
        _ => "t4",
    };
    format!("{t}-{}", cell.replace('.', "-"))
}

/// The sources page of a year and scope.
pub fn page_link(unit_id: Option<i64>, year: i32) -> String {
    match unit_id {
        Some(u) => format!("/staff/reports/sources?year={year}&unit_id={u}"),
        None => format!("/staff/reports/sources?year={year}"),
    }
}

/// The source of every cell of `r`, computed for `unit_id` and its year.
pub async fn sources(db: &Db, unit_id: Option<i64>, r: &AnnualReport) -> Result<Vec<CellSource>> {
    let year = r.year;
    let format = r.format;
    let page = page_link(unit_id, year);
    let from_records = super::report_records::computed_cells(db, unit_id, year, format).await?;
    let figures = db::report::figures(db, unit_id, year).await?;
    let mut out = vec![];
    for block in report::layout::table2_blocks(format) {
        for row in block.rows {
            for col in block.columns {
                let cell = format!("{}.{}", row.code, col.code);
                let entered = figures.iter().find(|f| f.figure == cell);
                let in_records = from_records.contains_key(&(row.code.to_string(), col.code.to_string()));
                let (source, by_records) = match table2_origin(row.code, in_records, entered.is_some()) {
                    Table2Origin::Records | Table2Origin::PublishedItems => ("records", true),
                    Table2Origin::Entered => ("entered", false),
                    Table2Origin::Nothing => ("none", false),
                };
                out.push(CellSource {
                    table: "二",
                    label: format!("{} {} {}", block.item, row.label, col.label),
                    value: r.table2.get(row.code, col.code).map(|d| d.to_string()),
                    source,
                    query: if by_records { provenance::table2_query(format, year, row.code, col.code) } else { None },
                    link: format!("{page}#{}", anchor("二", &cell)),
                    entered_by: entered.filter(|_| !by_records).map(|f| f.entered_by.clone()),
                    entered_at: entered.filter(|_| !by_records).map(|f| f.entered_at.clone()),
                    cell,
                });
            }
        }
    }
    for row in report::layout::table3_rows(format) {
        for col in ApplicantColumn::ALL {
            let cell = format!("{}.{}", row.code(), col.code());
            out.push(CellSource {
                table: "三",
                label: format!("{} {}", row.label(), col.label()),
                value: r.table3.row(row).and_then(|v| v[col.index()]).map(|v| v.to_string()),
                source: "records",
                query: Some(provenance::table3_query(row, col, year)),
                link: format!("{page}#{}", anchor("三", &cell)),
                entered_by: None,
                entered_at: None,
                cell,
            });
        }
    }
    for (i, v) in r.table4.to_array().iter().enumerate() {
        let cell = i.to_string();
        out.push(CellSource {
            table: "四",
            label: gongkai_domain::application::TABLE4_COLUMNS[i].to_string(),
            value: v.map(|v| v.to_string()),
            source: "records",
            query: Some(provenance::table4_query(i, year)),
            link: format!("{page}#{}", anchor("四", &cell)),
            entered_by: None,
            entered_at: None,
            cell,
        });
    }
    Ok(out)
}

/// The records behind each cell, for the staff page: table 二's imported records by name or
/// number, table 三's applications (id, tracking code), table 四's cases.
pub async fn records_behind(
    db: &Db,
    unit_id: Option<i64>,
    year: i32,
    format: FormatVersion,
    cells: &[CellSource],
) -> Result<std::collections::BTreeMap<String, Vec<(String, Option<String>)>>> {
    let mut out = std::collections::BTreeMap::new();
    let t2 = super::report_records::records(db, unit_id).await?;
    let (_, _, apps) = super::application::statistics(db, unit_id, year, format).await?;
    for c in cells.iter().filter(|c| c.source == "records") {
        let list: Vec<(String, Option<String>)> = match c.table {
            "二" => {
                let (row, col) = c.cell.split_once('.').unwrap_or(("", ""));
                provenance::table2_records(format, year, row, col, &t2).into_iter().map(|s| (s, None)).collect()
            }
            "三" if c.value.as_deref().is_some_and(|v| v != "0") => {
                let (row, col) = c.cell.split_once('.').unwrap_or(("", ""));
                let row = report::layout::table3_rows(format).into_iter().find(|r| r.code() == row);
                let col = ApplicantColumn::ALL.into_iter().find(|x| x.code() == col);
                match (row, col) {
                    (Some(row), Some(col)) => {
                        gongkai_domain::application::records_behind(&apps, year, format, row, col)
                            .into_iter()
                            .map(|id| (format!("申请 #{id}"), Some(format!("/staff/applications/{id}"))))
                            .collect()
                    }
                    _ => vec![],
                }
            }
            _ => vec![],
        };
        if !list.is_empty() {
            out.insert(c.cell.clone() + "@" + c.table, list);
        }
    }
    Ok(out)
}

/// The sources page: the report of a year and scope computed now, every cell's source and the
/// records behind it. The office sees any scope; a unit's staff only their unit's.
pub struct SourcesPage {
    pub report: AnnualReport,
    pub cells: Vec<CellSource>,
    pub behind: std::collections::BTreeMap<String, Vec<(String, Option<String>)>>,
}

pub async fn page(db: &Db, actor: &super::Actor, unit_id: Option<i64>, year: i32) -> Result<SourcesPage> {
    let allowed = actor.is_office() || unit_id.is_some_and(|u| actor.may_access_unit(u));
    if !allowed {
        return Err(crate::error::AppError::NotFound);
    }
    if !(2008..=2100).contains(&year) {
        return Err(crate::error::AppError::BadRequest("年度无效".into()));
    }
    let report = super::report::compute(db, unit_id, year).await?;
    let cells = sources(db, unit_id, &report).await?;
    let behind = records_behind(db, unit_id, year, report.format, &cells).await?;
    Ok(SourcesPage { report, cells, behind })
}
