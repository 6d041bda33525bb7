//! Small helpers shared by the 民生监督, supervision, interaction and privacy tests (on top of
//! `common`, which other people own).

#![allow(dead_code)]

use crate::common::*;

/// The id at the end of a redirect's Location (`/x/y/42` → 42), ignoring a query or fragment.
pub fn location_id(resp: &reqwest::Response) -> i64 {
    let loc = resp.headers().get("location").expect("a redirect").to_str().unwrap();
    let path = loc.split(['?', '#']).next().unwrap();
    path.rsplit('/').find_map(|s| s.parse().ok()).unwrap_or_else(|| panic!("no id in {loc}"))
}

/// The text after `start` up to `end`.
pub fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let i = s.find(start)? + start.len();
    let j = s[i..].find(end)? + i;
    Some(&s[i..j])
}

/// A 乡镇/街道 unit, created through the admin page; returns its id.
pub async fn create_township(server: &Server, admin: &Staff, name: &str, n: usize) -> i64 {
    let cc = credit_code(n);
    let resp = admin
        .post_form(
            server,
            "/staff/units",
            &[("name", name), ("kind", "township"), ("credit_code", &cc), ("phone", "0375-6800000")],
        )
        .await;
    assert_eq!(resp.status().as_u16(), 303, "township {name} created");
    let units: serde_json::Value =
        admin.client.get(server.url("/api/v1/units")).send().await.unwrap().json().await.unwrap();
    units.as_array().unwrap().iter().find(|u| u["name"] == name).unwrap()["unit_id"].as_i64().unwrap()
}

/// An anonymous visitor with the CSRF cookie of a form page, and the token.
pub async fn visitor(server: &Server, form_page: &str) -> (reqwest::Client, String) {
    let c = client();
    let page = c.get(server.url(form_page)).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_in(&page);
    (c, csrf)
}

/// A store with an admin and a server started with extra environment (e.g. GONGKAI_TODAY).
pub async fn setup_with(backend: Backend, env: &[(&str, &str)]) -> (Store, Server, Staff) {
    let store = Store::new(backend);
    let out = store.cli(&["user", "add", "admin", "--role", "admin", "--password", ADMIN_PASSWORD]);
    assert!(out.status.success(), "user add: {}", String::from_utf8_lossy(&out.stderr));
    let server = Server::start(&store, env);
    let admin = login(&server, "admin", ADMIN_PASSWORD).await;
    (store, server, admin)
}

/// The personal-data findings (ID numbers, mobiles, bank cards) of a text, as printable lines.
pub fn personal_data(text: &str) -> Vec<String> {
    use gongkai_domain::privacy::{FindingKind, scan};
    scan(text)
        .into_iter()
        .filter(|f| matches!(f.kind, FindingKind::IdNumber | FindingKind::Mobile | FindingKind::BankCard))
        .map(|f| {
            let lo = text.floor_char_boundary(f.start.saturating_sub(60));
            let hi = text.ceil_char_boundary((f.end + 60).min(text.len()));
            format!("{:?} “{}” in …{}…", f.kind, &text[f.start..f.end], text[lo..hi].replace('\n', " "))
        })
        .collect()
}
