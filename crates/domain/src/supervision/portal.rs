//! A monitor for the portal the government already runs on another vendor's CMS: what its pages
//! say, judged by the same indicators as the columns Gongkai hosts (国办秘函〔2019〕19号,
//! ogi-facts.md §4): each column's newest dated entry against its update class (`column_state`,
//! feeding `single_veto`), links that do not answer (错链断链), and the elements every government
//! website must show (网站标识码, ICP备案, 公安机关备案, 站内搜索, 政府信息公开 entrance).
//!
//! Pure: pages come in as text; fetching, politeness (robots.txt, rate, bounds) and storage are
//! the caller's. HTML is read with html5ever's tokenizer (the parser ammonia uses), URLs with `url`.

use std::cell::RefCell;

use chrono::NaiveDate;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts, states::RawKind,
};
use serde::{Deserialize, Serialize};

use super::column::UpdateClass;

/// A link as a page prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Link {
    pub href: String,
    pub text: String,
}

/// What the monitor reads of one page.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Page {
    pub title: String,
    /// The visible text, script and style left out, whitespace collapsed.
    pub text: String,
    pub links: Vec<Link>,
    /// Links inside the navigation (`<nav>`, or an element whose id or class names nav/menu/daohang):
    /// the columns, where none are configured.
    pub nav_links: Vec<Link>,
    /// A form with a text box (a site search), or a link to one.
    pub has_search: bool,
}

#[derive(Default)]
struct Reader {
    page: Page,
    /// Open elements that are navigation, by depth; the current link, if inside one.
    stack: Vec<(String, bool)>,
    link: Option<(String, String, bool)>,
    in_title: bool,
    in_form: bool,
    skip: bool,
}

struct Sink(RefCell<Reader>);

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut r = self.0.borrow_mut();
        match token {
            Token::TagToken(tag) => {
                let name = tag.name.to_string();
                let attr = |n: &str| tag.attrs.iter().find(|a| &*a.name.local == n).map(|a| a.value.to_string());
                match tag.kind {
                    TagKind::StartTag => {
                        match name.as_str() {
                            "script" | "style" if !tag.self_closing => {
                                r.skip = true;
                                let kind = if name == "script" { RawKind::ScriptData } else { RawKind::Rawtext };
                                return TokenSinkResult::RawData(kind);
                            }
                            "title" => r.in_title = true,
                            "form" => r.in_form = true,
                            "input" if r.in_form => {
                                let kind = attr("type").unwrap_or_default().to_ascii_lowercase();
                                if matches!(kind.as_str(), "" | "text" | "search") {
                                    r.page.has_search = true;
                                }
                            }
                            "a" => {
                                let in_nav = r.stack.iter().any(|(_, nav)| *nav);
                                r.link = attr("href").map(|h| (h, String::new(), in_nav));
                            }
                            _ => {}
                        }
                        if !tag.self_closing && !is_void(&name) {
                            let marker =
                                format!("{} {}", attr("id").unwrap_or_default(), attr("class").unwrap_or_default())
                                    .to_ascii_lowercase();
                            let nav = name == "nav" || ["nav", "menu", "daohang"].iter().any(|k| marker.contains(k));
                            r.stack.push((name, nav));
                        }
                    }
                    TagKind::EndTag => {
                        match name.as_str() {
                            "script" | "style" => r.skip = false,
                            "title" => r.in_title = false,
                            "form" => r.in_form = false,
                            "a" => {
                                if let Some((href, text, in_nav)) = r.link.take() {
                                    let link = Link { href: href.trim().to_string(), text: collapse(&text) };
                                    if in_nav {
                                        r.page.nav_links.push(link.clone());
                                    }
                                    r.page.links.push(link);
                                }
                            }
                            _ => {}
                        }
                        if let Some(at) = r.stack.iter().rposition(|(n, _)| *n == name) {
                            r.stack.truncate(at);
                        }
                    }
                }
            }
            Token::CharacterTokens(t) if !r.skip => {
                if r.in_title {
                    r.page.title.push_str(&t);
                }
                if let Some((_, text, _)) = r.link.as_mut() {
                    text.push_str(&t);
                }
                r.page.text.push_str(&t);
                r.page.text.push(' ');
            }
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "source"
            | "track"
            | "wbr"
    )
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Read a page's title, text, links and navigation.
pub fn parse_page(html: &str) -> Page {
    let sink = Sink(RefCell::new(Reader::default()));
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    let mut page = std::mem::take(&mut tokenizer.sink.0.borrow_mut().page);
    page.title = collapse(&page.title);
    page.text = collapse(&page.text);
    if page.links.iter().any(|l| l.text.contains("搜索") || l.text.contains("检索")) {
        page.has_search = true;
    }
    page
}

