//! The annual report's lifecycle over HTTP, as the domain's table (`report::apply`) decides it, on
//! both back ends: draft → reviewed → published; an edit sends a reviewed report back to draft; a
//! published version is never edited but corrected by a new version, whose publication marks the
//! one before superseded (still public). Every refusal is a clear sentence and changes nothing.

use crate::common::*;
use crate::support::location_id;

async fn body(resp: reqwest::Response) -> (u16, String) {
    let status = resp.status().as_u16();
    (status, resp.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_report_goes_draft_reviewed_published_and_a_correction_supersedes_it() {
    for backend in backends() {
        let (_store, server, admin) = setup(backend).await;
        let resp = admin.post_form(&server, "/staff/reports", &[("year", "2025"), ("unit_id", "")]).await;
        assert_eq!(resp.status().as_u16(), 303, "{backend:?}");
        let id = location_id(&resp);
        let edit = |text: &'static str| {
            [("overview", text), ("problems", "存在的问题。"), ("other", "其他需要报告的事项。"), ("recompute", "")]
        };

        let (s, page) =
            body(admin.post_form(&server, &format!("/staff/reports/{id}/publish"), &[("override_reason", "x")]).await)
                .await;
        assert_eq!(s, 422, "{backend:?}");
        assert!(page.contains("年报须先审核，才能发布"), "{backend:?}");

        assert_eq!(
            admin.post_form(&server, &format!("/staff/reports/{id}"), &edit("总体情况。")).await.status().as_u16(),
            303
        );
        assert_eq!(admin.post_form(&server, &format!("/staff/reports/{id}/review"), &[]).await.status().as_u16(), 303);
        let (s, page) = body(admin.post_form(&server, &format!("/staff/reports/{id}/review"), &[]).await).await;
        assert_eq!(s, 422);
        assert!(page.contains("只有草稿可以审核"));

        // An edit after the review sends it back to draft: the review covered the old text.
        assert_eq!(
            admin
                .post_form(&server, &format!("/staff/reports/{id}"), &edit("总体情况（改）。"))
                .await
                .status()
                .as_u16(),
            303
        );
        let (s, page) =
            body(admin.post_form(&server, &format!("/staff/reports/{id}/publish"), &[("override_reason", "x")]).await)
                .await;
        assert_eq!(s, 422);
        assert!(page.contains("年报须先审核，才能发布"));
        assert_eq!(admin.post_form(&server, &format!("/staff/reports/{id}/review"), &[]).await.status().as_u16(), 303);

        // Published: with its errors accepted by a reason where the checker finds any.
        let (s, page) =
            body(admin.post_form(&server, &format!("/staff/reports/{id}/publish"), &[("override_reason", "")]).await)
                .await;
        if s != 303 {
            assert_eq!(s, 422, "{page}");
            assert!(page.contains("处错误，不能发布"), "{page}");
            let r = admin
                .post_form(&server, &format!("/staff/reports/{id}/publish"), &[("override_reason", "测试：按原样发布")])
                .await;
            assert_eq!(r.status().as_u16(), 303);
        }
        assert_eq!(client().get(server.url(&format!("/reports/{id}"))).send().await.unwrap().status().as_u16(), 200);

        let (s, page) = body(admin.post_form(&server, &format!("/staff/reports/{id}"), &edit("偷改。")).await).await;
        assert_eq!(s, 422);
        assert!(page.contains("已发布的年报不能修改"));
        let public = client().get(server.url(&format!("/reports/{id}"))).send().await.unwrap().text().await.unwrap();
        assert!(!public.contains("偷改"), "a refused edit changes nothing");

        let (s, page) =
            body(admin.post_form(&server, &format!("/staff/reports/{id}/correct"), &[("reason", " ")]).await).await;
        assert_eq!(s, 422);
        assert!(page.contains("请说明更正的理由"));
        let r = admin.post_form(&server, &format!("/staff/reports/{id}/correct"), &[("reason", "表三数字更正")]).await;
        assert_eq!(r.status().as_u16(), 303);
        let fixed = location_id(&r);
        assert_ne!(fixed, id);
        assert_eq!(
            admin.post_form(&server, &format!("/staff/reports/{fixed}/review"), &[]).await.status().as_u16(),
            303
        );
        let r = admin
            .post_form(&server, &format!("/staff/reports/{fixed}/publish"), &[("override_reason", "测试：按原样发布")])
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let old = client().get(server.url(&format!("/reports/{id}"))).send().await.unwrap().text().await.unwrap();
        assert!(old.contains("本版本已被更正版本取代"), "{backend:?}: the first version is marked superseded");
        let (s, page) =
            body(admin.post_form(&server, &format!("/staff/reports/{id}/correct"), &[("reason", "再改")]).await).await;
        assert_eq!(s, 422);
        assert!(page.contains("只能更正已发布的现行版本"));

        let audit = admin.get(&server, "/staff/audit.csv").await.text().await.unwrap();
        for action in ["report.review", "report.correction"] {
            assert!(audit.contains(action), "{backend:?}: {action} audited");
        }
        assert!(audit.contains("report.publish"), "{backend:?}");
    }
}

/// Publishing checks the report against the unit's previous year published here: a 2026 report
/// published before an application of 2026 was recorded says 结转下年度 0; the 2027 report computed
/// from the records carries that application over (上年结转 1). The reviewer sees the carry-over
/// error on the report's page, and publishing is refused without an override.
#[tokio::test(flavor = "multi_thread")]
async fn publishing_checks_the_carry_over_against_last_years_published_report() {
    let (_store, server, admin) = setup(Backend::Sqlite).await;
    let publish = |id: i64| {
        let (server, admin) = (&server, &admin);
        async move {
            assert_eq!(
                admin.post_form(server, &format!("/staff/reports/{id}/review"), &[]).await.status().as_u16(),
                303
            );
            admin.post_form(server, &format!("/staff/reports/{id}/publish"), &[("override_reason", "")]).await
        }
    };
    let r = admin.post_form(&server, "/staff/reports", &[("year", "2026"), ("unit_id", "")]).await;
    let y2026 = location_id(&r);
    let r = publish(y2026).await;
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap());

    // An application received now (2026) and still open at the end of the year.
    let r = client().post(server.url("/api/v1/applications")).json(&application_json(5, None)).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 201);

    let r = admin.post_form(&server, "/staff/reports", &[("year", "2027"), ("unit_id", "")]).await;
    let y2027 = location_id(&r);
    let page = admin.get(&server, &format!("/staff/reports/{y2027}")).await.text().await.unwrap();
    assert!(page.contains("上年结转应等于上一年度报告的结转下年度继续办理"), "the reviewer sees it: {page}");
    let r = publish(y2027).await;
    let (status, text) = body(r).await;
    assert_eq!(status, 422);
    assert!(text.contains("处错误，不能发布") && text.contains("2026年度报告的结转下年度继续办理0"), "{text}");
}

