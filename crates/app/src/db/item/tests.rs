//! Migrations 0023 and 0024 against real databases (SQLite always; PostgreSQL too where
//! `GONGKAI_TEST_DATABASE_URL` names one): a public body stored once as "the draft's" reads back
//! as the draft's text everywhere the public text is read, a masked one is kept apart, and a
//! changed draft never changes what the public sees; the public lists, each filter, give the
//! public items newest first, and SQLite reads them from an index in order.

use super::lists::{count_public_sql, list_public_by, list_public_sql, list_staff_sql};
use super::*;
use crate::db::org::NewUnit;
use crate::db::testing::databases;

fn item(unit_id: i64, body: &str) -> NewItem {
    NewItem {
        unit_id,
        title: "档案开放利用工作情况".into(),
        body_html: body.into(),
        mode: "proactive".into(),
        validity: "effective".into(),
        channels: "website".into(),
        formed_on: "2020-03-02".into(),
        due_on: "2020-03-30".into(),
        ..Default::default()
    }
}

fn publication(index_no: &str, public_body: &str) -> Publication {
    Publication {
        index_no: index_no.into(),
        published_on: "2020-03-03".into(),
        public_title: "档案开放利用工作情况".into(),
        public_body_html: public_body.into(),
        ..Default::default()
    }
}

async fn stored(db: &Db, id: i64) -> (i64, String) {
    sqlx::query_as("SELECT CAST(public_body_same AS BIGINT), public_body_html FROM item WHERE item_id = $1")
        .bind(id)
        .fetch_one(&db.pool)
        .await
        .unwrap()
}

/// What the public reads of an item: its page's row, the search index's row, the staff's row.
async fn public_bodies(db: &Db, id: i64) -> [String; 3] {
    [
        public_item(db, id).await.unwrap().unwrap().public_body_html,
        index_rows(db, &[id]).await.unwrap().remove(0).public_body_html,
        get_item(db, id).await.unwrap().unwrap().public_body_html,
    ]
}

