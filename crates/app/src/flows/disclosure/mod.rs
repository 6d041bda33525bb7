//! 主动公开 use cases (条例第十九条至第二十六条): a unit's clerk drafts an item with the date the
//! information was formed, the reviewer's 保密审查 (with the automatic scan of
//! `gongkai_domain::privacy`) publishes it under a 索引号 given out in the same transaction,
//! and it may later be withdrawn or marked 失效 / 废止. The workflow table is
//! `gongkai_domain::disclosure::apply`; this module loads, asks it, and stores the result with
//! its audit record and change-feed event. Also the annual report's hook (`table2_counts`).

use chrono::{Datelike, NaiveDate};
use gongkai_domain::calendar::Calendar;
use gongkai_domain::disclosure::{
    Art20Category, Channel, Genre, IndexNumber, ItemEvent, ItemMetadata, ItemStatus, PublicationMode, SecrecyReview,
    Subject, Title, Validity, apply, count_by_channel, html_to_text, is_late, standard_catalog,
};
use gongkai_domain::privacy::{self, Finding};
use serde::{Deserialize, Serialize};

pub use crate::db::item::ItemRow;
use crate::db::{self, Db, Tx, item::NewItem};
use crate::error::{AppError, FieldError, Result};
use crate::flows::Actor;

/// Channels as stored: comma-separated codes in `Channel::ALL` order.
pub fn channels_text(channels: &[Channel]) -> String {
    Channel::ALL.iter().filter(|c| channels.contains(c)).map(|c| c.code()).collect::<Vec<_>>().join(",")
}

pub fn parse_channels(text: &str) -> Vec<Channel> {
    text.split(',').filter_map(|c| Channel::from_code(c.trim())).collect()
}

/// 有效性 as stored (code, since, end) → the domain value.
#[allow(dead_code)]
pub fn validity_of(code: &str, since: Option<&str>, end: Option<&str>) -> Validity {
    let d = |s: Option<&str>| s.and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok());
    match (code, d(end)) {
        ("lapsed", Some(on)) => Validity::Lapsed { on },
        ("repealed", Some(on)) => Validity::Repealed { on },
        _ => Validity::Effective { since: d(since) },
    }
}

pub fn validity_code(v: Validity) -> &'static str {
    match v {
        Validity::Effective { .. } => "effective",
        Validity::Lapsed { .. } => "lapsed",
        Validity::Repealed { .. } => "repealed",
    }
}

/// Rich text as it may be stored: ammonia's safe subset (no scripts, styles or event handlers).
pub fn sanitize_body(html: &str) -> String {
    ammonia::clean(html)
}

/// 条例第二十六条: 20 working days from the day the information was formed. Without calendar
/// data for that year, four calendar weeks (the same length without holidays).
pub fn due_date(calendar: &Calendar, formed_on: NaiveDate) -> NaiveDate {
    calendar.add_working_days(formed_on, 20).unwrap_or(formed_on + chrono::Duration::days(28))
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

fn domain_err(e: gongkai_domain::disclosure::ItemError) -> AppError {
    AppError::BadRequest(e.to_string())
}

/// What the scanner finds in everything about to be published (title, summary, body text).
pub fn scan_row(r: &ItemRow) -> Vec<Finding> {
    privacy::scan(&scan_text(&r.title, &r.summary, &r.body_html))
}

fn scan_text(title: &str, summary: &str, body_html: &str) -> String {
    format!("{title}\n{summary}\n{}", html_to_text(body_html))
}

/// The text the public may see: personal data masked (always — an override decides that the
/// item may go out, never that an ID number may).
fn mask_html(html: &str) -> String {
    sanitize_body(&privacy::mask_all(html).0)
}

/// `mask_html` of a body sanitized already (a form just validated): sanitized again only when
/// masking changed it — a second pass of ammonia over an unchanged body was 5% of an import.
fn mask_sanitized_html(html: &str) -> String {
    let (masked, _) = privacy::mask_all(html);
    if masked == html { masked } else { sanitize_body(&masked) }
}

mod attachments;
mod catalogs;
mod counts;
mod form;
mod import;
mod items;
mod reads;

pub use attachments::*;
pub use catalogs::*;
pub use counts::*;
pub use form::*;
pub use import::*;
pub use items::*;
pub use reads::*;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_to_text_drops_tags_and_decodes_entities() {
        let t = html_to_text("<p>关于&lt;做好&gt;工作</p><p>第二段&amp;<b>加粗</b></p>");
        assert_eq!(t, "\n关于<做好>工作\n\n第二段&加粗\n");
    }

    #[test]
    fn sanitize_removes_scripts_and_handlers() {
        let s = sanitize_body("<p onclick=\"x()\">正文</p><script>alert(1)</script>");
        assert_eq!(s, "<p>正文</p>");
    }

    #[test]
    fn channels_round_trip_in_canonical_order() {
        let t = channels_text(&[Channel::WeChat, Channel::Website]);
        assert_eq!(t, "website,wechat");
        assert_eq!(parse_channels(&t), vec![Channel::Website, Channel::WeChat]);
    }

    #[test]
    fn masked_html_holds_no_id_number() {
        let id = gongkai_domain::org::complete_id_number("41048219800101123").expect("valid").as_str().to_string();
        let html = format!("<p>申请人：张三，身份证号{id}</p>");
        let masked = mask_html(&html);
        assert!(!masked.contains(&id));
        assert!(privacy::scan(&html_to_text(&masked)).is_empty());
    }

    fn row(
        art20: &str,
        written: Option<&str>,
        published: &str,
        validity: &str,
        end: Option<&str>,
        channels: &str,
    ) -> db::item::CountRow {
        db::item::CountRow {
            art20: art20.into(),
            published_on: Some(published.into()),
            written_on: written.map(Into::into),
            validity: validity.into(),
            validity_since: None,
            validity_end: end.map(Into::into),
            channels: channels.into(),
        }
    }

    #[test]
    fn table2_counts_made_published_repealed_and_in_force() {
        let rows = vec![
            row("normative_document", Some("2019-12-20"), "2020-01-05", "effective", None, "website,weibo"),
            row("normative_document", None, "2020-03-01", "repealed", Some("2020-11-01"), "website"),
            row("normative_document", None, "2018-03-01", "effective", None, "website"),
            row("rule", Some("2020-05-01"), "2020-05-10", "effective", None, "website,wechat"),
            row("permit", None, "2020-06-01", "effective", None, "wechat"),
        ];
        let t = fold_table2(&rows, 2020);
        assert_eq!(t.normative_documents, DocCounts { made: 1, published: 2, repealed: 1, in_force: 2 });
        assert_eq!(t.rules, DocCounts { made: 1, published: 1, repealed: 0, in_force: 1 });
        let ch: std::collections::HashMap<_, _> = t.channels.into_iter().collect();
        assert_eq!(ch[&Channel::Website], 3);
        assert_eq!(ch[&Channel::WeChat], 2);
        assert_eq!(ch[&Channel::Weibo], 1);
    }

    #[test]
    fn check_file_reads_the_type_from_the_bytes() {
        assert_eq!(check_file("a.pdf", b"%PDF-1.4").map(|x| x.1), Ok("application/pdf"));
        assert!(check_file("a.pdf", b"<html>").is_err());
        assert_eq!(check_file("../x/表.xlsx", b"PK\x03\x04..").map(|x| x.0), Ok("表.xlsx".to_string()));
    }
}
