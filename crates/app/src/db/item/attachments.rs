//! The text extracted from an item's attachments at upload, its scan findings, masked copies, and
//! which files the public may download.

use super::*;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct AttachmentTextRow {
    pub attachment_id: i64,
    pub item_id: i64,
    pub filename: String,
    pub text: String,
    pub masked_text: String,
    pub findings: i64,
    pub staff_only: i64,
    pub masked_from: Option<i64>,
}

const AT_SELECT: &str =
    "SELECT t.attachment_id, t.item_id, a.filename, t.text, t.masked_text, t.findings, t.staff_only, t.masked_from
    FROM item_attachment_text t JOIN attachment a ON a.attachment_id = t.attachment_id";

#[allow(clippy::too_many_arguments)]
pub async fn insert_attachment_text(
    tx: &mut Tx<'_>,
    attachment_id: i64,
    item_id: i64,
    text: &str,
    masked_text: &str,
    findings: i64,
    masked_from: Option<i64>,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO item_attachment_text (attachment_id, item_id, text, masked_text, findings, staff_only, masked_from, created_at) VALUES ($1, $2, $3, $4, $5, 0, $6, $7)")
        .bind(attachment_id)
        .bind(item_id)
        .bind(text.to_string())
        .bind(masked_text.to_string())
        .bind(findings)
        .bind(masked_from)
        .bind(super::now_text())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn attachment_texts_tx(tx: &mut Tx<'_>, item_id: i64) -> Result<Vec<AttachmentTextRow>, sqlx::Error> {
    sqlx::query_as::<_, AttachmentTextRow>(sqlx::AssertSqlSafe(format!(
        "{AT_SELECT} WHERE t.item_id = $1 ORDER BY t.attachment_id"
    )))
    .bind(item_id)
    .fetch_all(&mut **tx)
    .await
}

pub async fn attachment_texts(db: &Db, item_id: i64) -> Result<Vec<AttachmentTextRow>, sqlx::Error> {
    sqlx::query_as::<_, AttachmentTextRow>(sqlx::AssertSqlSafe(format!(
        "{AT_SELECT} WHERE t.item_id = $1 ORDER BY t.attachment_id"
    )))
    .bind(item_id)
    .fetch_all(&db.pool)
    .await
}

pub async fn attachment_text_tx(tx: &mut Tx<'_>, attachment_id: i64) -> Result<Option<AttachmentTextRow>, sqlx::Error> {
    sqlx::query_as::<_, AttachmentTextRow>(sqlx::AssertSqlSafe(format!("{AT_SELECT} WHERE t.attachment_id = $1")))
        .bind(attachment_id)
        .fetch_optional(&mut **tx)
        .await
}

pub async fn set_attachment_staff_only(tx: &mut Tx<'_>, attachment_id: i64) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query("UPDATE item_attachment_text SET staff_only = 1 WHERE attachment_id = $1")
        .bind(attachment_id)
        .execute(&mut **tx)
        .await?
        .rows_affected())
}

/// Attachments of the item that the public may not have (originals holding personal data).
/// The attachments of an item the public may have: those whose text holds personal data stay with
/// staff (their masked copies are listed instead).
/// An item's files with neither extracted text nor a reviewer's confirmation: not scanned
/// (id, filename). One query for a pool or a transaction.
pub async fn unscanned_attachments<'e, E>(ex: E, item_id: i64) -> Result<Vec<(i64, String)>, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let rows = sqlx::query(
        "SELECT a.attachment_id, a.filename FROM attachment a
         LEFT JOIN item_attachment_text t ON t.attachment_id = a.attachment_id
         LEFT JOIN attachment_review r ON r.attachment_id = a.attachment_id
         WHERE a.owner_type = 'item' AND a.owner_id = $1 AND t.attachment_id IS NULL AND r.attachment_id IS NULL
         ORDER BY a.attachment_id",
    )
    .bind(item_id)
    .fetch_all(ex)
    .await?;
    rows.into_iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).collect()
}

pub async fn confirm_unreadable(
    tx: &mut Tx<'_>,
    attachment_id: i64,
    reviewer: &str,
    reason: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO attachment_review (attachment_id, reviewer, reason, reviewed_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (attachment_id) DO NOTHING",
    )
    .bind(attachment_id)
    .bind(reviewer.to_string())
    .bind(reason.to_string())
    .bind(super::now_text())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn public_attachments(
    db: &Db,
    item_id: i64,
) -> Result<Vec<crate::db::application::AttachmentMeta>, sqlx::Error> {
    sqlx::query_as::<_, crate::db::application::AttachmentMeta>(
        "SELECT a.attachment_id, a.owner_type, a.owner_id, a.filename, a.content_type, a.size_bytes, a.sha256
         FROM attachment a
         WHERE a.owner_type = 'item' AND a.owner_id = $1
           AND NOT EXISTS (SELECT 1 FROM item_attachment_text t WHERE t.attachment_id = a.attachment_id AND t.staff_only = 1)
           AND (EXISTS (SELECT 1 FROM item_attachment_text t WHERE t.attachment_id = a.attachment_id)
                OR EXISTS (SELECT 1 FROM attachment_review r WHERE r.attachment_id = a.attachment_id))
         ORDER BY a.attachment_id",
    )
    .bind(item_id)
    .fetch_all(&db.pool)
    .await
}

/// The masked text of the public attachments of these items, for the search index.
pub async fn public_attachment_texts(db: &Db, item_ids: &[i64]) -> Result<Vec<(i64, String)>, sqlx::Error> {
    let mut out = vec![];
    for chunk in item_ids.chunks(200) {
        let list = chunk.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(",");
        let rows: Vec<(i64, String)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT item_id, masked_text FROM item_attachment_text WHERE staff_only = 0 AND item_id IN ({list}) ORDER BY attachment_id"
        )))
        .fetch_all(&db.pool)
        .await?;
        out.extend(rows);
    }
    Ok(out)
}
