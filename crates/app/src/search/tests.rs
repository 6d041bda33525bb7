//! The index over real text: segmentation, ranking, snippets, filters, the feed follower.
use super::*;

#[test]
fn query_words_drop_punctuation() {
    let w = words("民生资金，发放", false);
    assert!(w.contains(&"民生".to_string()) || w.contains(&"民生资金".to_string()));
    assert!(!w.iter().any(|x| x == "，"));
}

fn item(id: i64, title: &str, body: &str, index_no: &str, doc_no: &str) -> IndexRow {
    IndexRow {
        item_id: id,
        unit_id: 1,
        unit_name: "汝州市人民政府办公室".into(),
        node_code: Some("notices".into()),
        status: gongkai_domain::disclosure::ItemStatus::Published,
        index_no: Some(index_no.into()),
        doc_no: doc_no.into(),
        art20: String::new(),
        validity: "effective".into(),
        published_on: Some(format!("2020-03-{:02}", 10 + id)),
        public_title: title.into(),
        public_summary: String::new(),
        public_body_html: body.into(),
    }
}

fn ids(r: &SearchResult) -> Vec<i64> {
    r.hits.iter().map(|h| h.id).collect()
}

#[test]
fn segmentation_ranks_the_word_above_its_parts_and_exact_numbers_come_first() {
    let dir = std::env::temp_dir().join(format!("disclosure-search-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let index = open(&dir).expect("index");
    assert!(!index.is_ready(), "a never-built index does not pretend to answer");
    let rows = vec![
        item(
            1,
            "汝州市教育信息化设备采购项目公开招标公告",
            "<p>汝州市教育信息化设备政府采购项目现进行公开招标，欢迎合格的供应商参加投标。项目内容：教室多媒体与信息化终端，政府采购，公开招标。</p>",
            "11410482005557000L/2020-00001",
            "",
        ),
        item(
            2,
            "汝州市2020年政府信息公开工作要点",
            "<p>全面做好政府信息公开工作，推进主动公开。</p>",
            "11410482005557000L/2020-00002",
            "汝政办〔2020〕7号",
        ),
        item(
            3,
            "关于做好民生资金发放工作的通知",
            "<p>民生资金实行专账管理。</p>",
            "11410482005557000L/2020-00003",
            "汝财〔2020〕5号",
        ),
        item(
            4,
            "汝州市2020年政务公开工作要点",
            "<p>全面推进信息公开，做好政府信息公开工作。</p>",
            "11410482005557000L/2020-00004",
            "",
        ),
    ];
    index.apply(&[1, 2, 3, 4], &rows, 3).expect("indexed");
    assert!(index.is_ready());
    let q = |q: &str| index.search(&SearchQuery { q: q.into(), ..Default::default() }).expect("search");
    // Overlapping sub-words (公开 / 招标 / 公开招标) must not break the snippet.
    assert_eq!(ids(&q("政府采购 公开招标"))[0], 1);
    let r = q("信息公开");
    assert_eq!(ids(&r)[0], 2, "the item about 信息公开 comes first: {:?}", ids(&r));
    assert_eq!(query_run("信息公开").len(), 2, "jieba cuts the query itself");
    let pos = |id| ids(&r).iter().position(|x| *x == id).expect("found");
    assert!(
        pos(4) < pos(1),
        "信息公开 in the body only still ranks above 信息化 + 公开招标 in the title: {:?}",
        ids(&r)
    );
    assert!(query_run("政府采购 公开招标").is_empty());
    assert!(!r.hits[0].snippet.contains("<script"));
    assert_eq!(ids(&q("民生资金")), vec![3]);
    assert_eq!(ids(&q("汝财〔2020〕5号"))[0], 3);
    assert_eq!(ids(&q("11410482005557000L/2020-00001"))[0], 1);
    // Unpublished (withdrawn) items leave the index.
    let mut gone = rows[2].clone();
    gone.status = gongkai_domain::disclosure::ItemStatus::Withdrawn;
    index.apply(&[3], &[gone], 4).expect("reindexed");
    assert!(q("民生资金").hits.is_empty());
    assert_eq!(index.position(), Some(4));
    index.close_writer();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn exact_form_normalises_full_width_separators() {
    assert_eq!(exact_form(" 11410482005557200X／2020－00001 "), "11410482005557200X/2020-00001");
}

#[test]
fn a_snippet_is_cut_from_around_the_first_word_found() {
    let body = format!("{}关于做好最低生活保障工作的通知{}", "开头".repeat(300), "结尾".repeat(300));
    let w = super::snippet_window(&body, &["保障".to_string(), "没有的词".to_string()], 220);
    assert!(w.contains("最低生活保障工作"), "{w}");
    assert_eq!(w.chars().count(), 220);
    assert!(body.contains(w));
    let short = "短文，包含Gongkai。";
    assert_eq!(super::snippet_window(short, &["gongkai".to_string()], 320), short);
    assert_eq!(super::snippet_window(short, &[], 3), "短文，");
    let mixed = format!("{}GONGKAI平台", "前".repeat(100));
    assert!(super::snippet_window(&mixed, &["gongkai".to_string()], 20).contains("GONGKAI平台"));
}

#[test]
fn a_snippet_marks_every_query_word_escaped() {
    let words = vec!["补贴".to_string(), "gongkai".to_string(), "补贴资金".to_string()];
    assert_eq!(
        super::highlight("发放补贴资金<script>，GongKai平台，补贴款", &words),
        "发放<b>补贴资金</b>&lt;script&gt;，<b>GongKai</b>平台，<b>补贴</b>款"
    );
    assert_eq!(super::highlight("没有", &words), "没有");
    assert_eq!(super::highlight("", &words), "");
}
