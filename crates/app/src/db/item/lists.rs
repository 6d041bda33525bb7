//! The item lists a page shows: the public's (newest first, by unit, column or column code) and
//! the staff's (last changed first), each statement holding only the filters set so that it reads
//! its index in order and stops at the page (migrations 0024 and 0025).

use gongkai_domain::disclosure::ItemStatus;
use sqlx::Row;

use super::{BRIEF_SELECT, ItemBrief};
use crate::db::{Arg, Db, mark};

/// Staff lists: a unit's items (or all for the office), optionally one status, last changed first.
pub async fn list_staff(
    db: &Db,
    unit_id: Option<i64>,
    status: Option<ItemStatus>,
    limit: i64,
) -> Result<Vec<ItemBrief>, sqlx::Error> {
    let (sql, args) = list_staff_sql(unit_id, status);
    let mut q = sqlx::query_as::<_, ItemBrief>(sqlx::AssertSqlSafe(sql));
    bind_args!(q, args);
    q.bind(limit).fetch_all(&db.pool).await
}

/// [`list_staff`]'s statement and values but for the limit (the next mark). Only the filters set,
/// so nothing hides the order's index (`item_staff_recent`, migration 0025): it walks the items
/// last changed first and tests the unit and the status from the index; `+` and `|| ''` (the same
/// value, an expression no index holds) keep SQLite from reading a unit's items through
/// `item_unit_status` instead and sorting them all (the office's list of 1,000,000 items took 3.8 s
/// sorted, in the sqlite3 shell).
pub(super) fn list_staff_sql(unit_id: Option<i64>, status: Option<ItemStatus>) -> (String, Vec<Arg>) {
    let mut terms = vec!["1 = 1".to_string()];
    let mut args = vec![];
    if let Some(u) = unit_id {
        terms.push(format!("+i.unit_id = {}", mark(&mut args, Arg::Int(u))));
    }
    if let Some(s) = status {
        terms.push(format!("i.status || '' = {}", mark(&mut args, Arg::Text(s.code().to_string()))));
    }
    let sql = format!(
        "{BRIEF_SELECT} WHERE {} ORDER BY i.updated_at DESC, i.item_id DESC LIMIT ${}",
        terms.join(" AND "),
        args.len() + 1
    );
    (sql, args)
}

/// Public lists, newest first: optionally one unit, one node, one node code (across units).
#[derive(Debug, Clone, Default)]
pub struct PublicFilter {
    pub unit_id: Option<i64>,
    pub node_id: Option<i64>,
    pub node_code: Option<String>,
    /// Codes starting with any of these (the special column: its sub-columns "basic…" and its
    /// areas "area_…", one list).
    pub node_code_prefixes: Vec<String>,
}

/// The terms of a public list's `WHERE` over `item i`: only those its filter sets, numbered from
/// `$1`, with their values in order. One statement per set of filters, not `($1 IS NULL OR …)`
/// for all: so the planner reads each list from its own index in order — the newest public items
/// (`item_public_newest`), a unit's (`item_public_unit`), a column's (`item_public_node`),
/// migration 0024 — and stops at the page, instead of sorting every public item for it. The
/// column-code filters pick the columns first (a code names one column in each unit's catalog).
fn public_where(f: &PublicFilter, walk_newest: bool) -> (String, Vec<Arg>) {
    let (mut terms, mut args) = public_terms_but_code(f, "i.unit_id");
    // A code names a column in many units: the columns are picked first. To walk the newest,
    // the `+` keeps SQLite from reading the list through those columns' index (`item_public_node`,
    // then sorting all their items: 43 ms for a page of the busiest code of 100,000 items in the
    // sqlite3 shell) and has it test each newest item's column from the index (0.3 ms).
    let column = if walk_newest { "+i.catalog_node_id" } else { "i.catalog_node_id" };
    if let Some(columns) = code_columns(f, &mut args) {
        terms.push(format!("{column} IN (SELECT catalog_node_id FROM catalog_node WHERE {columns})"));
    }
    (terms.join(" AND "), args)
}

/// The terms over `item i` of all but the column-code filters, marked from `$1`; `unit` is how
/// the unit's term names the column (`+i.unit_id` keeps SQLite off the unit's index).
fn public_terms_but_code(f: &PublicFilter, unit: &str) -> (Vec<String>, Vec<Arg>) {
    let mut terms = vec!["i.status IN ('published', 'expired')".to_string()];
    let mut args = vec![];
    if let Some(u) = f.unit_id {
        terms.push(format!("{unit} = {}", mark(&mut args, Arg::Int(u))));
    }
    if let Some(node) = f.node_id {
        terms.push(format!("i.catalog_node_id = {}", mark(&mut args, Arg::Int(node))));
    }
    (terms, args)
}

