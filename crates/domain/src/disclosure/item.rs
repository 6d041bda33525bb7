//! The life of a 主动公开 item, as a table: drafted by the unit's clerk, reviewed (the 保密审查 of
//! 条例第十七条, with the automatic scan of `privacy`), published, and later withdrawn or expired.
//! Content and 索引号 change only in a draft. Also the timeliness rule of 条例第二十六条: publish
//! within 20 working days of the day the information was formed or changed (形成或者变更之日).

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::category::{Art20Category, Channel, Genre, PublicationMode, Subject, Validity};
use crate::privacy::{Finding, blocks_publication};

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ItemError {
    #[error("“{from}”状态的信息不能{action}")]
    Impossible { from: &'static str, action: &'static str },
    #[error("只有草稿可以修改；“{from}”状态的信息不能修改（发布后内容和索引号不可更改）")]
    EditNotAllowed { from: &'static str },
    #[error("{action}须填写理由")]
    ReasonRequired { action: &'static str },
    #[error("保密审查须记录审查人")]
    ReviewerRequired,
    #[error("自动检查发现{count}处个人信息或密级标志：请先遮盖或删除，或由审核人填写放行理由")]
    ScanFindings { count: usize },
    #[error("标题不能为空")]
    TitleEmpty,
    #[error("标题过长（不超过200字）")]
    TitleTooLong,
}

/// A non-empty title (名称) of at most 200 characters, trimmed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Title(String);

impl Title {
    pub fn parse(s: &str) -> Result<Title, ItemError> {
        let s = s.trim();
        match s.chars().count() {
            0 => Err(ItemError::TitleEmpty),
            n if n > 200 => Err(ItemError::TitleTooLong),
            _ => Ok(Title(s.to_string())),
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
impl TryFrom<String> for Title {
    type Error = ItemError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Title::parse(&s)
    }
}
impl From<Title> for String {
    fn from(t: Title) -> String {
        t.0
    }
}

/// The catalogue metadata of an item (ogi-facts §5.2), apart from the 索引号 (assigned at
/// publication) and the 发布机构 (the unit, known to the flow).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemMetadata {
    pub title: Title,
    /// 形成或者变更之日: the day the 20-working-day clock of 条例第二十六条 starts from.
    pub formed_on: NaiveDate,
    /// 成文日期
    pub written_on: Option<NaiveDate>,
    /// 发文字号, e.g. 汝政〔2020〕12号
    pub document_number: Option<String>,
    pub category: Option<Art20Category>,
    pub genre: Genre,
    pub subject: Subject,
    pub mode: PublicationMode,
    pub validity: Validity,
    pub channels: Vec<Channel>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    Draft,
    PendingReview,
    Published,
    Withdrawn,
    Expired,
}

impl ItemStatus {
    pub const ALL: [ItemStatus; 5] = [
        ItemStatus::Draft,
        ItemStatus::PendingReview,
        ItemStatus::Published,
        ItemStatus::Withdrawn,
        ItemStatus::Expired,
    ];
    pub fn label(self) -> &'static str {
        match self {
            ItemStatus::Draft => "草稿",
            ItemStatus::PendingReview => "待审核",
            ItemStatus::Published => "已发布",
            ItemStatus::Withdrawn => "已撤回",
            ItemStatus::Expired => "已失效",
        }
    }
    /// Whether the public sees the item (an expired one stays visible, marked 失效 / 废止).
    pub fn is_public(self) -> bool {
        matches!(self, ItemStatus::Published | ItemStatus::Expired)
    }
    /// The code stored in the database (and compared by templates).
    pub fn code(self) -> &'static str {
        match self {
            ItemStatus::Draft => "draft",
            ItemStatus::PendingReview => "pending_review",
            ItemStatus::Published => "published",
            ItemStatus::Withdrawn => "withdrawn",
            ItemStatus::Expired => "expired",
        }
    }
}

impl TryFrom<String> for ItemStatus {
    type Error = crate::UnknownCode;
    fn try_from(code: String) -> Result<Self, Self::Error> {
        ItemStatus::ALL.into_iter().find(|s| s.code() == code).ok_or(crate::UnknownCode { what: "item status", code })
    }
}

/// The reviewer's 保密审查 record, carried by the approval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecrecyReview {
    pub reviewer: String,
    pub reviewed_on: NaiveDate,
    /// What `privacy::scan` found in the text about to be published.
    pub findings: Vec<Finding>,
    /// Why the reviewer publishes despite the findings (e.g. "“内部”系栏目名称，非密级标志").
    pub override_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum ItemEvent {
    /// The clerk changes content or metadata.
    Edit,
    /// The clerk sends the draft for review.
    Submit,
    /// The reviewer sends it back.
    Return { reason: String },
    /// The reviewer approves: publication.
    Approve(SecrecyReview),
    /// Taken down (e.g. published by mistake).
    Withdraw { reason: String },
    /// No longer in force (失效 / 废止), stays visible marked so.
    Expire { reason: String, on: NaiveDate },
}

impl ItemEvent {
    pub fn action(&self) -> &'static str {
        match self {
            ItemEvent::Edit => "修改",
            ItemEvent::Submit => "提交审核",
            ItemEvent::Return { .. } => "退回修改",
            ItemEvent::Approve(_) => "审核发布",
            ItemEvent::Withdraw { .. } => "撤回",
            ItemEvent::Expire { .. } => "标记失效",
        }
    }
}

