//! ALL tantivy: the Chinese full-text index of published items (jieba word segmentation through
//! tantivy-jieba), kept in DATA_DIR/search-index on every node. It is derived data: it holds
//! only what the public may see (the approved, masked text), follows the change feed (`item.*`
//! entries) and is rebuilt from the database by `gongkai reindex`.
//!
//! Queries: each word of the query (jieba's default segmentation) must match, either as the
//! whole word or as all of its sub-words (jieba's search mode, which the index uses), so
//! "信息公开" finds items about 信息公开 first and items with only 信息化 and 公开招标 after. An
//! exact 索引号 or 发文字号 comes first.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use serde::{Deserialize, Serialize};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::tokenizer::{TextAnalyzer, TokenStream, Tokenizer};
use tantivy::{Index, IndexReader, IndexWriter, Order, ReloadPolicy, TantivyDocument, Term};
use tantivy_jieba::JiebaTokenizer;

use crate::db::{self, Db, interaction::InterpretationRow, item::IndexRow};
use gongkai_domain::disclosure::html_to_text;

const TOKENIZER: &str = "jieba";

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    /// "item:12" or "interpretation:3": what a document is, for deleting and linking.
    key: Field,
    title: Field,
    body: Field,
    doc_text: Field,
    index_no: Field,
    doc_no: Field,
    unit_id: Field,
    publisher: Field,
    category: Field,
    art20: Field,
    validity: Field,
    year: Field,
    published: Field,
    published_on: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    let fields = Fields {
        id: b.add_u64_field("id", INDEXED | STORED | FAST),
        key: b.add_text_field("key", STRING | STORED),
        title: b.add_text_field("title", text.clone()),
        body: b.add_text_field("body", text.clone()),
        doc_text: b.add_text_field("doc_text", text),
        index_no: b.add_text_field("index_no", STRING | STORED),
        doc_no: b.add_text_field("doc_no", STRING | STORED),
        unit_id: b.add_u64_field("unit_id", INDEXED | STORED | FAST),
        publisher: b.add_text_field("publisher", STRING | STORED),
        category: b.add_text_field("category", STRING | STORED),
        art20: b.add_text_field("art20", STRING | STORED),
        validity: b.add_text_field("validity", STRING | STORED),
        year: b.add_u64_field("year", INDEXED | STORED | FAST),
        published: b.add_i64_field("published", INDEXED | FAST),
        published_on: b.add_text_field("published_on", STORED),
    };
    (b.build(), fields)
}

fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(JiebaTokenizer::new()).filter(lowercase::CjkLowerCaser).build()
}

/// One node's search index.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    writer: Mutex<Option<IndexWriter>>,
    f: Fields,
    pub dir: PathBuf,
    /// Caught up with the database at least once and not being rebuilt: until then a search would
    /// answer "no results" falsely, so it says the index is being built instead.
    ready: AtomicBool,
}

static OPEN: OnceLock<Mutex<HashMap<PathBuf, Arc<SearchIndex>>>> = OnceLock::new();

/// The index of a data directory, opened once per process (jieba's dictionary loads once).
pub fn open(data_dir: &Path) -> anyhow::Result<Arc<SearchIndex>> {
    let dir = data_dir.join("search-index");
    let mut map = OPEN.get_or_init(Default::default).lock().expect("search registry");
    if let Some(s) = map.get(&dir) {
        return Ok(s.clone());
    }
    std::fs::create_dir_all(&dir)
        .map_err(|e| anyhow::anyhow!("cannot create the search index directory {}: {e}", dir.display()))?;
    let (schema, f) = schema();
    let mmap = tantivy::directory::MmapDirectory::open(&dir)?;
    let index = match Index::open_or_create(mmap, schema.clone()) {
        Ok(i) => i,
        Err(tantivy::TantivyError::SchemaError(_)) => {
            // An index from an older schema: start afresh (it is derived data).
            std::fs::remove_dir_all(&dir)?;
            std::fs::create_dir_all(&dir)?;
            Index::create_in_dir(&dir, schema)?
        }
        Err(e) => return Err(e.into()),
    };
    index.tokenizers().register(TOKENIZER, analyzer());
    let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
    let built = index.load_metas().ok().and_then(|m| m.payload).is_some();
    let s = Arc::new(SearchIndex {
        index,
        reader,
        writer: Mutex::new(None),
        f,
        dir: dir.clone(),
        ready: AtomicBool::new(built),
    });
    map.insert(dir, s.clone());
    Ok(s)
}

