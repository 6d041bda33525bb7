//! Reading a spreadsheet a clerk uploads (发放名册, lists from other systems) into rows of named
//! cells: the first sheet of an .xlsx/.xls (calamine), or a UTF-8 CSV (RFC 4180). Pure: bytes in,
//! rows out; every malformed file is an `Err` with a message the clerk can act on, never a panic
//! (fuzzed: `fuzz/fuzz_targets/sheet_csv.rs`, `sheet_xlsx.rs`).

use crate::livelihood::RawRow;

/// The largest spreadsheet accepted (the upload limit of one attachment).
pub const MAX_SHEET_BYTES: usize = 10 * 1024 * 1024;

/// Whether the upload is a workbook (.xlsx/.xls by name, or a ZIP/OLE file by its first bytes)
/// rather than a CSV: workbooks are read by calamine, which the server runs in a child process.
pub fn is_workbook(filename: &str, bytes: &[u8]) -> bool {
    let ext = std::path::Path::new(filename).extension().and_then(|e| e.to_str()).unwrap_or("");
    ext.eq_ignore_ascii_case("xlsx")
        || ext.eq_ignore_ascii_case("xls")
        || bytes.starts_with(b"PK\x03\x04")
        || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
}

/// Read the first sheet of an .xlsx/.xls or a UTF-8 CSV into rows of named cells (the first
/// non-empty row is the header). Line numbers are the spreadsheet's own, as the clerk sees them.
pub fn read_sheet(filename: &str, bytes: &[u8]) -> std::result::Result<Vec<RawRow>, String> {
    if bytes.is_empty() {
        return Err("上传的文件是空的".into());
    }
    if bytes.len() > MAX_SHEET_BYTES {
        return Err("文件超过10MB".into());
    }
    let grid: Vec<(usize, Vec<String>)> = if is_workbook(filename, bytes) {
        read_workbook(bytes)?
    } else {
        let text = std::str::from_utf8(bytes).map_err(|_| {
            "CSV 文件不是 UTF-8 编码：请在 Excel 中另存为“CSV UTF-8”，或直接上传 .xlsx 文件".to_string()
        })?;
        parse_csv(text.trim_start_matches('\u{feff}'))
    };
    let mut it = grid.into_iter().skip_while(|(_, cells)| cells.iter().all(|c| c.trim().is_empty()));
    let Some((_, header)) = it.next() else { return Ok(vec![]) };
    let header: Vec<String> = header.iter().map(|h| h.trim().to_string()).collect();
    Ok(it
        .filter(|(_, cells)| !cells.iter().all(|c| c.trim().is_empty()))
        .map(|(line, cells)| RawRow {
            line,
            cells: header
                .iter()
                .cloned()
                .zip(cells.into_iter().chain(std::iter::repeat(String::new())))
                .filter(|(h, _)| !h.is_empty())
                .collect(),
        })
        .collect())
}

/// The first sheet of a workbook as (line number, cells). calamine panics on some malformed
/// .xls files (found by fuzzing: an assertion in its OLE reader, calamine 0.38 `utils.rs:29`);
/// a broken upload must be a message to the clerk, never a dropped request, so the panic is
/// caught here and turned into one.
fn read_workbook(bytes: &[u8]) -> Result<Vec<(usize, Vec<String>)>, String> {
    use calamine::Reader;
    let read = || -> Result<Vec<(usize, Vec<String>)>, String> {
        let mut wb = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes.to_vec()))
            .map_err(|e| format!("无法读取 Excel 文件：{e}"))?;
        let range = wb
            .worksheet_range_at(0)
            .ok_or("Excel 文件中没有工作表")?
            .map_err(|e| format!("无法读取第一个工作表：{e}"))?;
        let first = range.start().map(|(r, _)| r as usize).unwrap_or(0);
        Ok(range.rows().enumerate().map(|(i, cells)| (first + i + 1, cells.iter().map(cell_text).collect())).collect())
    };
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(read))
        .unwrap_or_else(|_| Err("无法读取 Excel 文件：文件已损坏或格式不正确，请用 Excel 重新保存后上传".into()))
}

fn cell_text(d: &calamine::Data) -> String {
    match d {
        // Whole numbers as integers (an amount typed as 1200 reads 1200, not 1200.0).
        calamine::Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        other => other.to_string(),
    }
}