/// Every unit's report to the 1 月 31 日 deadline (条例第五十条): with today at 2027-01-20 the
/// office sees unit A's 2026 report published on time and unit B's not yet published, B's staff
/// get a reminder on their dashboard (once); on 2027-02-05 B is overdue. Clerks cannot see the page.
#[tokio::test(flavor = "multi_thread")]
async fn the_office_sees_every_units_report_to_the_january_deadline() {
    let (store, server, admin) = crate::support::setup_with(Backend::Sqlite, &[("GONGKAI_TODAY", "2027-01-20")]).await;
    let a = create_unit(&server, &admin, "汝州市财政局", 71).await;
    let b = create_unit(&server, &admin, "汝州市教育局", 72).await;
    create_user(&server, &admin, "clerk-b", "clerk", b).await;
    let r = admin.post_form(&server, "/staff/reports", &[("year", "2026"), ("unit_id", &a.to_string())]).await;
    let id = location_id(&r);
    assert_eq!(admin.post_form(&server, &format!("/staff/reports/{id}/review"), &[]).await.status().as_u16(), 303);
    let r = admin.post_form(&server, &format!("/staff/reports/{id}/publish"), &[("override_reason", "测试")]).await;
    assert_eq!(r.status().as_u16(), 303);

    let page = admin.get(&server, "/staff/reports/oversight?year=2026").await.text().await.unwrap();
    let row = |name: &str| page.split("<tr>").find(|r| r.contains(name)).unwrap_or_default().to_string();
    assert!(row("汝州市财政局").contains("按时发布") && row("汝州市财政局").contains("第1版"), "{page}");
    assert!(row("汝州市教育局").contains("尚未发布"), "{page}");
    assert!(page.contains("2027年1月31日"), "the deadline is shown: {page}");

    let clerk_b = login(&server, "clerk-b", STAFF_PASSWORD).await;
    assert_eq!(clerk_b.get(&server, "/staff/reports/oversight").await.status().as_u16(), 403);
    // The reminders run when a node starts and every minute after: a node started now reminds B.
    drop(server);
    let server = Server::start(&store, &[("GONGKAI_TODAY", "2027-01-20")]);
    let clerk_b = login(&server, "clerk-b", STAFF_PASSWORD).await;
    let start = std::time::Instant::now();
    loop {
        let dash = clerk_b.get(&server, "/staff").await.text().await.unwrap();
        if dash.contains("请于2027年1月31日前发布2026年度政府信息公开工作年度报告") {
            assert_eq!(dash.matches("请于2027年1月31日前发布2026年度").count(), 1, "reminded once");
            break;
        }
        assert!(start.elapsed() < std::time::Duration::from_secs(10), "B's reminder: {dash}");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    drop(server);

    let later = Server::start(&store, &[("GONGKAI_TODAY", "2027-02-05")]);
    let admin = login(&later, "admin", ADMIN_PASSWORD).await;
    let page = admin.get(&later, "/staff/reports/oversight?year=2026").await.text().await.unwrap();
    let row = |name: &str| page.split("<tr>").find(|r| r.contains(name)).unwrap_or_default().to_string();
    assert!(row("汝州市教育局").contains("逾期未发布"), "{page}");
    assert!(row("汝州市财政局").contains("按时发布"), "{page}");
}

/// The staff page checks many reports at once, from a .zip too: one summary row per file, the
/// zone's consecutive years chained (their carry-overs hold), a file that is no report said so,
/// and the same summary as an .xlsx download.
#[tokio::test(flavor = "multi_thread")]
async fn staff_check_many_reports_from_a_zip_with_a_summary_and_its_xlsx() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/reports");
    if !dir.is_dir() {
        skip("../shared/reports is absent; the staff checker test did not run");
        return;
    }
    let (_store, server, admin) = setup(Backend::Sqlite).await;
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default();
        for y in [2021, 2019, 2020] {
            zip.start_file(format!("reports/{y}_pingtan_shiyanqu.txt"), opts).unwrap();
            std::io::Write::write_all(&mut zip, &std::fs::read(dir.join(format!("{y}_pingtan_shiyanqu.txt"))).unwrap())
                .unwrap();
        }
        zip.start_file("reports/说明.txt", opts).unwrap();
        std::io::Write::write_all(&mut zip, "这是一份会议通知，不是年度报告。".as_bytes()).unwrap();
        zip.finish().unwrap();
    }
    let zip_bytes = buf.into_inner();
    let send = |format: Option<&'static str>| {
        let form = reqwest::multipart::Form::new()
            .part("files", reqwest::multipart::Part::bytes(zip_bytes.clone()).file_name("平潭.zip"));
        let form = match format {
            Some(f) => form.text("format", f),
            None => form,
        };
        admin.client.post(server.url(&format!("/staff/reports/check?_csrf={}", admin.csrf))).multipart(form).send()
    };
    let page = send(None).await.unwrap().text().await.unwrap();
    assert!(page.contains("<h2>汇总</h2>"), "{page}");
    for y in [2019, 2020, 2021] {
        assert!(page.contains(&format!("平潭.zip&#x2f;{y}_pingtan_shiyanqu.txt")), "{y}: {page}");
    }
    assert!(page.contains("平潭.zip&#x2f;说明.txt") && page.contains("不是年度报告"), "{page}");
    assert!(!page.contains("（与上一年度）"), "2019→2020→2021 carry over: {page}");
    let xlsx = send(Some("xlsx")).await.unwrap();
    assert!(xlsx.headers()["content-type"].to_str().unwrap().contains("spreadsheetml"));
    let bytes = xlsx.bytes().await.unwrap();
    assert!(bytes.starts_with(b"PK"), "an .xlsx");
}

