//! The legacy-items import (`gongkai import items`): a JSONL export of the portal a county had,
//! checked line by line (`domain::disclosure::legacy`), published as items with their attachments.
//!
//! It streams: the file is read a batch at a time (memory does not grow with the file), the lines
//! of a batch are checked on every core while the batch before is written, SQLite takes a batch a
//! transaction, and — when no server holds this data dir's search index — the index is written as
//! the import goes (otherwise the running server indexes from the change feed), on a thread of its
//! own that the other stages yield the cores to (`search::priority`); then, alone with a SQLite
//! database it grows by a quarter or more, it builds the item table's indexes after the rows
//! (`defers_indexes`), while the search index catches up with them (`INDEX_QUEUE`). Killed and
//! run again, it continues: what is stored (same 索引号) is skipped, the index catches up from the
//! feed, and any connection builds the indexes a kill left missing.

use std::collections::HashMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use gongkai_domain::calendar::Calendar;
use gongkai_domain::disclosure::{Art20Category, Validity, legacy};

use crate::db::item::IndexRow;
use crate::db::{self, Db, org::NewUnit};
use crate::flows::Actor;
use crate::search::{SearchIndex, priority};

/// Lines a transaction (and a batch through the pipeline).
const BATCH: usize = 1000;
/// Items between two commits of the search index (a commit writes its segments out).
const INDEX_COMMIT_EVERY: usize = 50_000;
/// Batches stored and not yet indexed that SQLite's writer may run ahead of the index by: ids
/// only (8 KB a batch), so a whole million-item file fits. The index is the slower stage; with
/// the rows written early, the item table's deferred indexes are built while it catches up
/// instead of after it (BENCHMARKS.md, "thirteenth steps").
const INDEX_QUEUE: usize = 1024;
/// Bad lines listed by number; past this they are counted.
const BAD_LISTED: usize = 10_000;

#[derive(Debug, Default)]
pub struct ImportReport {
    pub imported: usize,
    pub skipped: usize,
    pub bad: Vec<(usize, String)>,
    /// Bad lines beyond the first `BAD_LISTED`, counted only.
    pub bad_unlisted: usize,
    pub new_units: Vec<String>,
    /// Files kept from the public, by line: personal data found, or no readable text.
    pub held: Vec<(usize, String)>,
    /// Whether the import wrote the search index itself (else the running server does, from the feed).
    pub indexed: bool,
    /// When the item table's indexes were built after the rows (`defers_indexes`): how long that took.
    pub indexes_built_after: Option<std::time::Duration>,
}

impl ImportReport {
    pub fn bad_lines(&self) -> usize {
        self.bad.len() + self.bad_unlisted
    }

    fn bad_line(&mut self, line: usize, msg: String) {
        if self.bad.len() < BAD_LISTED {
            self.bad.push((line, msg));
        } else {
            self.bad_unlisted += 1;
        }
    }
}

/// A checked line, ready to store: the item, its publication (masked text and 保密审查) and files.
struct Ready {
    line: usize,
    publisher: String,
    index_unit_code: Option<String>,
    category: String,
    art20: Option<Art20Category>,
    item: super::DirectItem,
    publication: db::item::Publication,
    files: Vec<(String, Vec<u8>)>,
}

/// A batch of the file: its lines checked, and how far into the file it reaches (bytes).
struct Batch {
    lines: Vec<Result<Ready, (usize, String)>>,
    read_to: u64,
}

