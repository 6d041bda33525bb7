//! The 政府信息公开目录 of each unit: made on first use, ordered as a tree, columns renamed and added.

use super::*;

/// Make sure a unit has its 政府信息公开目录 (the standard tree); returns nothing new if it has one.
pub async fn ensure_catalog(tx: &mut Tx<'_>, unit_id: i64) -> Result<()> {
    if db::item::count_nodes_tx(tx, unit_id).await? > 0 {
        return Ok(());
    }
    let mut stack: Vec<(Option<i64>, &gongkai_domain::disclosure::CatalogNodeSpec, i64)> = vec![];
    let specs = standard_catalog();
    for (i, s) in specs.iter().enumerate().rev() {
        stack.push((None, s, i as i64));
    }
    while let Some((parent, spec, order)) = stack.pop() {
        let class = serde_json::to_value(spec.update_class)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let id = db::item::insert_node(tx, unit_id, parent, &spec.code, &spec.title, &class, order).await?;
        for (i, c) in spec.children.iter().enumerate().rev() {
            stack.push((Some(id), c, i as i64));
        }
    }
    Ok(())
}

/// A unit's catalog nodes (created from the standard tree on first use), with their depth, in
/// tree order.
pub async fn catalog(db: &Db, unit_id: i64) -> Result<Vec<(db::item::CatalogNodeRow, usize)>> {
    let mut nodes = db::item::nodes_of_unit(db, unit_id).await?;
    if nodes.is_empty() {
        let mut tx = db.begin().await?;
        ensure_catalog(&mut tx, unit_id).await?;
        tx.commit().await?;
        nodes = db::item::nodes_of_unit(db, unit_id).await?;
    }
    Ok(tree_order(nodes))
}

/// Nodes in depth-first order with their depth (children after their parent, by sort order).
pub fn tree_order(nodes: Vec<db::item::CatalogNodeRow>) -> Vec<(db::item::CatalogNodeRow, usize)> {
    let mut out = Vec::with_capacity(nodes.len());
    fn walk(
        nodes: &[db::item::CatalogNodeRow],
        parent: Option<i64>,
        depth: usize,
        out: &mut Vec<(db::item::CatalogNodeRow, usize)>,
    ) {
        let mut kids: Vec<&db::item::CatalogNodeRow> = nodes.iter().filter(|n| n.parent_id == parent).collect();
        kids.sort_by_key(|n| (n.sort_order, n.catalog_node_id));
        for k in kids {
            out.push((k.clone(), depth));
            walk(nodes, Some(k.catalog_node_id), depth + 1, out);
        }
    }
    walk(&nodes, None, 0, &mut out);
    out
}

/// The office renames a catalog node (admin-editable trees).
pub async fn rename_node(db: &Db, actor: &Actor, node_id: i64, title: &str) -> Result<()> {
    let title = title.trim();
    if title.is_empty() || title.chars().count() > 100 {
        return Err(AppError::Invalid(vec![FieldError::new("title", "栏目名称不能为空，不超过100字")]));
    }
    let mut tx = db.begin().await?;
    let node = db::item::get_node_tx(&mut tx, node_id).await?.ok_or(AppError::NotFound)?;
    if !actor.is_office() && !actor.may_approve_for(node.unit_id) {
        return Err(AppError::Forbidden);
    }
    db::item::update_node_title(&mut tx, node_id, title).await?;
    db::audit::record(
        &mut tx,
        actor,
        "catalog.rename",
        "catalog_node",
        &node_id.to_string(),
        Some(&serde_json::json!({"title": node.title})),
        Some(&serde_json::json!({"title": title})),
    )
    .await?;
    db::audit::feed(&mut tx, "catalog.changed", "catalog_node", &node_id.to_string(), Some(node.unit_id)).await?;
    tx.commit().await?;
    Ok(())
}

/// The office (or the unit's reviewer) adds a sub-column under a node.
/// A sub-column takes its parent's update class (a 动态 column's sub-columns are 动态 too) unless
/// another is chosen.
pub async fn add_node(db: &Db, actor: &Actor, parent_id: i64, title: &str, update_class: Option<&str>) -> Result<i64> {
    let title = title.trim();
    if title.is_empty() || title.chars().count() > 100 {
        return Err(AppError::Invalid(vec![FieldError::new("title", "栏目名称不能为空，不超过100字")]));
    }
    let chosen = update_class.map(str::trim).filter(|c| !c.is_empty());
    if let Some(c) = chosen
        && serde_json::from_value::<gongkai_domain::disclosure::UpdateClass>(serde_json::Value::String(c.to_string()))
            .is_err()
    {
        return Err(AppError::Invalid(vec![FieldError::new("update_class", "请选择栏目的更新要求")]));
    }
    let mut tx = db.begin().await?;
    let parent = db::item::get_node_tx(&mut tx, parent_id).await?.ok_or(AppError::NotFound)?;
    if !actor.is_office() && !actor.may_approve_for(parent.unit_id) {
        return Err(AppError::Forbidden);
    }
    let code = format!("custom_{}", &crate::flows::auth::random_token()[..10]);
    let class = chosen.unwrap_or(&parent.update_class).to_string();
    let id = db::item::insert_node(&mut tx, parent.unit_id, Some(parent_id), &code, title, &class, 1000).await?;
    db::audit::record(
        &mut tx,
        actor,
        "catalog.add",
        "catalog_node",
        &id.to_string(),
        None,
        Some(&serde_json::json!({"parent": parent_id, "title": title, "code": code, "update_class": class})),
    )
    .await?;
    db::audit::feed(&mut tx, "catalog.changed", "catalog_node", &id.to_string(), Some(parent.unit_id)).await?;
    tx.commit().await?;
    Ok(id)
}
