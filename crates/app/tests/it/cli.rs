//! The command line as a user runs it: calendar, report check and build, config errors.

use std::process::Command;

use crate::common::*;

fn gongkai(args: &[&str]) -> std::process::Output {
    Command::new(BIN).args(args).env("GONGKAI_LOG", "warn").current_dir(std::env::temp_dir()).output().unwrap()
}

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn calendar_due_counts_working_days_after_receipt() {
    let o = gongkai(&["calendar", "due", "2020-09-28", "20", "--data-dir", "/nonexistent-gongkai-dir"]);
    assert!(o.status.success());
    assert_eq!(stdout(&o).trim(), "2020-11-02");
    // Past the data (issue 14's acceptance): a date, provisional, marked as such; never a refusal.
    let o = gongkai(&["calendar", "due", "2026-12-10", "20", "--data-dir", "/nonexistent-gongkai-dir"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(stdout(&o).split_whitespace().next(), Some("2027-01-08"));
    assert!(stdout(&o).contains("暂定") && stdout(&o).contains("2027"));
    assert!(String::from_utf8_lossy(&o.stderr).contains("放假办法"));
    let o = gongkai(&["calendar", "due", "2030-03-01", "20", "--data-dir", "/nonexistent-gongkai-dir"]);
    assert!(o.status.success() && stdout(&o).contains("暂定"));
    let o = gongkai(&["calendar", "show", "2027", "--data-dir", "/nonexistent-gongkai-dir"]);
    assert!(o.status.success() && stdout(&o).contains("春节（暂定）"));
    let o = gongkai(&["calendar", "show", "2026", "--data-dir", "/nonexistent-gongkai-dir"]);
    assert!(stdout(&o).contains("春节"));
}

fn seed() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../domain/tests/fixtures/ruzhou-2020-annual-report.txt")
}

#[test]
fn report_check_of_the_seed_finds_its_one_error() {
    let o = gongkai(&["report", "check", seed().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let out = stdout(&o);
    assert!(out.contains("2020年度报告") && out.contains("格式 2019"));
    assert_eq!(out.matches("[错误]").count(), 1, "{out}");
    assert!(out.contains("行政强制") && out.contains("5-7=-2"));
    assert!(out.contains("[核对]"), "section 一's figures are confirmed against the tables: {out}");
    let o = gongkai(&["report", "check", "--json", seed().to_str().unwrap()]);
    let v: serde_json::Value = serde_json::from_str(stdout(&o).lines().next().unwrap()).unwrap();
    assert_eq!(v["year"], 2020);
    assert_eq!(v["format"], "2019");
    assert_eq!(v["report"]["table3"]["disclosed"][6], 12);
}

#[test]
fn report_check_reads_the_real_reports_in_shared() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/reports");
    if !dir.exists() {
        skip(&format!("{} is absent (the real reports stay outside the repository)", dir.display()));
        return;
    }
    let files: Vec<String> = ["2023_hongze_qu.txt", "2024_hongze_qu.txt", "2024_huaian_shi.txt"]
        .iter()
        .map(|f| dir.join(f).display().to_string())
        .collect();
    let mut args = vec!["report", "check", "--json"];
    args.extend(files.iter().map(String::as_str));
    let o = gongkai(&args);
    assert_eq!(o.status.code(), Some(1));
    let results: Vec<serde_json::Value> = stdout(&o).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let errors =
        |v: &serde_json::Value| v["findings"].as_array().unwrap().iter().filter(|f| f["severity"] == "error").count();
    assert_eq!(
        (results[0]["year"].as_i64(), results[0]["format"].as_str(), errors(&results[0])),
        (Some(2023), Some("2021"), 2)
    );
    assert_eq!((results[1]["year"].as_i64(), errors(&results[1])), (Some(2024), 0));
    assert_eq!((results[2]["year"].as_i64(), errors(&results[2])), (Some(2024), 0));
}

#[test]
fn report_check_says_why_a_file_is_not_a_report() {
    let f = std::env::temp_dir().join(format!("not-a-report-{}.txt", std::process::id()));
    std::fs::write(&f, "会议通知\n请各单位准时参加。").unwrap();
    let o = gongkai(&["report", "check", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).contains("不是可识别的"));
}

#[test]
fn the_demo_2020_report_reproduces_the_seed_and_exports_open_in_libreoffice() {
    let store = Store::new(Backend::Sqlite);
    // Load the demo through a short-lived server start.
    {
        let mut cmd = Command::new(BIN);
        cmd.args(["serve", "--demo", "--listen", "127.0.0.1:0"]).args(store.args()).env("GONGKAI_LOG", "warn");
        let mut child = cmd.stderr(std::process::Stdio::piped()).spawn().unwrap();
        let stderr = child.stderr.take().unwrap();
        use std::io::BufRead;
        for line in std::io::BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.contains("serving on") {
                break;
            }
        }
        let _ = child.kill();
        let _ = child.wait();
    }
    let built = store.dir.join("built-2020.txt");
    let o = store.cli(&["report", "build", "--year", "2020", "--to", "txt", "-o", built.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // Tables 二, 三 and 四 equal the seed's, number for number.
    let seed_text = std::fs::read_to_string(seed()).unwrap();
    let seed_report = gongkai_domain::report::parse(&seed_text).unwrap().report;
    let built_report = gongkai_domain::report::parse(&std::fs::read_to_string(&built).unwrap()).unwrap().report;
    assert_eq!(built_report.table3, seed_report.table3);
    assert_eq!(
        built_report.table4.to_array().map(|v| v.unwrap_or(0)),
        seed_report.table4.to_array().map(|v| v.unwrap_or(0))
    );
    assert_eq!(built_report.table2, seed_report.table2);
    // … so the checker finds the same single error.
    let o = gongkai(&["report", "check", built.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o).matches("[错误]").count(), 1);
    // The next year from the same records: its 上年结转 is 2020's 结转下年度, and the checker, given
    // both files in either order, chains them without a carry-over error.
    let built_2021 = store.dir.join("built-2021.txt");
    let o = store.cli(&["report", "build", "--year", "2021", "--to", "txt", "-o", built_2021.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = gongkai(&["report", "check", built_2021.to_str().unwrap(), built.to_str().unwrap()]);
    let out = stdout(&o);
    assert!(!out.contains("上年结转应等于上一年度报告的结转下年度继续办理"), "{out}");
    assert_eq!(out.matches("[错误]").count(), 1, "only 2020's own error: {out}");
    // A planted change to 2021's 上年结转 (natural persons) is an error naming both years and the column.
    // (The text form puts each cell on its own line after the row's label.)
    let text = std::fs::read_to_string(&built_2021).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let label = lines.iter().position(|l| l.starts_with("二、上年结转")).expect("the carry-over row");
    let cell = (label + 1..lines.len())
        .find(|&i| lines[i].trim_end_matches(['|', ' ']).trim().parse::<i64>().is_ok())
        .expect("its first cell");
    let value: i64 = lines[cell].trim_end_matches(['|', ' ']).trim().parse().unwrap();
    lines[cell] = lines[cell].replacen(&value.to_string(), &(value + 7).to_string(), 1);
    let planted = store.dir.join("planted-2021.txt");
    std::fs::write(&planted, lines.join("\n") + "\n").unwrap();
    let o = gongkai(&["report", "check", built.to_str().unwrap(), planted.to_str().unwrap()]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1));
    assert!(out.contains("上年结转应等于上一年度报告的结转下年度继续办理"), "{out}");
    assert!(out.contains("2020年度报告的结转下年度继续办理") && out.contains("自然人"), "{out}");
    for fmt in ["docx", "xlsx"] {
        let path = store.dir.join(format!("report-2020.{fmt}"));
        let o = store.cli(&["report", "build", "--year", "2020", "--to", fmt, "-o", path.to_str().unwrap()]);
        assert!(o.status.success());
        match libreoffice() {
            Some(bin) => assert!(converts_to_pdf(bin, &path), "LibreOffice opens the .{fmt}"),
            None => skip(&format!("LibreOffice is not installed; the .{fmt} was written but not opened")),
        }
    }
    // The checker reads the .docx back.
    let docx = store.dir.join("report-2020.docx");
    let o = gongkai(&["report", "check", docx.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), String::from_utf8_lossy(&o.stderr));
    // Render → parse through Word gives back the same tables.
    let o = gongkai(&["report", "check", "--json", docx.to_str().unwrap()]);
    let v: serde_json::Value = serde_json::from_str(stdout(&o).lines().next().unwrap()).unwrap();
    let from_docx: gongkai_domain::report::AnnualReport = serde_json::from_value(v["report"].clone()).unwrap();
    assert_eq!(from_docx.table3, built_report.table3, "table 三 read back from the .docx");
    assert_eq!(from_docx.table2, built_report.table2, "table 二 read back from the .docx");
    assert_eq!(from_docx.table4, built_report.table4, "table 四 read back from the .docx");
    // … and through a PDF that LibreOffice makes of the .docx, as offices make them (its labels
    // wrapped over two or three lines): every cell read is the built one — a cell the reader marks
    // unsure is not judged, never a different figure — and the same one error.
    let via = store.dir.join("via-pdf");
    std::fs::create_dir_all(&via).unwrap();
    std::fs::copy(&docx, via.join("report-2020.docx")).unwrap();
    match libreoffice() {
        Some(bin) => {
            assert!(converts_to_pdf(bin, &via.join("report-2020.docx")), "LibreOffice makes a PDF of the .docx");
            let pdf = via.join("pdf").join("report-2020.pdf");
            let o = gongkai(&["report", "check", "--json", pdf.to_str().unwrap()]);
            let v: serde_json::Value = serde_json::from_str(stdout(&o).lines().next().unwrap()).unwrap();
            assert_eq!(o.status.code(), Some(1), "the seed's one error, from the PDF too: {v}");
            let from_pdf: gongkai_domain::report::AnnualReport = serde_json::from_value(v["report"].clone()).unwrap();
            let mut read = 0;
            for (row, cells) in &from_pdf.table3.rows {
                for (i, cell) in cells.iter().enumerate() {
                    if v["unsure"]["table3"][row][i] == serde_json::json!(true) {
                        continue;
                    }
                    if let Some(x) = cell {
                        let built = built_report.table3.rows.get(row).and_then(|r| r[i]).unwrap_or(0);
                        assert_eq!(*x, built, "table 三 {row} column {i} read from the PDF");
                        read += 1;
                    }
                }
            }
            assert!(read >= 150, "table 三 is read from the PDF: {read} cells");
            assert_eq!(from_pdf.table4, built_report.table4, "table 四 read back from the PDF");
            assert_eq!(from_pdf.table2, built_report.table2, "table 二 read back from the PDF");
        }
        None => skip("LibreOffice is not installed; the PDF read-back did not run"),
    }
}

#[test]
fn bad_configuration_is_one_clear_line_and_a_nonzero_exit() {
    let o = gongkai(&["migrate", "--database-url", "mysql://x"]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("not understood") && err.lines().count() <= 2, "{err}");
    let o = gongkai(&["migrate", "--database-url", "postgres://nobody@127.0.0.1:1/none"]);
    assert!(!o.status.success());
    let o = gongkai(&["migrate", "--data-dir", "/proc/gongkai-cannot-write-here"]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("data directory"));
    let dir = std::env::temp_dir().join(format!("gk-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cfg = dir.join("bad.toml");
    std::fs::write(&cfg, "listen = \"127.0.0.1:1\"\nlisten_typo = 1\n").unwrap();
    let o = gongkai(&["migrate", "--config", cfg.to_str().unwrap(), "--data-dir", dir.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("listen_typo"));
    // A port in use.
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().to_string();
    let o = gongkai(&["serve", "--listen", &port, "--data-dir", dir.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot listen"));
    let _ = std::fs::remove_dir_all(&dir);
}

fn shared_reports() -> Option<std::path::PathBuf> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/reports");
    if !dir.exists() {
        skip(&format!("{} is absent (the real reports stay outside the repository)", dir.display()));
        return None;
    }
    Some(dir)
}

#[test]
fn report_check_gives_every_shared_report_its_verdict_and_no_clean_one_exit_1() {
    let Some(dir) = shared_reports() else { return };
    let with_errors = ["2023_hongze_qu.txt", "2020_pingtan_shiyanqu.txt", "2021_pingtan_gonganju.txt"];
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| std::path::Path::new(n).extension().is_some_and(|e| e.eq_ignore_ascii_case("txt")))
        .collect();
    names.sort();
    assert!(names.len() >= 17, "{names:?}");
    for name in &names {
        let o = gongkai(&["report", "check", dir.join(name).to_str().unwrap()]);
        let expected = if with_errors.contains(&name.as_str()) { 1 } else { 0 };
        assert_eq!(o.status.code(), Some(expected), "{name}: {}", stdout(&o));
        if expected == 1 {
            assert_eq!(stdout(&o).matches("[错误]").count(), 2, "{name}: {}", stdout(&o));
        }
    }
}

#[test]
fn report_check_of_a_folder_chains_the_zone_years_and_writes_a_summary() {
    let Some(dir) = shared_reports() else { return };
    let tmp = std::env::temp_dir().join(format!("gongkai-check-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).unwrap();
    // The seven zone reports, given in a scrambled order.
    let files: Vec<String> = [2023, 2019, 2025, 2021, 2020, 2024, 2022]
        .iter()
        .map(|y| dir.join(format!("{y}_pingtan_shiyanqu.txt")).display().to_string())
        .collect();
    let mut args = vec!["report", "check", "--json"];
    args.extend(files.iter().map(String::as_str));
    let o = gongkai(&args);
    // 2020 has its two real column errors, and nothing else.
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let lines: Vec<serde_json::Value> = stdout(&o).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let pairs: Vec<&serde_json::Value> = lines.iter().filter(|v| v.get("pair").is_some()).collect();
    let years: Vec<(i64, i64)> =
        pairs.iter().map(|p| (p["years"][0].as_i64().unwrap(), p["years"][1].as_i64().unwrap())).collect();
    assert_eq!(years, (2019..2025).map(|y| (y, y + 1)).collect::<Vec<_>>());
    assert!(pairs.iter().all(|p| p["findings"].as_array().unwrap().is_empty()), "{pairs:#?}");

    // A planted change to 2022's 结转下年度 (商业企业 2, 总计 2): an error naming both years, both files and the column.
    let text = std::fs::read_to_string(dir.join("2022_pingtan_shiyanqu.txt")).unwrap();
    assert!(text.contains("结转下年度继续办理 0000000"));
    let planted = tmp.join("2022_planted.txt");
    std::fs::write(&planted, text.replacen("结转下年度继续办理 0000000", "结转下年度继续办理 0200002", 1)).unwrap();
    let f2023 = dir.join("2023_pingtan_shiyanqu.txt");
    let o = gongkai(&["report", "check", f2023.to_str().unwrap(), planted.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    let carry: Vec<&str> = out.lines().filter(|l| l.contains("PREV_CARRY_OVER")).collect();
    assert_eq!(carry.len(), 2, "商业企业 and 总计: {out}");
    for l in &carry {
        assert!(l.contains("2022年度") && l.contains("2023年度"), "{l}");
        assert!(l.contains("2022_planted.txt") && l.contains("2023_pingtan_shiyanqu.txt"), "{l}");
    }
    assert!(carry.iter().any(|l| l.contains("商业企业")), "{out}");

    // The whole folder, with a summary workbook: one row per report, README skipped.
    let xlsx = tmp.join("summary.xlsx");
    let o = gongkai(&["report", "check", dir.to_str().unwrap(), "--summary", xlsx.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(!stdout(&o).contains("README"));
    let bytes = std::fs::read(&xlsx).unwrap();
    assert!(bytes.starts_with(b"PK\x03\x04"));
    let _ = std::fs::remove_dir_all(&tmp);
}

#[test]
fn report_check_exits_3_when_a_table_is_too_little_read_to_judge() {
    let f = std::env::temp_dir().join(format!("thin-report-{}.txt", std::process::id()));
    std::fs::write(
        &f,
        "某局2023年政府信息公开工作年度报告\n一、总体情况\n无\n三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量 3\n四、政府信息公开行政复议、行政诉讼情况\n0 0 0 0 0\n",
    )
    .unwrap();
    let o = gongkai(&["report", "check", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3), "{}", stdout(&o));
    assert!(stdout(&o).contains("表三") && stdout(&o).contains("无法判断"), "{}", stdout(&o));
    assert!(!stdout(&o).contains("[错误]"), "{}", stdout(&o));
    let _ = std::fs::remove_file(&f);
}

#[test]
fn output_piped_into_a_reader_that_stops_early_ends_quietly() {
    // As `gongkai routes | head -1`: the reader is gone before the output is written.
    let mut child = Command::new(BIN)
        .args(["routes"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(matches!(out.status.code(), Some(0 | 141)), "{:?} {stderr}", out.status);
}
