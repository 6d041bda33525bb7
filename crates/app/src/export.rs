//! Office documents: the annual report as Word (tables as real tables) and Excel (one sheet per
//! table), reply letters as Word, and reading .docx reports back as text for the checker.
//! Layout comes from the domain's format description; nothing here decides a number.

use std::io::{Cursor, Read};

use docx_rs::{AlignmentType, Docx, Paragraph, Run, RunFonts, Table, TableCell, TableRow, VMergeType};
use gongkai_domain::application::Letter;
use gongkai_domain::format::{ApplicantColumn, Table3Row};
use gongkai_domain::report::{self, AnnualReport, layout};
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook};

use crate::error::{AppError, Result};

const FONT: &str = "仿宋";

fn run(text: &str) -> Run {
    Run::new().add_text(text).fonts(RunFonts::new().east_asia(FONT).ascii(FONT)).size(28)
}

fn para(text: &str) -> Paragraph {
    Paragraph::new().add_run(run(text))
}

fn heading(text: &str) -> Paragraph {
    Paragraph::new()
        .add_run(Run::new().add_text(text).bold().size(32).fonts(RunFonts::new().east_asia("黑体").ascii("黑体")))
}

fn cell(text: &str) -> TableCell {
    TableCell::new()
        .add_paragraph(Paragraph::new().align(AlignmentType::Center).add_run(Run::new().add_text(text).size(21)))
}

fn label_cell(text: &str) -> TableCell {
    TableCell::new().add_paragraph(Paragraph::new().add_run(Run::new().add_text(text).size(20)))
}

fn num(v: Option<i64>) -> String {
    v.map(|n| n.to_string()).unwrap_or_default()
}

fn build(docx: Docx) -> Result<Vec<u8>> {
    let mut buf = Cursor::new(Vec::new());
    docx.build().pack(&mut buf).map_err(|e| AppError::Internal(anyhow::anyhow!("writing .docx failed: {e}")))?;
    Ok(buf.into_inner())
}

