//! The property of issue 16's acceptance, through the real outputs: any report, rendered by the
//! command line in each of its forms (txt, md, html, .docx, and a PDF that LibreOffice makes of
//! the .docx, as offices make them), then mangled as converters mangle (spaces inside numbers,
//! full-width digits, 〇 and dashes for zeros, cells split across lines, markdown without its
//! separators), reads back to the same figures, or to cells marked unsure and tables left
//! unjudged (exit 3) — never to different figures, and never to an error: every report drawn is
//! valid.
//!
//! The reports are `gongkai_domain::report::sample::valid_report(seed)` for fixed seeds (the same
//! on every machine; `GONGKAI_FORMS_CASES=N` draws more), both formats, numbers up to 100,000.
//! The domain's own property test runs the same mangles 128 times over txt/md/html without the
//! processes; this one adds Word and LibreOffice's PDF.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use gongkai_domain::report::sample::{Gen, mangle, valid_report};
use gongkai_domain::report::{AnnualReport, render_json};
use serde_json::Value;

use crate::common::*;

fn gongkai(args: &[&str]) -> std::process::Output {
    Command::new(BIN).args(args).env("GONGKAI_LOG", "warn").current_dir(std::env::temp_dir()).output().unwrap()
}

/// The forms that are read as they came out, cell for cell: nothing may be unsure in them.
const CLEAN_FORMS: [&str; 4] = ["txt", "md", "html", "docx"];

struct Case {
    report: AnnualReport,
    /// file name → the form it was made in (for the messages)
    files: Vec<(PathBuf, String)>,
}

