//! The rules of 政府信息公开 (open government information), pure: no I/O, no async, no clock.
//! "Today" is always passed in. Each module cites the article of the 条例 (2019修订) or the
//! annual-report format (国办公开办函〔2019〕60号, 〔2021〕30号) it implements.

pub mod application;
pub mod calendar;
pub mod disclosure;
pub mod format;
pub mod interaction;
pub mod livelihood;
pub mod org;
pub mod paging;
pub mod privacy;
pub mod report;
pub mod sheet;
pub mod supervision;
pub mod throttle;

/// A stored code (a status, a kind …) that names no value of the type it is read as: the database
/// holds something this version does not know. Reading a row fails with it instead of guessing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} code “{code}”")]
pub struct UnknownCode {
    pub what: &'static str,
    pub code: String,
}

/// A message about one form field, shown next to it: the field's name and what is wrong with it,
/// in Chinese for the public, in plain words for staff.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> FieldError {
        FieldError { field: field.into(), message: message.into() }
    }
}
