//! The organisation: the government's settings and its units (单位), each change audited.

use gongkai_domain::org::{CreditCode, unit_kind_label};
use serde::Deserialize;

use super::Actor;
use crate::db::{self, Db, org::NewUnit};
use crate::error::{AppError, FieldError, Result};

pub use crate::db::org::UnitRow;

/// Every unit, in the government's order.
pub async fn units(db: &Db) -> Result<Vec<UnitRow>> {
    Ok(db::org::list_units(db).await?)
}

/// One unit, if it exists.
pub async fn unit(db: &Db, unit_id: i64) -> Result<Option<UnitRow>> {
    Ok(db::org::get_unit(db, unit_id).await?)
}

/// The unit of this exact name, if any.
pub async fn unit_by_name(db: &Db, name: &str) -> Result<Option<UnitRow>> {
    Ok(db::org::find_unit_by_name(db, name).await?)
}

/// How many units the government has.
pub async fn count_units(db: &Db) -> Result<i64> {
    Ok(db::org::count_units(db).await?)
}

pub use crate::db::audit::{AuditFilter, AuditRow, FeedRow};

/// The change feed after `seq`, oldest first (the public API's feed of what changed).
pub async fn feed_since(db: &Db, seq: i64, limit: i64) -> Result<Vec<FeedRow>> {
    Ok(db::audit::feed_since(db, seq, limit).await?)
}

/// The change feed's newest entry that can change a public page (the key of the public caches).
pub async fn public_feed_head(db: &Db) -> Result<i64> {
    Ok(db::audit::public_feed_head(db).await?)
}

/// The audit trail, filtered (the office's view).
pub async fn audit_trail(db: &Db, filter: &AuditFilter) -> Result<Vec<AuditRow>> {
    Ok(db::audit::list(db, filter).await?)
}

/// The unit form as typed (raw strings; converted with checks below).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct UnitForm {
    pub name: String,
    pub kind: String,
    pub credit_code: String,
    #[serde(default)]
    pub parent_id: String,
    #[serde(default)]
    pub sort_order: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub postcode: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub office_hours: String,
}

impl TryFrom<&UnitForm> for NewUnit {
    type Error = Vec<FieldError>;
    fn try_from(f: &UnitForm) -> std::result::Result<NewUnit, Vec<FieldError>> {
        let mut errors = vec![];
        let name = f.name.trim().to_string();
        if name.is_empty() || name.chars().count() > 100 {
            errors.push(FieldError::new("name", "请填写单位名称（不超过100字）"));
        }
        if unit_kind_label(&f.kind).is_none() {
            errors.push(FieldError::new("kind", "请选择单位类型"));
        }
        let credit_code = match CreditCode::parse(&f.credit_code) {
            Ok(c) => c.as_str().to_string(),
            Err(e) => {
                errors.push(FieldError::new("credit_code", e.to_string()));
                String::new()
            }
        };
        let parent_id = match f.parent_id.trim() {
            "" => None,
            s => match s.parse::<i64>() {
                Ok(v) => Some(v),
                Err(_) => {
                    errors.push(FieldError::new("parent_id", "上级单位无效"));
                    None
                }
            },
        };
        let sort_order = f.sort_order.trim().parse::<i64>().unwrap_or(0);
        let postcode = f.postcode.trim().to_string();
        let postcode_ok = postcode.is_empty() || (postcode.len() == 6 && postcode.bytes().all(|b| b.is_ascii_digit()));
        if !postcode_ok {
            errors.push(FieldError::new("postcode", "邮编应为6位数字"));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(NewUnit {
            name,
            kind: f.kind.clone(),
            credit_code,
            parent_id,
            sort_order,
            address: f.address.trim().into(),
            postcode,
            phone: f.phone.trim().into(),
            email: f.email.trim().into(),
            office_hours: f.office_hours.trim().into(),
        })
    }
}

pub async fn create_unit(db: &Db, actor: &Actor, form: &UnitForm) -> Result<i64> {
    if !actor.is_office() {
        return Err(AppError::Forbidden);
    }
    let unit = NewUnit::try_from(form).map_err(AppError::Invalid)?;
    let mut tx = db.begin().await?;
    let id = db::org::insert_unit(&mut tx, &unit).await?;
    let after = serde_json::to_value(form).ok();
    db::audit::record(&mut tx, actor, "unit.create", "unit", &id.to_string(), None, after.as_ref()).await?;
    db::audit::feed(&mut tx, "unit.changed", "unit", &id.to_string(), Some(id)).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn update_unit(db: &Db, actor: &Actor, unit_id: i64, form: &UnitForm) -> Result<()> {
    if !actor.is_office() {
        return Err(AppError::Forbidden);
    }
    let unit = NewUnit::try_from(form).map_err(AppError::Invalid)?;
    if unit.parent_id == Some(unit_id) {
        return Err(AppError::Invalid(vec![FieldError::new("parent_id", "上级单位不能是本单位")]));
    }
    let mut tx = db.begin().await?;
    let before = db::org::get_unit_tx(&mut tx, unit_id).await?.ok_or(AppError::NotFound)?;
    db::org::update_unit(&mut tx, unit_id, &unit).await?;
    let before = serde_json::to_value(&before).ok();
    let after = serde_json::to_value(form).ok();
    db::audit::record(&mut tx, actor, "unit.update", "unit", &unit_id.to_string(), before.as_ref(), after.as_ref())
        .await?;
    db::audit::feed(&mut tx, "unit.changed", "unit", &unit_id.to_string(), Some(unit_id)).await?;
    tx.commit().await?;
    Ok(())
}

impl serde::Serialize for UnitForm {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(6))?;
        m.serialize_entry("name", &self.name)?;
        m.serialize_entry("kind", &self.kind)?;
        m.serialize_entry("credit_code", &self.credit_code)?;
        m.serialize_entry("parent_id", &self.parent_id)?;
        m.serialize_entry("address", &self.address)?;
        m.serialize_entry("phone", &self.phone)?;
        m.end()
    }
}

/// Site settings the portal shows (the footer every government site carries) and the
/// government's own identity.
pub const SETTING_KEYS: [(&str, &str); 9] = [
    ("gov_name", "政府名称"),
    ("gov_code", "行政区划代码"),
    ("site_name", "网站名称"),
    ("host_org", "主办单位"),
    ("address", "地址"),
    ("postcode", "邮编"),
    ("site_code", "网站标识码"),
    ("icp", "ICP备案号"),
    ("police_record", "公安备案号"),
];

pub async fn save_settings(db: &Db, actor: &Actor, values: &[(String, String)]) -> Result<()> {
    if !actor.is_office() {
        return Err(AppError::Forbidden);
    }
    let mut tx = db.begin().await?;
    for (k, v) in values {
        if !SETTING_KEYS.iter().any(|(key, _)| key == k) {
            return Err(AppError::BadRequest(format!("未知设置项 {k}")));
        }
        db::org::put_setting(&mut tx, k, v.trim()).await?;
    }
    let after = serde_json::to_value(values).ok();
    db::audit::record(&mut tx, actor, "settings.update", "setting", "site", None, after.as_ref()).await?;
    tx.commit().await?;
    Ok(())
}
