//! Every `psb.*` check fails on one farm site and passes on another.

use icp_patrol::checks::Outcome::{Fail, Pass, Skipped};
use icp_patrol::filing::FilingRecord;
use icp_patrol::result::ScanResult;
use icp_patrol::verdict::Status;

use crate::support::*;

const NUM: &str = "京ICP备16020626号-1";
const CODE: &str = "11010502000001";

fn rec(domain: &str) -> FilingRecord {
    FilingRecord { psb_code: Some(CODE.into()), ..filing(domain, NUM) }
}

async fn pair(bad: &str, good: &str, record: impl Fn(&str) -> FilingRecord) -> (ScanResult, ScanResult) {
    let footer = |psb: &str| format!("<p>{} {psb}</p>", linked(NUM));
    let f = farm(vec![("fail.example.cn", page(&footer(bad))), ("pass.example.cn", page(&footer(good)))]).await;
    (
        f.scan("fail.example.cn", Some(&record("fail.example.cn"))).await,
        f.scan("pass.example.cn", Some(&record("pass.example.cn"))).await,
    )
}

fn good() -> String {
    psb_linked("京公网安备", CODE)
}

#[tokio::test]
async fn psb_missing_after_thirty_days() {
    let (bad, ok) = pair("", &good(), rec).await;
    assert_eq!(outcome(&bad, "psb.missing"), Fail);
    assert_eq!(check(&bad, "psb.missing").evidence.due, Some(date("2024-03-31")));
    assert_eq!(outcome(&ok, "psb.missing"), Pass);
}

#[tokio::test]
async fn psb_pending_inside_thirty_days() {
    let recent = |d: &str| FilingRecord { opened_on: Some(date("2026-11-18")), ..rec(d) };
    let (pending, ok) = pair("", &good(), recent).await;
    assert_eq!(outcome(&pending, "psb.pending"), Fail);
    assert_eq!(outcome(&pending, "psb.missing"), Skipped);
    assert_eq!(check(&pending, "psb.pending").evidence.due, Some(date("2026-12-18")));
    assert_eq!(pending.verdict.status, Status::Pending);
    assert_eq!(pending.exit_code(), 0);
    assert_eq!(outcome(&ok, "psb.pending"), Pass);
}

#[tokio::test]
async fn psb_mismatch() {
    let (bad, ok) = pair(&psb_linked("京公网安备", "11010502000002"), &good(), rec).await;
    assert_eq!(outcome(&bad, "psb.mismatch"), Fail);
    assert_eq!(outcome(&ok, "psb.mismatch"), Pass);
}

#[tokio::test]
async fn psb_prefix_mismatch() {
    let zj = "33010602009999";
    let record = |d: &str| FilingRecord { psb_code: Some(zj.into()), ..rec(d) };
    let (bad, ok) = pair(&psb_linked("京公网安备", zj), &psb_linked("浙公网安备", zj), record).await;
    assert_eq!(outcome(&bad, "psb.prefix_mismatch"), Fail);
    assert_eq!(outcome(&ok, "psb.prefix_mismatch"), Pass);
    // A province name instead of its character: 河南 is 41, not 33.
    let (name, _) = pair(&psb_linked("河南公网安备", zj), &good(), record).await;
    assert_eq!(outcome(&name, "psb.prefix_mismatch"), Fail);
}

#[tokio::test]
async fn psb_format() {
    let legacy = "110102003042";
    let record = |d: &str| FilingRecord { psb_code: None, ..rec(d) };
    let (bad, ok) = pair(&format!("<span>京公网安备{legacy}号</span>"), &good(), record).await;
    assert_eq!(outcome(&bad, "psb.format"), Fail);
    assert_eq!(outcome(&ok, "psb.format"), Pass);
}

#[tokio::test]
async fn psb_link_missing() {
    let (bad, ok) = pair(&format!("<span>京公网安备 {CODE}号</span>"), &good(), rec).await;
    assert_eq!(outcome(&bad, "psb.link.missing"), Fail);
    assert_eq!(bad.extracted.psb[0].code, CODE);
    assert_eq!(outcome(&ok, "psb.link.missing"), Pass);
}

#[tokio::test]
async fn psb_link_outdated() {
    let old = format!(
        "<a href=\"http://www.beian.gov.cn/portal/registerSystemInfo?recordcode={CODE}\">京公网安备{CODE}号</a>"
    );
    let (bad, ok) = pair(&old, &good(), rec).await;
    assert_eq!(outcome(&bad, "psb.link.outdated"), Fail);
    assert_eq!(outcome(&ok, "psb.link.outdated"), Pass);
}

#[tokio::test]
async fn psb_link_wrong() {
    let other_code =
        format!("<a href=\"https://beian.mps.gov.cn/#/query/webSearch?code=11010502000009\">京公网安备{CODE}号</a>");
    let (bad, ok) = pair(&other_code, &good(), rec).await;
    assert_eq!(outcome(&bad, "psb.link.wrong"), Fail);
    assert_eq!(outcome(&ok, "psb.link.wrong"), Pass);
}
