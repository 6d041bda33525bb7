//! No citizen's ID number, mobile number or bank card anywhere the public can reach (issue 7's
//! acceptance, 条例第十五条): the full demo is loaded, records carrying personal data are added
//! through the public forms (a message, a complaint, an application, a self-query), and then every
//! public page reachable from `/` is crawled breadth-first — HTML, the JSON API, feeds, the
//! sitemap, and the .xlsx/.docx downloads unzipped — and scanned with the personal-data scanner.
//! The server's own log, at `info`, must not carry an ID number either.
//!
//! The crawl visits at most GONGKAI_CRAWL_PER_ROUTE pages (default 25) of each route shape
//! (`/items/{n}`, `/catalog/{n}` …), so that it covers every route without fetching all 3 000 items.

use std::collections::{BTreeMap, HashSet, VecDeque};
use std::io::Read;

use crate::common::*;
use crate::support::*;

/// `/items/123?page=2&q=x` → `/items/{n}?page&q`.
fn route_shape(url: &str) -> String {
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let path: Vec<String> = path
        .split('/')
        .map(|s| if !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()) { "{n}".into() } else { s.to_string() })
        .collect();
    let mut keys: Vec<&str> =
        query.split('&').filter(|k| !k.is_empty()).map(|k| k.split('=').next().unwrap()).collect();
    keys.sort();
    format!("{}?{}", path.join("/"), keys.join("&"))
}

/// Same-site links of a page or feed: href/src attributes, and <loc>/<link> of XML.
fn links(base: &str, body: &str) -> Vec<String> {
    let mut out = vec![];
    for (open, close) in
        [("href=\"", "\""), ("src=\"", "\""), ("<loc>", "</loc>"), ("<link>", "</link>"), ("href='", "'")]
    {
        let mut rest = body;
        while let Some(i) = rest.find(open) {
            rest = &rest[i + open.len()..];
            let Some(j) = rest.find(close) else { break };
            let raw = rest[..j].replace("&amp;", "&");
            let raw = raw.strip_prefix(base).map(str::to_string).unwrap_or(raw);
            let raw = raw.split('#').next().unwrap().to_string();
            if raw.starts_with('/') && !raw.starts_with("//") && !raw.starts_with("/staff") {
                out.push(raw);
            }
        }
    }
    out
}

/// The text of every XML part of an .xlsx/.docx.
fn office_text(bytes: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("an office file is a zip");
    let mut all = String::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        if f.name().is_ok_and(|n| n.ends_with(".xml")) {
            let mut s = String::new();
            if f.read_to_string(&mut s).is_ok() {
                // Tags out, so that a number split over runs still reads as one.
                let mut in_tag = false;
                all.extend(s.chars().filter(|c| {
                    match c {
                        '<' => in_tag = true,
                        '>' => {
                            in_tag = false;
                            return false;
                        }
                        _ => {}
                    }
                    !in_tag
                }));
                all.push('\n');
            }
        }
    }
    all
}

/// Random machine tokens in hidden form fields (CSRF, idempotency keys) are hex: now and then one
/// ends in a run of digits that reads like a mobile number. They are not personal data, so their
/// values are blanked before scanning.
fn without_form_tokens(text: &str) -> String {
    let mut out = text.to_string();
    for name in ["name=\"_csrf\" value=\"", "name=\"idempotency_key\" value=\"", "_csrf="] {
        let mut from = 0;
        while let Some(i) = out[from..].find(name) {
            let start = from + i + name.len();
            let end = start + out[start..].find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(out.len() - start);
            out.replace_range(start..end, "");
            from = start;
        }
    }
    out
}

