//! Crawled pages are hostile: random bytes and random HTML-ish text (CJK, number fragments, stray
//! markup, odd encodings) go through decode, extract, classify and the checks without a panic.
//! `FUZZ_SEED=N FUZZ_ROUNDS=M cargo test --release --test it hostile` probes further.

use icp_patrol::checks::{self, CheckInput, PageState};
use icp_patrol::classify::classify;
use icp_patrol::extract::extract;
use icp_patrol::fetch::{client_redirect, decode};
use icp_patrol::rules::RuleSet;

use crate::support::*;

/// A small deterministic generator (the same inputs on every run).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() as usize) % items.len()]
    }
}

const PIECES: [&str; 40] = [
    "京ICP备",
    "ICP证",
    "B2-",
    "公网安备",
    "号",
    "-",
    "1",
    "2019",
    "16020626",
    "京",
    "蜀",
    "萌",
    "粤",
    " ",
    "\u{a0}",
    "\n",
    "<a href='https://beian.miit.gov.cn/'>",
    "</a>",
    "<footer>",
    "</footer>",
    "<div class=copyright>",
    "</div>",
    "<br>",
    "©",
    "版权所有",
    "Copyright",
    "<script>",
    "</script>",
    "<title>",
    "</title>",
    "<!--",
    "-->",
    "<template>",
    "<noscript>",
    "<meta http-equiv=refresh content='0;url=/x'>",
    "ＩＣＰ",
    "１２３",
    "𠀀",
    "<a onclick=\"window.open('",
    "')\">",
];

#[test]
fn random_pages_never_panic() {
    let rules = RuleSet::embedded();
    let url = url::Url::parse("http://fuzz.example.cn/").expect("url");
    let record = filing("fuzz.example.cn", "京ICP备16020626号-1");
    let mut rng = Lcg(std::env::var("FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(7));
    let rounds = std::env::var("FUZZ_ROUNDS").ok().and_then(|s| s.parse().ok()).unwrap_or(400);
    for round in 0..rounds {
        let bytes: Vec<u8> = if round % 4 == 0 {
            (0..(rng.next() % 3000)).map(|_| rng.next() as u8).collect()
        } else {
            (0..(rng.next() % 400)).map(|_| rng.pick(&PIECES)).collect::<String>().into_bytes()
        };
        let _ = client_redirect(&bytes);
        let text = decode(&bytes, None, Some(b"cn")).text;
        let facts = extract(&text, &url, &rules.provinces);
        let classification = classify(&facts, &rules);
        let input = CheckInput {
            host: "fuzz.example.cn",
            url: url.as_str(),
            page: PageState::Fetched { final_url: url.as_str(), redirects: &[] },
            facts: Some(&facts),
            classification: Some(&classification),
            dns: &[],
            filing: Some(&record),
            today: today(),
            rules: &rules,
            rendered: round % 2 == 0,
            unreadable: None,
        };
        let findings = checks::run(&input);
        assert!(!findings.is_empty(), "round {round}");
    }
}

/// The scan's time limit covers extraction: a page that arrives late and takes long to read is
/// `inconclusive` with the reason, never a finding. The page (3 MB of one-digit elements) takes about
/// ten seconds to extract in a debug build and well under one in a release build, so the test runs
/// in debug builds (as `cargo test` and CI run it).
#[cfg(debug_assertions)]
#[tokio::test]
async fn a_page_that_outlasts_the_scan_is_inconclusive_with_the_reason() {
    use icp_patrol::checks::Outcome;
    use icp_patrol::farm::Behaviour;
    use icp_patrol::fetch::FetchOptions;
    use std::time::Duration;

    let mut body = String::from("<body><footer>");
    while body.len() < 3_000_000 {
        body.push_str("<i>1</i>");
    }
    body.push_str("</footer></body>");
    let slow = Behaviour::Slow { delay: Duration::from_millis(2500), body: body.into_bytes() };
    let options = FetchOptions { total_timeout: Duration::from_secs(4), ..FetchOptions::default() };
    let f = farm_with(vec![("slow-read.example.cn", slow)], options).await;
    let record = filing("slow-read.example.cn", "京ICP备16020626号-1");
    let r = f.scan("http://slow-read.example.cn/", Some(&record)).await;
    let error = r.fetch.error.as_ref().expect("the scan says why it could not judge the page");
    assert_eq!(error.kind.as_str(), "extract_timeout", "{error:?}");
    for id in ["icp.missing", "icp.not_in_footer", "psb.missing", "site.placeholder"] {
        assert_eq!(outcome(&r, id), Outcome::Inconclusive, "{id}");
    }
    assert_ne!(r.verdict.status, icp_patrol::verdict::Status::Notice);
}
