//! Issue 17 §4: every notice the applicant is owed reaches them by their chosen channel. Three
//! applicants — one by e-mail, one 网上 with only a phone, one by post — and a 补正告知书 for each;
//! an extension and a 收费通知书 for the e-mail applicant; a 征求意见函 to a third party. With the
//! SMTP server and the SMS gateway down, `gongkai outbox send` fails and keeps the messages (the
//! application's page says so); once a real SMTP server (aiosmtpd, started here as its own
//! process) and an HTTP gateway are up, the retry delivers each message once, the e-mail with its
//! letter as a .docx whose text is the notice; the posted letter prints with its envelope and its
//! posting is recorded once.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};

use serde_json::{Value, json};

use crate::common::*;

fn venv_python() -> Option<String> {
    let home = std::env::var("HOME").ok()?;
    let py = format!("{home}/.cache/gongkai-test/venv/bin/python");
    Command::new(&py).args(["-c", "import aiosmtpd"]).output().ok().filter(|o| o.status.success()).map(|_| py)
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

struct Kill(Child);
impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn wait_for_port(port: u16) {
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("nothing listens on {port}");
}

/// `gongkai outbox send` with the relay and the gateway of this test.
fn outbox_send(store: &Store, smtp: u16, sms: u16, all: bool) -> (i32, String) {
    let mut args = vec!["outbox".to_string(), "send".to_string()];
    if all {
        args.push("--all".into());
    }
    args.extend(store.args());
    let o = Command::new(BIN)
        .args(&args)
        .env("GONGKAI_LOG", "warn")
        .env("GONGKAI_SMTP_RELAY", format!("127.0.0.1:{smtp}"))
        .env("GONGKAI_SMTP_FROM", "gongkai@ruzhou.gov.cn")
        .env("GONGKAI_SMS_GATEWAY", format!("http://127.0.0.1:{sms}/send"))
        .output()
        .unwrap();
    (o.status.code().unwrap_or(-1), String::from_utf8_lossy(&o.stdout).into_owned())
}

#[tokio::test(flavor = "multi_thread")]
async fn every_notice_reaches_the_applicant_by_their_channel_and_a_failed_one_is_retried() {
    let Some(py) = venv_python() else {
        return skip("aiosmtpd is not installed (scripts/install-test-deps.sh)");
    };
    for backend in backends() {
        run(backend, &py).await;
    }
}

async fn run(backend: Backend, py: &str) {
    let store = Store::new(backend);
    assert!(store.cli(&["user", "add", "admin", "--role", "admin", "--password", ADMIN_PASSWORD]).status.success());
    // The server has no relay: delivery is this test's `outbox send`, so nothing races it.
    let server = Server::start(&store, &[("GONGKAI_TODAY", "2026-06-01")]);
    let admin = login(&server, "admin", ADMIN_PASSWORD).await;
    let web = client();
    let mut codes = vec![];
    let applicants = [
        json!({"delivery_method": "email", "email": "wang.wu@example.cn", "applicant_name": "王五"}),
        json!({"delivery_method": "online", "phone": "13900001111", "applicant_name": "赵六"}),
        json!({"delivery_method": "post", "address": "河南省汝州市广成东路1号", "postcode": "467500", "applicant_name": "孙七"}),
    ];
    for (n, extra) in applicants.iter().enumerate() {
        let mut body = application_json(n + 1, None);
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        let r = web.post(server.url("/api/v1/applications")).json(&body).send().await.unwrap();
        let status = r.status().as_u16();
        let answer: Value = r.json().await.unwrap();
        assert_eq!(status, 201, "{answer}");
        codes.push(answer["tracking_code"].as_str().unwrap().to_string());
    }
    let queue: Value = admin.get(&server, "/api/v1/staff/applications").await.json().await.unwrap();
    let ids: Vec<i64> = codes
        .iter()
        .map(|c| {
            let row = queue.as_array().unwrap().iter().find(|a| a["tracking_code"] == *c).unwrap();
            row["application_id"].as_i64().unwrap()
        })
        .collect();
    let step = |id: i64, fields: Vec<(&'static str, String)>| {
        let admin = &admin;
        let server = &server;
        async move {
            let mut all: Vec<(&str, String)> = vec![
                ("date", "2026-06-01".into()),
                ("outcome", "disclosed".into()),
                ("deadline", String::new()),
                ("party", "third_party".into()),
                ("days", String::new()),
                ("approver", String::new()),
                ("amount", String::new()),
                ("pages", String::new()),
                ("public_note", String::new()),
                ("internal_note", String::new()),
            ];
            for (k, v) in fields {
                all.retain(|(x, _)| *x != k);
                all.push((k, v));
            }
            let borrowed: Vec<(&str, &str)> = all.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let r = admin.post_form(server, &format!("/staff/applications/{id}/step"), &borrowed).await;
            assert_eq!(r.status().as_u16(), 303, "step on {id}: {}", r.text().await.unwrap());
        }
    };
    for &id in &ids {
        step(
            id,
            vec![
                ("action", "clarify".into()),
                ("deadline", "2026-06-15".into()),
                ("public_note", "请写明所需资金发放情况的具体乡镇和月份".into()),
            ],
        )
        .await;
    }
    // The e-mail applicant supplements; the office extends, then sends a fee notice; a third party
    // is consulted about another application (the post one).
    step(ids[0], vec![("action", "supplement".into())]).await;
    step(
        ids[0],
        vec![
            ("action", "extend".into()),
            ("days", "20".into()),
            ("approver", "李主任".into()),
            ("public_note", "需要调取多个乡镇的档案".into()),
        ],
    )
    .await;
    step(ids[0], vec![("action", "fee_notice".into()), ("amount", "100".into()), ("deadline", "2026-06-30".into())])
        .await;
    step(ids[2], vec![("action", "supplement".into())]).await;
    step(ids[2], vec![("action", "consult".into()), ("internal_note", "汝州市某建筑有限公司".into())]).await;

    // Everything down: the tries fail, the messages stay, the page says so.
    let smtp = free_port();
    let sms = free_port();
    let (code, out) = outbox_send(&store, smtp, sms, false);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("sent 0, failed 4"), "three e-mails and one text message: {out}");
    let page = admin.get(&server, &format!("/staff/applications/{}", ids[0])).await.text().await.unwrap();
    assert!(page.contains("补正告知书") && page.contains("延期答复告知书") && page.contains("收费通知书"), "{page}");
    assert!(page.contains("未送达") && page.contains("已尝试1次"), "{page}");
    // A failed message waits out its pause: a plain round tries nothing.
    let (code, out) = outbox_send(&store, smtp, sms, false);
    assert_eq!((code, out.contains("sent 0, failed 0")), (0, true), "{out}");

    // The SMTP server and the SMS gateway come up; the retry delivers.
    let mail_dir = store.dir.join("maildir");
    let _smtp = Kill(
        Command::new(py)
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{smtp}"), "-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&mail_dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let sms_log = store.dir.join("sms.log");
    let sinks = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/it/support/notice_sinks.py");
    let _sms = Kill(Command::new(py).args([sinks, "sms", &sms.to_string()]).arg(&sms_log).spawn().unwrap());
    wait_for_port(smtp);
    wait_for_port(sms);
    let (code, out) = outbox_send(&store, smtp, sms, true);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("sent 4, failed 0"), "{out}");
    let (_, out) = outbox_send(&store, smtp, sms, true);
    assert!(out.contains("sent 0, failed 0"), "nothing is sent twice: {out}");

    let read = Command::new(py).args([sinks, "read"]).arg(&mail_dir).output().unwrap();
    assert!(read.status.success(), "{}", String::from_utf8_lossy(&read.stderr));
    let mails: Value = serde_json::from_slice(&read.stdout).unwrap();
    let mails = mails.as_array().unwrap();
    assert_eq!(mails.len(), 3, "{mails:?}");
    for (title, must) in [
        ("补正告知书", vec!["王五：", "第三十条", "2026年6月15日前补正", "具体乡镇和月份"]),
        ("延期答复告知书", vec!["第三十三条第二款", "延长20个工作日", "需要调取多个乡镇的档案"]),
        ("收费通知书", vec!["第四十二条", "人民币100元", "2026年6月30日前缴纳"]),
    ] {
        let m = mails
            .iter()
            .find(|m| m["subject"].as_str().unwrap().starts_with(title))
            .unwrap_or_else(|| panic!("no {title} delivered: {mails:?}"));
        assert!(m["to"].as_str().unwrap().contains("wang.wu@example.cn"), "{m}");
        assert!(m["from"].as_str().unwrap().contains("gongkai@ruzhou.gov.cn"), "{m}");
        assert!(m["body"].as_str().unwrap().contains(title), "{m}");
        let docx = &m["attachments"][0];
        assert_eq!(docx["filename"], format!("{title}.docx"));
        let text = docx["text"].as_str().unwrap();
        for phrase in must {
            assert!(text.contains(phrase), "{title} lacks {phrase}: {text}");
        }
    }
    let texts = std::fs::read_to_string(&sms_log).unwrap();
    let lines: Vec<Value> = texts.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 1, "{texts}");
    assert_eq!(lines[0]["to"], "13900001111");
    let text = lines[0]["text"].as_str().unwrap();
    assert!(text.contains("补正告知书") && text.contains("2026年6月15日前") && !text.contains("赵六"), "{text}");

    let page = admin.get(&server, &format!("/staff/applications/{}", ids[0])).await.text().await.unwrap();
    assert_eq!(page.matches("已送达").count(), 3, "{page}");
    assert!(!page.contains("未送达"), "{page}");

    // By post: the letter and its envelope print; the posting is recorded once. The 征求意见函
    // goes to the party named in the internal note, by post.
    let page = admin.get(&server, &format!("/staff/applications/{}", ids[2])).await.text().await.unwrap();
    assert!(
        page.contains("待打印寄出") && page.contains("征求意见函") && page.contains("汝州市某建筑有限公司"),
        "{page}"
    );
    let nid = page.split("/notices/").nth(1).unwrap().split(['"', '/']).next().unwrap().to_string();
    let sheet =
        admin.get(&server, &format!("/staff/applications/{}/notices/{nid}", ids[2])).await.text().await.unwrap();
    assert!(
        sheet.contains("补正告知书")
            && sheet.contains("467500")
            && sheet.contains("广成东路1号")
            && sheet.contains("孙七　收")
    );
    let path = format!("/staff/applications/{}/notices/{nid}/posted", ids[2]);
    assert_eq!(admin.post_form(&server, &path, &[]).await.status().as_u16(), 303);
    assert_eq!(admin.post_form(&server, &path, &[]).await.status().as_u16(), 409);
    // Another application's id with this notice is nobody's notice.
    let other = format!("/staff/applications/{}/notices/{nid}", ids[1]);
    assert_eq!(admin.get(&server, &other).await.status().as_u16(), 404);
    let page = admin.get(&server, &format!("/staff/applications/{}", ids[2])).await.text().await.unwrap();
    assert!(page.contains("admin登记寄出"), "{page}");
}
