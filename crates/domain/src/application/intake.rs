//! The application as typed, checked field by field (条例第二十九条 lists what an application
//! contains; 第三十一条 when it counts as received). Every refusal names its field and says, in
//! Chinese, what is wrong; the public form, the JSON API and the staff registration share it.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{ApplicantKind, Channel, DeliveryForm, DeliveryMethod, IdDocumentKind, received_on};
use crate::FieldError;
use crate::org::{CreditCode, IdNumber};

/// The intake form, as typed (the public form, the JSON API and the staff registration).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ApplicationForm {
    #[serde(default)]
    pub applicant_kind: String,
    #[serde(default)]
    pub applicant_name: String,
    #[serde(default)]
    pub id_doc_kind: String,
    #[serde(default)]
    pub id_number: String,
    #[serde(default)]
    pub credit_code: String,
    #[serde(default)]
    pub contact_person: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub postcode: String,
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub doc_no: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub delivery_form: String,
    #[serde(default)]
    pub delivery_method: String,
    /// Staff registration only: how it came and when (条例第三十一条).
    #[serde(default)]
    pub channel: String,
    #[serde(default)]
    pub event_date: String,
    #[serde(default)]
    pub signed_date: String,
    #[serde(default)]
    pub unit_id: String,
    /// A random key the form carries, so a double click or a retry creates one application.
    #[serde(default)]
    pub idempotency_key: String,
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

fn valid_phone(p: &str) -> bool {
    let digits: String = p.chars().filter(|c| c.is_ascii_digit()).collect();
    (7..=15).contains(&digits.len()) && p.chars().all(|c| c.is_ascii_digit() || "-+ ()".contains(c))
}

/// A validated application, ready to store.
pub struct ValidApplication {
    pub kind: ApplicantKind,
    pub id_doc: IdDocumentKind,
    pub channel: Channel,
    pub received_on: NaiveDate,
    pub unit_id: Option<i64>,
    pub form: ApplicationForm,
}