#[test]
fn every_output_of_a_report_and_its_mangled_copies_read_back_to_the_same_figures_or_to_unsure() {
    let Some(lo) = libreoffice() else {
        return skip("LibreOffice is not installed: the .docx → PDF forms did not run");
    };
    if Command::new("pdftotext").arg("-v").output().is_err() {
        return skip("pdftotext is not installed: the PDF forms did not run");
    }
    let cases_n: u64 = std::env::var("GONGKAI_FORMS_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(12);
    let dir = std::env::temp_dir().join(format!("gongkai-forms-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();

    // Render every form through the command line.
    let mut cases: Vec<Case> = Vec::new();
    for i in 0..cases_n {
        let seed = 0x9E37_79B9_7F4A_7C15u64.wrapping_mul(i + 1);
        let report = valid_report(seed);
        let json = dir.join(format!("s{i}.json"));
        std::fs::write(&json, render_json(&report)).unwrap();
        let mut files = Vec::new();
        for form in CLEAN_FORMS {
            let out = dir.join(format!("s{i}.{form}"));
            let o = gongkai(&["report", "render", json.to_str().unwrap(), "--to", form, "-o", out.to_str().unwrap()]);
            assert!(o.status.success(), "render s{i} to {form}: {}", String::from_utf8_lossy(&o.stderr));
            files.push((out, form.to_string()));
        }
        cases.push(Case { report, files });
    }

    // LibreOffice makes the PDFs, all in one run.
    let profile = dir.join("lo-profile");
    let pdf_dir = dir.join("pdf");
    let docx: Vec<PathBuf> = (0..cases_n).map(|i| dir.join(format!("s{i}.docx"))).collect();
    let o = Command::new(lo)
        .arg(format!("-env:UserInstallation=file://{}", profile.display()))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(&pdf_dir)
        .args(&docx)
        .output()
        .unwrap();
    assert!(o.status.success(), "LibreOffice: {}", String::from_utf8_lossy(&o.stderr));

    // Each PDF as the checker reads it, its raw text, and mangled copies of the PDF's text and
    // of the markdown and HTML.
    for (i, case) in cases.iter_mut().enumerate() {
        let pdf = pdf_dir.join(format!("s{i}.pdf"));
        assert!(pdf.is_file(), "LibreOffice made no PDF of s{i}.docx");
        case.files.push((pdf.clone(), "pdf".into()));
        let layout = pdftotext(&pdf, "-layout");
        let raw_path = dir.join(format!("s{i}-pdf-raw.txt"));
        std::fs::write(&raw_path, pdftotext(&pdf, "-raw")).unwrap();
        case.files.push((raw_path, "pdftotext -raw".into()));
        let mut g = Gen(0xD1B5_4A32_D192_ED03u64.wrapping_mul(i as u64 + 7));
        for (source, form) in [
            (layout, "pdf, mangled"),
            (std::fs::read_to_string(dir.join(format!("s{i}.md"))).unwrap(), "md, mangled"),
            (std::fs::read_to_string(dir.join(format!("s{i}.html"))).unwrap(), "html, mangled"),
        ] {
            let (text, kinds) = mangle(&source, &mut g);
            let ext = if form.starts_with("html") { "html" } else { "txt" };
            let path = dir.join(format!("s{i}-{}.{ext}", form.replace([',', ' '], "")));
            std::fs::write(&path, text).unwrap();
            case.files.push((path, format!("{form} (mangles {kinds:06b})")));
        }
    }

    // One run of the checker over every file.
    let all: Vec<String> = cases.iter().flat_map(|c| c.files.iter().map(|(p, _)| p.display().to_string())).collect();
    let mut args = vec!["report", "check", "--json"];
    args.extend(all.iter().map(String::as_str));
    let o = gongkai(&args);
    let out = String::from_utf8_lossy(&o.stdout);
    let lines: BTreeMap<String, Value> = out
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter_map(|v| Some((v.get("file")?.as_str()?.to_string(), v)))
        .collect();

    let (mut files, mut unjudged, mut cells_read, mut cells_unsure) = (0, 0, 0, 0);
    for case in &cases {
        for (path, form) in &case.files {
            let name = path.display().to_string();
            let v = lines.get(&name).unwrap_or_else(|| panic!("no answer for {name} ({form})"));
            assert!(v.get("error").is_none(), "{form} {name} was not read as a report: {}", v["error"]);
            let read: AnnualReport = serde_json::from_value(v["report"].clone()).unwrap();
            let clean = CLEAN_FORMS.contains(&form.as_str());
            let what = format!("{form} {name}");
            files += 1;
            assert_eq!((read.year, read.format), (case.report.year, case.report.format), "{what}");
            // Table 三: every cell read with confidence is the one rendered.
            for (code, cells) in &case.report.table3.rows {
                let got = read.table3.rows.get(code).copied().unwrap_or([None; 7]);
                for i in 0..7 {
                    let unsure = v["unsure"]["table3"][code][i] == Value::Bool(true);
                    assert!(!(clean && unsure), "{what}: 表三 {code} column {i} unsure in a clean form");
                    if unsure {
                        cells_unsure += 1;
                        continue;
                    }
                    cells_read += 1;
                    assert_eq!(
                        got[i].unwrap_or(0),
                        cells[i].unwrap_or(0),
                        "{what}: 表三 {code} column {i} read as another figure"
                    );
                }
            }
            // Table 四 likewise.
            let (want, got) = (case.report.table4.to_array(), read.table4.to_array());
            for i in 0..15 {
                if v["unsure"]["table4"][i] == Value::Bool(true) {
                    assert!(!clean, "{what}: 表四 cell {i} unsure in a clean form");
                    cells_unsure += 1;
                    continue;
                }
                cells_read += 1;
                assert_eq!(got[i].unwrap_or(0), want[i].unwrap_or(0), "{what}: 表四 cell {i} read as another figure");
            }
            // Table 二 is read whole from the forms as they came out; from the others every figure
            // read is the rendered one (a row whose blank cells left no trace is not read at all).
            if clean {
                assert_eq!(read.table2, case.report.table2, "{what}: table 二");
            } else {
                for (row, cols) in &read.table2.rows {
                    for (col, v) in cols {
                        let want = case.report.table2.rows.get(row).and_then(|r| r.get(col)).copied().flatten();
                        assert!(v.is_none() || *v == want, "{what}: 表二 {row}/{col} read {v:?}, was {want:?}");
                    }
                }
            }
            // A valid report: no error, whatever the form; too little read is exit 3, never 1.
            let errors: Vec<&Value> =
                v["findings"].as_array().unwrap().iter().filter(|f| f["severity"] == "error").collect();
            assert!(errors.is_empty(), "{what}: errors invented: {errors:#?}");
            if v["unjudged_tables"].as_array().is_some_and(|t| !t.is_empty()) {
                assert!(!clean, "{what}: a table left unjudged in a clean form: {}", v["unjudged_tables"]);
                unjudged += 1;
            }
        }
    }
    println!(
        "{} reports, {files} files: {cells_read} cells read, each the rendered figure; {cells_unsure} marked unsure; \
         {unjudged} files with a table left unjudged (exit 3); no error invented",
        cases.len()
    );
    assert!(cells_read > cells_unsure * 4, "most cells are read: {cells_read} read, {cells_unsure} unsure");
    let _ = std::fs::remove_dir_all(&dir);
}

fn pdftotext(pdf: &Path, mode: &str) -> String {
    let o = Command::new("pdftotext").args([mode, "-enc", "UTF-8"]).arg(pdf).arg("-").output().unwrap();
    assert!(o.status.success(), "pdftotext {mode} {}", pdf.display());
    String::from_utf8(o.stdout).unwrap()
}
