//! Migrating a legacy site's published items (`gongkai import items FILE.jsonl`): one JSON object
//! per line, read into a [`LegacyItem`] or a message naming what is wrong with the line. The
//! 索引号 is the item's key (a second run adds nothing); its 前段码 names the publishing unit where
//! it is a 统一社会信用代码. Attachments are files beside the JSONL file: a path that is absolute or
//! climbs out of that folder (`..`) is refused, so a legacy export can never make the platform read
//! and publish a file of the server's own. Pure: the caller reads the files. Fuzzed:
//! `fuzz/fuzz_targets/items_jsonl.rs`.

use chrono::NaiveDate;
use serde::Deserialize;

use super::{Art20Category, IndexNumber, IndexNumberError, UnitCode, Validity};

/// A checked line of the import file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegacyItem {
    pub index_no: String,
    /// The 统一社会信用代码 the 索引号 starts with, when it does (a 9-character 组织机构代码 or a
    /// legacy local number names no unit).
    pub index_unit_code: Option<String>,
    pub title: String,
    pub publisher: String,
    /// The legacy category as written (a catalog node's code or title when it is no Art. 20 item).
    pub category: String,
    pub art20: Option<Art20Category>,
    pub doc_no: String,
    pub published: NaiveDate,
    pub body: String,
    pub summary: String,
    pub validity: Validity,
    /// 成文日期 as written (the item form checks it); empty when the line has none.
    pub written: String,
    pub attachments: Vec<AttachmentRef>,
}

/// An attachment: its path relative to the import file's folder, and the name to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentRef {
    pub path: String,
    pub name: String,
}

#[derive(Debug, Deserialize)]
struct Line {
    index_no: String,
    title: String,
    publisher: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    doc_no: String,
    published: String,
    body: String,
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    validity: Option<String>,
    #[serde(default)]
    written: Option<String>,
    #[serde(default)]
    attachments: Vec<RawAttachment>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawAttachment {
    Path(String),
    Named { path: String, name: Option<String> },
}

/// Read one line of the import file.
pub fn parse_line(raw: &str) -> Result<LegacyItem, String> {
    let l: Line = serde_json::from_str(raw).map_err(|e| format!("不是有效的 JSON 对象或缺少必填字段：{e}"))?;
    let index_no = l.index_no.trim().to_string();
    let index_unit_code = match IndexNumber::parse(&index_no) {
        Ok(n) => match n.unit() {
            UnitCode::CreditCode(c) => Some(c.clone()),
            UnitCode::OrganizationCode(_) => None,
        },
        Err(IndexNumberError::LegacyLocal) => None,
        Err(e) => return Err(format!("索引号“{index_no}”无效：{e}")),
    };
    let published = NaiveDate::parse_from_str(l.published.trim(), "%Y-%m-%d")
        .map_err(|_| format!("发布日期“{}”无效，应如 2020-09-28", l.published))?;
    let publisher = l.publisher.trim().to_string();
    if publisher.is_empty() {
        return Err("缺少发布机构（publisher）".into());
    }
    // An imported 失效/废止 without its date: from publication (the best known bound).
    let validity = match l.validity.as_deref().map(str::trim).unwrap_or("") {
        "" | "有效" | "effective" => Validity::Effective { since: None },
        "失效" | "lapsed" => Validity::Lapsed { on: published },
        "废止" | "repealed" => Validity::Repealed { on: published },
        v => return Err(format!("有效性“{v}”无效，应为 有效/失效/废止")),
    };
    let attachments = l
        .attachments
        .into_iter()
        .map(|a| {
            let (path, name) = match a {
                RawAttachment::Path(p) => (p, None),
                RawAttachment::Named { path, name } => (path, name),
            };
            let path = attachment_path(&path)?;
            let name = name
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(|| path.rsplit('/').next().unwrap_or(&path).to_string());
            Ok(AttachmentRef { path, name })
        })
        .collect::<Result<Vec<_>, String>>()?;
    let category = l.category.trim().to_string();
    Ok(LegacyItem {
        index_no,
        index_unit_code,
        title: l.title,
        publisher,
        art20: art20_of(&category),
        category,
        doc_no: l.doc_no,
        published,
        body: l.body,
        summary: l.summary.unwrap_or_default(),
        validity,
        written: l.written.unwrap_or_default(),
        attachments,
    })
}

/// An attachment path, checked to stay inside the import file's folder: relative, no `..`, no
/// drive letter or backslash path, no NUL. Returned with `/` separators and no `./` segments.
pub fn attachment_path(path: &str) -> Result<String, String> {
    let refuse = || Err(format!("附件路径“{path}”无效：应为导入文件所在文件夹内的相对路径"));
    if path.trim().is_empty() || path.contains('\0') || path.contains('\\') || path.starts_with('/') {
        return refuse();
    }
    if path.len() >= 2 && path.as_bytes()[1] == b':' {
        return refuse();
    }
    let mut parts = vec![];
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => return refuse(),
            s => parts.push(s),
        }
    }
    if parts.is_empty() {
        return refuse();
    }
    Ok(parts.join("/"))
}

