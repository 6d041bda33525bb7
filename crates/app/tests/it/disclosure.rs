//! 主动公开 over HTTP (issue 5's acceptance): the personal-data check before publication, search
//! on realistic items, two nodes on one PostgreSQL, and `gongkai import items`.

use std::time::{Duration, Instant};

use crate::common::*;

/// The item id in a `Location: /staff/items/{id}` redirect.
pub(crate) fn id_in(resp: &reqwest::Response) -> i64 {
    let loc = resp.headers().get("location").expect("redirect").to_str().unwrap();
    loc.rsplit('/').next().unwrap().parse().unwrap_or_else(|_| panic!("item id in {loc}"))
}

/// Draft an item as `staff` (admin: for `unit_id`); returns its id.
pub async fn draft(
    server: &Server,
    staff: &Staff,
    unit_id: i64,
    title: &str,
    body: &str,
    doc_no: &str,
    art20: &str,
) -> i64 {
    let unit = unit_id.to_string();
    let resp = staff
        .post_form(
            server,
            "/staff/items",
            &[
                ("unit_id", &unit),
                ("title", title),
                ("body", body),
                ("doc_no", doc_no),
                ("art20", art20),
                ("formed_on", "2020-03-02"),
                ("genre", "notice"),
                ("subject", "general_affairs"),
                ("ch_website", "1"),
            ],
        )
        .await;
    assert_eq!(resp.status().as_u16(), 303, "draft {title}: {}", resp.text().await.unwrap_or_default());
    id_in(&resp)
}

/// Draft, submit and approve; returns the id.
pub async fn publish(
    server: &Server,
    staff: &Staff,
    unit_id: i64,
    title: &str,
    body: &str,
    doc_no: &str,
    art20: &str,
) -> i64 {
    let id = draft(server, staff, unit_id, title, body, doc_no, art20).await;
    let resp = staff.post_form(server, &format!("/staff/items/{id}/submit"), &[]).await;
    assert_eq!(resp.status().as_u16(), 303);
    let resp = staff.post_form(server, &format!("/staff/items/{id}/approve"), &[]).await;
    assert_eq!(resp.status().as_u16(), 303, "publish {title}: {}", resp.text().await.unwrap_or_default());
    id
}

async fn search(server: &Server, q: &str) -> serde_json::Value {
    let url = reqwest::Url::parse_with_params(&server.url("/api/v1/search"), &[("q", q)]).unwrap();
    client().get(url).send().await.unwrap().json().await.unwrap()
}

fn hit_ids(v: &serde_json::Value) -> Vec<i64> {
    v["hits"].as_array().unwrap().iter().map(|h| h["id"].as_i64().unwrap()).collect()
}

