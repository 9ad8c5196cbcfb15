//! Every `icp.*` check fails on one farm site and passes on another, through the real scan path.

use icp_patrol::checks::Outcome::{Fail, Pass, Skipped};
use icp_patrol::farm::Behaviour;

use crate::support::*;

const NUM: &str = "京ICP备16020626号-1";

/// Scans `fail.example.cn` (footer `bad`) and `pass.example.cn` (footer `good`) against the same
/// kind of record and returns both results.
async fn pair(
    bad: &str,
    good: &str,
    record: impl Fn(&str) -> icp_patrol::filing::FilingRecord,
) -> (icp_patrol::result::ScanResult, icp_patrol::result::ScanResult) {
    let f = farm(vec![("fail.example.cn", page(bad)), ("pass.example.cn", page(good))]).await;
    let bad = f.scan("fail.example.cn", Some(&record("fail.example.cn"))).await;
    let good = f.scan("pass.example.cn", Some(&record("pass.example.cn"))).await;
    (bad, good)
}

fn rec(domain: &str) -> icp_patrol::filing::FilingRecord {
    filing(domain, NUM)
}

#[tokio::test]
async fn icp_missing() {
    let (bad, good) = pair("<p>© 2024 北京示例科技有限公司</p>", &linked(NUM), rec).await;
    assert_eq!(outcome(&bad, "icp.missing"), Fail);
    assert_eq!(bad.verdict.status, icp_patrol::verdict::Status::Notice);
    assert_eq!(outcome(&good, "icp.missing"), Pass);
    assert_eq!(good.extracted.icp[0].number, NUM);
}

#[tokio::test]
async fn icp_not_in_footer() {
    // The number stands in the article; the footer has none and a long text follows the article.
    let filler = "<p>本公司长期致力于为客户提供优质的产品与服务，欢迎各界朋友来电咨询洽谈合作。</p>".repeat(60);
    let body = format!(
        "<!DOCTYPE html><html><head><meta charset=utf-8><title>示例科技官网</title></head><body>\
         <article><p>本站备案号为{NUM}，请知悉。</p>{filler}</article><footer><p>© 2024 北京示例科技有限公司</p></footer></body></html>"
    );
    let f = farm(vec![("fail.example.cn", Behaviour::html(body)), ("pass.example.cn", page(&linked(NUM)))]).await;
    let bad = f.scan("fail.example.cn", Some(&rec("fail.example.cn"))).await;
    assert_eq!(outcome(&bad, "icp.missing"), Pass, "a number on the page is never icp.missing");
    assert_eq!(outcome(&bad, "icp.not_in_footer"), Fail);
    assert!(!bad.extracted.icp[0].in_footer);
    let good = f.scan("pass.example.cn", Some(&rec("pass.example.cn"))).await;
    assert_eq!(outcome(&good, "icp.not_in_footer"), Pass);
}

#[tokio::test]
async fn icp_placeholder() {
    let (bad, good) = pair(&linked("萌ICP备20240001号"), &linked(NUM), rec).await;
    assert_eq!(outcome(&bad, "icp.placeholder"), Fail);
    assert_eq!(outcome(&good, "icp.placeholder"), Pass);
    let (template, _) = pair(&linked("京ICP备12345678号-1"), &linked(NUM), rec).await;
    assert_eq!(outcome(&template, "icp.placeholder"), Fail);
}

#[tokio::test]
async fn icp_mismatch_other_entity_and_other_site() {
    let (bad, good) = pair(&linked("京ICP备17005035号-1"), &linked(NUM), rec).await;
    assert_eq!(outcome(&bad, "icp.mismatch"), Fail);
    assert_eq!(check(&bad, "icp.mismatch").evidence.expected.as_deref(), Some(NUM));
    assert_eq!(outcome(&good, "icp.mismatch"), Pass);
    let (other_site, _) = pair(&linked("京ICP备16020626号-3"), &linked(NUM), rec).await;
    assert_eq!(outcome(&other_site, "icp.mismatch"), Fail);
    // 蜀 is an alias of 川: the same entity.
    let (_, alias) = pair("", &linked("蜀ICP备14021561号-1"), |d| filing(d, "川ICP备14021561号-1")).await;
    assert_eq!(outcome(&alias, "icp.mismatch"), Pass);
}

#[tokio::test]
async fn icp_site_number_missing_outside_guangdong_only() {
    let (bad, good) = pair(&linked("京ICP备16020626号"), &linked(NUM), rec).await;
    assert_eq!(outcome(&bad, "icp.site_number_missing"), Fail);
    assert_eq!(outcome(&good, "icp.site_number_missing"), Pass);
    let (_, guangdong) = pair("", &linked("粤ICP备2020133024号"), |d| filing(d, "粤ICP备2020133024号-2")).await;
    assert_eq!(outcome(&guangdong, "icp.site_number_missing"), Pass);
}