/// The condition over `catalog_node` of the columns a filter's code or prefixes name (marked
/// after `args`), or `None` when it names no code.
fn code_columns(f: &PublicFilter, args: &mut Vec<Arg>) -> Option<String> {
    let mut conds = vec![];
    if let Some(code) = &f.node_code {
        conds.push(format!("code = {}", mark(args, Arg::Text(code.clone()))));
    }
    if !f.node_code_prefixes.is_empty() {
        let likes: Vec<String> = f
            .node_code_prefixes
            .iter()
            .map(|p| {
                let escaped = p.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
                format!("code LIKE {} ESCAPE '\\'", mark(args, Arg::Text(format!("{escaped}%"))))
            })
            .collect();
        conds.push(format!("({})", likes.join(" OR ")));
    }
    (!conds.is_empty()).then(|| conds.join(" AND "))
}

/// A public list's count: its statement and values. A column code's items are counted column by
/// column (a count of each column's public items from `item_public_node`, summed over the
/// code's columns): given all the columns at once, PostgreSQL hashed them and read the whole
/// table — the special column's 4,464 columns of a million items, none with an item, took
/// 340–430 ms (BENCHMARKS.md, "eleventh steps"). A unit with a code is tested from the column's
/// index too (else SQLite read the unit's items once for each of the code's columns).
pub(super) fn count_public_sql(f: &PublicFilter) -> (String, Vec<Arg>) {
    let unit = if by_code(f) { "+i.unit_id" } else { "i.unit_id" };
    let (mut terms, mut args) = public_terms_but_code(f, unit);
    let Some(columns) = code_columns(f, &mut args) else {
        return (format!("SELECT COUNT(*) FROM item i WHERE {}", terms.join(" AND ")), args);
    };
    terms.push("i.catalog_node_id = n.catalog_node_id".into());
    let inner = terms.join(" AND ");
    let sql = format!(
        "SELECT CAST(COALESCE(SUM((SELECT COUNT(*) FROM item i WHERE {inner})), 0) AS BIGINT) \
         FROM catalog_node n WHERE {columns}"
    );
    (sql, args)
}

/// The statement of a public list and its values, but for the page's limit and offset (the next
/// two marks). `walk_newest`: a column-code filter tests each newest item in turn instead of
/// reading the code's columns and sorting their items (what the plan test reads, both ways).
pub(super) fn list_public_sql(f: &PublicFilter, walk_newest: bool) -> (String, Vec<Arg>) {
    let (terms, args) = public_where(f, walk_newest);
    let n = args.len();
    let sql = format!(
        "{BRIEF_SELECT} WHERE {terms} ORDER BY i.published_on DESC, i.item_id DESC LIMIT ${} OFFSET ${}",
        n + 1,
        n + 2
    );
    (sql, args)
}

/// Up to this many items under a column code are read through their columns and sorted; more
/// are found by walking the newest (a page of a busy code is near the top; a rare code's items
/// are far apart: the special column, with no items, walked all 1,000,000 — 71.9 ms a page).
const SORT_CODE_ITEMS_UP_TO: i64 = 2_000;

pub async fn list_public(db: &Db, f: &PublicFilter, limit: i64, offset: i64) -> Result<Vec<ItemBrief>, sqlx::Error> {
    if !by_code(f) {
        return list_public_by(db, f, limit, offset, false).await;
    }
    Ok(page_public(db, f, limit, offset).await?.1)
}

/// How many public items a filter selects, and one page of them (a column code's way of listing
/// is chosen by that count; past it, no list is run).
pub async fn page_public(
    db: &Db,
    f: &PublicFilter,
    limit: i64,
    offset: i64,
) -> Result<(i64, Vec<ItemBrief>), sqlx::Error> {
    let total = count_public_filtered(db, f).await?;
    if total <= offset {
        return Ok((total, vec![]));
    }
    let walk_newest = by_code(f) && total > SORT_CODE_ITEMS_UP_TO;
    Ok((total, list_public_by(db, f, limit, offset, walk_newest).await?))
}

fn by_code(f: &PublicFilter) -> bool {
    f.node_code.is_some() || !f.node_code_prefixes.is_empty()
}

pub(super) async fn list_public_by(
    db: &Db,
    f: &PublicFilter,
    limit: i64,
    offset: i64,
    walk_newest: bool,
) -> Result<Vec<ItemBrief>, sqlx::Error> {
    let (sql, args) = list_public_sql(f, walk_newest);
    let mut q = sqlx::query_as::<_, ItemBrief>(sqlx::AssertSqlSafe(sql));
    bind_args!(q, args);
    q.bind(limit).bind(offset).fetch_all(&db.pool).await
}

pub async fn count_public_filtered(db: &Db, f: &PublicFilter) -> Result<i64, sqlx::Error> {
    let (sql, args) = count_public_sql(f);
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    bind_args!(q, args);
    q.fetch_one(&db.pool).await?.try_get(0)
}
