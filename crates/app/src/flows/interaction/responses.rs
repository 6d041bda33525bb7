//! 常见问题 and the 回应关切 log.

use super::*;

pub use crate::db::interaction::{ConcernRow, FaqRow};

/// A message the public may read: published, or not found.
pub async fn published_message(db: &Db, id: i64) -> Result<MessageRow> {
    db::interaction::message(db, id).await?.filter(|m| m.status == MessageStatus::Published).ok_or(AppError::NotFound)
}

/// 常见问题, in their order.
pub async fn faqs(db: &Db) -> Result<Vec<FaqRow>> {
    Ok(db::interaction::faqs(db).await?)
}

/// The 回应关切 log, newest first.
pub async fn concerns(db: &Db) -> Result<Vec<ConcernRow>> {
    Ok(db::interaction::concerns(db, None).await?)
}

pub async fn add_faq(db: &Db, actor: &Actor, question: &str, answer: &str, message_id: Option<i64>) -> Result<i64> {
    if !actor.is_office() {
        return Err(AppError::Forbidden);
    }
    let (q, a) = (plain_text(question), plain_text(answer));
    if q.is_empty() || a.is_empty() {
        return Err(AppError::Invalid(vec![FieldError::new("question", "问题和答案都不能为空")]));
    }
    let (q, _) = gongkai_domain::privacy::mask_all(&q);
    let (a, _) = gongkai_domain::privacy::mask_all(&a);
    let mut tx = db.begin().await?;
    let id = db::interaction::insert_faq(&mut tx, &q, &a, message_id, 0).await?;
    db::audit::record(
        &mut tx,
        actor,
        "faq.create",
        "faq",
        &id.to_string(),
        None,
        Some(&serde_json::json!({"question": q, "message_id": message_id})),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn delete_faq(db: &Db, actor: &Actor, id: i64) -> Result<()> {
    if !actor.is_office() {
        return Err(AppError::Forbidden);
    }
    let mut tx = db.begin().await?;
    if db::interaction::delete_faq(&mut tx, id).await? == 0 {
        return Err(AppError::NotFound);
    }
    db::audit::record(&mut tx, actor, "faq.delete", "faq", &id.to_string(), None, None).await?;
    tx.commit().await?;
    Ok(())
}

pub const CONCERN_KINDS: [(&str, &str); 3] =
    [("press_conference", "新闻发布会"), ("opinion_response", "舆情回应"), ("press_qa", "答记者问")];

pub fn concern_label(code: &str) -> &'static str {
    CONCERN_KINDS.iter().find(|(c, _)| *c == code).map(|(_, l)| *l).unwrap_or("其他")
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ConcernForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub held_on: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub link: String,
    #[serde(default)]
    pub unit_id: String,
    #[serde(default)]
    pub summary: String,
}

pub async fn add_concern(db: &Db, actor: &Actor, f: &ConcernForm) -> Result<i64> {
    if actor.staff().is_none() {
        return Err(AppError::Forbidden);
    }
    let mut errors = vec![];
    if !CONCERN_KINDS.iter().any(|(c, _)| *c == f.kind) {
        errors.push(FieldError::new("kind", "请选择类型"));
    }
    let d = date(&f.held_on);
    if d.is_none() {
        errors.push(FieldError::new("held_on", "日期应为 YYYY-MM-DD"));
    }
    if f.title.trim().is_empty() {
        errors.push(FieldError::new("title", "请填写标题"));
    }
    let link = f.link.trim();
    let link_ok =
        link.is_empty() || link.starts_with("http://") || link.starts_with("https://") || link.starts_with('/');
    if !link_ok {
        errors.push(FieldError::new("link", "链接应以 http://、https:// 或 / 开头"));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let unit_id = f.unit_id.trim().parse::<i64>().ok().or(actor.unit_id);
    if let Some(u) = unit_id
        && !actor.is_office()
        && !actor.may_access_unit(u)
    {
        return Err(AppError::Forbidden);
    }
    let mut tx = db.begin().await?;
    let id = db::interaction::insert_concern(
        &mut tx,
        &f.kind,
        &d.map(|d| d.to_string()).unwrap_or_default(),
        &plain_text(&f.title),
        link,
        unit_id,
        &plain_text(&f.summary),
    )
    .await?;
    db::audit::record(
        &mut tx,
        actor,
        "concern.create",
        "concern_response",
        &id.to_string(),
        None,
        serde_json::to_value(f).ok().as_ref(),
    )
    .await?;
    db::audit::feed(&mut tx, "concern.changed", "concern_response", &id.to_string(), unit_id).await?;
    tx.commit().await?;
    Ok(id)
}
