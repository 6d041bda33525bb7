//! Users, server-side sessions (so any node serves any request), API tokens and login attempts
//! (throttling is counted in the database, so it holds across nodes).

use serde::Serialize;
use sqlx::Row;

use super::{Db, Tx, now_text};

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct UserRow {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    #[serde(skip)]
    pub password_hash: String,
    pub role: String,
    pub unit_id: Option<i64>,
    pub active: i64,
}

const USER_COLUMNS: &str = "user_id, username, display_name, password_hash, role, unit_id, active";

pub async fn insert_user(
    tx: &mut Tx<'_>,
    username: &str,
    display_name: &str,
    password_hash: &str,
    role: &str,
    unit_id: Option<i64>,
) -> Result<i64, sqlx::Error> {
    let now = now_text();
    sqlx::query(
        "INSERT INTO app_user (username, display_name, password_hash, role, unit_id, active, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, 1, $6, $6) RETURNING user_id",
    )
    .bind(username.to_string())
    .bind(display_name.to_string())
    .bind(password_hash.to_string())
    .bind(role.to_string())
    .bind(unit_id)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?
    .try_get(0)
}

pub async fn set_password(tx: &mut Tx<'_>, user_id: i64, password_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE app_user SET password_hash = $1, updated_at = $2 WHERE user_id = $3")
        .bind(password_hash.to_string())
        .bind(now_text())
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    // A new password ends every session of the account.
    sqlx::query("DELETE FROM session WHERE user_id = $1").bind(user_id).execute(&mut **tx).await?;
    Ok(())
}

pub async fn find_by_username(db: &Db, username: &str) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query_as::<_, UserRow>(sqlx::AssertSqlSafe(format!(
        "SELECT {USER_COLUMNS} FROM app_user WHERE username = $1"
    )))
    .bind(username.to_string())
    .fetch_optional(&db.pool)
    .await
}

pub async fn list(db: &Db) -> Result<Vec<UserRow>, sqlx::Error> {
    sqlx::query_as::<_, UserRow>(sqlx::AssertSqlSafe(format!("SELECT {USER_COLUMNS} FROM app_user ORDER BY user_id")))
        .fetch_all(&db.pool)
        .await
}

// --- sessions ---