/// A link as an absolute http(s) address, its fragment dropped; None for mail, telephone,
/// JavaScript and other schemes, and for what is not an address at all.
pub fn resolve(base: &str, href: &str) -> Option<String> {
    let href = href.trim();
    if href.is_empty() || href.starts_with('#') {
        return None;
    }
    let mut u = url::Url::parse(base).ok()?.join(href).ok()?;
    if !matches!(u.scheme(), "http" | "https") {
        return None;
    }
    u.set_fragment(None);
    Some(u.to_string())
}

/// The same site: scheme, host and port.
pub fn same_site(a: &str, b: &str) -> bool {
    match (url::Url::parse(a), url::Url::parse(b)) {
        (Ok(a), Ok(b)) => {
            a.scheme() == b.scheme()
                && a.host_str() == b.host_str()
                && a.port_or_known_default() == b.port_or_known_default()
        }
        _ => false,
    }
}

/// The newest date printed on a page, on or before `today` (a list of entries prints each one's
/// date: 2026-11-20, 2026/11/20, 2026.11.20, 2026年11月20日). Dates after `today` are a CMS's
/// placeholders or typos and never make a column current. "未注明信息发布时间的视为不更新": a page
/// without a date gives None.
pub fn newest_date(text: &str, today: NaiveDate) -> Option<NaiveDate> {
    let chars: Vec<char> = text.chars().collect();
    let mut best: Option<NaiveDate> = None;
    let number = |from: usize, max: usize| -> Option<(u32, usize)> {
        let mut n = 0u32;
        let mut len = 0;
        while len < max && from + len < chars.len() && chars[from + len].is_ascii_digit() {
            n = n * 10 + chars[from + len].to_digit(10)?;
            len += 1;
        }
        (len > 0).then_some((n, from + len))
    };
    let mut i = 0;
    while i + 4 <= chars.len() {
        let starts = chars[i].is_ascii_digit() && (i == 0 || !chars[i - 1].is_ascii_digit());
        if starts
            && let Some((year, at)) = number(i, 4).filter(|(_, at)| at - i == 4)
            && let Some(sep) = chars.get(at).copied().filter(|c| matches!(c, '-' | '/' | '.' | '年'))
            && let Some((month, at)) = number(at + 1, 2)
            && let Some(sep2) = chars.get(at).copied()
            && (sep2 == sep || (sep == '年' && sep2 == '月'))
            && let Some((day, end)) = number(at + 1, 2)
            && !chars.get(end).is_some_and(char::is_ascii_digit)
            && let Some(date) = NaiveDate::from_ymd_opt(year as i32, month, day)
            && date <= today
            && best.is_none_or(|b| date > b)
        {
            best = Some(date);
        }
        i += 1;
    }
    best
}

/// The elements every government website shows (政府网站发展指引, 国办发〔2017〕47号; the
/// inspection indicators count their absence).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Element {
    /// 网站标识码: ten or more letters and digits after the words.
    SiteCode,
    /// ICP备案编号 (“京ICP备…号”).
    Icp,
    /// 公安机关备案号 (“…公网安备…号”).
    PublicSecurity,
    /// 站内搜索.
    Search,
    /// 政府信息公开 entrance.
    OgiEntrance,
}

