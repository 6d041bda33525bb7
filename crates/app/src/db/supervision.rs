//! 监督考核 storage: 政务新媒体 accounts and posts, monthly report versions, spot checks and their
//! findings, training records; plus the per-unit counts the monthly report reads from the
//! application tables.

use gongkai_domain::supervision::RectificationStatus;
use serde::Serialize;

use super::{Db, Tx, now_text};

// --- 政务新媒体 ---

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct AccountRow {
    pub new_media_account_id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub platform: String,
    pub name: String,
    pub manager: String,
    pub opened_on: String,
    pub closed_on: Option<String>,
    pub last_post: Option<String>,
    pub posts: i64,
}

const ACCOUNT_SELECT: &str = "SELECT a.new_media_account_id, a.unit_id, u.name AS unit_name, a.platform, a.name, a.manager, a.opened_on, a.closed_on,
    (SELECT MAX(p.posted_on) FROM new_media_post p WHERE p.new_media_account_id = a.new_media_account_id AND p.posted_on <= $1) AS last_post,
    (SELECT COUNT(*) FROM new_media_post p WHERE p.new_media_account_id = a.new_media_account_id) AS posts
    FROM new_media_account a JOIN unit u ON u.unit_id = a.unit_id";

/// All accounts with their last post on or before `as_of` (so a past month can be re-inspected).
pub async fn accounts(db: &Db, as_of: &str) -> Result<Vec<AccountRow>, sqlx::Error> {
    sqlx::query_as::<_, AccountRow>(sqlx::AssertSqlSafe(format!(
        "{ACCOUNT_SELECT} ORDER BY u.sort_order, a.platform, a.name"
    )))
    .bind(as_of.to_string())
    .fetch_all(&db.pool)
    .await
}

pub async fn account(db: &Db, id: i64, as_of: &str) -> Result<Option<AccountRow>, sqlx::Error> {
    sqlx::query_as::<_, AccountRow>(sqlx::AssertSqlSafe(format!("{ACCOUNT_SELECT} WHERE a.new_media_account_id = $2")))
        .bind(as_of.to_string())
        .bind(id)
        .fetch_optional(&db.pool)
        .await
}

pub struct NewAccount<'a> {
    pub unit_id: i64,
    pub platform: &'a str,
    pub name: &'a str,
    pub manager: &'a str,
    pub opened_on: &'a str,
}

pub async fn insert_account(tx: &mut Tx<'_>, a: &NewAccount<'_>) -> Result<i64, sqlx::Error> {
    let now = now_text();
    sqlx::query_scalar(
        "INSERT INTO new_media_account (unit_id, platform, name, manager, opened_on, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING new_media_account_id",
    )
    .bind(a.unit_id)
    .bind(a.platform.to_string())
    .bind(a.name.to_string())
    .bind(a.manager.to_string())
    .bind(a.opened_on.to_string())
    .bind(now)
    .fetch_one(&mut **tx)
    .await
}

pub async fn update_account(
    tx: &mut Tx<'_>,
    id: i64,
    manager: &str,
    closed_on: Option<&str>,
) -> Result<u64, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE new_media_account SET manager = $1, closed_on = $2, updated_at = $3 WHERE new_media_account_id = $4",
    )
    .bind(manager.to_string())
    .bind(closed_on.map(str::to_string))
    .bind(now_text())
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected())
}

/// Log a post; false when the same post (account, day, title) is already logged.
pub async fn insert_post(
    tx: &mut Tx<'_>,
    account_id: i64,
    posted_on: &str,
    title: &str,
    url: &str,
    source: &str,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "INSERT INTO new_media_post (new_media_account_id, posted_on, title, url, source, created_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (new_media_account_id, posted_on, title) DO NOTHING",
    )
    .bind(account_id)
    .bind(posted_on.to_string())
    .bind(title.to_string())
    .bind(url.to_string())
    .bind(source.to_string())
    .bind(now_text())
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() > 0)
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct PostRow {
    pub new_media_post_id: i64,
    pub posted_on: String,
    pub title: String,
    pub url: String,
    pub source: String,
}