/// The Art. 20 item a legacy category names, by code or label.
pub fn art20_of(category: &str) -> Option<Art20Category> {
    let c = category.trim();
    Art20Category::from_code(c)
        .or_else(|| Art20Category::ALL.into_iter().find(|a| a.label() == c || c.contains(a.label())))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"{"index_no":"11341702486344515H/2020-00001","title":"关于印发某办法的通知","publisher":"汝州市人民政府办公室","category":"规范性文件","doc_no":"汝政办〔2020〕1号","published":"2020-03-02","body":"<p>正文</p>","validity":"失效","attachments":["files/a.pdf",{"path":"./files/b.docx","name":"附件二.docx"}]}"#;

    #[test]
    fn a_good_line_is_read_whole() {
        let it = parse_line(GOOD).unwrap();
        assert_eq!(it.index_no, "11341702486344515H/2020-00001");
        assert_eq!(it.published, NaiveDate::from_ymd_opt(2020, 3, 2).unwrap());
        assert_eq!(it.validity, Validity::Lapsed { on: it.published });
        assert_eq!(it.art20, Some(Art20Category::NormativeDocument));
        assert_eq!(
            it.attachments,
            vec![
                AttachmentRef { path: "files/a.pdf".into(), name: "a.pdf".into() },
                AttachmentRef { path: "files/b.docx".into(), name: "附件二.docx".into() },
            ]
        );
    }

    #[test]
    fn bad_lines_say_what_is_wrong() {
        let with = |k: &str, v: &str| {
            let mut j: serde_json::Value = serde_json::from_str(GOOD).unwrap();
            j[k] = serde_json::from_str(v).unwrap();
            parse_line(&j.to_string()).unwrap_err()
        };
        assert!(parse_line("{not json").unwrap_err().contains("JSON"));
        assert!(parse_line(r#"{"title":"x"}"#).unwrap_err().contains("JSON"));
        assert!(with("published", r#""2020/3/2""#).contains("发布日期"));
        assert!(with("publisher", r#""  ""#).contains("发布机构"));
        assert!(with("validity", r#""作废""#).contains("有效性"));
        assert!(with("index_no", r#""11410482/20-1""#).contains("索引号"));
    }

    #[test]
    fn attachment_paths_cannot_leave_the_import_folder() {
        for bad in ["/etc/passwd", "../secret.pdf", "files/../../x.pdf", "C:/x.pdf", "a\\..\\b.pdf", "", ".", "a\0.pdf"]
        {
            assert!(attachment_path(bad).is_err(), "{bad:?} must be refused");
        }
        assert_eq!(attachment_path("./a//b.pdf").unwrap(), "a/b.pdf");
        assert_eq!(attachment_path("附件/通知..pdf").unwrap(), "附件/通知..pdf");
    }
}
