//! What the portal and the staff pages read of the disclosure records. Public reads see only
//! published (or expired) items; anything else is "not found".

use super::*;
pub use crate::db::application::AttachmentMeta;
pub use crate::db::item::{AttachmentTextRow, CatalogNodeRow, ItemBrief, PublicFilter, PublicItemRow};

/// A published (or expired) item, its masked text only, or not found.
pub async fn public_item(db: &Db, item_id: i64) -> Result<PublicItemRow> {
    db::item::public_item(db, item_id).await?.filter(|r| r.status.is_public()).ok_or(AppError::NotFound)
}

/// The files of an item the public may download (masked copies in place of originals).
pub async fn public_attachments(db: &Db, item_id: i64) -> Result<Vec<AttachmentMeta>> {
    Ok(db::item::public_attachments(db, item_id).await?)
}

/// The files the public may download of an item read for its page: not asked for when the item
/// has no file at all (most items: one query an item page instead of two).
pub async fn public_attachments_of(db: &Db, item: &PublicItemRow) -> Result<Vec<AttachmentMeta>> {
    if item.has_files == 0 {
        return Ok(vec![]);
    }
    public_attachments(db, item.item_id).await
}

/// A stored file and its bytes, or not found (the caller decides who may have it).
pub async fn attachment_content(db: &Db, attachment_id: i64) -> Result<(AttachmentMeta, Vec<u8>)> {
    db::application::attachment_content(db, attachment_id).await?.ok_or(AppError::NotFound)
}

/// The files of an item (staff view).
pub async fn item_attachments(db: &Db, item_id: i64) -> Result<Vec<AttachmentMeta>> {
    Ok(db::application::attachments(db, "item", item_id).await?)
}

/// What the scanner read from each file of an item (staff view).
pub async fn attachment_texts(db: &Db, item_id: i64) -> Result<Vec<AttachmentTextRow>> {
    Ok(db::item::attachment_texts(db, item_id).await?)
}

/// How many public items match a filter, and one page of them, newest first.
pub async fn page_public(db: &Db, f: &PublicFilter, limit: i64, offset: i64) -> Result<(i64, Vec<ItemBrief>)> {
    Ok(db::item::page_public(db, f, limit, offset).await?)
}

/// How many items are public in all.
pub async fn count_public_items(db: &Db) -> Result<i64> {
    Ok(db::item::count_public(db).await?)
}

/// One page of public items matching a filter, newest first.
pub async fn list_public(db: &Db, f: &PublicFilter, limit: i64, offset: i64) -> Result<Vec<ItemBrief>> {
    Ok(db::item::list_public(db, f, limit, offset).await?)
}

/// Public items after a cursor (the last id seen), oldest first: the open-data API's pages.
pub async fn public_after(
    db: &Db,
    unit_id: Option<i64>,
    node_id: Option<i64>,
    year: Option<i32>,
    after: i64,
    limit: i64,
) -> Result<Vec<ItemBrief>> {
    Ok(db::item::open_data::public_after(db, unit_id, node_id, year, after, limit).await?)
}

/// Staff lists: a unit's items (or all for the office), optionally of one status.
pub async fn list_staff(
    db: &Db,
    unit_id: Option<i64>,
    status: Option<ItemStatus>,
    limit: i64,
) -> Result<Vec<ItemBrief>> {
    Ok(db::item::list_staff(db, unit_id, status, limit).await?)
}

/// A catalog node, or not found.
pub async fn node(db: &Db, node_id: i64) -> Result<CatalogNodeRow> {
    db::item::get_node(db, node_id).await?.ok_or(AppError::NotFound)
}

/// The unit a catalog node belongs to (0 where there is no such node).
pub async fn unit_of_node(db: &Db, node_id: i64) -> Result<i64> {
    Ok(db::item::get_node(db, node_id).await?.map(|n| n.unit_id).unwrap_or_default())
}

/// Every node of a unit's catalog.
pub async fn nodes_of_unit(db: &Db, unit_id: i64) -> Result<Vec<CatalogNodeRow>> {
    Ok(db::item::nodes_of_unit(db, unit_id).await?)
}

/// Public items per catalog node of a unit: (node, count).
pub async fn public_counts_by_node(db: &Db, unit_id: i64) -> Result<Vec<(i64, i64)>> {
    Ok(db::item::public_counts_by_node(db, unit_id).await?)
}

/// (item, last change) of the newest public items, for the sitemap.
pub async fn sitemap_entries(db: &Db, limit: i64) -> Result<Vec<(i64, String)>> {
    Ok(db::item::sitemap_entries(db, limit).await?)
}
