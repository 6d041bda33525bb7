//! Hostile input: what a stranger types must not break the platform or run in anyone's browser.

use crate::common::*;

#[tokio::test(flavor = "multi_thread")]
async fn scripts_and_sql_in_fields_are_stored_as_text_and_shown_escaped() {
    let (_store, server, admin) = setup(Backend::Sqlite).await;
    let c = client();
    let mut app = application_json(1, None);
    app["subject"] = serde_json::json!("<script>alert('x')</script><img src=x onerror=alert(1)>");
    app["applicant_name"] = serde_json::json!("'; DROP TABLE application; --");
    app["description"] = serde_json::json!("\" OR 1=1 -- <b>bold</b>");
    let r = c.post(server.url("/api/v1/applications")).json(&app).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let queue: serde_json::Value = admin.get(&server, "/api/v1/staff/applications").await.json().await.unwrap();
    assert_eq!(queue.as_array().unwrap().len(), 1, "the table is still there");
    let id = queue[0]["application_id"].as_i64().unwrap();
    for path in [format!("/staff/applications/{id}"), "/staff/applications".to_string()] {
        let html = admin.get(&server, &path).await.text().await.unwrap();
        assert!(!html.contains("<script>alert"), "{path} shows a raw script");
        assert!(!html.contains("<img src=x"), "{path} shows a raw tag");
        assert!(html.contains("&lt;script&gt;") || html.contains("&lt;script"), "{path} escapes it");
    }
    // A unit name with markup, shown on public pages.
    let r = admin
        .post_form(
            &server,
            "/staff/units",
            &[("name", "<svg onload=alert(1)>局"), ("kind", "department"), ("credit_code", &credit_code(5))],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    for path in ["/", "/units", "/guide"] {
        let html = client().get(server.url(path)).send().await.unwrap().text().await.unwrap();
        assert!(!html.contains("<svg onload"), "{path}");
    }
    // Reflected: the search box and the tracking code are echoed escaped.
    let html = client()
        .get(server.url("/applications/track?code=%3Cscript%3Ex%3C/script%3E&secret=1"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!html.contains("<script>x</script>"));
}

#[tokio::test(flavor = "multi_thread")]
async fn oversize_malformed_and_traversal_inputs_are_refused_cleanly() {
    let (_store, server, admin) = setup(Backend::Sqlite).await;
    let c = client();
    // Oversize body.
    let big = vec![b'a'; 25 * 1024 * 1024];
    // On its own connection: the server answers 413 and closes it, possibly while the client is
    // still writing (then the client sees the connection cut, not the answer).
    match client()
        .post(server.url("/api/v1/applications"))
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
    {
        Ok(r) => assert_eq!(r.status().as_u16(), 413),
        Err(e) => assert!(e.is_request() || e.is_body(), "the oversize body was cut off: {e}"),
    }
    // Malformed UTF-8 in a form.
    let page = c.get(server.url("/staff/login")).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_in(&page);
    let mut body = format!("_csrf={csrf}&username=").into_bytes();
    body.extend_from_slice(&[0xff, 0xfe, 0xfd]);
    body.extend_from_slice(b"&password=x");
    let r = c
        .post(server.url("/staff/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert!((400..500).contains(&r.status().as_u16()), "malformed UTF-8: {}", r.status());
    // An attachment whose name tries to climb out, and one whose content is not what it claims.
    let page = c.get(server.url("/applications/new")).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_in(&page);
    let app = application_json(9, None);
    let mut form = reqwest::multipart::Form::new();
    for (k, v) in app.as_object().unwrap() {
        form = form.text(k.clone(), v.as_str().unwrap_or("").to_string());
    }
    let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec();
    form = form.part(
        "attachments",
        reqwest::multipart::Part::bytes(pdf).file_name("../../../etc/passwd.pdf").mime_str("application/pdf").unwrap(),
    );
    let r = c.post(server.url(&format!("/applications?_csrf={csrf}"))).multipart(form).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 201, "{}", r.text().await.unwrap());
    let queue: serde_json::Value = admin.get(&server, "/api/v1/staff/applications").await.json().await.unwrap();
    let id = queue[0]["application_id"].as_i64().unwrap();
    let html = admin.get(&server, &format!("/staff/applications/{id}")).await.text().await.unwrap();
    assert!(html.contains("passwd.pdf") && !html.contains("../"), "the stored name has no path");
    // An executable dressed as a PDF is refused, and nothing is saved.
    let mut form = reqwest::multipart::Form::new();
    for (k, v) in application_json(10, None).as_object().unwrap() {
        form = form.text(k.clone(), v.as_str().unwrap_or("").to_string());
    }
    form = form.part(
        "attachments",
        reqwest::multipart::Part::bytes(b"\x7fELF\x02\x01".to_vec())
            .file_name("scan.pdf")
            .mime_str("application/pdf")
            .unwrap(),
    );
    let r = c.post(server.url(&format!("/applications?_csrf={csrf}"))).multipart(form).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 422);
    let queue: serde_json::Value = admin.get(&server, "/api/v1/staff/applications").await.json().await.unwrap();
    assert_eq!(queue.as_array().unwrap().len(), 1);
    // Attachments are never served to the public.
    let r = client().get(server.url("/staff/attachments/1")).send().await.unwrap();
    assert!(!r.status().is_success());
}

#[tokio::test(flavor = "multi_thread")]
async fn no_open_redirects_and_no_session_fixation() {
    let (_store, server, _admin) = setup(Backend::Sqlite).await;
    let c = client();
    for referer in ["http://evil.example/phish", "//evil.example/x", "https://evil.example"] {
        let r = c.get(server.url("/a11y/large")).header("referer", referer).send().await.unwrap();
        let loc = r.headers()["location"].to_str().unwrap().to_string();
        assert!(loc.starts_with('/') && !loc.starts_with("//"), "{referer} → {loc}");
    }
    // A session id planted before login is not the one the server issues, and grants nothing.
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    let url: reqwest::Url = server.base.parse().unwrap();
    jar.add_cookie_str("gk_session=planted-by-attacker; Path=/", &url);
    let c = reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = c.get(server.url("/staff/login")).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_in(&page);
    let r = c
        .post(server.url("/staff/login"))
        .form(&[("_csrf", csrf.as_str()), ("username", "admin"), ("password", ADMIN_PASSWORD)])
        .send()
        .await
        .unwrap();
    let set = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(set.contains("gk_session=") && !set.contains("planted-by-attacker"));
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Lax"));
    let attacker = client();
    let r =
        attacker.get(server.url("/api/v1/me")).header("cookie", "gk_session=planted-by-attacker").send().await.unwrap();
    assert_eq!(r.status().as_u16(), 401);
}