impl Element {
    pub const ALL: [Element; 5] =
        [Element::SiteCode, Element::Icp, Element::PublicSecurity, Element::Search, Element::OgiEntrance];
    pub fn label(self) -> &'static str {
        match self {
            Element::SiteCode => "网站标识码",
            Element::Icp => "ICP备案编号",
            Element::PublicSecurity => "公安机关备案标识",
            Element::Search => "站内搜索",
            Element::OgiEntrance => "政府信息公开入口",
        }
    }
}

/// What the home page lacks of the required elements.
pub fn missing_elements(home: &Page) -> Vec<Element> {
    let compact: String = home.text.chars().filter(|c| !c.is_whitespace()).collect();
    let site_code = compact.match_indices("网站标识码").any(|(at, m)| {
        let rest = compact[at + m.len()..].trim_start_matches([':', '：']);
        rest.chars().take_while(char::is_ascii_alphanumeric).count() >= 10
    });
    let present = |e: Element| match e {
        Element::SiteCode => site_code,
        Element::Icp => compact.contains("ICP备") || compact.contains("ICP证"),
        Element::PublicSecurity => compact.contains("公网安备"),
        Element::Search => home.has_search,
        Element::OgiEntrance => {
            home.links.iter().any(|l| l.text.contains("政府信息公开") || l.text.contains("政务公开"))
        }
    };
    Element::ALL.into_iter().filter(|e| !present(*e)).collect()
}

/// robots.txt as it applies to us (RFC 9309): the group for our agent, else the one for `*`;
/// the longest matching Allow or Disallow wins, Allow on a tie; `*` matches any run of
/// characters and a final `$` the end of the path.
#[derive(Debug, Clone, Default)]
pub struct Robots {
    rules: Vec<Rule>,
}

/// (allow, path pattern)
type Rule = (bool, String);

impl Robots {
    pub const AGENT: &'static str = "GongkaiPortalMonitor";

    pub fn parse(text: &str) -> Robots {
        let mut groups: Vec<(Vec<String>, Vec<Rule>)> = Vec::new();
        let mut in_agents = false;
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("").trim();
            let Some((key, value)) = line.split_once(':') else { continue };
            let (key, value) = (key.trim().to_ascii_lowercase(), value.trim().to_string());
            match key.as_str() {
                "user-agent" => {
                    if !in_agents {
                        groups.push((Vec::new(), Vec::new()));
                    }
                    in_agents = true;
                    if let Some(g) = groups.last_mut() {
                        g.0.push(value.to_ascii_lowercase());
                    }
                }
                "allow" | "disallow" => {
                    in_agents = false;
                    if let Some(g) = groups.last_mut()
                        && !value.is_empty()
                    {
                        g.1.push((key == "allow", value));
                    }
                }
                _ => in_agents = false,
            }
        }
        let ours = Self::AGENT.to_ascii_lowercase();
        let pick = groups
            .iter()
            .find(|g| g.0.iter().any(|a| ours.starts_with(a.as_str()) && a != "*"))
            .or_else(|| groups.iter().find(|g| g.0.iter().any(|a| a == "*")));
        Robots { rules: pick.map(|g| g.1.clone()).unwrap_or_default() }
    }

    /// May we fetch this path (with its query)?
    pub fn allows(&self, path: &str) -> bool {
        self.rules
            .iter()
            .filter(|(_, pattern)| robots_match(pattern, path))
            .max_by_key(|(allow, pattern)| (pattern.len(), *allow))
            .is_none_or(|(allow, _)| *allow)
    }
}

/// A robots.txt path pattern against a path: a prefix match, `*` any run, a final `$` the end.
fn robots_match(pattern: &str, path: &str) -> bool {
    let (pattern, anchored) = match pattern.strip_suffix('$') {
        Some(p) => (p, true),
        None => (pattern, false),
    };
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = path.strip_prefix(first) else { return false };
    let parts: Vec<&str> = parts.collect();
    for (i, part) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        if last && anchored {
            return rest.ends_with(part);
        }
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    !anchored || rest.is_empty() || (parts.is_empty() && rest.is_empty())
}

