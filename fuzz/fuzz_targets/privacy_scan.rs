//! The personal-data scanner and masking on arbitrary text: never panics, and a masked text
//! never contains a finding's original digits.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let findings = gongkai_domain::privacy::scan(&text);
    let masked = gongkai_domain::privacy::mask(&text, &findings);
    for f in &findings {
        if f.kind == gongkai_domain::privacy::FindingKind::IdNumber {
            let original = &text[f.start..f.end];
            assert!(!masked.contains(original), "masked text still holds {original}");
        }
    }
});
