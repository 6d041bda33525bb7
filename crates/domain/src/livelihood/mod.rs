//! 民生监督: the public livelihood-supervision platform the seed describes ("创新搭建汝州市民生监督
//! 大数据平台，对各类民生资金（项目）的落实、使用和管理进行公开公示，并提供查询、监督和投诉等"):
//! fund programs and their standards, the import of disbursement lists (all-or-nothing per batch),
//! reconciliation findings for the office, the masked public rows (条例第十五条: personal data is
//! not disclosed; only masked forms reach a public page), and complaints (投诉举报) tracked to a reply.

pub mod batch;
pub mod complaint;
pub mod disbursement;
pub mod program;
pub mod public_row;

pub use batch::{BatchError, BatchEvent, BatchStatus};
pub use complaint::{Complaint, ComplaintError, ComplaintEvent, ComplaintStatus, Rating, RedirectKind, due_date};
pub use disbursement::{BatchCheck, ColumnsError, FundFinding, RawRow, Row, RowError, reconcile, validate_rows};
pub use program::{AmountError, Basis, Fen, Period, Program};
pub use public_row::{MaskedId, MaskedName, PublicRow};