#[tokio::test]
async fn icp_format() {
    let (bad, good) = pair(&linked("京ICP备16020626-1号"), &linked(NUM), rec).await;
    assert_eq!(outcome(&bad, "icp.format"), Fail);
    assert!(check(&bad, "icp.format").detail.as_deref().is_some_and(|d| d.contains("-N before 号")));
    assert_eq!(outcome(&good, "icp.format"), Pass);
}

#[tokio::test]
async fn a_short_form_is_read_and_judged_by_format_not_missed() {
    // 省 + 备 + digits + 号 + -N without the letters ICP: the number is shown, its form is wrong.
    let (bad, good) = pair(&linked("京备16020626号-1"), &linked(NUM), rec).await;
    assert_eq!(outcome(&bad, "icp.missing"), Pass);
    assert_eq!(outcome(&bad, "icp.not_in_footer"), Pass);
    assert_eq!(outcome(&bad, "icp.mismatch"), Pass, "the same filing, written short");
    assert_eq!(outcome(&bad, "icp.format"), Fail);
    assert!(check(&bad, "icp.format").detail.as_deref().is_some_and(|d| d.contains("ICP letters missing")));
    assert_eq!(outcome(&good, "icp.format"), Pass);
}

#[tokio::test]
async fn a_page_that_is_only_a_footer_include_is_its_footer() {
    let include = format!("<div class=\"site-footer\"><p>© 2024 北京示例科技有限公司</p>{}</div>", linked(NUM));
    let f = farm(vec![("fail.example.cn", Behaviour::html(include))]).await;
    let r = f.scan("fail.example.cn", Some(&rec("fail.example.cn"))).await;
    assert_eq!(outcome(&r, "icp.missing"), Pass);
    assert_eq!(outcome(&r, "icp.not_in_footer"), Pass);
}

#[tokio::test]
async fn icp_link_missing() {
    let (bad, good) = pair(&format!("<p>备案号：{NUM}</p>"), &linked(NUM), rec).await;
    assert_eq!(outcome(&bad, "icp.link.missing"), Fail);
    assert_eq!(outcome(&bad, "icp.link.outdated"), Skipped);
    assert_eq!(outcome(&good, "icp.link.missing"), Pass);
    let (hash, onclick) = pair(
        &format!("<a href=\"#\">{NUM}</a>"),
        &format!(
            "<a href=\"javascript:;\" onclick=\"window.open('https://beian.miit.gov.cn/#/Integrated/index')\">{NUM}</a>"
        ),
        rec,
    )
    .await;
    assert_eq!(outcome(&hash, "icp.link.missing"), Fail);
    assert_eq!(outcome(&onclick, "icp.link.missing"), Pass);
    assert_eq!(outcome(&onclick, "icp.link.outdated"), Pass);
}

#[tokio::test]
async fn icp_link_outdated() {
    let (bad, good) = pair(
        &format!("<a href=\"http://www.beian.miit.gov.cn/\">{NUM}</a>"),
        &format!("<a href=\"http://beian.miit.gov.cn/#/Integrated/recordQuery\">{NUM}</a>"),
        rec,
    )
    .await;
    assert_eq!(outcome(&bad, "icp.link.outdated"), Fail);
    assert_eq!(check(&bad, "icp.link.outdated").evidence.link.as_deref(), Some("http://www.beian.miit.gov.cn/"));
    assert_eq!(outcome(&good, "icp.link.outdated"), Pass);
}

#[tokio::test]
async fn icp_link_wrong() {
    let (bad, good) = pair(&format!("<a href=\"http://www.miit.gov.cn/\">{NUM}</a>"), &linked(NUM), rec).await;
    assert_eq!(outcome(&bad, "icp.link.wrong"), Fail);
    assert_eq!(outcome(&good, "icp.link.wrong"), Pass);
}

#[tokio::test]
async fn without_a_record_the_record_checks_are_skipped() {
    let f = farm(vec![("norecord.example.cn", page(&linked(NUM)))]).await;
    let r = f.scan("norecord.example.cn", None).await;
    assert_eq!(outcome(&r, "icp.mismatch"), Skipped);
    assert_eq!(outcome(&r, "icp.link.missing"), Pass);
    assert!(r.filing.is_none());
}

#[tokio::test]
async fn a_filed_number_that_looks_like_a_template_is_not_a_placeholder() {
    const ODD: &str = "京ICP备12345678号-1";
    let f = farm(vec![("odd.example.cn", page(&linked(ODD))), ("theme.example.cn", page(&linked(ODD)))]).await;
    let own = f.scan("odd.example.cn", Some(&filing("odd.example.cn", ODD))).await;
    assert_eq!(outcome(&own, "icp.placeholder"), Pass, "the page shows exactly the filed number");
    assert_eq!(outcome(&own, "icp.mismatch"), Pass);
    // The same number under another filing is still a theme's template.
    let theme = f.scan("theme.example.cn", Some(&rec("theme.example.cn"))).await;
    assert_eq!(outcome(&theme, "icp.placeholder"), Fail);
}
