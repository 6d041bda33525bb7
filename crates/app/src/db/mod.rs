//! ALL SQL lives under this folder. One pool over sqlx's `Any` driver: SQLite (the embedded
//! default, one file under the data directory) or PostgreSQL (several nodes), chosen by the URL's
//! scheme. Queries use `$N` placeholders, which both back ends accept; where dialects differ the
//! migrations differ (`migrations/sqlite`, `migrations/postgres`, same numbering).
//!
//! Beside it, [`Direct`]: the same database through the back end's own driver, for the few reads
//! that run on nearly every request ([`read_direct!`]): the `Any` driver copies each row into its
//! own values before the row type reads them, a quarter of an item page's own work
//! (BENCHMARKS.md, "fifteenth steps").

/// A value bound to a statement built from the filters a list sets — only those, numbered in
/// order, so that the planner sees which index serves the list (the item lists, the audit log).
pub(crate) enum Arg {
    Int(i64),
    Text(String),
}

/// Keep `arg` for the statement and give its mark (`$1`, `$2`, … in the order kept).
pub(crate) fn mark(args: &mut Vec<Arg>, arg: Arg) -> String {
    args.push(arg);
    format!("${}", args.len())
}

/// One read through the back end's own driver ([`Direct`]): the same statement (`$N` marks) and
/// row type on either back end, e.g.
/// `read_direct!(db, PublicItemRow, SQL, [item_id], fetch_optional)`. The row type derives
/// `sqlx::FromRow`, and its columns decode alike on both (BIGINT, TEXT: as the schema has them).
macro_rules! read_direct {
    ($db:expr, $row:ty, $sql:expr, [$($bind:expr),* $(,)?], $fetch:ident) => {
        match &$db.direct {
            $crate::db::Direct::Sqlite(p) => {
                sqlx::query_as::<sqlx::Sqlite, $row>($sql)$(.bind($bind))*.$fetch(p).await
            }
            $crate::db::Direct::Postgres(p) => {
                sqlx::query_as::<sqlx::Postgres, $row>($sql)$(.bind($bind))*.$fetch(p).await
            }
        }
    };
}

/// Bind [`Arg`]s to a query in order (`query` or `query_as`: sqlx gives them no common trait).
macro_rules! bind_args {
    ($q:ident, $args:expr) => {
        for a in $args {
            $q = match a {
                $crate::db::Arg::Int(v) => $q.bind(v),
                $crate::db::Arg::Text(v) => $q.bind(v),
            };
        }
    };
}

pub mod access;
pub mod application;
pub mod audit;
pub mod basic_catalog;
pub mod interaction;
pub mod item;
pub mod livelihood;
pub mod ops;
pub mod org;
pub mod oversight;
pub mod portal;
pub mod records;
pub mod report;
pub mod supervision;
#[cfg(test)]
pub(crate) mod testing;
pub mod user;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, ConnectOptions};

pub type Tx<'a> = sqlx::Transaction<'a, sqlx::Any>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// How long a request waits for a pooled connection before it fails.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(15);

impl Backend {
    /// What every new connection runs, of either pool (`Any` or `Direct`).
    fn connection_setup(self) -> &'static str {
        match self {
            // WAL so readers never block the writer; foreign keys on; wait for a busy writer
            // instead of failing; FULL sync so that an acknowledged commit survives a power loss,
            // not only a process crash.
            Backend::Sqlite => {
                "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000; PRAGMA synchronous=FULL;"
            }
            // No JIT: the lists' and counts' statements are short, but a count over many columns
            // is costed high enough that PostgreSQL compiled it first — 131 ms of JIT for a count
            // that runs in 8 ms (BENCHMARKS.md, "eleventh steps").
            Backend::Postgres => "SET jit = off",
        }
    }
}

#[derive(Clone)]
pub struct Db {
    /// Reads (and the rare single-statement write).
    pub pool: AnyPool,
    /// Transactions. For SQLite a single connection: writers queue here, in order, instead of
    /// colliding on SQLite's one write lock and sleeping in its busy handler (which cut intake
    /// throughput several-fold under concurrent submissions). For PostgreSQL the same pool.
    write_pool: AnyPool,
    pub backend: Backend,
    /// Per-installation secrets once read (`org::install_secret`): they never change, so a hot
    /// path (查我自己的) reads the table once per process, not twice a request.
    secrets: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, String>>>,
    /// The change feed's public head as last read (`audit::public_feed_head`).
    feed_head: audit::FeedHeadCache,
    /// The same database through its own driver, for the hottest reads (`read_direct!`).
    pub(crate) direct: Direct,
}

