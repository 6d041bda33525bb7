//! The personal-data scanner and masking on arbitrary text: never panics, and the masked text,
//! scanned again, holds no ID number, mobile or bank-card number.
#![no_main]
use gongkai_domain::privacy::{FindingKind, mask, scan};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let findings = scan(&text);
    let masked = mask(&text, &findings);
    let again = scan(&masked);
    assert!(
        !again.iter().any(|f| matches!(f.kind, FindingKind::IdNumber | FindingKind::Mobile | FindingKind::BankCard)),
        "masking left personal data readable: {:?}",
        again
    );
});