fn check_line(n: usize, raw: &str, base: &Path, calendar: &Calendar, actor: &Actor) -> Result<Ready, String> {
    let l = legacy::parse_line(raw)?;
    let (validity, validity_end) = match l.validity {
        Validity::Effective { .. } => ("effective", String::new()),
        Validity::Lapsed { on } => ("lapsed", on.to_string()),
        Validity::Repealed { on } => ("repealed", on.to_string()),
    };
    let written = Some(l.written.clone()).filter(|w| !w.trim().is_empty());
    let form = super::ItemForm {
        title: l.title.clone(),
        summary: l.summary.clone(),
        body: l.body.clone(),
        doc_no: l.doc_no.clone(),
        art20: l.art20.map(|c| c.code().to_string()).unwrap_or_default(),
        genre: String::new(),
        subject: String::new(),
        validity: validity.into(),
        validity_end,
        formed_on: written.clone().unwrap_or_else(|| l.published.to_string()),
        written_on: written.unwrap_or_default(),
        ch_website: Some("1".into()),
        ..Default::default()
    };
    // Legacy items were published already: the 20-working-day clock is not re-run on import.
    let (_, mut row) = super::validate(&form, 0, calendar)
        .map_err(|errs| errs.into_iter().map(|e| e.message).collect::<Vec<_>>().join("；"))?;
    row.due_on = l.published.to_string();
    let mut files = vec![];
    for a in &l.attachments {
        // `a.path` is checked by the domain to stay inside the import file's folder.
        let full = base.join(&a.path);
        let bytes = std::fs::read(&full).map_err(|e| format!("附件 {} 无法读取：{e}", full.display()))?;
        super::check_file(&a.name, &bytes)?;
        files.push((a.name.clone(), bytes));
    }
    let item = super::DirectItem { row, index_no: Some(l.index_no.clone()), published_on: l.published };
    let publication = super::direct_publication(actor, &item, l.index_no).map_err(|e| e.to_string())?;
    Ok(Ready {
        line: n,
        publisher: l.publisher,
        index_unit_code: l.index_unit_code,
        category: l.category,
        art20: l.art20,
        item,
        publication,
        files,
    })
}

