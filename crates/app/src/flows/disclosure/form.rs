//! The item form as typed, and its validation into the metadata and row to store.

use super::*;

/// The item form as typed (raw strings; converted with checks in [`validate`]).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ItemForm {
    #[serde(default)]
    pub unit_id: String,
    #[serde(default)]
    pub catalog_node_id: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub doc_no: String,
    #[serde(default)]
    pub art20: String,
    #[serde(default)]
    pub genre: String,
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub validity: String,
    #[serde(default)]
    pub validity_since: String,
    #[serde(default)]
    pub validity_end: String,
    #[serde(default)]
    pub formed_on: String,
    #[serde(default)]
    pub written_on: String,
    // One checkbox per channel (HTML forms repeat keys, which urlencoded structs cannot collect).
    #[serde(default)]
    pub ch_website: Option<String>,
    #[serde(default)]
    pub ch_weibo: Option<String>,
    #[serde(default)]
    pub ch_wechat: Option<String>,
    #[serde(default)]
    pub ch_app: Option<String>,
    #[serde(default)]
    pub ch_other: Option<String>,
}

impl ItemForm {
    pub fn channels(&self) -> Vec<Channel> {
        let on = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.is_empty());
        [
            (Channel::Website, &self.ch_website),
            (Channel::Weibo, &self.ch_weibo),
            (Channel::WeChat, &self.ch_wechat),
            (Channel::App, &self.ch_app),
            (Channel::Other, &self.ch_other),
        ]
        .into_iter()
        .filter(|(_, v)| on(v))
        .map(|(c, _)| c)
        .collect()
    }

    /// The form filled from a stored item (for editing).
    pub fn from_row(r: &ItemRow) -> ItemForm {
        let has = |c: &str| r.channels.split(',').any(|x| x == c).then(|| "1".to_string());
        ItemForm {
            unit_id: r.unit_id.to_string(),
            catalog_node_id: r.catalog_node_id.map(|v| v.to_string()).unwrap_or_default(),
            title: r.title.clone(),
            summary: r.summary.clone(),
            body: r.body_html.clone(),
            doc_no: r.doc_no.clone(),
            art20: r.art20.clone(),
            genre: r.genre.clone(),
            subject: r.subject.clone(),
            validity: r.validity.clone(),
            validity_since: r.validity_since.clone().unwrap_or_default(),
            validity_end: r.validity_end.clone().unwrap_or_default(),
            formed_on: r.formed_on.clone(),
            written_on: r.written_on.clone().unwrap_or_default(),
            ch_website: has("website"),
            ch_weibo: has("weibo"),
            ch_wechat: has("wechat"),
            ch_app: has("app"),
            ch_other: has("other"),
        }
    }
}

/// The form, checked: the domain's metadata and the row to store.
pub fn validate(
    form: &ItemForm,
    unit_id: i64,
    calendar: &Calendar,
) -> std::result::Result<(ItemMetadata, NewItem), Vec<FieldError>> {
    let mut errors = vec![];
    let title = Title::parse(&form.title).map_err(|e| errors.push(FieldError::new("title", e.to_string()))).ok();
    let formed_on = parse_date(&form.formed_on);
    if formed_on.is_none() {
        errors.push(FieldError::new("formed_on", "请填写信息形成（或变更）日期，格式如 2020-09-28"));
    }
    let written_on = match form.written_on.trim() {
        "" => None,
        s => {
            let d = parse_date(s);
            if d.is_none() {
                errors.push(FieldError::new("written_on", "成文日期格式应如 2020-09-28"));
            }
            d
        }
    };
    let category = match form.art20.trim() {
        "" => None,
        c => {
            let v = Art20Category::from_code(c);
            if v.is_none() {
                errors.push(FieldError::new("art20", "请选择条例第二十条的公开事项"));
            }
            v
        }
    };
    let genre = Genre::from_code(form.genre.trim()).unwrap_or(Genre::Other);
    let subject = Subject::from_code(form.subject.trim()).unwrap_or(Subject::Other);
    let end = parse_date(&form.validity_end);
    let validity = match form.validity.trim() {
        "lapsed" | "repealed" if end.is_none() => {
            errors.push(FieldError::new("validity_end", "失效或废止须填写日期"));
            Validity::Effective { since: None }
        }
        "lapsed" => Validity::Lapsed { on: end.expect("checked") },
        "repealed" => Validity::Repealed { on: end.expect("checked") },
        _ => Validity::Effective { since: parse_date(&form.validity_since) },
    };
    let summary = form.summary.trim().to_string();
    if summary.chars().count() > 1000 {
        errors.push(FieldError::new("summary", "内容概述不超过1000字"));
    }
    let doc_no = form.doc_no.trim().to_string();
    if doc_no.chars().count() > 100 {
        errors.push(FieldError::new("doc_no", "发文字号过长"));
    }
    let catalog_node_id = form.catalog_node_id.trim().parse::<i64>().ok();
    let mut channels = form.channels();
    if channels.is_empty() {
        channels.push(Channel::Website);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let (title, formed_on) = (title.expect("checked"), formed_on.expect("checked"));
    let meta = ItemMetadata {
        title: title.clone(),
        formed_on,
        written_on,
        document_number: (!doc_no.is_empty()).then(|| doc_no.clone()),
        category,
        genre,
        subject,
        mode: PublicationMode::Proactive,
        validity,
        channels: channels.clone(),
    };
    let (since, vend) = match validity {
        Validity::Effective { since } => (since.map(|d| d.to_string()), None),
        Validity::Lapsed { on } | Validity::Repealed { on } => (None, Some(on.to_string())),
    };
    let row = NewItem {
        unit_id,
        catalog_node_id,
        title: title.as_str().to_string(),
        summary,
        body_html: sanitize_body(&form.body),
        doc_no,
        art20: category.map(|c| c.code().to_string()).unwrap_or_default(),
        genre: genre.code().into(),
        subject: subject.code().into(),
        mode: PublicationMode::Proactive.code().into(),
        validity: validity_code(validity).into(),
        validity_since: since,
        validity_end: vend,
        channels: channels_text(&channels),
        formed_on: formed_on.to_string(),
        written_on: written_on.map(|d| d.to_string()),
        due_on: due_date(calendar, formed_on).to_string(),
    };
    Ok((meta, row))
}
