//! The notices an applicant (or a consulted party) is owed while an application is handled,
//! beside the reply letter: 补正告知书 (条例第三十条), 征求意见函 to a 第三方 or another organ with
//! its reply deadline (条例第三十二条、第三十四条), 延期答复告知书 (条例第三十三条第二款) and
//! 收费通知书 (条例第四十二条, 《政府信息公开信息处理费管理办法》国办函〔2020〕109号). Each comes
//! from an [`Effect`] of the status machine, so a notice exists exactly when the law owes one; the
//! app renders the [`Letter`] to .docx and sends it by the applicant's chosen channel
//! ([`NoticeChannel::for_applicant`]). The wording lives here, once.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::applicant::DeliveryMethod;
use super::letter::Letter;
use super::status::{Consultee, Effect, Notice};
use crate::calendar::chinese_date;

/// Which notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// 补正告知书.
    Clarification,
    /// 延期答复告知书.
    Extension,
    /// 征求意见函 (to the 第三方 or the other organ, not to the applicant).
    Consultation,
    /// 收费通知书.
    Fee,
}

impl NoticeKind {
    pub const ALL: [NoticeKind; 4] =
        [NoticeKind::Clarification, NoticeKind::Extension, NoticeKind::Consultation, NoticeKind::Fee];
    pub fn code(self) -> &'static str {
        match self {
            NoticeKind::Clarification => "clarification",
            NoticeKind::Extension => "extension",
            NoticeKind::Consultation => "consultation",
            NoticeKind::Fee => "fee",
        }
    }
    pub fn from_code(code: &str) -> Option<NoticeKind> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
    pub fn label(self) -> &'static str {
        match self {
            NoticeKind::Clarification => "补正告知书",
            NoticeKind::Extension => "延期答复告知书",
            NoticeKind::Consultation => "征求意见函",
            NoticeKind::Fee => "收费通知书",
        }
    }
}

/// How a notice reaches its addressee.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeChannel {
    /// Through the SMTP relay, the letter attached as .docx.
    Email,
    /// Printed with an envelope sheet and posted; sent when a clerk records the posting.
    Post,
    /// A short text through the SMS gateway, pointing to the tracking page.
    Sms,
}

impl NoticeChannel {
    pub fn code(self) -> &'static str {
        match self {
            NoticeChannel::Email => "email",
            NoticeChannel::Post => "post",
            NoticeChannel::Sms => "sms",
        }
    }
    pub fn from_code(code: &str) -> Option<NoticeChannel> {
        [NoticeChannel::Email, NoticeChannel::Post, NoticeChannel::Sms].into_iter().find(|c| c.code() == code)
    }
    pub fn label(self) -> &'static str {
        match self {
            NoticeChannel::Email => "电子邮件",
            NoticeChannel::Post => "邮寄",
            NoticeChannel::Sms => "短信",
        }
    }

    /// The applicant's chosen channel (条例第二十九条第二款第（三）项: 获取信息的方式): e-mail when
    /// they chose it and gave an address; post when they chose post or collection and gave an
    /// address; for 网上 (or e-mail without an address) a text message to their phone; post as the
    /// last resort (a written notice is always owed).
    pub fn for_applicant(method: DeliveryMethod, email: &str, phone: &str, address: &str) -> NoticeChannel {
        let has = |s: &str| !s.trim().is_empty();
        match method {
            DeliveryMethod::Email if has(email) => NoticeChannel::Email,
            DeliveryMethod::Post | DeliveryMethod::Collect if has(address) => NoticeChannel::Post,
            DeliveryMethod::Online if has(email) => NoticeChannel::Email,
            _ if has(phone) => NoticeChannel::Sms,
            _ if has(email) => NoticeChannel::Email,
            _ => NoticeChannel::Post,
        }
    }
}

/// What every notice of one application says of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeInput {
    /// The applicant; a 征求意见函 is addressed to the party named in `detail` instead.
    pub applicant_name: String,
    pub received_on: NaiveDate,
    /// What was asked for.
    pub request: String,
    /// The tracking code the applicant follows the application by.
    pub tracking_code: String,
    /// What only the clerk can say: what to supplement, why the extension, the fee's basis, or
    /// (for a 征求意见函) the party consulted.
    pub detail: String,
    pub issuer: String,
    pub date: NaiveDate,
}

/// Whether an effect of the status machine owes a notice ([`notice_for`] gives it).
pub fn owes_notice(effect: &Effect) -> bool {
    matches!(
        effect,
        Effect::NotifyApplicant(
            Notice::ClarificationRequested { .. } | Notice::Extended { .. } | Notice::FeeNotice { .. }
        ) | Effect::NotifyConsultee { .. }
    )
}