/// Read `input` a batch at a time and check each batch's lines on all cores, in order; send each
/// batch on. Runs on its own thread; stops early when the receiver is gone.
fn read_batches(
    mut input: impl BufRead,
    base: PathBuf,
    actor: Actor,
    out: tokio::sync::mpsc::Sender<Batch>,
) -> std::io::Result<()> {
    let calendar = Calendar::builtin();
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let (mut n, mut read_to) = (0usize, 0u64);
    let mut buf = Vec::new();
    loop {
        let mut raw: Vec<(usize, Result<String, String>)> = Vec::with_capacity(BATCH);
        while raw.len() < BATCH {
            buf.clear();
            let got = input.read_until(b'\n', &mut buf)?;
            if got == 0 {
                break;
            }
            n += 1;
            read_to += got as u64;
            match String::from_utf8(std::mem::take(&mut buf)) {
                Ok(line) if line.trim().is_empty() => {}
                Ok(line) => raw.push((n, Ok(line))),
                Err(_) => raw.push((n, Err("不是UTF-8编码的文字：请以UTF-8保存导入文件".into()))),
            }
        }
        if raw.is_empty() {
            return Ok(());
        }
        let part = raw.len().div_ceil(workers);
        let lines = std::thread::scope(|s| {
            let handles: Vec<_> = raw
                .chunks(part)
                .map(|chunk| {
                    let (base, calendar, actor) = (&base, &calendar, &actor);
                    s.spawn(move || {
                        chunk
                            .iter()
                            .map(|(n, line)| match line {
                                Ok(line) => check_line(*n, line, base, calendar, actor).map_err(|e| (*n, e)),
                                Err(e) => Err((*n, e.clone())),
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles.into_iter().flat_map(|h| h.join().expect("checking a line never panics")).collect()
        });
        if out.blocking_send(Batch { lines, read_to }).is_err() {
            return Ok(());
        }
    }
}

/// The lines the whole input holds, reckoned from its first batch's bytes a line.
fn lines_expected(size: u64, first: &Batch) -> u64 {
    size.saturating_mul(first.lines.len() as u64) / first.read_to.max(1)
}

/// Whether an import of about `lines` lines into an item table whose ids reach `stored` builds
/// the table's indexes after its rows instead of with each: when it adds at least a quarter of
/// what is there. Written row by row, an index takes each item at a random leaf; at a million
/// items SQLite spent 3.3× as long on the rows with the indexes as without (BENCHMARKS.md,
/// "eleventh steps"), while building them from the rows is one sort of every item, old and new,
/// whatever the import adds (twelfth steps).
fn defers_indexes(stored: i64, lines: u64) -> bool {
    lines.saturating_mul(4) >= u64::try_from(stored).unwrap_or(0)
}

/// Where an Art. 20 item sits in the standard catalog.
fn node_code_for(a: Art20Category) -> &'static str {
    use Art20Category::*;
    match a {
        AdministrativeRegulation | Rule => "policy_rules",
        NormativeDocument => "policy_normative",
        Organization => "organization",
        Plan => "planning",
        Statistics => "statistics",
        Permit | OtherManagementService => "enforcement_permits",
        Penalty => "enforcement_penalties",
        Enforcement => "enforcement_coercion",
        Budget => "finance_budget",
        Fee => "finance_fees",
        Procurement => "finance_procurement",
        MajorProject => "key_projects",
        Livelihood => "key_livelihood",
        Emergency => "key_emergency",
        SupervisionInspection => "key_inspection",
        CivilServiceRecruitment => "key_recruitment",
        Other => "notices",
    }
}

/// Import the legacy items of a JSONL export (one item a line, `domain::disclosure::legacy`) as
/// published items, `BATCH` lines a transaction; a line already present (same 索引号) is skipped,
/// a 索引号 repeated in the file and a bad line are reported with their number. `size` is the
/// input's length in bytes; `progress(bytes done, size)` is told after each batch. With `index`
/// (this data dir's search index, its writer free) the items are indexed as they are stored.
/// SQLite's writer connection is set for bulk writes (`Db::set_for_bulk_writes`) for the rest of
/// the process: an import's process ends after it.
pub async fn import_items(
    db: &Db,
    index: Option<Arc<SearchIndex>>,
    input: impl BufRead + Send + 'static,
    size: u64,
    base: &Path,
    progress: &mut dyn FnMut(u64, u64),
) -> anyhow::Result<ImportReport> {
    db.set_for_bulk_writes().await?;
    let actor = &Actor::system("import");
    // Items up to here were there before this run: a 索引号 found above it repeats one of the file.
    let before = db::item::max_item_id(db).await?;
    let mut report = ImportReport { indexed: index.is_some(), ..Default::default() };
    if let Some(index) = &index {
        index.catch_up(db).await?;
    }
    let (indexer, mut indexer_done, mut index_writer) = match index {
        Some(index) => {
            let (tx, rx) = tokio::sync::mpsc::channel::<(Vec<i64>, i64)>(INDEX_QUEUE);
            // The writer's thread first, at the priority it keeps; then every other thread yields.
            let (work, writer) = spawn_index_writer(index)?;
            // Only the speed depends on it: where the threads cannot be listed, import at the same priority.
            if let Err(e) = priority::favour_the_index_writer() {
                tracing::warn!(error = %e, "the import's threads keep their priority");
            }
            (Some(tx), Some(tokio::spawn(index_batches(db.clone(), rx, work))), Some(writer))
        }
        None => (None, None, None),
    };
    let (batches_tx, mut batches) = tokio::sync::mpsc::channel::<Batch>(4);
    let reader = {
        let (base, actor) = (base.to_path_buf(), actor.clone());
        std::thread::spawn(move || read_batches(input, base, actor, batches_tx))
    };
    // Per import, not per line: each unit's catalog is made once, each column looked up once.
    let mut catalogs: std::collections::HashSet<i64> = Default::default();
    let mut nodes: HashMap<(i64, String), Option<i64>> = HashMap::new();
    let mut units: HashMap<String, (i64, String)> =
        db::org::list_units(db).await?.into_iter().map(|u| (u.name.clone(), (u.unit_id, u.credit_code))).collect();
    // Holding this data dir's search index, the import has its SQLite database to itself (a server
    // would hold the index): the item table's indexes may wait for the rows.
    let mut may_defer = report.indexed && !db.is_postgres();
    while let Some(batch) = batches.recv().await {
        if std::mem::take(&mut may_defer) && defers_indexes(before, lines_expected(size, &batch)) {
            db::item::defer_indexes(db).await?;
            report.indexes_built_after = Some(Default::default());
        }
        let mut ready = vec![];
        for line in batch.lines {
            match line {
                Ok(r) => ready.push(r),
                Err((n, msg)) => report.bad_line(n, msg),
            }
        }
        // Every file's text, read outside the transaction (a slow PDF must not hold the writer).
        let mut texts: Vec<Vec<Option<String>>> = Vec::with_capacity(ready.len());
        for r in &ready {
            let mut t = Vec::with_capacity(r.files.len());
            for (name, bytes) in &r.files {
                let kind = super::check_file(name, bytes).map(|(_, k)| k).unwrap_or("application/octet-stream");
                t.push(super::extract_text(kind, name, bytes).await);
            }
            texts.push(t);
        }
        let mut texts = texts.into_iter();
        let mut stored = Vec::with_capacity(ready.len());
        let mut serials: HashMap<(i64, i64), i64> = HashMap::new();
        let mut tx = db.begin().await?;
        // The batch's 索引号 already stored, in one statement; those this batch stores join them.
        let nos: Vec<&str> = ready.iter().map(|r| r.publication.index_no.as_str()).collect();
        let mut present = db::item::items_with_index_nos(&mut tx, &nos).await?;
        // First every line's unit, column and serial; then the batch's rows in a few statements.
        let mut to_store: Vec<(Ready, Vec<Option<String>>)> = Vec::with_capacity(ready.len());
        for mut r in ready {
            let file_texts = texts.next().unwrap_or_default();
            match present.get(&r.publication.index_no).copied() {
                Some(id) if id > before => {
                    report.bad_line(r.line, format!("索引号“{}”在文件中重复", r.publication.index_no));
                    continue;
                }
                Some(_) => {
                    report.skipped += 1;
                    continue;
                }
                None => {}
            }
            let (unit_id, code) = match units.get(&r.publisher) {
                Some(u) => u.clone(),
                None => {
                    let u = new_unit(&mut tx, actor, &r.publisher, r.index_unit_code.as_deref()).await?;
                    report.new_units.push(r.publisher.clone());
                    units.insert(r.publisher.clone(), u.clone());
                    u
                }
            };
            if catalogs.insert(unit_id) {
                super::ensure_catalog(&mut tx, unit_id).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            }
            let row = &mut r.item.row;
            row.unit_id = unit_id;
            let key = (unit_id, r.art20.map(node_code_for).unwrap_or(&r.category).to_string());
            row.catalog_node_id = match nodes.get(&key) {
                Some(node) => *node,
                None => {
                    let node = db::item::node_id_by_code_or_title(&mut tx, unit_id, &key.1).await?;
                    nodes.insert(key, node);
                    node
                }
            };
            if let Some((year, serial)) = super::own_serial(&r.publication.index_no, &code) {
                let s = serials.entry((unit_id, year)).or_default();
                *s = (*s).max(serial);
            }
            // Stored by this run: a later line with the same 索引号 repeats it.
            present.insert(r.publication.index_no.clone(), i64::MAX);
            to_store.push((r, file_texts));
        }
        let lines = to_store.first().zip(to_store.last()).map(|(a, b)| (a.0.line, b.0.line)).unwrap_or_default();
        // The rows move into the statement; each line keeps its 索引号 and unit.
        let mut keys = Vec::with_capacity(to_store.len());
        let mut rows = Vec::with_capacity(to_store.len());
        for (r, _) in &mut to_store {
            keys.push((r.publication.index_no.clone(), r.item.row.unit_id));
            rows.push((std::mem::take(&mut r.item.row), std::mem::take(&mut r.publication)));
        }
        let ids = db::item::insert_published_items(&mut tx, rows, &actor.username)
            .await
            .map_err(|e| anyhow::anyhow!("第{}至{}行：{e}", lines.0, lines.1))?;
        let mut fed: Vec<(String, Option<i64>)> = Vec::with_capacity(to_store.len());
        for ((r, file_texts), (index_no, unit_id)) in to_store.into_iter().zip(keys) {
            let id =
                *ids.get(&index_no).ok_or_else(|| anyhow::anyhow!("第{}行：索引号“{index_no}”未能保存", r.line))?;
            fed.push((id.to_string(), Some(unit_id)));
            for ((name, bytes), text) in r.files.iter().zip(file_texts) {
                let (name, kind) = super::check_file(name, bytes).map_err(|e| anyhow::anyhow!(e))?;
                let sha = crate::flows::auth::hex(&<sha2::Sha256 as sha2::Digest>::digest(bytes));
                let file = db::application::insert_attachment(&mut tx, "item", id, &name, kind, &sha, bytes).await?;
                // Scanned like an upload: a file with personal data is kept from the public (staff
                // mask it); a file whose text cannot be read is not public until a reviewer has
                // checked it by hand (`unscanned_attachments`, `confirm_unreadable`).
                if let Some(text) = text {
                    let (masked, found) = gongkai_domain::privacy::mask_all(&text);
                    let findings = gongkai_domain::privacy::scan(&text).len().max(found.len());
                    db::item::insert_attachment_text(&mut tx, file, id, &text, &masked, findings as i64, None).await?;
                    if findings > 0 {
                        db::item::set_attachment_staff_only(&mut tx, file).await?;
                        report.held.push((r.line, format!("附件《{name}》含个人信息，原件不公开，请脱敏后发布")));
                    }
                } else {
                    report.held.push((r.line, format!("附件《{name}》无法提取文字，经审核人逐页核查确认后才公开")));
                }
            }
            stored.push(id);
            report.imported += 1;
        }
        db::audit::feed_many(&mut tx, "item.changed", "item", &fed).await?;
        for ((unit_id, year), serial) in serials {
            db::item::reserve_serial(&mut tx, unit_id, year, serial).await?;
        }
        db::audit::record(
            &mut tx,
            actor,
            "item.import",
            "item",
            "batch",
            None,
            Some(&serde_json::json!({"imported_so_far": report.imported, "lines_to_byte": batch.read_to})),
        )
        .await?;
        tx.commit().await?;
        if let Some(indexer) = &indexer
            && !stored.is_empty()
        {
            let seq = db::audit::max_feed_seq(db).await?;
            if indexer.send((stored, seq)).await.is_err() {
                break; // the indexer stopped: its error is reported below
            }
        }
        progress(batch.read_to, size);
    }
    drop(batches);
    reader.join().map_err(|_| anyhow::anyhow!("the import's reading thread failed"))??;
    drop(indexer);
    // The indexes put off above, built from the stored rows (a no-op when none was), while the
    // search index takes in the batches queued for it.
    let building = std::time::Instant::now();
    db::item::restore_indexes(db).await?;
    if let Some(took) = &mut report.indexes_built_after {
        *took = building.elapsed();
    }
    if let Some(done) = indexer_done.take() {
        done.await??;
    }
    if let Some(writer) = index_writer.take() {
        tokio::task::spawn_blocking(move || writer.join())
            .await?
            .map_err(|_| anyhow::anyhow!("the import's index writer thread failed"))??;
    }
    db.tidy_after_bulk_writes().await?;
    report.bad.sort();
    Ok(report)
}

/// A batch for the index writer's thread: the items (each deleted, the public ones added) and,
/// when it ends with a commit, the feed position the commit covers.
struct IndexWork {
    ids: Vec<i64>,
    rows: Vec<IndexRow>,
    attachments: Vec<(i64, String)>,
    commit_at: Option<i64>,
}

/// The thread that adds the import's documents to the index and commits them, named for
/// `search::priority` (tantivy's next indexing thread is started by a commit, so by this thread,
/// and keeps its priority). It ends when its channel closes, or at its first error.
fn spawn_index_writer(
    index: Arc<SearchIndex>,
) -> std::io::Result<(tokio::sync::mpsc::Sender<IndexWork>, std::thread::JoinHandle<anyhow::Result<()>>)> {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<IndexWork>(2);
    let writer = std::thread::Builder::new().name(priority::WRITER_THREAD.into()).spawn(move || {
        while let Some(w) = rx.blocking_recv() {
            index.add(&w.ids, &w.rows, &w.attachments)?;
            if let Some(seq) = w.commit_at {
                index.commit_at(seq)?;
            }
        }
        Ok(())
    })?;
    Ok((tx, writer))
}

/// Index the batches stored (their ids, and the feed position after them): their rows read back
/// as the index takes them, handed to the writer's thread, committed every `INDEX_COMMIT_EVERY`
/// items and at the end with that position: killed in between, the index catches up from the feed.
async fn index_batches(
    db: Db,
    mut batches: tokio::sync::mpsc::Receiver<(Vec<i64>, i64)>,
    writer: tokio::sync::mpsc::Sender<IndexWork>,
) -> anyhow::Result<()> {
    let (mut since_commit, mut last) = (0usize, None);
    while let Some((ids, seq)) = batches.recv().await {
        let rows = db::item::index_rows(&db, &ids).await?;
        let attachments = db::item::public_attachment_texts(&db, &ids).await?;
        since_commit += rows.len();
        let commit = since_commit >= INDEX_COMMIT_EVERY;
        if commit {
            since_commit = 0;
        }
        let work = IndexWork { ids, rows, attachments, commit_at: commit.then_some(seq) };
        if writer.send(work).await.is_err() {
            return Ok(()); // the writer stopped: its error is reported when it is joined
        }
        last = Some(seq);
    }
    if let Some(seq) = last {
        let _ = writer.send(IndexWork { ids: vec![], rows: vec![], attachments: vec![], commit_at: Some(seq) }).await;
    }
    Ok(())
}

/// A unit named by the file that the database does not have: created (audited) with the credit
/// code of its 索引号 or a placeholder for the office to correct.
async fn new_unit(
    tx: &mut crate::db::Tx<'_>,
    actor: &Actor,
    name: &str,
    index_unit_code: Option<&str>,
) -> anyhow::Result<(i64, String)> {
    let code = new_unit_code(tx, index_unit_code).await?;
    let id = db::org::insert_unit(
        tx,
        &NewUnit {
            name: name.to_string(),
            kind: "department".into(),
            credit_code: code.clone(),
            parent_id: None,
            sort_order: 1000,
            address: String::new(),
            postcode: String::new(),
            phone: String::new(),
            email: String::new(),
            office_hours: String::new(),
        },
    )
    .await?;
    db::audit::record(
        tx,
        actor,
        "unit.create",
        "unit",
        &id.to_string(),
        None,
        Some(&serde_json::json!({"name": name, "credit_code": code, "by": "import"})),
    )
    .await?;
    db::audit::feed(tx, "unit.changed", "unit", &id.to_string(), Some(id)).await?;
    Ok((id, code))
}

/// A credit code for a unit the import creates: the 前段码 of its 索引号 when that is a free
/// 统一社会信用代码, else a generated placeholder (check character valid) for the office to correct.
async fn new_unit_code(tx: &mut crate::db::Tx<'_>, from_index: Option<&str>) -> anyhow::Result<String> {
    if let Some(c) = from_index
        && !db::item::credit_code_taken(tx, c).await?
    {
        return Ok(c.to_string());
    }
    for n in 0..100_000u32 {
        let code = gongkai_domain::org::complete_credit_code(&format!("11410482{:08}0", 99_000_000 - n)[..17]);
        if let Some(code) = code
            && !db::item::credit_code_taken(tx, code.as_str()).await?
        {
            return Ok(code.as_str().to_string());
        }
    }
    anyhow::bail!("cannot find a free placeholder credit code")
}
