//! Staff login: argon2 password hashes, server-side sessions in the database (any node serves
//! any request), throttling counted in the database per account and per address, API tokens
//! hashed at rest.

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use chrono::{Duration, Utc};
use gongkai_domain::org::Role;
use sha2::{Digest, Sha256};

use super::Actor;
use crate::db::{self, Db};
use crate::error::{AppError, FieldError, Result};

/// After this many failures in the window an account (or an address) must wait.
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
pub const MAX_FAILURES_PER_IP: i64 = 20;
pub const THROTTLE_WINDOW_MINUTES: i64 = 15;
pub const SESSION_HOURS: i64 = 12;

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

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
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
    let hash = hash_password(password)?;
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
    let hash = hash_password(password)?;
    let mut tx = db.begin().await?;
    db::user::set_password(&mut tx, user.user_id, &hash).await?;
    db::audit::record(&mut tx, actor, "user.password", "user", &user.user_id.to_string(), None, None).await?;
    tx.commit().await?;
    Ok(())
}

pub struct NewSession {
    pub token: String,
}

/// Check a login. Failures are counted per account and per address in the database; past the
/// limit even the right password is refused until the window has passed.
pub async fn login(db: &Db, username: &str, password: &str, ip: &str) -> Result<NewSession> {
    let since = (Utc::now() - Duration::minutes(THROTTLE_WINDOW_MINUTES)).format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string();
    let (by_user, by_ip) = db::user::recent_failures(db, username, ip, &since).await?;
    if by_user >= MAX_FAILURES_PER_ACCOUNT || by_ip >= MAX_FAILURES_PER_IP {
        return Err(AppError::TooManyRequests { retry_after: (THROTTLE_WINDOW_MINUTES * 60) as u64 });
    }
    let user = db::user::find_by_username(db, username).await?;
    let ok = match &user {
        Some(u) if u.active == 1 => verify_password(password, &u.password_hash),
        // Hash anyway so that timing does not tell which usernames exist.
        _ => {
            let _ = verify_password(
                password,
                "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0000000000000000000000000000000000000000000",
            );
            false
        }
    };
    db::user::record_login_attempt(db, username, ip, ok).await?;
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
    let mut tx = db.begin().await?;
    let id = db::user::insert_token(&mut tx, user.user_id, &digest(&token), name).await?;
    db::audit::record(
        &mut tx,
        actor,
        "token.create",
        "api_token",
        &id.to_string(),
        None,
        Some(&serde_json::json!({"user": username, "name": name})),
    )
    .await?;
    tx.commit().await?;
    Ok(token)
}