pub async fn insert_session(
    tx: &mut Tx<'_>,
    session_hash: &str,
    user_id: i64,
    csrf: &str,
    ip: &str,
    expires_at: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO session (session_hash, user_id, csrf_token, ip, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(session_hash.to_string())
        .bind(user_id)
        .bind(csrf.to_string())
        .bind(ip.to_string())
        .bind(now_text())
        .bind(expires_at.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionUserRow {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub unit_id: Option<i64>,
    pub csrf_token: String,
}

/// The live session's user (expired sessions and deactivated users are not found).
pub async fn session_user(db: &Db, session_hash: &str, now: &str) -> Result<Option<SessionUserRow>, sqlx::Error> {
    sqlx::query_as::<_, SessionUserRow>(
        "SELECT u.user_id, u.username, u.display_name, u.role, u.unit_id, s.csrf_token
         FROM session s JOIN app_user u ON u.user_id = s.user_id
         WHERE s.session_hash = $1 AND s.expires_at > $2 AND u.active = 1",
    )
    .bind(session_hash.to_string())
    .bind(now.to_string())
    .fetch_optional(&db.pool)
    .await
}

pub async fn delete_session(db: &Db, session_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM session WHERE session_hash = $1").bind(session_hash.to_string()).execute(&db.pool).await?;
    Ok(())
}

// --- API tokens ---

pub async fn insert_token(
    tx: &mut Tx<'_>,
    user_id: i64,
    token_hash: &str,
    name: &str,
    expires_at: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "INSERT INTO api_token (user_id, token_hash, name, created_at, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING token_id",
    )
    .bind(user_id)
    .bind(token_hash.to_string())
    .bind(name.to_string())
    .bind(now_text())
    .bind(expires_at.to_string())
    .fetch_one(&mut **tx)
    .await?
    .try_get(0)
}

/// The user of a live token (expired or revoked tokens and deactivated users are not found).
pub async fn token_user(db: &Db, token_hash: &str) -> Result<Option<SessionUserRow>, sqlx::Error> {
    sqlx::query_as::<_, SessionUserRow>(
        "SELECT u.user_id, u.username, u.display_name, u.role, u.unit_id, '' AS csrf_token
         FROM api_token t JOIN app_user u ON u.user_id = t.user_id
         WHERE t.token_hash = $1 AND u.active = 1 AND t.revoked_at IS NULL AND t.expires_at > $2",
    )
    .bind(token_hash.to_string())
    .bind(now_text())
    .fetch_optional(&db.pool)
    .await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct TokenRow {
    pub token_id: i64,
    pub username: String,
    pub name: String,
    pub created_at: String,
    pub expires_at: String,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

pub async fn list_tokens(db: &Db) -> Result<Vec<TokenRow>, sqlx::Error> {
    sqlx::query_as::<_, TokenRow>(
        "SELECT t.token_id, u.username, t.name, t.created_at, t.expires_at, t.last_used_at, t.revoked_at
         FROM api_token t JOIN app_user u ON u.user_id = t.user_id ORDER BY t.token_id",
    )
    .fetch_all(&db.pool)
    .await
}

/// Revoke one token (`Some(id)`) or every live token of a user; returns how many.
pub async fn revoke_tokens(tx: &mut Tx<'_>, user_id: i64, token_id: Option<i64>) -> Result<u64, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE api_token SET revoked_at = $1 WHERE user_id = $2 AND ($3 IS NULL OR token_id = $3) AND revoked_at IS NULL",
    )
    .bind(now_text())
    .bind(user_id)
    .bind(token_id)
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected())
}

pub async fn token_owner(db: &Db, token_id: i64) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query("SELECT user_id FROM api_token WHERE token_id = $1")
        .bind(token_id)
        .fetch_optional(&db.pool)
        .await?
        .map(|r| r.try_get(0))
        .transpose()
}

pub async fn set_active(tx: &mut Tx<'_>, user_id: i64, active: bool) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE app_user SET active = $1, updated_at = $2 WHERE user_id = $3")
        .bind(i64::from(active))
        .bind(now_text())
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn get_user(db: &Db, user_id: i64) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query_as::<_, UserRow>(sqlx::AssertSqlSafe(format!("SELECT {USER_COLUMNS} FROM app_user WHERE user_id = $1")))
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await
}

/// End every session of a user (a password change, a deactivation).
pub async fn delete_sessions_of(tx: &mut Tx<'_>, user_id: i64) -> Result<u64, sqlx::Error> {
    let r = sqlx::query("DELETE FROM session WHERE user_id = $1").bind(user_id).execute(&mut **tx).await?;
    Ok(r.rows_affected())
}

// --- login attempts ---

/// Count one attempt for a throttle key, atomically (an upsert: two nodes or two requests never
/// read the same count). Returns the count including this attempt and the previous attempt's time.
pub async fn count_attempt(db: &Db, key: &str) -> Result<(i64, String), sqlx::Error> {
    let row = sqlx::query(
        "INSERT INTO login_throttle (key, attempts, last_at, prev_at) VALUES ($1, 1, $2, '')
         ON CONFLICT (key) DO UPDATE SET attempts = login_throttle.attempts + 1, prev_at = login_throttle.last_at, last_at = $2
         RETURNING attempts, prev_at",
    )
    .bind(key.to_string())
    .bind(now_text())
    .fetch_one(&db.write_pool)
    .await?;
    Ok((row.try_get(0)?, row.try_get(1)?))
}

/// Start a key's count again at one, if nobody counted in between (compare and set).
pub async fn restart_count(db: &Db, key: &str, seen: i64) -> Result<bool, sqlx::Error> {
    let r = sqlx::query("UPDATE login_throttle SET attempts = 1 WHERE key = $1 AND attempts = $2")
        .bind(key.to_string())
        .bind(seen)
        .execute(&db.write_pool)
        .await?;
    Ok(r.rows_affected() == 1)
}

/// A successful login clears its (account, address) count.
pub async fn clear_count(db: &Db, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM login_throttle WHERE key = $1").bind(key.to_string()).execute(&db.write_pool).await?;
    Ok(())
}

pub async fn record_login_attempt(db: &Db, username: &str, ip: &str, success: bool) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO login_attempt (username, ip, success, created_at) VALUES ($1, $2, $3, $4)")
        .bind(username.to_string())
        .bind(ip.to_string())
        .bind(i64::from(success))
        .bind(now_text())
        .execute(&db.write_pool)
        .await?;
    Ok(())
}
