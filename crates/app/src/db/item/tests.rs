//! Migration 0023 against real databases (SQLite always; PostgreSQL too where
//! `GONGKAI_TEST_DATABASE_URL` names one): a public body stored once as "the draft's" reads back
//! as the draft's text everywhere the public text is read, a masked one is kept apart, and a
//! changed draft never changes what the public sees.

use super::*;
use crate::db::org::NewUnit;

/// A fresh database of each back end at hand, with its clean-up.
async fn databases(name: &str) -> Vec<(Db, Box<dyn FnOnce()>)> {
    let path = std::env::temp_dir().join(format!("item-test-{name}-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let sqlite = Db::connect(&format!("sqlite://{}", path.display())).await.unwrap();
    let mut out: Vec<(Db, Box<dyn FnOnce()>)> = vec![(sqlite, Box::new(move || drop(std::fs::remove_file(path))))];
    if let Ok(admin) = std::env::var("GONGKAI_TEST_DATABASE_URL") {
        let db_name = format!("gk_item_{name}_{}", std::process::id());
        let admin_pool = sqlx::AnyPool::connect(&admin).await.unwrap();
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {db_name}")))
            .execute(&admin_pool)
            .await
            .unwrap();
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {db_name}"))).execute(&admin_pool).await.unwrap();
        let base = admin.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap();
        let pg = Db::connect(&format!("{base}/{db_name}")).await.unwrap();
        let drop_it = move || {
            let _ = std::process::Command::new("psql")
                .args([admin.as_str(), "-q", "-c", &format!("DROP DATABASE IF EXISTS {db_name} WITH (FORCE)")])
                .output();
        };
        out.push((pg, Box::new(drop_it)));
    }
    out
}

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

#[tokio::test(flavor = "multi_thread")]
async fn a_public_body_stored_once_reads_as_the_drafts_and_a_changed_draft_leaves_it() {
    for (db, clean_up) in databases("body").await {
        let mut tx = db.begin().await.unwrap();
        let unit = NewUnit {
            name: "汝州市档案馆".into(),
            kind: "department".into(),
            credit_code: "TEST1".into(),
            parent_id: None,
            sort_order: 1,
            address: String::new(),
            postcode: String::new(),
            phone: String::new(),
            email: String::new(),
            office_hours: String::new(),
        };
        let unit_id = crate::db::org::insert_unit(&mut tx, &unit).await.unwrap();
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
        clean_up();
    }
}
