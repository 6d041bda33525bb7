//! The floors under a public page: the libraries doing a page's work with nothing of Gongkai's
//! around them, served on the same runtime, so that wrk measures the real server and its floor in
//! the same minutes (`reliability/bench-pages.sh`, `reliability/bench-items.sh`).

use std::path::Path;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::Path as UrlPath;
use axum::http::{StatusCode, Uri, header};
use axum::response::{Html, IntoResponse};

use crate::db;

/// axum alone serving the files under `dir` from memory, by path ("/" for index.html).
pub async fn static_files(listen: &str, dir: &Path) -> anyhow::Result<()> {
    // Every file under DIR, read once, keyed by its URL path ("/" for index.html).
    let mut files: std::collections::HashMap<String, Bytes> = std::collections::HashMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let rel = path.strip_prefix(dir)?.to_string_lossy().replace('\\', "/");
            let key = if rel == "index.html" { "/".to_string() } else { format!("/{rel}") };
            files.insert(key, Bytes::from(std::fs::read(&path)?));
        }
    }
    let files = Arc::new(files);
    let app = axum::Router::new().fallback(move |uri: Uri| {
        let files = files.clone();
        async move {
            match files.get(uri.path()) {
                Some(b) => (StatusCode::OK, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], b.clone()),
                None => {
                    (StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, "text/plain")], Bytes::from_static(b"not found"))
                }
            }
        }
    });
    let listener = tokio::net::TcpListener::bind(listen).await?;
    eprintln!("serving {} from memory on {listen}", dir.display());
    axum::serve(listener, app).await?;
    Ok(())
}

/// axum alone answering `/items/{id}` for the items of `data_dir`'s SQLite database: the item read
/// by `db::item::PUBLIC_ITEM_SELECT` through sqlx's concrete SQLite driver, `portal/item.html`
/// rendered by minijinja with the site's settings — what a page the cache does not hold cannot
/// skip; no limiter, session, CSRF token, metrics or page cache, and no `Any` driver.
pub async fn item_floor(listen: &str, data_dir: &Path) -> anyhow::Result<()> {
    use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
    let options = SqliteConnectOptions::new().filename(data_dir.join("gongkai.db")).read_only(true);
    let pool = SqlitePoolOptions::new().max_connections(8).connect_with(options).await?;
    // The site's settings, once, as the server reads them.
    let site: std::collections::HashMap<String, String> =
        db::org::all_settings(&db::Db::connect(&db::sqlite_url(data_dir)).await?).await?.into_iter().collect();
    let templates = Arc::new(crate::web::templates::environment());
    let site = Arc::new(site);
    let app = axum::Router::new().route(
        "/items/{id}",
        axum::routing::get(move |UrlPath(id): UrlPath<i64>| {
            let (pool, templates, site) = (pool.clone(), templates.clone(), site.clone());
            async move {
                let row: Option<db::item::PublicItemRow> =
                    match sqlx::query_as(db::item::PUBLIC_ITEM_SELECT).bind(id).fetch_optional(&pool).await {
                        Ok(row) => row,
                        Err(e) => return (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
                    };
                let Some(r) = row else { return StatusCode::NOT_FOUND.into_response() };
                let none: Vec<()> = vec![];
                let page = crate::page! { nav => "catalog", it => crate::web::catalog::PublicItem::from_row(&r),
                attachments => none, interpretations => none, deferred => none, site => *site, csrf => "" };
                match templates.get_template("portal/item.html").and_then(|t| t.render(page)) {
                    Ok(html) => Html(html).into_response(),
                    Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind(listen).await?;
    eprintln!("serving the items of {} with the bare libraries on {listen}", data_dir.display());
    axum::serve(listener, app).await?;
    Ok(())
}
