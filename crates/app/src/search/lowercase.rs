//! Lower-casing the tokens, as tantivy's `LowerCaser` does, without its cost on Chinese: a token
//! wholly in U+3000–U+9FFF (CJK punctuation, kana, 注音, CJK ideographs: characters without case)
//! is left as it is, where `LowerCaser` looked each character up in the case tables — 8% of an
//! import's instructions (callgrind, issue 19). Every other token is lower-cased exactly as
//! `LowerCaser` does (ASCII in place, else each character's `to_lowercase`), so the index's
//! terms do not change.

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

#[derive(Clone)]
pub struct CjkLowerCaser;

impl TokenFilter for CjkLowerCaser {
    type Tokenizer<T: Tokenizer> = Filter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> Filter<T> {
        Filter { tokenizer, buffer: String::new() }
    }
}

#[derive(Clone)]
pub struct Filter<T> {
    tokenizer: T,
    buffer: String,
}

impl<T: Tokenizer> Tokenizer for Filter<T> {
    type TokenStream<'a> = Stream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        self.buffer.clear();
        Stream { tail: self.tokenizer.token_stream(text), buffer: &mut self.buffer }
    }
}

pub struct Stream<'a, T> {
    buffer: &'a mut String,
    tail: T,
}

/// Whether no character of `text` has a lower case other than itself (checked by range, cheaply).
pub(super) fn caseless(text: &str) -> bool {
    text.chars().all(|c| ('\u{3000}'..='\u{9FFF}').contains(&c))
}

impl<T: TokenStream> TokenStream for Stream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let text = &mut self.tail.token_mut().text;
        if text.is_ascii() {
            text.make_ascii_lowercase();
        } else if !caseless(text) {
            self.buffer.clear();
            for c in text.chars() {
                self.buffer.extend(c.to_lowercase());
            }
            std::mem::swap(text, self.buffer);
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use tantivy::tokenizer::{LowerCaser, TextAnalyzer, TokenStream};
    use tantivy_jieba::JiebaTokenizer;

    /// The range left alone has no character that lower-cases to anything but itself.
    #[test]
    fn the_caseless_range_has_no_case() {
        for c in ('\u{3000}'..='\u{9FFF}').filter(|c| super::caseless(&c.to_string())) {
            assert!(c.to_lowercase().eq(std::iter::once(c)), "{c:?} has a lower case");
        }
    }

    /// The same terms as tantivy's LowerCaser, on Chinese, Latin, full-width and Greek text.
    #[test]
    fn the_terms_are_those_of_tantivys_lower_caser() {
        let text = "汝州市人民政府ＧＯＶ信息公开Gongkai平台ΣΑΣ年度报告，2024年第１号。İstanbul ǅ";
        let terms = |mut a: TextAnalyzer| {
            let mut s = a.token_stream(text);
            let mut v = vec![];
            while s.advance() {
                v.push(s.token().text.clone());
            }
            v
        };
        let ours = terms(TextAnalyzer::builder(JiebaTokenizer::new()).filter(super::CjkLowerCaser).build());
        let theirs = terms(TextAnalyzer::builder(JiebaTokenizer::new()).filter(LowerCaser).build());
        assert_eq!(ours, theirs);
        assert!(ours.iter().any(|t| t == "gongkai") && ours.iter().any(|t| t == "ｇ"), "{ours:?}");
    }
}
