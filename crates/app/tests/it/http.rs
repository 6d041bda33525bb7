//! Integration tests over real HTTP against the real binary and the real database (SQLite
//! always, PostgreSQL when GONGKAI_TEST_DATABASE_URL is set).

use crate::common::*;

async fn audit_csv(server: &Server, admin: &Staff) -> String {
    admin.get(server, "/staff/audit.csv").await.text().await.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_portal_answers_in_chinese_and_healthz_is_ok() {
    let (_store, server, _admin) = setup(Backend::Sqlite).await;
    let c = client();
    let health = c.get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status().as_u16(), 200);
    let home = c.get(server.url("/")).send().await.unwrap();
    assert_eq!(home.status().as_u16(), 200);
    let headers = home.headers().clone();
    let html = home.text().await.unwrap();
    assert!(html.contains("lang=\"zh-CN\"") && html.contains("依申请公开") && html.contains("主办单位"));
    // Security headers on every page.
    assert!(headers["content-security-policy"].to_str().unwrap().contains("frame-ancestors 'none'"));
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "same-origin");
    let missing = c.get(server.url("/no/such/page")).send().await.unwrap();
    assert_eq!(missing.status().as_u16(), 404);
}

/// The storage story, on every back end: organisation, users, an application through its whole
/// life, the queue, and an audit record for every change.
#[tokio::test(flavor = "multi_thread")]
async fn storage_story_on_every_backend() {
    for backend in backends() {
        let (_store, server, admin) = setup(backend).await;
        let a = create_unit(&server, &admin, "汝州市民政局", 1).await;
        create_user(&server, &admin, "mz-clerk", "clerk", a).await;
        create_user(&server, &admin, "mz-reviewer", "reviewer", a).await;
        let c = client();
        let resp = c.post(server.url("/api/v1/applications")).json(&application_json(1, None)).send().await.unwrap();
        assert_eq!(resp.status().as_u16(), 201, "{backend:?}");
        let body: serde_json::Value = resp.json().await.unwrap();
        let code = body["tracking_code"].as_str().unwrap().to_string();
        let queue: serde_json::Value = admin.get(&server, "/api/v1/staff/applications").await.json().await.unwrap();
        let id =
            queue.as_array().unwrap().iter().find(|l| l["tracking_code"] == code.as_str()).unwrap()["application_id"]
                .as_i64()
                .unwrap();
        let unit = a.to_string();
        let r = admin
            .post_form(&server, &format!("/staff/applications/{id}/route"), &[("unit_id", &unit), ("reason", "")])
            .await;
        assert_eq!(r.status().as_u16(), 303, "{backend:?} route");
        let reviewer = login(&server, "mz-reviewer", STAFF_PASSWORD).await;
        let today = body["received_on"].as_str().unwrap().to_string();
        let r = reviewer
            .post_form(
                &server,
                &format!("/staff/applications/{id}/step"),
                &[("action", "answer"), ("date", &today), ("outcome", "disclosed"), ("public_note", "请查收附件")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303, "{backend:?} answer: {}", r.text().await.unwrap());
        let secret = body["secret"].as_str().unwrap();
        let status: serde_json::Value = c
            .get(server.url(&format!("/api/v1/applications/{code}?secret={secret}")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(status["status"], "answered", "{backend:?}");
        let audit = audit_csv(&server, &admin).await;
        for action in [
            "user.create",
            "unit.create",
            "application.submit",
            "application.assigned",
            "application.answer",
            "session.login",
        ] {
            assert!(audit.contains(action), "{backend:?}: audit lacks {action}");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_clerk_cannot_read_or_change_another_units_records() {
    for backend in backends() {
        let (_store, server, admin) = setup(backend).await;
        let a = create_unit(&server, &admin, "单位甲", 1).await;
        let b = create_unit(&server, &admin, "单位乙", 2).await;
        create_user(&server, &admin, "clerk-a", "clerk", a).await;
        create_user(&server, &admin, "clerk-b", "clerk", b).await;
        let c = client();
        let body: serde_json::Value = c
            .post(server.url("/api/v1/applications"))
            .json(&application_json(7, None))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let code = body["tracking_code"].as_str().unwrap();
        let queue: serde_json::Value = admin.get(&server, "/api/v1/staff/applications").await.json().await.unwrap();
        let id = queue.as_array().unwrap().iter().find(|l| l["tracking_code"] == code).unwrap()["application_id"]
            .as_i64()
            .unwrap();
        let unit_b = b.to_string();
        admin
            .post_form(&server, &format!("/staff/applications/{id}/route"), &[("unit_id", &unit_b), ("reason", "")])
            .await;
        let clerk_a = login(&server, "clerk-a", STAFF_PASSWORD).await;
        let before = audit_csv(&server, &admin).await.lines().count();
        // Read: not found (IDs leak nothing).
        assert_eq!(
            clerk_a.get(&server, &format!("/staff/applications/{id}")).await.status().as_u16(),
            404,
            "{backend:?}"
        );
        assert_eq!(
            clerk_a.get(&server, &format!("/staff/applications/{id}/letter")).await.status().as_u16(),
            404,
            "{backend:?}"
        );
        // Change: refused, nothing changed.
        let today = chrono::Utc::now().date_naive().to_string();
        let r = clerk_a
            .post_form(&server, &format!("/staff/applications/{id}/step"), &[("action", "withdraw"), ("date", &today)])
            .await;
        assert!([403, 404].contains(&r.status().as_u16()), "{backend:?}: {}", r.status());
        let r = clerk_a
            .post_form(
                &server,
                &format!("/staff/applications/{id}/route"),
                &[("unit_id", &a.to_string()), ("reason", "拿走")],
            )
            .await;
        assert!([403, 404].contains(&r.status().as_u16()), "{backend:?}");
        // Admin-only pages.
        assert_eq!(clerk_a.get(&server, "/staff/units").await.status().as_u16(), 403);
        assert_eq!(clerk_a.get(&server, "/staff/audit").await.status().as_u16(), 403);
        let r = clerk_a
            .post_form(
                &server,
                "/staff/units",
                &[("name", "x"), ("kind", "department"), ("credit_code", &credit_code(9))],
            )
            .await;
        assert_eq!(r.status().as_u16(), 403);
        // Queue of unit A does not list B's application.
        let q: serde_json::Value = clerk_a.get(&server, "/api/v1/staff/applications").await.json().await.unwrap();
        assert!(q.as_array().unwrap().iter().all(|l| l["tracking_code"] != code));
        let status: serde_json::Value = admin.get(&server, "/api/v1/staff/applications").await.json().await.unwrap();
        let line = status.as_array().unwrap().iter().find(|l| l["tracking_code"] == code).unwrap().clone();
        assert_eq!(line["unit_id"].as_i64(), Some(b), "still unit B's");
        assert_eq!(line["status_label"], "办理中", "nothing changed");
        let after = audit_csv(&server, &admin).await.lines().count();
        assert_eq!(before, after, "{backend:?}: refused requests change nothing, so they leave no audit record");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_post_without_a_valid_csrf_token_is_refused() {
    let (_store, server, admin) = setup(Backend::Sqlite).await;
    // Staff form with a wrong token.
    let r = admin
        .client
        .post(server.url("/staff/units"))
        .form(&[("_csrf", "0000"), ("name", "伪造"), ("kind", "department"), ("credit_code", &credit_code(3))])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    // And without any.
    let r = admin
        .client
        .post(server.url("/staff/units"))
        .form(&[("name", "伪造"), ("kind", "department"), ("credit_code", &credit_code(3))])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let units: serde_json::Value = admin.get(&server, "/api/v1/units").await.json().await.unwrap();
    assert!(units.as_array().unwrap().is_empty(), "nothing was created");
    // A public form post from a client that never loaded our page.
    let stranger = client();
    let r = stranger
        .post(server.url("/staff/login"))
        .form(&[("username", "admin"), ("password", ADMIN_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    // The JSON API with a session cookie needs the X-CSRF-Token header.
    let r =
        admin.client.post(server.url("/api/v1/applications")).json(&application_json(1, None)).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 403);
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_passwords_are_throttled_per_account() {
    let (_store, server, _admin) = setup(Backend::Sqlite).await;
    let c = client();
    let page = c.get(server.url("/staff/login")).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_in(&page);
    for i in 0..5 {
        let r = c
            .post(server.url("/staff/login"))
            .form(&[("_csrf", csrf.as_str()), ("username", "admin"), ("password", "wrong")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 401, "attempt {i}");
    }
    // Now even the right password waits.
    let r = c
        .post(server.url("/staff/login"))
        .form(&[("_csrf", csrf.as_str()), ("username", "admin"), ("password", ADMIN_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 429);
    assert!(r.headers().contains_key("retry-after"));
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_gets_a_clear_message_and_saves_nothing() {
    let (_store, server, admin) = setup(Backend::Sqlite).await;
    let c = client();
    let mut bad = application_json(2, None);
    bad["id_number"] = serde_json::json!("410482198501010011");
    bad["phone"] = serde_json::json!("abc");
    let r = c.post(server.url("/api/v1/applications")).json(&bad).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 422);
    let body: serde_json::Value = r.json().await.unwrap();
    let fields: Vec<&str> =
        body["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert!(fields.contains(&"id_number") && fields.contains(&"phone"), "{body}");
    assert!(
        body["error"]["fields"][0]["message"].as_str().unwrap().chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "message in Chinese"
    );
    let r = c
        .post(server.url("/api/v1/applications"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 422);
    let queue: serde_json::Value = admin.get(&server, "/api/v1/staff/applications").await.json().await.unwrap();
    assert!(queue.as_array().unwrap().is_empty(), "nothing half-saved");
    // A bad unit form: per-field message, nothing saved.
    let r = admin
        .post_form(
            &server,
            "/staff/units",
            &[("name", "测试单位"), ("kind", "department"), ("credit_code", "114104820000000000")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("统一社会信用代码校验位不正确"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_double_submission_creates_one_application() {
    let (_store, server, admin) = setup(Backend::Sqlite).await;
    let c = client();
    let first: serde_json::Value = c
        .post(server.url("/api/v1/applications"))
        .json(&application_json(3, Some("key-123")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let again =
        c.post(server.url("/api/v1/applications")).json(&application_json(3, Some("key-123"))).send().await.unwrap();
    assert_eq!(again.status().as_u16(), 200);
    let again: serde_json::Value = again.json().await.unwrap();
    assert_eq!(first["tracking_code"], again["tracking_code"]);
    assert_eq!(first["secret"], again["secret"]);
    let queue: serde_json::Value = admin.get(&server, "/api/v1/staff/applications").await.json().await.unwrap();
    assert_eq!(queue.as_array().unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn public_submissions_are_rate_limited_per_address() {
    let store = Store::new(Backend::Sqlite);
    let server = Server::start(&store, &[("GONGKAI_PUBLIC_SUBMISSIONS_PER_MINUTE", "3")]);
    let c = client();
    for i in 0..3 {
        let r = c.post(server.url("/api/v1/applications")).json(&application_json(10 + i, None)).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 201);
    }
    let r = c.post(server.url("/api/v1/applications")).json(&application_json(20, None)).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 429);
    assert!(r.headers().contains_key("retry-after"));
}

/// submit → track → clarify → supplement → extend → answer, with the clock and the public view.
#[tokio::test(flavor = "multi_thread")]
async fn an_application_goes_from_intake_to_answer_and_the_public_never_sees_personal_data() {
    // Pinned to a day well inside the calendar's data (2019–2026): the steps below may reach
    // weeks past today, and a date past the data is an error by design, never a guess.
    let store = Store::new(Backend::Sqlite);
    assert!(store.cli(&["user", "add", "admin", "--role", "admin", "--password", ADMIN_PASSWORD]).status.success());
    let server = Server::start(&store, &[("GONGKAI_TODAY", "2026-06-01")]);
    let admin = login(&server, "admin", ADMIN_PASSWORD).await;
    let unit = create_unit(&server, &admin, "汝州市财政局", 4).await;
    create_user(&server, &admin, "cz-reviewer", "reviewer", unit).await;
    let c = client();
    let app = application_json(42, Some("lifecycle"));
    let body: serde_json::Value =
        c.post(server.url("/api/v1/applications")).json(&app).send().await.unwrap().json().await.unwrap();
    let code = body["tracking_code"].as_str().unwrap().to_string();
    let secret = body["secret"].as_str().unwrap().to_string();
    let received = body["received_on"].as_str().unwrap().to_string();
    assert!(body["due_on"].as_str().unwrap() > received.as_str());
    let queue: serde_json::Value = admin.get(&server, "/api/v1/staff/applications").await.json().await.unwrap();
    let id = queue.as_array().unwrap()[0]["application_id"].as_i64().unwrap();
    admin
        .post_form(
            &server,
            &format!("/staff/applications/{id}/route"),
            &[("unit_id", &unit.to_string()), ("reason", "")],
        )
        .await;
    let reviewer = login(&server, "cz-reviewer", STAFF_PASSWORD).await;
    let today = chrono::NaiveDate::parse_from_str(&received, "%Y-%m-%d").unwrap();
    let d = |n: i64| (today + chrono::Duration::days(n)).to_string();
    // The steps happen "today" (dates cannot be in the future), in order.
    let steps: Vec<Vec<(&str, String)>> = vec![
        vec![
            ("action", "clarify".into()),
            ("date", d(0)),
            ("deadline", d(30)),
            ("public_note", "请补充所需信息的年度".into()),
        ],
        vec![("action", "supplement".into()), ("date", d(0))],
        vec![("action", "extend".into()), ("date", d(0)), ("days", "10".into()), ("approver", "公开办主任".into())],
    ];
    for (i, s) in steps.iter().enumerate() {
        let who = if s[0].1 == "extend" { &admin } else { &reviewer };
        let fields: Vec<(&str, &str)> = s.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = who.post_form(&server, &format!("/staff/applications/{id}/step"), &fields).await;
        assert_eq!(r.status().as_u16(), 303, "step {i}: {}", r.text().await.unwrap());
    }
    // A clerk-level impossible step: a second extension is refused with a clear message.
    let r = admin
        .post_form(
            &server,
            &format!("/staff/applications/{id}/step"),
            &[("action", "extend"), ("date", &d(0)), ("days", "5"), ("approver", "主任")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("只能延长一次"));
    let track = c
        .get(server.url(&format!("/api/v1/applications/{code}?secret={secret}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(track.contains("延长"), "{track}");
    let r = reviewer
        .post_form(
            &server,
            &format!("/staff/applications/{id}/step"),
            &[
                ("action", "answer"),
                ("date", &d(0)),
                ("outcome", "partially_disclosed"),
                ("public_note", "部分内容涉及第三方个人信息"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    // Answering again (a finished application) is refused, nothing changed.
    let r = reviewer
        .post_form(&server, &format!("/staff/applications/{id}/step"), &[("action", "withdraw"), ("date", &d(0))])
        .await;
    assert_eq!(r.status().as_u16(), 422);
    // The public view: status and dates, never the applicant's name, ID number or phone.
    let api = c
        .get(server.url(&format!("/api/v1/applications/{code}?secret={secret}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let page = c
        .get(server.url(&format!("/applications/track?code={code}&secret={secret}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("部分公开"), "{page}");
    for text in [&api, &page] {
        for personal in [
            app["applicant_name"].as_str().unwrap(),
            app["id_number"].as_str().unwrap(),
            app["phone"].as_str().unwrap(),
        ] {
            assert!(!text.contains(personal), "public view leaks {personal}");
        }
        assert!(
            gongkai_domain::privacy::scan(text)
                .iter()
                .all(|f| f.kind != gongkai_domain::privacy::FindingKind::IdNumber)
        );
    }
    // A wrong secret tells nothing.
    let r = c.get(server.url(&format!("/api/v1/applications/{code}?secret=wrong"))).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 404);
    // The reply letter as Word, opened by LibreOffice.
    let docx = reviewer.get(&server, &format!("/staff/applications/{id}/letter.docx")).await;
    assert_eq!(docx.status().as_u16(), 200);
    let bytes = docx.bytes().await.unwrap();
    assert!(bytes.starts_with(b"PK"));
    let path = store.dir.join("letter.docx");
    std::fs::write(&path, &bytes).unwrap();
    match libreoffice() {
        Some(bin) => assert!(converts_to_pdf(bin, &path), "LibreOffice opens the reply letter"),
        None => {
            skip("LibreOffice is not installed here; the reply letter was not opened (apt-get install libreoffice)");
        }
    }
}

/// Backup while the server takes writes, restore into a fresh directory: every acknowledged
/// application is there.
#[tokio::test(flavor = "multi_thread")]
async fn backup_under_writes_then_restore_keeps_every_acknowledged_record() {
    let (store, server, _admin) = setup(Backend::Sqlite).await;
    let base = server.base.clone();
    let writer = tokio::spawn(async move {
        let c = client();
        let mut acknowledged = vec![];
        for i in 0..60 {
            let r = c
                .post(format!("{base}/api/v1/applications"))
                .json(&application_json(100 + i, None))
                .send()
                .await
                .unwrap();
            if r.status().as_u16() == 201 {
                let b: serde_json::Value = r.json().await.unwrap();
                acknowledged.push(b["tracking_code"].as_str().unwrap().to_string());
            }
        }
        acknowledged
    });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let backup = store.dir.join("backup.db");
    let out = store.cli(&["backup", backup.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let acknowledged_before_end = writer.await.unwrap();
    // A second backup after the writes have all been acknowledged holds every one of them.
    let backup2 = store.dir.join("backup2.db");
    assert!(store.cli(&["backup", backup2.to_str().unwrap()]).status.success());
    let restored = Store::new(Backend::Sqlite);
    let out = restored.cli(&["restore", backup2.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = restored.cli(&["user", "add", "admin2", "--role", "admin", "--password", ADMIN_PASSWORD]);
    assert!(out.status.success());
    let server2 = Server::start(&restored, &[]);
    let admin2 = login(&server2, "admin2", ADMIN_PASSWORD).await;
    let queue: serde_json::Value = admin2.get(&server2, "/api/v1/staff/applications").await.json().await.unwrap();
    let codes: Vec<&str> = queue.as_array().unwrap().iter().map(|l| l["tracking_code"].as_str().unwrap()).collect();
    for code in &acknowledged_before_end {
        assert!(codes.contains(&code.as_str()), "restored copy lacks acknowledged {code}");
    }
    // The mid-write backup is a consistent snapshot: it opens and migrates.
    let mid = Store::new(Backend::Sqlite);
    assert!(mid.cli(&["restore", backup.to_str().unwrap()]).status.success());
    // Restoring over an existing database is refused.
    assert!(!restored.cli(&["restore", backup.to_str().unwrap()]).status.success());
}

/// Two nodes on one PostgreSQL: a session created through one is valid on the other.
#[tokio::test(flavor = "multi_thread")]
async fn two_nodes_on_one_postgres_share_sessions_and_data() {
    if pg_admin_url().is_none() {
        skip("GONGKAI_TEST_DATABASE_URL not set; the two-node test needs PostgreSQL");
        return;
    }
    let (store, node1, admin) = setup(Backend::Postgres).await;
    let node2 = Server::start(&store, &[]);
    // The session cookie from node 1, presented to node 2.
    let me = admin.client.get(node2.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(me.status().as_u16(), 200, "session valid on node 2");
    // Write on node 2 with the same session and CSRF token; read on node 1.
    let r = admin
        .post_form(
            &node2,
            "/staff/units",
            &[("name", "两节点测试单位"), ("kind", "department"), ("credit_code", &credit_code(11))],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let units: serde_json::Value = admin.get(&node1, "/api/v1/units").await.json().await.unwrap();
    assert!(units.as_array().unwrap().iter().any(|u| u["name"] == "两节点测试单位"));
}

/// The office imports a newly announced holiday: open applications' due dates are recomputed,
/// the changes listed and audited.
#[tokio::test(flavor = "multi_thread")]
async fn a_calendar_change_recomputes_open_due_dates_and_lists_them() {
    let store = Store::new(Backend::Sqlite);
    assert!(store.cli(&["user", "add", "admin", "--role", "admin", "--password", ADMIN_PASSWORD]).status.success());
    let server = Server::start(&store, &[("GONGKAI_TODAY", "2026-06-01")]);
    let admin = login(&server, "admin", ADMIN_PASSWORD).await;
    let c = client();
    let body: serde_json::Value = c
        .post(server.url("/api/v1/applications"))
        .json(&application_json(5, None))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let code = body["tracking_code"].as_str().unwrap();
    assert_eq!(body["received_on"], "2026-06-01");
    assert_eq!(body["due_on"], "2026-06-30", "20 working days after 1 June 2026 (端午 19 June)");
    // A (fictitious) extra holiday on Wednesday 10 June pushes the due date by one working day.
    let r =
        admin.post_form(&server, "/staff/calendar", &[("csv", "date,kind,name\n2026-06-10,holiday,测试假日\n")]).await;
    assert_eq!(r.status().as_u16(), 200);
    let page = r.text().await.unwrap();
    assert!(page.contains(code) && page.contains("2026-06-30") && page.contains("2026-07-01"), "the change is listed");
    let status: serde_json::Value = c
        .get(server.url(&format!("/api/v1/applications/{code}?secret={}", body["secret"].as_str().unwrap())))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(status["due_on"], "2026-07-01");
    let audit = admin.get(&server, "/staff/audit.csv").await.text().await.unwrap();
    assert!(audit.contains("application.due_recomputed") && audit.contains("calendar.import"));
    // A bad calendar file: a clear message, nothing changed.
    let r =
        admin.post_form(&server, "/staff/calendar", &[("csv", "date,kind,name\n2026-13-40,holiday,坏日期\n")]).await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("第2行"));
}

/// A unique constraint broken by a complete, valid form is answered with what it means — the same
/// sentence on both back ends (SQLite names the columns, PostgreSQL the constraint) — and nothing
/// of the refused unit is saved.
#[tokio::test(flavor = "multi_thread")]
async fn a_duplicate_unit_is_refused_with_what_is_duplicated_on_both_back_ends() {
    for backend in backends() {
        let (_store, server, admin) = setup(backend).await;
        create_unit(&server, &admin, "汝州市财政局", 61).await;
        let same_name = [
            ("name", "汝州市财政局"),
            ("kind", "department"),
            ("credit_code", &credit_code(62)),
            ("phone", "0375-6800000"),
        ];
        let resp = admin.post_form(&server, "/staff/units", &same_name).await;
        assert_eq!(resp.status().as_u16(), 409, "{backend:?}");
        assert!(resp.text().await.unwrap().contains("已有同名单位"), "{backend:?}");
        let same_code = [
            ("name", "汝州市审计局"),
            ("kind", "department"),
            ("credit_code", &credit_code(61)),
            ("phone", "0375-6800000"),
        ];
        let resp = admin.post_form(&server, "/staff/units", &same_code).await;
        assert_eq!(resp.status().as_u16(), 409, "{backend:?}");
        assert!(resp.text().await.unwrap().contains("统一社会信用代码已被另一单位使用"), "{backend:?}");
        let units: serde_json::Value =
            admin.client.get(server.url("/api/v1/units")).send().await.unwrap().json().await.unwrap();
        assert!(!units.as_array().unwrap().iter().any(|u| u["name"] == "汝州市审计局"), "nothing half-saved");
    }
}
