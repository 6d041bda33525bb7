//! Attachments' text (issue 5, item 4): extracted at upload from .docx and PDF (poppler's
//! pdftotext), scanned before publication like the body; staff produce a masked copy (a new .docx
//! in which the data is really gone), the original stays staff-only, and only masked text is
//! searchable.

mod common;

use std::time::{Duration, Instant};

use common::*;

fn docx_with(lines: &[&str]) -> Vec<u8> {
    let mut doc = docx_rs::Docx::new();
    for l in lines {
        doc = doc.add_paragraph(docx_rs::Paragraph::new().add_run(docx_rs::Run::new().add_text(*l)));
    }
    let mut buf = std::io::Cursor::new(Vec::new());
    doc.build().pack(&mut buf).unwrap();
    buf.into_inner()
}

/// A one-page PDF with a line of ASCII text (Helvetica), its cross-reference table computed.
fn pdf_with(text: &str) -> Vec<u8> {
    let stream = format!("BT /F1 12 Tf 72 720 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_string(),
        format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = vec![];
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for off in offsets {
        out.extend(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend(
        format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).as_bytes(),
    );
    out
}

async fn upload(server: &Server, admin: &Staff, item: i64, name: &str, bytes: Vec<u8>) {
    let form = reqwest::multipart::Form::new()
        .part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()));
    let resp = admin
        .client
        .post(server.url(&format!("/staff/items/{item}/attachments?_csrf={}", admin.csrf)))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 303, "upload {name}: {}", resp.text().await.unwrap_or_default());
}

fn attachment_ids(page: &str) -> Vec<i64> {
    let mut v: Vec<i64> = page
        .split("/staff/item-attachments/")
        .skip(1)
        .filter_map(|s| s.split(['"', '/']).next()?.parse().ok())
        .collect();
    v.dedup();
    v
}

#[tokio::test(flavor = "multi_thread")]
async fn attachment_text_is_scanned_masked_copies_replace_originals_and_only_masked_text_is_searchable() {
    let (_store, server, admin) = setup(Backend::Sqlite).await;
    let unit = create_unit(&server, &admin, "汝州市农业农村局", 31).await;
    let u = unit.to_string();
    let resp = admin
        .post_form(
            &server,
            "/staff/items",
            &[
                ("unit_id", &u),
                ("title", "2020年耕地地力保护补贴发放情况"),
                ("body", "<p>补贴发放名单见附件。</p>"),
                ("formed_on", "2020-03-02"),
                ("genre", "notice"),
                ("subject", "general_affairs"),
            ],
        )
        .await;
    let item: i64 = resp.headers()["location"].to_str().unwrap().rsplit('/').next().unwrap().parse().unwrap();
    let (id_a, id_b) = (id_number(41), id_number(42));
    upload(
        &server,
        &admin,
        item,
        "补贴名单.docx",
        docx_with(&["耕地地力保护补贴发放名单", &format!("李某 身份证号 {id_a} 补贴 1200 元")]),
    )
    .await;
    let pdf_ok = std::process::Command::new("pdftotext").arg("-v").output().is_ok();
    if pdf_ok {
        upload(&server, &admin, item, "复核表.pdf", pdf_with(&format!("Recheck list ID {id_b} subsidy"))).await;
    } else {
        skip("poppler's pdftotext is not installed; the PDF part of this test did not run");
    }
    let page = admin.get(&server, &format!("/staff/items/{item}")).await.text().await.unwrap();
    let originals = attachment_ids(&page);
    assert_eq!(originals.len(), if pdf_ok { 2 } else { 1 });
    assert!(page.contains("发现 1 处个人信息"), "the attachment's finding is shown");
    assert!(!page.contains(&id_a), "the staff page shows findings masked");

    // Publication is blocked by the attachments' findings like by the body's.
    admin.post_form(&server, &format!("/staff/items/{item}/submit"), &[]).await;
    let refused = admin.post_form(&server, &format!("/staff/items/{item}/approve"), &[]).await;
    assert!(refused.status().is_client_error(), "{}", refused.status());

    // Masked copies: new .docx files; the originals become staff-only.
    for a in &originals {
        assert_eq!(
            admin.post_form(&server, &format!("/staff/item-attachments/{a}/mask"), &[]).await.status().as_u16(),
            303
        );
    }
    let page = admin.get(&server, &format!("/staff/items/{item}")).await.text().await.unwrap();
    assert!(page.contains("仅工作人员可见") && page.contains("（遮盖版）.docx"));
    let all = attachment_ids(&page);
    let copies: Vec<i64> = all.iter().copied().filter(|a| !originals.contains(a)).collect();
    assert_eq!(copies.len(), originals.len());
    assert_eq!(
        admin.post_form(&server, &format!("/staff/items/{item}/approve"), &[]).await.status().as_u16(),
        303,
        "masked: publishes without an override"
    );

    // The public: masked copies only; the originals are not served.
    let public = client().get(server.url(&format!("/items/{item}"))).send().await.unwrap().text().await.unwrap();
    for a in &originals {
        assert!(!public.contains(&format!("/attachments/{a}\"")));
        let r = client().get(server.url(&format!("/items/{item}/attachments/{a}"))).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 404, "the original stays with staff");
        // Staff still have it.
        assert_eq!(admin.get(&server, &format!("/staff/item-attachments/{a}")).await.status().as_u16(), 200);
    }
    for c in &copies {
        let bytes = client()
            .get(server.url(&format!("/items/{item}/attachments/{c}")))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let raw = String::from_utf8_lossy(&bytes);
        assert!(!raw.contains(&id_a) && !raw.contains(&id_b), "the data is really gone from the file");
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).expect("a .docx");
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml).unwrap();
        assert!(!xml.contains(&id_a) && !xml.contains(&id_b));
        assert!(
            xml.contains(&gongkai_domain::privacy::mask_all(&id_a).0)
                || xml.contains(&gongkai_domain::privacy::mask_all(&id_b).0),
            "the masked form is there"
        );
    }

    // Search: the attachment's words find the item; the ID number finds nothing.
    let start = Instant::now();
    loop {
        let v: serde_json::Value = client()
            .get(server.url("/api/v1/search?q=%E5%8F%91%E6%94%BE%E5%90%8D%E5%8D%95"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if v["hits"].as_array().unwrap().iter().any(|h| h["id"] == item) {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "attachment text searchable: {v}");
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    for id in [&id_a, &id_b] {
        let v: serde_json::Value =
            client().get(server.url(&format!("/api/v1/search?q={id}"))).send().await.unwrap().json().await.unwrap();
        assert_eq!(v["total"], 0, "no unmasked text in the index");
    }
}
