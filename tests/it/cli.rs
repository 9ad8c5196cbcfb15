//! The `icp-patrol` binary: exit statuses, JSON that validates against the documented schema
//! (even when the fetch fails), located errors for bad input, `rules check`.

use std::path::{Path, PathBuf};
use std::process::Output;

use icp_patrol::farm::Behaviour;
use icp_patrol::result::ScanResult;

use crate::support::*;

const NUM: &str = "京ICP备16020626号-1";

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_icp-patrol"))
}

async fn run(args: Vec<String>) -> Output {
    tokio::process::Command::new(bin())
        .args(args)
        .env_remove("HTTP_PROXY")
        .env_remove("HTTPS_PROXY")
        .env_remove("ALL_PROXY")
        .env("NO_COLOR", "1")
        .output()
        .await
        .expect("binary runs")
}

pub fn schema_validator() -> jsonschema::Validator {
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../../docs/scan-v1.schema.json")).expect("schema is JSON");
    jsonschema::validator_for(&schema).expect("schema compiles")
}

pub fn assert_valid(json: &serde_json::Value) {
    let validator = schema_validator();
    let errors: Vec<String> = validator.iter_errors(json).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "scan/v1 schema violations: {errors:#?}");
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path
}

#[tokio::test]
async fn scan_json_validates_and_exit_status_follows_the_verdict() {
    let f = farm(vec![
        ("notice.example.cn", page(&format!("<p>{NUM}</p>"))),
        ("down.example.cn", Behaviour::Status { code: 500, body: "oops".into() }),
        ("unfiled.example.cn", page(&format!("<p>{}</p>", linked(NUM)))),
    ])
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let filings = write(
        dir.path(),
        "filings.csv",
        &format!(
            "domain,site_number,principal,principal_type,site_name,approved_on\nnotice.example.cn,{NUM},甲,企业,示例科技官网,2024-03-01\n"
        ),
    );
    let farm_addr = f.farm.addr;
    let scan = |host: &str| {
        vec![
            "scan".into(),
            host.to_string(),
            "--filings".into(),
            filings.display().to_string(),
            "--format".into(),
            "json".into(),
            "--today".into(),
            TODAY.into(),
            "--connect-to".into(),
            format!("{host}::{}:{}", farm_addr.ip(), farm_addr.port()),
            "--nameserver".into(),
            NOWHERE_DNS.into(),
        ]
    };
    let out = run(scan("notice.example.cn")).await;
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    assert_valid(&json);
    let typed: ScanResult = serde_json::from_value(json).expect("reads back into the typed result");
    assert_eq!(typed.verdict.notices, [icp_patrol::rules::NoticeKind::SpecialInspection]);
    assert_eq!(typed.filing.as_ref().map(|f| f.site_number.as_str()), Some(NUM));

    let down = run(scan("down.example.cn")).await;
    assert_eq!(down.status.code(), Some(2));
    let json: serde_json::Value = serde_json::from_slice(&down.stdout).expect("JSON even when the site is down");
    assert_valid(&json);
    assert_eq!(json["fetch"]["error"]["kind"], "http_status");

    // The same page under a host the filings do not know: never `compliant`.
    let unknown = run(scan("unfiled.example.cn")).await;
    assert_eq!(unknown.status.code(), Some(2), "{}", String::from_utf8_lossy(&unknown.stderr));
    let json: serde_json::Value = serde_json::from_slice(&unknown.stdout).expect("JSON");
    assert_valid(&json);
    assert_eq!(json["verdict"]["status"], "no_record");

    let text = run(scan("notice.example.cn").into_iter().filter(|a| a != "--format" && a != "json").collect()).await;
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("备案号未链接 ") && text.contains("备案号未链接至工信部网站"), "{text}");
}