pub async fn posts(db: &Db, account_id: i64, limit: i64) -> Result<Vec<PostRow>, sqlx::Error> {
    sqlx::query_as::<_, PostRow>(
        "SELECT new_media_post_id, posted_on, title, url, source FROM new_media_post WHERE new_media_account_id = $1 ORDER BY posted_on DESC, new_media_post_id DESC LIMIT $2",
    )
    .bind(account_id)
    .bind(limit)
    .fetch_all(&db.pool)
    .await
}

// --- applications, per unit (read-only; the application tables belong to 依申请公开) ---

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApplicationDates {
    pub unit_id: Option<i64>,
    pub received_on: String,
    pub finished_on: Option<String>,
    pub due_on: Option<String>,
}

/// Applications received on or before `to` and not finished before `from`: everything that
/// touches a month.
pub async fn application_dates(db: &Db, from: &str, to: &str) -> Result<Vec<ApplicationDates>, sqlx::Error> {
    sqlx::query_as::<_, ApplicationDates>(
        "SELECT unit_id, received_on, finished_on, due_on FROM application WHERE received_on <= $2 AND (finished_on IS NULL OR finished_on >= $1)",
    )
    .bind(from.to_string())
    .bind(to.to_string())
    .fetch_all(&db.pool)
    .await
}

// --- monthly reports ---

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct MonthlyReportRow {
    pub monthly_report_id: i64,
    pub month: String,
    pub version: i64,
    pub reason: Option<String>,
    pub figures_json: String,
    pub config_json: String,
    pub created_by: String,
    pub created_at: String,
}

const MR_COLS: &str = "monthly_report_id, month, version, reason, figures_json, config_json, created_by, created_at";

pub async fn monthly_versions(db: &Db, month: &str) -> Result<Vec<MonthlyReportRow>, sqlx::Error> {
    sqlx::query_as::<_, MonthlyReportRow>(sqlx::AssertSqlSafe(format!(
        "SELECT {MR_COLS} FROM monthly_report WHERE month = $1 ORDER BY version DESC"
    )))
    .bind(month.to_string())
    .fetch_all(&db.pool)
    .await
}

/// The latest version of every issued month, newest month first.
pub async fn monthly_latest(db: &Db) -> Result<Vec<MonthlyReportRow>, sqlx::Error> {
    sqlx::query_as::<_, MonthlyReportRow>(sqlx::AssertSqlSafe(format!(
        "SELECT {MR_COLS} FROM monthly_report m WHERE version = (SELECT MAX(version) FROM monthly_report x WHERE x.month = m.month) ORDER BY month DESC"
    )))
    .fetch_all(&db.pool)
    .await
}

pub async fn insert_monthly(
    tx: &mut Tx<'_>,
    month: &str,
    version: i64,
    reason: Option<&str>,
    figures_json: &str,
    config_json: &str,
    by: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO monthly_report (month, version, reason, figures_json, config_json, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING monthly_report_id",
    )
    .bind(month.to_string())
    .bind(version)
    .bind(reason.map(str::to_string))
    .bind(figures_json.to_string())
    .bind(config_json.to_string())
    .bind(by.to_string())
    .bind(now_text())
    .fetch_one(&mut **tx)
    .await
}

// --- spot checks and findings ---

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct SpotCheckRow {
    pub spot_check_id: i64,
    pub checked_on: String,
    pub title: String,
    pub scope: String,
    pub inspectors: String,
    pub draw_seed: Option<String>,
    pub draw_population_json: Option<String>,
    pub draw_result_json: Option<String>,
    pub bulletin: String,
    pub published_on: Option<String>,
}

const SC_COLS: &str = "spot_check_id, checked_on, title, scope, inspectors, draw_seed, draw_population_json, draw_result_json, bulletin, published_on";

