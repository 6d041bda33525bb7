//! Staff login: argon2 password hashes, server-side sessions in the database (any node serves
//! any request), throttling counted in the database per account and per address, API tokens
//! hashed at rest.

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use chrono::{Duration, Utc};
use gongkai_domain::org::Role;
use gongkai_domain::throttle;
use sha2::{Digest, Sha256};

use super::Actor;
use crate::db::{self, Db};
use crate::error::{AppError, FieldError, Result};

pub const SESSION_HOURS: i64 = 12;
/// An API token lives this long unless revoked sooner.
pub const TOKEN_DAYS: i64 = 90;

/// Argon2 runs on the blocking pool, two at a time at most: a flood of logins waits here instead
/// of occupying the async workers that serve every other page.
static ARGON2_SLOTS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// `verify_password` off the async workers, bounded.
pub async fn verify_password_bounded(password: &str, hash: &str) -> bool {
    let Ok(_permit) = ARGON2_SLOTS.acquire().await else { return false };
    let (p, h) = (password.to_string(), hash.to_string());
    tokio::task::spawn_blocking(move || verify_password(&p, &h)).await.unwrap_or(false)
}

/// `hash_password` off the async workers, bounded.
pub async fn hash_password_bounded(password: &str) -> anyhow::Result<String> {
    let _permit = ARGON2_SLOTS.acquire().await?;
    let p = password.to_string();
    tokio::task::spawn_blocking(move || hash_password(&p)).await?
}

pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let hash =
        Argon2::default().hash_password(password.as_bytes()).map_err(|e| anyhow::anyhow!("hashing failed: {e}"))?;
    Ok(hash.to_string())
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    Argon2::default().verify_password(password.as_bytes(), hash).is_ok()
}

/// 32 random bytes as hex: session ids, CSRF tokens, API tokens, query secrets.
pub fn random_token() -> String {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).expect("the OS random source works");
    hex(&b)
}

/// Lower-case hexadecimal, two digits a byte (a `format!` a byte was 20,000 instructions a
/// token: every anonymous page view makes one).
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    s
}

