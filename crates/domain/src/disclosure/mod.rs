//! 主动公开 (proactive disclosure, 条例第十九条至第二十六条): the 索引号, the metadata of an item and
//! the 条例第二十条 item it falls under, the item's review-and-publish workflow with its 保密审查
//! (第十七条), the 20-working-day rule (第二十六条), and the catalogs units publish under — the
//! 政府信息公开目录 and the 基层政务公开标准目录 (国办发〔2019〕54号).

pub mod basic_catalog;
pub mod catalog;
pub mod category;
pub mod index_number;
pub mod item;
pub mod legacy;
pub mod timelimit;

pub use catalog::{CatalogNodeSpec, UpdateClass, basic_areas, standard_catalog};
pub use category::{Art20Category, Channel, Genre, PublicationMode, Subject, Validity, count_by_channel};
pub use index_number::{IndexNumber, IndexNumberError, LegacyIndexNumber, Period, UnitCode};
pub use item::{
    ItemEffect, ItemError, ItemEvent, ItemMetadata, ItemStatus, SecrecyReview, Title, Transition, apply, is_late,
    timeliness_statement,
};