/// A unit that published its report on its own website registers it with the file: the checker
/// reads the file (it must be that year's report), and the office's oversight counts it as
/// published on that day, with the file's findings. Another unit's clerk cannot register for it.
#[tokio::test(flavor = "multi_thread")]
async fn a_report_published_elsewhere_is_registered_checked_and_counted() {
    let (_store, server, admin) = crate::support::setup_with(Backend::Sqlite, &[("GONGKAI_TODAY", "2021-03-01")]).await;
    let a = create_unit(&server, &admin, "汝州市人民政府办公室", 73).await;
    let b = create_unit(&server, &admin, "汝州市水利局", 74).await;
    create_user(&server, &admin, "clerk-a", "clerk", a).await;
    create_user(&server, &admin, "clerk-b", "clerk", b).await;
    let seed = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../domain/tests/fixtures/ruzhou-2020-annual-report.txt"),
    )
    .unwrap();
    let send = |who: &Staff, unit: i64, year: &str| {
        let form = reqwest::multipart::Form::new()
            .text("unit_id", unit.to_string())
            .text("year", year.to_string())
            .text("published_on", "2021-01-25")
            .text("url", "https://www.ruzhou.gov.cn/2021/0125.html")
            .part("file", reqwest::multipart::Part::bytes(seed.clone()).file_name("年报.txt"));
        who.client.post(server.url(&format!("/staff/reports/external?_csrf={}", who.csrf))).multipart(form).send()
    };
    let clerk_a = login(&server, "clerk-a", STAFF_PASSWORD).await;
    let clerk_b = login(&server, "clerk-b", STAFF_PASSWORD).await;
    assert_eq!(send(&clerk_b, a, "2020").await.unwrap().status().as_u16(), 404, "not B's unit");
    let r = send(&clerk_a, a, "2019").await.unwrap();
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("文件是2020年度的报告，与所填年度2019不符"));
    assert_eq!(send(&clerk_a, a, "2020").await.unwrap().status().as_u16(), 303);
    let r = send(&clerk_a, a, "2020").await.unwrap();
    assert_eq!(r.status().as_u16(), 409, "registered once");

    let page = admin.get(&server, "/staff/reports/oversight?year=2020").await.text().await.unwrap();
    let row = |name: &str| page.split("<tr>").find(|r| r.contains(name)).unwrap_or_default().to_string();
    let row_a = row("汝州市人民政府办公室");
    assert!(row_a.contains("在其他网站发布") && row_a.contains("按时发布") && row_a.contains("2021-01-25"), "{page}");
    assert!(row_a.contains("<td class=\"num\">1</td>"), "the seed's one error: {row_a}");
    assert!(row("汝州市水利局").contains("逾期未发布"), "{page}");
}