/// A column of the portal to watch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalColumn {
    pub title: String,
    pub url: String,
    pub class: UpdateClass,
}

/// The update class a column's title suggests (动态/要闻/新闻 → 2 weeks; 通知/公告/政策/文件 →
/// 6 months; 机构/职能/指南/领导 → never needs updating; else 6 months).
pub fn guess_class(title: &str) -> UpdateClass {
    let has = |ks: &[&str]| ks.iter().any(|k| title.contains(k));
    if has(&["动态", "要闻", "新闻", "工作动态"]) {
        UpdateClass::News
    } else if has(&["通知", "公告", "政策", "文件"]) {
        UpdateClass::Notice
    } else if has(&["机构", "职能", "指南", "领导", "简介", "概况"]) {
        UpdateClass::NoUpdate
    } else {
        UpdateClass::OTHER_DEFAULT
    }
}

/// The class a clerk writes: 动态 / 通知 / 其他 / 不更新 (or the codes news, notice, other, none).
pub fn class_from_word(word: &str) -> Option<UpdateClass> {
    match word.trim() {
        "动态" | "要闻" | "news" => Some(UpdateClass::News),
        "通知" | "公告" | "政策" | "notice" => Some(UpdateClass::Notice),
        "其他" | "other" | "" => Some(UpdateClass::OTHER_DEFAULT),
        "不更新" | "none" => Some(UpdateClass::NoUpdate),
        _ => None,
    }
}

