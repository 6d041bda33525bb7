//! Issue 19 §6: no false "no results". A node started on the demo's data without a search index
//! (a new node, or one whose index was removed) builds it in the background; until it has, the
//! search API answers 503 with the reason and the page says the index is being built — never an
//! empty answer. Every answer from the first request until the index is ready is one of the two:
//! a 503 saying so, or results.

use serde_json::Value;

use crate::common::*;

#[tokio::test(flavor = "multi_thread")]
async fn while_the_index_is_built_search_says_so_and_never_answers_empty() {
    let data = crate::support::start_demo(&[]).stop_keeping_data();
    std::fs::remove_dir_all(data.0.join("search-index")).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let base = format!("http://127.0.0.1:{port}");
    let mut child = std::process::Command::new(BIN)
        .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--data-dir"])
        .arg(&data.0)
        .env("GONGKAI_LOG", "warn")
        .env("GONGKAI_PUBLIC_SUBMISSIONS_PER_MINUTE", "100000")
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let web = client();
    // Up (not ready): the first answer of /livez.
    for _ in 0..400 {
        if web.get(format!("{base}/livez")).send().await.is_ok() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    let url = |p: &str| format!("{base}{p}");
    let (mut unavailable, mut answered) = (0, 0);
    let mut page_said_so = false;
    for _ in 0..1200 {
        let r = web.get(url("/api/v1/search?q=%E6%B1%9D%E5%B7%9E")).send().await.unwrap();
        let status = r.status().as_u16();
        let body = r.text().await.unwrap();
        match status {
            503 => {
                unavailable += 1;
                assert!(body.contains("检索索引正在建立") && body.contains("不是没有结果"), "{body}");
                if !page_said_so {
                    let page = web.get(url("/search?q=%E6%B1%9D%E5%B7%9E")).send().await.unwrap();
                    let (s, text) = (page.status().as_u16(), page.text().await.unwrap());
                    if s == 503 {
                        assert!(text.contains("检索索引正在建立"), "{text}");
                        page_said_so = true;
                    }
                }
            }
            200 => {
                let v: Value = serde_json::from_str(&body).unwrap();
                assert!(v["total"].as_u64().unwrap_or(0) > 0, "an empty answer while building: {body}");
                answered += 1;
                if answered >= 3 {
                    break;
                }
            }
            other => panic!("search answered {other}: {body}"),
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(answered >= 3, "the index was never built ({unavailable} answers said it was being built)");
    // Building the index of ≈3,100 items takes seconds; the first requests come within 25 ms.
    assert!(unavailable > 0, "no answer said the index was being built");
    assert!(page_said_so, "the search page said the index is being built");
}
