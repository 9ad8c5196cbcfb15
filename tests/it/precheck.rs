//! `precheck`: an entity with three filed sites on the farm; all good is go (exit 0), one bad is no-go
//! (exit 1) naming that site and its blocking finding, in text, JSON and HTML; `report --entity` keeps
//! to the entity's sites; a query that names no entity is refused (65).

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};

use icp_patrol::farm::{Behaviour, Farm};
use icp_patrol::filing::FilingRecord;

use crate::db::{Kind, TestDb};
use crate::support::*;

const PSB: &str = "11010502000001";

fn number(i: u32) -> String {
    format!("京ICP备16020626号-{i}")
}

fn good(i: u32) -> Behaviour {
    page(&format!(
        "<p>© 2024 北京示例科技有限公司 版权所有</p>{} {}",
        linked(&number(i)),
        psb_linked("京公网安备", PSB)
    ))
}

/// The number shown but not linked to MIIT: a special inspection, so the entity is no-go.
fn unlinked(i: u32) -> Behaviour {
    page(&format!("<p>© 2024 北京示例科技有限公司 版权所有</p><p>{}</p>{}", number(i), psb_linked("京公网安备", PSB)))
}

const SITES: [&str; 3] = ["a.example.cn", "b.example.cn", "c.example.cn"];
const OTHER: &str = "other.example.cn";

async fn farm(bad: bool) -> Farm {
    let mut sites: HashMap<String, Behaviour> = SITES
        .iter()
        .zip(1..)
        .map(|(h, i)| (h.to_string(), if bad && i == 3 { unlinked(i) } else { good(i) }))
        .collect();
    // Another entity's site, failing too: never part of this entity's pre-check or report.
    sites.insert(OTHER.into(), page("<p>京ICP备11111111号-1</p>"));
    Farm::start(IpAddr::V4(Ipv4Addr::LOCALHOST), sites).await.expect("farm")
}

async fn cli(url: &str, farm: &Farm, args: &[&str]) -> std::process::Output {
    let connect = format!("::{}:{}", farm.addr.ip(), farm.addr.port());
    let mut all: Vec<String> = vec!["--database".into(), url.into()];
    all.extend(args.iter().map(|s| s.to_string()));
    if args.first() == Some(&"precheck") {
        all.extend(["--connect-to".into(), connect, "--nameserver".into(), NOWHERE_DNS.into()]);
        all.extend(["--today".into(), TODAY.into()]);
    }
    tokio::process::Command::new(env!("CARGO_BIN_EXE_icp-patrol"))
        .args(&all)
        .env("NO_COLOR", "1")
        .env_remove("HTTP_PROXY")
        .env_remove("HTTPS_PROXY")
        .env_remove("ALL_PROXY")
        .output()
        .await
        .expect("runs")
}

