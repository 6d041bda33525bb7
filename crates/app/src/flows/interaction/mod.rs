//! 解读与互动 use cases: the public's messages (咨询、建议、投诉 to a unit or the 领导信箱) routed,
//! answered on a working-day deadline and published or kept private by a reviewer; ratings and
//! reopening; 常见问题; the 回应关切 log; policy interpretations and the 三同步 check that the
//! disclosure capability calls before it publishes a policy. The domain
//! (`gongkai_domain::interaction`) holds the status machine, deadlines and the 三同步 rule.

use chrono::NaiveDate;
use gongkai_domain::interaction::{
    self as ia, DeadlineConfig, Deferral, InterpretationEffect, InterpretationEvent, InterpretationForm,
    InterpretationStatus, Message, MessageEvent, MessageKind, MessageStatus, PrivateReason, Recipient, Section,
};
use gongkai_domain::supervision::UnitId;
use serde::{Deserialize, Serialize};

use crate::db::{self, Db, Tx, interaction::MessageRow};
use crate::error::{AppError, FieldError, Result};
use crate::flows::Actor;
use crate::state::AppState;

pub const DEADLINES_KEY: &str = "interaction.deadline_days";
pub const CATEGORIES_KEY: &str = "interaction.interpretation_categories";
pub const MAX_SUBJECT: usize = 100;
pub const MAX_BODY: usize = 5000;

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.get(..10).unwrap_or(s).trim(), "%Y-%m-%d").ok()
}

pub const KINDS: [(&str, MessageKind); 3] = [
    ("consultation", MessageKind::Consultation),
    ("suggestion", MessageKind::Suggestion),
    ("complaint", MessageKind::Complaint),
];

pub fn kind(code: &str) -> Option<MessageKind> {
    KINDS.iter().find(|(c, _)| *c == code).map(|(_, k)| *k)
}

pub fn kind_choices() -> Vec<crate::flows::Choice> {
    KINDS.iter().map(|(c, k)| crate::flows::Choice { code: c.to_string(), label: k.label() }).collect()
}

pub const PRIVATE_REASONS: [(&str, PrivateReason, &str); 3] = [
    ("writer_asked", PrivateReason::WriterAsked, "留言人要求不公开"),
    ("personal_data", PrivateReason::PersonalData, "涉及个人信息"),
    ("not_public_interest", PrivateReason::NotOfPublicInterest, "不具有普遍性"),
];

/// Deadlines per kind in working days: the setting "咨询,建议,投诉" (e.g. "5,15,15"), the domain's default otherwise.
pub fn deadlines(state: &AppState) -> DeadlineConfig {
    let v: Vec<u32> = state.setting(DEADLINES_KEY).split(',').filter_map(|s| s.trim().parse().ok()).collect();
    match v.as_slice() {
        [a, b, c] => DeadlineConfig::new(*a, *b, *c).unwrap_or_default(),
        _ => DeadlineConfig::default(),
    }
}

/// Plain text only: tags dropped, control characters removed (templates escape what remains).
pub fn plain_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if in_tag => {}
            '\n' | '\t' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.replace("\r\n", "\n").trim().to_string()
}

fn tracking_code(on: NaiveDate) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut b = [0u8; 6];
    getrandom::fill(&mut b).expect("random");
    let suffix: String = b.iter().map(|x| ALPHABET[(*x as usize) % ALPHABET.len()] as char).collect();
    format!("LY{}-{suffix}", on.format("%Y%m%d"))
}

mod interpretations;
mod messages;
mod responses;

pub use interpretations::*;
pub use messages::*;
pub use responses::*;