pub async fn spot_checks(db: &Db) -> Result<Vec<SpotCheckRow>, sqlx::Error> {
    sqlx::query_as::<_, SpotCheckRow>(sqlx::AssertSqlSafe(format!(
        "SELECT {SC_COLS} FROM spot_check ORDER BY checked_on DESC, spot_check_id DESC"
    )))
    .fetch_all(&db.pool)
    .await
}

pub async fn spot_check(db: &Db, id: i64) -> Result<Option<SpotCheckRow>, sqlx::Error> {
    sqlx::query_as::<_, SpotCheckRow>(sqlx::AssertSqlSafe(format!(
        "SELECT {SC_COLS} FROM spot_check WHERE spot_check_id = $1"
    )))
    .bind(id)
    .fetch_optional(&db.pool)
    .await
}

pub struct NewSpotCheck<'a> {
    pub checked_on: &'a str,
    pub title: &'a str,
    pub scope: &'a str,
    pub inspectors: &'a str,
    pub draw_seed: Option<String>,
    pub draw_population_json: Option<String>,
    pub draw_result_json: Option<String>,
}

pub async fn insert_spot_check(tx: &mut Tx<'_>, c: &NewSpotCheck<'_>) -> Result<i64, sqlx::Error> {
    let now = now_text();
    sqlx::query_scalar(
        "INSERT INTO spot_check (checked_on, title, scope, inspectors, draw_seed, draw_population_json, draw_result_json, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING spot_check_id",
    )
    .bind(c.checked_on.to_string())
    .bind(c.title.to_string())
    .bind(c.scope.to_string())
    .bind(c.inspectors.to_string())
    .bind(c.draw_seed.clone())
    .bind(c.draw_population_json.clone())
    .bind(c.draw_result_json.clone())
    .bind(now)
    .fetch_one(&mut **tx)
    .await
}

pub async fn publish_spot_check(
    tx: &mut Tx<'_>,
    id: i64,
    bulletin: &str,
    published_on: &str,
) -> Result<u64, sqlx::Error> {
    let r =
        sqlx::query("UPDATE spot_check SET bulletin = $1, published_on = $2, updated_at = $3 WHERE spot_check_id = $4")
            .bind(bulletin.to_string())
            .bind(published_on.to_string())
            .bind(now_text())
            .bind(id)
            .execute(&mut **tx)
            .await?;
    Ok(r.rows_affected())
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct FindingRow {
    pub finding_id: i64,
    pub spot_check_id: i64,
    pub check_title: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub rule: String,
    pub description: String,
    pub found_on: String,
    pub working_days: i64,
    pub due_on: String,
    #[sqlx(try_from = "String")]
    pub status: RectificationStatus,
    pub evidence: String,
    pub submitted_on: Option<String>,
    pub return_reason: String,
    pub closed_on: Option<String>,
}

const F_SELECT: &str = "SELECT f.finding_id, f.spot_check_id, c.title AS check_title, f.unit_id, u.name AS unit_name, f.rule, f.description, f.found_on,
    f.working_days, f.due_on, f.status, f.evidence, f.submitted_on, f.return_reason, f.closed_on
    FROM finding f JOIN unit u ON u.unit_id = f.unit_id JOIN spot_check c ON c.spot_check_id = f.spot_check_id";

pub async fn findings(
    db: &Db,
    spot_check_id: Option<i64>,
    unit_id: Option<i64>,
) -> Result<Vec<FindingRow>, sqlx::Error> {
    sqlx::query_as::<_, FindingRow>(sqlx::AssertSqlSafe(format!(
        "{F_SELECT} WHERE ($1 IS NULL OR f.spot_check_id = $1) AND ($2 IS NULL OR f.unit_id = $2) ORDER BY f.due_on, f.finding_id"
    )))
    .bind(spot_check_id)
    .bind(unit_id)
    .fetch_all(&db.pool)
    .await
}

pub async fn finding_tx(tx: &mut Tx<'_>, id: i64) -> Result<Option<FindingRow>, sqlx::Error> {
    sqlx::query_as::<_, FindingRow>(sqlx::AssertSqlSafe(format!("{F_SELECT} WHERE f.finding_id = $1")))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await
}

pub struct NewFinding<'a> {
    pub spot_check_id: i64,
    pub unit_id: i64,
    pub rule: &'a str,
    pub description: &'a str,
    pub found_on: &'a str,
    pub working_days: i64,
    pub due_on: &'a str,
}

