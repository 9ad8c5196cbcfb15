//! `change.*` from history: the daemon scans farm sites, the sites change between cycles (a second
//! farm serves the changed pages), and each change is reported only at the scan where it has held for
//! `[changes] scans` (2) scans in a row, with the value before and after; a site that does not change
//! passes every change check.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::time::Duration;

use icp_patrol::checks::Outcome::{Fail, Pass, Skipped};
use icp_patrol::config::Config;
use icp_patrol::farm::{Behaviour, Farm};
use icp_patrol::filing::FilingRecord;
use icp_patrol::result::ScanResult;
use icp_patrol::rules::RuleSet;
use icp_patrol::scheduler::Daemon;
use icp_patrol::store::Store;
use tokio_util::sync::CancellationToken;

use crate::db::{TestDb, both};
use crate::support::*;

const NUM: &str = "京ICP备16020626号-1";
const OTHER_NUM: &str = "京ICP备99999999号-1";
const HOLDER: &str = "北京示例科技有限公司";
const NEW_HOLDER: &str = "上海另一家网络有限公司";

fn site(title: &str, nav: &[&str], body: &str, holder: &str, number: &str) -> Behaviour {
    let nav: String = nav.iter().enumerate().map(|(i, n)| format!("<a href=\"/n{i}\">{n}</a> ")).collect();
    Behaviour::html(format!(
        "<!DOCTYPE html><html><head><meta charset=utf-8><title>{title}</title></head><body>\
         <header><nav>{nav}</nav></header><main><p>{body}</p>\
         <p>我们始终坚持以客户为中心，持续改进服务质量，欢迎各界朋友访问本站并提出宝贵意见。</p></main>\
         <footer><p>© 2024 {holder} 版权所有</p><p>{}</p></footer></body></html>",
        linked(number)
    ))
}

fn company() -> Behaviour {
    site(
        "示例科技官网 - 首页",
        &["首页", "关于我们", "产品中心", "联系我们"],
        "我们专注于企业信息化建设。",
        HOLDER,
        NUM,
    )
}

/// Which check each changing site should fail once its change has held.
const CHANGED: [(&str, &str); 5] = [
    ("number.example.cn", "change.icp_number"),
    ("operator.example.cn", "change.operator"),
    ("name.example.cn", "change.site_name"),
    ("industry.example.cn", "change.industry"),
    ("moved.example.cn", "change.domain"),
];
const STEADY: &str = "steady.example.cn";

fn before() -> HashMap<String, Behaviour> {
    CHANGED.iter().map(|(h, _)| h.to_string()).chain([STEADY.to_string()]).map(|h| (h, company())).collect()
}

fn after() -> HashMap<String, Behaviour> {
    let nav = ["首页", "关于我们", "产品中心", "联系我们"];
    HashMap::from([
        (
            "number.example.cn".to_string(),
            site("示例科技官网 - 首页", &nav, "我们专注于企业信息化建设。", HOLDER, OTHER_NUM),
        ),
        (
            "operator.example.cn".to_string(),
            site("示例科技官网 - 首页", &nav, "我们专注于企业信息化建设。", NEW_HOLDER, NUM),
        ),
        ("name.example.cn".to_string(), site("环球美食博览 - 首页", &["首页", "菜谱"], "今日推荐菜谱。", HOLDER, NUM)),
        (
            "industry.example.cn".to_string(),
            site(
                "示例科技官网 - 首页",
                &["首页", "要闻", "时政", "国际", "军事", "社会", "财经", "体育"],
                "本报讯（记者 张三）今日，全市召开工作会议。责任编辑：李四",
                HOLDER,
                NUM,
            ),
        ),
        (
            "moved.example.cn".to_string(),
            Behaviour::Redirect { code: 301, location: "http://www.elsewhere-example.com/".into() },
        ),
        ("www.elsewhere-example.com".to_string(), company()),
        (STEADY.to_string(), company()),
    ])
}

async fn cycle(store: &Store, url: &str, farm: &Farm, tag: &str) {
    let connect_to = format!("::{}:{}", farm.addr.ip(), farm.addr.port());
    let mut cfg = Config { database: url.to_string(), schedule: vec![], ..Config::default() };
    cfg.scan.connect_to = vec![connect_to.clone()];
    cfg.daemon.metrics_addr = None;
    cfg.daemon.max_attempts = 1;
    let mut overrides = icp_patrol::fetch::Overrides::default();
    overrides.connect_to.push(connect_to.parse().expect("connect-to"));
    let fetch = icp_patrol::fetch::FetchOptions { total_timeout: Duration::from_secs(5), ..Default::default() };
    let fetcher = icp_patrol::fetch::Fetcher::new(fetch, overrides, no_dns(), icp_patrol::dns::Guard::default())
        .expect("fetcher");
    let scanner = icp_patrol::engine::Scanner::new(fetcher, Arc::new(RuleSet::embedded()));
    let d = Daemon::new(store.clone(), scanner, cfg).with_today(today());
    d.enqueue_now(&schedule("all"), tag).await.expect("enqueue");
    d.run(CancellationToken::new(), true).await.expect("cycle");
}

