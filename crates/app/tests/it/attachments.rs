//! Attachments' text (issue 5, item 4): extracted at upload from .docx and PDF (poppler's
//! pdftotext), scanned before publication like the body; staff produce a masked copy (a new .docx
//! in which the data is really gone), the original stays staff-only, and only masked text is
//! searchable.

use std::time::{Duration, Instant};

use crate::common::*;

pub(crate) fn docx_with(lines: &[&str]) -> Vec<u8> {
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
    // The .docx's and (with pdftotext) the PDF's findings: each attachment says what it found.
    assert!(page.contains("处个人信息</strong>"), "the attachment's findings are shown: {page}");
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
    // The item's page and the open-data API list the copies (they ask for the files only when the
    // item's row says it has some: this is what keeps that shortcut whole).
    let api: serde_json::Value =
        client().get(server.url(&format!("/api/v1/items/{item}"))).send().await.unwrap().json().await.unwrap();
    let listed: Vec<String> = api["attachments"]
        .as_array()
        .expect("attachments")
        .iter()
        .map(|a| a["url"].as_str().unwrap().to_string())
        .collect();
    for c in &copies {
        assert!(public.contains(&format!("/items/{item}/attachments/{c}")), "the page lists the masked copy {c}");
        assert!(listed.contains(&format!("/items/{item}/attachments/{c}")), "the API lists the masked copy {c}: {api}");
    }
    assert_eq!(listed.len(), copies.len(), "the API lists the copies only: {api}");
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

async fn new_draft(server: &Server, admin: &Staff, unit: i64, title: &str) -> i64 {
    let u = unit.to_string();
    let resp = admin
        .post_form(
            server,
            "/staff/items",
            &[
                ("unit_id", &u),
                ("title", title),
                ("body", "<p>详见附件。</p>"),
                ("formed_on", "2020-03-02"),
                ("genre", "notice"),
                ("subject", "general_affairs"),
            ],
        )
        .await;
    resp.headers()["location"].to_str().unwrap().rsplit('/').next().unwrap().parse().unwrap()
}

/// Issue 13: on 5e3396d only PDF and .docx were read; a spreadsheet or an image attached to an
/// item was published without any scan. Now a spreadsheet is read and scanned, and a file whose
/// text cannot be read holds the publication until a reviewer confirms it by hand.
#[tokio::test(flavor = "multi_thread")]
async fn a_spreadsheet_is_scanned_and_an_image_is_held_until_a_reviewer_checks_it_by_hand() {
    let (_store, server, admin) = setup(Backend::Sqlite).await;
    let unit = create_unit(&server, &admin, "汝州市民政局", 33).await;
    // An .xlsx roster with a full ID number: found by the scan, blocks like the body's.
    let item = new_draft(&server, &admin, unit, "2020年临时救助发放名单").await;
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write(0, 0, "姓名").unwrap();
    ws.write(0, 1, "身份证号").unwrap();
    ws.write(1, 0, "王某").unwrap();
    ws.write(1, 1, id_number(77).as_str()).unwrap();
    upload(&server, &admin, item, "名单.xlsx", wb.save_to_buffer().unwrap()).await;
    let page = admin.get(&server, &format!("/staff/items/{item}")).await.text().await.unwrap();
    assert!(
        page.contains("已提取文字") && page.contains("处个人信息</strong>"),
        "the spreadsheet's ID number is found"
    );
    admin.post_form(&server, &format!("/staff/items/{item}/submit"), &[]).await;
    let refused = admin.post_form(&server, &format!("/staff/items/{item}/approve"), &[]).await;
    assert!(refused.status().is_client_error(), "blocked by the spreadsheet's finding: {}", refused.status());

    // A PNG (a photographed list, say): no text to scan, so publication waits for a person.
    let item = new_draft(&server, &admin, unit, "2020年救助公示照片").await;
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\x0f\0\0\x01\x01\0\x05\x18\xd8N\0\0\0\0IEND\xaeB`\x82".to_vec();
    upload(&server, &admin, item, "公示照片.png", png).await;
    let page = admin.get(&server, &format!("/staff/items/{item}")).await.text().await.unwrap();
    assert!(page.contains("未能自动扫描"), "the page says the file was not scanned");
    admin.post_form(&server, &format!("/staff/items/{item}/submit"), &[]).await;
    let refused = admin.post_form(&server, &format!("/staff/items/{item}/approve"), &[]).await;
    assert!(refused.status().is_client_error());
    assert!(refused.text().await.unwrap().contains("人工核查"), "and says what to do");
    let a = attachment_ids(&page)[0];
    // A reason is required; then the check is recorded and the item goes out.
    let r = admin.post_form(&server, &format!("/staff/item-attachments/{a}/confirm"), &[("reason", "")]).await;
    assert!(r.status().is_client_error());
    let r = admin
        .post_form(
            &server,
            &format!("/staff/item-attachments/{a}/confirm"),
            &[("reason", "逐张核对照片，无身份证号、电话等个人信息")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let ok = admin.post_form(&server, &format!("/staff/items/{item}/approve"), &[]).await;
    assert_eq!(ok.status().as_u16(), 303, "confirmed by hand: published");
    let audit = admin.get(&server, "/staff/audit.csv").await.text().await.unwrap();
    assert!(audit.contains("item.attachment_confirmed") && audit.contains("逐张核对照片"));
}

/// Issue 13: pdftotext ran synchronously, without a time limit, inside the write transaction that
/// stored the attachment, so one slow PDF held SQLite's single writer. Here a converter that hangs
/// is stopped after the limit, other writes go through meanwhile, and the file is held for review.
#[tokio::test(flavor = "multi_thread")]
async fn a_stalled_pdf_converter_holds_no_write_and_the_file_is_held_for_review() {
    let bin = std::env::temp_dir().join(format!("gk-slow-pdftotext-{}", std::process::id()));
    std::fs::create_dir_all(&bin).unwrap();
    let fake = bin.join("pdftotext");
    std::fs::write(&fake, "#!/bin/sh\nsleep 30\n").unwrap();
    std::os::unix::fs::PermissionsExt::set_mode(&mut std::fs::metadata(&fake).unwrap().permissions(), 0o755);
    std::fs::set_permissions(&fake, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let store = Store::new(Backend::Sqlite);
    assert!(store.cli(&["user", "add", "admin", "--role", "admin", "--password", ADMIN_PASSWORD]).status.success());
    let server = Server::start(&store, &[("PATH", &path), ("GONGKAI_EXTRACT_SECONDS", "3")]);
    let admin = login(&server, "admin", ADMIN_PASSWORD).await;
    let unit = create_unit(&server, &admin, "汝州市财政局", 34).await;
    let item = new_draft(&server, &admin, unit, "2020年预算公开").await;
    let started = Instant::now();
    let upload_task = {
        let (c, url) =
            (admin.client.clone(), server.url(&format!("/staff/items/{item}/attachments?_csrf={}", admin.csrf)));
        tokio::spawn(async move {
            let form = reqwest::multipart::Form::new()
                .part("file", reqwest::multipart::Part::bytes(pdf_with("budget")).file_name("预算.pdf"));
            c.post(url).multipart(form).send().await.unwrap().status().as_u16()
        })
    };
    tokio::time::sleep(Duration::from_millis(500)).await;
    // Meanwhile another write completes at once.
    let t = Instant::now();
    let other = new_draft(&server, &admin, unit, "2020年决算公开").await;
    let other_took = t.elapsed();
    assert!(other > item);
    assert_eq!(upload_task.await.unwrap(), 303);
    let upload_took = started.elapsed();
    println!("another write took {other_took:?} while the converter hung; the upload answered after {upload_took:?}");
    assert!(other_took < Duration::from_secs(3), "a write waited for the converter: {other_took:?}");
    let page = admin.get(&server, &format!("/staff/items/{item}")).await.text().await.unwrap();
    assert!(page.contains("未能自动扫描"), "the file is held for review");
    let _ = std::fs::remove_dir_all(&bin);
}
