//! Keeping the index up to the change feed: the server's follower, and the catch-up of a writer
//! alone on the index (the import).

use std::collections::BTreeSet;
use std::sync::Arc;

use super::SearchIndex;
use crate::db::{self, Db};

/// Follow the change feed: every ~300 ms read the `item` entries after the position (and a
/// window of 200 before it, since on PostgreSQL a sequence value can commit after a higher one)
/// and reindex the items they name. Runs for the life of the server.
pub async fn follow(db: Db, index: Arc<SearchIndex>) {
    let mut pos = match index.position() {
        Some(p) => p,
        None => match index.rebuild(&db, |_, _| {}).await {
            Ok(n) => {
                tracing::info!(items = n, "search index built");
                index.position().unwrap_or(0)
            }
            Err(e) => {
                tracing::error!(error = %format!("{e:#}"), "search index build failed");
                0
            }
        },
    };
    let mut seen: BTreeSet<i64> = BTreeSet::new();
    loop {
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let from = (pos - 200).max(0);
        let entries = match db::audit::feed_since(&db, from, 2000).await {
            Ok(e) => e,
            Err(e) => {
                tracing::warn!(error = %e, "search: change feed unreadable");
                continue;
            }
        };
        let fresh: Vec<_> = entries.iter().filter(|e| !seen.contains(&e.seq)).collect();
        if fresh.is_empty() {
            continue;
        }
        let new_pos = fresh.iter().map(|e| e.seq).max().unwrap_or(pos).max(pos);
        let result = apply_entries(&db, &index, &fresh, new_pos).await;
        match result {
            Ok(()) => {
                seen.extend(fresh.iter().map(|e| e.seq));
                pos = new_pos;
                let floor = pos - 200;
                seen = seen.split_off(&floor);
            }
            Err(e) => tracing::warn!(error = %format!("{e:#}"), "search: reindex failed, will retry"),
        }
    }
}

/// Reindex what these feed entries name (items and interpretations), committing at `new_pos`.
pub(super) async fn apply_entries(
    db: &Db,
    index: &Arc<SearchIndex>,
    entries: &[&db::audit::FeedRow],
    new_pos: i64,
) -> anyhow::Result<()> {
    let of = |kind: &str| -> Vec<i64> {
        let mut v: Vec<i64> =
            entries.iter().filter(|e| e.object_type == kind).filter_map(|e| e.object_id.parse().ok()).collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let (ids, interp_ids) = (of("item"), of("interpretation"));
    let rows = db::item::index_rows(db, &ids).await?;
    let attachments = db::item::public_attachment_texts(db, &ids).await?;
    let mut interps = vec![];
    for id in &interp_ids {
        interps.extend(db::interaction::interpretation(db, *id).await?);
    }
    let index = index.clone();
    tokio::task::spawn_blocking(move || index.apply_all(&ids, &rows, &attachments, &interp_ids, &interps, new_pos))
        .await??;
    Ok(())
}
