//! Writes an [`AnnualReport`] as plain text (the flattened style of a government web page, one
//! cell per line ending in " |"), Markdown, HTML with the official merged header cells, or JSON.
//! All four read back through [`super::parse`] to the same report; a blank cell prints as "-".

use std::fmt::Write;

use super::layout::{self, T4_GROUPS, T4_OUTCOMES, table2_blocks};
use super::{AnnualReport, Count};
use crate::format::{ApplicantColumn, FormatVersion, Table3Row};

const BLANK: &str = "-";

fn amount(a: Option<super::Decimal>) -> String {
    a.map_or_else(|| BLANK.to_string(), |d| d.to_string())
}
fn count(c: Count) -> String {
    c.map_or_else(|| BLANK.to_string(), |n| n.to_string())
}

/// The rows of table 三 to print: the format's, except that a 2021 report whose （六）其他处理 is a
/// single row (as some publish it) prints that row instead of three blank sub-rows.
fn table3_print_rows(report: &AnnualReport) -> Vec<Table3Row> {
    let rows = Table3Row::rows(report.format);
    let single = report.table3.row(Table3Row::OtherHandling).is_some();
    if report.format == FormatVersion::V2021 && single {
        let subs_blank = (1..=3)
            .all(|n| report.table3.row(Table3Row::OtherHandlingSub(n)).is_none_or(|r| r.iter().all(Option::is_none)));
        if subs_blank {
            let mut out: Vec<Table3Row> =
                rows.into_iter().filter(|r| !matches!(r, Table3Row::OtherHandlingSub(_))).collect();
            let at = out.iter().position(|r| *r == Table3Row::Total).unwrap_or(out.len());
            out.insert(at, Table3Row::OtherHandling);
            return out;
        }
    }
    rows
}

fn table3_cells(report: &AnnualReport, row: Table3Row) -> [Count; 7] {
    report.table3.row(row).copied().unwrap_or([None; 7])
}

/// Whether `row` is the first of its group (so the group label is printed beside it).
fn first_in_group(row: Table3Row) -> bool {
    matches!(
        row,
        Table3Row::Withheld(1) | Table3Row::Unable(1) | Table3Row::NotProcessed(1) | Table3Row::OtherHandlingSub(1)
    )
}

fn group_size(row: Table3Row) -> usize {
    match row {
        Table3Row::Withheld(_) => 8,
        Table3Row::Unable(_) => 3,
        Table3Row::NotProcessed(_) => 5,
        Table3Row::OtherHandlingSub(_) => 3,
        _ => 1,
    }
}

fn lines(s: &str) -> impl Iterator<Item = &str> {
    s.lines().map(str::trim).filter(|l| !l.is_empty())
}

// ---------------------------------------------------------------------------------------------

/// Plain text in the flattened web-page style of the seed report.
pub fn render_text(report: &AnnualReport) -> String {
    let h = layout::section_headings(report.format);
    let mut o = String::new();
    let line = |o: &mut String, s: &str| {
        o.push_str(s);
        o.push('\n');
    };
    let cell = |o: &mut String, s: &str| {
        o.push_str(s);
        o.push_str(" |\n");
    };
    line(&mut o, &report.title());
    lines(&report.sections.preamble).for_each(|l| line(&mut o, l));
    line(&mut o, h[0]);
    lines(&report.sections.overview).for_each(|l| line(&mut o, l));
    line(&mut o, h[1]);
    for block in table2_blocks(report.format) {
        cell(&mut o, block.caption);
        cell(&mut o, layout::INFO_CONTENT);
        block.columns.iter().for_each(|c| cell(&mut o, c.label));
        for row in block.rows {
            cell(&mut o, row.label);
            block.columns.iter().for_each(|c| cell(&mut o, &amount(report.table2.get(row.code, c.code))));
        }
    }
    line(&mut o, h[2]);
    cell(&mut o, layout::T3_BALANCE_NOTE);
    cell(&mut o, layout::T3_APPLICANTS);
    cell(&mut o, ApplicantColumn::NaturalPerson.label());
    cell(&mut o, layout::T3_ORGANISATIONS);
    cell(&mut o, ApplicantColumn::Total.label());
    ApplicantColumn::APPLICANTS[1..].iter().for_each(|c| cell(&mut o, c.label()));
    for row in table3_print_rows(report) {
        if row == Table3Row::Disclosed {
            cell(&mut o, layout::T3_OUTCOMES);
        }
        if first_in_group(row) {
            cell(&mut o, row.group_label().unwrap_or_default());
        }
        cell(&mut o, &row.label());
        table3_cells(report, row).iter().for_each(|c| cell(&mut o, &count(*c)));
    }
    line(&mut o, h[3]);
    cell(&mut o, layout::T4_RECONSIDERATION);
    cell(&mut o, layout::T4_LITIGATION);
    for (g, (_, label)) in T4_GROUPS.iter().enumerate() {
        if g > 0 {
            cell(&mut o, label);
        }
        T4_OUTCOMES.iter().for_each(|(_, l)| cell(&mut o, l));
    }
    report.table4.to_array().iter().for_each(|c| cell(&mut o, &count(*c)));
    line(&mut o, h[4]);
    lines(&report.sections.problems).for_each(|l| line(&mut o, l));
    line(&mut o, h[5]);
    lines(&report.sections.other).for_each(|l| line(&mut o, l));
    o
}

