//! Alerts against receivers on 127.0.0.1: each vendor's payload shape and signature checked with the
//! shared secret, mail through a fake SMTP server, filters, retries, size limits, `alert test`, and a
//! daemon whose receiver hangs finishing its cycle all the same.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use base64::Engine;
use chrono::Utc;
use icp_patrol::alert::{
    AlertSettings, Alerter, ChannelKind, ChannelSettings, Digest, FindingItem, InlineSecret, SmtpTls, hmac_sha256,
};
use icp_patrol::config::Config;
use icp_patrol::farm::{Behaviour, Farm};
use icp_patrol::rules::{NoticeKind, RuleSet, Severity};
use icp_patrol::scheduler::Daemon;
use icp_patrol::store::Store;
use tokio_util::sync::CancellationToken;

use crate::support::*;

const SECRET: &str = "SEC0123456789abcdef";
const NUM: &str = "京ICP备16020626号-1";

/// One request a receiver got.
#[derive(Debug, Clone)]
struct Got {
    uri: Uri,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Got {
    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }

    /// The generic webhook's body, checked against its documented schema.
    fn alert_json(&self) -> serde_json::Value {
        let json = self.json();
        let schema: serde_json::Value =
            serde_json::from_str(include_str!("../../docs/alert-v1.schema.json")).expect("schema is JSON");
        let validator = jsonschema::validator_for(&schema).expect("schema compiles");
        let errors: Vec<String> =
            validator.iter_errors(&json).map(|e| format!("{e} at {}", e.instance_path())).collect();
        assert!(errors.is_empty(), "icp-patrol-alert/v1 violations: {errors:#?}\n{json}");
        json
    }

    fn query(&self) -> HashMap<String, String> {
        url::form_urlencoded::parse(self.uri.query().unwrap_or("").as_bytes()).into_owned().collect()
    }
}

#[derive(Clone)]
struct Script {
    got: Arc<Mutex<Vec<Got>>>,
    /// Answers in turn; the last one is repeated.
    answers: Arc<Mutex<Vec<(u16, String)>>>,
}

struct Receiver {
    addr: SocketAddr,
    script: Script,
}

impl Receiver {
    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    fn got(&self) -> Vec<Got> {
        self.script.got.lock().expect("lock").clone()
    }
}