/// A pool of the back end's own driver beside the `Any` pool: connections opened when first
/// asked for (a process that never reads through it opens none), read-only in use.
#[derive(Clone)]
pub(crate) enum Direct {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

impl Direct {
    /// Each connection set up as the `Any` pool's are (`Backend::connection_setup`).
    fn lazy(backend: Backend, url: &str, max: u32) -> Result<Direct, sqlx::Error> {
        let setup = backend.connection_setup();
        Ok(match backend {
            Backend::Sqlite => {
                let options = sqlx::sqlite::SqliteConnectOptions::from_str(url)?.disable_statement_logging();
                Direct::Sqlite(
                    sqlx::sqlite::SqlitePoolOptions::new()
                        .max_connections(max)
                        .acquire_timeout(ACQUIRE_TIMEOUT)
                        .after_connect(move |conn, _meta| {
                            Box::pin(async move {
                                sqlx::raw_sql(setup).execute(&mut *conn).await?;
                                Ok(())
                            })
                        })
                        .connect_lazy_with(options),
                )
            }
            Backend::Postgres => {
                let options = sqlx::postgres::PgConnectOptions::from_str(url)?.disable_statement_logging();
                Direct::Postgres(
                    sqlx::postgres::PgPoolOptions::new()
                        .max_connections(max)
                        .acquire_timeout(ACQUIRE_TIMEOUT)
                        .after_connect(move |conn, _meta| {
                            Box::pin(async move {
                                sqlx::raw_sql(setup).execute(&mut *conn).await?;
                                Ok(())
                            })
                        })
                        .connect_lazy_with(options),
                )
            }
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("database URL `{0}` is not understood: use sqlite://PATH or postgres://USER@HOST:PORT/DB")]
    BadUrl(String),
    #[error("cannot open the database at {url}: {source}. Check that the server is running and the URL is right")]
    Unreachable { url: String, source: sqlx::Error },
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// The default URL for a data directory: one SQLite file in it.
pub fn sqlite_url(data_dir: &Path) -> String {
    format!("sqlite://{}", data_dir.join("gongkai.db").display())
}

/// Hide the password of a PostgreSQL URL before it is printed or logged.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

impl Db {
    pub fn is_postgres(&self) -> bool {
        self.backend == Backend::Postgres
    }

    /// Connect and run the migrations of the back end the URL names.
    pub async fn connect(url: &str) -> Result<Db, ConnectError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(ConnectError::BadUrl(url.to_string()));
        };
        let unreachable = |source| ConnectError::Unreachable { url: redact(url), source };
        let url_owned = match backend {
            // mode=rwc: create the file on first start.
            Backend::Sqlite if !url.contains("mode=") => {
                if url.contains('?') {
                    format!("{url}&mode=rwc")
                } else {
                    format!("{url}?mode=rwc")
                }
            }
            _ => url.to_string(),
        };
        let options = AnyConnectOptions::from_str(&url_owned)
            .map_err(|_| ConnectError::BadUrl(redact(url)))?
            .disable_statement_logging();
        // The direct pool carries two reads (`read_direct!`): on PostgreSQL half as many connections
        // as the `Any` pool, so that a node holds at most 24 of the server's (100 by default).
        // SQLite's eight readers were also tried as four and four: the mixed load lost a third
        // (BENCHMARKS.md, "fifteenth steps").
        let (max, direct_max) = if backend == Backend::Sqlite { (8, 8) } else { (16, 8) };
        let pool_options = |max: u32| {
            AnyPoolOptions::new().max_connections(max).acquire_timeout(ACQUIRE_TIMEOUT).after_connect(
                move |conn, _meta| {
                    Box::pin(async move {
                        sqlx::raw_sql(backend.connection_setup()).execute(&mut *conn).await?;
                        Ok(())
                    })
                },
            )
        };
        let pool = pool_options(max).connect_with(options.clone()).await.map_err(unreachable)?;
        let write_pool = match backend {
            Backend::Sqlite => pool_options(1).connect_with(options).await.map_err(unreachable)?,
            Backend::Postgres => pool.clone(),
        };
        let direct = Direct::lazy(backend, &url_owned, direct_max).map_err(unreachable)?;
        let db = Db { pool, write_pool, backend, secrets: Default::default(), feed_head: Default::default(), direct };
        db.migrate().await?;
        Ok(db)
    }

    pub async fn migrate(&self) -> Result<(), ConnectError> {
        match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&self.pool).await?,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await?,
        }
        // An import killed while it had the item table's indexes put off left them missing.
        let built = item::restore_indexes(self).await.map_err(sqlx::migrate::MigrateError::from)?;
        if !built.is_empty() {
            tracing::warn!(indexes = ?built, "built the item table's indexes an interrupted import had put off");
        }
        Ok(())
    }

