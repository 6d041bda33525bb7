//! Public pages as rendered, kept while nothing changed (issue 19 §1). A visitor who is not signed
//! in gets the same page as every other visitor but for the CSRF token in its forms; so the page of
//! an allowed public address (home, items, interpretations, reports, the catalog, units, the guide,
//! 政民互动 and the 民生 board)
//! is kept — from the second time it is rendered (`PageCache::seen_before`) — cut where its
//! token stood, keyed by address and display settings, and
//! served again — with this visitor's token, and `x-page-cache: hit` — while nothing public has
//! changed (the feed's newest entry that is not an application: `public_feed_head`; applications,
//! most of the feed under load, change no public page) and for at most a minute (dates computed
//! from today, settings outside the feed). Staff, other methods and
//! every other address (search, 查我自己的, applications, the API) always go to their handler.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::WebState;
use super::context::{Csrf, Ctx};

/// Said on a page served from the cache (for operators, and the test that the cache is kept).
const CACHE_HEADER: &str = "x-page-cache";
const MAX_ENTRIES: usize = 2_000;
const MAX_AGE: Duration = Duration::from_secs(60);
const MAX_PAGE_BYTES: usize = 512 * 1024;

/// A kept page, as the bytes the handler sent cut at each place its visitor's CSRF token stood:
/// served again by joining the pieces with the next visitor's token (no scan of the page, no
/// check of its UTF-8: it was a `String` when rendered, and the cuts fall beside an ASCII token).
struct Entry {
    head: i64,
    at: Instant,
    pieces: Vec<Bytes>,
}

impl Entry {
    /// The page with this visitor's token where the first one's stood (made only for a page that
    /// shows one: a page without a form is served as kept, and sets no cookie).
    fn with_token(&self, csrf: &Csrf) -> Vec<u8> {
        if self.pieces.len() == 1 {
            return self.pieces[0].to_vec();
        }
        let token = csrf.token();
        let len = self.pieces.iter().map(Bytes::len).sum::<usize>() + token.len() * self.pieces.len();
        let mut out = Vec::with_capacity(len);
        for (i, piece) in self.pieces.iter().enumerate() {
            if i > 0 {
                out.extend_from_slice(token.as_bytes());
            }
            out.extend_from_slice(piece);
        }
        out
    }
}

/// The page cut at each occurrence of `token` (the pieces share the page's bytes).
fn cut(page: &Bytes, token: &str) -> Vec<Bytes> {
    let mut pieces = vec![];
    let mut from = 0;
    if !token.is_empty() {
        for at in memchr::memmem::find_iter(page, token.as_bytes()) {
            pieces.push(page.slice(from..at));
            from = at + token.len();
        }
    }
    pieces.push(page.slice(from..));
    pieces
}

type Key = (String, bool, bool);

/// The kept pages, and the addresses asked for once lately.
pub struct PageCache {
    pages: Mutex<HashMap<Key, Entry>>,
    /// A page is kept the second time it is rendered, not the first: each address's hash has a
    /// slot here (one of `SEEN_SLOTS`, by the hash), and a page whose hash is already in its slot
    /// is kept. A visitor — or a crawler — going through a hundred thousand items one by one
    /// neither copies each page into the cache nor pushes the pages everyone reads out of it.
    seen: Box<[AtomicU64]>,
    hasher: RandomState,
}

const SEEN_SLOTS: usize = 8192;

impl Default for PageCache {
    fn default() -> PageCache {
        PageCache {
            pages: Mutex::default(),
            seen: (0..SEEN_SLOTS).map(|_| AtomicU64::new(0)).collect(),
            hasher: RandomState::new(),
        }
    }
}

impl PageCache {
    /// Whether this page was rendered lately before (and note that it now has been).
    fn seen_before(&self, key: &Key) -> bool {
        let hash = self.hasher.hash_one(key) | 1; // never 0, an empty slot
        let slot = &self.seen[(hash as usize) % SEEN_SLOTS];
        slot.swap(hash, Ordering::Relaxed) == hash
    }
}

/// The public addresses whose pages are the same for every anonymous visitor. A handler added here
/// must not read request headers (Host, Accept-Language …): the page is kept by address alone, so a
/// page built from a header would be served to everyone with the first visitor's header.
fn cacheable(path: &str) -> bool {
    let numbered = |prefix: &str| {
        path.strip_prefix(prefix).is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()))
    };
    path == "/"
        || path == "/units"
        || path == "/guide"
        || path == "/catalog"
        || path == "/reports"
        || path == "/interpretations"
        || path == "/interaction"
        || path == "/livelihood"
        || numbered("/items/")
        || numbered("/interpretations/")
        || numbered("/reports/")
        || numbered("/catalog/")
        || numbered("/units/")
}

