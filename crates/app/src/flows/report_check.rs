//! Checking published annual reports (anyone's, in any form): each file read and judged by every
//! rule of the format, reports of the same unit chained year by year (上年结转 = 结转下年度), and
//! one summary row per file. The command line (`gongkai report check`) and the staff page
//! (`/staff/reports/check`) both use this.

use std::collections::BTreeMap;

use gongkai_domain::report::{self, Severity};

use crate::export::CheckSummaryRow;

/// One file: its name, and what was read and found, or why it is not a report.
pub struct Checked {
    pub file: String,
    pub result: Result<(report::ParsedReport, Vec<report::Finding>), String>,
}

/// Read and judge one file's text (or the reason it could not be read).
pub fn check_text(file: String, text: Result<String, String>) -> Checked {
    let result = text.and_then(|text| match report::parse(&text) {
        Ok(parsed) => {
            let findings = report::validate_read(&parsed);
            Ok((parsed, findings))
        }
        Err(e) => Err(e.to_string()),
    });
    Checked { file, result }
}

/// A pair of consecutive years of one unit, with what the later year's report says of the earlier.
pub struct Pair {
    pub previous: usize,
    pub this: usize,
    pub findings: Vec<report::Finding>,
    pub changes: Vec<report::Change>,
}

/// Reports of the same unit in consecutive years, each later one checked against the earlier.
pub fn pairs(checked: &[Checked]) -> Vec<Pair> {
    let mut by_unit: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, c) in checked.iter().enumerate() {
        if let Ok((p, _)) = &c.result
            && !p.report.organ.is_empty()
        {
            by_unit.entry(p.report.organ.clone()).or_default().push(i);
        }
    }
    let year = |i: usize| checked[i].result.as_ref().map(|(p, _)| p.report.year).unwrap_or(0);
    let parsed = |i: usize| &checked[i].result.as_ref().expect("only parsed reports are paired").0;
    let mut out = Vec::new();
    for idx in by_unit.values_mut() {
        idx.sort_by_key(|i| year(*i));
        for w in idx.windows(2) {
            if year(w[1]) == year(w[0]) + 1 {
                out.push(Pair {
                    previous: w[0],
                    this: w[1],
                    findings: report::validate_read_against_previous(parsed(w[1]), parsed(w[0])),
                    changes: report::year_on_year_changes(parsed(w[1]), parsed(w[0])),
                });
            }
        }
    }
    out
}

/// The one-word verdict of a checked file.
pub fn verdict(c: &Checked, pair_errors: usize) -> &'static str {
    match &c.result {
        Err(_) => "不是年度报告",
        Ok((_, f)) if pair_errors > 0 || f.iter().any(|x| x.severity == Severity::Error) => "有错误",
        Ok((p, _)) if !p.unjudged_tables().is_empty() => "读取不足，无法判断",
        Ok(_) => "未发现错误",
    }
}

/// The errors the year-on-year check found for file `i` (as the later year of a pair).
pub fn pair_errors(pairs: &[Pair], i: usize) -> usize {
    pairs.iter().filter(|p| p.this == i).flat_map(|p| &p.findings).filter(|f| f.severity == Severity::Error).count()
}

/// One row per file for the summary table (.xlsx): unit, year, format, verdict, and every finding
/// with its cell, the year-on-year ones included.
pub fn summary_rows(checked: &[Checked], pairs: &[Pair]) -> Vec<CheckSummaryRow> {
    checked
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mut findings: Vec<(String, String, String)> = Vec::new();
            let (organ, year, format) = match &c.result {
                Ok((p, f)) => {
                    for x in f.iter().chain(pairs.iter().filter(|p| p.this == i).flat_map(|p| &p.findings)) {
                        let sev = if x.severity == Severity::Error { "错误" } else { "提示" };
                        findings.push((sev.into(), x.location.clone(), x.message.clone()));
                    }
                    for n in p.notes.iter().filter(|n| n.starts_with("无法可靠读取")) {
                        findings.push(("说明".into(), String::new(), n.clone()));
                    }
                    (p.report.organ.clone(), Some(p.report.year), p.report.format.code().to_string())
                }
                Err(why) => {
                    findings.push(("说明".into(), String::new(), why.clone()));
                    (String::new(), None, String::new())
                }
            };
            CheckSummaryRow {
                unit: organ,
                year,
                format,
                file: c.file.clone(),
                verdict: verdict(c, pair_errors(pairs, i)).to_string(),
                findings,
            }
        })
        .collect()
}