#[tokio::test]
async fn a_private_target_gives_valid_json_and_no_connection() {
    let out = run(vec!["scan".into(), "http://127.0.0.1:9/".into(), "--format".into(), "json".into()]).await;
    assert_eq!(out.status.code(), Some(2));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_valid(&json);
    assert_eq!(json["fetch"]["error"]["kind"], "private_target");
    assert_eq!(json["verdict"]["status"], "inconclusive");
}

#[tokio::test]
async fn scan_all_writes_json_lines() {
    let f =
        farm(vec![("a.example.cn", page(&linked(NUM))), ("b.example.cn", page(&linked("京ICP备16020626号-2")))]).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let filings = write(
        dir.path(),
        "filings.json",
        &format!(
            r#"[{{"domain":"a.example.cn","site_number":"{NUM}","principal":"甲","principal_type":"企业","site_name":"甲","approved_on":"2024-03-01"}},
               {{"域名":"b.example.cn","网站备案号":"京ICP备16020626号-2","主办单位名称":"甲","主办单位性质":"企业","网站名称":"乙","审核通过日期":"2024-03-01"}}]"#
        ),
    );
    let out = run(vec![
        "scan".into(),
        "--all".into(),
        "--filings".into(),
        filings.display().to_string(),
        "--format".into(),
        "json".into(),
        "--today".into(),
        TODAY.into(),
        "--connect-to".into(),
        format!("::{}:{}", f.farm.addr.ip(), f.farm.addr.port()),
        "--nameserver".into(),
        NOWHERE_DNS.into(),
    ])
    .await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let mut domains: Vec<String> = stdout
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("each line is JSON");
            assert_valid(&v);
            v["domain"].as_str().expect("domain").to_string()
        })
        .collect();
    domains.sort();
    assert_eq!(domains, ["a.example.cn", "b.example.cn"]);
    assert_eq!(out.status.code(), Some(1), "no public-security numbers: notices");
}

#[tokio::test]
async fn bad_filings_are_located_and_nothing_is_scanned() {
    let dir = tempfile::tempdir().expect("tempdir");
    let filings = write(
        dir.path(),
        "bad.csv",
        "域名,网站备案号,主办单位名称,主办单位性质,网站名称,审核通过日期\na.example.cn,京ICP备16020626号-1,甲,企业,甲,2024-02-30\n",
    );
    let out = run(vec![
        "scan".into(),
        "a.example.cn".into(),
        "--filings".into(),
        filings.display().to_string(),
        "--nameserver".into(),
        NOWHERE_DNS.into(),
    ])
    .await;
    assert_eq!(out.status.code(), Some(65), "bad input data");
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.csv:line 2, column 审核通过日期"), "{err}");
}

#[tokio::test]
async fn rules_explain_shows_an_industry_not_reached_with_its_score_and_evidence() {
    let tmp = tempfile::tempdir().expect("tempdir");
    // One word of a hospital's text and nothing else: healthcare scored, not reached.
    let page = write(
        tmp.path(),
        "page.html",
        "<title>关于我们</title><p>我们的门诊部位于市中心，交通便利，欢迎来访参观交流。公司成立于二零一零年，专注于办公家具的设计与生产。</p>",
    );
    let out = run(vec!["rules".into(), "explain".into(), page.display().to_string()]).await;
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("not found    healthcare (score 0.5 of 6.0): text: 门诊"), "{text}");
    assert!(!text.contains("industry     healthcare"), "{text}");
    // A blank page is read for no industry at all: nothing is listed as not reached.
    let blank = write(tmp.path(), "blank.html", "<title>关于我们</title><p>门诊部</p>");
    let out = run(vec!["rules".into(), "explain".into(), blank.display().to_string()]).await;
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("placeholder  Some((Blank") && !text.contains("not found"), "{text}");
}