/// The report as Word: title, six sections, tables 二/三/四 with merged header cells.
pub fn report_docx(r: &AnnualReport) -> Result<Vec<u8>> {
    let headings = layout::section_headings(r.format);
    let mut doc = Docx::new().add_paragraph(
        Paragraph::new()
            .align(AlignmentType::Center)
            .add_run(Run::new().add_text(r.title()).bold().size(36).fonts(RunFonts::new().east_asia("宋体"))),
    );
    for line in r.sections.preamble.lines() {
        doc = doc.add_paragraph(para(line));
    }
    doc = doc.add_paragraph(heading(headings[0]));
    for line in r.sections.overview.lines() {
        doc = doc.add_paragraph(para(line));
    }
    // 二
    doc = doc.add_paragraph(heading(headings[1]));
    for block in layout::table2_blocks(r.format) {
        let mut rows = vec![TableRow::new(vec![cell(block.caption).grid_span(block.columns.len() + 1)])];
        let mut header = vec![cell(layout::INFO_CONTENT)];
        header.extend(block.columns.iter().map(|c| cell(c.label)));
        rows.push(TableRow::new(header));
        for row in block.rows {
            let mut cells = vec![cell(row.label)];
            cells.extend(
                block
                    .columns
                    .iter()
                    .map(|c| cell(&r.table2.get(row.code, c.code).map(|d| d.to_string()).unwrap_or_default())),
            );
            rows.push(TableRow::new(cells));
        }
        doc = doc.add_table(Table::new(rows)).add_paragraph(Paragraph::new());
    }
    // 三
    doc = doc.add_paragraph(heading(headings[2]));
    let mut rows = vec![
        TableRow::new(vec![
            cell("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）")
                .grid_span(3)
                .vertical_merge(VMergeType::Restart),
            cell("申请人情况").grid_span(7),
        ]),
        TableRow::new(vec![
            cell("").grid_span(3).vertical_merge(VMergeType::Continue),
            cell("自然人").vertical_merge(VMergeType::Restart),
            cell("法人或其他组织").grid_span(5),
            cell("总计").vertical_merge(VMergeType::Restart),
        ]),
    ];
    let mut third =
        vec![cell("").grid_span(3).vertical_merge(VMergeType::Continue), cell("").vertical_merge(VMergeType::Continue)];
    for c in &ApplicantColumn::ALL[1..6] {
        third.push(cell(c.label()));
    }
    third.push(cell("").vertical_merge(VMergeType::Continue));
    rows.push(TableRow::new(third));
    // The official layout: 三、本年度办理结果 spans the outcome rows; each group label (（三）不予公开 …)
    // spans its numbered sub-rows; the other rows' labels span the three label columns.
    let mut first_outcome = true;
    let mut last_group: Option<&str> = None;
    for row in layout::table3_rows(r.format) {
        let mut cells = vec![];
        let is_outcome = !matches!(row, Table3Row::NewThisYear | Table3Row::CarriedOver | Table3Row::CarriedForward);
        if !is_outcome {
            cells.push(label_cell(&row.label()).grid_span(3));
            last_group = None;
        } else {
            let merge = if first_outcome { VMergeType::Restart } else { VMergeType::Continue };
            cells.push(label_cell(if first_outcome { "三、本年度办理结果" } else { "" }).vertical_merge(merge));
            first_outcome = false;
            match row.group_label() {
                Some(g) => {
                    let merge = if last_group == Some(g) { VMergeType::Continue } else { VMergeType::Restart };
                    cells.push(label_cell(if merge == VMergeType::Restart { g } else { "" }).vertical_merge(merge));
                    cells.push(label_cell(&row.label()));
                    last_group = Some(g);
                }
                None => {
                    cells.push(label_cell(&row.label()).grid_span(2));
                    last_group = None;
                }
            }
        }
        let values = r.table3.row(row).copied().unwrap_or([None; 7]);
        cells.extend(values.iter().map(|v| cell(&num(*v))));
        rows.push(TableRow::new(cells));
    }
    // Widths in twips (A4 portrait text width ≈ 9000): labels 900/1000/1900, numbers 7 × 740.
    doc = doc
        .add_table(Table::new(rows).set_grid(vec![900, 1000, 1900, 740, 740, 740, 740, 740, 740, 740]))
        .add_paragraph(Paragraph::new());
    // 四
    doc = doc.add_paragraph(heading(headings[3]));
    let results = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"];
    let mut h1 = vec![cell("行政复议").grid_span(5), cell("行政诉讼").grid_span(10)];
    let mut h2: Vec<TableCell> = results.iter().map(|l| cell(l).vertical_merge(VMergeType::Restart)).collect();
    h2.push(cell("未经复议直接起诉").grid_span(5));
    h2.push(cell("复议后起诉").grid_span(5));
    let mut h3: Vec<TableCell> = (0..5).map(|_| cell("").vertical_merge(VMergeType::Continue)).collect();
    for _ in 0..2 {
        h3.extend(results.iter().map(|l| cell(l)));
    }
    let data: Vec<TableCell> = r.table4.to_array().iter().map(|v| cell(&num(*v))).collect();
    h1.shrink_to_fit();
    doc = doc
        .add_table(Table::new(vec![TableRow::new(h1), TableRow::new(h2), TableRow::new(h3), TableRow::new(data)]))
        .add_paragraph(Paragraph::new());
    doc = doc.add_paragraph(heading(headings[4]));
    for line in r.sections.problems.lines() {
        doc = doc.add_paragraph(para(line));
    }
    doc = doc.add_paragraph(heading(headings[5]));
    for line in r.sections.other.lines() {
        doc = doc.add_paragraph(para(line));
    }
    build(doc)
}