/// Put personal data where citizens put it: in a message, a complaint, an application and a self-query.
async fn plant(server: &str, password: &str, planted_id: &str) -> Vec<String> {
    let url = |p: &str| format!("{server}{p}");
    let c = client();
    let page = c.get(url("/staff/login")).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_in(&page);
    let r = c
        .post(url("/staff/login"))
        .form(&[("_csrf", csrf.as_str()), ("username", "admin"), ("password", password)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303, "admin signs in");
    let me: serde_json::Value = c.get(url("/api/v1/me")).send().await.unwrap().json().await.unwrap();
    let staff_csrf = me["csrf"].as_str().unwrap().to_string();
    let units: serde_json::Value = c.get(url("/api/v1/units")).send().await.unwrap().json().await.unwrap();
    let unit = units.as_array().unwrap().iter().find(|u| u["name"] == "汝州市民政局").unwrap()["unit_id"]
        .as_i64()
        .unwrap()
        .to_string();

    // A message with an ID number, a mobile and a bank card in it, answered and published.
    let v = client();
    let page = v.get(url("/interaction/ask")).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_in(&page);
    let body = format!(
        "我叫王秀兰，身份证号{planted_id}，电话13912345678，低保金打到银行卡6222021234567890123后一直没到账，请帮忙查询。"
    );
    let r = v
        .post(url("/interaction/ask"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("kind", "consultation"),
            ("to", unit.as_str()),
            ("writer_name", "王秀兰"),
            ("writer_contact", "13912345678"),
            ("subject", "低保金到账查询 13912345678"),
            ("body", body.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201, "message submitted");
    let text = r.text().await.unwrap();
    let code = between(&text, "查询码：<strong>", "</strong>")
        .or_else(|| between(&text, "<strong>", "</strong>"))
        .unwrap()
        .to_string();
    let queue = c.get(url("/staff/messages")).send().await.unwrap().text().await.unwrap();
    let id: i64 = queue[..queue.find(&code).unwrap_or_else(|| panic!("{code} in the queue"))]
        .rsplit("/staff/messages/")
        .next()
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    for (action, text) in [
        ("answer", "王秀兰您好：经核查，您的低保金已于本月补发，如有疑问请致电13812345678或持身份证到民政局查询。"),
        ("publish", ""),
    ] {
        let r = c
            .post(url(&format!("/staff/messages/{id}")))
            .form(&[("_csrf", staff_csrf.as_str()), ("action", action), ("text", text)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 303, "message {action}: {}", r.text().await.unwrap());
    }

    // A named complaint with the complainant's phone and an ID number in its text.
    let page = v.get(url("/livelihood/complaints/new")).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_in(&page);
    let content = format!("我母亲（身份证{planted_id}）的高龄津贴停发三个月了，联系电话13912345678。");
    let r = v
        .post(url("/livelihood/complaints"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("name", "王秀兰"),
            ("phone", "13912345678"),
            ("subject_kind", "fund"),
            ("title", "高龄津贴停发 13912345678"),
            ("content", content.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201, "complaint submitted");

    // An application for information, and a self-query by ID number.
    let mut app = application_json(7, None);
    app["id_number"] = serde_json::json!(planted_id);
    let r = v.post(url("/api/v1/applications")).json(&app).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 201, "application submitted");
    let page = v.get(url("/livelihood/funds/mine")).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_in(&page);
    let r = v
        .post(url("/livelihood/funds/mine"))
        .form(&[("_csrf", csrf.as_str()), ("id_number", planted_id), ("name", "王秀兰")])
        .send()
        .await
        .unwrap();
    assert!(r.status().as_u16() == 404 || r.status().as_u16() == 200);

    vec![
        "/".into(),
        format!("/interaction/{id}"),
        "/interaction?q=低保金".into(),
        "/api/v1/search?q=低保".into(),
        "/api/v1/search?q=王秀兰".into(),
        "/search?q=低保金".into(),
        "/api/v1/livelihood/funds".into(),
        "/api/v1/livelihood/projects".into(),
        "/api/v1/units".into(),
        "/livelihood/complaints".into(),
        "/supervision/bulletins".into(),
        "/sitemap.xml".into(),
        "/concerns".into(),
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn no_public_page_api_or_export_of_the_demo_shows_personal_data() {
    let server = start_demo(&[]);
    let planted_id = id_number(77);
    let seeds = plant(&server.base, &server.password, &planted_id).await;

    let per_route: usize = std::env::var("GONGKAI_CRAWL_PER_ROUTE").ok().and_then(|s| s.parse().ok()).unwrap_or(25);
    let c = client();
    let mut queue: VecDeque<String> = seeds.into_iter().collect();
    let mut seen: HashSet<String> = HashSet::new();
    let mut shapes: BTreeMap<String, usize> = BTreeMap::new();
    let mut leaks = vec![];
    let (mut pages, mut office_files) = (0, 0);
    while let Some(path) = queue.pop_front() {
        if !seen.insert(path.clone()) || pages >= 5000 {
            continue;
        }
        let n = shapes.entry(route_shape(&path)).or_default();
        if *n >= per_route {
            continue;
        }
        *n += 1;
        let resp = c.get(format!("{}{}", server.base, path)).send().await.unwrap();
        pages += 1;
        let status = resp.status().as_u16();
        if (300..400).contains(&status) {
            if let Some(loc) = resp.headers().get("location").and_then(|l| l.to_str().ok()) {
                queue.extend(links(&server.base, &format!("href=\"{loc}\"")));
            }
            continue;
        }
        assert!(status < 500, "{path} answers {status}");
        let kind = resp.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        let bytes = resp.bytes().await.unwrap();
        let text =
            if kind.contains("spreadsheetml") || kind.contains("wordprocessingml") || kind.contains("officedocument") {
                office_files += 1;
                office_text(&bytes)
            } else if kind.starts_with("text/") || kind.contains("json") || kind.contains("xml") || kind.contains("svg")
            {
                String::from_utf8_lossy(&bytes).into_owned()
            } else {
                continue; // images (QR codes, photos): no text to leak
            };
        for l in personal_data(&without_form_tokens(&text)) {
            leaks.push(format!("{path}: {l}"));
        }
        if text.contains(&planted_id) {
            leaks.push(format!("{path}: the planted ID number {planted_id}"));
        }
        if kind.contains("html") || kind.contains("xml") {
            queue.extend(links(&server.base, &text).into_iter().filter(|l| !seen.contains(l)));
        }
    }
    eprintln!("crawled {pages} public URLs ({} route shapes, {office_files} office files)", shapes.len());
    for s in [
        "/items/{n}?",
        "/catalog/{n}?",
        "/interaction/{n}?",
        "/livelihood/projects/{n}?",
        "/livelihood/funds.xlsx?period&program&village",
        "/reports/{n}/download/xlsx?",
        "/units/{n}?",
    ] {
        assert!(shapes.contains_key(s), "the crawl reached {s}; shapes: {:?}", shapes.keys().collect::<Vec<_>>());
    }
    assert!(office_files >= 3, "the .xlsx/.docx exports were opened");
    assert!(leaks.is_empty(), "personal data on public URLs:\n{}", leaks.join("\n"));

    // The log: nothing of the ID numbers that came in (applications, self-queries, messages, demo rows).
    drop(c);
    let log = server.log.lock().unwrap().join("\n");
    assert!(log.contains("serving on"), "the log was captured");
    let ids: Vec<String> = gongkai_domain::privacy::scan(&log)
        .into_iter()
        .filter(|f| f.kind == gongkai_domain::privacy::FindingKind::IdNumber)
        .map(|f| {
            log[log.floor_char_boundary(f.start.saturating_sub(80))
                ..log.ceil_char_boundary((f.end + 40).min(log.len()))]
                .to_string()
        })
        .collect();
    assert!(ids.is_empty() && !log.contains(&planted_id), "ID numbers in the server log:\n{}", ids.join("\n"));
}
