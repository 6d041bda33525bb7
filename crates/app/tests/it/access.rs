//! The two findings an outside review made on 5e3396d (issue 13), reproduced over HTTP against the
//! real server: one anonymous request with a huge page number aborted the process; a clerk of one
//! unit downloaded another unit's 发放名册 (full ID numbers), draft item attachment and unmasked
//! original by walking `/staff/attachments/{id}`. Objects are made through the real flows by unit A;
//! unit B's clerk walks every id.

use crate::common::*;
use crate::support::*;

fn docx_with(lines: &[&str]) -> Vec<u8> {
    let mut doc = docx_rs::Docx::new();
    for l in lines {
        doc = doc.add_paragraph(docx_rs::Paragraph::new().add_run(docx_rs::Run::new().add_text(*l)));
    }
    let mut buf = std::io::Cursor::new(Vec::new());
    doc.build().pack(&mut buf).unwrap();
    buf.into_inner()
}

fn old_id(n: usize) -> String {
    gongkai_domain::org::complete_id_number(&format!("41048219350101{n:03}")).unwrap().as_str().to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_huge_page_number_is_a_400_and_the_server_lives_on() {
    let (_store, server, _admin) = setup(Backend::Sqlite).await;
    let c = client();
    for path in ["/api/v1/search?q=&page=1000000000000000", "/search?q=&page=1000000000000000"] {
        let r = c.get(server.url(path)).send().await.expect("the server answers");
        assert_eq!(r.status().as_u16(), 400, "{path}");
        assert!(r.text().await.unwrap().contains("页码超出范围"), "{path}: the message says why");
    }
    assert_eq!(c.get(server.url("/healthz")).send().await.unwrap().status().as_u16(), 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn every_public_page_parameter_at_its_extremes_is_a_4xx_or_a_page_never_a_crash() {
    let (_store, server, admin) = setup(Backend::Sqlite).await;
    let unit = create_unit(&server, &admin, "汝州市教育体育局", 61).await;
    let c = client();
    let bases = [
        "/search?q=公开".to_string(),
        "/api/v1/search?q=公开".to_string(),
        "/catalog?code=policy".to_string(),
        format!("/units/{unit}?x=1"),
        "/special?x=1".to_string(),
        "/livelihood/funds?x=1".to_string(),
        "/api/v1/livelihood/funds?x=1".to_string(),
    ];
    let values = [
        "0",
        "-1",
        "1",
        "2",
        "1000",
        "1001",
        "9223372036854775807",
        "9223372036854775808",
        "18446744073709551616",
        "abc",
        "1.5",
        "",
    ];
    let mut asked = 0;
    for base in &bases {
        for name in ["page", "per_page", "limit", "offset"] {
            for v in values {
                let path = format!("{base}&{name}={v}");
                let r = c.get(server.url(&path)).send().await.unwrap_or_else(|e| panic!("{path}: no answer: {e}"));
                let s = r.status().as_u16();
                assert!(s == 200 || (400..500).contains(&s), "{path}: {s}");
                asked += 1;
            }
        }
    }
    // The office's change feed takes a row limit through the same bound.
    for v in values {
        let path = format!("/api/v1/feed?after=0&limit={v}");
        let s = admin.get(&server, &path).await.status().as_u16();
        assert!(s == 200 || (400..500).contains(&s), "{path}: {s}");
        asked += 1;
    }
    for (v, want) in [("1000000", 200), ("1000001", 400), ("18446744073709551616", 400), ("-1", 400), ("abc", 400)] {
        assert_eq!(
            admin.get(&server, &format!("/api/v1/feed?limit={v}")).await.status().as_u16(),
            want,
            "feed limit {v}"
        );
    }
    assert_eq!(c.get(server.url("/healthz")).send().await.unwrap().status().as_u16(), 200);
    println!("{asked} requests with extreme paging parameters, none a 5xx");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_clerk_of_another_unit_gets_404_for_a_roster_a_draft_attachment_and_an_unmasked_original() {
    for backend in backends() {
        let (_store, server, admin) = setup_with(backend, &[("GONGKAI_TODAY", "2025-10-15")]).await;
        // Unit A: a township with a village and a program; unit B: a department.
        let township = create_township(&server, &admin, "寄料镇", 71).await;
        let unit_b = create_unit(&server, &admin, "汝州市交通运输局", 72).await;
        create_user(&server, &admin, "clerk_a", "clerk", township).await;
        create_user(&server, &admin, "clerk_b", "clerk", unit_b).await;
        let t = township.to_string();
        let r = admin
            .post_form(&server, "/staff/livelihood/villages", &[("township", &t), ("name", "城垣村"), ("kind", "村")])
            .await;
        assert_eq!(r.status().as_u16(), 303, "{backend:?}: village");
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
        assert_eq!(r.status().as_u16(), 303, "{backend:?}: program");
        let staff = admin.get(&server, "/staff/livelihood").await.text().await.unwrap();
        let program: i64 = between(&staff, "<option value=\"", "\">高龄津贴")
            .and_then(|s| s.rsplit('"').next())
            .unwrap()
            .parse()
            .unwrap();

        let clerk_a = login(&server, "clerk_a", STAFF_PASSWORD).await;
        let clerk_b = login(&server, "clerk_b", STAFF_PASSWORD).await;

        // 1. A roster with full ID numbers, uploaded by unit A's clerk.
        let roster_id = old_id(1);
        let csv = format!("村（社区）,姓名,身份证号码,发放金额（元）\n城垣村,王建国,{roster_id},100\n");
        let form = reqwest::multipart::Form::new()
            .text("program_id", program.to_string())
            .text("township", t.clone())
            .text("period", "2025-09")
            .part("file", reqwest::multipart::Part::bytes(csv.into_bytes()).file_name("名册.csv"));
        let r = clerk_a
            .client
            .post(server.url(&format!("/staff/livelihood/batches?_csrf={}", clerk_a.csrf)))
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 303, "{backend:?}: roster upload: {}", r.text().await.unwrap());

        // 2. A draft item of unit A with an attachment holding an ID number; 3. its masked copy,
        // which makes the original an unmasked, staff-only file.
        let r = clerk_a
            .post_form(
                &server,
                "/staff/items",
                &[
                    ("unit_id", &t),
                    ("title", "2025年高龄津贴发放情况"),
                    ("body", "<p>发放名单见附件。</p>"),
                    ("formed_on", "2025-10-08"),
                    ("genre", "notice"),
                    ("subject", "general_affairs"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303, "{backend:?}: item created");
        let item = location_id(&r);
        let item_id_no = old_id(2);
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(docx_with(&["发放名单", &format!("王某 身份证号 {item_id_no}")]))
                .file_name("名单.docx"),
        );
        let r = clerk_a
            .client
            .post(server.url(&format!("/staff/items/{item}/attachments?_csrf={}", clerk_a.csrf)))
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 303, "{backend:?}: item attachment");
        let page = clerk_a.get(&server, &format!("/staff/items/{item}")).await.text().await.unwrap();
        let original: i64 = between(&page, "/staff/item-attachments/", "\"")
            .and_then(|s| s.split('/').next())
            .and_then(|s| s.parse().ok())
            .expect("the attachment is listed");
        let r = clerk_a.post_form(&server, &format!("/staff/item-attachments/{original}/mask"), &[]).await;
        assert_eq!(r.status().as_u16(), 303, "{backend:?}: masked copy made");

        // Walk every id as B: nothing. As A: every file of A. As the public: nothing.
        let mut a_files = 0;
        for id in 1..=40 {
            for route in ["/staff/attachments", "/staff/item-attachments"] {
                let path = format!("{route}/{id}");
                let by_admin = admin.get(&server, &path).await.status().as_u16();
                let rb = clerk_b.get(&server, &path).await;
                let by_b = rb.status().as_u16();
                let body_b = rb.text().await.unwrap_or_default();
                assert!(
                    !body_b.contains(&roster_id) && !body_b.contains(&item_id_no),
                    "{backend:?}: {path} leaks an ID number to unit B"
                );
                if by_admin == 200 {
                    assert_eq!(by_b, 404, "{backend:?}: unit B's clerk must not get {path}");
                    assert_eq!(clerk_a.get(&server, &path).await.status().as_u16(), 200, "{backend:?}: A gets {path}");
                    let public = client().get(server.url(&path)).send().await.unwrap().status().as_u16();
                    assert!(public != 200, "{backend:?}: the public gets {path}");
                    a_files += 1;
                } else {
                    assert_eq!(by_b, 404, "{backend:?}: {path}");
                }
            }
        }
        // The roster, the original and its masked copy, through the general route; the last two
        // also through the item route.
        assert!(a_files >= 5, "{backend:?}: unit A's files were found by id ({a_files})");
        // Masking another unit's file is refused the same way.
        let r = clerk_b.post_form(&server, &format!("/staff/item-attachments/{original}/mask"), &[]).await;
        assert_eq!(r.status().as_u16(), 404, "{backend:?}: B cannot mask A's file");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn livez_and_readyz_answer_on_a_ready_node() {
    let (_store, server, _admin) = setup(Backend::Sqlite).await;
    for path in ["/livez", "/readyz", "/healthz"] {
        let r = client().get(server.url(path)).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200, "{path}");
    }
    // Ready means searchable: an empty index answers an empty page, not 503.
    let r = client().get(server.url("/api/v1/search?q=公开")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
}