/// Search until `id` is among the hits (the index follows the change feed), or panic after 10 s.
async fn wait_for(server: &Server, q: &str, id: i64) -> serde_json::Value {
    let start = Instant::now();
    loop {
        let v = search(server, q).await;
        if hit_ids(&v).contains(&id) {
            return v;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "item {id} not found for {q} on {}: {v}", server.base);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_id_number_blocks_publication_until_masked_or_overridden_and_the_public_sees_it_masked() {
    for backend in backends() {
        let (_store, server, admin) = setup(backend).await;
        let unit = create_unit(&server, &admin, "汝州市民政局", 1).await;
        let id_no = id_number(7);
        let masked = gongkai_domain::privacy::mask_all(&id_no).0;
        assert_ne!(masked, id_no);
        let body = format!("<p>经审核，申请人王某（身份证号{id_no}）符合最低生活保障条件。</p>");

        // 1. Override: refused without a reason, published with one, the reason audited.
        let item = draft(&server, &admin, unit, "关于城乡低保对象审核结果的公示", &body, "", "").await;
        let staff_page = admin.get(&server, &format!("/staff/items/{item}")).await.text().await.unwrap();
        assert!(staff_page.contains("居民身份证号") || staff_page.contains("身份证"), "the scanner's finding is shown");
        admin.post_form(&server, &format!("/staff/items/{item}/submit"), &[]).await;
        let refused = admin.post_form(&server, &format!("/staff/items/{item}/approve"), &[]).await;
        assert!(
            refused.status().is_client_error(),
            "publishing over an ID number without a decision is refused: {}",
            refused.status()
        );
        assert_eq!(
            client().get(server.url(&format!("/items/{item}"))).send().await.unwrap().status().as_u16(),
            404,
            "not public yet"
        );
        let reason = "公示期内须公开审核结果，已确认遮盖后公开";
        let ok =
            admin.post_form(&server, &format!("/staff/items/{item}/approve"), &[("override_reason", reason)]).await;
        assert_eq!(ok.status().as_u16(), 303);
        let audit = admin.get(&server, "/staff/audit.csv").await.text().await.unwrap();
        let line = audit.lines().find(|l| l.contains("item.override")).expect("override in the audit log");
        assert!(line.contains(reason) && !audit.contains(&id_no), "reason audited, ID number never in the log");
        let public = client().get(server.url(&format!("/items/{item}"))).send().await.unwrap().text().await.unwrap();
        assert!(public.contains(&masked) && !public.contains(&id_no), "the public page shows only the masked form");
        // Every public form of the item: the print page, the open-data API's item and its lists.
        let api: serde_json::Value =
            client().get(server.url(&format!("/api/v1/items/{item}"))).send().await.unwrap().json().await.unwrap();
        let year = api["published_on"].as_str().expect("published_on")[..4].to_string();
        for path in [
            format!("/items/{item}/print"),
            format!("/api/v1/items/{item}"),
            "/api/v1/items".to_string(),
            format!("/api/v1/items.csv?unit={unit}&year={year}"),
            format!("/api/v1/items.jsonl?unit={unit}&year={year}"),
        ] {
            let r = client().get(server.url(&path)).send().await.unwrap();
            assert_eq!(r.status().as_u16(), 200, "{backend:?}: {path}");
            let text = r.text().await.unwrap();
            assert!(!text.contains(&id_no), "{backend:?}: {path} carries the unmasked ID number: {text}");
            let list = path.contains("items.") || path == "/api/v1/items";
            assert!(list || text.contains(&masked), "{backend:?}: {path} shows the masked form: {text}");
        }

        // 2. Masking: the draft is masked, then publishes without an override.
        let item2 = draft(&server, &admin, unit, "关于临时救助对象的公示", &body, "", "").await;
        assert_eq!(admin.post_form(&server, &format!("/staff/items/{item2}/mask"), &[]).await.status().as_u16(), 303);
        admin.post_form(&server, &format!("/staff/items/{item2}/submit"), &[]).await;
        assert_eq!(
            admin.post_form(&server, &format!("/staff/items/{item2}/approve"), &[]).await.status().as_u16(),
            303,
            "masked: no decision needed"
        );
        let staff_page = admin.get(&server, &format!("/staff/items/{item2}")).await.text().await.unwrap();
        assert!(!staff_page.contains(&id_no), "masking removed it from the draft itself");
        let public = client().get(server.url(&format!("/items/{item2}"))).send().await.unwrap().text().await.unwrap();
        assert!(public.contains(&masked) && !public.contains(&id_no));
        // The search index holds no unmasked text either.
        wait_for(&server, "临时救助", item2).await;
        assert_eq!(search(&server, &id_no).await["total"], 0);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn search_finds_the_right_items_first_and_segmentation_pays() {
    let (_store, server, admin) = setup(Backend::Sqlite).await;
    let unit = create_unit(&server, &admin, "汝州市财政局", 2).await;
    let funds = publish(
        &server,
        &admin,
        unit,
        "关于下达2020年第一批民生资金的通知",
        "<p>现将2020年第一批民生资金下达你们，请按规定用途使用，专款专用。</p>",
        "汝财〔2020〕12号",
        "",
    )
    .await;
    let permit = publish(
        &server,
        &admin,
        unit,
        "汝州市行政许可事项目录（2020年版）",
        "<p>根据《中华人民共和国行政许可法》，现公布本市行政许可事项目录。</p>",
        "汝政〔2020〕3号",
        "permit",
    )
    .await;
    let about = publish(
        &server,
        &admin,
        unit,
        "汝州市2020年政务公开工作要点",
        "<p>全面推进信息公开，做好政府信息公开工作，加强信息公开平台建设。</p>",
        "汝政办〔2020〕7号",
        "",
    )
    .await;
    let parts = publish(
        &server,
        &admin,
        unit,
        "汝州市教育信息化设备采购项目公开招标公告",
        "<p>教育信息化设备政府采购项目现进行公开招标，欢迎供应商参加。</p>",
        "",
        "",
    )
    .await;
    let other = publish(
        &server,
        &admin,
        unit,
        "关于做好春季农业生产工作的通知",
        "<p>各乡镇做好春耕备耕，保障农资供应。</p>",
        "汝农〔2020〕2号",
        "",
    )
    .await;
    wait_for(&server, "春耕", other).await;

    assert_eq!(hit_ids(&search(&server, "民生资金").await)[0], funds);
    assert_eq!(hit_ids(&search(&server, "行政许可").await)[0], permit);
    assert_eq!(hit_ids(&search(&server, "汝财〔2020〕12号").await)[0], funds);
    let r = search(&server, "汝政〔2020〕3号").await;
    assert_eq!(hit_ids(&r)[0], permit, "发文字号 matched exactly: {r}");
    let index_no = r["hits"][0]["index_no"].as_str().unwrap().to_string();
    assert!(index_no.contains("/2020-") || index_no.contains('/'), "a generated 索引号: {index_no}");
    assert_eq!(hit_ids(&search(&server, &index_no).await)[0], permit, "索引号 matched exactly");
    // Full-width separators as people type them.
    assert_eq!(hit_ids(&search(&server, &index_no.replace('/', "／")).await)[0], permit);

    // Segmentation: the item about 信息公开 ranks above the one with only 信息化 and 公开招标.
    let r = search(&server, "信息公开").await;
    let ids = hit_ids(&r);
    assert_eq!(ids[0], about, "{r}");
    if let Some(p) = ids.iter().position(|i| *i == parts) {
        assert!(p > 0);
    }
    assert!(!ids.contains(&other));
    assert!(r["hits"][0]["snippet"].as_str().unwrap().contains("<b>"), "highlighted snippet");
    // The HTML page too.
    let html = client()
        .get(server.url("/search?q=%E6%B0%91%E7%94%9F%E8%B5%84%E9%87%91"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains(&format!("/items/{funds}")));
}

#[tokio::test(flavor = "multi_thread")]
async fn publishing_on_one_node_is_findable_through_another_on_the_same_postgresql() {
    if pg_admin_url().is_none() {
        skip("GONGKAI_TEST_DATABASE_URL is not set; the two-node test needs PostgreSQL");
        return;
    }
    let (store, node_a, admin) = setup(Backend::Postgres).await;
    // A second node: the same database, its own data directory (and so its own search index).
    let mut other = Store::new(Backend::Sqlite);
    other.database_url = store.database_url.clone();
    let node_b = Server::start(&other, &[]);
    let unit = create_unit(&node_a, &admin, "汝州市自然资源局", 3).await;
    let id = publish(
        &node_a,
        &admin,
        unit,
        "汝州市国土空间总体规划（2021—2035年）草案公示",
        "<p>现将国土空间总体规划草案予以公示，征求社会公众意见。</p>",
        "",
        "",
    )
    .await;
    let start = Instant::now();
    wait_for(&node_b, "国土空间总体规划", id).await;
    eprintln!("found on the other node {} ms after publication", start.elapsed().as_millis());
    assert!(start.elapsed() < Duration::from_secs(5));
    let page = client().get(node_b.url(&format!("/items/{id}"))).send().await.unwrap();
    assert_eq!(page.status().as_u16(), 200);
    drop(node_b);
}

fn import_file(dir: &std::path::Path) -> std::path::PathBuf {
    let code = credit_code(900);
    let mut lines = Vec::with_capacity(1000);
    for n in 1..=1000 {
        let line = match n {
            100 => "{\"index_no\": \"x\", 这不是JSON".to_string(),
            500 => serde_json::json!({"index_no": format!("{code}/2019-{n:05}"), "title": "发布日期有误的信息", "publisher": "汝州市档案馆", "published": "2019-13-45", "body": "<p>正文</p>"}).to_string(),
            // A legacy export must not make the platform read (and publish) a file of the server's.
            700 => serde_json::json!({"index_no": format!("{code}/2019-{n:05}"), "title": "附件路径越界的信息", "publisher": "汝州市档案馆", "published": "2019-05-05", "body": "<p>正文</p>", "attachments": ["../../../../etc/passwd"]}).to_string(),
            900 => serde_json::json!({"index_no": "11410482/20-1", "title": "索引号有误的信息", "publisher": "汝州市档案馆", "published": "2019-05-05", "body": "<p>正文</p>"}).to_string(),
            _ => serde_json::json!({
                "index_no": format!("{code}/2019-{n:05}"),
                "title": format!("汝州市档案馆2019年工作动态第{n}期"),
                "publisher": "汝州市档案馆",
                "category": if n % 10 == 0 { "规范性文件" } else { "" },
                "doc_no": if n % 10 == 0 { format!("汝档〔2019〕{n}号") } else { String::new() },
                "published": format!("2019-{:02}-{:02}", 1 + n % 12, 1 + n % 28),
                "body": format!("<p>本期介绍档案接收、整理与开放利用工作情况，第{n}期。</p>"),
            })
            .to_string(),
        };
        lines.push(line);
    }
    let path = dir.join("legacy.jsonl");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

#[test]
fn import_reports_bad_lines_by_number_and_a_rerun_duplicates_nothing() {
    let store = Store::new(Backend::Sqlite);
    let file = import_file(&store.dir);
    let start = Instant::now();
    let o = store.cli(&["import", "items", file.to_str().unwrap()]);
    let (out, err) = (String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned());
    eprintln!("import took {} ms", start.elapsed().as_millis());
    assert!(!o.status.success(), "bad lines make the exit status non-zero");
    assert!(out.contains("imported 996 items") && out.contains("4 bad lines"), "{out}\n{err}");
    for n in [100, 500, 700, 900] {
        assert!(err.contains(&format!("第{n}行")), "line {n} reported: {err}");
    }
    assert_eq!(err.matches("行：").count(), 4, "{err}");
    assert!(err.contains("附件路径“../../../../etc/passwd”无效"), "{err}");
    let o = store.cli(&["import", "items", file.to_str().unwrap()]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(!o.status.success());
    assert!(out.contains("imported 0 items; 996 already present"), "{out}");
    // The database agrees: 996 public items, once each.
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let server = Server::start(&store, &[]);
        let start = Instant::now();
        loop {
            let v: serde_json::Value =
                client().get(server.url("/api/v1/search?q=")).send().await.unwrap().json().await.unwrap();
            if v["total"] == 996 {
                break;
            }
            assert!(start.elapsed() < Duration::from_secs(20), "996 items in the index: {}", v["total"]);
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let v = search(&server, "工作动态第500期").await;
        assert_eq!(v["total"], 0, "the bad line 500 was not imported");
        let v = search(&server, "汝档〔2019〕10号").await;
        assert_eq!(v["hits"].as_array().unwrap().len().min(1), 1);
    });
}

/// A legacy import publishes nothing unscanned: a file whose text has an ID number is kept from
/// the public (staff see it, and its finding), a file without readable text (an image) is not
/// public until a reviewer has checked it by hand, a clean file is public; the import says so by
/// line.
#[tokio::test(flavor = "multi_thread")]
async fn imported_attachments_are_scanned_or_held() {
    let (store, server, admin) = setup(Backend::Sqlite).await;
    let id = id_number(77);
    let dir = store.dir.join("legacy");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("名单.docx"), crate::attachments::docx_with(&["补贴名单", &format!("王某 身份证号 {id}")]))
        .unwrap();
    std::fs::write(dir.join("通知.docx"), crate::attachments::docx_with(&["关于做好档案开放工作的通知"])).unwrap();
    std::fs::write(dir.join("照片.png"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\0\x01\0\0\x05\0\x01\r\n-\xb4\0\0\0\0IEND\xaeB`\x82").unwrap();
    let code = credit_code(901);
    let line = serde_json::json!({
        "index_no": format!("{code}/2019-00001"),
        "title": "汝州市档案馆2019年补贴发放情况",
        "publisher": "汝州市档案馆",
        "published": "2019-05-05",
        "body": "<p>见附件。</p>",
        "attachments": ["名单.docx", "通知.docx", "照片.png"],
    });
    let file = dir.join("legacy.jsonl");
    std::fs::write(&file, format!("{line}\n")).unwrap();
    let o = store.cli(&["import", "items", file.to_str().unwrap()]);
    let (out, err) = (String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    assert!(o.status.success(), "{out}\n{err}");
    assert!(err.contains("第1行：附件《名单.docx》含个人信息"), "{err}");
    assert!(err.contains("第1行：附件《照片.png》无法提取文字"), "{err}");

    let item = wait_for_item(&server, "补贴发放情况").await;
    let page = client().get(server.url(&format!("/items/{item}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("通知.docx"), "the clean file is public");
    assert!(!page.contains("名单.docx") && !page.contains("照片.png"), "held files are not offered: {page}");
    assert!(!page.contains(&id));
    let files: Vec<i64> = page
        .split(&format!("/items/{item}/attachments/"))
        .skip(1)
        .filter_map(|s| s.split('"').next()?.parse().ok())
        .collect();
    assert_eq!(files.len(), 1);
    // Staff see all three, the finding, and the image waiting for a check by hand.
    let staff = admin.get(&server, &format!("/staff/items/{item}")).await.text().await.unwrap();
    assert!(
        staff.contains("名单.docx") && staff.contains("仅工作人员可见") && staff.contains("未能自动扫描"),
        "{staff}"
    );
    assert!(!staff.contains(&id), "staff pages show findings masked");
    // A held file's address answers 404 to the public, whatever its id.
    for aid in 1..=10 {
        if files.contains(&aid) {
            continue;
        }
        let r = client().get(server.url(&format!("/items/{item}/attachments/{aid}"))).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 404, "attachment {aid}");
    }
    // A reviewer's check by hand (with what was checked) makes the image public.
    let image =
        staff.split("/staff/item-attachments/").filter_map(|s| s.split('/').next()?.parse::<i64>().ok()).max().unwrap();
    let r = admin
        .post_form(
            &server,
            &format!("/staff/item-attachments/{image}/confirm"),
            &[("reason", "逐页核查，为活动照片，无个人信息")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let page = client().get(server.url(&format!("/items/{item}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("照片.png") && !page.contains("名单.docx"), "{page}");
}

async fn wait_for_item(server: &Server, q: &str) -> i64 {
    let start = Instant::now();
    loop {
        let v = search(server, q).await;
        if let Some(id) = v["hits"].as_array().and_then(|h| h.first()).and_then(|h| h["id"].as_i64()) {
            return id;
        }
        assert!(start.elapsed() < Duration::from_secs(20), "{q} in the index");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
