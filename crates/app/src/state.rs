//! The application's state: the database, the configuration, the working-day calendar in force, the
//! office's settings — and the one place that says what "today" is. Flows receive it; `web` wraps it
//! with what only HTTP needs (templates, the rate limiter); `cli` builds it from the configuration.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use chrono::{Duration, NaiveDate, Utc};
use gongkai_domain::calendar::Calendar;

use crate::config::Config;
pub use crate::db::Db;

/// Today in China (UTC+8), or `GONGKAI_TODAY` (YYYY-MM-DD) where a test or a demo fixes the date.
/// Every statutory date of the platform counts from this day.
pub fn today() -> NaiveDate {
    if let Some(d) = std::env::var("GONGKAI_TODAY").ok().and_then(|v| NaiveDate::parse_from_str(&v, "%Y-%m-%d").ok()) {
        return d;
    }
    (Utc::now() + Duration::hours(8)).date_naive()
}

/// The calendar in force: the database's (edited by the office), or the shipped one.
pub async fn load_calendar(db: &Db) -> anyhow::Result<Calendar> {
    let rows = crate::db::application::holidays(db).await?;
    if rows.is_empty() {
        return Ok(Calendar::builtin());
    }
    let mut csv = String::from("date,kind,name\n");
    for (d, k, n) in rows {
        csv.push_str(&format!("{d},{k},{n}\n"));
    }
    Calendar::from_csv(&csv).map_err(|e| anyhow::anyhow!("the stored calendar is invalid: {e}"))
}

/// The database of this configuration, migrated; a SQLite data directory is created if needed,
/// and an unwritable one is a clear error.
pub async fn open_db(config: &Config) -> anyhow::Result<Db> {
    let url = config.database_url();
    if url.starts_with("sqlite:") {
        std::fs::create_dir_all(&config.data_dir).map_err(|e| {
            anyhow::anyhow!(
                "cannot create the data directory {}: {e}. Choose another with --data-dir",
                config.data_dir.display()
            )
        })?;
        let probe = config.data_dir.join(".write-test");
        std::fs::write(&probe, b"ok").map_err(|e| {
            anyhow::anyhow!(
                "the data directory {} is not writable: {e}. Fix its permissions or choose another with --data-dir",
                config.data_dir.display()
            )
        })?;
        let _ = std::fs::remove_file(probe);
    }
    Ok(Db::connect(&url).await?)
}

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    /// The working-day calendar, cached; reloaded from the database when the feed says it changed.
    pub calendar: Arc<RwLock<Arc<Calendar>>>,
    /// The office's settings as last loaded: swapped whole on a change, so a page takes them with
    /// one reference count (`web::templates::render`), never a copy.
    pub settings: Arc<RwLock<Arc<BTreeMap<String, String>>>>,
}

impl AppState {
    pub async fn new(db: Db, config: Config) -> anyhow::Result<AppState> {
        let calendar = load_calendar(&db).await?;
        let state = AppState {
            db,
            config: Arc::new(config),
            calendar: Arc::new(RwLock::new(Arc::new(calendar))),
            settings: Arc::new(RwLock::new(Arc::new(BTreeMap::new()))),
        };
        state.reload_settings().await?;
        Ok(state)
    }

    pub fn calendar(&self) -> Arc<Calendar> {
        self.calendar.read().expect("calendar lock").clone()
    }

    pub async fn reload_calendar(&self) -> anyhow::Result<()> {
        let c = load_calendar(&self.db).await?;
        *self.calendar.write().expect("calendar lock") = Arc::new(c);
        Ok(())
    }

    pub async fn reload_settings(&self) -> anyhow::Result<()> {
        let all = crate::db::org::all_settings(&self.db).await?;
        *self.settings.write().expect("settings lock") = Arc::new(all.into_iter().collect());
        Ok(())
    }

    pub fn setting(&self, key: &str) -> String {
        self.settings.read().expect("settings lock").get(key).cloned().unwrap_or_default()
    }
}