async fn latest(store: &Store, host: &str) -> ScanResult {
    let latest = store.latest_scans(&[host.to_string()]).await.expect("results").pop();
    latest.unwrap_or_else(|| panic!("no scan of {host}")).result
}

/// On SQLite and PostgreSQL: the history is read by SQL of its own.
#[tokio::test]
async fn a_change_is_reported_at_the_nth_scan_with_before_and_after() {
    icp_patrol::install_crypto_provider();
    for db in both().await {
        changes_on(db).await;
    }
}

async fn changes_on(db: TestDb) {
    let store = db.store().await;
    let records: Vec<FilingRecord> = CHANGED.iter().map(|(h, _)| *h).chain([STEADY]).map(|h| filing(h, NUM)).collect();
    store.import(&records, |_| Some("北京".into()), false).await.expect("import");
    let farm_before = Farm::start(IpAddr::V4(Ipv4Addr::LOCALHOST), before()).await.expect("farm");
    let farm_after = Farm::start(IpAddr::V4(Ipv4Addr::LOCALHOST), after()).await.expect("farm");

    // Scan 1: the baseline; nothing to compare with yet.
    cycle(&store, &db.url, &farm_before, "1").await;
    for (host, id) in CHANGED {
        assert_eq!(outcome(&latest(&store, host).await, id), Skipped, "{host}: no previous scan");
    }

    // Scan 2: every site but one has changed; seen once, not reported yet.
    cycle(&store, &db.url, &farm_after, "2").await;
    for (host, id) in CHANGED {
        let r = latest(&store, host).await;
        assert_eq!(outcome(&r, id), Pass, "{host}: one scan of two: {:#?}", check(&r, id));
        assert!(check(&r, id).evidence.after.is_some(), "{host}: the change seen is in the evidence");
        assert!(!store.open_findings(host).await.expect("open").contains_key(id), "{host}: no finding yet");
    }

    // Scan 3: the change has held for two scans: reported, with before and after, feeding 变更备案.
    cycle(&store, &db.url, &farm_after, "3").await;
    let expect: HashMap<&str, (&str, &str)> = HashMap::from([
        ("change.icp_number", (NUM, OTHER_NUM)),
        ("change.operator", (HOLDER, NEW_HOLDER)),
        ("change.domain", ("example.cn", "elsewhere-example.com")),
    ]);
    for (host, id) in CHANGED {
        let r = latest(&store, host).await;
        let c = check(&r, id);
        assert_eq!(c.outcome, Fail, "{host}: held for two scans: {c:#?}");
        assert_eq!(c.notice, icp_patrol::rules::NoticeKind::ChangeFiling);
        let (before, after) = (c.evidence.before.as_deref(), c.evidence.after.as_deref());
        assert!(before.is_some() && after.is_some() && before != after, "{host}: {c:#?}");
        if let Some((b, a)) = expect.get(id) {
            assert_eq!((before, after), (Some(*b), Some(*a)), "{host}");
        }
        let open = store.open_findings(host).await.expect("open");
        let finding = open.get(id).unwrap_or_else(|| panic!("{host}: {id} is an open finding"));
        assert!(finding.evidence.contains("\"before\"") && finding.evidence.contains("\"after\""));
        let draft = r.notice_drafts.iter().find(|d| d.kind == icp_patrol::rules::NoticeKind::ChangeFiling);
        let text = &draft.unwrap_or_else(|| panic!("{host}: a change-filing draft")).text;
        assert!(text.contains("变更前：") && text.contains("变更后："), "{text}");
    }
    assert!(
        check(&latest(&store, "name.example.cn").await, "change.site_name")
            .evidence
            .after
            .as_deref()
            .is_some_and(|a| a.contains("环球美食博览"))
    );
    assert!(
        check(&latest(&store, "industry.example.cn").await, "change.industry")
            .evidence
            .after
            .as_deref()
            .is_some_and(|a| a.contains("news"))
    );

    // Scan 4: still so; the same finding, the same evidence (a reviewer's decision keeps holding).
    let evidence_3 =
        store.open_findings("operator.example.cn").await.expect("open")["change.operator"].evidence.clone();
    cycle(&store, &db.url, &farm_after, "4").await;
    let open = store.open_findings("operator.example.cn").await.expect("open");
    assert_eq!(open["change.operator"].evidence, evidence_3);
    assert_eq!(open["change.operator"].consecutive, 2);

    // The site that did not change passes every change check.
    let steady = latest(&store, STEADY).await;
    for (_, id) in CHANGED {
        assert_eq!(outcome(&steady, id), Pass, "{id}");
    }
}