pub async fn insert_finding(tx: &mut Tx<'_>, f: &NewFinding<'_>) -> Result<i64, sqlx::Error> {
    let now = now_text();
    sqlx::query_scalar(
        "INSERT INTO finding (spot_check_id, unit_id, rule, description, found_on, working_days, due_on, status, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $8) RETURNING finding_id",
    )
    .bind(f.spot_check_id)
    .bind(f.unit_id)
    .bind(f.rule.to_string())
    .bind(f.description.to_string())
    .bind(f.found_on.to_string())
    .bind(f.working_days)
    .bind(f.due_on.to_string())
    .bind(now)
    .fetch_one(&mut **tx)
    .await
}

/// Move a finding on, guarded by the status it had when loaded.
#[allow(clippy::too_many_arguments)]
pub async fn update_finding(
    tx: &mut Tx<'_>,
    id: i64,
    expected_status: RectificationStatus,
    status: RectificationStatus,
    evidence: &str,
    submitted_on: Option<&str>,
    return_reason: &str,
    closed_on: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE finding SET status = $1, evidence = $2, submitted_on = $3, return_reason = $4, closed_on = $5, updated_at = $6
         WHERE finding_id = $7 AND status = $8",
    )
    .bind(status.code())
    .bind(evidence.to_string())
    .bind(submitted_on.map(str::to_string))
    .bind(return_reason.to_string())
    .bind(closed_on.map(str::to_string))
    .bind(now_text())
    .bind(id)
    .bind(expected_status.code())
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

// --- training ---

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct TrainingRow {
    pub training_id: i64,
    pub kind: String,
    pub held_on: String,
    pub topic: String,
    pub units: String,
    pub participants: i64,
    pub note: String,
}

pub async fn trainings(db: &Db, year: Option<i32>) -> Result<Vec<TrainingRow>, sqlx::Error> {
    let prefix = year.map(|y| format!("{y}-%")).unwrap_or_else(|| "%".into());
    sqlx::query_as::<_, TrainingRow>("SELECT training_id, kind, held_on, topic, units, participants, note FROM training WHERE held_on LIKE $1 ORDER BY held_on DESC")
        .bind(prefix)
        .fetch_all(&db.pool)
        .await
}

pub async fn insert_training(
    tx: &mut Tx<'_>,
    kind: &str,
    held_on: &str,
    topic: &str,
    units: &str,
    participants: i64,
    note: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO training (kind, held_on, topic, units, participants, note, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING training_id",
    )
    .bind(kind.to_string())
    .bind(held_on.to_string())
    .bind(topic.to_string())
    .bind(units.to_string())
    .bind(participants)
    .bind(note.to_string())
    .bind(now_text())
    .fetch_one(&mut **tx)
    .await
}

/// Posts logged by the 政务新媒体 accounts of a scope in a year, by platform code (section 一's
/// channel counts, issue 17 §2).
pub async fn posts_by_platform(db: &Db, unit_id: Option<i64>, year: i32) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as::<_, (String, i64)>(
        "SELECT a.platform, COUNT(*) FROM new_media_post p JOIN new_media_account a ON a.new_media_account_id = p.new_media_account_id
         WHERE p.posted_on >= $1 AND p.posted_on <= $2 AND ($3 = 0 OR a.unit_id = $4) GROUP BY a.platform ORDER BY a.platform",
    )
    .bind(format!("{year}-01-01"))
    .bind(format!("{year}-12-31"))
    .bind(i64::from(unit_id.is_some()))
    .bind(unit_id.unwrap_or(0))
    .fetch_all(&db.pool)
    .await
}