/// What the database keeps of a secret: its SHA-256 (a stolen database yields no live session).
pub fn digest(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

pub fn validate_password(password: &str) -> std::result::Result<(), String> {
    if password.chars().count() < 10 {
        return Err("密码至少10位".into());
    }
    Ok(())
}

/// Add a staff account (CLI and admin page).
pub async fn add_user(
    db: &Db,
    actor: &Actor,
    username: &str,
    display_name: &str,
    password: &str,
    role: Role,
    unit_id: Option<i64>,
) -> Result<i64> {
    let mut errors = vec![];
    let username = username.trim();
    if username.is_empty()
        || username.len() > 64
        || !username.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
    {
        errors.push(FieldError::new("username", "用户名只能由字母、数字和 . _ - 组成，1–64 位"));
    }
    if display_name.trim().is_empty() {
        errors.push(FieldError::new("display_name", "请填写姓名"));
    }
    if let Err(m) = validate_password(password) {
        errors.push(FieldError::new("password", m));
    }
    match (role, unit_id) {
        (Role::Admin, _) => {}
        (_, None) => errors.push(FieldError::new("unit_id", "单位审核人和单位经办人必须属于一个单位")),
        (_, Some(u)) => {
            if db::org::get_unit(db, u).await?.is_none() {
                errors.push(FieldError::new("unit_id", "单位不存在"));
            }
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let hash = hash_password_bounded(password).await?;
    let mut tx = db.begin().await?;
    let unit_id = if role == Role::Admin { None } else { unit_id };
    let id = db::user::insert_user(&mut tx, username, display_name.trim(), &hash, role.code(), unit_id).await.map_err(
        |e| {
            if db::is_unique_violation(&e) {
                AppError::Conflict(format!("用户名 {username} 已存在"))
            } else {
                e.into()
            }
        },
    )?;
    let after = serde_json::json!({"username": username, "display_name": display_name, "role": role.code(), "unit_id": unit_id});
    db::audit::record(&mut tx, actor, "user.create", "user", &id.to_string(), None, Some(&after)).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn change_password(db: &Db, actor: &Actor, username: &str, password: &str) -> Result<()> {
    validate_password(password).map_err(|m| AppError::Invalid(vec![FieldError::new("password", m)]))?;
    let user = db::user::find_by_username(db, username).await?.ok_or(AppError::NotFound)?;
    let hash = hash_password_bounded(password).await?;
    let mut tx = db.begin().await?;
    db::user::set_password(&mut tx, user.user_id, &hash).await?;
    // A changed password ends every session and revokes every API token of the account.
    let sessions = db::user::delete_sessions_of(&mut tx, user.user_id).await?;
    let tokens = db::user::revoke_tokens(&mut tx, user.user_id, None).await?;
    db::audit::record(
        &mut tx,
        actor,
        "user.password",
        "user",
        &user.user_id.to_string(),
        None,
        Some(&serde_json::json!({"sessions_ended": sessions, "tokens_revoked": tokens})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Deactivate (停用) or reactivate an account, by the office. Deactivating ends every session and
/// revokes every API token of the account at once; audited.
pub async fn set_active(db: &Db, actor: &Actor, user_id: i64, active: bool) -> Result<()> {
    if !actor.is_office() && actor.user_id.is_some() {
        return Err(AppError::Forbidden);
    }
    let user = db::user::get_user(db, user_id).await?.ok_or(AppError::NotFound)?;
    if actor.user_id == Some(user_id) && !active {
        return Err(AppError::BadRequest("不能停用自己的账号".into()));
    }
    let mut tx = db.begin().await?;
    db::user::set_active(&mut tx, user.user_id, active).await?;
    let (sessions, tokens) = if active {
        (0, 0)
    } else {
        (
            db::user::delete_sessions_of(&mut tx, user.user_id).await?,
            db::user::revoke_tokens(&mut tx, user.user_id, None).await?,
        )
    };
    db::audit::record(
        &mut tx,
        actor,
        if active { "user.activate" } else { "user.deactivate" },
        "user",
        &user.user_id.to_string(),
        Some(&serde_json::json!({"active": user.active})),
        Some(&serde_json::json!({"active": active, "sessions_ended": sessions, "tokens_revoked": tokens})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn find_user(db: &Db, username: &str) -> Result<db::user::UserRow> {
    db::user::find_by_username(db, username)
        .await?
        .ok_or_else(|| AppError::BadRequest(format!("用户 {username} 不存在")))
}

pub struct NewSession {
    pub token: String,
}

/// SHA-256 of `text` keyed with the installation's secret `name` (secret ‖ text): a digest that
/// cannot be reversed by trying every value of a small space (all ID numbers) without the secret.
pub async fn keyed_digest(db: &Db, name: &str, text: &str) -> Result<String> {
    let secret = db::org::install_secret(db, name, &random_token()).await?; // read once per process
    Ok(digest(&format!("{secret}\u{1f}{text}")))
}

/// Count an attempt for a key before anything is checked; the domain decides whether it may be
/// evaluated (`gongkai_domain::throttle`).
pub async fn admit(db: &Db, key: &str, allowance: u32) -> Result<()> {
    let (n, prev_at) = db::user::count_attempt(db, key).await?;
    let since_previous = chrono::DateTime::parse_from_rfc3339(&prev_at)
        .map(|t| (Utc::now() - t.with_timezone(&Utc)).num_seconds())
        .unwrap_or(i64::MAX);
    match throttle::decide(u32::try_from(n).unwrap_or(u32::MAX), allowance, since_previous) {
        throttle::Decision::Evaluate => Ok(()),
        throttle::Decision::Restart => {
            if db::user::restart_count(db, key, n).await? {
                Ok(())
            } else {
                Err(AppError::TooManyRequests { retry_after: 1 })
            }
        }
        throttle::Decision::Refuse { retry_after } => {
            Err(AppError::TooManyRequests { retry_after: u64::try_from(retry_after).unwrap_or(1) })
        }
    }
}

/// Check a login. The attempt is counted in the database before the password is checked — per
/// (account, address) and per address — so parallel attempts cannot slip past the allowance and
/// nobody at another address can lock the account's owner out; the waits grow with each attempt
/// past the allowance. The password check runs on the blocking pool, two at a time.
pub async fn login(db: &Db, username: &str, password: &str, ip: &str) -> Result<NewSession> {
    let pair = format!("login:{ip}:{username}");
    admit(db, &format!("addr:{ip}"), throttle::PER_ADDRESS).await?;
    admit(db, &pair, throttle::PER_ACCOUNT_AND_ADDRESS).await?;
    let user = db::user::find_by_username(db, username).await?;
    let ok = match &user {
        Some(u) if u.active == 1 => verify_password_bounded(password, &u.password_hash).await,
        // Hash anyway so that timing does not tell which usernames exist.
        _ => {
            let _ = verify_password_bounded(
                password,
                "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0000000000000000000000000000000000000000000",
            )
            .await;
            false
        }
    };
    db::user::record_login_attempt(db, username, ip, ok).await?;
    if ok {
        db::user::clear_count(db, &pair).await?;
    }
    let Some(user) = user.filter(|_| ok) else {
        return Err(AppError::BadRequest("用户名或密码不正确".into()));
    };
    let token = random_token();
    let csrf = random_token();
    let expires = (Utc::now() + Duration::hours(SESSION_HOURS)).format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string();
    let actor = Actor {
        user_id: Some(user.user_id),
        username: user.username.clone(),
        display_name: user.display_name.clone(),
        role: Role::parse(&user.role),
        unit_id: user.unit_id,
        ip: ip.into(),
    };
    let mut tx = db.begin().await?;
    db::user::insert_session(&mut tx, &digest(&token), user.user_id, &csrf, ip, &expires).await?;
    db::audit::record(&mut tx, &actor, "session.login", "user", &user.user_id.to_string(), None, None).await?;
    tx.commit().await?;
    Ok(NewSession { token })
}

/// Create an API token for automation; the token is shown once, only its hash is kept.
pub async fn create_token(db: &Db, actor: &Actor, username: &str, name: &str) -> Result<String> {
    let user = db::user::find_by_username(db, username)
        .await?
        .ok_or_else(|| AppError::BadRequest(format!("用户 {username} 不存在")))?;
    let token = format!("gk_{}", random_token());
    let expires = (Utc::now() + Duration::days(TOKEN_DAYS)).format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string();
    let mut tx = db.begin().await?;
    let id = db::user::insert_token(&mut tx, user.user_id, &digest(&token), name, &expires).await?;
    db::audit::record(
        &mut tx,
        actor,
        "token.create",
        "api_token",
        &id.to_string(),
        None,
        Some(&serde_json::json!({"user": username, "name": name, "expires_at": expires})),
    )
    .await?;
    tx.commit().await?;
    Ok(token)
}

pub use crate::db::user::{TokenRow, UserRow};

/// Every staff account.
pub async fn users(db: &Db) -> Result<Vec<UserRow>> {
    Ok(db::user::list(db).await?)
}

pub async fn list_tokens(db: &Db) -> Result<Vec<TokenRow>> {
    Ok(db::user::list_tokens(db).await?)
}

/// Revoke a token by its number; audited.
pub async fn revoke_token(db: &Db, actor: &Actor, token_id: i64) -> Result<()> {
    let owner = db::user::token_owner(db, token_id).await?.ok_or(AppError::NotFound)?;
    let mut tx = db.begin().await?;
    db::user::revoke_tokens(&mut tx, owner, Some(token_id)).await?;
    db::audit::record(&mut tx, actor, "token.revoke", "api_token", &token_id.to_string(), None, None).await?;
    tx.commit().await?;
    Ok(())
}

/// A signed-in member of staff, found by a session cookie or an API token.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub unit_id: Option<i64>,
    /// The session's CSRF token; empty for an API token (token calls carry no cookie).
    pub csrf_token: String,
}

impl From<db::user::SessionUserRow> for SignedIn {
    fn from(row: db::user::SessionUserRow) -> SignedIn {
        SignedIn {
            user_id: row.user_id,
            username: row.username,
            display_name: row.display_name,
            // A role the database does not know gets the least: a clerk's.
            role: Role::parse(&row.role).unwrap_or(Role::Clerk),
            unit_id: row.unit_id,
            csrf_token: row.csrf_token,
        }
    }
}

/// Whose session this cookie's token opens (unexpired, active account), if anyone's.
pub async fn session_user(db: &Db, token: &str) -> Result<Option<SignedIn>> {
    Ok(db::user::session_user(db, &digest(token), &db::now_text()).await?.map(SignedIn::from))
}

/// Whose API token this bearer token is (unexpired, unrevoked, active account), if anyone's.
pub async fn token_user(db: &Db, bearer: &str) -> Result<Option<SignedIn>> {
    Ok(db::user::token_user(db, &digest(bearer)).await?.map(SignedIn::from))
}

/// End the session of this cookie's token; audited when someone was signed in with it.
pub async fn logout(db: &Db, actor: Option<&Actor>, token: &str) -> Result<()> {
    db::user::delete_session(db, &digest(token)).await?;
    if let Some(actor) = actor {
        let mut tx = db.begin().await?;
        db::audit::record(
            &mut tx,
            actor,
            "session.logout",
            "user",
            &actor.user_id.unwrap_or(0).to_string(),
            None,
            None,
        )
        .await?;
        tx.commit().await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn hex_is_two_lower_case_digits_a_byte() {
        assert_eq!(super::hex(&[0x00, 0x0f, 0x1a, 0xa0, 0xff]), "000f1aa0ff");
        assert_eq!(super::hex(&[]), "");
        let all: Vec<u8> = (0..=255).collect();
        let expected: String = all.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(super::hex(&all), expected);
        assert_eq!(super::random_token().len(), 64);
    }
}
