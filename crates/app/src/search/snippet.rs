//! Snippets: a window of a hit's text around the first query word, the words marked in it.

/// The part of `body` a snippet is cut from: `chars` characters starting a little before the
/// first of `words` found (ASCII case ignored, as the index lowercases; Chinese has no case), or
/// the beginning. No copy of the body is made: lowercasing each hit's body cost as much as cutting
/// its snippet (callgrind, issue 19).
pub(super) fn snippet_window<'a>(body: &'a str, words: &[String], chars: usize) -> &'a str {
    let find = |w: &str| -> Option<usize> {
        if w.is_ascii() {
            let (b, n) = (body.as_bytes(), w.len());
            (n > 0 && n <= b.len()).then(|| b.windows(n).position(|x| x.eq_ignore_ascii_case(w.as_bytes()))).flatten()
        } else {
            body.find(w)
        }
    };
    let first = words.iter().filter(|w| !w.is_empty()).filter_map(|w| find(w)).min().unwrap_or(0);
    // An ASCII match starts on a character boundary; a found str always does.
    let first = if body.is_char_boundary(first) { first } else { 0 };
    let lead = (chars / 4).min(40);
    let start = body[..first].char_indices().rev().nth(lead.saturating_sub(1)).map_or(0, |(i, _)| i);
    let end = body[start..].char_indices().nth(chars).map_or(body.len(), |(i, _)| start + i);
    &body[start..end]
}

/// `text` escaped for HTML with every occurrence of `words` (the longest at a place; ASCII case
/// ignored) in `<b>`. Found as strings, not by segmenting the text again: a query word inside a
/// longer word of the text (补贴 in 补贴款) is shown too, and jieba runs on the query only — cutting
/// each hit's snippet with tantivy's generator segmented its text (issue 19).
pub(super) fn highlight(text: &str, words: &[String]) -> String {
    let mut out = String::with_capacity(text.len() + 32);
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let found = words
            .iter()
            .filter(|w| {
                !w.is_empty()
                    && rest.len() >= w.len()
                    && rest.is_char_boundary(w.len())
                    && rest.as_bytes()[..w.len()].eq_ignore_ascii_case(str::as_bytes(w))
            })
            .map(String::len)
            .max();
        let len = found.unwrap_or(c.len_utf8());
        if found.is_some() {
            out.push_str("<b>");
            push_escaped(&mut out, &rest[..len]);
            out.push_str("</b>");
        } else {
            push_escaped(&mut out, &rest[..len]);
        }
        rest = &rest[len..];
    }
    out
}

fn push_escaped(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
}

pub(super) fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