/// What the flow must do besides storing the new status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "effect", rename_all = "snake_case")]
pub enum ItemEffect {
    /// Store the 保密审查 record with the publication.
    RecordSecrecyReview(SecrecyReview),
    /// Give the item its 索引号 (unit, year of publication, next serial) — once, never again.
    AssignIndexNumber,
    /// Put it on the portal, the search index, the feeds and the sitemap.
    Publish,
    /// Take it off the portal and out of the search index.
    Unpublish,
    /// Show it as no longer in force from `on`.
    MarkExpired { on: NaiveDate },
    /// Tell the drafter why it came back.
    NotifyDrafter { reason: String },
    /// The reason goes in the audit record.
    RecordReason { reason: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transition {
    pub to: ItemStatus,
    pub effects: Vec<ItemEffect>,
}

fn reason(r: &str, action: &'static str) -> Result<String, ItemError> {
    let r = r.trim();
    if r.is_empty() { Err(ItemError::ReasonRequired { action }) } else { Ok(r.to_string()) }
}

/// The workflow table.
pub fn apply(status: ItemStatus, event: ItemEvent) -> Result<Transition, ItemError> {
    use ItemEvent as E;
    use ItemStatus as S;
    let action = event.action();
    let to = |to: ItemStatus, effects: Vec<ItemEffect>| Ok(Transition { to, effects });
    match (status, event) {
        (S::Draft, E::Edit) => to(S::Draft, vec![]),
        (from, E::Edit) => Err(ItemError::EditNotAllowed { from: from.label() }),
        (S::Draft, E::Submit) => to(S::PendingReview, vec![]),
        (S::PendingReview, E::Return { reason: r }) => {
            let r = reason(&r, action)?;
            to(S::Draft, vec![ItemEffect::NotifyDrafter { reason: r }])
        }
        (S::PendingReview, E::Approve(review)) => {
            if review.reviewer.trim().is_empty() {
                return Err(ItemError::ReviewerRequired);
            }
            let overridden = review.override_reason.as_deref().is_some_and(|r| !r.trim().is_empty());
            if blocks_publication(&review.findings) && !overridden {
                return Err(ItemError::ScanFindings { count: review.findings.len() });
            }
            to(
                S::Published,
                vec![ItemEffect::RecordSecrecyReview(review), ItemEffect::AssignIndexNumber, ItemEffect::Publish],
            )
        }
        (S::Published, E::Withdraw { reason: r }) => {
            let r = reason(&r, action)?;
            to(S::Withdrawn, vec![ItemEffect::RecordReason { reason: r }, ItemEffect::Unpublish])
        }
        (S::Published, E::Expire { reason: r, on }) => {
            let r = reason(&r, action)?;
            to(S::Expired, vec![ItemEffect::RecordReason { reason: r }, ItemEffect::MarkExpired { on }])
        }
        (from, _) => Err(ItemError::Impossible { from: from.label(), action }),
    }
}

/// Whether an item due on `due` (形成或者变更之日 + 20 working days, computed by the caller with
/// the calendar) is late when published on — or, unpublished, still unpublished on — the given day.
pub fn is_late(due: NaiveDate, published_or_today: NaiveDate) -> bool {
    published_or_today > due
}

fn ymd(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// The 条例第二十六条 position of an item, in a sentence for staff pages and monthly bulletins.
/// Day counts are calendar days (the working-day count needs the calendar, which the caller has).
pub fn timeliness_statement(due: NaiveDate, published_on: Option<NaiveDate>, today: NaiveDate) -> String {
    match published_on {
        Some(p) if is_late(due, p) => {
            format!("于{}公开，超过法定期限（{}）{}天", ymd(p), ymd(due), (p - due).num_days())
        }
        Some(p) => format!("于{}公开，在法定期限（{}）内", ymd(p), ymd(due)),
        None if is_late(due, today) => {
            format!("尚未公开，已超过法定期限（{}）{}天", ymd(due), (today - due).num_days())
        }
        None => format!("尚未公开，距法定期限（{}）还有{}天", ymd(due), (due - today).num_days()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::privacy::scan;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn review(findings: Vec<Finding>, override_reason: Option<&str>) -> SecrecyReview {
        SecrecyReview {
            reviewer: "王审核".into(),
            reviewed_on: d(2020, 3, 2),
            findings,
            override_reason: override_reason.map(String::from),
        }
    }

    fn events() -> Vec<ItemEvent> {
        vec![
            ItemEvent::Edit,
            ItemEvent::Submit,
            ItemEvent::Return { reason: "附件缺失".into() },
            ItemEvent::Approve(review(vec![], None)),
            ItemEvent::Withdraw { reason: "误发".into() },
            ItemEvent::Expire { reason: "已被新文件替代".into(), on: d(2021, 1, 1) },
        ]
    }

    #[test]
    fn every_status_and_event_pair_does_what_the_table_says() {
        use ItemStatus::*;
        // Rows: statuses in ALL order; columns: events() order. None = refused.
        let table: [[Option<ItemStatus>; 6]; 5] = [
            //  Edit         Submit               Return       Approve          Withdraw         Expire
            [Some(Draft), Some(PendingReview), None, None, None, None], // Draft
            [None, None, Some(Draft), Some(Published), None, None],     // PendingReview
            [None, None, None, None, Some(Withdrawn), Some(Expired)],   // Published
            [None, None, None, None, None, None],                       // Withdrawn
            [None, None, None, None, None, None],                       // Expired
        ];
        for (s, row) in ItemStatus::ALL.into_iter().zip(table) {
            for (e, expected) in events().into_iter().zip(row) {
                let what = format!("{s:?} × {}", e.action());
                let is_edit = e == ItemEvent::Edit;
                match (apply(s, e), expected) {
                    (Ok(t), Some(to)) => assert_eq!(t.to, to, "{what}"),
                    (Err(ItemError::EditNotAllowed { .. }), None) if is_edit => {}
                    (Err(ItemError::Impossible { .. }), None) if !is_edit => {}
                    (got, _) => panic!("{what}: got {got:?}, expected {expected:?}"),
                }
            }
        }
    }

    #[test]
    fn an_impossible_pair_names_the_status_and_the_action_in_chinese() {
        let e = apply(ItemStatus::Withdrawn, ItemEvent::Submit).unwrap_err();
        assert_eq!(e.to_string(), "“已撤回”状态的信息不能提交审核");
        let e = apply(ItemStatus::Published, ItemEvent::Edit).unwrap_err();
        assert_eq!(e.to_string(), "只有草稿可以修改；“已发布”状态的信息不能修改（发布后内容和索引号不可更改）");
    }

    #[test]
    fn approval_records_the_review_assigns_the_index_number_and_publishes() {
        let t = apply(ItemStatus::PendingReview, ItemEvent::Approve(review(vec![], None))).unwrap();
        assert_eq!(
            t.effects,
            vec![
                ItemEffect::RecordSecrecyReview(review(vec![], None)),
                ItemEffect::AssignIndexNumber,
                ItemEffect::Publish
            ]
        );
    }

    #[test]
    fn scan_findings_block_approval_unless_the_reviewer_overrides_with_a_reason() {
        let findings = scan("（内部）关于某事项的通知");
        assert_eq!(findings.len(), 1);
        let blocked = apply(ItemStatus::PendingReview, ItemEvent::Approve(review(findings.clone(), None)));
        assert_eq!(blocked, Err(ItemError::ScanFindings { count: 1 }));
        let blank = apply(ItemStatus::PendingReview, ItemEvent::Approve(review(findings.clone(), Some("  "))));
        assert_eq!(blank, Err(ItemError::ScanFindings { count: 1 }));
        let ok = apply(
            ItemStatus::PendingReview,
            ItemEvent::Approve(review(findings, Some("“内部”为栏目名称，经核实不涉密"))),
        );
        assert_eq!(ok.unwrap().to, ItemStatus::Published);
    }

    #[test]
    fn an_approval_without_a_reviewer_is_refused() {
        let mut r = review(vec![], None);
        r.reviewer = " ".into();
        assert_eq!(apply(ItemStatus::PendingReview, ItemEvent::Approve(r)), Err(ItemError::ReviewerRequired));
    }

    #[test]
    fn returning_withdrawing_and_expiring_need_a_reason() {
        for (s, e) in [
            (ItemStatus::PendingReview, ItemEvent::Return { reason: " ".into() }),
            (ItemStatus::Published, ItemEvent::Withdraw { reason: String::new() }),
            (ItemStatus::Published, ItemEvent::Expire { reason: String::new(), on: d(2021, 1, 1) }),
        ] {
            let action = e.action();
            assert_eq!(apply(s, e), Err(ItemError::ReasonRequired { action }));
        }
        let t = apply(ItemStatus::Published, ItemEvent::Expire { reason: "废止".into(), on: d(2021, 1, 1) }).unwrap();
        assert!(t.effects.contains(&ItemEffect::MarkExpired { on: d(2021, 1, 1) }));
        assert!(t.to.is_public());
        let t = apply(ItemStatus::Published, ItemEvent::Withdraw { reason: "误发".into() }).unwrap();
        assert!(t.effects.contains(&ItemEffect::Unpublish));
        assert!(!t.to.is_public());
    }

    #[test]
    fn publishing_after_the_due_day_is_late_and_on_it_is_not() {
        let due = d(2020, 3, 31);
        assert!(!is_late(due, d(2020, 3, 31)));
        assert!(is_late(due, d(2020, 4, 1)));
    }

    #[test]
    fn the_timeliness_statement_reads_as_a_sentence() {
        let due = d(2020, 3, 31);
        assert_eq!(
            timeliness_statement(due, Some(d(2020, 3, 2)), d(2020, 5, 1)),
            "于2020年3月2日公开，在法定期限（2020年3月31日）内"
        );
        assert_eq!(
            timeliness_statement(due, Some(d(2020, 4, 3)), d(2020, 5, 1)),
            "于2020年4月3日公开，超过法定期限（2020年3月31日）3天"
        );
        assert_eq!(timeliness_statement(due, None, d(2020, 3, 29)), "尚未公开，距法定期限（2020年3月31日）还有2天");
        assert_eq!(timeliness_statement(due, None, d(2020, 4, 10)), "尚未公开，已超过法定期限（2020年3月31日）10天");
    }

    #[test]
    fn a_title_is_trimmed_and_may_be_neither_empty_nor_too_long() {
        assert_eq!(
            Title::parse("  关于做好2020年政务公开工作的通知 ").unwrap().as_str(),
            "关于做好2020年政务公开工作的通知"
        );
        assert_eq!(Title::parse(" "), Err(ItemError::TitleEmpty));
        assert_eq!(Title::parse(&"字".repeat(201)), Err(ItemError::TitleTooLong));
    }
}