/// The column list as the office writes it, one a line: `标题 | 地址 | 类别`, the class optional
/// (guessed from the title). Errors name the line.
pub fn parse_columns(text: &str, base: &str) -> Result<Vec<PortalColumn>, Vec<String>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let parts: Vec<&str> = line.split(['|', '｜']).map(str::trim).collect();
        let (Some(title), Some(addr)) = (parts.first().filter(|t| !t.is_empty()), parts.get(1)) else {
            errors.push(format!("第{}行：应写作“栏目名称 | 地址 | 类别”", n + 1));
            continue;
        };
        let Some(url) = resolve(base, addr) else {
            errors.push(format!("第{}行：“{addr}”不是网页地址", n + 1));
            continue;
        };
        let class = match parts.get(2) {
            Some(w) => match class_from_word(w) {
                Some(c) => c,
                None => {
                    errors.push(format!("第{}行：类别“{w}”应为 动态、通知、其他 或 不更新", n + 1));
                    continue;
                }
            },
            None => guess_class(title),
        };
        out.push(PortalColumn { title: (*title).to_string(), url, class });
    }
    if errors.is_empty() { Ok(out) } else { Err(errors) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_page_gives_its_links_navigation_search_and_text_without_scripts() {
        let html = r#"<html><head><title> 某县人民政府 </title><script>var a = "<a href='/x'>x</a> 2030-01-01";</script>
            <style>.a{}</style></head><body><div class="top-nav"><ul><li><a href="/xwdt/">工作动态</a></li>
            <li><a href="tzgg/index.html">通知公告</a></li></ul></div>
            <form action="/search"><input type="text" name="q"><input type="submit"></form>
            <p>更新于 2026年11月3日</p><a href="/zwgk/"> 政府信息
            公开 </a><a href="mailto:x@y.cn">信箱</a><br><img src="a.png"></body></html>"#;
        let p = parse_page(html);
        assert_eq!(p.title, "某县人民政府");
        assert_eq!(p.nav_links.iter().map(|l| l.text.as_str()).collect::<Vec<_>>(), ["工作动态", "通知公告"]);
        assert_eq!(p.links.len(), 4, "{:?}", p.links);
        assert!(p.has_search);
        assert!(!p.text.contains("2030"), "script text is not page text: {}", p.text);
        assert_eq!(newest_date(&p.text, d("2026-12-01")), Some(d("2026-11-03")));
        assert_eq!(p.links[2].text, "政府信息 公开");
        assert_eq!(
            resolve("http://a.gov.cn/x/index.html", "tzgg/index.html#top").as_deref(),
            Some("http://a.gov.cn/x/tzgg/index.html")
        );
        assert_eq!(resolve("http://a.gov.cn/", "mailto:x@y.cn"), None);
        assert_eq!(resolve("http://a.gov.cn/", "javascript:void(0)"), None);
        assert!(
            same_site("http://a.gov.cn/x", "http://a.gov.cn:80/y")
                && !same_site("http://a.gov.cn/", "https://a.gov.cn/")
        );
    }

    #[test]
    fn the_newest_date_is_the_latest_real_one_not_after_today() {
        let today = d("2026-12-01");
        let text =
            "通知 2026-10-08 公告 2026/11/20 旧闻 2025.01.02 未来 2027-01-01 错 2026-02-30 号 120261111 版权 2026";
        assert_eq!(newest_date(text, today), Some(d("2026-11-20")));
        assert_eq!(newest_date("没有日期的栏目", today), None);
        assert_eq!(newest_date("2026年9月5日", today), Some(d("2026-09-05")));
        assert_eq!(newest_date("2026-9-5", today), Some(d("2026-09-05")));
        assert_eq!(newest_date("2026-09/05", today), None, "mixed separators are not a date");
    }

    #[test]
    fn the_required_elements_are_found_or_named() {
        let full = parse_page(
            "<p>网站标识码：4104820001 豫ICP备05018341号 豫公网安备 41048202000100号</p>\
             <a href='/s'>站内搜索</a><a href='/zwgk'>政府信息公开</a>",
        );
        assert!(missing_elements(&full).is_empty());
        let bare = parse_page("<p>网站标识码：待定</p><a href='/zwgk'>首页</a>");
        assert_eq!(missing_elements(&bare), Element::ALL.to_vec());
    }

    #[test]
    fn robots_rules_apply_by_the_longest_prefix_for_our_agent_or_everyone() {
        let r = Robots::parse(
            "User-agent: *\nDisallow: /private/\nAllow: /private/open\nDisallow: /*.pdf$\n\nUser-agent: BadBot\nDisallow: /",
        );
        assert!(!r.allows("/private/x.html"));
        assert!(r.allows("/private/open.html"));
        assert!(r.allows("/xwdt/"));
        assert!(!r.allows("/files/a.pdf") && r.allows("/files/a.pdf.html"), "a wildcard and an end anchor");
        let ours = Robots::parse("User-agent: gongkaiportalmonitor\nDisallow: /slow/\nUser-agent: *\nDisallow: /");
        assert!(ours.allows("/xwdt/") && !ours.allows("/slow/a"));
        assert!(Robots::parse("").allows("/anything"));
        assert!(Robots::parse("User-agent: *\nDisallow:").allows("/anything"), "an empty Disallow allows all");
    }

    #[test]
    fn the_column_list_reads_line_by_line_with_errors_by_number() {
        let cols = parse_columns(
            "工作动态 | /xwdt/ \n通知公告 | http://a.gov.cn/tzgg/ | 通知\n# 注释\n机构职能 | /jgzn/ | 不更新",
            "http://a.gov.cn/",
        )
        .unwrap();
        assert_eq!(cols.len(), 3);
        assert_eq!(cols[0].class, UpdateClass::News);
        assert_eq!(cols[0].url, "http://a.gov.cn/xwdt/");
        assert_eq!(cols[2].class, UpdateClass::NoUpdate);
        let errs = parse_columns("只有名称\n栏目 | mailto:a@b.cn\n栏目 | /x | 每周", "http://a.gov.cn/").unwrap_err();
        assert_eq!(errs.len(), 3);
        assert!(errs[0].starts_with("第1行") && errs[2].contains("每周"));
        assert_eq!(guess_class("政策文件"), UpdateClass::Notice);
        assert_eq!(guess_class("领导信息"), UpdateClass::NoUpdate);
    }
}