/// The first sheet as (line number, cells) without taking a header — for tables with a two-row
/// header such as the 基层政务公开标准目录. In a workbook every cell of a merged range carries the
/// text of its top-left cell (a merged 一级事项 reads on each of its rows); in a CSV they are empty.
pub fn read_grid(filename: &str, bytes: &[u8]) -> std::result::Result<Vec<(usize, Vec<String>)>, String> {
    if bytes.is_empty() {
        return Err("上传的文件是空的".into());
    }
    if bytes.len() > MAX_SHEET_BYTES {
        return Err("文件超过10MB".into());
    }
    if !is_workbook(filename, bytes) {
        let text = std::str::from_utf8(bytes).map_err(|_| {
            "CSV 文件不是 UTF-8 编码：请在 Excel 中另存为“CSV UTF-8”，或直接上传 .xlsx 文件".to_string()
        })?;
        return Ok(parse_csv(text.trim_start_matches('\u{feff}')));
    }
    let read = || -> Result<Vec<(usize, Vec<String>)>, String> {
        use calamine::Reader;
        let mut wb = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes.to_vec()))
            .map_err(|e| format!("无法读取 Excel 文件：{e}"))?;
        let range = wb
            .worksheet_range_at(0)
            .ok_or("Excel 文件中没有工作表")?
            .map_err(|e| format!("无法读取第一个工作表：{e}"))?;
        let merges: Vec<calamine::Dimensions> = match &mut wb {
            calamine::Sheets::Xlsx(x) => x.merge_cells_by_sheet_id(0).unwrap_or_default(),
            calamine::Sheets::Xls(x) => x.merge_cells_by_sheet_id(0).unwrap_or_default(),
            _ => vec![],
        };
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let mut grid: Vec<Vec<String>> = range.rows().map(|cells| cells.iter().map(cell_text).collect()).collect();
        for m in merges {
            let at = |r: u32, c: u32| -> Option<(usize, usize)> {
                Some((r.checked_sub(r0)? as usize, c.checked_sub(c0)? as usize))
            };
            let Some((ar, ac)) = at(m.start.0, m.start.1) else { continue };
            let anchor = grid.get(ar).and_then(|row| row.get(ac)).cloned().unwrap_or_default();
            // Capped: a merge over a whole sheet must not make a million cells.
            for r in m.start.0..=m.end.0.min(m.start.0 + 10_000) {
                for c in m.start.1..=m.end.1.min(m.start.1 + 100) {
                    if let Some((gr, gc)) = at(r, c)
                        && let Some(cell) = grid.get_mut(gr).and_then(|row| row.get_mut(gc))
                        && cell.is_empty()
                    {
                        *cell = anchor.clone();
                    }
                }
            }
        }
        Ok(grid.into_iter().enumerate().map(|(i, cells)| (r0 as usize + i + 1, cells)).collect())
    };
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(read))
        .unwrap_or_else(|_| Err("无法读取 Excel 文件：文件已损坏或格式不正确，请用 Excel 重新保存后上传".into()))
}

/// RFC 4180 CSV: quoted fields, doubled quotes, CRLF. Returns (line number, cells).
pub fn parse_csv(text: &str) -> Vec<(usize, Vec<String>)> {
    let mut out = vec![];
    let mut row: Vec<String> = vec![];
    let mut field = String::new();
    let mut quoted = false;
    let mut line = 1;
    let mut row_line = 1;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    field.push(c);
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' => quoted = true,
            ',' => row.push(std::mem::take(&mut field)),
            '\r' => {}
            '\n' => {
                row.push(std::mem::take(&mut field));
                out.push((row_line, std::mem::take(&mut row)));
                line += 1;
                row_line = line;
            }
            _ => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        out.push((row_line, row));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(rows: &[RawRow], i: usize, col: &str) -> String {
        rows[i].cells.get(col).cloned().unwrap_or_default()
    }

    #[test]
    fn csv_quotes_crlf_bom_and_blank_rows() {
        let text = "\u{feff}\r\n姓名,金额,备注\r\n张三,100,\"含,逗号\"\r\n\r\n李四,200,\"两行\n说明 \"\"引号\"\"\"\r\n王五\r\n";
        let rows = read_sheet("名册.csv", text.as_bytes()).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!((rows[0].line, cells(&rows, 0, "备注")), (3, "含,逗号".to_string()));
        assert_eq!(rows[1].line, 5, "line numbers are the file's own, blank lines counted");
        assert_eq!(cells(&rows, 1, "备注"), "两行\n说明 \"引号\"");
        assert_eq!(rows[2].line, 7, "a quoted newline moves the next row's line number");
        assert_eq!(cells(&rows, 2, "金额"), "", "missing cells read as empty");
    }

    #[test]
    fn bad_files_are_refused_with_a_message() {
        assert_eq!(read_sheet("a.csv", b"").unwrap_err(), "上传的文件是空的");
        assert!(read_sheet("a.csv", &[0xff, 0xfe, b'a']).unwrap_err().contains("UTF-8"));
        assert!(read_sheet("a.xlsx", b"PK\x03\x04 not a zip at all").unwrap_err().contains("Excel"));
        assert!(read_sheet("a.csv", &vec![b'a'; MAX_SHEET_BYTES + 1]).unwrap_err().contains("10MB"));
        assert_eq!(read_sheet("a.csv", b"\n\n  \n").unwrap(), vec![], "only blank lines: no rows");
        // An unterminated quote keeps the rest as one field rather than failing.
        let rows = read_sheet("a.csv", "姓名\n\"张三".as_bytes()).unwrap();
        assert_eq!(cells(&rows, 0, "姓名"), "张三");
    }

    #[test]
    fn a_workbook_that_makes_calamine_panic_is_a_message() {
        // Found by `fuzz/fuzz_targets/sheet_xlsx.rs`: an OLE (.xls) file on which calamine 0.38 asserts.
        let bytes = include_bytes!("../data/regressions/sheet-xls-calamine-assert.xls");
        let err = read_sheet("名册.xls", bytes).unwrap_err();
        assert!(err.contains("无法读取 Excel 文件"), "{err}");
    }

    #[test]
    fn xlsx_reads_the_first_sheet_with_whole_numbers_as_integers() {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.write_string(1, 0, "姓名").unwrap();
        ws.write_string(1, 1, "发放金额（元）").unwrap();
        ws.write_string(2, 0, "张三").unwrap();
        ws.write_number(2, 1, 1200.0).unwrap();
        ws.write_string(3, 0, "李四").unwrap();
        ws.write_number(3, 1, 99.5).unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        let rows = read_sheet("名册.xlsx", &bytes).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[0].line, cells(&rows, 0, "发放金额（元）")), (3, "1200".to_string()));
        assert_eq!(cells(&rows, 1, "发放金额（元）"), "99.5");
    }
}
