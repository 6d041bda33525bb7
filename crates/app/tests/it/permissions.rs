//! The permissions matrix: every route of the router (read from the router's source, so a new
//! route cannot be forgotten) × every role (public, clerk and reviewer of unit A, clerk of unit B,
//! admin). Rules: nothing answers 5xx; the public never gets a 2xx from staff routes; a clerk never
//! gets a 2xx from the office's routes; unit B's staff never get a 2xx on unit A's objects.

use crate::common::*;
use crate::support::*;

/// One row of the route table the router is built from, as `gongkai routes --json` prints it:
/// method, path (the API's with `/api/v1`), and the declared access rule (`public`, `staff`,
/// `office`, `object:<Kind>`).
#[derive(Debug, Clone, serde::Deserialize)]
struct RouteRow {
    method: String,
    path: String,
    access: String,
}

fn table() -> Vec<RouteRow> {
    let out = std::process::Command::new(BIN).args(["routes", "--json"]).output().expect("gongkai routes");
    assert!(out.status.success(), "gongkai routes: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("the route table as JSON")
}

/// (method, path) of every route of the table.
fn routes() -> Vec<(String, String)> {
    table().into_iter().map(|r| (r.method, r.path)).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_route_answers_every_role_as_the_rules_say() {
    let table = table();
    let routes: Vec<(String, String)> = table.iter().map(|r| (r.method.clone(), r.path.clone())).collect();
    assert!(routes.len() > 150, "routes in the table: {}", routes.len());
    // Every staff address is declared staff, office or object in the table: no /staff route public by mistake.
    for r in &table {
        let staff_address =
            (r.path.starts_with("/staff") && !r.path.starts_with("/staff/login") && r.path != "/staff/logout")
                || r.path.starts_with("/api/v1/staff");
        assert!(!staff_address || r.access != "public", "{} {} is declared public", r.method, r.path);
    }
    let access_of = |method: &str, route: &str| {
        table.iter().find(|r| r.method == method && r.path == route).map(|r| r.access.clone()).unwrap_or_default()
    };
    let store = Store::new(Backend::Sqlite);
    assert!(store.cli(&["user", "add", "admin", "--role", "admin", "--password", ADMIN_PASSWORD]).status.success());
    let server = Server::start(&store, &[("GONGKAI_TODAY", "2026-06-01")]);
    let admin = login(&server, "admin", ADMIN_PASSWORD).await;
    let a = create_unit(&server, &admin, "单位甲", 1).await;
    let b = create_unit(&server, &admin, "单位乙", 2).await;
    create_user(&server, &admin, "clerk-a", "clerk", a).await;
    create_user(&server, &admin, "reviewer-a", "reviewer", a).await;
    create_user(&server, &admin, "clerk-b", "clerk", b).await;
    // Unit A's objects: an application, and a report draft.
    let c = client();
    let body: serde_json::Value = c
        .post(server.url("/api/v1/applications"))
        .json(&application_json(1, None))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let code = body["tracking_code"].as_str().unwrap().to_string();
    let queue: serde_json::Value = admin.get(&server, "/api/v1/staff/applications").await.json().await.unwrap();
    let app_id = queue[0]["application_id"].as_i64().unwrap();
    admin
        .post_form(
            &server,
            &format!("/staff/applications/{app_id}/route"),
            &[("unit_id", &a.to_string()), ("reason", "")],
        )
        .await;
    let reviewer_a = login(&server, "reviewer-a", STAFF_PASSWORD).await;
    let r = reviewer_a.post_form(&server, "/staff/reports", &[("year", "2026"), ("unit_id", &a.to_string())]).await;
    let report_id: i64 = r.headers()["location"].to_str().unwrap().rsplit('/').next().unwrap().parse().unwrap();
    let clerk_a = login(&server, "clerk-a", STAFF_PASSWORD).await;
    let clerk_b = login(&server, "clerk-b", STAFF_PASSWORD).await;
    let public_page = c.get(server.url("/applications/new")).send().await.unwrap().text().await.unwrap();
    let public = Staff { client: c, csrf: csrf_in(&public_page) };

    let roles: [(&str, &Staff); 5] = [
        ("public", &public),
        ("clerk-a", &clerk_a),
        ("reviewer-a", &reviewer_a),
        ("clerk-b", &clerk_b),
        ("admin", &admin),
    ];
    let mut checked = 0;
    // Logging out ends the role's session: that route goes last.
    let mut routes = routes;
    routes.sort_by_key(|(m, r)| m == "POST" && r == "/staff/logout");
    for (method, route) in &routes {
        // Unit A's objects stand in for every {id}; other parameters get plausible values.
        let path = route
            .replace("/staff/applications/{id}", &format!("/staff/applications/{app_id}"))
            .replace("/staff/reports/{id}", &format!("/staff/reports/{report_id}"))
            .replace("/reports/{id}", &format!("/reports/{report_id}"))
            .replace("{code}", &code)
            .replace("{fmt}", "txt")
            .replace("{id}", "1");
        for (role, who) in roles {
            let resp = match method.as_str() {
                "GET" => who.client.get(server.url(&path)).send().await.unwrap(),
                _ => who
                    .client
                    .post(server.url(&format!("{path}?_csrf={}", who.csrf)))
                    .header("x-csrf-token", &who.csrf)
                    .form(&[("_csrf", who.csrf.as_str())])
                    .send()
                    .await
                    .unwrap(),
            };
            let status = resp.status().as_u16();
            let what = format!("{method} {path} as {role} → {status}");
            assert!(status < 500, "{what}");
            let ok = (200..300).contains(&status);
            // The declared rule, checked against the answer.
            let access = access_of(method, route);
            if role == "public" && access != "public" {
                assert!(!ok, "{what}: the public reached a route declared {access}");
            }
            if role != "admin" && access == "office" {
                assert!(!ok, "{what}: declared office-only");
            }
            let unit_a_object = route.contains("/staff/applications/{id}") || route.contains("/staff/reports/{id}");
            if role == "clerk-b" && unit_a_object {
                assert!(
                    [400, 403, 404, 422].contains(&status),
                    "{what}: unit B must get 403/404 (or 400 for a request refused before it reaches data)"
                );
            }
            // The unpublished draft of unit A is nobody else's business, publicly either.
            if route == "/reports/{id}" && (role == "public" || role == "clerk-b") {
                assert_eq!(status, 404, "{what}");
            }
            checked += 1;
        }
    }
    eprintln!("permissions matrix: {} routes × {} roles = {checked} requests checked", routes.len(), roles.len());
}

fn docx_with(text: &str) -> Vec<u8> {
    let doc = docx_rs::Docx::new().add_paragraph(docx_rs::Paragraph::new().add_run(docx_rs::Run::new().add_text(text)));
    let mut buf = std::io::Cursor::new(Vec::new());
    doc.build().pack(&mut buf).unwrap();
    buf.into_inner()
}

/// The id after `prefix` in the first link of `html` that has one.
fn first_id(html: &str, prefix: &str) -> Option<i64> {
    html.split(prefix).skip(1).find_map(|rest| {
        let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
        digits.parse().ok()
    })
}

/// A form that every POST `{id}` route of the door accepts as well formed (all fields are text and
/// the required ones are here), so a refusal can only come from the access rule, not from the
/// extractor.
/// Every field any staff form asks for, filled validly; `unit` is unit A (a routing keeps the
/// application in unit A, so later routes still find it there).
fn full_form(csrf: &str, unit: &str) -> Vec<(&'static str, String)> {
    [
        ("action", "answer"),
        ("kind", "reconsideration"),
        ("result", "upheld"),
        ("filed_on", "2025-10-01"),
        ("decided_on", ""),
        ("figure", "received_total"),
        ("value", "1"),
        ("reason", "依据核实情况更正"),
        ("text", "已核实，答复如下。"),
        ("note", "已核实"),
        ("date", "2025-10-10"),
        ("title", "2025年第三季度工作动态"),
        ("body", "<p>正文。</p>"),
        ("formed_on", "2025-10-08"),
        ("genre", "notice"),
        ("subject", "general_affairs"),
        ("overview", "概述"),
        ("posted_on", "2025-10-10"),
        ("url", "https://example.gov.cn/a"),
        ("manager", "张三"),
        ("bulletin", "通报"),
        ("catalog_id", "1"),
        ("event_on", "2025-10-09"),
        ("count", "10"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_string()))
    .chain([("unit_id", unit.to_string()), ("_csrf", csrf.to_string())])
    .collect()
}

/// Every `{id}` route behind the object door, asked with a real object of unit A (made through
/// the real flows) by the five roles: unit B's clerk gets 404 for every one of them (the same
/// answer as for an id that does not exist), the public never a 2xx, unit A's staff and the
/// office are not turned away by the door on the object's pages. POSTs carry a complete form.
#[tokio::test(flavor = "multi_thread")]
async fn every_id_route_refuses_another_unit_with_404_on_a_real_object() {
    for backend in backends() {
        id_routes_on(backend).await;
    }
}

async fn id_routes_on(backend: Backend) {
    let (_store, server, admin) = crate::support::setup_with(backend, &[("GONGKAI_TODAY", "2025-10-15")]).await;
    let a = create_township(&server, &admin, "寄料镇", 81).await;
    let b = create_unit(&server, &admin, "汝州市交通运输局", 82).await;
    create_user(&server, &admin, "clerk-a", "clerk", a).await;
    create_user(&server, &admin, "reviewer-a", "reviewer", a).await;
    create_user(&server, &admin, "clerk-b", "clerk", b).await;
    let clerk_a = login(&server, "clerk-a", STAFF_PASSWORD).await;
    let reviewer_a = login(&server, "reviewer-a", STAFF_PASSWORD).await;
    let clerk_b = login(&server, "clerk-b", STAFF_PASSWORD).await;
    let at = a.to_string();
    let mut objects: Vec<(&str, &str, i64)> = vec![]; // (route prefix, kind, id)

    // An application, routed to A.
    let c = client();
    let r = c.post(server.url("/api/v1/applications")).json(&application_json(1, None)).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let queue: serde_json::Value = admin.get(&server, "/api/v1/staff/applications").await.json().await.unwrap();
    let app_id = queue[0]["application_id"].as_i64().unwrap();
    let r = admin
        .post_form(&server, &format!("/staff/applications/{app_id}/route"), &[("unit_id", &at), ("reason", "")])
        .await;
    assert!(r.status().as_u16() < 400, "routed: {}", r.status());
    objects.push(("/staff/applications/{id}", "application", app_id));
    // A notice of that application (a 补正告知书), so the notice routes are asked of a real one.
    let r = admin
        .post_form(
            &server,
            &format!("/staff/applications/{app_id}/step"),
            &[
                ("action", "clarify"),
                ("date", "2025-10-15"),
                ("deadline", "2025-10-29"),
                ("outcome", "disclosed"),
                ("party", "third_party"),
                ("days", ""),
                ("approver", ""),
                ("amount", ""),
                ("pages", ""),
                ("public_note", "请写明所需信息的年份"),
                ("internal_note", ""),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303, "clarify: {}", r.text().await.unwrap_or_default());
    let detail = admin.get(&server, &format!("/staff/applications/{app_id}")).await.text().await.unwrap();
    let notice_id = first_id(&detail, &format!("/staff/applications/{app_id}/notices/")).expect("the notice is listed");
    // A 行政复议 case on it, filed by unit A.
    let case = [
        ("kind", "reconsideration"),
        ("result", "pending"),
        ("filed_on", "2025-10-01"),
        ("accepted_on", "2025-10-08"),
        ("court_due_on", ""),
        ("decided_on", ""),
        ("note", "申请人对答复不服"),
    ];
    let r = clerk_a.post_form(&server, &format!("/staff/applications/{app_id}/review-cases"), &case).await;
    assert_eq!(r.status().as_u16(), 303, "review case filed");
    let page = clerk_a.get(&server, &format!("/staff/applications/{app_id}")).await.text().await.unwrap();
    let case_id = first_id(&page, "/staff/review-cases/").expect("the review case is listed");
    objects.push(("/staff/review-cases/{id}", "review case", case_id));
    // Township A's 基层政务公开标准目录 (社会救助) and one of its entries.
    let fields = [("area", "social_assistance"), ("effective_on", "2025-10-08"), ("edition", "2025年版")];
    let r = crate::basic_catalog::upload(&server, &clerk_a, crate::basic_catalog::workbook(false), &fields).await;
    assert_eq!(r.status().as_u16(), 303, "basic catalog imported");
    let catalog = crate::basic_catalog::catalog_id(&r);
    objects.push(("/staff/basic-catalog/{id}", "basic catalog", catalog));
    let page = clerk_a.get(&server, &format!("/staff/basic-catalog/{catalog}")).await.text().await.unwrap();
    let entry = crate::basic_catalog::entry_ids(&page).first().copied().expect("an entry");
    objects.push(("/staff/basic-catalog/entries/{id}", "basic catalog entry", entry));

    // A report draft of A.
    let r = reviewer_a.post_form(&server, "/staff/reports", &[("year", "2025"), ("unit_id", &at)]).await;
    objects.push(("/staff/reports/{id}", "report", location_id(&r)));

    // A draft item of A, with an attachment and its masked copy (the original then staff-only).
    let r = clerk_a
        .post_form(
            &server,
            "/staff/items",
            &[
                ("unit_id", &at),
                ("title", "2025年高龄津贴发放情况"),
                ("body", "<p>发放名单见附件。</p>"),
                ("formed_on", "2025-10-08"),
                ("genre", "notice"),
                ("subject", "general_affairs"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303, "item created");
    let item = location_id(&r);
    objects.push(("/staff/items/{id}", "item", item));
    let form = reqwest::multipart::Form::new()
        .part("file", reqwest::multipart::Part::bytes(docx_with("发放情况说明")).file_name("说明.docx"));
    let r = clerk_a
        .client
        .post(server.url(&format!("/staff/items/{item}/attachments?_csrf={}", clerk_a.csrf)))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303, "item attachment");
    let page = clerk_a.get(&server, &format!("/staff/items/{item}")).await.text().await.unwrap();
    let item_file = first_id(&page, "/staff/item-attachments/").expect("the attachment is listed");
    objects.push(("/staff/item-attachments/{id}", "item attachment", item_file));
    objects.push(("/staff/attachments/{id}", "item attachment", item_file));

    // A village, a program and a 发放名册 of township A.
    let r = admin
        .post_form(&server, "/staff/livelihood/villages", &[("township", &at), ("name", "城垣村"), ("kind", "村")])
        .await;
    assert_eq!(r.status().as_u16(), 303, "village");
    let r = admin
        .post_form(
            &server,
            "/staff/livelihood/programs",
            &[
                ("code", "gaoling"),
                ("name", "高龄津贴"),
                ("basis", "person"),
                ("standard", "100"),
                ("min_age", "80"),
                ("policy_basis", "《河南省老年人权益保障条例》"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303, "program");
    let staff = admin.get(&server, "/staff/livelihood").await.text().await.unwrap();
    let program: i64 =
        between(&staff, "<option value=\"", "\">高龄津贴").and_then(|s| s.rsplit('"').next()).unwrap().parse().unwrap();
    let roster_id = gongkai_domain::org::complete_id_number("41048219350101001").unwrap().as_str().to_string();
    let csv = format!("村（社区）,姓名,身份证号码,发放金额（元）\n城垣村,王建国,{roster_id},100\n");
    let form = reqwest::multipart::Form::new()
        .text("program_id", program.to_string())
        .text("township", at.clone())
        .text("period", "2025-09")
        .part("file", reqwest::multipart::Part::bytes(csv.into_bytes()).file_name("名册.csv"));
    let r = clerk_a
        .client
        .post(server.url(&format!("/staff/livelihood/batches?_csrf={}", clerk_a.csrf)))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303, "roster upload");
    let batch = location_id(&r);
    objects.push(("/staff/livelihood/batches/{id}", "发放名册", batch));
    let page = clerk_a.get(&server, &format!("/staff/livelihood/batches/{batch}")).await.text().await.unwrap();
    if let Some(roster_file) = first_id(&page, "/staff/attachments/") {
        objects.push(("/staff/attachments/{id}", "roster file", roster_file));
    }

    // A message to A, asked by the public.
    let (v, csrf) = visitor(&server, "/interaction/ask").await;
    let r = v
        .post(server.url("/interaction/ask"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("kind", "consultation"),
            ("to", at.as_str()),
            ("writer_name", "王秀兰"),
            ("writer_contact", "13912345678"),
            ("subject", "高龄津贴到账查询"),
            ("body", "高龄津贴一直没到账，请帮忙查询。"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201, "message");
    let list = admin.get(&server, "/staff/messages").await.text().await.unwrap();
    objects.push(("/staff/messages/{id}", "message", first_id(&list, "/staff/messages/").expect("message listed")));

    // A complaint (the office's until routed).
    let (v, csrf) = visitor(&server, "/livelihood/complaints/new").await;
    let r = v
        .post(server.url("/livelihood/complaints"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("name", "王秀兰"),
            ("phone", "13912345678"),
            ("subject_kind", "fund"),
            ("title", "高龄津贴停发"),
            ("content", "高龄津贴停发三个月了。"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201, "complaint");
    let list = admin.get(&server, "/staff/livelihood/complaints").await.text().await.unwrap();
    objects.push((
        "/staff/livelihood/complaints/{id}",
        "complaint",
        first_id(&list, "/staff/livelihood/complaints/").expect("complaint listed"),
    ));

    // A project in A's village.
    let village: i64 = between(&staff, "<option value=\"", "\">城垣村")
        .and_then(|s| s.rsplit('"').next())
        .and_then(|s| s.parse().ok())
        .or_else(|| {
            let page = staff.split("城垣村").next()?;
            page.rsplit("value=\"").next()?.split('"').next()?.parse().ok()
        })
        .expect("the village is offered on the livelihood page");
    let v = village.to_string();
    let r = clerk_a
        .post_form(
            &server,
            "/staff/livelihood/projects",
            &[
                ("name", "城垣村道路硬化"),
                ("village_id", &v),
                ("budget", "100000"),
                ("source", "财政衔接资金"),
                ("contractor", "汝州市路桥公司"),
                ("planned_start", "2025-10-01"),
                ("planned_end", "2025-12-31"),
                ("description", "硬化村内道路两公里"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303, "project: {}", r.text().await.unwrap_or_default());
    objects.push(("/staff/livelihood/projects/{id}", "project", location_id(&r)));

    // A new-media account of A.
    let r = clerk_a
        .post_form(
            &server,
            "/staff/new-media",
            &[
                ("unit_id", &at),
                ("platform", "wechat"),
                ("name", "寄料镇发布"),
                ("manager", "李四"),
                ("opened_on", "2024-01-01"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303, "account: {}", r.text().await.unwrap_or_default());
    let list = clerk_a.get(&server, "/staff/new-media").await.text().await.unwrap();
    let account = first_id(&list, "/staff/new-media/").expect("account listed");
    objects.push(("/staff/new-media/{id}", "new-media account", account));
    objects.push(("/api/v1/new-media/{id}", "new-media account", account));

    // An interpretation drafted by A.
    let r = clerk_a
        .post_form(
            &server,
            "/staff/interpretations",
            &[
                ("unit_id", &at),
                ("policy_ref", "寄政〔2025〕1号"),
                ("policy_title", "寄料镇高龄津贴发放办法"),
                ("title", "一图读懂高龄津贴"),
                ("form", "qa"),
                ("s_Background", "高龄老人增多。"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303, "interpretation: {}", r.text().await.unwrap_or_default());
    let list = clerk_a.get(&server, "/staff/interpretations").await.text().await.unwrap();
    let interp = first_id(&list, "action=\"/staff/interpretations/").expect("interpretation listed");
    objects.push(("/staff/interpretations/{id}", "interpretation", interp));

    // A spot check by the office with a finding against A.
    let r = admin
        .post_form(
            &server,
            "/staff/spot-checks",
            &[
                ("checked_on", "2025-10-10"),
                ("title", "2025年第三季度政务公开抽查"),
                ("scope", "乡镇"),
                ("inspectors", "王五"),
                ("draw_count", ""),
                ("draw_seed", ""),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303, "spot check: {}", r.text().await.unwrap_or_default());
    let check = location_id(&r);
    objects.push(("/staff/spot-checks/{id}", "spot check", check));
    let r = admin
        .post_form(
            &server,
            &format!("/staff/spot-checks/{check}/findings"),
            &[
                ("unit_id", &at),
                ("rule", "栏目更新不及时"),
                ("description", "动态栏目三个月未更新"),
                ("working_days", "10"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303, "finding: {}", r.text().await.unwrap_or_default());
    let list = clerk_a.get(&server, "/staff/rectifications").await.text().await.unwrap();
    if let Some(finding) = first_id(&list, "/staff/rectifications/") {
        objects.push(("/staff/rectifications/{id}", "finding", finding));
    }

    let public_page = c.get(server.url("/applications/new")).send().await.unwrap().text().await.unwrap();
    let public = Staff { client: c, csrf: csrf_in(&public_page) };
    let roles: [(&str, &Staff); 5] = [
        ("public", &public),
        ("clerk-a", &clerk_a),
        ("reviewer-a", &reviewer_a),
        ("clerk-b", &clerk_b),
        ("admin", &admin),
    ];
    let mut triples = 0;
    let mut covered = std::collections::BTreeSet::new();
    // B first: a POST by A could change the object's state (withdraw, discard).
    let order = [3usize, 0, 1, 2, 4];
    for (method, route) in routes() {
        for &(prefix, kind, id) in &objects {
            let Some(rest) = route.strip_prefix(prefix.trim_end_matches("{id}")) else { continue };
            let Some(tail) = rest.strip_prefix("{id}") else { continue };
            if !(tail.is_empty() || tail.starts_with('/')) {
                continue;
            }
            let mut path =
                format!("{}{id}{tail}", prefix.trim_end_matches("{id}")).replace("{notice_id}", &notice_id.to_string());
            if tail == "/cell" {
                // The drill-down's query is part of a well-formed request.
                path.push_str("?row=new_this_year&col=total");
            }
            covered.insert(route.clone());
            for i in order {
                let (role, who) = roles[i];
                let resp = if method == "GET" {
                    who.client.get(server.url(&path)).send().await.unwrap()
                } else if tail == "/attachments" || tail == "/progress" {
                    let form = reqwest::multipart::Form::new()
                        .text("note", "进度")
                        .text("progress", "50")
                        .part("file", reqwest::multipart::Part::bytes(docx_with("补充说明")).file_name("补充.docx"));
                    who.client
                        .post(server.url(&format!("{path}?_csrf={}", who.csrf)))
                        .multipart(form)
                        .send()
                        .await
                        .unwrap()
                } else if path.starts_with("/api/") {
                    who.client
                        .post(server.url(&path))
                        .header("x-csrf-token", &who.csrf)
                        .json(&serde_json::json!({"posted_on": "2025-10-10", "title": "动态", "url": "https://example.gov.cn/a"}))
                        .send()
                        .await
                        .unwrap()
                } else {
                    who.client
                        .post(server.url(&format!("{path}?_csrf={}", who.csrf)))
                        .form(&full_form(&who.csrf, &at))
                        .send()
                        .await
                        .unwrap()
                };
                let status = resp.status().as_u16();
                let what = format!("{method} {path} ({kind} of unit A) as {role} → {status}");
                assert!(status < 500, "{what}");
                match role {
                    "clerk-b" => assert_eq!(status, 404, "{what}: another unit's object must be not found"),
                    "public" => assert!(!(200..300).contains(&status), "{what}"),
                    "admin" if method == "GET" => assert_ne!(status, 404, "{what}: the office sees every object"),
                    "clerk-a" | "reviewer-a" if method == "GET" && kind != "complaint" && kind != "spot check" => {
                        assert_ne!(status, 404, "{what}: unit A's staff see unit A's object");
                    }
                    _ => {}
                }
                triples += 1;
            }
        }
    }
    let id_routes: Vec<_> = routes()
        .into_iter()
        .filter(|(_, r)| r.contains("{id}") && (r.starts_with("/staff") || r.starts_with("/api/v1/new-media")))
        .map(|(_, r)| r)
        .collect();
    let uncovered: Vec<_> = id_routes.iter().filter(|r| !covered.contains(*r)).collect();
    // What is not tried with a real object of unit A is the office's own (units, users, FAQ, fund
    // findings), which the matrix above checks nobody else reaches.
    let table = table();
    for r in &uncovered {
        assert!(
            table.iter().filter(|t| &&t.path == r).all(|t| t.access == "office"),
            "{r} is neither tried with a real object nor declared office-only"
        );
    }
    eprintln!(
        "object door ({backend:?}): {triples} (route, role, object kind) triples over {} staff {{id}} routes; not yet covered with a real object: {uncovered:?}",
        covered.len()
    );
}