/// The notice an effect of the status machine owes, if any: (kind, letter). A reply or closing
/// is the reply letter's business ([`super::reply_letter`]), not a notice's.
pub fn notice_for(effect: &Effect, input: &NoticeInput) -> Option<(NoticeKind, Letter)> {
    let asked = format!(
        "本机关于{}收到您提出的政府信息公开申请（查询码{}），您申请获取：“{}”。",
        chinese_date(input.received_on),
        input.tracking_code,
        input.request.trim()
    );
    let detail = || Some(input.detail.trim().to_string()).filter(|d| !d.is_empty());
    let (kind, addressee, mut paragraphs) = match effect {
        Effect::NotifyApplicant(Notice::ClarificationRequested { deadline }) => {
            let mut p = vec![asked, "经审查，您的申请内容不明确。根据《中华人民共和国政府信息公开条例》第三十条的规定，现一次性告知您作出补正。".to_string()];
            p.extend(detail().map(|d| format!("需要补正的事项：{d}")));
            p.push(format!(
                "请您于{}前补正。答复期限自本机关收到补正的申请之日起计算。无正当理由逾期不补正的，视为放弃申请，本机关不再处理该政府信息公开申请。",
                chinese_date(*deadline)
            ));
            (NoticeKind::Clarification, input.applicant_name.trim().to_string(), p)
        }
        Effect::NotifyApplicant(Notice::Extended { days, new_due }) => {
            let mut p = vec![asked];
            p.extend(detail().map(|d| format!("延期理由：{d}")));
            p.push(format!(
                "因需要延长答复期限，经本机关政府信息公开工作机构负责人同意，根据《中华人民共和国政府信息公开条例》第三十三条第二款的规定，答复期限延长{days}个工作日，本机关将于{}前作出答复。",
                chinese_date(*new_due)
            ));
            (NoticeKind::Extension, input.applicant_name.trim().to_string(), p)
        }
        Effect::NotifyApplicant(Notice::FeeNotice { amount_yuan, deadline }) => {
            let mut p = vec![asked];
            p.push(format!(
                "根据《中华人民共和国政府信息公开条例》第四十二条和《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）的规定，您的申请需缴纳信息处理费人民币{amount_yuan}元。"
            ));
            p.extend(detail().map(|d| format!("计费依据：{d}")));
            p.push(format!(
                "请您于{}前缴纳。答复期限自收到本通知之日起中止计算，自缴纳费用之日起恢复计算；逾期未缴纳的，视为放弃申请，本机关不再处理该政府信息公开申请。",
                chinese_date(*deadline)
            ));
            (NoticeKind::Fee, input.applicant_name.trim().to_string(), p)
        }
        Effect::NotifyConsultee { party, reply_by } => {
            let whom = match party {
                Consultee::ThirdParty => "第三方",
                Consultee::OtherOrgan => "有关机关",
            };
            let mut p = vec![format!(
                "本机关于{}收到一件政府信息公开申请，申请获取：“{}”。该政府信息涉及贵方，公开可能损害贵方的合法权益（或者需要征求贵方意见）。",
                chinese_date(input.received_on),
                input.request.trim()
            )];
            let tail = match party {
                Consultee::ThirdParty => {
                    "逾期未提出意见的，由本机关依照《中华人民共和国政府信息公开条例》的规定决定是否公开。第三方不同意公开且有合理理由的，本机关不予公开；本机关认为不公开可能对公共利益造成重大影响的，可以决定予以公开，并将决定公开的政府信息内容和理由书面告知第三方。"
                }
                Consultee::OtherOrgan => {
                    "逾期未提出意见的，由本机关依照《中华人民共和国政府信息公开条例》的规定自行决定。"
                }
            };
            p.push(format!(
                "根据《中华人民共和国政府信息公开条例》第三十二条{}的规定，现书面征求贵方意见，请于{}前（自本函发出之日起15个工作日内）提出书面意见。{tail}",
                if *party == Consultee::OtherOrgan { "、第三十四条" } else { "" },
                chinese_date(*reply_by)
            ));
            // The clerk's note names the party consulted.
            (NoticeKind::Consultation, detail().unwrap_or_else(|| whom.to_string()), p)
        }
        _ => return None,
    };
    paragraphs.push("特此告知。".into());
    Some((kind, letter(kind, addressee, paragraphs, input)))
}

fn letter(kind: NoticeKind, addressee: String, paragraphs: Vec<String>, input: &NoticeInput) -> Letter {
    Letter {
        title: kind.label().to_string(),
        addressee: format!("{addressee}："),
        paragraphs,
        remedies: String::new(),
        issuer: input.issuer.trim().to_string(),
        date: chinese_date(input.date),
    }
}