#[tokio::test]
async fn precheck_says_go_or_no_go_per_entity() {
    let db = TestDb::new(Kind::Sqlite).await;
    let store = db.store().await;
    let mut records: Vec<FilingRecord> = SITES
        .iter()
        .zip(1..)
        .map(|(h, i)| FilingRecord { psb_code: Some(PSB.into()), ..filing(h, &number(i)) })
        .collect();
    records.push(FilingRecord { principal: "另一家公司".into(), ..filing(OTHER, "京ICP备11111111号-1") });
    store.import(&records, |_| Some("北京".into()), false).await.expect("import");

    // All three sites good: go.
    let all_good = farm(false).await;
    let go = cli(&db.url, &all_good, &["precheck", "北京示例科技有限公司"]).await;
    let text = String::from_utf8_lossy(&go.stdout);
    assert_eq!(go.status.code(), Some(0), "{text}\n{}", String::from_utf8_lossy(&go.stderr));
    assert!(text.contains("结论：通过（go）") && text.contains("3 个已备案网站"), "{text}");
    assert!(!text.contains(OTHER), "another entity's site is not checked: {text}");

    // One bad site: no-go, naming it and its blocking finding with the remedy; asked by a domain.
    let one_bad = farm(true).await;
    let no_go = cli(&db.url, &one_bad, &["precheck", "b.example.cn"]).await;
    let text = String::from_utf8_lossy(&no_go.stdout);
    assert_eq!(no_go.status.code(), Some(1), "{text}\n{}", String::from_utf8_lossy(&no_go.stderr));
    assert!(text.contains("不通过（no-go）"), "{text}");
    let bad_line = text.lines().find(|l| l.contains("c.example.cn")).expect("the bad site's line");
    assert!(bad_line.trim_start().starts_with("不通过"), "{bad_line}");
    assert!(text.contains("· 备案号未链接（专项核查）") && text.contains("整改: 为首页底部的备案号添加链接"), "{text}");
    for good_site in ["a.example.cn", "b.example.cn"] {
        let line = text.lines().find(|l| l.contains(good_site)).expect("line");
        assert!(line.trim_start().starts_with("通过"), "{line}");
    }

    // JSON, asked by the entity number.
    let json = cli(&db.url, &one_bad, &["precheck", "京ICP备16020626号", "--format", "json"]).await;
    assert_eq!(json.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    assert_eq!(v["schema"], "icp-patrol/precheck/v1");
    assert_eq!(v["decision"], "no_go");
    assert_eq!(v["entity"]["principal"], "北京示例科技有限公司");
    let sites = v["sites"].as_array().expect("sites");
    assert_eq!(sites.len(), 3);
    let blocking =
        |d: &str| sites.iter().find(|s| s["domain"] == d).expect("site")["blocking"].as_array().expect("list").clone();
    assert_eq!(blocking("c.example.cn")[0]["id"], "icp.link.missing");
    assert!(blocking("c.example.cn")[0]["remedy"].as_str().is_some_and(|r| r.contains("beian.miit.gov.cn")));
    assert!(blocking("a.example.cn").is_empty() && blocking("b.example.cn").is_empty());

    // HTML: the report writer, headed by the decision, with the entity's findings only.
    let dir = tempfile::tempdir().expect("tempdir");
    let html_path = dir.path().join("precheck.html");
    let p = html_path.display().to_string();
    let html = cli(&db.url, &one_bad, &["precheck", "北京示例科技有限公司", "--format", "html", "--output", &p]).await;
    assert_eq!(html.status.code(), Some(1), "{}", String::from_utf8_lossy(&html.stderr));
    let page = std::fs::read_to_string(&html_path).expect("html");
    assert!(page.contains("不通过（no-go）") && page.contains("c.example.cn"), "the decision heads the report");
    assert!(page.contains("主体 北京示例科技有限公司（京ICP备16020626号）"));

    // `report --entity`: the same filter for any report.
    let other = cli(
        &db.url,
        &one_bad,
        &[
            "scan",
            OTHER,
            "--connect-to",
            &format!("{OTHER}::{}:{}", one_bad.addr.ip(), one_bad.addr.port()),
            "--nameserver",
            NOWHERE_DNS,
            "--today",
            TODAY,
        ],
    )
    .await;
    assert_eq!(other.status.code(), Some(1), "the other entity's site has a finding too");
    let jsonl = dir.path().join("entity.jsonl");
    let j = jsonl.display().to_string();
    let report =
        cli(&db.url, &one_bad, &["report", "--format", "jsonl", "--output", &j, "--entity", "a.example.cn"]).await;
    assert_eq!(report.status.code(), Some(0), "{}", String::from_utf8_lossy(&report.stderr));
    let domains: Vec<String> = std::fs::read_to_string(&jsonl)
        .expect("read")
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).expect("entry")["domain"].as_str().expect("domain").to_string()
        })
        .collect();
    assert_eq!(domains, ["c.example.cn"], "only the entity's site with an open finding");

    // A query that names no entity.
    let unknown = cli(&db.url, &one_bad, &["precheck", "京ICP备99999999号"]).await;
    assert_eq!(unknown.status.code(), Some(65));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("names no filed entity"));
}
