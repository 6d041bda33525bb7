//! Issue 17 on the demo (acceptance 1 and 3, §6): every cell of `report build --to json` names its
//! source — `records` with the rule that counted it and the staff page that lists the records, or
//! `entered` with who and when. 2020 keeps Ruzhou's typed figures (entered, with their author);
//! 2021–2025 are built from records alone — no entered cell — and each checks clean through the
//! checker. The 行政复议 filed in November 2023 and decided in February 2024 is 尚未审结 in 2023 and
//! 纠正 in 2024, counted once each year. The staff page shows a cell's rule and its records, to the
//! office and to nobody outside the scope.

use std::process::Command;

use serde_json::Value;

use crate::common::*;

fn build(dir: &std::path::Path, year: i32, to: &str) -> std::process::Output {
    Command::new(BIN)
        .args(["report", "build", "--year", &year.to_string(), "--to", to, "--data-dir"])
        .arg(dir)
        .env("GONGKAI_LOG", "warn")
        .output()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_cell_of_the_demos_reports_names_its_source_and_2021_to_2025_come_from_records_alone() {
    let demo = crate::support::start_demo(&[]);
    let dir = demo.dir().to_path_buf();
    let mut by_year = std::collections::BTreeMap::new();
    for year in 2020..=2025 {
        let o = build(&dir, year, "json");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        let sources = v["sources"].as_array().unwrap().clone();
        // Every cell of the three tables, once.
        let t2_cells: usize =
            gongkai_domain::report::layout::table2_blocks(gongkai_domain::format::FormatVersion::for_year(year))
                .iter()
                .map(|b| b.rows.len() * b.columns.len())
                .sum();
        let t3_cells =
            gongkai_domain::report::layout::table3_rows(gongkai_domain::format::FormatVersion::for_year(year)).len()
                * 7;
        assert_eq!(sources.len(), t2_cells + t3_cells + 15, "{year}");
        for s in &sources {
            match s["source"].as_str().unwrap() {
                "records" => {
                    let q = s["query"].as_str().unwrap_or("");
                    assert!(q.contains(&format!("{year}年")) || q.contains(&format!("{}年12月31日", year - 1)), "{s}");
                    assert!(
                        s["link"].as_str().unwrap().starts_with(&format!("/staff/reports/sources?year={year}#")),
                        "{s}"
                    );
                }
                "entered" => {
                    assert_eq!(year, 2020, "only 2020 has typed figures: {s}");
                    assert_eq!(s["entered_by"], "system:demo", "{s}");
                    assert!(s["entered_at"].as_str().unwrap().starts_with("20"), "{s}");
                }
                other => panic!("{year}: a cell with source {other}: {s}"),
            }
        }
        by_year.insert(year, v);
    }
    let entered_2020 =
        by_year[&2020]["sources"].as_array().unwrap().iter().filter(|s| s["source"] == "entered").count();
    assert_eq!(entered_2020, 22, "Ruzhou's 2020 table 二 as it typed it, all 22 cells");

    // 2021–2025 check clean through the checker, in the form an office publishes.
    for year in 2021..=2025 {
        let txt = dir.join(format!("built-{year}.txt"));
        std::fs::write(&txt, build(&dir, year, "txt").stdout).unwrap();
        let o = Command::new(BIN).args(["report", "check"]).arg(&txt).output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{year}: {}", String::from_utf8_lossy(&o.stdout));
        let r = &by_year[&year]["report"];
        for row in ["licensing", "penalty", "coercion"] {
            let v = r["table2"][row]["decisions"]
                .as_str()
                .map(str::to_string)
                .or(r["table2"][row]["decisions"].as_i64().map(|n| n.to_string()));
            assert!(v.is_some_and(|v| v != "0"), "{year} {row}: {}", r["table2"]);
        }
    }

    // The review case across the year end: pending in 2023, 纠正 in 2024, once each.
    let recon = |year: i32| by_year[&year]["report"]["table4"]["reconsideration"].clone();
    assert_eq!((recon(2023)["pending"].as_i64(), recon(2023)["total"].as_i64()), (Some(1), Some(1)));
    assert_eq!(
        (recon(2024)["corrected"].as_i64(), recon(2024)["pending"].as_i64(), recon(2024)["total"].as_i64()),
        (Some(1), Some(0), Some(1))
    );
    assert_eq!((recon(2022)["upheld"].as_i64(), recon(2022)["total"].as_i64()), (Some(1), Some(1)));

    // 监督保障 in section 一, from the 社会评议 and 责任追究 records.
    let overview = |year: i32| by_year[&year]["report"]["sections"]["overview"].as_str().unwrap().to_string();
    let o2024 = overview(2024);
    assert!(o2024.contains("监督保障情况") && o2024.contains("组织政务公开社会评议2次"), "{o2024}");
    assert!(o2024.contains("追究责任1起（约谈1起）"), "{o2024}");
    assert!(overview(2023).contains("未发生因政务公开工作不力被追究责任"), "{}", overview(2023));
    // Channels: the items by channel, the new-media accounts' post logs for their platforms.
    assert!(o2024.contains("通过政府网站公开政府信息") && o2024.contains("通过政务微信公开政府信息"), "{o2024}");
    assert!(o2024.contains("通过其他政务新媒体公开政府信息"), "posts of accounts on other platforms: {o2024}");

    // The staff page: the cell's rule and its records, for the office.
    let web = client();
    let page = web.get(demo.url("/staff/login")).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_in(&page);
    let r = web
        .post(demo.url("/staff/login"))
        .form(&[("_csrf", csrf.as_str()), ("username", "admin"), ("password", demo.password.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let page = web.get(demo.url("/staff/reports/sources?year=2024")).send().await.unwrap().text().await.unwrap();
    let cell =
        page.split("id=\"t2-licensing-decisions\"").nth(1).expect("the cell's anchor").split("</tr>").next().unwrap();
    let licensing = by_year[&2024]["report"]["table2"]["licensing"]["decisions"].to_string().replace('"', "");
    assert!(
        cell.contains("导入的处理决定记录中事项类别为行政许可") && cell.contains(&format!("对应记录 {licensing} 条")),
        "{cell}"
    );
    assert!(cell.contains("汝审批许〔2024〕"), "the decisions themselves: {cell}");
    assert!(page.contains("本年度没有填报的数字"), "2024 has no entered figure");
    let p2020 = web.get(demo.url("/staff/reports/sources?year=2020")).send().await.unwrap().text().await.unwrap();
    assert!(p2020.contains("填报：system:demo"), "2020's typed cells name who typed them");
    // The office records a 社会评议: an incomplete form is refused field by field and saves
    // nothing; a complete one reaches this year's section 一.
    let me: Value = web.get(demo.url("/api/v1/me")).send().await.unwrap().json().await.unwrap();
    let csrf = me["csrf"].as_str().unwrap().to_string();
    let before = web.get(demo.url("/staff/oversight")).send().await.unwrap().text().await.unwrap();
    let form = |score: &'static str, people: &'static str| {
        vec![
            ("_csrf", csrf.clone()),
            ("unit_id", String::new()),
            ("held_on", "2026-11-02".to_string()),
            ("evaluators", "群众代表".to_string()),
            ("method", "online".to_string()),
            ("participants", people.to_string()),
            ("score", score.to_string()),
            ("issues", "希望公开更多民生资金信息".to_string()),
        ]
    };
    let r = web.post(demo.url("/staff/oversight/evaluations")).form(&form("101", "-5")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("得分“101”应为0到100之间的数") && body.contains("参与人数应为非负整数"), "{body}");
    let after = web.get(demo.url("/staff/oversight")).send().await.unwrap().text().await.unwrap();
    assert_eq!(before.matches("<tr><td>20").count(), after.matches("<tr><td>20").count(), "nothing saved");
    let r = web.post(demo.url("/staff/oversight/evaluations")).form(&form("９５．５", "1200")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let o = build(&dir, 2026, "json");
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let o2026 = v["report"]["sections"]["overview"].as_str().unwrap();
    assert!(
        o2026.contains("通过网上评议等方式组织政务公开社会评议1次，参与评议1200人次，平均得分95.5分，收集意见建议1条"),
        "{o2026}"
    );

    // A unit's clerk sees their unit's sources, not the government's nor another unit's.
    let clerk = client();
    let page = clerk.get(demo.url("/staff/login")).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_in(&page);
    clerk
        .post(demo.url("/staff/login"))
        .form(&[("_csrf", csrf.as_str()), ("username", "mzj-clerk"), ("password", demo.password.as_str())])
        .send()
        .await
        .unwrap();
    let units: Value = web.get(demo.url("/api/v1/units")).send().await.unwrap().json().await.unwrap();
    let unit_of =
        |name: &str| units.as_array().unwrap().iter().find(|u| u["name"] == name).unwrap()["unit_id"].as_i64().unwrap();
    let own = clerk
        .get(demo.url(&format!("/staff/reports/sources?year=2024&unit_id={}", unit_of("汝州市民政局"))))
        .send()
        .await
        .unwrap();
    assert_eq!(own.status().as_u16(), 200);
    for path in [
        "/staff/reports/sources?year=2024".to_string(),
        format!("/staff/reports/sources?year=2024&unit_id={}", unit_of("汝州市公安局")),
    ] {
        assert_eq!(clerk.get(demo.url(&path)).send().await.unwrap().status().as_u16(), 404, "{path}");
    }
}
