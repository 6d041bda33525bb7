//! Issue 17 item 3: a 行政复议 / 行政诉讼 case is filed, has its statutory deadline, is extended,
//! decided or withdrawn, and is counted once — as 尚未审结 in the year it was filed and still open,
//! under its result in the year it was decided. The case crosses a year boundary: the server runs
//! on 25 Nov 2023, 15 Jan 2024 and 21 Feb 2024 (GONGKAI_TODAY), on the same data.

use crate::common::*;

fn table4(store: &Store, year: i32, unit: &str) -> serde_json::Value {
    let y = year.to_string();
    let out = store.cli(&["report", "build", "--year", &y, "--unit", unit, "--to", "json"]);
    assert!(out.status.success(), "report build {y}: {}", String::from_utf8_lossy(&out.stderr));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    r["report"]["table4"]["reconsideration"].clone()
}

fn counts(t: &serde_json::Value) -> [i64; 5] {
    ["upheld", "corrected", "other", "pending", "total"].map(|k| t[k].as_i64().unwrap_or(0))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_case_filed_in_november_and_decided_in_february_is_counted_once_in_each_year_right() {
    for backend in backends() {
        let store = Store::new(backend);
        let out = store.cli(&["user", "add", "admin", "--role", "admin", "--password", ADMIN_PASSWORD]);
        assert!(out.status.success());
        let server = Server::start(&store, &[("GONGKAI_TODAY", "2023-11-25")]);
        let admin = login(&server, "admin", ADMIN_PASSWORD).await;
        let other = create_unit(&server, &admin, "汝州市民政局", 1).await;
        let unit = create_unit(&server, &admin, "汝州市财政局", 2).await;
        assert_ne!(unit, 1);
        create_user(&server, &admin, "cz-clerk", "clerk", unit).await;
        create_user(&server, &admin, "mz-clerk", "clerk", other).await;
        let r =
            client().post(server.url("/api/v1/applications")).json(&application_json(7, None)).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 201);
        let code = r.json::<serde_json::Value>().await.unwrap()["tracking_code"].as_str().unwrap().to_string();
        let queue: serde_json::Value = admin.get(&server, "/api/v1/staff/applications").await.json().await.unwrap();
        let id =
            queue.as_array().unwrap().iter().find(|l| l["tracking_code"] == code.as_str()).unwrap()["application_id"]
                .as_i64()
                .unwrap();
        let u = unit.to_string();
        let r = admin
            .post_form(&server, &format!("/staff/applications/{id}/route"), &[("unit_id", &u), ("reason", "")])
            .await;
        assert_eq!(r.status().as_u16(), 303);

        let clerk = login(&server, "cz-clerk", STAFF_PASSWORD).await;
        let file = |accepted: &'static str| {
            [
                ("kind", "reconsideration"),
                ("result", "pending"),
                ("filed_on", "2023-11-20"),
                ("accepted_on", accepted),
                ("court_due_on", ""),
                ("decided_on", ""),
                ("note", "申请人对答复不服"),
            ]
        };
        // A 行政复议 without its acceptance date has no deadline: refused, nothing saved.
        let r = clerk.post_form(&server, &format!("/staff/applications/{id}/review-cases"), &file("")).await;
        assert_eq!(r.status().as_u16(), 422);
        assert!(r.text().await.unwrap().contains("受理日期"));
        let r = clerk.post_form(&server, &format!("/staff/applications/{id}/review-cases"), &file("2023-11-24")).await;
        assert_eq!(r.status().as_u16(), 303, "filed");
        let page = clerk.get(&server, &format!("/staff/applications/{id}")).await.text().await.unwrap();
        assert!(page.contains("2024-01-23"), "60 days after acceptance");
        let case_id: i64 =
            page.split("/staff/review-cases/").nth(1).unwrap().split('/').next().unwrap().parse().unwrap();
        assert_eq!(counts(&table4(&store, 2023, "汝州市财政局")), [0, 0, 0, 1, 1]);
        server.kill();

        // 15 January 2024: extended by 30 days, once.
        let server = Server::start(&store, &[("GONGKAI_TODAY", "2024-01-15")]);
        let clerk = login(&server, "cz-clerk", STAFF_PASSWORD).await;
        let stranger = login(&server, "mz-clerk", STAFF_PASSWORD).await;
        let r = stranger.post_form(&server, &format!("/staff/review-cases/{case_id}/extend"), &[]).await;
        assert_eq!(r.status().as_u16(), 404, "another unit's case is not there");
        let r = clerk.post_form(&server, &format!("/staff/review-cases/{case_id}/extend"), &[]).await;
        assert_eq!(r.status().as_u16(), 303, "extended");
        let r = clerk.post_form(&server, &format!("/staff/review-cases/{case_id}/extend"), &[]).await;
        assert_eq!(r.status().as_u16(), 422);
        assert!(r.text().await.unwrap().contains("已经延长过一次"));
        let page = clerk.get(&server, &format!("/staff/applications/{id}")).await.text().await.unwrap();
        assert!(page.contains("2024-02-22") && page.contains("延长30日"), "90 days after acceptance");
        server.kill();

        // 21 February 2024: decided (纠正). Once.
        let server = Server::start(&store, &[("GONGKAI_TODAY", "2024-02-21")]);
        let admin = login(&server, "admin", ADMIN_PASSWORD).await;
        let clerk = login(&server, "cz-clerk", STAFF_PASSWORD).await;
        let stranger = login(&server, "mz-clerk", STAFF_PASSWORD).await;
        let end = |result: &'static str, on: &'static str| [("result", result), ("decided_on", on), ("note", "")];
        let path = format!("/staff/review-cases/{case_id}/end");
        let r = stranger.post_form(&server, &path, &end("upheld", "2024-02-20")).await;
        assert_eq!(r.status().as_u16(), 404);
        for (result, on, says) in [
            ("corrected", "2023-11-19", "不能早于提起日期"),
            ("corrected", "2024-02-22", "不能晚于今天"),
            ("pending", "2024-02-20", "请选择审结结果"),
            ("", "2024-02-20", "请选择审结结果"),
            ("corrected", "", "请填写审结"),
        ] {
            let r = clerk.post_form(&server, &path, &end(result, on)).await;
            assert_eq!(r.status().as_u16(), 422, "{result} {on}");
            assert!(r.text().await.unwrap().contains(says), "{result} {on}: {says}");
        }
        assert_eq!(counts(&table4(&store, 2024, "汝州市财政局")), [0, 0, 0, 0, 0], "nothing half-saved");
        let r = clerk.post_form(&server, &path, &end("corrected", "2024-02-20")).await;
        assert_eq!(r.status().as_u16(), 303, "decided");
        let r = clerk.post_form(&server, &path, &end("upheld", "2024-02-21")).await;
        assert_eq!(r.status().as_u16(), 422, "a second end is refused");
        assert!(r.text().await.unwrap().contains("已审结或已撤回"));

        assert_eq!(counts(&table4(&store, 2023, "汝州市财政局")), [0, 0, 0, 1, 1], "still open at the end of 2023");
        assert_eq!(counts(&table4(&store, 2024, "汝州市财政局")), [0, 1, 0, 0, 1], "decided in 2024, once");
        assert_eq!(counts(&table4(&store, 2025, "汝州市财政局")), [0, 0, 0, 0, 0]);
        assert_eq!(counts(&table4(&store, 2024, "汝州市民政局")), [0, 0, 0, 0, 0], "not another unit's");
        let audit = admin.get(&server, "/staff/audit.csv").await.text().await.unwrap();
        for action in ["review_case.create", "review_case.extend", "review_case.end"] {
            assert_eq!(audit.matches(action).count(), 1, "{action} audited once");
        }
        server.kill();
    }
}