pub async fn layer(State(state): State<WebState>, req: Request, next: Next) -> Response {
    let anonymous = req.extensions().get::<Ctx>().filter(|c| c.user.is_none()).cloned();
    let (Some(ctx), true) = (anonymous, req.method() == Method::GET && cacheable(req.uri().path())) else {
        return next.run(req).await;
    };
    let Ok(head) = crate::flows::org::public_feed_head(&state.db).await else {
        return next.run(req).await;
    };
    let key = (
        req.uri().path_and_query().map(|p| p.as_str().to_string()).unwrap_or_default(),
        ctx.large_type,
        ctx.high_contrast,
    );
    let hit = state
        .page_cache
        .pages
        .lock()
        .expect("page cache")
        .get(&key)
        .filter(|e| e.head == head && e.at.elapsed() < MAX_AGE)
        .map(|e| e.with_token(&ctx.csrf));
    if let Some(body) = hit {
        let mut r = html(body);
        r.headers_mut().insert(CACHE_HEADER, HeaderValue::from_static("hit"));
        return r;
    }
    let response = next.run(req).await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if response.status() != StatusCode::OK
        || !is_html
        || response.headers().contains_key(header::SET_COOKIE)
        || !state.page_cache.seen_before(&key)
    {
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_PAGE_BYTES).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    // Kept as an exact copy: the response's buffer may be larger than the page (a `String` grown
    // by doubling), and up to MAX_ENTRIES pages stay for a minute.
    // Cut where the token stood, if the page showed one (`Csrf`: made only when shown).
    let pieces = cut(&Bytes::copy_from_slice(&bytes), ctx.csrf.issued().unwrap_or_default());
    let mut map = state.page_cache.pages.lock().expect("page cache");
    if map.len() >= MAX_ENTRIES {
        // Full: one entry goes (the map's order is arbitrary, so which is as good as random);
        // clearing the whole map here made a site of more pages than entries miss every time.
        if let Some(k) = map.keys().next().cloned() {
            map.remove(&k);
        }
    }
    map.insert(key, Entry { head, at: Instant::now(), pieces });
    drop(map);
    Response::from_parts(parts, Body::from(bytes))
}

fn html(body: Vec<u8>) -> Response {
    let mut r = Response::new(Body::from(body));
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    r
}

#[cfg(test)]
mod tests {
    use super::{Entry, PageCache, cacheable, cut};
    use crate::web::context::Csrf;
    use axum::body::Bytes;

    #[test]
    fn a_kept_page_is_served_with_the_next_visitors_token_everywhere_the_first_ones_stood() {
        let first = "Ab3-tok_9";
        let page = Bytes::from(format!(
            "{first}<p>汝州市</p><input name=\"_csrf\" value=\"{first}\"><form>{first}{first}</form>尾{first}"
        ));
        let e = Entry { head: 1, at: std::time::Instant::now(), pieces: cut(&page, first) };
        assert_eq!(e.pieces.len(), 6);
        let next = String::from_utf8(e.with_token(&Csrf::known("zz".into()))).unwrap();
        assert_eq!(next, "zz<p>汝州市</p><input name=\"_csrf\" value=\"zz\"><form>zzzz</form>尾zz");
        // A page without a form is kept whole; an empty token cuts nothing.
        let plain = Bytes::from("<p>没有表单</p>");
        // … and served to a visitor without a token makes none.
        let not_yet = Csrf::not_yet();
        let kept = Entry { head: 1, at: std::time::Instant::now(), pieces: cut(&plain, first) };
        assert_eq!(kept.with_token(&not_yet), plain);
        assert_eq!(not_yet.issued(), None);
        assert_eq!(cut(&plain, "").len(), 1);
    }

    #[test]
    fn a_page_is_kept_the_second_time_it_is_rendered_not_the_first() {
        let cache = PageCache::default();
        let key = |p: &str| (p.to_string(), false, false);
        assert!(!cache.seen_before(&key("/items/7")));
        assert!(cache.seen_before(&key("/items/7")));
        // Display settings make another page.
        assert!(!cache.seen_before(&("/items/7".to_string(), true, false)));
        // A sweep through 100,000 other items, each once: none is kept (an address is taken for
        // another only if their 64-bit hashes are equal).
        let kept = (8..100_008).filter(|i| cache.seen_before(&key(&format!("/items/{i}")))).count();
        assert_eq!(kept, 0);
    }

    #[test]
    fn only_public_pages_alike_for_every_visitor_are_kept() {
        for p in [
            "/",
            "/items/12",
            "/interpretations/3",
            "/reports/7",
            "/catalog/40",
            "/units/2",
            "/guide",
            "/interaction",
            "/livelihood",
        ] {
            assert!(cacheable(p), "{p}");
        }
        for p in [
            "/search",
            "/items/12/print",
            "/items/",
            "/items/1x",
            "/livelihood/self",
            // A fresh idempotency key in every form: never shared.
            "/applications/new",
            "/applications/track",
            "/api/v1/items",
            "/staff",
            "/reports/7/download/docx",
        ] {
            assert!(!cacheable(p), "{p}");
        }
    }
}
