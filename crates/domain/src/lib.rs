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