/// A 行政诉讼 runs on the court's deadline and may be withdrawn (撤诉): counted under 其他结果.
#[tokio::test(flavor = "multi_thread")]
async fn a_withdrawn_lawsuit_counts_under_other_results_in_the_year_it_ended() {
    let (store, server, admin) = support_setup("2025-06-30").await;
    let unit = create_unit(&server, &admin, "汝州市自然资源局", 3).await;
    let r = client().post(server.url("/api/v1/applications")).json(&application_json(9, None)).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let queue: serde_json::Value = admin.get(&server, "/api/v1/staff/applications").await.json().await.unwrap();
    let id = queue[0]["application_id"].as_i64().unwrap();
    let u = unit.to_string();
    admin.post_form(&server, &format!("/staff/applications/{id}/route"), &[("unit_id", &u), ("reason", "")]).await;
    let r = admin
        .post_form(
            &server,
            &format!("/staff/applications/{id}/review-cases"),
            &[("kind", "litigation_direct"), ("filed_on", "2024-12-01"), ("court_due_on", "2025-06-01"), ("note", "")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let page = admin.get(&server, &format!("/staff/applications/{id}")).await.text().await.unwrap();
    assert!(page.contains("2025-06-01") && page.contains("已超期"), "the court's deadline, passed");
    let case_id: i64 = page.split("/staff/review-cases/").nth(1).unwrap().split('/').next().unwrap().parse().unwrap();
    let r = admin.post_form(&server, &format!("/staff/review-cases/{case_id}/extend"), &[]).await;
    assert_eq!(r.status().as_u16(), 422, "a lawsuit's deadline is the court's");
    let r = admin
        .post_form(
            &server,
            &format!("/staff/review-cases/{case_id}/end"),
            &[("result", "withdrawn"), ("decided_on", "2025-03-03"), ("note", "原告撤诉")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let y = |year: &str| {
        let out = store.cli(&["report", "build", "--year", year, "--unit", "汝州市自然资源局", "--to", "json"]);
        let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        counts(&r["report"]["table4"]["litigation_direct"])
    };
    assert_eq!(y("2024"), [0, 0, 0, 1, 1]);
    assert_eq!(y("2025"), [0, 0, 1, 0, 1]);
}

async fn support_setup(today: &str) -> (Store, Server, Staff) {
    let store = Store::new(Backend::Sqlite);
    let out = store.cli(&["user", "add", "admin", "--role", "admin", "--password", ADMIN_PASSWORD]);
    assert!(out.status.success());
    let server = Server::start(&store, &[("GONGKAI_TODAY", today)]);
    let admin = login(&server, "admin", ADMIN_PASSWORD).await;
    (store, server, admin)
}