// ---------------------------------------------------------------------------------------------

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|")
}

fn md_row(o: &mut String, cells: &[String]) {
    o.push('|');
    for c in cells {
        let _ = write!(o, " {} |", md_cell(c));
    }
    o.push('\n');
}

fn md_rule(o: &mut String, n: usize) {
    o.push('|');
    for _ in 0..n {
        o.push_str("---|");
    }
    o.push('\n');
}

/// Markdown: headings, paragraphs, pipe tables.
pub fn render_markdown(report: &AnnualReport) -> String {
    let h = layout::section_headings(report.format);
    let mut o = format!("# {}\n\n", report.title());
    let para = |o: &mut String, text: &str| {
        for l in lines(text) {
            o.push_str(l);
            o.push_str("\n\n");
        }
    };
    para(&mut o, &report.sections.preamble);
    let _ = write!(o, "## {}\n\n", h[0]);
    para(&mut o, &report.sections.overview);
    let _ = write!(o, "## {}\n\n", h[1]);
    for block in table2_blocks(report.format) {
        let n = block.columns.len() + 1;
        let mut head = vec![block.caption.to_string()];
        head.resize(n, String::new());
        md_row(&mut o, &head);
        md_rule(&mut o, n);
        let mut labels = vec![layout::INFO_CONTENT.to_string()];
        labels.extend(block.columns.iter().map(|c| c.label.to_string()));
        md_row(&mut o, &labels);
        for row in block.rows {
            let mut cells = vec![row.label.to_string()];
            cells.extend(block.columns.iter().map(|c| amount(report.table2.get(row.code, c.code))));
            md_row(&mut o, &cells);
        }
        o.push('\n');
    }
    let _ = write!(o, "## {}\n\n", h[2]);
    let mut head = vec![layout::T3_BALANCE_NOTE.to_string()];
    head.extend(ApplicantColumn::ALL.iter().map(|c| c.label().to_string()));
    md_row(&mut o, &head);
    md_rule(&mut o, 8);
    for row in table3_print_rows(report) {
        let mut label = String::new();
        if row == Table3Row::Disclosed {
            label.push_str(layout::T3_OUTCOMES);
            label.push(' ');
        }
        if first_in_group(row) {
            label.push_str(row.group_label().unwrap_or_default());
            label.push(' ');
        }
        label.push_str(&row.label());
        let mut cells = vec![label];
        cells.extend(table3_cells(report, row).iter().map(|c| count(*c)));
        md_row(&mut o, &cells);
    }
    o.push('\n');
    let _ = write!(o, "## {}\n\n", h[3]);
    let head: Vec<String> =
        T4_GROUPS.iter().flat_map(|(_, g)| T4_OUTCOMES.iter().map(move |(_, c)| format!("{g}·{c}"))).collect();
    md_row(&mut o, &head);
    md_rule(&mut o, 15);
    md_row(&mut o, &report.table4.to_array().iter().map(|c| count(*c)).collect::<Vec<_>>());
    o.push('\n');
    let _ = write!(o, "## {}\n\n", h[4]);
    para(&mut o, &report.sections.problems);
    let _ = write!(o, "## {}\n\n", h[5]);
    para(&mut o, &report.sections.other);
    o
}

// ---------------------------------------------------------------------------------------------

fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

fn td(o: &mut String, s: &str) {
    let _ = write!(o, "<td>{}</td>", esc(s));
}

fn span(o: &mut String, tag: &str, rowspan: usize, colspan: usize, s: &str) {
    let _ = write!(o, "<{tag}");
    if rowspan > 1 {
        let _ = write!(o, " rowspan=\"{rowspan}\"");
    }
    if colspan > 1 {
        let _ = write!(o, " colspan=\"{colspan}\"");
    }
    let _ = write!(o, ">{}</{tag}>", esc(s));
}