/// A game portal's news page (corpus dev c436): the rules read news, the industry model adds culture, and explain shows
/// the lead apart from the rules' findings, with every industry's probability.
#[tokio::test]
async fn rules_explain_shows_the_industry_model_s_lead_apart() {
    let page = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/content/c436/page.html");
    let out = run(vec!["rules".into(), "explain".into(), page.display().to_string()]).await;
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("industry     news (score "), "{text}");
    assert!(text.contains("industry     culture (the industry model's lead): model p="), "{text}");
    assert!(text.lines().any(|l| l.starts_with("model        news ") && l.contains(" · bulletin ")), "{text}");
}

/// A reader that went away before the output (`… | head`) changes nothing: no panic, the command's own status.
#[test]
fn output_to_a_closed_pipe_ends_quietly() {
    let page = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/content/c436/page.html");
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_icp-patrol"))
        .args(["rules", "explain"])
        .arg(&page)
        .stdout(writer)
        .stderr(std::process::Stdio::piped())
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    // The command's own status stands: a fetch refused by the guard (loopback, never connected) is still 69, not 0.
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let failed = std::process::Command::new(env!("CARGO_BIN_EXE_icp-patrol"))
        .args(["rules", "explain", "--render", "never", "http://127.0.0.1:9/"])
        .stdout(writer)
        .stderr(std::process::Stdio::piped())
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&failed.stderr);
    assert_eq!(failed.status.code(), Some(69), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[tokio::test]
async fn rules_check_passes_on_the_shipped_rules_and_locates_errors() {
    let rules_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let ok = run(vec!["rules".into(), "check".into(), rules_dir.display().to_string()]).await;
    assert_eq!(ok.status.code(), Some(0), "{}", String::from_utf8_lossy(&ok.stderr));
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("rules");
    let export = run(vec!["rules".into(), "export".into(), dir.display().to_string()]).await;
    assert_eq!(export.status.code(), Some(0), "{}", String::from_utf8_lossy(&export.stderr));
    let edit = |name: &str, from: &str, to: &str| {
        let text = std::fs::read_to_string(dir.join(name)).expect("read");
        assert!(text.contains(from), "{name} lacks {from:?}");
        std::fs::write(dir.join(name), text.replacen(from, to, 1)).expect("write");
    };
    edit(
        "checks.toml",
        "[checks.\"psb.format\"]\nseverity = \"info\"",
        "[checks.\"psb.format\"]\nseverity = \"fatal\"",
    );
    edit("preapproval.toml", "licence = ['互联网新闻信息服务许可证", "licence = ['(互联网新闻信息服务许可证");
    edit("holidays.toml", "\"2026-01-04\", \"2026-02-14\"", "\"2026-01-04\", \"2026-02-16\"");
    let bad = run(vec!["rules".into(), "check".into(), dir.display().to_string()]).await;
    assert_eq!(bad.status.code(), Some(65));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("checks.toml:") && err.contains("fatal"), "{err}");
    assert!(err.contains("preapproval.toml:") && err.contains("bad pattern"), "{err}");
    assert!(err.contains("holidays.toml:") && err.contains("2026-02-16 is a Mon, not a weekend day"), "{err}");

    // A rule edit that no longer passes its own cases is named too.
    let tmp2 = tempfile::tempdir().expect("tempdir");
    let dir2 = tmp2.path().join("rules");
    run(vec!["rules".into(), "export".into(), dir2.display().to_string()]).await;
    let text = std::fs::read_to_string(dir2.join("placeholders.toml")).expect("read");
    std::fs::write(
        dir2.join("placeholders.toml"),
        text.replace(
            "title = [\"Welcome to nginx!\", \"Test Page for the Nginx HTTP Server\"]",
            "title = [\"Test Page for the Nginx HTTP Server\"]",
        ),
    )
    .expect("write");
    let cases = run(vec!["rules".into(), "check".into(), dir2.display().to_string()]).await;
    assert_eq!(cases.status.code(), Some(65));
    let err = String::from_utf8_lossy(&cases.stderr);
    assert!(err.contains("placeholders.toml case 1"), "{err}");
}

