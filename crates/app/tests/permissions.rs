//! The permissions matrix: every route of the router (read from the router's source, so a new
//! route cannot be forgotten) × every role (public, clerk and reviewer of unit A, clerk of unit B,
//! admin). Rules: nothing answers 5xx; the public never gets a 2xx from staff routes; a clerk never
//! gets a 2xx from the office's routes; unit B's staff never get a 2xx on unit A's objects.

mod common;

use common::*;

/// (method, path) for every `.route("…", get(…).post(…))` in src/web/*.rs; paths of api.rs
/// are nested under /api/v1.
fn routes() -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web");
    let mut out = vec![];
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let src = std::fs::read_to_string(&path).unwrap();
        let prefix = if path.file_name().unwrap() == "api.rs" { "/api/v1" } else { "" };
        let compact: String = src.split_whitespace().collect::<Vec<_>>().join(" ");
        for part in compact.split(".route(\"").skip(1) {
            let Some(end) = part.find('"') else { continue };
            let route = format!("{prefix}{}", &part[..end]);
            // The method router up to the closing parenthesis of .route(…).
            let mut depth = 1;
            let mut body = String::new();
            for ch in part[end..].chars() {
                match ch {
                    '(' => depth += 1,
                    ')' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                body.push(ch);
            }
            for (needle, method) in [("get(", "GET"), ("post(", "POST"), ("put(", "PUT"), ("delete(", "DELETE")] {
                if body.contains(needle) {
                    out.push((method.to_string(), route.clone()));
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

fn is_office_only(path: &str) -> bool {
    ["/staff/units", "/staff/users", "/staff/audit", "/staff/settings"].iter().any(|p| path.starts_with(p))
        || path == "/api/v1/feed"
}

#[tokio::test(flavor = "multi_thread")]
async fn every_route_answers_every_role_as_the_rules_say() {
    let routes = routes();
    assert!(routes.len() > 30, "routes found in the router source: {}", routes.len());
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
            let staff_route =
                (path.starts_with("/staff") && !path.starts_with("/staff/login") && !path.starts_with("/staff/logout"))
                    || path.starts_with("/api/v1/staff")
                    || path == "/api/v1/feed"
                    || path == "/api/v1/me";
            if role == "public" && staff_route {
                assert!(!ok, "{what}: the public reached a staff route");
            }
            if role != "admin" && is_office_only(&path) {
                assert!(!ok, "{what}: only the office may");
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
