//! The legacy-items importer (`gongkai import items FILE.jsonl`) on arbitrary lines: never
//! panics, and an accepted line's attachment paths never leave the import file's folder.
#![no_main]
use gongkai_domain::disclosure::legacy::parse_line;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for line in text.lines() {
        let Ok(item) = parse_line(line) else { continue };
        assert!(!item.publisher.trim().is_empty());
        for a in &item.attachments {
            assert!(!a.path.starts_with('/') && !a.path.contains('\\') && !a.path.contains('\0'), "{a:?}");
            assert!(a.path.split('/').all(|s| s != ".." && !s.is_empty()), "{a:?}");
        }
    }
});