#[tokio::test]
async fn the_deploy_files_are_valid() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let example = root.join("deploy/icp-patrol.toml");
    let out = run(vec!["--config".into(), example.display().to_string(), "config".into(), "check".into()]).await;
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let config = icp_patrol::config::Config::load(Some(&example), Vec::new()).expect("example loads");
    assert!(config.dns.allow_networks.is_empty(), "the example has no allow-list");
    assert!(config.schedule.iter().any(|s| s.timezone == "Asia/Shanghai"));
    // The unit runs `config check` before start and stops with SIGTERM after more than the grace period.
    let unit = std::fs::read_to_string(root.join("deploy/icp-patrol.service")).expect("unit");
    assert!(unit.contains("ExecStartPre=/usr/local/bin/icp-patrol config check"));
    assert!(unit.contains("KillSignal=SIGTERM") && unit.contains("Restart=on-failure"));
    let stop: u64 = unit
        .lines()
        .find_map(|l| l.strip_prefix("TimeoutStopSec="))
        .and_then(|v| v.parse().ok())
        .expect("TimeoutStopSec");
    assert!(stop > config.daemon.grace_secs);
    // systemd's own checker, where the machine has it.
    if let Ok(found) = std::process::Command::new("systemd-analyze").arg("--version").output()
        && found.status.success()
    {
        let dir = tempfile::tempdir().expect("tempdir");
        let copy = dir.path().join("icp-patrol.service");
        std::fs::write(&copy, unit.replace("/usr/local/bin/icp-patrol", env!("CARGO_BIN_EXE_icp-patrol")))
            .expect("write");
        let verify =
            std::process::Command::new("systemd-analyze").arg("verify").arg(&copy).output().expect("verify runs");
        assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stderr));
    } else {
        eprintln!("systemd-analyze not installed: the unit was checked by content only");
    }
}

/// One exit status per class (spec §3): verdicts 0/1/2 above; here the failures of the command.
#[tokio::test]
async fn failures_have_their_own_exit_status_and_say_it_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let help = run(vec!["scan".into(), "--help".into()]).await;
    assert_eq!(help.status.code(), Some(0));

    let usage = run(vec!["scan".into(), "a.example.cn".into(), "--no-such-flag".into()]).await;
    assert_eq!(usage.status.code(), Some(64), "usage");

    let missing = dir.path().join("nope.csv");
    let out = run(vec![
        "scan".into(),
        "a.example.cn".into(),
        "--filings".into(),
        missing.display().to_string(),
        "--nameserver".into(),
        NOWHERE_DNS.into(),
    ])
    .await;
    assert_eq!(out.status.code(), Some(66), "missing input");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.matches("nope.csv").count(), 1, "the path once: {err}");
    assert_eq!(err.matches("No such file").count(), 1, "the cause once: {err}");

    let config = write(dir.path(), "bad.toml", "[daemon]\nno_such_key = 1\n");
    let out = run(vec!["--config".into(), config.display().to_string(), "config".into(), "check".into()]).await;
    assert_eq!(out.status.code(), Some(78), "configuration: {}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad.toml:2"));
}

#[tokio::test]
async fn logs_to_a_pipe_carry_no_colour() {
    let out = tokio::process::Command::new(bin())
        .args(["scan", "http://127.0.0.1:9/", "--format", "json"])
        .env_remove("NO_COLOR")
        .env("RUST_LOG", "debug")
        .output()
        .await
        .expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.is_empty(), "debug logs expected");
    assert!(!err.contains('\u{1b}'), "ANSI escapes on a pipe: {err}");
}

#[tokio::test]
async fn an_unreachable_database_is_named_with_its_cause() {
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    let out =
        run(vec!["--database".into(), "postgres://postgres@127.0.0.1:1/none".into(), "db".into(), "migrate".into()])
            .await;
    assert_eq!(out.status.code(), Some(69), "service unavailable");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("127.0.0.1:1") && err.to_lowercase().contains("refused"), "{err}");
    assert!(!err.contains("pool timed out"), "{err}");
    assert_eq!(err.matches("refused").count(), 1, "the cause once: {err}");
}

