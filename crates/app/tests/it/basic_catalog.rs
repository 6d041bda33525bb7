//! The 基层政务公开标准目录 over HTTP: a clerk imports their unit's catalog from a real-layout
//! workbook (two-row header, merged cells, 同上); bad rows come back by number with nothing saved;
//! another unit's clerk can neither see nor change it; a flagged 时限 gets a rule from the clerk;
//! an entry due and not published shows as a gap with its due date on the office's dashboard and
//! in the month's column check; the public area page shows the table. And the demo: Ruzhou's
//! 社会救助 page with items per entry and the planted gap.

use crate::common::*;

/// A catalog as a county keeps it: title row, two-row header with merged groups, the 一级事项
/// merged down, 同上 in the 依据 column, one 时限 the platform cannot read.
pub(crate) fn workbook(bad_row: bool) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let f = rust_xlsxwriter::Format::new();
    let top = [
        "序号",
        "公开事项",
        "",
        "公开内容（要素）",
        "公开依据",
        "公开时限",
        "公开主体",
        "公开渠道和载体",
        "公开对象",
        "",
        "公开方式",
        "",
        "公开层级",
        "",
    ];
    let sub = ["", "一级事项", "二级事项", "", "", "", "", "", "全社会", "特定群体", "主动", "依申请", "县级", "乡级"];
    let rows: Vec<Vec<&str>> = vec![
        vec![
            "1",
            "最低生活保障",
            "办事指南",
            "办理事项、办理条件",
            "《实施细则》",
            "制定或获取信息之日起10个工作日内",
            "乙县民政局",
            "■政府网站 □政府公报",
            "√",
            "",
            "√",
            "",
            "√",
            "√",
        ],
        vec![
            "2",
            "",
            "审批信息",
            "低保对象名单及相关信息",
            "同上",
            "制定或获取信息之日起10个工作日内",
            "乙县民政局",
            "■政府网站",
            "√",
            "",
            "√",
            "",
            "√",
            "",
        ],
        vec!["3", "", "资金发放", "发放情况", "同上", "尽快公开", "乙县民政局", "■政府网站", "√", "", "√", "", "√", ""],
        vec![
            "4",
            "临时救助",
            "审核审批信息",
            "救助对象名单",
            "信息公开规定",
            "制定或获取信息之日起10个工作日内",
            "乙县民政局",
            "■政府网站",
            "",
            "√",
            "",
            "√",
            "√",
            "",
        ],
        vec![
            "5",
            "",
            if bad_row { "" } else { "办事指南" },
            "办理流程",
            "同上",
            "长期",
            "乙县民政局",
            "■政府网站",
            "√",
            "",
            if bad_row { "" } else { "√" },
            "",
            "√",
            "",
        ],
    ];
    ws.merge_range(0, 0, 0, 13, "乙县社会救助领域基层政务公开标准目录", &f).unwrap();
    for (c, v) in top.iter().enumerate() {
        if !v.is_empty() {
            ws.write_string(1, c as u16, *v).unwrap();
        }
    }
    for (c, v) in sub.iter().enumerate() {
        if !v.is_empty() {
            ws.write_string(2, c as u16, *v).unwrap();
        }
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(3 + r as u32, c as u16, *v).unwrap();
            }
        }
    }
    ws.merge_range(1, 1, 1, 2, "公开事项", &f).unwrap();
    ws.merge_range(1, 8, 1, 9, "公开对象", &f).unwrap();
    ws.merge_range(1, 10, 1, 11, "公开方式", &f).unwrap();
    ws.merge_range(1, 12, 1, 13, "公开层级", &f).unwrap();
    for c in [0u16, 3, 4, 5, 6, 7] {
        ws.merge_range(1, c, 2, c, top[c as usize], &f).unwrap();
    }
    ws.merge_range(3, 1, 5, 1, "最低生活保障", &f).unwrap();
    ws.merge_range(6, 1, 7, 1, "临时救助", &f).unwrap();
    wb.save_to_buffer().unwrap()
}