async fn unit(tx: &mut Tx<'_>, name: &str, code: &str) -> i64 {
    let unit = NewUnit {
        name: name.into(),
        kind: "department".into(),
        credit_code: code.into(),
        parent_id: None,
        sort_order: 1,
        address: String::new(),
        postcode: String::new(),
        phone: String::new(),
        email: String::new(),
        office_hours: String::new(),
    };
    crate::db::org::insert_unit(tx, &unit).await.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_public_body_stored_once_reads_as_the_drafts_and_a_changed_draft_leaves_it() {
    for (db, clean_up) in databases("body").await {
        let mut tx = db.begin().await.unwrap();
        let unit_id = unit(&mut tx, "汝州市档案馆", "TEST1").await;
        let (clean, masked) = ("<p>档案开放利用。</p>", "<p>联系电话13812345678。</p>");
        let ids = insert_published_items(
            &mut tx,
            vec![
                (item(unit_id, clean), publication("TEST1/2020-00001", clean)),
                (item(unit_id, masked), publication("TEST1/2020-00002", "<p>联系电话138****5678。</p>")),
            ],
            "test",
        )
        .await
        .unwrap();
        let one =
            insert_published_item(&mut tx, &item(unit_id, clean), &publication("TEST1/2020-00003", clean), "test")
                .await
                .unwrap();
        tx.commit().await.unwrap();
        let (a, b) = (ids["TEST1/2020-00001"], ids["TEST1/2020-00002"]);
        let backend = db.backend;

        // Stored once where nothing was masked (by either insert), apart where something was.
        assert_eq!(stored(&db, a).await, (1, String::new()), "{backend:?}");
        assert_eq!(stored(&db, one).await, (1, String::new()), "{backend:?}");
        assert_eq!(stored(&db, b).await, (0, "<p>联系电话138****5678。</p>".to_string()), "{backend:?}");
        for id in [a, one] {
            assert_eq!(public_bodies(&db, id).await, [clean, clean, clean].map(String::from), "{backend:?}");
        }
        let masked_public = "<p>联系电话138****5678。</p>".to_string();
        assert_eq!(
            public_bodies(&db, b).await,
            [masked_public.clone(), masked_public.clone(), masked_public],
            "{backend:?}"
        );

        // The draft changes (the flows forbid it after publication; the statement guards anyway):
        // the public keeps the text it was given, the draft has the new one.
        let mut tx = db.begin().await.unwrap();
        update_item(&mut tx, a, &item(unit_id, "<p>改过的草稿。</p>")).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(stored(&db, a).await, (0, clean.to_string()), "{backend:?}");
        assert_eq!(public_bodies(&db, a).await, [clean, clean, clean].map(String::from), "{backend:?}");
        assert_eq!(get_item(&db, a).await.unwrap().unwrap().body_html, "<p>改过的草稿。</p>", "{backend:?}");

        // Published again: the new public text, stored in full.
        let mut tx = db.begin().await.unwrap();
        publish(&mut tx, a, &publication("TEST1/2020-00001", "<p>改过的草稿。</p>")).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(stored(&db, a).await, (0, "<p>改过的草稿。</p>".to_string()), "{backend:?}");
        assert_eq!(public_item(&db, a).await.unwrap().unwrap().public_body_html, "<p>改过的草稿。</p>");
        db.pool.close().await;
        drop(clean_up);
    }
}

/// An item as the lists see it: (id, unit, column, column code, public?, published on).
type Listed = (i64, i64, Option<i64>, Option<&'static str>, bool, String);

/// What a filter should list, worked out here from the items made, newest first.
fn expected(all: &[Listed], f: &PublicFilter) -> Vec<i64> {
    let mut v: Vec<&Listed> = all
        .iter()
        .filter(|(_, unit, node, code, public, _)| {
            *public
                && f.unit_id.is_none_or(|u| u == *unit)
                && f.node_id.is_none_or(|n| Some(n) == *node)
                && f.node_code.as_deref().is_none_or(|c| Some(c) == *code)
                && (f.node_code_prefixes.is_empty()
                    || f.node_code_prefixes.iter().any(|p| code.is_some_and(|c| c.starts_with(p.as_str()))))
        })
        .collect();
    v.sort_by(|a, b| (&b.5, b.0).cmp(&(&a.5, a.0)));
    v.into_iter().map(|l| l.0).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_public_lists_give_each_filters_public_items_newest_first_and_sqlite_reads_them_in_index_order() {
    for (db, clean_up) in databases("lists").await {
        let backend = db.backend;
        let mut tx = db.begin().await.unwrap();
        let (a, b) = (unit(&mut tx, "汝州市教育局", "TESTA").await, unit(&mut tx, "汝州市民政局", "TESTB").await);
        // The same code in both units' catalogs, as the standard catalog gives them.
        let mut nodes = vec![];
        // "areax" is what `area_` would match if `_` were LIKE's any character.
        for (u, code) in [(a, "gkzn"), (a, "basic_land"), (b, "gkzn"), (b, "area_edu"), (b, "areax")] {
            nodes.push((insert_node(&mut tx, u, None, code, code, "ongoing", 1).await.unwrap(), u, code));
        }
        // Items over three days (ties on a day: newest id first), each status, one without a column.
        let mut all: Vec<Listed> = vec![];
        let days = ["2020-03-03", "2021-07-01", "2021-07-01", "2019-12-31"];
        for k in 0..40usize {
            let (node, u, code) = nodes[k % 5];
            let node = (k % 7 != 3).then_some(node);
            let code = node.map(|_| code);
            let mut it = item(u, "<p>正文</p>");
            it.catalog_node_id = node;
            let day = days[k % 4].to_string();
            let status =
                [ItemStatus::Published, ItemStatus::Expired, ItemStatus::Draft, ItemStatus::Withdrawn][k / 5 % 4];
            let id = if status == ItemStatus::Draft {
                insert_item(&mut tx, &it, status, "test").await.unwrap()
            } else {
                let p = Publication {
                    published_on: day.clone(),
                    ..publication(&format!("TEST/2020-{k:05}"), "<p>正文</p>")
                };
                let id = insert_published_item(&mut tx, &it, &p, "test").await.unwrap();
                if status != ItemStatus::Published {
                    set_status(&mut tx, id, status, "test").await.unwrap();
                }
                id
            };
            all.push((id, u, node, code, matches!(status, ItemStatus::Published | ItemStatus::Expired), day));
        }
        tx.commit().await.unwrap();
        let filters = [
            PublicFilter::default(),
            PublicFilter { unit_id: Some(b), ..Default::default() },
            PublicFilter { node_id: Some(nodes[1].0), ..Default::default() },
            PublicFilter { node_code: Some("gkzn".into()), ..Default::default() },
            PublicFilter { node_code_prefixes: vec!["basic".into()], ..Default::default() },
            // Both of the special column's prefixes, one list; `_` is a letter here, not LIKE's any.
            PublicFilter { node_code_prefixes: vec!["basic".into(), "area_".into()], ..Default::default() },
            PublicFilter { unit_id: Some(a), node_code: Some("gkzn".into()), ..Default::default() },
            PublicFilter { unit_id: Some(a), node_id: Some(nodes[2].0), ..Default::default() },
        ];
        for f in &filters {
            let want = expected(&all, f);
            let got: Vec<i64> = list_public(&db, f, 100, 0).await.unwrap().iter().map(|i| i.item_id).collect();
            assert_eq!(got, want, "{backend:?} {f:?}");
            // A code's list the other way too (here, with few items, it reads the columns).
            let walked: Vec<i64> =
                list_public_by(&db, f, 100, 0, true).await.unwrap().iter().map(|i| i.item_id).collect();
            assert_eq!(walked, want, "{backend:?} {f:?} walking the newest");
            assert_eq!(count_public_filtered(&db, f).await.unwrap(), want.len() as i64, "{backend:?} {f:?}");
            let (total, first) = page_public(&db, f, 3, 0).await.unwrap();
            assert_eq!(total, want.len() as i64, "{backend:?} {f:?}");
            assert_eq!(
                first.iter().map(|i| i.item_id).collect::<Vec<_>>(),
                want[..want.len().min(3)],
                "{backend:?} {f:?}"
            );
            // A page further on is the same list cut there.
            for (limit, offset) in [(2, 1), (3, 3), (5, (want.len() as i64 - 1).max(0)), (5, want.len() as i64)] {
                let page: Vec<i64> =
                    list_public(&db, f, limit, offset).await.unwrap().iter().map(|i| i.item_id).collect();
                let want_page: Vec<i64> = want.iter().skip(offset as usize).take(limit as usize).copied().collect();
                assert_eq!(page, want_page, "{backend:?} {f:?} {limit} {offset}");
            }
        }
        // The items made exercise each filter: some in, some out; a unit with another's column, none.
        for f in &filters[1..7] {
            let n = expected(&all, f).len();
            assert!(n >= 2 && n < expected(&all, &filters[0]).len(), "{f:?}: {n}");
        }
        assert!(expected(&all, &filters[7]).is_empty());

        // SQLite has no statistics here (nor on a new deployment): the plan is its rules' alone.
        // The home page, a unit's list, a column's and a busy column code's read their index
        // newest first and stop at the page; none sorts every public item.
        if backend == crate::db::Backend::Sqlite {
            for (f, index) in [
                (&filters[0], "item_public_newest"),
                (&filters[1], "item_public_unit"),
                (&filters[2], "item_public_node"),
                (&filters[3], "item_public_newest"),
                (&filters[5], "item_public_newest"),
            ] {
                let (sql, args) = list_public_sql(f, true);
                let mut q = sqlx::query(sqlx::AssertSqlSafe(format!("EXPLAIN QUERY PLAN {sql}")));
                bind_args!(q, args);
                let plan: Vec<String> = q
                    .bind(20i64)
                    .bind(0i64)
                    .fetch_all(&db.pool)
                    .await
                    .unwrap()
                    .iter()
                    .map(|r| r.get::<String, _>(3))
                    .collect();
                let plan = plan.join("\n");
                assert!(plan.contains(index), "{f:?}: {plan}");
                assert!(!plan.contains("TEMP B-TREE"), "{f:?}: {plan}");
            }
            // A code's count probes each of its columns in `item_public_node`, never reading
            // every item (PostgreSQL, given the columns at once, scanned the table: 300 ms at a million).
            for f in [&filters[3], &filters[5], &filters[6]] {
                let (sql, args) = count_public_sql(f);
                let mut q = sqlx::query(sqlx::AssertSqlSafe(format!("EXPLAIN QUERY PLAN {sql}")));
                bind_args!(q, args);
                let plan: Vec<String> =
                    q.fetch_all(&db.pool).await.unwrap().iter().map(|r| r.get::<String, _>(3)).collect();
                let plan = plan.join("\n");
                assert!(plan.contains("item_public_node"), "{f:?}: {plan}");
                assert!(!plan.lines().any(|l| l.starts_with("SCAN i")), "{f:?}: {plan}");
            }
        }
        // PostgreSQL compiles no statement (JIT): a count over many columns was costed high
        // enough to spend 131 ms compiling an 8 ms count (BENCHMARKS.md, "eleventh steps").
        if backend == crate::db::Backend::Postgres {
            let jit: String = sqlx::query("SELECT current_setting('jit')").fetch_one(&db.pool).await.unwrap().get(0);
            assert_eq!(jit, "off");
        }
        db.pool.close().await;
        drop(clean_up);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_staff_list_gives_a_units_items_last_changed_first_and_sqlite_walks_them_in_index_order() {
    for (db, clean_up) in databases("staff").await {
        let backend = db.backend;
        let mut tx = db.begin().await.unwrap();
        let (a, b) = (unit(&mut tx, "汝州市教育局", "TESTA").await, unit(&mut tx, "汝州市民政局", "TESTB").await);
        // (id, unit, status, updated_at): changed at times out of the ids' order, ties on a time.
        let mut all: Vec<(i64, i64, ItemStatus, String)> = vec![];
        let statuses = [ItemStatus::Draft, ItemStatus::PendingReview, ItemStatus::Published, ItemStatus::Withdrawn];
        for k in 0..30usize {
            let u = if k % 3 == 0 { b } else { a };
            let status = statuses[k % 4];
            let id = insert_item(&mut tx, &item(u, "<p>正文</p>"), status, "test").await.unwrap();
            let at = format!("2026-12-0{}T08:{:02}:00Z", 1 + k % 5, (k * 7) % 4);
            sqlx::query("UPDATE item SET updated_at = $1 WHERE item_id = $2")
                .bind(at.clone())
                .bind(id)
                .execute(&mut *tx)
                .await
                .unwrap();
            all.push((id, u, status, at));
        }
        tx.commit().await.unwrap();
        let cases =
            [(None, None), (Some(a), None), (Some(b), Some(ItemStatus::Draft)), (None, Some(ItemStatus::Published))];
        for (unit_id, status) in cases {
            let mut want: Vec<&(i64, i64, ItemStatus, String)> = all
                .iter()
                .filter(|(_, u, s, _)| unit_id.is_none_or(|x| x == *u) && status.is_none_or(|x| x == *s))
                .collect();
            want.sort_by(|x, y| (&y.3, y.0).cmp(&(&x.3, x.0)));
            let want: Vec<i64> = want.into_iter().map(|w| w.0).collect();
            assert!(!want.is_empty() && (unit_id.is_none() && status.is_none() || want.len() < all.len()));
            for limit in [100, 4] {
                let got: Vec<i64> =
                    list_staff(&db, unit_id, status, limit).await.unwrap().iter().map(|i| i.item_id).collect();
                assert_eq!(got, want[..want.len().min(limit as usize)], "{backend:?} {unit_id:?} {status:?}");
            }
            // SQLite with no statistics: every variant walks `item_staff_recent`, no sort.
            if backend == crate::db::Backend::Sqlite {
                let (sql, args) = list_staff_sql(unit_id, status);
                let mut q = sqlx::query(sqlx::AssertSqlSafe(format!("EXPLAIN QUERY PLAN {sql}")));
                bind_args!(q, args);
                let plan: Vec<String> =
                    q.bind(20i64).fetch_all(&db.pool).await.unwrap().iter().map(|r| r.get::<String, _>(3)).collect();
                let plan = plan.join("\n");
                assert!(plan.contains("item_staff_recent"), "{unit_id:?} {status:?}: {plan}");
                assert!(!plan.contains("TEMP B-TREE"), "{unit_id:?} {status:?}: {plan}");
            }
        }
        db.pool.close().await;
        drop(clean_up);
    }
}

/// The item table's indexes an import builds after its rows (`DEFERRED_INDEXES`) are the ones the
/// migrations leave, in the migrations' own words (SQLite) or by name (PostgreSQL, which keeps
/// them); put off, they are missing, and `restore_indexes` — or any later connection, as after an
/// import killed in between — builds them again, the same.
#[tokio::test(flavor = "multi_thread")]
async fn the_deferred_indexes_are_the_migrations_own_and_come_back_when_put_off() {
    let path = std::env::temp_dir().join(format!("db-test-deferred-{}.db", std::process::id()));
    for (db, clean_up) in databases("deferred").await {
        let backend = db.backend;
        let of_item = if db.is_postgres() {
            "SELECT CAST(indexname AS TEXT), CAST(indexdef AS TEXT) FROM pg_indexes WHERE tablename = 'item' \
             AND indexname NOT IN ('item_pkey', 'item_index_no_key') ORDER BY 1"
        } else {
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'item' AND sql IS NOT NULL ORDER BY 1"
        };
        let indexes = |db: Db| async move {
            sqlx::query_as::<_, (String, String)>(of_item)
                .fetch_all(&db.pool)
                .await
                .unwrap()
                .into_iter()
                .map(|(name, sql)| (name, sql.split_whitespace().collect::<Vec<_>>().join(" ")))
                .collect::<Vec<_>>()
        };
        let migrated = indexes(db.clone()).await;
        let mut ours: Vec<(String, String)> = DEFERRED_INDEXES
            .iter()
            .map(|(n, sql)| {
                (n.to_string(), sql.replace("IF NOT EXISTS ", "").split_whitespace().collect::<Vec<_>>().join(" "))
            })
            .collect();
        ours.sort();
        if db.is_postgres() {
            let names = |v: &[(String, String)]| v.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
            assert_eq!(names(&migrated), names(&ours), "{backend:?}");
            defer_indexes(&db).await.unwrap();
            assert_eq!(indexes(db.clone()).await, migrated, "{backend:?}: PostgreSQL keeps its indexes");
            assert!(restore_indexes(&db).await.unwrap().is_empty());
        } else {
            assert_eq!(migrated, ours, "{backend:?}: the list is the migrations' indexes, word for word");
            defer_indexes(&db).await.unwrap();
            assert!(indexes(db.clone()).await.is_empty(), "{backend:?}: put off");
            let mut built = restore_indexes(&db).await.unwrap();
            built.sort();
            assert_eq!(built, ours.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>());
            assert_eq!(indexes(db.clone()).await, migrated, "{backend:?}: built again, the same");
            assert!(restore_indexes(&db).await.unwrap().is_empty(), "nothing missing: nothing built");

            // Put off and the process gone: the next connection builds them.
            defer_indexes(&db).await.unwrap();
            db.pool.close().await;
            let again = Db::connect(&format!("sqlite://{}", path.display())).await.unwrap();
            assert_eq!(indexes(again.clone()).await, migrated, "{backend:?}: built on connecting");
            again.pool.close().await;
        }
        db.pool.close().await;
        drop(clean_up);
    }
}