/// `scan … | head -1`: a reader that has gone is no error and no panic; the verdict's status stays.
#[tokio::test]
async fn a_closed_stdout_is_quiet() {
    for format in ["text", "json"] {
        let mut child = tokio::process::Command::new(bin())
            .args(["scan", "http://127.0.0.1:9/", "--format", format])
            .env("NO_COLOR", "1")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawns");
        drop(child.stdout.take());
        let out = child.wait_with_output().await.expect("runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked") && !err.to_lowercase().contains("broken pipe"), "{format}: {err}");
        assert_eq!(out.status.code(), Some(2), "{format}: the verdict (inconclusive), {err}");
    }
}

#[tokio::test]
async fn rules_check_without_a_directory_checks_the_configured_rules() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("my-rules");
    let export = run(vec!["rules".into(), "export".into(), dir.display().to_string()]).await;
    assert_eq!(export.status.code(), Some(0));
    let text = std::fs::read_to_string(dir.join("checks.toml")).expect("read");
    std::fs::write(dir.join("checks.toml"), text.replacen("severity = \"info\"", "severity = \"fatal\"", 1))
        .expect("write");
    let config = write(tmp.path(), "c.toml", &format!("rules = {:?}\n", dir.display().to_string()));
    let cmd = |args: &[&str]| {
        tokio::process::Command::new(bin()).args(args).current_dir(tmp.path()).env("NO_COLOR", "1").output()
    };
    let out = cmd(&["--config", &config.display().to_string(), "rules", "check"]).await.expect("runs");
    assert_eq!(out.status.code(), Some(65), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("my-rules"), "the configured directory is checked");
    // Without a config: the rules built into the program (no `rules` directory here).
    let out = cmd(&["rules", "check"]).await.expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

/// Where a reviewer reads — the demo's and `scan`'s default text — checks are named in Chinese, with
/// their remedy and Beijing time; no check id shows. `--lang en` gives the ids and English.
#[tokio::test]
async fn default_text_output_names_checks_in_chinese() {
    let ids = icp_patrol::checks::ALL_CHECK_IDS.iter().map(|id| regex::escape(id)).collect::<Vec<_>>().join("|");
    let any_id = regex::Regex::new(&format!(r"\b({ids})\b")).expect("pattern");
    let dir = tempfile::tempdir().expect("tempdir");
    let demo = |lang: &'static str| {
        let store = dir.path().join(format!("demo-{lang}.db")).display().to_string();
        let output = dir.path().join(format!("demo-{lang}.jsonl")).display().to_string();
        run(vec!["demo".into(), "--store".into(), store, "--output".into(), output, "--lang".into(), lang.into()])
    };
    let zh = demo("zh").await;
    assert_eq!(zh.status.code(), Some(0), "{}", String::from_utf8_lossy(&zh.stderr));
    let text = String::from_utf8_lossy(&zh.stdout);
    assert!(!any_id.is_match(&text), "a check id in the demo's output: {:?}\n{text}", any_id.find(&text));
    assert!(text.contains("备案号未链接") && text.contains("专项核查") && text.contains("整改要求："), "{text}");
    assert!(text.contains("在浏览器中审核") && text.contains("serve"), "the demo says how to open the console: {text}");
    let en = demo("en").await;
    assert!(String::from_utf8_lossy(&en.stdout).contains("icp.link.missing"));

    let f = farm(vec![("notice.example.cn", page(&format!("<p>{NUM}</p>")))]).await;
    let filings = write(
        dir.path(),
        "filings.csv",
        &format!(
            "domain,site_number,principal,principal_type,site_name,approved_on\nnotice.example.cn,{NUM},甲,企业,示例科技官网,2024-03-01\n"
        ),
    );
    let scan = |lang: Option<&str>| {
        let mut args: Vec<String> = vec![
            "scan".into(),
            "notice.example.cn".into(),
            "--filings".into(),
            filings.display().to_string(),
            "--today".into(),
            TODAY.into(),
            "--connect-to".into(),
            format!("notice.example.cn::{}:{}", f.farm.addr.ip(), f.farm.addr.port()),
            "--nameserver".into(),
            NOWHERE_DNS.into(),
        ];
        if let Some(l) = lang {
            args.extend(["--lang".to_string(), l.to_string()]);
        }
        run(args)
    };
    let zh = scan(None).await;
    assert_eq!(zh.status.code(), Some(1), "{}", String::from_utf8_lossy(&zh.stderr));
    let text = String::from_utf8_lossy(&zh.stdout);
    assert!(!any_id.is_match(&text), "a check id in scan's text: {:?}\n{text}", any_id.find(&text));
    assert!(text.contains("备案号未链接") && text.contains("需发通知: 专项核查"), "{text}");
    assert!(text.contains("整改: 为首页底部的备案号添加链接"), "each failure with its own remedy: {text}");
    assert!(text.contains("(北京时间)"), "{text}");
    let en = scan(Some("en")).await;
    let text = String::from_utf8_lossy(&en.stdout);
    assert!(text.contains("icp.link.missing") && text.contains("remedy: Link the filing number"), "{text}");
    assert!(text.contains("notice: special inspection") && text.contains("(Beijing time)"), "{text}");
}