/// The report as Excel: one sheet per table (二, 三, 四) with the official labels.
pub fn report_xlsx(r: &AnnualReport) -> Result<Vec<u8>> {
    let xerr = |e: rust_xlsxwriter::XlsxError| AppError::Internal(anyhow::anyhow!("writing .xlsx failed: {e}"));
    let mut wb = Workbook::new();
    let head = Format::new().set_bold().set_align(FormatAlign::Center).set_border(FormatBorder::Thin).set_text_wrap();
    let body = Format::new().set_border(FormatBorder::Thin);
    {
        let ws = wb.add_worksheet().set_name("二、主动公开").map_err(xerr)?;
        ws.write_string_with_format(0, 0, r.title(), &head).map_err(xerr)?;
        let mut line = 2u32;
        for block in layout::table2_blocks(r.format) {
            ws.merge_range(line, 0, line, block.columns.len() as u16, block.caption, &head).map_err(xerr)?;
            line += 1;
            ws.write_string_with_format(line, 0, layout::INFO_CONTENT, &head).map_err(xerr)?;
            for (i, c) in block.columns.iter().enumerate() {
                ws.write_string_with_format(line, (i + 1) as u16, c.label, &head).map_err(xerr)?;
            }
            line += 1;
            for row in block.rows {
                ws.write_string_with_format(line, 0, row.label, &body).map_err(xerr)?;
                for (i, c) in block.columns.iter().enumerate() {
                    match r.table2.get(row.code, c.code) {
                        Some(d) => match d.to_string().parse::<f64>() {
                            Ok(f) => ws.write_number_with_format(line, (i + 1) as u16, f, &body).map_err(xerr)?,
                            Err(_) => {
                                ws.write_string_with_format(line, (i + 1) as u16, d.to_string(), &body).map_err(xerr)?
                            }
                        },
                        None => ws.write_blank(line, (i + 1) as u16, &body).map_err(xerr)?,
                    };
                }
                line += 1;
            }
            line += 1;
        }
        ws.set_column_width(0, 24).map_err(xerr)?;
    }
    {
        let ws = wb.add_worksheet().set_name("三、依申请公开").map_err(xerr)?;
        ws.merge_range(0, 0, 2, 1, "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", &head)
            .map_err(xerr)?;
        ws.merge_range(0, 2, 0, 8, "申请人情况", &head).map_err(xerr)?;
        ws.merge_range(1, 2, 2, 2, "自然人", &head).map_err(xerr)?;
        ws.merge_range(1, 3, 1, 7, "法人或其他组织", &head).map_err(xerr)?;
        ws.merge_range(1, 8, 2, 8, "总计", &head).map_err(xerr)?;
        for (i, c) in ApplicantColumn::ALL[1..6].iter().enumerate() {
            ws.write_string_with_format(2, (i + 3) as u16, c.label(), &head).map_err(xerr)?;
        }
        for (i, row) in layout::table3_rows(r.format).into_iter().enumerate() {
            let line = 3 + i as u32;
            ws.write_string_with_format(line, 0, row.group_label().unwrap_or(""), &body).map_err(xerr)?;
            ws.write_string_with_format(line, 1, row.label(), &body).map_err(xerr)?;
            let values = r.table3.row(row).copied().unwrap_or([None; 7]);
            for (j, v) in values.iter().enumerate() {
                match v {
                    Some(n) => ws.write_number_with_format(line, (j + 2) as u16, *n as f64, &body).map_err(xerr)?,
                    None => ws.write_blank(line, (j + 2) as u16, &body).map_err(xerr)?,
                };
            }
        }
        ws.set_column_width(0, 16).map_err(xerr)?;
        ws.set_column_width(1, 40).map_err(xerr)?;
    }
    {
        let ws = wb.add_worksheet().set_name("四、复议诉讼").map_err(xerr)?;
        ws.merge_range(0, 0, 0, 4, "行政复议", &head).map_err(xerr)?;
        ws.merge_range(0, 5, 0, 14, "行政诉讼", &head).map_err(xerr)?;
        let results = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"];
        for (i, l) in results.iter().enumerate() {
            ws.merge_range(1, i as u16, 2, i as u16, l, &head).map_err(xerr)?;
        }
        ws.merge_range(1, 5, 1, 9, "未经复议直接起诉", &head).map_err(xerr)?;
        ws.merge_range(1, 10, 1, 14, "复议后起诉", &head).map_err(xerr)?;
        for g in 0..2u16 {
            for (i, l) in results.iter().enumerate() {
                ws.write_string_with_format(2, 5 + g * 5 + i as u16, *l, &head).map_err(xerr)?;
            }
        }
        for (i, v) in r.table4.to_array().iter().enumerate() {
            match v {
                Some(n) => ws.write_number_with_format(3, i as u16, *n as f64, &body).map_err(xerr)?,
                None => ws.write_blank(3, i as u16, &body).map_err(xerr)?,
            };
        }
    }
    wb.save_to_buffer().map_err(xerr)
}