/// Filters and order of a search.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    pub q: String,
    pub unit: Option<u64>,
    pub category: Option<String>,
    pub art20: Option<String>,
    pub year: Option<u64>,
    pub validity: Option<String>,
    /// "date" for newest first; relevance otherwise.
    pub sort: Option<String>,
    pub page: Option<usize>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Hit {
    pub id: i64,
    /// "item" or "interpretation" (政策解读, searchable with the policies).
    pub kind: String,
    /// The public page.
    pub url: String,
    pub title: String,
    pub index_no: String,
    pub publisher: String,
    pub published: String,
    /// HTML: the text escaped, the matched words in `<b>`.
    pub snippet: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SearchResult {
    pub total: usize,
    pub page: usize,
    pub per_page: usize,
    pub hits: Vec<Hit>,
}

pub const PER_PAGE: usize = 10;

/// Query words: jieba's default segmentation, without punctuation and spaces, lower-cased.
fn words(text: &str, search_mode: bool) -> Vec<String> {
    let mut t = JiebaTokenizer::with_search_mode(search_mode);
    let mut stream = t.token_stream(text);
    let mut out = vec![];
    while stream.advance() {
        let w = stream.token().text.trim().to_lowercase();
        if w.chars().any(char::is_alphanumeric) && !out.contains(&w) {
            out.push(w);
        }
    }
    out
}

/// The word as a row of its longest sub-words with their character offsets (jieba's search mode),
/// e.g. 信息公开 → [(0, 信息), (2, 公开)]; empty when they do not cover it end to end.
fn sub_word_cover(word: &str) -> Vec<(usize, String)> {
    let mut t = JiebaTokenizer::with_search_mode(true);
    let mut stream = t.token_stream(word);
    let mut subs: Vec<(usize, usize, String)> = vec![];
    while stream.advance() {
        let tok = stream.token();
        let text = tok.text.to_lowercase();
        if text != word.to_lowercase() {
            subs.push((tok.position, tok.position_length, text));
        }
    }
    // jieba's offsets (characters): the end of the word is the furthest end of its sub-words.
    let total = subs.iter().map(|(p, l, _)| p + l).max().unwrap_or(0).max(word.chars().count());
    let mut out = vec![];
    let mut at = 0;
    while at < total {
        let Some((p, len, s)) = subs.iter().filter(|(p, _, _)| *p == at).max_by_key(|(_, l, _)| *l).cloned() else {
            return vec![];
        };
        out.push((p, s));
        at += len;
    }
    out
}

/// The query's words (jieba's default mode) with their character offsets, when they follow each
/// other without a gap (no spaces or punctuation between them); empty otherwise.
fn query_run(q: &str) -> Vec<(usize, String)> {
    let q = q.trim();
    let mut t = JiebaTokenizer::with_search_mode(false);
    let mut stream = t.token_stream(q);
    let mut out = vec![];
    let mut next = 0;
    while stream.advance() {
        let tok = stream.token();
        if tok.position != next || !tok.text.chars().all(char::is_alphanumeric) {
            return vec![];
        }
        next = tok.position + tok.position_length;
        out.push((tok.position, tok.text.to_lowercase()));
    }
    if out.len() > 8 { vec![] } else { out }
}

/// The 索引号 / 发文字号 as typed, normalised like the stored ones (full-width slash and dash).
fn exact_form(q: &str) -> String {
    q.trim()
        .chars()
        .map(|c| match c {
            '／' => '/',
            '－' | '—' => '-',
            c => c,
        })
        .collect()
}

impl SearchIndex {
    fn text_query(&self, q: &str) -> Option<Box<dyn Query>> {
        let f = self.f;
        let term_in = |w: &str, boost_title: f32| -> Box<dyn Query> {
            let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![];
            for (field, boost) in [(f.title, boost_title), (f.body, 1.0), (f.doc_text, 1.0)] {
                let tq = TermQuery::new(Term::from_field_text(field, w), IndexRecordOption::WithFreqs);
                clauses.push((Occur::Should, Box::new(BoostQuery::new(Box::new(tq), boost))));
            }
            Box::new(BooleanQuery::new(clauses))
        };
        // The sub-words side by side, as a phrase: a text where jieba cut 信息公开 into 信息 / 公开
        // still holds the word, while one with 信息化 … 公开招标 does not (positions are
        // character offsets, so 信息化 puts 公开 three characters on at the earliest).
        let phrase_in = |cover: &[(usize, String)], boost_title: f32| -> Box<dyn Query> {
            let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![];
            for (field, boost) in [(f.title, boost_title), (f.body, 1.0)] {
                let terms: Vec<(usize, Term)> =
                    cover.iter().map(|(p, s)| (*p, Term::from_field_text(field, s))).collect();
                let pq = PhraseQuery::new_with_offset(terms);
                clauses.push((Occur::Should, Box::new(BoostQuery::new(Box::new(pq), boost))));
            }
            Box::new(BooleanQuery::new(clauses))
        };
        let mut musts: Vec<(Occur, Box<dyn Query>)> = vec![];
        for w in words(q, false) {
            let subs: Vec<String> = words(&w, true).into_iter().filter(|s| *s != w).collect();
            let whole = Box::new(BoostQuery::new(term_in(&w, 3.0), 4.0)) as Box<dyn Query>;
            if subs.is_empty() {
                musts.push((Occur::Must, whole));
            } else {
                let parts: Vec<(Occur, Box<dyn Query>)> = subs.iter().map(|s| (Occur::Must, term_in(s, 3.0))).collect();
                let mut either: Vec<(Occur, Box<dyn Query>)> =
                    vec![(Occur::Should, whole), (Occur::Should, Box::new(BooleanQuery::new(parts)))];
                let cover = sub_word_cover(&w);
                if cover.len() > 1 {
                    either.push((Occur::Should, Box::new(BoostQuery::new(phrase_in(&cover, 3.0), 10.0))));
                }
                musts.push((Occur::Must, Box::new(BooleanQuery::new(either))));
            }
        }
        // Jieba may cut the query itself (信息公开 → 信息 / 公开): the words side by side, as in
        // the query, score above the same words apart.
        let run = query_run(q);
        if !musts.is_empty() && run.len() > 1 {
            musts.push((Occur::Should, Box::new(BoostQuery::new(phrase_in(&run, 3.0), 10.0))));
        }
        if musts.is_empty() { None } else { Some(Box::new(BooleanQuery::new(musts))) }
    }

    /// The query a search runs before its filters: an exact 索引号 or 发文字号 first, or the words.
    fn main_query(&self, q: &str, text: Option<&dyn Query>) -> Box<dyn Query> {
        if q.trim().is_empty() {
            return Box::new(AllQuery);
        }
        let exact = exact_form(q);
        let mut should: Vec<(Occur, Box<dyn Query>)> = vec![];
        for field in [self.f.index_no, self.f.doc_no] {
            let tq = TermQuery::new(Term::from_field_text(field, &exact), IndexRecordOption::Basic);
            should.push((Occur::Should, Box::new(BoostQuery::new(Box::new(tq), 1000.0))));
        }
        if let Some(t) = text {
            should.push((Occur::Should, t.box_clone()));
        }
        Box::new(BooleanQuery::new(should))
    }

    /// The tantivy query a search for `q` runs (no filters): the benchmark has tantivy run it alone,
    /// to tell the query's own cost from the module's.
    pub fn query_of(&self, q: &str) -> Box<dyn Query> {
        self.main_query(q, self.text_query(q).as_deref())
    }

    fn filters(&self, sq: &SearchQuery) -> Vec<(Occur, Box<dyn Query>)> {
        let f = self.f;
        let mut out: Vec<(Occur, Box<dyn Query>)> = vec![];
        let mut add =
            |t: Term| out.push((Occur::Must, Box::new(TermQuery::new(t, IndexRecordOption::Basic)) as Box<dyn Query>));
        if let Some(u) = sq.unit {
            add(Term::from_field_u64(f.unit_id, u));
        }
        if let Some(y) = sq.year {
            add(Term::from_field_u64(f.year, y));
        }
        for (field, v) in [(f.category, &sq.category), (f.art20, &sq.art20), (f.validity, &sq.validity)] {
            if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                add(Term::from_field_text(field, v));
            }
        }
        out
    }

    pub fn search(&self, sq: &SearchQuery) -> anyhow::Result<SearchResult> {
        let f = self.f;
        let searcher = self.reader.searcher();
        let text = self.text_query(&sq.q);
        let main = self.main_query(&sq.q, text.as_deref());
        let mut clauses = vec![(Occur::Must, main)];
        clauses.extend(self.filters(sq));
        let query = BooleanQuery::new(clauses);
        // Bounded again here, whoever calls: tantivy reserves memory for offset + limit hits.
        let page = sq.page.unwrap_or(1).clamp(1, gongkai_domain::paging::MAX_PAGE as usize);
        let offset = (page - 1) * PER_PAGE;
        let by_date = sq.sort.as_deref() == Some("date") || sq.q.trim().is_empty();
        // One pass over the matches counts them and keeps the page (issue 19: the count was a
        // second full execution of the query).
        let (total, addrs): (usize, Vec<tantivy::DocAddress>) = if by_date {
            let top =
                TopDocs::with_limit(PER_PAGE).and_offset(offset).order_by_fast_field::<i64>("published", Order::Desc);
            let (n, docs) = searcher.search(&query, &(Count, top))?;
            (n, docs.into_iter().map(|(_, a)| a).collect())
        } else {
            let top = TopDocs::with_limit(PER_PAGE).and_offset(offset).order_by_score();
            let (n, docs) = searcher.search(&query, &(Count, top))?;
            (n, docs.into_iter().map(|(_, a)| a).collect())
        };
        // The words to highlight: the query's words and sub-words as they are looked up in the body.
        let mut words: Vec<String> = vec![];
        if let Some(t) = &text {
            let mut terms: BTreeSet<String> = BTreeSet::new();
            t.query_terms(&mut |term, _| {
                if term.field() == f.body
                    && let Some(s) = term.value().as_str()
                {
                    terms.insert(s.to_string());
                }
            });
            words = terms.into_iter().collect();
        }
        let mut hits = vec![];
        for a in addrs {
            let doc: TantivyDocument = searcher.doc(a)?;
            let s = |field: Field| doc.get_first(field).and_then(|v| v.as_str()).unwrap_or("").to_string();
            let body = s(f.body);
            // The snippet is cut from a window around the first word found, not the whole body:
            // segmenting every hit's whole text with jieba was most of a search's time (issue 19).
            let snippet = if words.is_empty() {
                escape(&body.chars().take(120).collect::<String>())
            } else {
                highlight(snippet_window(&body, &words, 150), &words)
            };
            let id = doc.get_first(f.id).and_then(|v| v.as_u64()).unwrap_or(0) as i64;
            let kind = s(f.key).split(':').next().unwrap_or("item").to_string();
            let url = if kind == "interpretation" { format!("/interpretations/{id}") } else { format!("/items/{id}") };
            hits.push(Hit {
                id,
                kind,
                url,
                title: s(f.title),
                index_no: s(f.index_no),
                publisher: s(f.publisher),
                published: s(f.published_on),
                snippet,
            });
        }
        Ok(SearchResult { total, page, per_page: PER_PAGE, hits })
    }

    fn writer(&self) -> anyhow::Result<std::sync::MutexGuard<'_, Option<IndexWriter>>> {
        let mut w = self.writer.lock().expect("index writer lock");
        if w.is_none() {
            let writer = self.index.writer_with_num_threads(1, 50_000_000).map_err(|e| match e {
                tantivy::TantivyError::LockFailure(..) => anyhow::anyhow!(
                    "the search index {} is in use by another process (a running `gongkai serve`?): stop it first",
                    self.dir.display()
                ),
                e => e.into(),
            })?;
            *w = Some(writer);
        }
        Ok(w)
    }

    /// Documents in the index as last committed.
    pub fn doc_count(&self) -> anyhow::Result<u64> {
        self.reader.reload()?;
        Ok(self.reader.searcher().num_docs())
    }

    /// Take the writer if no other process holds it (`false`: a running server does).
    pub fn claim_writer(&self) -> anyhow::Result<bool> {
        let mut w = self.writer.lock().expect("index writer lock");
        if w.is_some() {
            return Ok(true);
        }
        match self.index.writer_with_num_threads(1, 50_000_000) {
            Ok(writer) => {
                *w = Some(writer);
                Ok(true)
            }
            Err(tantivy::TantivyError::LockFailure(..)) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// An item as a search document; `attachments`: the masked text of its public attachments.
    fn document(&self, r: &IndexRow, attachments: &[(i64, String)]) -> TantivyDocument {
        let f = self.f;
        let mut d = TantivyDocument::default();
        d.add_u64(f.id, r.item_id as u64);
        d.add_text(f.key, format!("item:{}", r.item_id));
        d.add_text(f.title, &r.public_title);
        let body = format!("{}\n{}", r.public_summary, html_to_text(&r.public_body_html));
        d.add_text(f.body, body.trim());
        let files: Vec<&str> = attachments.iter().filter(|(i, _)| *i == r.item_id).map(|(_, t)| t.as_str()).collect();
        d.add_text(f.doc_text, format!("{}\n{}", r.doc_no, files.join("\n")).trim());
        d.add_text(f.index_no, r.index_no.as_deref().unwrap_or(""));
        d.add_text(f.doc_no, exact_form(&r.doc_no));
        d.add_u64(f.unit_id, r.unit_id as u64);
        d.add_text(f.publisher, &r.unit_name);
        d.add_text(f.category, r.node_code.as_deref().unwrap_or(""));
        d.add_text(f.art20, &r.art20);
        d.add_text(f.validity, &r.validity);
        let published = r.published_on.clone().unwrap_or_default();
        let ymd: i64 = published.replace('-', "").parse().unwrap_or(0);
        d.add_u64(f.year, (ymd / 10_000) as u64);
        d.add_i64(f.published, ymd);
        d.add_text(f.published_on, &published);
        d
    }

    /// A published interpretation as a search document (its sections as the body).
    fn interpretation_document(&self, r: &InterpretationRow) -> TantivyDocument {
        let f = self.f;
        let mut d = TantivyDocument::default();
        d.add_u64(f.id, r.interpretation_id as u64);
        d.add_text(f.key, format!("interpretation:{}", r.interpretation_id));
        d.add_text(f.title, gongkai_domain::privacy::mask_all(&r.title).0);
        let sections: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&r.sections_json).unwrap_or_default();
        let body: Vec<&str> = sections.values().filter_map(|v| v.as_str()).collect();
        let body = format!("解读《{}》\n{}", r.policy_title, body.join("\n"));
        d.add_text(f.body, gongkai_domain::privacy::mask_all(&body).0);
        d.add_text(f.doc_text, "");
        d.add_text(f.index_no, "");
        d.add_text(f.doc_no, "");
        d.add_u64(f.unit_id, r.unit_id.unwrap_or(0) as u64);
        d.add_text(f.publisher, r.unit_name.as_deref().unwrap_or(""));
        d.add_text(f.category, "interpretation");
        d.add_text(f.art20, "");
        d.add_text(f.validity, "effective");
        let published = r.published_on.clone().unwrap_or_default();
        let ymd: i64 = published.get(..10).unwrap_or("").replace('-', "").parse().unwrap_or(0);
        d.add_u64(f.year, (ymd / 10_000) as u64);
        d.add_i64(f.published, ymd);
        d.add_text(f.published_on, published.get(..10).unwrap_or(""));
        d
    }

    /// (Re)index these items: delete each, add back those that are public. Commits with the feed
    /// position reached.
    #[cfg(test)]
    pub fn apply(&self, ids: &[i64], rows: &[IndexRow], seq: i64) -> anyhow::Result<()> {
        self.apply_all(ids, rows, &[], &[], &[], seq)
    }

    /// (Re)index items and interpretations: delete each named, add back the public ones.
    pub fn apply_all(
        &self,
        ids: &[i64],
        rows: &[IndexRow],
        attachments: &[(i64, String)],
        interp_ids: &[i64],
        interps: &[InterpretationRow],
        seq: i64,
    ) -> anyhow::Result<()> {
        let mut guard = self.writer()?;
        let w = guard.as_mut().expect("writer opened");
        for id in ids {
            w.delete_term(Term::from_field_text(self.f.key, &format!("item:{id}")));
        }
        for id in interp_ids {
            w.delete_term(Term::from_field_text(self.f.key, &format!("interpretation:{id}")));
        }
        for r in rows.iter().filter(|r| r.status.is_public()) {
            w.add_document(self.document(r, attachments))?;
        }
        for r in interps.iter().filter(|r| r.status == gongkai_domain::interaction::InterpretationStatus::Published) {
            w.add_document(self.interpretation_document(r))?;
        }
        let mut c = w.prepare_commit()?;
        c.set_payload(&seq.to_string());
        c.commit()?;
        drop(guard);
        self.reader.reload()?;
        self.ready.store(true, Ordering::Release);
        Ok(())
    }

    /// Add these items to the index (each deleted first; only the public ones added), without
    /// committing: a bulk writer (the import) commits with `commit_at`.
    pub fn add(&self, ids: &[i64], rows: &[IndexRow], attachments: &[(i64, String)]) -> anyhow::Result<()> {
        let guard = self.writer()?;
        let w = guard.as_ref().expect("writer opened");
        for id in ids {
            w.delete_term(Term::from_field_text(self.f.key, &format!("item:{id}")));
        }
        for r in rows.iter().filter(|r| r.status.is_public()) {
            w.add_document(self.document(r, attachments))?;
        }
        Ok(())
    }

    /// Commit what was added, recording the feed position it covers; searches see it after.
    pub fn commit_at(&self, seq: i64) -> anyhow::Result<()> {
        {
            let mut guard = self.writer()?;
            let w = guard.as_mut().expect("writer opened");
            let mut c = w.prepare_commit()?;
            c.set_payload(&seq.to_string());
            c.commit()?;
        }
        self.reader.reload()?;
        Ok(())
    }

    /// Bring the index up to the change feed's head: built if it never was, else the entries after
    /// its position applied. For a writer alone on the index (the import, before it adds).
    pub async fn catch_up(self: &Arc<Self>, db: &Db) -> anyhow::Result<()> {
        let Some(mut pos) = self.position() else {
            self.rebuild(db, |_, _| {}).await?;
            return Ok(());
        };
        loop {
            let entries = db::audit::feed_since(db, pos, 2000).await?;
            let Some(last) = entries.last() else { break };
            let new_pos = last.seq;
            apply_entries(db, self, &entries.iter().collect::<Vec<_>>(), new_pos).await?;
            pos = new_pos;
        }
        self.ready.store(true, Ordering::Release);
        Ok(())
    }

    /// Whether a search can be trusted to find what is published (see `ready`).
    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::Acquire)
    }

    /// The feed position the index has caught up to (None: never built).
    pub fn position(&self) -> Option<i64> {
        self.index.load_metas().ok().and_then(|m| m.payload).and_then(|p| p.parse().ok())
    }

    /// Rebuild from the database; `progress` is told (done, total).
    pub async fn rebuild(&self, db: &Db, mut progress: impl FnMut(u64, u64)) -> anyhow::Result<u64> {
        // The feed position first: anything that changes while we read is caught up after.
        let seq = db::audit::max_feed_seq(db).await?;
        let total = db::item::count_public(db).await? as u64;
        self.ready.store(false, Ordering::Release);
        {
            let mut guard = self.writer()?;
            guard.as_mut().expect("writer opened").delete_all_documents()?;
        }
        let mut done = 0u64;
        let mut after = 0i64;
        loop {
            let rows = db::item::public_index_rows_after(db, after, 500).await?;
            let Some(last) = rows.last() else { break };
            after = last.item_id;
            let ids: Vec<i64> = rows.iter().map(|r| r.item_id).collect();
            let attachments = db::item::public_attachment_texts(db, &ids).await?;
            {
                let guard = self.writer()?;
                let w = guard.as_ref().expect("writer opened");
                for r in &rows {
                    w.add_document(self.document(r, &attachments))?;
                }
            }
            done += rows.len() as u64;
            progress(done, total);
        }
        let mut after = 0i64;
        loop {
            let rows = db::interaction::published_interpretations_after(db, after, 500).await?;
            let Some(last) = rows.last() else { break };
            after = last.interpretation_id;
            let guard = self.writer()?;
            let w = guard.as_ref().expect("writer opened");
            for r in &rows {
                w.add_document(self.interpretation_document(r))?;
            }
        }
        {
            let mut guard = self.writer()?;
            let w = guard.as_mut().expect("writer opened");
            let mut c = w.prepare_commit()?;
            c.set_payload(&seq.to_string());
            c.commit()?;
        }
        self.reader.reload()?;
        self.ready.store(true, Ordering::Release);
        Ok(done)
    }

    /// Let go of the writer (and its lock), e.g. at the end of a CLI command.
    pub fn close_writer(&self) {
        if let Some(w) = self.writer.lock().expect("index writer lock").take() {
            let _ = w.wait_merging_threads();
        }
    }
}

mod follow;
mod lowercase;
pub mod priority;
mod snippet;
#[cfg(test)]
mod tests;

use follow::apply_entries;
pub use follow::follow;
use snippet::{escape, highlight, snippet_window};
