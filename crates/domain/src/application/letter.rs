//! The reply letter (告知书) for each outcome (条例第三十六条至第三十九条): what was asked, what was
//! decided, the article it rests on, and the applicant's remedies — 行政复议 within 60 days and
//! 行政诉讼 within 6 months of knowing of the decision (条例第五十一条; 行政复议法, 行政诉讼法第四十六条).
//! The app renders the [`Letter`] to .docx and HTML; the wording lives here, once.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::outcome::{NotProcessedReason, OtherReason, Outcome, UnableReason, WithheldReason};
use crate::calendar::chinese_date;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LetterInput {
    /// 申请人姓名或者名称.
    pub applicant_name: String,
    /// 收到申请之日 (条例第三十一条).
    pub received_on: NaiveDate,
    /// What was asked for, as the applicant described it.
    pub request: String,
    pub outcome: Outcome,
    /// What only the clerk can say: how and where to obtain the information, the part withheld,
    /// the organ responsible for it, the publication's title … Empty for none.
    pub detail: String,
    /// 出具机关 (the office's full name, shown above the date and seal).
    pub issuer: String,
    /// 行政复议机关, e.g. 汝州市人民政府.
    pub reconsideration_body: String,
    /// The court of first instance, e.g. 汝州市人民法院.
    pub court: String,
    /// 落款日期.
    pub date: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Letter {
    pub title: String,
    pub addressee: String,
    pub paragraphs: Vec<String>,
    pub remedies: String,
    pub issuer: String,
    pub date: String,
}

fn title(outcome: &Outcome) -> &'static str {
    match outcome {
        Outcome::Disclosed => "政府信息予以公开告知书",
        Outcome::PartiallyDisclosed => "政府信息部分公开告知书",
        Outcome::Withheld(_) => "政府信息不予公开告知书",
        Outcome::Unable(UnableReason::NotHeld) => "政府信息不存在告知书",
        Outcome::Unable(_) => "政府信息无法提供告知书",
        Outcome::NotProcessed(NotProcessedReason::Repeated) => "不予重复处理告知书",
        Outcome::NotProcessed(_) => "政府信息公开申请不予处理告知书",
        Outcome::Other(OtherReason::Other) => "政府信息公开申请办理情况告知书",
        Outcome::Other(_) => "政府信息公开申请不再处理告知书",
    }
}

/// The finding: why the office decided as it did, in the words of the 条例.
fn finding(outcome: &Outcome) -> &'static str {
    match outcome {
        Outcome::Disclosed => "经审查，您申请获取的政府信息属于可以公开的政府信息，本机关决定予以公开。",
        Outcome::PartiallyDisclosed => {
            "经审查，您申请获取的政府信息中含有不应当公开的内容，但能够作区分处理，本机关向您提供可以公开的部分，并对不予公开的部分说明理由。"
        }
        Outcome::Withheld(r) => match r {
            WithheldReason::StateSecret => "经审查，您申请获取的政府信息属于国家秘密，本机关决定不予公开。",
            WithheldReason::ForbiddenByLaw => {
                "经审查，您申请获取的政府信息属于法律、行政法规禁止公开的政府信息，本机关决定不予公开。"
            }
            WithheldReason::Security => {
                "经审查，您申请获取的政府信息公开后可能危及国家安全、公共安全、经济安全、社会稳定，本机关决定不予公开。"
            }
            WithheldReason::ThirdPartyRights => {
                "经审查，您申请获取的政府信息涉及商业秘密、个人隐私等，公开会损害第三方合法权益，本机关决定不予公开。"
            }
            WithheldReason::InternalAffairs => {
                "经审查，您申请获取的政府信息属于人事管理、后勤管理、内部工作流程等内部事务信息，本机关决定不予公开。"
            }
            WithheldReason::ProcessInformation => {
                "经审查，您申请获取的政府信息属于本机关在履行行政管理职能过程中形成的讨论记录、过程稿、磋商信函、请示报告等过程性信息，本机关决定不予公开。"
            }
            WithheldReason::EnforcementFile => "经审查，您申请获取的政府信息属于行政执法案卷信息，本机关决定不予公开。",
            WithheldReason::AdministrativeQuery => {
                "经审查，您申请获取的信息属于有关法律、行政法规对信息的获取有特别规定的查询事项，请依照有关法律、行政法规的规定办理。"
            }
        },
        Outcome::Unable(r) => match r {
            UnableReason::NotHeld => "经检索，本机关未制作或者获取您申请公开的政府信息，该政府信息不存在。",
            UnableReason::WouldNeedCreating => {
                "经审查，本机关没有您所申请的现成信息，提供该信息需要对现有政府信息进行加工、分析，本机关不予提供。"
            }
            UnableReason::StillUnclear => {
                "本机关已一次性告知您补正申请内容，补正后的申请内容仍不明确，本机关无法确定您所申请的政府信息。"
            }
        },
        Outcome::NotProcessed(r) => match r {
            NotProcessedReason::Petition => {
                "经审查，您以政府信息公开申请的形式进行信访、投诉、举报等活动，本机关不作为政府信息公开申请处理，您可以通过相应渠道提出。"
            }
            NotProcessedReason::Repeated => {
                "经审查，本机关已就您申请公开的相同政府信息作出答复，对您的重复申请不予重复处理。"
            }
            NotProcessedReason::Publication => {
                "经审查，您申请获取的是政府公报、报刊、书籍等公开出版物，请通过相应途径获取。"
            }
            NotProcessedReason::Excessive => {
                "经审查，您申请公开政府信息的数量、频次明显超过合理范围，您说明的理由不合理，本机关不予处理。"
            }
            NotProcessedReason::ConfirmOrReissue => {
                "经审查，您要求本机关确认或者重新出具您已获取的信息，不属于获取政府信息的申请，本机关不予处理。"
            }
        },
        Outcome::Other(r) => match r {
            OtherReason::OverdueClarification => {
                "本机关已一次性告知您补正申请内容，您无正当理由逾期未补正，视为放弃申请，本机关不再处理该政府信息公开申请。"
            }
            OtherReason::UnpaidFee => "您未在收费通知要求的期限内缴纳信息处理费，本机关不再处理该政府信息公开申请。",
            OtherReason::Other => "本机关对您的申请办理情况告知如下。",
        },
    }
}