    pub async fn begin(&self) -> Result<Tx<'static>, sqlx::Error> {
        self.write_pool.begin().await
    }

    /// Set SQLite's one writer connection for a bulk import: 64 MiB of pages where the default is
    /// 2 MiB (inserts read the item table's six indexes back from the OS), and the WAL
    /// folded into the database every 16,384 pages instead of every 1,000 (a batch of the import
    /// writes more than 4 MiB, so each commit checkpointed). For a process that imports and ends
    /// (`gongkai import items`, `bench import`); a server's writer keeps SQLite's defaults, where a
    /// citizen's submission must not wait behind a long checkpoint (BENCHMARKS.md, "sixth steps").
    /// Should the pool replace the connection, the new one has the defaults: slower, no less safe.
    pub async fn set_for_bulk_writes(&self) -> Result<(), sqlx::Error> {
        if self.backend == Backend::Sqlite {
            sqlx::raw_sql("PRAGMA cache_size=-65536; PRAGMA wal_autocheckpoint=16384;")
                .execute(&self.write_pool)
                .await?;
        }
        Ok(())
    }

    /// After a bulk import, PostgreSQL's statistics of the item tables and their visibility map
    /// (`VACUUM (ANALYZE)`), as autovacuum would leave them in time (it is off on some machines:
    /// this one's). Without statistics a freshly imported table was planned as if nearly empty (a
    /// column code's page took 153 ms instead of 50, BENCHMARKS.md "tenth steps"); without the
    /// visibility map no count is read from an index alone (the busiest code's 160,000 items of a
    /// million: 750 ms from the table, 40 ms from `item_public_node`; the vacuum took 3.1 s,
    /// "eleventh steps"). SQLite keeps neither: its plans follow its rules, which the lists are
    /// written for (and their tests read).
    pub async fn tidy_after_bulk_writes(&self) -> Result<(), sqlx::Error> {
        if self.backend == Backend::Postgres {
            // One statement each: VACUUM runs outside a transaction, and several statements in
            // one string run in one.
            for table in ["item", "catalog_node"] {
                sqlx::raw_sql(sqlx::AssertSqlSafe(format!("VACUUM (ANALYZE) {table}"))).execute(&self.pool).await?;
            }
        }
        Ok(())
    }
}

/// Now, as stored: RFC 3339 UTC with microseconds, so text order is time order.
pub fn now_text() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// Is this error a unique-constraint violation (on either back end)?
/// The unique constraint a write broke, by its PostgreSQL name: `{table}_{columns}_key` for a
/// column or table constraint, the index's own name for a unique index. SQLite's message
/// ("UNIQUE constraint failed: village.township_unit_id, village.name", or "… index 'x'") gives
/// the same name, so one table of messages serves both back ends.
pub fn unique_violation(e: &sqlx::Error) -> Option<String> {
    let sqlx::Error::Database(d) = e else { return None };
    if !d.code().is_some_and(|c| c == "23505" || c == "2067" || c == "1555")
        && !d.message().contains("UNIQUE constraint failed")
    {
        return None;
    }
    if let Some(name) = d.constraint() {
        return Some(name.to_string());
    }
    Some(unique_name_from_message(d.message()))
}

/// The constraint's name from the database's message (see `unique_violation`).
pub fn unique_name_from_message(message: &str) -> String {
    if let Some(rest) = message.split("UNIQUE constraint failed: ").nth(1) {
        if let Some(index) = rest.strip_prefix("index '") {
            return index.trim_end_matches('\'').to_string();
        }
        let cols: Vec<(&str, &str)> = rest.split(", ").filter_map(|c| c.trim().split_once('.')).collect();
        if let Some((table, _)) = cols.first() {
            let names: Vec<&str> = cols.iter().map(|(_, c)| *c).collect();
            return format!("{table}_{}_key", names.join("_"));
        }
    }
    // PostgreSQL: duplicate key value violates unique constraint "unit_name_key"
    message.split('"').nth(1).unwrap_or_default().to_string()
}

pub fn is_unique_violation(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(d) => {
            d.code().is_some_and(|c| c == "23505" || c == "2067" || c == "1555")
                || d.message().contains("UNIQUE constraint failed")
        }
        _ => false,
    }
}
