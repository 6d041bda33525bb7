//! The annual-report parser and validator on arbitrary text: never panics, never loops.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(parsed) = gongkai_domain::report::parse(&text) {
        let _ = gongkai_domain::report::validate(&parsed.report);
        let _ = gongkai_domain::report::render_text(&parsed.report);
    }
    let _ = gongkai_domain::report::html_to_text(&text);
});
