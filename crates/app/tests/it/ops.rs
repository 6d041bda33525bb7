//! What the people who keep it running see: /metrics in the OpenMetrics text format Prometheus
//! scrapes (requests by route and status, latencies, open applications by working days left, the
//! outbox, the search index's lag), answered to this machine and the admin only; one JSON log line
//! per request where asked for.

use crate::common::*;

#[tokio::test(flavor = "multi_thread")]
async fn metrics_count_requests_and_queue_depths_for_this_machine_only() {
    let store = Store::new(Backend::Sqlite);
    let server = Server::start(&store, &[("GONGKAI_TRUST_PROXY", "1"), ("GONGKAI_TODAY", "2026-03-02")]);
    let c = client();
    assert_eq!(c.get(server.url("/healthz")).send().await.unwrap().status().as_u16(), 200);
    let resp = c.post(server.url("/api/v1/applications")).json(&application_json(1, None)).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 201);

    let resp = c.get(server.url("/metrics")).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("application/openmetrics-text"));
    let text = resp.text().await.unwrap();
    assert!(text.ends_with("# EOF\n"), "{text}");
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        // name{labels} value — every sample line of the exposition format.
        let (name, value) = line.rsplit_once(' ').unwrap();
        assert!(value.parse::<f64>().is_ok() && name.starts_with("gongkai_"), "{line}");
    }
    assert!(text.contains(r#"gongkai_http_requests_total{method="GET",route="/healthz",status="200"} 1"#), "{text}");
    assert!(
        text.contains(r#"gongkai_http_requests_total{method="POST",route="/api/v1/applications",status="201"} 1"#),
        "{text}"
    );
    assert!(text.contains(r#"gongkai_http_request_duration_seconds_count{method="GET",route="/healthz"} 1"#));
    // Received on 2026-03-02, due 20 working days later: in the 11+ band.
    assert!(text.contains(r#"gongkai_open_applications{days_left="11+"} 1"#), "{text}");
    assert!(text.contains(r#"gongkai_open_applications{days_left="overdue"} 0"#), "{text}");
    assert!(text.contains("gongkai_outbox_pending "), "{text}");
    assert!(text.contains("gongkai_search_index_lag "), "{text}");
    assert!(text.contains(r#"gongkai_background_task_failures{task="mail"} 0"#), "{text}");
    assert!(!text.contains("申请人") && !text.contains("tracking"), "counts only");

    // Through a proxy (trust_proxy on), the client is not this machine: not found.
    let resp = c.get(server.url("/metrics")).header("x-forwarded-for", "203.0.113.9").send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 404);
}
