//! Reports over a large store: N entries with 4 open findings each (default 25,000 entries = 100,000
//! findings) and their latest scans, then one report. Prints the time and the process's peak memory.
//!
//! `cargo bench --bench report -- --format xlsx|html|csv|jsonl [--entries 25000]`
//! (one format per run: peak memory is per process).

use std::time::Instant;

use icp_patrol::filing::FilingRecord;
use icp_patrol::report::{self, Filters, Format};
use icp_patrol::rules::RuleSet;
use icp_patrol::store::Store;
use sqlx::Connection;

fn arg(name: &str, default: &str) -> String {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned().unwrap_or_else(|| default.to_string())
}

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

const CHECKS: [&str; 4] = ["icp.link.missing", "psb.missing", "content.title_mismatch", "icp.format"];

fn main() {
    let entries: usize = arg("--entries", "25000").parse().expect("--entries N");
    let format = match arg("--format", "xlsx").as_str() {
        "html" => Format::Html,
        "csv" => Format::Csv,
        "jsonl" => Format::Jsonl,
        _ => Format::Xlsx,
    };
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    rt.block_on(async {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}", dir.path().join("report.db").display());
        let store = Store::connect(&url).await.expect("store");
        let template = include_str!("../tests/golden/notice.json");
        let started = Instant::now();
        let mut conn = sqlx::SqliteConnection::connect(&url).await.expect("bulk connection");
        let mut tx = conn.begin().await.expect("tx");
        for i in 0..entries {
            let domain = format!("site{i}.example.cn");
            let record = FilingRecord {
                domain: domain.clone(),
                site_number: "京ICP备16020626号-1".into(),
                principal: format!("示例科技{i}有限公司"),
                principal_type: "企业".into(),
                site_name: "示例科技官网".into(),
                approved_on: "2024-03-01".parse().expect("date"),
                opened_on: None,
                psb_code: None,
                license: None,
                preapprovals: vec![],
                provider: None,
                filed_ips: vec![],
            };
            sqlx::query("INSERT INTO filings (domain, record, province, status, imported_at, updated_at) VALUES (?, ?, '北京', 'active', 0, 0)")
                .bind(&domain)
                .bind(serde_json::to_string(&record).expect("json"))
                .execute(&mut *tx)
                .await
                .expect("filing");
            let result = template.replace("plain.example.cn", &domain);
            let scan_id: i64 = sqlx::query_scalar(
                "INSERT INTO scans (domain, target, scanned_at, verdict, scanner_version, rules_version, result) VALUES (?, ?, 0, 'notice', 'x', 'x', ?) RETURNING id",
            )
            .bind(&domain)
            .bind(&domain)
            .bind(&result)
            .fetch_one(&mut *tx)
            .await
            .expect("scan");
            for check in CHECKS {
                sqlx::query(
                    "INSERT INTO findings (domain, target, check_id, status, notice, first_seen, last_seen, consecutive, last_scan_id, evidence) \
                     VALUES (?, ?, ?, 'open', 'special_inspection', 1764300000000, 1764300000000, 2, ?, ?)",
                )
                .bind(&domain)
                .bind(&domain)
                .bind(check)
                .bind(scan_id)
                .bind(format!("{{\"excerpt\":\"备案号：京ICP备16020626号-1 站点{i}\",\"found\":\"京ICP备16020626号-1\"}}"))
                .execute(&mut *tx)
                .await
                .expect("finding");
            }
        }
        tx.commit().await.expect("commit");
        println!("store: {entries} entries, {} findings, filled in {:.1} s", entries * 4, started.elapsed().as_secs_f64());
        let rules = RuleSet::embedded();
        let out = dir.path().join("report.out");
        let t = Instant::now();
        let filters = Filters { status: "open".into(), ..Filters::default() };
        let r = report::collect(&store, &rules, &filters, "2026-11-28".parse().expect("date"), "bench").await.expect("collect");
        let collected = t.elapsed().as_secs_f64();
        report::write(&r, format, &out).expect("write");
        let size = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
        println!(
            "report/{format:?}: {} findings in {:.1} s (collect {collected:.1} s), {:.1} MiB written, peak RSS {:.0} MiB",
            r.summary.findings,
            t.elapsed().as_secs_f64(),
            size as f64 / 1048576.0,
            peak_rss_mib()
        );
    });
}