/// HTML laid out like the official tables (merged header cells as the format prints them).
/// A fragment: an `<article>` to place in a page.
pub fn render_html(report: &AnnualReport) -> String {
    let h = layout::section_headings(report.format);
    let mut o = String::from("<article class=\"annual-report\">\n");
    let _ = writeln!(o, "<h1>{}</h1>", esc(&report.title()));
    let para = |o: &mut String, text: &str| {
        for l in lines(text) {
            let _ = writeln!(o, "<p>{}</p>", esc(l));
        }
    };
    para(&mut o, &report.sections.preamble);
    let _ = writeln!(o, "<h2>{}</h2>", esc(h[0]));
    para(&mut o, &report.sections.overview);

    let _ = writeln!(o, "<h2>{}</h2>", esc(h[1]));
    o.push_str("<table class=\"report-table report-table-2\">\n");
    for block in table2_blocks(report.format) {
        let n = block.columns.len() + 1;
        o.push_str("<tr>");
        span(&mut o, "th", 1, n, block.caption);
        o.push_str("</tr>\n<tr>");
        span(&mut o, "th", 1, 1, layout::INFO_CONTENT);
        block.columns.iter().for_each(|c| span(&mut o, "th", 1, 1, c.label));
        o.push_str("</tr>\n");
        for row in block.rows {
            o.push_str("<tr>");
            td(&mut o, row.label);
            block.columns.iter().for_each(|c| td(&mut o, &amount(report.table2.get(row.code, c.code))));
            o.push_str("</tr>\n");
        }
    }
    o.push_str("</table>\n");

    let _ = writeln!(o, "<h2>{}</h2>", esc(h[2]));
    o.push_str("<table class=\"report-table report-table-3\">\n<tr>");
    span(&mut o, "th", 3, 3, layout::T3_BALANCE_NOTE);
    span(&mut o, "th", 1, 7, layout::T3_APPLICANTS);
    o.push_str("</tr>\n<tr>");
    span(&mut o, "th", 2, 1, ApplicantColumn::NaturalPerson.label());
    span(&mut o, "th", 1, 5, layout::T3_ORGANISATIONS);
    span(&mut o, "th", 2, 1, ApplicantColumn::Total.label());
    o.push_str("</tr>\n<tr>");
    ApplicantColumn::APPLICANTS[1..].iter().for_each(|c| span(&mut o, "th", 1, 1, c.label()));
    o.push_str("</tr>\n");
    let rows = table3_print_rows(report);
    let outcome_span = rows
        .iter()
        .filter(|r| !matches!(r, Table3Row::NewThisYear | Table3Row::CarriedOver | Table3Row::CarriedForward))
        .count();
    for row in rows {
        o.push_str("<tr>");
        match row {
            Table3Row::NewThisYear | Table3Row::CarriedOver | Table3Row::CarriedForward => {
                span(&mut o, "td", 1, 3, &row.label());
            }
            _ => {
                if row == Table3Row::Disclosed {
                    span(&mut o, "td", outcome_span, 1, layout::T3_OUTCOMES);
                }
                if row.group_label().is_some() {
                    if first_in_group(row) {
                        span(&mut o, "td", group_size(row), 1, row.group_label().unwrap_or_default());
                    }
                    td(&mut o, &row.label());
                } else {
                    span(&mut o, "td", 1, 2, &row.label());
                }
            }
        }
        table3_cells(report, row).iter().for_each(|c| td(&mut o, &count(*c)));
        o.push_str("</tr>\n");
    }
    o.push_str("</table>\n");

    let _ = writeln!(o, "<h2>{}</h2>", esc(h[3]));
    o.push_str("<table class=\"report-table report-table-4\">\n<tr>");
    span(&mut o, "th", 1, 5, layout::T4_RECONSIDERATION);
    span(&mut o, "th", 1, 10, layout::T4_LITIGATION);
    o.push_str("</tr>\n<tr>");
    T4_OUTCOMES.iter().for_each(|(_, l)| span(&mut o, "th", 2, 1, l));
    span(&mut o, "th", 1, 5, T4_GROUPS[1].1);
    span(&mut o, "th", 1, 5, T4_GROUPS[2].1);
    o.push_str("</tr>\n<tr>");
    for _ in 0..2 {
        T4_OUTCOMES.iter().for_each(|(_, l)| span(&mut o, "th", 1, 1, l));
    }
    o.push_str("</tr>\n<tr>");
    report.table4.to_array().iter().for_each(|c| td(&mut o, &count(*c)));
    o.push_str("</tr>\n</table>\n");

    let _ = writeln!(o, "<h2>{}</h2>", esc(h[4]));
    para(&mut o, &report.sections.problems);
    let _ = writeln!(o, "<h2>{}</h2>", esc(h[5]));
    para(&mut o, &report.sections.other);
    o.push_str("</article>\n");
    o
}

/// JSON in the schema documented in the module.
pub fn render_json(report: &AnnualReport) -> String {
    serde_json::to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}
