//! `site.*`, `license.missing` and `copyright.missing`, each failing and passing over the farm.

use icp_patrol::checks::Outcome::{Fail, Inconclusive, Pass, Skipped};
use icp_patrol::farm::Behaviour;
use icp_patrol::fetch::ErrorKind;
use icp_patrol::filing::FilingRecord;
use icp_patrol::verdict::Status;

use crate::support::*;

const NUM: &str = "京ICP备16020626号-1";

#[tokio::test]
async fn site_unreachable_on_error_status_and_passes_when_served() {
    let f = farm(vec![
        ("down.example.cn", Behaviour::Status { code: 503, body: "Service Unavailable".into() }),
        ("up.example.cn", page(&linked(NUM))),
    ])
    .await;
    let down = f.scan("down.example.cn", Some(&filing("down.example.cn", NUM))).await;
    assert_eq!(outcome(&down, "site.unreachable"), Fail);
    assert_eq!(down.fetch.error.as_ref().map(|e| e.kind), Some(ErrorKind::HttpStatus));
    assert_eq!(down.fetch.status, Some(503));
    // One failing scan is a warning, not a notice; what the page would say is undecided.
    assert_eq!(check(&down, "site.unreachable").notice, icp_patrol::rules::NoticeKind::None);
    assert_eq!(outcome(&down, "icp.missing"), Inconclusive);
    assert_eq!(down.verdict.status, Status::Inconclusive);
    let up = f.scan("up.example.cn", Some(&filing("up.example.cn", NUM))).await;
    assert_eq!(outcome(&up, "site.unreachable"), Pass);
    assert_eq!(up.verdict.status, Status::Notice, "no public-security number after 30 days");
}

#[tokio::test]
async fn a_rate_limited_answer_judges_nothing_and_says_how_long_to_wait() {
    let f = farm(vec![
        ("busy.example.cn", Behaviour::RateLimited { code: 429, retry_after: Some("30".into()) }),
        ("maint.example.cn", Behaviour::RateLimited { code: 503, retry_after: Some("120".into()) }),
    ])
    .await;
    for (host, wait) in [("busy.example.cn", 30), ("maint.example.cn", 120)] {
        let r = f.scan(&format!("http://{host}/"), Some(&filing(host, NUM))).await;
        assert_eq!(r.fetch.error.as_ref().map(|e| e.kind), Some(ErrorKind::RateLimited), "{host}");
        assert_eq!(r.fetch.retry_after_secs, Some(wait), "{host}");
        // The site asked for a pause; whether it is reachable, or shows its number, is not known.
        assert_eq!(outcome(&r, "site.unreachable"), Inconclusive, "{host}");
        assert_eq!(outcome(&r, "icp.missing"), Inconclusive, "{host}");
        assert_eq!(r.verdict.status, Status::Inconclusive, "{host}");
    }
}

#[tokio::test]
async fn https_failing_falls_back_to_http() {
    // The farm speaks plain HTTP on every port: the https attempt fails its TLS handshake.
    let f = farm(vec![("plain.example.cn", page(&linked(NUM)))]).await;
    let r = f.scan("plain.example.cn", None).await;
    assert_eq!(r.fetch.url, "http://plain.example.cn/");
    assert_eq!(r.fetch.https_error.as_ref().map(|e| e.kind), Some(ErrorKind::Tls), "why https was given up");
    assert_eq!(r.fetch.status, Some(200));
    assert_eq!(outcome(&r, "site.unreachable"), Pass);
}

#[tokio::test]
async fn site_redirect_offsite() {
    let f = farm(vec![
        ("moved.example.cn", Behaviour::Redirect { code: 301, location: "http://www.other-example.com/".into() }),
        ("www.other-example.com", page(&linked(NUM))),
        ("www.example.cn", Behaviour::Redirect { code: 301, location: "http://example.cn/".into() }),
        ("example.cn", Behaviour::Redirect { code: 302, location: "http://shop.example.cn/".into() }),
        ("shop.example.cn", page(&linked(NUM))),
    ])
    .await;
    let moved = f.scan("moved.example.cn", None).await;
    assert_eq!(outcome(&moved, "site.redirect_offsite"), Fail);
    let ev = &check(&moved, "site.redirect_offsite").evidence;
    assert_eq!(ev.redirects.len(), 1);
    assert_eq!(ev.redirects[0].status, 301);
    let same = f.scan("www.example.cn", None).await;
    assert_eq!(outcome(&same, "site.redirect_offsite"), Pass);
    assert_eq!(same.fetch.redirects.len(), 2);
    assert_eq!(same.fetch.final_url.as_deref(), Some("http://shop.example.cn/"));
}

#[tokio::test]
async fn license_missing_for_commercial_filings() {
    let commercial = |d: &str| FilingRecord { license: Some("京ICP证030173号".into()), ..filing(d, NUM) };
    let f = farm(vec![
        ("fail.example.cn", page(&linked(NUM))),
        ("pass.example.cn", page(&format!("{} 京ICP证030173号", linked(NUM)))),
    ])
    .await;
    let bad = f.scan("fail.example.cn", Some(&commercial("fail.example.cn"))).await;
    assert_eq!(outcome(&bad, "license.missing"), Fail);
    let good = f.scan("pass.example.cn", Some(&commercial("pass.example.cn"))).await;
    assert_eq!(outcome(&good, "license.missing"), Pass);
    let non_commercial = f.scan("pass.example.cn", Some(&filing("pass.example.cn", NUM))).await;
    assert_eq!(outcome(&non_commercial, "license.missing"), Skipped);
}

#[tokio::test]
async fn copyright_missing_in_jiangsu() {
    let js = "苏ICP备2020098765号-1";
    let f = farm(vec![
        ("fail.example.cn", page(&linked(js))),
        ("pass.example.cn", page(&format!("<p>版权所有 © 2024 苏州园林旅游发展有限公司</p>{}", linked(js)))),
        ("bj.example.cn", page(&linked(NUM))),
    ])
    .await;
    let bad = f.scan("fail.example.cn", Some(&filing("fail.example.cn", js))).await;
    assert_eq!(outcome(&bad, "copyright.missing"), Fail);
    let good = f.scan("pass.example.cn", Some(&filing("pass.example.cn", js))).await;
    assert_eq!(outcome(&good, "copyright.missing"), Pass);
    assert_eq!(good.extracted.copyright[0].holder.as_deref(), Some("苏州园林旅游发展有限公司"));
    let beijing = f.scan("bj.example.cn", Some(&filing("bj.example.cn", NUM))).await;
    assert_eq!(outcome(&beijing, "copyright.missing"), Skipped);
}