/// The report files of an upload: the file itself, or each report-like file inside a .zip (at
/// most `MAX_ZIP_FILES` files and `MAX_ZIP_BYTES` uncompressed in all — a zip bomb is refused).
pub fn expand_upload(name: &str, bytes: Vec<u8>) -> Result<Vec<(String, Vec<u8>)>, String> {
    if !bytes.starts_with(b"PK\x03\x04") || !name.to_ascii_lowercase().ends_with(".zip") {
        return Ok(vec![(name.to_string(), bytes)]);
    }
    let mut zip =
        zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| format!("{name}：压缩包无法读取（{e}）"))?;
    let mut out = Vec::new();
    let mut total = 0u64;
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|e| format!("{name}：压缩包无法读取（{e}）"))?;
        if entry.is_dir() {
            continue;
        }
        let raw = entry.name().map(|n| n.into_owned()).unwrap_or_default();
        let inner = raw.rsplit('/').next().unwrap_or("").to_string();
        let ext = std::path::Path::new(&inner).extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        if !REPORT_EXTENSIONS.contains(&ext.as_str()) || inner.starts_with('.') {
            continue;
        }
        if out.len() >= MAX_ZIP_FILES {
            return Err(format!("{name}：压缩包内文件超过{MAX_ZIP_FILES}个，请分批上传"));
        }
        let mut data = Vec::new();
        let left = MAX_ZIP_BYTES.saturating_sub(total);
        std::io::Read::read_to_end(&mut std::io::Read::take(&mut entry, left + 1), &mut data)
            .map_err(|e| format!("{name}：{inner} 无法解压（{e}）"))?;
        total += data.len() as u64;
        if total > MAX_ZIP_BYTES {
            return Err(format!("{name}：解压后超过{} MB，请分批上传", MAX_ZIP_BYTES / 1024 / 1024));
        }
        out.push((format!("{name}/{inner}"), data));
    }
    Ok(out)
}

/// The kinds of file the checker reads.
pub const REPORT_EXTENSIONS: [&str; 7] = ["txt", "md", "html", "htm", "pdf", "docx", "json"];
pub const MAX_ZIP_FILES: usize = 1000;
pub const MAX_ZIP_BYTES: u64 = 512 * 1024 * 1024;

/// Check uploaded files (blocking: PDFs go through pdftotext): each through a temporary file.
pub fn check_files(files: Vec<(String, Vec<u8>)>) -> (Vec<Checked>, Vec<Pair>) {
    let checked: Vec<Checked> = files
        .into_iter()
        .map(|(name, bytes)| {
            let dir = std::env::temp_dir().join(format!("gongkai-check-{}", crate::flows::auth::random_token()));
            let text = std::fs::create_dir_all(&dir).map_err(|e| e.to_string()).and_then(|()| {
                let base = name.rsplit('/').next().unwrap_or("");
                let safe: String = base.chars().filter(|c| c.is_alphanumeric() || ".-_".contains(*c)).collect();
                let path = dir.join(if safe.is_empty() { "upload".to_string() } else { safe });
                std::fs::write(&path, &bytes).map_err(|e| e.to_string())?;
                crate::export::report_file_text(&path)
            });
            let _ = std::fs::remove_dir_all(&dir);
            check_text(name, text)
        })
        .collect();
    let pairs = pairs(&checked);
    (checked, pairs)
}