/// A reply letter (告知书) as Word.
pub fn letter_docx(l: &Letter) -> Result<Vec<u8>> {
    let mut doc = Docx::new()
        .add_paragraph(
            Paragraph::new()
                .align(AlignmentType::Center)
                .add_run(Run::new().add_text(&l.title).bold().size(36).fonts(RunFonts::new().east_asia("宋体"))),
        )
        .add_paragraph(para(&l.addressee));
    for p in &l.paragraphs {
        doc = doc.add_paragraph(para(p));
    }
    if !l.remedies.is_empty() {
        doc = doc.add_paragraph(para(&l.remedies));
    }
    doc = doc
        .add_paragraph(Paragraph::new().align(AlignmentType::Right).add_run(run(&l.issuer)))
        .add_paragraph(Paragraph::new().align(AlignmentType::Right).add_run(run(&l.date)));
    build(doc)
}

/// The text of a .docx, flattened for the report parser: paragraphs on lines, table cells
/// joined with " | " on the line of their row.
pub fn docx_text(bytes: &[u8]) -> std::result::Result<String, String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| format!("not a .docx (zip) file: {e}"))?;
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .map_err(|_| "a .docx without word/document.xml".to_string())?
        .take(50 * 1024 * 1024)
        .read_to_string(&mut xml)
        .map_err(|e| format!("cannot read word/document.xml: {e}"))?;
    let mut out = String::with_capacity(xml.len() / 4);
    let mut in_text = false;
    // Where the current table cell's text began: a cell's own paragraph breaks are dropped, never
    // the row break before it (an empty, vertically merged first cell would otherwise join two rows).
    let mut cell_start = 0;
    let mut i = 0;
    let b = xml.as_bytes();
    while i < b.len() {
        if b[i] == b'<' {
            let end = match xml[i..].find('>') {
                Some(e) => i + e,
                None => break,
            };
            let tag = &xml[i + 1..end];
            let closing = tag.starts_with('/');
            let name = tag.trim_start_matches('/').split([' ', '/']).next().unwrap_or("");
            let self_closing = tag.ends_with('/');
            match (name, closing) {
                ("w:t", false) if !self_closing => in_text = true,
                ("w:t", true) => in_text = false,
                ("w:tab", _) => out.push(' '),
                ("w:br", _) => out.push('\n'),
                ("w:p", true) => out.push('\n'),
                ("w:tc", false) if !self_closing => cell_start = out.len(),
                ("w:tc", true) => {
                    while out.len() > cell_start && out.ends_with('\n') {
                        out.pop();
                    }
                    out.push_str(" | ");
                }
                ("w:tr", true) => out.push('\n'),
                _ => {}
            }
            i = end + 1;
        } else {
            let next = xml[i..].find('<').map(|n| i + n).unwrap_or(b.len());
            if in_text {
                out.push_str(&decode_entities(&xml[i..next]));
            }
            i = next;
        }
    }
    Ok(out)
}

fn decode_entities(s: &str) -> String {
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&")
}

/// How long pdftotext may take over one file (`GONGKAI_EXTRACT_SECONDS` overrides it, for tests of a
/// stalled converter).
pub const PDFTOTEXT_SECONDS: u64 = 20;

