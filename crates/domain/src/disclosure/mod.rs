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
    let text = strip_tags(html);
    // Decoded after the tags are dropped (an entity a tag split is whole again).
    if !text.contains('&') {
        return text;
    }
    decode_entities(&text)
}

/// Tags dropped: a block's tag becomes a line break, a cell's a space, any other nothing.
fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let Some(gt) = rest[lt..].find('>') else {
            rest = "";
            break;
        };
        let tag = rest[lt + 1..lt + gt].trim_start_matches('/');
        let name = &tag[..tag.bytes().position(|b| !b.is_ascii_alphanumeric()).unwrap_or(tag.len())];
        let is = |names: &[&str]| names.iter().any(|n| name.eq_ignore_ascii_case(n));
        if is(&["p", "br", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table"]) {
            out.push('\n');
        } else if is(&["td", "th"]) {
            out.push(' ');
        }
        rest = &rest[lt + gt + 1..];
    }
    out.push_str(rest);
    out
}

/// The common entities (&lt; &gt; &quot; &#39; &nbsp; &amp;) decoded, once each, in one pass
/// (a decoded `&amp;lt;` stays `&lt;`); every other `&` as it is. Six `str::replace` passes over
/// each body were 3.5 % of an import's time (issue 19, perf).
fn decode_entities(text: &str) -> String {
    const ENTITIES: [(&str, char); 6] =
        [("&lt;", '<'), ("&gt;", '>'), ("&quot;", '"'), ("&#39;", '\''), ("&nbsp;", ' '), ("&amp;", '&')];
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        match ENTITIES.iter().find(|(e, _)| rest.starts_with(e)) {
            Some((e, c)) => {
                out.push(*c);
                rest = &rest[e.len()..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::{html_to_text, strip_tags};
    use proptest::prelude::*;

    /// The decoding before the one pass: six `str::replace` passes over the text without its tags.
    fn by_replace(html: &str) -> String {
        strip_tags(html)
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&nbsp;", " ")
            .replace("&amp;", "&")
    }

    #[test]
    fn entities_and_tags_as_written_by_hand() {
        assert_eq!(html_to_text("<P>甲&amp;乙</P><TD>丙&lt;丁&gt;</td>"), "\n甲&乙\n 丙<丁> ");
        assert_eq!(html_to_text("&amp;lt; &l<b>t; &#39;&quot;&nbsp;&bogus; &"), "&lt; < '\" &bogus; &");
        assert_eq!(html_to_text("<br/>一<h3 class=x>二</H3><table>"), "\n一\n二\n\n");
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

        /// The same text as the six passes gave, for any mix of tags, entities, stray `&` `<` `>`
        /// and Chinese text.
        #[test]
        fn one_pass_decoding_gives_what_six_replaces_gave(
            parts in proptest::collection::vec(
                prop_oneof![
                    Just("&"), Just("&amp;"), Just("&lt;"), Just("&gt;"), Just("&quot;"), Just("&#39;"), Just("&nbsp;"),
                    Just("amp;"), Just("lt;"), Just("<"), Just(">"), Just("<p>"), Just("</P>"), Just("<td>"), Just("<br/>"),
                    Just("<Div class=\"a\">"), Just("<b>"), Just("汝州"), Just("a"), Just(" "), Just("\n"),
                ],
                0..40,
            ),
            noise in "\\PC{0,40}",
        ) {
            let html = parts.concat() + &noise;
            prop_assert_eq!(html_to_text(&html), by_replace(&html), "{:?}", html);
        }
    }
}