/// A notice draft's deadline across the Spring Festival lands on the first working day after it
/// (2026 from the State Council's notice; 2027 provisional, which the draft and the text say); a
/// year missing from rules/holidays.toml is counted with weekends only, and said so.
#[tokio::test]
async fn draft_deadlines_cross_the_spring_festival() {
    let f = farm(vec![("notice.example.cn", page(&format!("<p>{NUM}</p>")))]).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let filings = write(
        dir.path(),
        "filings.csv",
        &format!(
            "domain,site_number,principal,principal_type,site_name,approved_on\nnotice.example.cn,{NUM},甲,企业,示例科技官网,2024-03-01\n"
        ),
    );
    let scan = |today: &str, format: &str| {
        run(vec![
            "scan".into(),
            "notice.example.cn".into(),
            "--filings".into(),
            filings.display().to_string(),
            "--format".into(),
            format.into(),
            "--today".into(),
            today.into(),
            "--connect-to".into(),
            format!("notice.example.cn::{}:{}", f.farm.addr.ip(), f.farm.addr.port()),
            "--nameserver".into(),
            NOWHERE_DNS.into(),
        ])
    };
    for (today, deadline, warning) in [
        // 15 days end on 2-20, inside 2-15..2-23; the next working day is Tuesday 2-24.
        ("2026-02-05", "2026-02-24", None),
        // 15 days end on 2027-02-08, inside the provisional 2-5..2-10: Thursday 2-11, with a warning.
        ("2027-01-24", "2027-02-11", Some("2027 年的节假日为暂定")),
        // 2028 is not in the data: weekends only (2028-02-04 is a Friday), and said so.
        ("2028-01-20", "2028-02-04", Some("没有 2028 年的节假日安排")),
    ] {
        let out = scan(today, "json").await;
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        assert_valid(&json);
        let draft = &json["notice_drafts"][0];
        assert_eq!(draft["deadline"], deadline, "{today}");
        assert_eq!(
            draft["deadline_warning"].as_str().map(|w| w.contains(warning.unwrap_or("-"))),
            warning.map(|_| true)
        );
        assert!(draft["text"].as_str().is_some_and(|t| t.contains(&format!("请您于 {deadline} 前"))));
        let text = scan(today, "text").await;
        let text = String::from_utf8_lossy(&text.stdout);
        assert!(text.contains(&format!("专项核查 期限 {deadline}")), "{text}");
        if let Some(w) = warning {
            assert!(text.contains("注意：") && text.contains(w), "the reviewer sees the warning: {text}");
        }
    }
}