/// Check every field (条例第二十九条 lists what an application contains) and say, per field, in
/// Chinese, what is wrong.
pub fn validate(
    form: &ApplicationForm,
    staff_registration: bool,
    today: NaiveDate,
) -> std::result::Result<ValidApplication, Vec<FieldError>> {
    let mut errors = vec![];
    let mut f = form.clone();
    for s in [
        &mut f.applicant_name,
        &mut f.id_number,
        &mut f.credit_code,
        &mut f.contact_person,
        &mut f.phone,
        &mut f.email,
        &mut f.address,
        &mut f.postcode,
        &mut f.subject,
        &mut f.doc_no,
        &mut f.description,
    ] {
        *s = s.trim().to_string();
    }
    let kind = ApplicantKind::from_code(&f.applicant_kind);
    if kind.is_err() {
        errors.push(FieldError::new("applicant_kind", "请选择申请人类型（自然人或法人/其他组织的类别）"));
    }
    if f.applicant_name.is_empty() || f.applicant_name.chars().count() > 100 {
        errors.push(FieldError::new("applicant_name", "请填写申请人姓名或名称（不超过100字）"));
    }
    let id_doc = IdDocumentKind::from_code(&f.id_doc_kind);
    match (&kind, &id_doc) {
        (Ok(k), _) if !k.is_natural_person() => {
            match CreditCode::parse(&f.credit_code) {
                Ok(c) => f.credit_code = c.as_str().to_string(),
                Err(e) => {
                    errors.push(FieldError::new("credit_code", format!("{e}（法人或其他组织须填写统一社会信用代码）")));
                }
            }
            if f.contact_person.is_empty() {
                errors.push(FieldError::new("contact_person", "请填写联系人姓名"));
            }
        }
        _ => {}
    }
    match &id_doc {
        Err(_) => errors.push(FieldError::new("id_doc_kind", "请选择身份证件类型")),
        Ok(IdDocumentKind::ResidentIdCard) => match IdNumber::parse(&f.id_number) {
            Ok(id) => f.id_number = id.as_str().to_string(),
            Err(e) => errors.push(FieldError::new("id_number", format!("{e}，请核对"))),
        },
        Ok(_) => {
            if f.id_number.len() < 5
                || f.id_number.len() > 30
                || !f.id_number.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            {
                errors.push(FieldError::new("id_number", "证件号码应为5–30位字母或数字"));
            }
        }
    }
    if !valid_phone(&f.phone) {
        errors.push(FieldError::new("phone", "请填写有效的联系电话"));
    }
    if !f.email.is_empty() && (!f.email.contains('@') || f.email.len() > 200) {
        errors.push(FieldError::new("email", "电子邮箱格式不正确"));
    }
    let postcode_ok =
        f.postcode.is_empty() || (f.postcode.len() == 6 && f.postcode.bytes().all(|b| b.is_ascii_digit()));
    if !postcode_ok {
        errors.push(FieldError::new("postcode", "邮编应为6位数字"));
    }
    if f.subject.is_empty() && f.doc_no.is_empty() && f.description.is_empty() {
        errors.push(FieldError::new(
            "subject",
            "请填写所需政府信息的名称、文号或者便于查询的其他特征性描述（条例第二十九条）",
        ));
    }
    if f.subject.chars().count() > 500 || f.description.chars().count() > 5000 || f.doc_no.chars().count() > 100 {
        errors.push(FieldError::new("description", "所需信息的名称不超过500字，描述不超过5000字"));
    }
    let form_ok = DeliveryForm::from_code(&f.delivery_form).is_ok();
    if !form_ok {
        errors.push(FieldError::new("delivery_form", "请选择信息的提供形式"));
    }
    let method = DeliveryMethod::from_code(&f.delivery_method);
    match &method {
        Err(_) => errors.push(FieldError::new("delivery_method", "请选择获取信息的方式")),
        Ok(DeliveryMethod::Post) if f.address.is_empty() => {
            errors.push(FieldError::new("address", "选择邮寄的，请填写通信地址"));
        }
        Ok(DeliveryMethod::Email) if f.email.is_empty() => {
            errors.push(FieldError::new("email", "选择电子邮件的，请填写电子邮箱"));
        }
        _ => {}
    }
    let (channel, received_on) = if staff_registration {
        let channel = Channel::from_code(&f.channel);
        if channel.is_err() {
            errors.push(FieldError::new("channel", "请选择申请渠道"));
        }
        let event = parse_date(&f.event_date);
        match event {
            None => errors.push(FieldError::new("event_date", "请填写收到（或签收、确认）申请的日期")),
            Some(d) if d > today => errors.push(FieldError::new("event_date", "日期不能晚于今天")),
            _ => {}
        }
        let signed = if f.signed_date.trim().is_empty() { None } else { parse_date(&f.signed_date) };
        if !f.signed_date.trim().is_empty() && signed.is_none() {
            errors.push(FieldError::new("signed_date", "签收日期格式应为 YYYY-MM-DD"));
        }
        match (channel, event) {
            (Ok(c), Some(d)) => (c, received_on(c, d, signed)),
            _ => (Channel::Online, today),
        }
    } else {
        // 条例第三十一条第三项: online applications are received on the day the system confirms them.
        (Channel::Online, received_on(Channel::Online, today, None))
    };
    let unit_id = match f.unit_id.trim() {
        "" => None,
        s => match s.parse::<i64>() {
            Ok(v) => Some(v),
            Err(_) => {
                errors.push(FieldError::new("unit_id", "受理单位无效"));
                None
            }
        },
    };
    if !f.idempotency_key.is_empty()
        && (f.idempotency_key.len() > 100 || !f.idempotency_key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
    {
        errors.push(FieldError::new("idempotency_key", "请求标识无效"));
    }
    let (Ok(kind), Ok(id_doc)) = (kind, id_doc) else { return Err(errors) };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(ValidApplication { kind, id_doc, channel, received_on, unit_id, form: f })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()
    }

    fn id_number() -> String {
        crate::org::complete_id_number("41048219850101001").unwrap().as_str().to_string()
    }

    /// A complete form a citizen would send: nothing is refused, so any refusal below comes from
    /// the one field changed.
    fn complete() -> ApplicationForm {
        ApplicationForm {
            applicant_kind: "natural_person".into(),
            applicant_name: "  张三 ".into(),
            id_doc_kind: "resident_id_card".into(),
            id_number: id_number(),
            phone: "13912345678".into(),
            subject: "2025年度城乡居民最低生活保障资金发放情况".into(),
            delivery_form: "electronic".into(),
            delivery_method: "online".into(),
            ..ApplicationForm::default()
        }
    }

    fn refused(f: &ApplicationForm, staff: bool) -> Vec<(String, String)> {
        match validate(f, staff, today()) {
            Ok(_) => vec![],
            Err(e) => e.into_iter().map(|e| (e.field, e.message)).collect(),
        }
    }

    fn one(f: &ApplicationForm, staff: bool, field: &str, message: &str) {
        let got = refused(f, staff);
        assert_eq!(got, vec![(field.to_string(), message.to_string())], "{f:?}");
    }

    #[test]
    fn a_complete_form_is_taken_trimmed_and_received_today_online() {
        let v = validate(&complete(), false, today()).unwrap();
        assert_eq!(v.form.applicant_name, "张三");
        assert_eq!(v.kind, ApplicantKind::NaturalPerson);
        assert_eq!(v.id_doc, IdDocumentKind::ResidentIdCard);
        assert_eq!((v.channel, v.received_on, v.unit_id), (Channel::Online, today(), None));
    }

    #[test]
    fn each_field_is_refused_with_its_own_sentence() {
        let mut f = complete();
        f.applicant_kind = "total".into();
        one(&f, false, "applicant_kind", "请选择申请人类型（自然人或法人/其他组织的类别）");

        let mut f = complete();
        f.applicant_name = " ".into();
        one(&f, false, "applicant_name", "请填写申请人姓名或名称（不超过100字）");
        f.applicant_name = "名".repeat(101);
        one(&f, false, "applicant_name", "请填写申请人姓名或名称（不超过100字）");

        let mut f = complete();
        f.id_doc_kind = "library_card".into();
        one(&f, false, "id_doc_kind", "请选择身份证件类型");

        let mut f = complete();
        f.id_doc_kind = "passport".into();
        f.id_number = "E12".into();
        one(&f, false, "id_number", "证件号码应为5–30位字母或数字");
        f.id_number = "E1234567".into();
        assert!(refused(&f, false).is_empty(), "a passport number is taken as typed");

        let mut f = complete();
        f.id_number = "410482198501010010".into();
        let got = refused(&f, false);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, "id_number");
        assert!(got[0].1.ends_with("，请核对"), "{got:?}");

        let mut f = complete();
        f.phone = "12".into();
        one(&f, false, "phone", "请填写有效的联系电话");

        let mut f = complete();
        f.email = "nobody".into();
        one(&f, false, "email", "电子邮箱格式不正确");

        let mut f = complete();
        f.postcode = "4671".into();
        one(&f, false, "postcode", "邮编应为6位数字");

        let mut f = complete();
        f.subject = String::new();
        one(&f, false, "subject", "请填写所需政府信息的名称、文号或者便于查询的其他特征性描述（条例第二十九条）");
        f.doc_no = "汝政〔2020〕1号".into();
        assert!(refused(&f, false).is_empty(), "a 文号 alone describes the information");

        let mut f = complete();
        f.description = "述".repeat(5001);
        one(&f, false, "description", "所需信息的名称不超过500字，描述不超过5000字");

        let mut f = complete();
        f.delivery_form = "carrier_pigeon".into();
        one(&f, false, "delivery_form", "请选择信息的提供形式");

        let mut f = complete();
        f.delivery_method = "telepathy".into();
        one(&f, false, "delivery_method", "请选择获取信息的方式");
        f.delivery_method = "post".into();
        one(&f, false, "address", "选择邮寄的，请填写通信地址");
        f.delivery_method = "email".into();
        one(&f, false, "email", "选择电子邮件的，请填写电子邮箱");

        let mut f = complete();
        f.unit_id = "甲".into();
        one(&f, false, "unit_id", "受理单位无效");

        let mut f = complete();
        f.idempotency_key = "bad key!".into();
        one(&f, false, "idempotency_key", "请求标识无效");
    }

    #[test]
    fn an_organisation_needs_its_credit_code_and_a_contact_person() {
        let mut f = complete();
        f.applicant_kind = "commercial".into();
        let got = refused(&f, false);
        let fields: Vec<&str> = got.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(fields, ["credit_code", "contact_person"], "{got:?}");
        assert!(got[0].1.ends_with("（法人或其他组织须填写统一社会信用代码）"));
        assert_eq!(got[1].1, "请填写联系人姓名");
    }

    #[test]
    fn staff_registration_needs_the_channel_and_a_date_not_in_the_future() {
        let mut f = complete();
        f.event_date = "2026-02-26".into();
        one(&f, true, "channel", "请选择申请渠道");
        f.event_date = String::new();
        f.channel = "letter".into();
        let got = refused(&f, true);
        assert_eq!(got, vec![("event_date".to_string(), "请填写收到（或签收、确认）申请的日期".to_string())]);
        f.event_date = "2026-03-09".into();
        one(&f, true, "event_date", "日期不能晚于今天");
        f.event_date = "2026-02-26".into();
        f.signed_date = "26/02".into();
        one(&f, true, "signed_date", "签收日期格式应为 YYYY-MM-DD");
        f.signed_date = "2026-02-27".into();
        let v = validate(&f, true, today()).unwrap();
        assert_eq!((v.channel, v.received_on), (Channel::Letter, NaiveDate::from_ymd_opt(2026, 2, 27).unwrap()));
    }
}