/// The text of a PDF by poppler's `pdftotext -layout`, stopped after `PDFTOTEXT_SECONDS`: the one
/// way every part of the platform reads a PDF (published attachments, the report checker).
pub fn pdftotext(path: &std::path::Path) -> std::result::Result<String, String> {
    let limit = std::env::var("GONGKAI_EXTRACT_SECONDS").ok().and_then(|v| v.parse().ok()).unwrap_or(PDFTOTEXT_SECONDS);
    let mut child = std::process::Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(path)
        .arg("-")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| format!("a PDF needs poppler's pdftotext (apt-get install poppler-utils): {e}"))?;
    let mut stdout = child.stdout.take().ok_or("pdftotext gave no output")?;
    // Read while it runs, so a large text never fills the pipe and stalls the child.
    let reader = std::thread::spawn(move || {
        let mut v = vec![];
        stdout.read_to_end(&mut v).map(|_| v)
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(limit);
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("pdftotext took longer than {limit} s and was stopped"));
            }
        }
    };
    let out = reader.join().map_err(|_| "pdftotext output unreadable".to_string())?.map_err(|e| e.to_string())?;
    if !status.success() {
        return Err("pdftotext could not read the PDF".into());
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// Read any file the checker accepts as text: .docx, .pdf (through poppler's pdftotext
/// -layout, where installed), .html, or plain text.
pub fn report_file_text(path: &std::path::Path) -> std::result::Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
    if bytes.starts_with(b"PK\x03\x04") {
        return docx_text(&bytes);
    }
    if bytes.starts_with(b"%PDF") {
        let text = pdftotext(path)?;
        if text.trim().is_empty() {
            return Err("the PDF has no text layer (a scan?): it cannot be read".into());
        }
        return Ok(text);
    }
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    };
    let lower = text.get(..text.len().min(2000)).unwrap_or("").to_ascii_lowercase();
    if lower.contains("<html") || lower.contains("<table") || lower.contains("<!doctype") {
        return Ok(report::html_to_text(&text));
    }
    Ok(text)
}

/// One report in the summary of a `report check` run.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CheckSummaryRow {
    pub unit: String,
    pub year: Option<i32>,
    pub format: String,
    pub file: String,
    pub verdict: String,
    /// (severity 错误/提示/说明, cell or table, message)
    pub findings: Vec<(String, String, String)>,
}

/// The summary workbook of a `report check` run: one row per report, sorted by unit and year,
/// then one row per finding with its cell (sheet 问题清单).
pub fn check_summary_xlsx(mut rows: Vec<CheckSummaryRow>) -> std::result::Result<Vec<u8>, String> {
    use rust_xlsxwriter::{Format, Workbook};
    let e = |e: rust_xlsxwriter::XlsxError| format!("writing .xlsx failed: {e}");
    rows.sort_by(|a, b| (&a.unit, a.year, &a.file).cmp(&(&b.unit, b.year, &b.file)));
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = wb.add_worksheet().set_name("报告").map_err(e)?;
    for (c, h) in ["单位", "年度", "格式", "文件", "结论", "错误", "提示", "说明"].iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &bold).map_err(e)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        let count = |s: &str| r.findings.iter().filter(|f| f.0 == s).count() as f64;
        sheet.write_string(row, 0, &r.unit).map_err(e)?;
        if let Some(y) = r.year {
            sheet.write_number(row, 1, y as f64).map_err(e)?;
        }
        sheet.write_string(row, 2, &r.format).map_err(e)?;
        sheet.write_string(row, 3, &r.file).map_err(e)?;
        sheet.write_string(row, 4, &r.verdict).map_err(e)?;
        sheet.write_number(row, 5, count("错误")).map_err(e)?;
        sheet.write_number(row, 6, count("提示")).map_err(e)?;
        sheet.write_number(row, 7, count("说明")).map_err(e)?;
    }
    sheet.set_column_width(0, 30).map_err(e)?;
    sheet.set_column_width(3, 50).map_err(e)?;
    let sheet = wb.add_worksheet().set_name("问题清单").map_err(e)?;
    for (c, h) in ["单位", "年度", "文件", "类别", "位置", "内容"].iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &bold).map_err(e)?;
    }
    let mut row = 1u32;
    for r in &rows {
        for (sev, cell, msg) in &r.findings {
            sheet.write_string(row, 0, &r.unit).map_err(e)?;
            if let Some(y) = r.year {
                sheet.write_number(row, 1, y as f64).map_err(e)?;
            }
            sheet.write_string(row, 2, &r.file).map_err(e)?;
            sheet.write_string(row, 3, sev).map_err(e)?;
            sheet.write_string(row, 4, cell).map_err(e)?;
            sheet.write_string(row, 5, msg).map_err(e)?;
            row += 1;
        }
    }
    sheet.set_column_width(5, 90).map_err(e)?;
    wb.save_to_buffer().map_err(e)
}
