//! 主动公开 (proactive disclosure, 条例第十九条至第二十六条): the 索引号, the metadata of an item and
//! the 条例第二十条 item it falls under, the item's review-and-publish workflow with its 保密审查
//! (第十七条), the 20-working-day rule (第二十六条), and the catalogs units publish under — the
//! 政府信息公开目录 and the 基层政务公开标准目录 (国办发〔2019〕54号).

pub mod basic_catalog;
pub mod catalog;
pub mod category;
pub mod index_number;
pub mod item;
pub mod legacy;
pub mod timelimit;

pub use catalog::{CatalogNodeSpec, UpdateClass, basic_areas, standard_catalog};
pub use category::{Art20Category, Channel, Genre, PublicationMode, Subject, Validity, count_by_channel};
pub use index_number::{IndexNumber, IndexNumberError, LegacyIndexNumber, Period, UnitCode};
pub use item::{
    ItemEffect, ItemError, ItemEvent, ItemMetadata, ItemStatus, SecrecyReview, Title, Transition, apply, is_late,
    timeliness_statement,
};

/// The text of an HTML fragment, for the scanner and the search index: tags dropped (block
/// ends become line breaks), the common entities decoded.
pub fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let Some(gt) = rest[lt..].find('>') else {
            rest = "";
            break;
        };
        let tag = rest[lt + 1..lt + gt].trim_start_matches('/').to_ascii_lowercase();
        let name: String = tag.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        if matches!(name.as_str(), "p" | "br" | "div" | "li" | "tr" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "table")
        {
            out.push('\n');
        } else if matches!(name.as_str(), "td" | "th") {
            out.push(' ');
        }
        rest = &rest[lt + gt + 1..];
    }
    out.push_str(rest);
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}
