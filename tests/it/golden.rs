//! Golden results for a few farm sites: the whole JSON, with times, durations and versions
//! redacted, compared with `tests/golden/*.json` and read back into the typed result.
//! `UPDATE_GOLDEN=1 cargo test golden` rewrites the files after a deliberate change.

use std::path::Path;

use icp_patrol::farm::Behaviour;
use icp_patrol::filing::FilingRecord;
use icp_patrol::result::ScanResult;
use serde_json::Value;

use crate::support::*;

fn redact(mut v: Value) -> Value {
    v["scanned_at"] = Value::from("2000-01-01T00:00:00Z");
    v["fetch"]["elapsed_ms"] = Value::from(0);
    if let Some(addr) = v["fetch"]["remote_address"].as_str().and_then(|a| a.parse::<std::net::SocketAddr>().ok()) {
        v["fetch"]["remote_address"] = Value::from(std::net::SocketAddr::new(addr.ip(), 0).to_string());
    }
    v["versions"]["scanner"] = Value::from("<version>");
    v["versions"]["rules"] = Value::from("0".repeat(64));
    v
}

fn compare(name: &str, result: &ScanResult) {
    let actual = redact(serde_json::to_value(result).expect("serialises"));
    crate::cli::assert_valid(&actual);
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(format!("{name}.json"));
    let pretty = serde_json::to_string_pretty(&actual).expect("pretty") + "\n";
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().expect("dir")).expect("mkdir");
        std::fs::write(&path, &pretty).expect("write golden");
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("{} missing: run with UPDATE_GOLDEN=1", path.display()));
    let expected_value: Value = serde_json::from_str(&expected).expect("golden is JSON");
    let expected_pretty = serde_json::to_string_pretty(&expected_value).expect("pretty")
        + "
";
    assert!(
        actual == expected_value,
        "{name} differs from {}:
{}",
        path.display(),
        first_difference(&pretty, &expected_pretty)
    );
    let _typed: ScanResult = serde_json::from_value(expected_value).expect("golden reads back into ScanResult");
}

fn first_difference(actual: &str, expected: &str) -> String {
    let line = actual.lines().zip(expected.lines()).position(|(a, e)| a != e).unwrap_or(0);
    let show = |t: &str| t.lines().skip(line.saturating_sub(3)).take(7).collect::<Vec<_>>().join("\n");
    format!("actual (from line {line}):\n{}\nexpected:\n{}", show(actual), show(expected))
}

#[tokio::test]
async fn golden_results() {
    let num = "京ICP备16020626号-1";
    let compliant = format!(
        "<p>© 2024 北京示例科技有限公司 版权所有</p><p>{} {}</p>",
        linked(num),
        psb_linked("京公网安备", "11010502000001")
    );
    let f = farm(vec![
        ("good.example.cn", page(&compliant)),
        ("plain.example.cn", page(&format!("<p>备案号：{num}</p>"))),
        ("down.example.cn", Behaviour::Status { code: 502, body: "Bad Gateway".into() }),
    ])
    .await;
    let record = |d: &str| FilingRecord { psb_code: Some("11010502000001".into()), ..filing(d, num) };
    compare("compliant", &f.scan("good.example.cn", Some(&record("good.example.cn"))).await);
    compare("notice", &f.scan("plain.example.cn", Some(&record("plain.example.cn"))).await);
    compare("unreachable", &f.scan("down.example.cn", Some(&record("down.example.cn"))).await);
    // The same good page without a filing record: the checks that compare with it are skipped, and
    // the verdict says so instead of claiming compliance.
    let unknown = f.scan("good.example.cn", None).await;
    assert_eq!(unknown.verdict.status, icp_patrol::verdict::Status::NoRecord);
    assert_eq!(unknown.exit_code(), 2);
    compare("no_record", &unknown);
}
