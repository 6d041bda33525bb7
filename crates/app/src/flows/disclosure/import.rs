//! The legacy-items import (`gongkai import items`): a JSONL export of the portal a county had,
//! checked line by line (`domain::disclosure::legacy`), published as items with their attachments.

use std::collections::HashSet;
use std::path::Path;

use chrono::NaiveDate;
use gongkai_domain::calendar::Calendar;
use gongkai_domain::disclosure::{Art20Category, Validity, legacy};

use crate::db::{self, Db, item::NewItem, org::NewUnit};
use crate::flows::Actor;

#[derive(Debug, Default)]
pub struct ImportReport {
    pub imported: usize,
    pub skipped: usize,
    pub bad: Vec<(usize, String)>,
    pub new_units: Vec<String>,
    /// Files kept from the public, by line: personal data found, or no readable text.
    pub held: Vec<(usize, String)>,
}

/// A checked line, ready to store.
struct Ready {
    line: usize,
    publisher: String,
    index_no: String,
    index_unit_code: Option<String>,
    category: String,
    art20: Option<Art20Category>,
    row: NewItem,
    published: NaiveDate,
    files: Vec<(String, Vec<u8>)>,
}

fn check_line(n: usize, raw: &str, base: &Path, calendar: &Calendar) -> Result<Ready, String> {
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
    Ok(Ready {
        line: n,
        publisher: l.publisher,
        index_no: l.index_no,
        index_unit_code: l.index_unit_code,
        category: l.category,
        art20: l.art20,
        row,
        published: l.published,
        files,
    })
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

/// Import the lines of a JSONL text. Lines are checked first, then stored a few hundred per
/// transaction; an 索引号 already in the database (or earlier in the file) is skipped.
/// Import the legacy items of a JSONL export (one item a line, `domain::disclosure::legacy`) as
/// published items, 300 lines a transaction; a line already present (same 索引号) is skipped, a bad
/// line reported with its number. `progress(done, total)` is told after each batch.
pub async fn import_items(
    db: &Db,
    text: &str,
    base: &Path,
    progress: &mut dyn FnMut(u64, u64),
) -> anyhow::Result<ImportReport> {
    let actor = Actor::system("import");
    let mut report = ImportReport::default();
    let lines: Vec<(usize, &str)> =
        text.lines().enumerate().map(|(i, l)| (i + 1, l)).filter(|(_, l)| !l.trim().is_empty()).collect();
    let total = lines.len() as u64;
    let mut done = 0u64;
    let mut seen: HashSet<String> = HashSet::new();
    // Parsed once: the due date it gives is replaced by the publication date anyway.
    let calendar = Calendar::builtin();
    // Per import, not per line: each unit's catalog is made once, each column looked up once.
    let mut catalogs: HashSet<i64> = HashSet::new();
    let mut nodes: std::collections::HashMap<(i64, String), Option<i64>> = std::collections::HashMap::new();
    let mut units: std::collections::HashMap<String, (i64, String)> =
        db::org::list_units(db).await?.into_iter().map(|u| (u.name.clone(), (u.unit_id, u.credit_code))).collect();
    for chunk in lines.chunks(300) {
        let mut ready = vec![];
        for (n, raw) in chunk {
            match check_line(*n, raw, base, &calendar) {
                Ok(r) if !seen.insert(r.index_no.clone()) => {
                    report.bad.push((*n, format!("索引号“{}”在文件中重复", r.index_no)));
                }
                Ok(r) => ready.push(r),
                Err(msg) => report.bad.push((*n, msg)),
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
        let mut tx = db.begin().await?;
        for mut r in ready {
            let file_texts = texts.next().unwrap_or_default();
            if db::item::index_no_taken(&mut tx, &r.index_no).await? {
                report.skipped += 1;
                continue;
            }
            let (unit_id, code) = match units.get(&r.publisher) {
                Some(u) => u.clone(),
                None => {
                    let code = new_unit_code(&mut tx, r.index_unit_code.as_deref()).await?;
                    let id = db::org::insert_unit(
                        &mut tx,
                        &NewUnit {
                            name: r.publisher.clone(),
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
                        &mut tx,
                        &actor,
                        "unit.create",
                        "unit",
                        &id.to_string(),
                        None,
                        Some(&serde_json::json!({"name": r.publisher, "credit_code": code, "by": "import"})),
                    )
                    .await?;
                    db::audit::feed(&mut tx, "unit.changed", "unit", &id.to_string(), Some(id)).await?;
                    report.new_units.push(r.publisher.clone());
                    units.insert(r.publisher.clone(), (id, code.clone()));
                    (id, code)
                }
            };
            if catalogs.insert(unit_id) {
                super::ensure_catalog(&mut tx, unit_id).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            }
            r.row.unit_id = unit_id;
            let key = (unit_id, r.art20.map(node_code_for).unwrap_or(&r.category).to_string());
            r.row.catalog_node_id = match nodes.get(&key) {
                Some(node) => *node,
                None => {
                    let node = db::item::node_id_by_code_or_title(&mut tx, unit_id, &key.1).await?;
                    nodes.insert(key, node);
                    node
                }
            };
            let it = super::DirectItem { row: r.row, index_no: Some(r.index_no.clone()), published_on: r.published };
            let (id, _) = super::insert_published(&mut tx, &actor, &code, &it)
                .await
                .map_err(|e| anyhow::anyhow!("第{}行：{e}", r.line))?;
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
            report.imported += 1;
        }
        db::audit::record(
            &mut tx,
            &actor,
            "item.import",
            "item",
            "batch",
            None,
            Some(&serde_json::json!({"imported_so_far": report.imported})),
        )
        .await?;
        tx.commit().await?;
        done += chunk.len() as u64;
        progress(done, total);
    }
    report.bad.sort();
    Ok(report)
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
