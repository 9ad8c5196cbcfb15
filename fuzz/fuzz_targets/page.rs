//! A crawled page end to end: decode, extract, classify and every check, against a filing.
#![no_main]

use std::sync::LazyLock;

use icp_patrol::checks::{self, CheckInput, PageState};
use icp_patrol::classify::classify;
use icp_patrol::extract::extract;
use icp_patrol::fetch::decode;
use icp_patrol::filing::FilingRecord;
use icp_patrol::rules::RuleSet;
use libfuzzer_sys::fuzz_target;

static RULES: LazyLock<RuleSet> = LazyLock::new(RuleSet::embedded);

fuzz_target!(|data: &[u8]| {
    let rules = &*RULES;
    let url = url::Url::parse("http://fuzz.example.cn/").expect("url");
    let record = FilingRecord {
        domain: "fuzz.example.cn".into(),
        site_number: "京ICP备16020626号-1".into(),
        principal: "北京示例科技有限公司".into(),
        principal_type: "企业".into(),
        site_name: "示例".into(),
        approved_on: "2024-01-01".parse().expect("date"),
        opened_on: None,
        psb_code: Some("11010502000001".into()),
        license: None,
        preapprovals: vec![],
        provider: None,
        filed_ips: vec![],
    };
    let text = decode(data, None, Some(b"cn")).text;
    let facts = extract(&text, &url, &rules.provinces);
    let classification = classify(&facts, rules);
    let input = CheckInput {
        host: "fuzz.example.cn",
        url: url.as_str(),
        page: PageState::Fetched { final_url: url.as_str(), redirects: &[] },
        facts: Some(&facts),
        classification: Some(&classification),
        dns: &[],
        filing: Some(&record),
        today: "2026-06-01".parse().expect("date"),
        rules,
        // A rendered page's hidden-number checks run too, on half the inputs.
        rendered: data.first().is_some_and(|b| b & 1 == 1),
        unreadable: None,
    };
    assert!(!checks::run(&input).is_empty());
});