/// The reply letter for `input.outcome`.
pub fn reply_letter(input: &LetterInput) -> Letter {
    let outcome = &input.outcome;
    let mut paragraphs = vec![
        format!(
            "本机关于{}收到您提出的政府信息公开申请，您申请获取：“{}”。",
            chinese_date(input.received_on),
            input.request.trim()
        ),
        finding(outcome).to_string(),
    ];
    if !input.detail.trim().is_empty() {
        paragraphs.push(input.detail.trim().to_string());
    }
    paragraphs.push(format!("根据{}的规定，特此告知。", outcome.legal_basis()));
    let remedies = format!(
        "如对本告知不服，您可以自知道该行政行为之日起60日内向{}申请行政复议，或者自知道该行政行为之日起6个月内向{}提起行政诉讼（《中华人民共和国政府信息公开条例》第五十一条，《中华人民共和国行政复议法》，《中华人民共和国行政诉讼法》第四十六条）。",
        input.reconsideration_body.trim(),
        input.court.trim()
    );
    Letter {
        title: title(outcome).to_string(),
        addressee: format!("{}：", input.applicant_name.trim()),
        paragraphs,
        remedies,
        issuer: input.issuer.trim().to_string(),
        date: chinese_date(input.date),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(outcome: Outcome) -> LetterInput {
        LetterInput {
            applicant_name: "张三".into(),
            received_on: NaiveDate::from_ymd_opt(2020, 9, 28).unwrap(),
            request: "2019年汝州市城区道路改造项目的招标文件".into(),
            outcome,
            detail: String::new(),
            issuer: "汝州市人民政府办公室".into(),
            reconsideration_body: "汝州市人民政府".into(),
            court: "汝州市人民法院".into(),
            date: NaiveDate::from_ymd_opt(2020, 10, 20).unwrap(),
        }
    }

    #[test]
    fn every_outcome_gets_a_letter_citing_its_article_and_the_remedies() {
        for o in Outcome::all() {
            let l = reply_letter(&input(o));
            assert!(l.title.ends_with("告知书"));
            assert_eq!(l.addressee, "张三：");
            assert!(l.paragraphs[0].starts_with("本机关于2020年9月28日收到您提出的政府信息公开申请"));
            assert!(l.paragraphs.last().unwrap().contains(o.legal_basis()), "{o:?}");
            assert!(l.remedies.contains("60日内向汝州市人民政府申请行政复议"));
            assert!(l.remedies.contains("6个月内向汝州市人民法院提起行政诉讼"));
            assert!(l.remedies.contains("第五十一条"));
            assert_eq!(l.date, "2020年10月20日");
        }
    }

    #[test]
    fn a_not_held_letter_says_the_information_does_not_exist() {
        let mut i = input(Outcome::Unable(UnableReason::NotHeld));
        i.detail = "该信息由汝州市住房和城乡建设局负责公开，联系电话：0375-0000000。".into();
        let l = reply_letter(&i);
        assert_eq!(l.title, "政府信息不存在告知书");
        assert!(l.paragraphs[1].contains("该政府信息不存在"));
        assert_eq!(l.paragraphs[2], i.detail);
        assert!(l.paragraphs[3].contains("第三十六条第（四）项"));
    }

    #[test]
    fn a_withheld_letter_gives_the_reason_and_article() {
        let l = reply_letter(&input(Outcome::Withheld(WithheldReason::ThirdPartyRights)));
        assert_eq!(l.title, "政府信息不予公开告知书");
        assert!(l.paragraphs[1].contains("损害第三方合法权益"));
        assert!(l.paragraphs[2].contains("第十五条"));
    }
}