pub(crate) async fn upload(server: &Server, who: &Staff, bytes: Vec<u8>, fields: &[(&str, &str)]) -> reqwest::Response {
    let mut form = reqwest::multipart::Form::new();
    for (k, v) in fields {
        form = form.text(k.to_string(), v.to_string());
    }
    form = form.part("file", reqwest::multipart::Part::bytes(bytes).file_name("社会救助目录.xlsx"));
    who.client
        .post(server.url(&format!("/staff/basic-catalog/import?_csrf={}", who.csrf)))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

pub(crate) fn catalog_id(resp: &reqwest::Response) -> i64 {
    let loc = resp.headers().get("location").expect("redirect").to_str().unwrap();
    loc.rsplit('/').next().unwrap().parse().unwrap()
}

pub(crate) fn entry_ids(html: &str) -> Vec<i64> {
    html.split("id=\"entry-").skip(1).filter_map(|s| s.split('"').next()?.parse().ok()).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_units_catalog_is_imported_checked_and_its_gaps_show() {
    for backend in backends() {
        let store = Store::new(backend);
        let out = store.cli(&["user", "add", "admin", "--role", "admin", "--password", ADMIN_PASSWORD]);
        assert!(out.status.success());
        // The catalog takes effect 2026-10-08; 10 working days later (2026-10-21, the Saturday
        // 2026-10-10 being a make-up working day) what is not
        // published is a gap. "Today" is in November so the October check has closed.
        let server = Server::start(&store, &[("GONGKAI_TODAY", "2026-11-20")]);
        let admin = login(&server, "admin", ADMIN_PASSWORD).await;
        let a = create_unit(&server, &admin, "甲县民政局", 1).await;
        let b = create_unit(&server, &admin, "乙县民政局", 2).await;
        create_user(&server, &admin, "clerk_a", "clerk", a).await;
        create_user(&server, &admin, "clerk_b", "clerk", b).await;
        let clerk_a = login(&server, "clerk_a", STAFF_PASSWORD).await;
        let clerk_b = login(&server, "clerk_b", STAFF_PASSWORD).await;
        let fields = [("area", "social_assistance"), ("effective_on", "2026-10-08"), ("edition", "2026年版")];

        // Bad rows: by number, nothing saved.
        let resp = upload(&server, &clerk_b, workbook(true), &fields).await;
        assert_eq!(resp.status().as_u16(), 422);
        let html = resp.text().await.unwrap();
        assert!(html.contains("第8行：缺少二级事项"), "{html}");
        assert!(html.contains("第8行：公开方式未勾选"), "{html}");
        let list = clerk_b.get(&server, "/staff/basic-catalog").await.text().await.unwrap();
        assert!(list.contains("尚未导入目录"), "nothing saved from a file with bad rows");

        // Without the CSRF token: refused.
        let form = reqwest::multipart::Form::new()
            .text("area", "social_assistance")
            .text("effective_on", "2026-10-08")
            .part("file", reqwest::multipart::Part::bytes(workbook(false)).file_name("a.xlsx"));
        let resp = clerk_b.client.post(server.url("/staff/basic-catalog/import")).multipart(form).send().await.unwrap();
        assert_eq!(resp.status().as_u16(), 403);

        // The good file: saved, merged cells and 同上 read.
        let resp = upload(&server, &clerk_b, workbook(false), &fields).await;
        assert_eq!(resp.status().as_u16(), 303);
        let cid = catalog_id(&resp);
        let page = clerk_b.get(&server, &format!("/staff/basic-catalog/{cid}")).await.text().await.unwrap();
        let entries = entry_ids(&page);
        assert_eq!(entries.len(), 5, "{page}");
        assert!(page.contains("无法自动识别"), "尽快公开 is flagged");
        assert_eq!(page.matches("<td>最低生活保障</td>").count(), 3, "the merged 一级事项 on each of its rows");
        assert!(page.contains("时限待设定 <span class=\"badge amber\">1</span>"), "{page}");

        // Unit A's clerk: neither sees nor changes B's catalog (complete valid forms); another unit's
        // objects are "not found", as everywhere, so ids cannot be probed.
        let flagged = entries[2];
        assert_eq!(clerk_a.get(&server, &format!("/staff/basic-catalog/{cid}")).await.status().as_u16(), 404);
        assert_eq!(
            clerk_a.get(&server, &format!("/staff/basic-catalog/{cid}/export.xlsx")).await.status().as_u16(),
            404
        );
        let rule = [
            ("catalog_id", cid.to_string()),
            ("kind", "working_days".into()),
            ("count", "5".into()),
            ("trigger", "formed_or_changed".into()),
        ];
        let rule: Vec<(&str, &str)> = rule.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let resp = clerk_a.post_form(&server, &format!("/staff/basic-catalog/entries/{flagged}/rule"), &rule).await;
        assert_eq!(resp.status().as_u16(), 404);
        let resp = clerk_a
            .post_form(
                &server,
                &format!("/staff/basic-catalog/entries/{flagged}/event"),
                &[("catalog_id", &cid.to_string()), ("event_on", "2026-11-01")],
            )
            .await;
        assert_eq!(resp.status().as_u16(), 404);

        // B's clerk sets the rule; it is audited.
        let resp = clerk_b.post_form(&server, &format!("/staff/basic-catalog/entries/{flagged}/rule"), &rule).await;
        assert_eq!(resp.status().as_u16(), 303);
        let page = clerk_b.get(&server, &format!("/staff/basic-catalog/{cid}")).await.text().await.unwrap();
        assert!(page.contains("信息形成或变更之日起5个工作日内（clerk_b 设定）"), "{page}");
        let audit = admin.get(&server, "/staff/audit").await.text().await.unwrap();
        assert!(audit.contains("basic_catalog.set_rule") && audit.contains("basic_catalog.import"));

        // A draft filed under an entry takes the entry's channels as its defaults (■政府网站 here,
        // the draft had only 政务微博); the link and the defaults are audited.
        let unit_b = b.to_string();
        let resp = clerk_b
            .post_form(
                &server,
                "/staff/items",
                &[
                    ("unit_id", unit_b.as_str()),
                    ("title", "乙县最低生活保障办事指南"),
                    ("body", "办理条件、申请材料、办理流程。"),
                    ("doc_no", ""),
                    ("art20", ""),
                    ("formed_on", "2026-10-09"),
                    ("genre", "notice"),
                    ("subject", "civil_affairs"),
                    ("ch_weibo", "1"),
                ],
            )
            .await;
        assert_eq!(resp.status().as_u16(), 303);
        let draft_id = crate::disclosure::id_in(&resp);
        let page = clerk_b.get(&server, &format!("/staff/items/{draft_id}")).await.text().await.unwrap();
        assert!(page.contains("公开渠道</th><td>政务微博</td>"), "{page}");
        let catalog_page = clerk_b.get(&server, &format!("/staff/basic-catalog/{cid}")).await.text().await.unwrap();
        let first_entry = entry_ids(&catalog_page)[0].to_string();
        let link = [("catalog_id", cid.to_string()), ("item_id", draft_id.to_string()), ("entry_id", first_entry)];
        let link: Vec<(&str, &str)> = link.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let resp = clerk_b.post_form(&server, "/staff/basic-catalog/link", &link).await;
        assert_eq!(resp.status().as_u16(), 303);
        let page = clerk_b.get(&server, &format!("/staff/items/{draft_id}")).await.text().await.unwrap();
        assert!(page.contains("公开渠道</th><td>政府网站</td>"), "the entry's channels became the draft's: {page}");
        let audit = admin.get(&server, "/staff/audit").await.text().await.unwrap();
        assert!(audit.contains("basic_catalog.link_item") && audit.contains("defaults_applied"), "{audit}");

        // Gaps: nothing published; the 依申请-only entry (临时救助 / 审核审批信息) is not one, nor the 长期 one.
        let dash = admin.get(&server, "/staff").await.text().await.unwrap();
        assert!(dash.contains("最低生活保障 &#x2f; 审批信息</a>（应于 2026-10-21 前公开）"), "{dash}");
        assert!(dash.contains("最低生活保障 &#x2f; 资金发放</a>（应于 2026-10-14 前公开）"), "the clerk's rule counts");
        assert!(!dash.contains("临时救助 &#x2f; 审核审批信息"), "依申请 only: never a gap");
        assert!(!dash.contains("临时救助 &#x2f; 办事指南"), "长期: no deadline");
        let own = clerk_b.get(&server, "/staff").await.text().await.unwrap();
        assert!(own.contains("最低生活保障 &#x2f; 办事指南"));
        assert!(!clerk_a.get(&server, "/staff").await.text().await.unwrap().contains("乙县民政局 社会救助"));
        let month = admin.get(&server, "/staff/monthly?month=2026-10").await.text().await.unwrap();
        let section = month.split("基层政务公开标准目录缺项").nth(1).unwrap();
        assert!(
            section.contains("最低生活保障 &#x2f; 审批信息") && section.contains("<td>2026-10-21</td>"),
            "{section}"
        );

        // The public area page shows the table.
        let unit_page = client().get(server.url(&format!("/units/{b}"))).send().await.unwrap().text().await.unwrap();
        let node = unit_page
            .split("href=\"/catalog/")
            .filter_map(|s| s.split_once("\">"))
            .find(|(_, t)| t.starts_with("社会救助领域"))
            .map(|(id, _)| id.to_string())
            .expect("the area node");
        let public = client().get(server.url(&format!("/catalog/{node}"))).send().await.unwrap().text().await.unwrap();
        assert!(public.contains("社会救助领域基层政务公开标准目录"), "{public}");
        assert!(public.contains("低保对象名单及相关信息") && public.contains("应于 2026-10-21 前公开，尚未公开"));
        assert!(!public.contains("clerk_b"), "who set a rule is internal");

        // Exported and imported again: the same table.
        let bytes =
            clerk_b.get(&server, &format!("/staff/basic-catalog/{cid}/export.xlsx")).await.bytes().await.unwrap();
        let resp = upload(&server, &clerk_b, bytes.to_vec(), &fields).await;
        assert_eq!(resp.status().as_u16(), 303);
        assert_eq!(catalog_id(&resp), cid, "a re-import replaces the unit's catalog of the area");
        let again = clerk_b.get(&server, &format!("/staff/basic-catalog/{cid}")).await.text().await.unwrap();
        assert_eq!(entry_ids(&again), entries, "entries matched by name keep their ids");
        server.kill();
    }
}

/// The acceptance on the demo: 汝州市民政局's 社会救助 page shows the catalog with the items
/// published for each entry; the planted missing entry (最低生活保障 / 审批信息, formed
/// 2026-10-15, 10 working days) is a gap due 2026-10-29 on the office's dashboard and in the
/// October column check; the late ones show as late to staff. SQLite only: the demo is large.
#[tokio::test(flavor = "multi_thread")]
async fn the_ruzhou_demo_shows_the_social_assistance_catalog_and_its_planted_gap() {
    let demo = crate::support::start_demo(&[("GONGKAI_TODAY", "2026-11-20")]);
    let (base, password) = (demo.base.clone(), demo.password.clone());
    let url = |p: &str| format!("{base}{p}");
    let web = client();
    let units: serde_json::Value = web.get(url("/api/v1/units")).send().await.unwrap().json().await.unwrap();
    let unit =
        units.as_array().unwrap().iter().find(|u| u["name"] == "汝州市民政局").unwrap()["unit_id"].as_i64().unwrap();
    let unit_page = web.get(url(&format!("/units/{unit}"))).send().await.unwrap().text().await.unwrap();
    let node = unit_page
        .split("href=\"/catalog/")
        .filter_map(|s| s.split_once("\">"))
        .find(|(_, t)| t.starts_with("社会救助领域"))
        .map(|(id, _)| id.to_string())
        .expect("the 社会救助 node");
    let public = web.get(url(&format!("/catalog/{node}"))).send().await.unwrap().text().await.unwrap();
    let table = public
        .split("<table class=\"basic-catalog\">")
        .nth(1)
        .expect("the catalog table")
        .split("</table>")
        .next()
        .unwrap();
    assert_eq!(table.matches("<tr><td>").count(), 12, "the 12 rows of the 社会救助 template");
    assert!(table.contains("<td>特困人员救助供养</td><td>办事指南</td>"));
    assert!(table.contains(">汝州市民政局临时救助审核审批信息</a>（2026-09-08）"), "items under their entries");
    assert!(table.contains("应于 2026-10-29 前公开，尚未公开"), "the planted gap");
    assert_eq!(table.matches("尚未公开").count(), 1);
    // The 公开依据 links the 条例 the platform publishes, under whichever name the catalog gives
    // it; a document it does not hold stays text.
    let linked = table.split("\">《信息公开条例》</a>及相关规定").next().unwrap();
    let item_id: String = linked.rsplit("/items/").next().unwrap().chars().take_while(char::is_ascii_digit).collect();
    assert!(!item_id.is_empty(), "《信息公开条例》 is linked: {table}");
    assert!(table.contains(&format!("<a href=\"/items/{item_id}\">《中华人民共和国政府信息公开条例》</a>")));
    assert!(!table.contains(">《国务院关于全面建立临时救助制度的通知》</a>"), "a document not held is not linked");
    let law = web.get(url(&format!("/items/{item_id}"))).send().await.unwrap().text().await.unwrap();
    assert!(law.contains("中华人民共和国政府信息公开条例"), "the link opens the 条例");

    // Signed in as the office (admin of the 公开办).
    let page = web.get(url("/staff/login")).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_in(&page);
    let resp = web
        .post(url("/staff/login"))
        .form(&[("_csrf", csrf.as_str()), ("username", "admin"), ("password", password.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 303);
    let dash = web.get(url("/staff")).send().await.unwrap().text().await.unwrap();
    assert!(
        dash.contains("汝州市民政局 社会救助：最低生活保障 &#x2f; 审批信息</a>（应于 2026-10-29 前公开）"),
        "{dash}"
    );
    let month = web.get(url("/staff/monthly?month=2026-10")).send().await.unwrap().text().await.unwrap();
    let section = month.split("基层政务公开标准目录缺项").nth(1).unwrap().split("</table>").next().unwrap();
    assert!(
        section.contains("<td>汝州市民政局</td><td>社会救助</td>")
            && section.contains("最低生活保障 &#x2f; 审批信息")
            && section.contains("<td>2026-10-29</td>"),
        "{section}"
    );
    let september = web.get(url("/staff/monthly?month=2026-09")).send().await.unwrap().text().await.unwrap();
    // At the end of September the two entries later published late were gaps; the planted one
    // had not formed yet.
    let sep = september.split("基层政务公开标准目录缺项").nth(1).unwrap().split("</table>").next().unwrap();
    assert!(sep.contains("特困人员救助供养 &#x2f; 办事指南") && sep.contains("招生管理 &#x2f; 招生范围"), "{sep}");
    assert!(!sep.contains("最低生活保障 &#x2f; 审批信息"), "{sep}");
    assert_eq!(section.matches("<tr><td>").count(), 1, "in October only the planted gap remains");
    // The month's 通报 (the Word file every unit receives) names the gap too.
    let docx = web.get(url("/staff/monthly/report.docx?month=2026-10")).send().await.unwrap().bytes().await.unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx.to_vec())).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml).unwrap();
    assert!(xml.contains("以下1个事项已到公开时限但未公开"), "the 通报's gap paragraph");
    assert!(
        xml.contains("最低生活保障 / 审批信息") && xml.contains("2026-10-29"),
        "the 通报 names the gap and its date"
    );
    let (_, catalogs) = dash.split_once("/staff/basic-catalog/").unwrap();
    let cid: String = catalogs.chars().take_while(char::is_ascii_digit).collect();
    let staff_page = web.get(url(&format!("/staff/basic-catalog/{cid}"))).send().await.unwrap().text().await.unwrap();
    assert!(staff_page.contains("逾期公开（应于2026-09-15前，实为2026-10-20）"), "{staff_page}");

    // Another unit's clerk (政府办) can neither see 民政局's catalog nor link or set anything in
    // it, with complete valid forms; 民政局's own clerk can, and an item published before the
    // recorded formation date does not fill the gap.
    let (_, after) = dash.split_once(&format!("/staff/basic-catalog/{cid}#entry-")).unwrap();
    let gap_entry: String = after.chars().take_while(char::is_ascii_digit).collect();
    // An item of 民政局's own (the 公开依据 also links the 政府办's 条例).
    let after = table.split("<a href=\"/items/").skip(1).find(|s| s.contains("\">汝州市民政局")).unwrap();
    let item: String = after.chars().take_while(char::is_ascii_digit).collect();
    let link = [("catalog_id", cid.as_str()), ("item_id", item.as_str()), ("entry_id", gap_entry.as_str())];
    let rule = [("catalog_id", cid.as_str()), ("kind", "standing")];
    for (user, allowed) in [("zfb-clerk", false), ("mzj-clerk", true)] {
        let who = client();
        let page = who.get(url("/staff/login")).send().await.unwrap().text().await.unwrap();
        let csrf = csrf_in(&page);
        let resp = who
            .post(url("/staff/login"))
            .form(&[("_csrf", csrf.as_str()), ("username", user), ("password", password.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 303, "{user} signs in");
        let me: serde_json::Value = who.get(url("/api/v1/me")).send().await.unwrap().json().await.unwrap();
        let csrf = me["csrf"].as_str().unwrap().to_string();
        let view = who.get(url(&format!("/staff/basic-catalog/{cid}"))).send().await.unwrap().status().as_u16();
        let mut form = vec![("_csrf", csrf.as_str())];
        form.extend_from_slice(&link);
        let linked = who.post(url("/staff/basic-catalog/link")).form(&form).send().await.unwrap().status().as_u16();
        if allowed {
            assert_eq!((view, linked), (200, 303), "{user}");
            // The item's own page offers the unit's entries, the linked one chosen, with defaults.
            let page = who.get(url(&format!("/staff/items/{item}"))).send().await.unwrap().text().await.unwrap();
            assert!(page.contains("社会救助领域标准目录事项"), "{page}");
            assert!(
                page.contains(&format!(
                    "<option value=\"{gap_entry}\" selected>最低生活保障 &#x2f; 审批信息（默认：主动公开；政府网站）"
                )),
                "{page}"
            );
        } else {
            assert_eq!((view, linked), (404, 404), "{user}");
            let mut form = vec![("_csrf", csrf.as_str())];
            form.extend_from_slice(&rule);
            let resp = who
                .post(url(&format!("/staff/basic-catalog/entries/{gap_entry}/rule")))
                .form(&form)
                .send()
                .await
                .unwrap();
            assert_eq!(resp.status().as_u16(), 404, "{user} sets a rule");
        }
    }
    let dash = web.get(url("/staff")).send().await.unwrap().text().await.unwrap();
    assert!(
        dash.contains("最低生活保障 &#x2f; 审批信息</a>（应于 2026-10-29 前公开）"),
        "an item of 2026-09-08 is not information formed 2026-10-15"
    );
    let audit = web.get(url("/staff/audit")).send().await.unwrap().text().await.unwrap();
    assert!(audit.contains("basic_catalog.link_item"));
    drop(demo);
}