/// The short text an SMS carries: the notice's name, its deadline and where to read it.
pub fn sms_text(kind: NoticeKind, letter: &Letter, issuer: &str, tracking_code: &str) -> String {
    let key = letter.paragraphs.iter().rev().find(|p| p.contains('前')).map(String::as_str).unwrap_or("");
    let deadline = key.find("于").and_then(|i| key[i + "于".len()..].split('前').next()).unwrap_or("");
    let when = if deadline.is_empty() { String::new() } else { format!("期限：{deadline}前。") };
    format!(
        "【{issuer}】您的政府信息公开申请（查询码{tracking_code}）有{}。{when}请凭查询码和查询密码登录申请查询页面查看全文。",
        kind.label()
    )
}

/// How long a message waits after its `attempts`-th failed try before the next: 1, 2, 4 … minutes,
/// at most 256 minutes; never given up (nothing acknowledged is lost; a failing message shows on
/// /metrics as waiting and on the application's page with its error).
pub fn retry_pause_minutes(attempts: i64) -> i64 {
    1i64 << (attempts.clamp(1, 9) - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, m, day).unwrap()
    }

    fn input() -> NoticeInput {
        NoticeInput {
            applicant_name: "王五".into(),
            received_on: d(3, 4),
            request: "2023年某路段改造的招标文件".into(),
            tracking_code: "GK-ABCD-2345".into(),
            detail: String::new(),
            issuer: "汝州市人民政府办公室".into(),
            date: d(3, 6),
        }
    }

    #[test]
    fn each_notice_cites_its_article_and_its_deadline() {
        let cases = [
            (
                Effect::NotifyApplicant(Notice::ClarificationRequested { deadline: d(3, 20) }),
                NoticeKind::Clarification,
                "第三十条",
                "2024年3月20日前补正",
            ),
            (
                Effect::NotifyApplicant(Notice::Extended { days: 20, new_due: d(4, 30) }),
                NoticeKind::Extension,
                "第三十三条第二款",
                "延长20个工作日，本机关将于2024年4月30日前",
            ),
            (
                Effect::NotifyApplicant(Notice::FeeNotice { amount_yuan: 100, deadline: d(4, 3) }),
                NoticeKind::Fee,
                "第四十二条",
                "人民币100元",
            ),
            (
                Effect::NotifyConsultee { party: Consultee::ThirdParty, reply_by: d(3, 27) },
                NoticeKind::Consultation,
                "第三十二条",
                "2024年3月27日前",
            ),
        ];
        for (effect, kind, article, phrase) in cases {
            assert!(owes_notice(&effect));
            let (k, l) = notice_for(&effect, &input()).unwrap();
            assert_eq!(k, kind);
            assert_eq!(l.title, kind.label());
            let text = l.paragraphs.join("");
            assert!(text.contains(article), "{kind:?}: {text}");
            assert!(text.contains(phrase), "{kind:?}: {text}");
            assert!(l.addressee.ends_with('：') && !l.addressee.ends_with("：："), "{}", l.addressee);
            assert_eq!(l.date, "2024年3月6日");
        }
    }

    #[test]
    fn a_failed_message_waits_longer_each_time_up_to_about_four_hours() {
        let pauses: Vec<i64> = (1..=12).map(retry_pause_minutes).collect();
        assert_eq!(&pauses[..4], &[1, 2, 4, 8]);
        assert!(pauses.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(*pauses.last().unwrap(), 256);
    }

    #[test]
    fn a_reply_is_not_a_notice() {
        use super::super::outcome::Outcome;
        assert!(
            notice_for(&Effect::NotifyApplicant(Notice::Reply { outcome: Outcome::Disclosed }), &input()).is_none()
        );
        assert!(notice_for(&Effect::ClearDueDate, &input()).is_none());
    }

    #[test]
    fn the_applicants_choice_decides_the_channel() {
        use DeliveryMethod::*;
        assert_eq!(NoticeChannel::for_applicant(Email, "a@b.cn", "139", "x"), NoticeChannel::Email);
        assert_eq!(NoticeChannel::for_applicant(Email, "", "139", "x"), NoticeChannel::Sms);
        assert_eq!(NoticeChannel::for_applicant(Post, "a@b.cn", "139", "汝州市"), NoticeChannel::Post);
        assert_eq!(NoticeChannel::for_applicant(Collect, "", "", "汝州市"), NoticeChannel::Post);
        assert_eq!(NoticeChannel::for_applicant(Online, "", "139", ""), NoticeChannel::Sms);
        assert_eq!(NoticeChannel::for_applicant(Online, "", "", ""), NoticeChannel::Post);
    }

    #[test]
    fn an_sms_names_the_notice_and_its_deadline() {
        let e = Effect::NotifyApplicant(Notice::ClarificationRequested { deadline: d(3, 20) });
        let (k, l) = notice_for(&e, &input()).unwrap();
        let t = sms_text(k, &l, "汝州市人民政府办公室", "GK-ABCD-2345");
        assert!(t.contains("补正告知书") && t.contains("2024年3月20日前") && t.contains("GK-ABCD-2345"), "{t}");
        assert!(!t.contains("王五"), "no name in a text message: {t}");
    }
}
