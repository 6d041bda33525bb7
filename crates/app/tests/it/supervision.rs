//! 监督考核 over real HTTP (issue 6's acceptance, the parts wired to 主动公开): the month's
//! published items by channel on the 月报 match what the test itself published; a 动态 column
//! without an update for 15 days is stale; five such columns trip the single-veto flag, four do not.

use crate::common::*;
use crate::support::*;

const D0: &str = "2025-06-02";

/// Draft, submit and approve an item in a column; returns its id.
async fn publish(server: &Server, admin: &Staff, unit: i64, node: i64, title: &str, channels: &[&str]) -> i64 {
    let (u, n) = (unit.to_string(), node.to_string());
    let mut fields = vec![
        ("unit_id", u.as_str()),
        ("catalog_node_id", n.as_str()),
        ("title", title),
        ("body", "<p>工作动态正文。</p>"),
        ("formed_on", D0),
        ("genre", "other"),
        ("subject", "general_affairs"),
    ];
    for c in channels {
        fields.push(match *c {
            "weibo" => ("ch_weibo", "1"),
            "wechat" => ("ch_wechat", "1"),
            _ => ("ch_website", "1"),
        });
    }
    let r = admin.post_form(server, "/staff/items", &fields).await;
    assert_eq!(r.status().as_u16(), 303, "draft {title}: {}", r.text().await.unwrap());
    let id = location_id(&r);
    for step in ["submit", "approve"] {
        let r = admin.post_form(server, &format!("/staff/items/{id}/{step}"), &[]).await;
        assert_eq!(r.status().as_u16(), 303, "{step} {title}: {}", r.text().await.unwrap());
    }
    id
}

/// The unit's 动态 column (its catalog is made on first view) with five 动态 sub-columns.
async fn news_columns(server: &Server, admin: &Staff, unit: i64) -> Vec<i64> {
    let page = admin.get(server, &format!("/staff/catalog?unit={unit}")).await.text().await.unwrap();
    let row =
        page.split("<tr>").find(|r| r.contains("</td><td>news</td>")).expect("a 动态 column in the standard catalog");
    let news: i64 = between(row, "action=\"/staff/catalog/", "\"").unwrap().parse().unwrap();
    for i in 1..=5 {
        let r = admin
            .post_form(server, &format!("/staff/catalog/{news}/children"), &[("title", &format!("工作动态{i}"))])
            .await;
        assert_eq!(r.status().as_u16(), 303);
    }
    let page = admin.get(server, &format!("/staff/catalog?unit={unit}")).await.text().await.unwrap();
    let kids: Vec<i64> = (1..=5)
        .map(|i| {
            page.split("<tr>").find(|r| r.contains(&format!("value=\"工作动态{i}\""))).expect("the new sub-column")
        })
        .map(|r| {
            assert!(r.contains("</td><td>news</td>"), "a sub-column takes its parent's update class: {r}");
            between(r, "action=\"/staff/catalog/", "\"").unwrap().parse().unwrap()
        })
        .collect();
    assert_eq!(kids.len(), 5);
    kids
}

fn stale_veto(html: &str) -> bool {
    html.contains("累计超过（含）5个未更新")
}

#[tokio::test(flavor = "multi_thread")]
async fn the_month_counts_what_was_published_and_five_stale_news_columns_are_a_veto() {
    for backend in backends() {
        let store = Store::new(backend);
        assert!(store.cli(&["user", "add", "admin", "--role", "admin", "--password", ADMIN_PASSWORD]).status.success());
        let server = Server::start(&store, &[("GONGKAI_TODAY", D0)]);
        let admin = login(&server, "admin", ADMIN_PASSWORD).await;
        let unit = create_unit(&server, &admin, "汝州市民政局", 3).await;
        create_user(&server, &admin, "mz-clerk", "clerk", unit).await;
        let cols = news_columns(&server, &admin, unit).await;
        let channels: [&[&str]; 5] =
            [&["website", "weibo"], &["website", "wechat"], &["website", "weibo"], &["website"], &["website"]];
        for (i, (c, ch)) in cols.iter().zip(channels).enumerate() {
            publish(&server, &admin, unit, *c, &format!("民政局工作动态第{}期", i + 1), ch).await;
        }
        // Independently: what the test published this month, by channel.
        let count = |name: &str| channels.iter().filter(|c| c.contains(&name)).count();
        let expected = format!(
            "主动公开信息 5 条（政府网站 {} 条、政务微博 {} 条、政务微信 {} 条、客户端 0 条、其他 0 条）",
            count("website"),
            count("weibo"),
            count("wechat")
        );
        let month = admin.get(&server, "/staff/monthly?month=2025-06").await.text().await.unwrap();
        assert!(
            month.contains(&expected),
            "{backend:?}: the 月报 counts what was published: {expected}\n{}",
            between(&month, "<h2>全市概况</h2>", "<figure>").unwrap_or(&month)
        );
        assert!(!stale_veto(&month), "{backend:?}: fresh columns are no veto");
        drop(server);

        // Day 14 after the update: still current.
        let server = Server::start(&store, &[("GONGKAI_TODAY", "2025-06-16")]);
        let clerk = login(&server, "mz-clerk", STAFF_PASSWORD).await;
        let dash = clerk.get(&server, "/staff").await.text().await.unwrap();
        assert!(!stale_veto(&dash) && !dash.contains("工作动态1</a>"), "{backend:?}: 14 days old is not stale");
        drop(server);

        // Day 15: all five are stale, which is a single veto, shown to the unit and the office.
        let server = Server::start(&store, &[("GONGKAI_TODAY", "2025-06-17")]);
        let clerk = login(&server, "mz-clerk", STAFF_PASSWORD).await;
        let admin = login(&server, "admin", ADMIN_PASSWORD).await;
        let dash = clerk.get(&server, "/staff").await.text().await.unwrap();
        let own = between(&dash, "本单位栏目检查", "</table>").expect("the unit's column list");
        for i in 1..=5 {
            assert!(own.contains(&format!("工作动态{i}</a>")), "{backend:?}: column {i} listed as stale");
        }
        assert!(
            own.contains("未按期更新（自 2025-06-17 起）") && stale_veto(own),
            "{backend:?}: stale since the 15th day, a veto:\n{own}"
        );
        let month = admin.get(&server, "/staff/monthly?month=2025-06").await.text().await.unwrap();
        let veto = between(&month, "<h2 id=\"veto\">", "<h2>").unwrap();
        assert!(
            veto.contains("汝州市民政局") && stale_veto(veto),
            "{backend:?}: the office's 月报 names the unit:\n{veto}"
        );

        // One column updated: four stale columns are not a veto any more.
        publish(&server, &admin, unit, cols[0], "民政局工作动态第6期", &["website"]).await;
        let dash = clerk.get(&server, "/staff").await.text().await.unwrap();
        assert!(
            !stale_veto(&dash) && !between(&dash, "本单位栏目检查", "</table>").unwrap().contains("工作动态1</a>"),
            "{backend:?}: four stale columns are no veto"
        );
    }
}