/// An HTTP receiver on loopback answering `answers` in turn.
async fn receiver(answers: &[(u16, &str)]) -> Receiver {
    async fn handle(State(s): State<Script>, uri: Uri, headers: HeaderMap, body: Bytes) -> (StatusCode, String) {
        s.got.lock().expect("lock").push(Got { uri, headers, body: body.to_vec() });
        let mut answers = s.answers.lock().expect("lock");
        let (status, body) = if answers.len() > 1 { answers.remove(0) } else { answers[0].clone() };
        (StatusCode::from_u16(status).expect("status"), body)
    }
    let script = Script {
        got: Arc::default(),
        answers: Arc::new(Mutex::new(answers.iter().map(|(s, b)| (*s, b.to_string())).collect())),
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let app = axum::Router::new().fallback(handle).with_state(script.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    Receiver { addr, script }
}

const OK: (u16, &str) = (200, r#"{"errcode":0,"errmsg":"ok"}"#);

fn channel(name: &str, kind: ChannelKind, url: String) -> ChannelSettings {
    let mut c: ChannelSettings =
        toml::from_str(&format!("name = {name:?}\nkind = {:?}", kind.as_str())).expect("channel");
    c.url = Some(InlineSecret(url));
    c
}

fn settings(channels: Vec<ChannelSettings>) -> AlertSettings {
    AlertSettings { attempts: 3, backoff_ms: 50, timeout_secs: 5, channels, ..AlertSettings::default() }
}

fn env(var: &str) -> Option<String> {
    (var == "ALERT_SECRET").then(|| SECRET.to_string())
}

fn finding(domain: &str, province: &str) -> FindingItem {
    FindingItem {
        domain: domain.into(),
        target: domain.into(),
        check_id: "icp.missing".into(),
        message: "网站首页未展示备案号".into(),
        severity: Severity::Error,
        notice: NoticeKind::SpecialInspection,
        province: Some(province.into()),
        provider: None,
        first_seen: 0,
    }
}

fn digest(findings: Vec<FindingItem>) -> Digest {
    Digest { cycles: vec!["all@test".into()], findings, ..Digest::new(Utc::now()) }
}

/// Publishes one digest and waits for it to go out.
async fn send(settings: &AlertSettings, d: &Digest) {
    let alerter = Alerter::start(settings, &env).expect("alerter");
    alerter.publish(d);
    assert!(alerter.flush(Duration::from_secs(15)).await, "delivered in time");
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[tokio::test]
async fn wecom_gets_markdown_with_its_key_in_the_url() {
    let r = receiver(&[OK]).await;
    let s = settings(vec![channel("wecom", ChannelKind::Wecom, r.url("/cgi-bin/webhook/send?key=KEY-1"))]);
    send(&s, &digest(vec![finding("a.example.cn", "广东")])).await;
    let got = r.got();
    assert_eq!(got.len(), 1, "one digest, one message");
    assert_eq!(got[0].uri.path(), "/cgi-bin/webhook/send");
    assert_eq!(got[0].query()["key"], "KEY-1");
    let body = got[0].json();
    assert_eq!(body["msgtype"], "markdown");
    let content = body["markdown"]["content"].as_str().expect("content");
    assert!(
        content.contains("a.example.cn") && content.contains("icp.missing") && content.contains("专项核查"),
        "{content}"
    );
    assert!(content.len() <= 4096);
}

#[tokio::test]
async fn dingtalk_is_signed_in_the_query_with_the_shared_secret() {
    let r = receiver(&[OK]).await;
    let mut c = channel("ding", ChannelKind::Dingtalk, r.url("/robot/send?access_token=TOKEN"));
    c.secret_env = Some("ALERT_SECRET".into());
    send(&settings(vec![c]), &digest(vec![finding("a.example.cn", "广东")])).await;
    let got = r.got();
    assert_eq!(got.len(), 1);
    let q = got[0].query();
    assert_eq!(q["access_token"], "TOKEN");
    let ts: i64 = q["timestamp"].parse().expect("milliseconds");
    assert!((Utc::now().timestamp_millis() - ts).abs() < 3_600_000, "within the hour DingTalk accepts");
    // Recomputed here from DingTalk's description: HMAC-SHA256(secret, timestamp "\n" secret), base64.
    let expected = b64(&hmac_sha256(SECRET.as_bytes(), format!("{ts}\n{SECRET}").as_bytes()));
    assert_eq!(q["sign"], expected, "the sign query parameter (URL-decoded)");
    let body = got[0].json();
    assert_eq!(body["msgtype"], "markdown");
    assert!(body["markdown"]["title"].as_str().is_some_and(|t| t.contains("新发现 1 项")));
    assert!(body["markdown"]["text"].as_str().is_some_and(|t| t.contains("a.example.cn")));
}

#[tokio::test]
async fn feishu_is_signed_in_the_body_with_the_shared_secret() {
    let r = receiver(&[(200, r#"{"code":0,"msg":"success","data":{}}"#)]).await;
    let mut c = channel("lark", ChannelKind::Feishu, r.url("/open-apis/bot/v2/hook/HOOK"));
    c.secret_env = Some("ALERT_SECRET".into());
    send(&settings(vec![c]), &digest(vec![finding("a.example.cn", "广东")])).await;
    let got = r.got();
    assert_eq!(got.len(), 1);
    let body = got[0].json();
    let ts: i64 = body["timestamp"].as_str().expect("a string").parse().expect("seconds");
    assert!((Utc::now().timestamp() - ts).abs() < 3600);
    // Feishu's description: the key is timestamp "\n" secret, the message empty.
    let expected = b64(&hmac_sha256(format!("{ts}\n{SECRET}").as_bytes(), b""));
    assert_eq!(body["sign"], expected);
    assert_eq!(body["msg_type"], "text");
    assert!(body["content"]["text"].as_str().is_some_and(|t| t.contains("a.example.cn")));
    assert!(got[0].body.len() <= icp_patrol::alert::FEISHU_MAX_BODY);
}

#[tokio::test]
async fn the_generic_webhook_signs_its_json_body() {
    let r = receiver(&[(204, "")]).await;
    let mut c = channel("hook", ChannelKind::Webhook, r.url("/icp"));
    c.secret_env = Some("ALERT_SECRET".into());
    send(&settings(vec![c]), &digest(vec![finding("a.example.cn", "广东")])).await;
    let got = r.got();
    assert_eq!(got.len(), 1);
    let mac = hmac_sha256(SECRET.as_bytes(), &got[0].body);
    let hex: String = mac.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(got[0].headers["x-icp-patrol-signature"], format!("sha256={hex}").as_str());
    let ts: i64 = got[0].headers["x-icp-patrol-timestamp"].to_str().expect("ascii").parse().expect("seconds");
    let body = got[0].alert_json();
    assert_eq!(body["sent_at"], ts, "the timestamp is inside the signed body too");
    assert_eq!(body["schema"], "icp-patrol-alert/v1");
    assert_eq!(body["digest"]["findings"][0]["domain"], "a.example.cn");
    assert_eq!(body["digest"]["findings"][0]["notice"], "special_inspection");
}

/// A few lines of SMTP: greets, accepts one mail, hands back what came after DATA.
async fn fake_smtp() -> (SocketAddr, tokio::sync::oneshot::Receiver<String>) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (tx, rx) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        let (socket, _) = listener.accept().await.expect("accept");
        let (read, mut write) = socket.into_split();
        let mut lines = BufReader::new(read).lines();
        write.write_all(b"220 fake ESMTP\r\n").await.expect("greet");
        let mut data = String::new();
        let mut in_data = false;
        while let Ok(Some(line)) = lines.next_line().await {
            if in_data {
                if line == "." {
                    in_data = false;
                    write.write_all(b"250 2.0.0 queued\r\n").await.expect("write");
                } else {
                    data.push_str(&line);
                    data.push('\n');
                }
                continue;
            }
            let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
            let answer: &[u8] = match verb.as_str() {
                "EHLO" => b"250-fake\r\n250 8BITMIME\r\n",
                "DATA" => {
                    in_data = true;
                    b"354 go on\r\n"
                }
                "QUIT" => {
                    write.write_all(b"221 bye\r\n").await.expect("write");
                    break;
                }
                _ => b"250 ok\r\n",
            };
            write.write_all(answer).await.expect("write");
        }
        let _ = tx.send(data);
    });
    (addr, rx)
}

#[tokio::test]
async fn a_mail_with_the_digest_reaches_the_smtp_server() {
    let (addr, mail) = fake_smtp().await;
    let mut c: ChannelSettings = toml::from_str(&format!(
        "name = \"mail\"\nkind = \"email\"\nsmtp_host = \"127.0.0.1\"\nsmtp_port = {}\nsmtp_tls = \"none\"\n\
         from = \"icp-patrol <patrol@example.cn>\"\nto = [\"reviewers@example.cn\"]",
        addr.port()
    ))
    .expect("channel");
    assert_eq!(c.smtp_tls, SmtpTls::None);
    c.name = "mail".into();
    send(&settings(vec![c]), &digest(vec![finding("mail-site.example.cn", "广东")])).await;
    let data = tokio::time::timeout(Duration::from_secs(5), mail).await.expect("in time").expect("a mail");
    assert!(data.contains("To: reviewers@example.cn"), "{data}");
    let (head, body) = data.split_once("\n\n").expect("headers and body");
    let text = if head.to_ascii_lowercase().contains("content-transfer-encoding: base64") {
        let joined: String = body.lines().collect();
        String::from_utf8(base64::engine::general_purpose::STANDARD.decode(joined.trim()).expect("base64"))
            .expect("utf-8")
    } else {
        body.to_string()
    };
    assert!(text.contains("mail-site.example.cn") && text.contains("icp.missing"), "{text}");
}

#[tokio::test]
async fn smtp_without_tls_is_refused_beyond_loopback() {
    let c: ChannelSettings = toml::from_str(
        "name = \"mail\"\nkind = \"email\"\nsmtp_host = \"smtp.example.cn\"\nsmtp_tls = \"none\"\n\
         from = \"patrol@example.cn\"\nto = [\"r@example.cn\"]",
    )
    .expect("channel");
    let err = Alerter::start(&settings(vec![c]), &env).err().expect("refused").to_string();
    assert!(err.contains("allow_insecure"), "{err}");
}

#[tokio::test]
async fn a_filter_that_excludes_the_province_sends_nothing() {
    let r = receiver(&[OK]).await;
    let mut c = channel("bj", ChannelKind::Wecom, r.url("/send?key=K"));
    c.provinces = vec!["北京".into()];
    send(&settings(vec![c]), &digest(vec![finding("gd.example.cn", "广东")])).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(r.got().is_empty(), "a 广东 finding went to the 北京 channel");
}

#[tokio::test]
async fn a_receiver_that_fails_twice_gets_the_message_on_the_third_try() {
    icp_patrol::scheduler::prometheus();
    let r = receiver(&[(500, "busy"), (502, "busy"), OK]).await;
    let s = settings(vec![channel("retry-test", ChannelKind::Wecom, r.url("/send?key=K"))]);
    send(&s, &digest(vec![finding("a.example.cn", "广东")])).await;
    let got = r.got();
    assert_eq!(got.len(), 3, "two failures, then success");
    assert_eq!(got[0].body, got[2].body, "the same message each time");
    let metrics = icp_patrol::scheduler::prometheus().render();
    assert!(metrics.contains("icp_patrol_alerts_sent_total{channel=\"retry-test\"} 1"), "{metrics}");
    assert!(metrics.contains("icp_patrol_alerts_failed_total{channel=\"retry-test\"} 0"), "{metrics}");
    assert!(metrics.contains("icp_patrol_alerts_dropped_total{channel=\"retry-test\"} 0"), "{metrics}");
}

#[tokio::test]
async fn a_refusal_with_an_error_code_is_not_retried_and_counts_as_failed() {
    icp_patrol::scheduler::prometheus();
    let r = receiver(&[(200, r#"{"errcode":93000,"errmsg":"invalid webhook url"}"#)]).await;
    let s = settings(vec![channel("refused-test", ChannelKind::Wecom, r.url("/send?key=WRONG"))]);
    send(&s, &digest(vec![finding("a.example.cn", "广东")])).await;
    assert_eq!(r.got().len(), 1, "a permanent refusal is not tried again");
    let metrics = icp_patrol::scheduler::prometheus().render();
    assert!(metrics.contains("icp_patrol_alerts_failed_total{channel=\"refused-test\"} 1"), "{metrics}");
}

#[tokio::test]
async fn a_long_digest_is_split_within_the_wecom_limit_and_points_to_the_report() {
    let r = receiver(&[OK]).await;
    let mut s = settings(vec![channel("long", ChannelKind::Wecom, r.url("/send?key=K"))]);
    s.report_url = Some("https://patrol.example.cn/report.html".into());
    let many = (0..500).map(|i| finding(&format!("site{i:03}.example.cn"), "广东")).collect();
    send(&s, &digest(many)).await;
    let got = r.got();
    assert_eq!(got.len(), icp_patrol::alert::MAX_PARTS);
    let contents: Vec<String> =
        got.iter().map(|g| g.json()["markdown"]["content"].as_str().expect("content").to_string()).collect();
    assert!(contents.iter().all(|c| c.len() <= 4096), "{:?}", contents.iter().map(String::len).collect::<Vec<_>>());
    let last = contents.last().expect("last");
    assert!(last.contains("项未列出") && last.contains("https://patrol.example.cn/report.html"), "{last}");
}

#[tokio::test]
async fn a_full_queue_drops_and_counts_instead_of_waiting() {
    icp_patrol::scheduler::prometheus();
    let hang = hanging_receiver().await;
    let mut s = settings(vec![channel("full-test", ChannelKind::Webhook, format!("http://{hang}/x"))]);
    s.queue = 1;
    s.timeout_secs = 30;
    let alerter = Alerter::start(&s, &env).expect("alerter");
    // Publishing returns at once (it is not async and the receiver never answers); what could not be
    // queued is dropped and counted below.
    for _ in 0..5 {
        alerter.publish(&digest(vec![finding("a.example.cn", "广东")]));
    }
    assert!(!alerter.flush(Duration::from_millis(300)).await, "the hanging receiver holds the first digest");
    let metrics = icp_patrol::scheduler::prometheus().render();
    let dropped = metrics
        .lines()
        .find(|l| l.starts_with("icp_patrol_alerts_dropped_total{channel=\"full-test\"}"))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|n| n.parse::<u64>().ok())
        .expect("the dropped series");
    assert!(dropped >= 3, "{dropped} dropped of 5 with one in flight and one queued");
}

/// Accepts connections and never answers.
async fn hanging_receiver() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    addr
}

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_icp-patrol")
}

async fn alert_test(config: &std::path::Path, channel: &str) -> std::process::Output {
    tokio::process::Command::new(bin())
        .args(["--config", &config.display().to_string(), "alert", "test", channel])
        .env_remove("HTTP_PROXY")
        .env_remove("HTTPS_PROXY")
        .env_remove("ALL_PROXY")
        .output()
        .await
        .expect("binary runs")
}

#[tokio::test]
async fn alert_test_sends_a_sample_and_reports_the_vendor_error_code() {
    let good = receiver(&[OK]).await;
    let bad = receiver(&[(200, r#"{"errcode":93000,"errmsg":"invalid webhook url"}"#)]).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let url_file = dir.path().join("good-url");
    std::fs::write(&url_file, format!("{}\n", good.url("/cgi-bin/webhook/send?key=GOODKEY"))).expect("write");
    let config = dir.path().join("c.toml");
    std::fs::write(
        &config,
        format!(
            "[[alert.channels]]\nname = \"good\"\nkind = \"wecom\"\nurl_file = {:?}\n\n\
             [[alert.channels]]\nname = \"bad\"\nkind = \"wecom\"\nurl = {:?}\n",
            url_file.display().to_string(),
            bad.url("/cgi-bin/webhook/send?key=BADKEY")
        ),
    )
    .expect("write");

    let out = alert_test(&config, "good").await;
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert!(stdout.contains("good (wecom): sample digest delivered in 1 message"), "{stdout}");
    let sample = good.got()[0].json();
    assert!(sample["markdown"]["content"].as_str().is_some_and(|c| c.contains("【测试】")), "{sample}");
    assert!(!format!("{stdout}{stderr}").contains("GOODKEY"), "the key was printed");

    let out = alert_test(&config, "bad").await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(69), "{stderr}");
    assert!(stderr.contains("error code 93000") && stderr.contains("invalid webhook url"), "{stderr}");
    assert!(!stderr.contains("BADKEY"), "the key was printed: {stderr}");

    let out = alert_test(&config, "nosuch").await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(65), "{stderr}");
    assert!(stderr.contains("good, bad"), "{stderr}");
}

async fn farm_of(hosts: &[String], behaviour: Behaviour) -> Farm {
    let sites: HashMap<String, Behaviour> = hosts.iter().map(|h| (h.clone(), behaviour.clone())).collect();
    Farm::start(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), sites).await.expect("farm")
}

/// A daemon on a fresh SQLite store with `hosts` filed in 广东, scanning the farm.
async fn daemon_on(hosts: &[String], farm: &Farm, alert: AlertSettings) -> (Daemon, Store, Config, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = format!("sqlite://{}", dir.path().join("a.db").display());
    let mut config = Config { database: db.clone(), schedule: vec![schedule("all")], alert, ..Config::default() };
    config.daemon.metrics_addr = None;
    config.daemon.poll_ms = 50;
    config.daemon.lease_secs = 5;
    config.daemon.grace_secs = 2;
    config.daemon.include_www = false;
    let store = Store::connect(&db).await.expect("store");
    let records: Vec<_> = hosts.iter().map(|h| filing(h, NUM)).collect();
    store.import(&records, |_| Some("广东".into()), false).await.expect("import");
    let daemon = daemon_for(&store, &config, farm.addr);
    (daemon, store, config, dir)
}

/// A daemon on `store` scanning the farm, alerting as `config` says.
fn daemon_for(store: &Store, config: &Config, farm: SocketAddr) -> Daemon {
    daemon_with(store, config, farm, Alerter::start(&config.alert, &env).expect("alerter"))
}

/// Every host is scanned at `farm`.
fn daemon_with(store: &Store, config: &Config, farm: SocketAddr, alerter: Alerter) -> Daemon {
    let fetch = icp_patrol::fetch::FetchOptions { total_timeout: Duration::from_secs(10), ..Default::default() };
    let mut overrides = icp_patrol::fetch::Overrides::default();
    overrides.connect_to.push(format!("::{}:{}", farm.ip(), farm.port()).parse().expect("connect-to"));
    let fetcher = icp_patrol::fetch::Fetcher::new(fetch, overrides, no_dns(), icp_patrol::dns::Guard::default())
        .expect("fetcher");
    let scanner = icp_patrol::engine::Scanner::new(fetcher, Arc::new(RuleSet::embedded()));
    Daemon::new(store.clone(), scanner, config.clone()).with_today(today()).with_alerter(alerter)
}

#[tokio::test]
async fn a_cycle_sends_one_digest_of_its_new_findings_and_the_next_sends_none_again() {
    let hosts: Vec<String> = (0..3).map(|i| format!("alert{i}.example.cn")).collect();
    // No number in the footer: icp.missing, which feeds a special inspection.
    let farm = farm_of(&hosts, page("<p>© 2026 示例科技</p>")).await;
    let r = receiver(&[(204, "")]).await;
    let alert = settings(vec![channel("hook", ChannelKind::Webhook, r.url("/icp"))]);
    let (daemon, store, config, _dir) = daemon_on(&hosts, &farm, alert).await;
    let summary = daemon.run(CancellationToken::new(), true).await.expect("run");
    assert_eq!(summary.recorded, 3);
    let got = r.got();
    assert_eq!(got.len(), 1, "one digest for the cycle, not one message per finding");
    let body = got[0].alert_json();
    let findings = body["digest"]["findings"].as_array().expect("findings");
    let missing: Vec<&str> =
        findings.iter().filter(|f| f["check_id"] == "icp.missing").filter_map(|f| f["domain"].as_str()).collect();
    assert_eq!(missing, ["alert0.example.cn", "alert1.example.cn", "alert2.example.cn"]);
    assert!(findings.iter().all(|f| f["notice"] != "none" && f["province"] == "广东"));
    assert_eq!(body["digest"]["cycles"].as_array().map(Vec::len), Some(1));

    // The same findings a cycle later are not news.
    let summary = daemon_for(&store, &config, farm.addr).run(CancellationToken::new(), true).await.expect("second run");
    assert_eq!(summary.recorded, 3);
    assert_eq!(r.got().len(), 1, "nothing new, nothing sent");
}

#[tokio::test]
async fn a_hanging_receiver_does_not_hold_up_the_cycle() {
    let hosts: Vec<String> = (0..4).map(|i| format!("hang{i}.example.cn")).collect();
    let farm = farm_of(&hosts, page("<p>© 2026 示例科技</p>")).await;
    let hang = hanging_receiver().await;
    let mut alert = settings(vec![channel("hang", ChannelKind::Webhook, format!("http://{hang}/x"))]);
    alert.timeout_secs = 60;
    let (_, store, config, _dir) = daemon_on(&hosts, &farm, alert).await;
    // The channel is stuck before the cycle starts: one digest in flight, its queue full.
    let alerter = Alerter::start(&config.alert, &env).expect("alerter");
    for _ in 0..100 {
        alerter.publish(&digest(vec![finding("earlier.example.cn", "广东")]));
    }
    let daemon = daemon_with(&store, &config, farm.addr, alerter);
    // The receiver's own timeout is 60 s: a run that waited for it would not end within 30 s.
    let summary = tokio::time::timeout(Duration::from_secs(30), daemon.run(CancellationToken::new(), true))
        .await
        .expect("the run ends though the receiver never answers")
        .expect("run");
    assert_eq!(summary.recorded, 4, "every result recorded");
    assert_eq!(store.scans(None, 100).await.expect("scans").len(), 4);
}

/// Waits until `cond` holds, checking every 50 ms, for at most `limit`.
async fn until(limit: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let end = Instant::now() + limit;
    while Instant::now() < end {
        if cond() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

#[tokio::test]
async fn a_schedule_that_falls_behind_is_told_and_a_finished_cycle_sends_its_digest() {
    let hosts = vec!["slow.example.cn".to_string()];
    let slow = Behaviour::Slow {
        delay: Duration::from_millis(2500),
        body: "<title>示例科技官网</title><footer>© 2026 示例科技</footer>".as_bytes().to_vec(),
    };
    let farm = farm_of(&hosts, slow).await;
    let r = receiver(&[(204, "")]).await;
    let alert = settings(vec![channel("hook", ChannelKind::Webhook, r.url("/icp"))]);
    let (_, store, mut config, _dir) = daemon_on(&hosts, &farm, alert).await;
    // Every second, while one scan takes two and a half.
    config.schedule[0].cron = "* * * * * *".into();
    let daemon = daemon_for(&store, &config, farm.addr);
    let stop = CancellationToken::new();
    let run = tokio::spawn(daemon.run(stop.clone(), false));
    let bodies = || r.got().iter().map(Got::alert_json).collect::<Vec<_>>();
    let behind = until(Duration::from_secs(10), || {
        bodies()
            .iter()
            .any(|b| b["digest"]["events"].as_array().is_some_and(|e| e.iter().any(|e| e["event"] == "cycle_behind")))
    })
    .await;
    let digest = until(Duration::from_secs(10), || {
        bodies().iter().any(|b| {
            b["digest"]["findings"].as_array().is_some_and(|f| f.iter().any(|f| f["domain"] == "slow.example.cn"))
        })
    })
    .await;
    stop.cancel();
    run.await.expect("joins").expect("run");
    assert!(behind, "no cycle_behind event in {:#?}", bodies());
    assert!(digest, "no digest of the finished cycle in {:#?}", bodies());
    let behind_text = bodies()
        .iter()
        .find(|b| b["digest"]["events"].as_array().is_some_and(|e| !e.is_empty()))
        .map(|b| b["title"].to_string())
        .unwrap_or_default();
    assert!(behind_text.contains("运行异常"), "{behind_text}");
}

#[tokio::test]
async fn a_store_that_fails_is_told() {
    let hosts = vec!["gone.example.cn".to_string()];
    let farm = farm_of(&hosts, page("<p>© 2026</p>")).await;
    let r = receiver(&[(204, "")]).await;
    let alert = settings(vec![channel("hook", ChannelKind::Webhook, r.url("/icp"))]);
    let (daemon, store, _config, _dir) = daemon_on(&hosts, &farm, alert).await;
    store.close().await;
    let err = daemon.run(CancellationToken::new(), true).await.expect_err("no store");
    let got = r.got();
    assert_eq!(got.len(), 1, "one alert for the failure");
    let body = got[0].alert_json();
    assert_eq!(body["digest"]["events"][0]["event"], "store_unreachable");
    assert!(body["digest"]["events"][0]["error"].as_str().is_some_and(|e| !e.is_empty()), "{body} ({err})");
}

#[tokio::test]
async fn the_store_tells_each_finding_and_overdue_notice_once_on_both_backends() {
    let tf = farm(vec![("claim.example.cn", page("<p>© 2026 示例科技</p>"))]).await;
    let record = filing("claim.example.cn", NUM);
    let result = tf.scan("claim.example.cn", Some(&record)).await;
    for db in crate::db::both().await {
        let store = Store::connect(&db.url).await.expect("store");
        store.import(std::slice::from_ref(&record), |_| Some("广东".into()), false).await.expect("import");
        store.record(&result, None).await.expect("recorded");
        let told = store.claim_alert_findings(1).await.expect("claim");
        let missing = told.iter().find(|f| f.check_id == "icp.missing").expect("icp.missing told");
        assert_eq!((missing.severity, missing.province.as_deref()), (Severity::Error, Some("广东")), "{:?}", db.kind);
        assert!(told.iter().all(|f| f.notice != NoticeKind::None));
        assert!(store.claim_alert_findings(2).await.expect("claim").is_empty(), "told twice on {:?}", db.kind);

        let deadline = today() - chrono::Days::new(1);
        store
            .add_notice(
                "claim.example.cn",
                NoticeKind::SpecialInspection,
                deadline,
                "t",
                &icp_patrol::store::AuditEntry::new(&icp_patrol::store::Actor::cli("test"), "test", "fixture"),
            )
            .await
            .expect("notice");
        let later = store.claim_overdue_notices(deadline, 3).await.expect("claim");
        assert!(later.is_empty(), "not overdue on its own deadline day");
        let overdue = store.claim_overdue_notices(today(), 4).await.expect("claim");
        assert_eq!(overdue.len(), 1, "{:?}", db.kind);
        assert_eq!(overdue[0].1.as_deref(), Some("广东"));
        assert!(store.claim_overdue_notices(today(), 5).await.expect("claim").is_empty());

        store.enqueue("c", &[(record.domain.clone(), record.domain.clone())], 0).await.expect("enqueue");
        let job = store.claim("w", 1, 60_000).await.expect("claim").remove(0);
        store.record(&result, Some((job.id, "w"))).await.expect("recorded");
        assert_eq!(store.cycle_reach("c").await.expect("reach"), (1, 0), "one scan, which reached its site");
        store.close().await;
    }
}

#[tokio::test]
async fn the_daemons_logs_name_a_refusal_but_never_the_robots_key() {
    let hosts = vec!["logs.example.cn".to_string()];
    let farm = farm_of(&hosts, page("<p>© 2026 示例科技</p>")).await;
    let r = receiver(&[(200, r#"{"errcode":93000,"errmsg":"invalid webhook url"}"#)]).await;
    let (_, _store, _config, dir) = daemon_on(&hosts, &farm, AlertSettings::default()).await;
    let db = format!("sqlite://{}", dir.path().join("a.db").display());
    let config = dir.path().join("c.toml");
    std::fs::write(
        &config,
        format!(
            "database = \"{db}\"\n\
             [scan]\nconnect_to = [\"::{}:{}\"]\ntimeout_secs = 10\n\
             [dns]\nnameservers = [\"{NOWHERE_DNS}\"]\n\
             [daemon]\ngrace_secs = 3\npoll_ms = 50\nmetrics_addr = \"127.0.0.1:0\"\ninclude_www = false\n\
             [[schedule]]\nname = \"all\"\ncron = \"0 3 * * *\"\n\
             [alert]\nattempts = 1\n\
             [[alert.channels]]\nname = \"wecom\"\nkind = \"wecom\"\nurl_env = \"TEST_ALERT_URL\"\n",
            farm.addr.ip(),
            farm.addr.port()
        ),
    )
    .expect("write config");
    let out = tokio::process::Command::new(bin())
        .args(["--config", &config.display().to_string(), "daemon", "--once", "--today", TODAY])
        .env("TEST_ALERT_URL", r.url("/cgi-bin/webhook/send?key=SECRET-ROBOT-KEY"))
        .env("RUST_LOG", "debug")
        .env_remove("HTTP_PROXY")
        .env_remove("HTTPS_PROXY")
        .env_remove("ALL_PROXY")
        .output()
        .await
        .expect("daemon runs");
    let logs = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{logs}");
    assert_eq!(r.got().len(), 1, "the digest was sent: {logs}");
    assert!(logs.contains("alert not delivered") && logs.contains("93000"), "{logs}");
    assert!(!logs.contains("SECRET-ROBOT-KEY"), "the key is in the logs");
}

#[tokio::test]
async fn a_cycle_that_reaches_no_site_is_told_as_failed() {
    let hosts: Vec<String> = (0..3).map(|i| format!("dark{i}.example.cn")).collect();
    let farm = farm_of(&hosts, page("<p>© 2026</p>")).await;
    let r = receiver(&[(204, "")]).await;
    let alert = settings(vec![channel("hook", ChannelKind::Webhook, r.url("/icp"))]);
    let (_, store, mut config, _dir) = daemon_on(&hosts, &farm, alert).await;
    config.daemon.max_attempts = 1;
    // Nothing listens there: every connection is refused, as when the scanner's network is down.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr")
    };
    let summary = daemon_for(&store, &config, closed).run(CancellationToken::new(), true).await.expect("run");
    assert_eq!(summary.recorded, 3);
    let got = r.got();
    assert_eq!(got.len(), 1);
    let events = got[0].alert_json()["digest"]["events"].clone();
    assert_eq!(events[0]["event"], "cycle_unreached", "{events}");
    assert_eq!(events[0]["scans"], 3);
}

#[tokio::test]
async fn findings_no_channel_hears_of_are_left_for_a_channel_added_later() {
    let hosts = vec!["later.example.cn".to_string()];
    let farm = farm_of(&hosts, page("<p>© 2026 示例科技</p>")).await;
    let ops = receiver(&[(204, "")]).await;
    let mut ops_only = channel("ops", ChannelKind::Webhook, ops.url("/ops"));
    ops_only.triggers = vec![icp_patrol::alert::Trigger::Cycle, icp_patrol::alert::Trigger::Store];
    let (daemon, store, mut config, _dir) = daemon_on(&hosts, &farm, settings(vec![ops_only])).await;
    daemon.run(CancellationToken::new(), true).await.expect("run");
    assert!(ops.got().is_empty(), "nothing went wrong, nothing for the ops channel");

    let reviewers = receiver(&[(204, "")]).await;
    config.alert = settings(vec![channel("reviewers", ChannelKind::Webhook, reviewers.url("/r"))]);
    daemon_for(&store, &config, farm.addr).run(CancellationToken::new(), true).await.expect("run");
    let got = reviewers.got();
    assert_eq!(got.len(), 1);
    let body = got[0].alert_json();
    assert!(
        body["digest"]["findings"].as_array().is_some_and(|f| f.iter().any(|f| f["check_id"] == "icp.missing")),
        "{body}"
    );
}

#[tokio::test]
async fn config_check_finds_the_channels_secrets_and_shows_no_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("c.toml");
    std::fs::write(
        &config,
        "[[alert.channels]]\nname = \"ding\"\nkind = \"dingtalk\"\nurl = \"https://oapi.dingtalk.com/robot/send?access_token=INLINE-TOKEN\"\n\
         secret_env = \"TEST_DING_SECRET\"\n",
    )
    .expect("write");
    let check = |secret: Option<&str>| {
        let mut cmd = tokio::process::Command::new(bin());
        cmd.args(["--config", &config.display().to_string(), "config", "check"]).env_remove("TEST_DING_SECRET");
        if let Some(s) = secret {
            cmd.env("TEST_DING_SECRET", s);
        }
        cmd.output()
    };
    let out = check(None).await.expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(78), "{stderr}");
    assert!(stderr.contains("\"ding\"") && stderr.contains("TEST_DING_SECRET"), "{stderr}");
    let out = check(Some("SECvalue")).await.expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("https://oapi.dingtalk.com/***") && !stdout.contains("INLINE-TOKEN"), "{stdout}");
    assert!(!stdout.contains("SECvalue"), "{stdout}");
}
