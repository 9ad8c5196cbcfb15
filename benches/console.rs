//! The reviewer console's page time with a provider's worth of open findings in PostgreSQL, measured
//! as users meet it: `icp-patrol serve` as a process, pages fetched over loopback HTTP by a signed-in
//! viewer.
//!
//!     cargo bench --bench console -- [--findings 100000] [--rounds 50]
//!
//! Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust; `tests/run` starts it). Creates and drops
//! its own database.

use std::time::{Duration, Instant};

use sqlx::Connection;

const ADMIN: &str = "postgres://postgres@127.0.0.1:5432/postgres";

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok()).unwrap_or(default)
}

async fn fill(url: &str, findings: usize) {
    let mut conn = sqlx::PgConnection::connect(url).await.expect("bench database");
    // 10 findings per filed domain over 34 provinces' worth of names; a tenth decided.
    let domains = findings.div_ceil(10);
    let record = r#"{"domain":"d' || g || '.example.cn","site_number":"京ICP备16020626号-1","principal":"示例公司' || g || '","principal_type":"企业","site_name":"示例站' || g || '","approved_on":"2024-05-01","provider":"p1"}"#;
    let filings = format!(
        "INSERT INTO filings (domain, record, province, provider, status, imported_at, updated_at) \
         SELECT 'd' || g || '.example.cn', '{record}', (ARRAY['北京','江苏','广东','浙江','上海'])[1 + g % 5], 'p1', 'active', 0, 0 \
         FROM generate_series(1, {domains}) g"
    );
    sqlx::query(sqlx::AssertSqlSafe(filings)).execute(&mut conn).await.expect("filings");
    let now = chrono::Utc::now().timestamp_millis();
    let rows = format!(
        "INSERT INTO findings (domain, target, check_id, status, notice, first_seen, last_seen, consecutive, last_scan_id, evidence, alerted_at) \
         SELECT 'd' || (g / 10 + 1) || '.example.cn', 'd' || (g / 10 + 1) || '.example.cn', 'check.' || (g % 10), 'open', \
         (ARRAY['special_inspection','change_filing','none'])[1 + g % 3], {now} - g * 1000, {now} - g * 100, 1 + g % 7, g, \
         '{{\"excerpt\":\"京ICP备16020626号-1\",\"found\":\"京ICP备16020626号-1\"}}', {now} \
         FROM generate_series(0, {}) g",
        findings - 1
    );
    sqlx::query(sqlx::AssertSqlSafe(rows)).execute(&mut conn).await.expect("findings");
    let decisions = format!(
        "INSERT INTO decisions (domain, target, check_id, decision, note, decided_by, decided_at, fingerprint) \
         SELECT domain, target, check_id, 'confirmed', 'bench', 'lead', {now}, 'x' FROM findings WHERE id % 10 = 0"
    );
    sqlx::query(sqlx::AssertSqlSafe(decisions)).execute(&mut conn).await.expect("decisions");
    sqlx::query("ANALYZE").execute(&mut conn).await.expect("analyze");
}

fn cookie(answer: &reqwest::Response, name: &str) -> String {
    answer
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .and_then(|v| v.split(';').next())
        .expect("cookie")
        .to_string()
}

async fn body(mut answer: reqwest::Response) -> String {
    let mut out = Vec::new();
    while let Some(chunk) = answer.chunk().await.expect("body") {
        out.extend_from_slice(&chunk);
    }
    String::from_utf8(out).expect("utf-8")
}

fn median_and_p95(mut times: Vec<Duration>) -> (f64, f64) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    (ms(times[times.len() / 2]), ms(times[(times.len() * 95 / 100).min(times.len() - 1)]))
}

#[tokio::main]
async fn main() {
    let findings = arg("--findings", 100_000);
    let rounds = arg("--rounds", 50);
    let name = format!("icp_patrol_bench_console_{}", std::process::id());
    let mut admin =
        sqlx::PgConnection::connect(ADMIN).await.expect("PostgreSQL on 127.0.0.1:5432 (tests/run starts it)");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&mut admin).await.expect("create");
    let url = format!("postgres://postgres@127.0.0.1:5432/{name}");
    let exe = env!("CARGO_BIN_EXE_icp-patrol");
    let migrate =
        std::process::Command::new(exe).args(["--database", &url, "db", "migrate"]).output().expect("migrate");
    assert!(migrate.status.success(), "{}", String::from_utf8_lossy(&migrate.stderr));
    let started = Instant::now();
    fill(&url, findings).await;
    eprintln!("{findings} open findings stored in {:.1} s", started.elapsed().as_secs_f64());
    let mut add = std::process::Command::new(exe)
        .args(["--database", &url, "user", "add", "bench", "--role", "viewer", "--password-stdin"])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .expect("user add");
    std::io::Write::write_all(add.stdin.as_mut().expect("stdin"), b"bench password 1\n").expect("password");
    assert!(add.wait().expect("user add").success());
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("port").local_addr().expect("addr").port();
    let mut serve = tokio::process::Command::new(exe)
        .args(["--database", &url, "serve", "--listen", &format!("127.0.0.1:{port}")])
        .env_remove("http_proxy")
        .env_remove("HTTP_PROXY")
        .kill_on_drop(true)
        .spawn()
        .expect("serve");
    let base = format!("http://127.0.0.1:{port}");
    let client =
        reqwest::Client::builder().no_proxy().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    let form = loop {
        match client.get(format!("{base}/login")).send().await {
            Ok(answer) => break answer,
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    };
    let login_cookie = cookie(&form, "icp_login");
    let page = body(form).await;
    let token =
        page.split("name=\"token\" value=\"").nth(1).and_then(|t| t.split('"').next()).expect("token").to_string();
    let login_body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs([("name", "bench"), ("password", "bench password 1"), ("token", &token)])
        .finish();
    let answer = client
        .post(format!("{base}/login"))
        .header(reqwest::header::COOKIE, login_cookie)
        .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(login_body)
        .send()
        .await
        .expect("login");
    let session = cookie(&answer, "icp_session");
    println!("console page time, {findings} open findings in PostgreSQL, 50 per page, {rounds} rounds each:");
    for (what, path) in [
        ("first page, open findings", "/findings"),
        ("page 1000 (OFFSET 49,950)", "/findings?page=1000"),
        ("province 江苏", "/findings?province=%E6%B1%9F%E8%8B%8F"),
        ("undecided special inspections", "/findings?notice=special_inspection&decision=undecided"),
        ("new (never resolved before)", "/findings?change=new"),
        ("one site's page", "/site/d4242.example.cn"),
    ] {
        let mut times = Vec::with_capacity(rounds);
        for _ in 0..rounds {
            let t = Instant::now();
            let answer = client
                .get(format!("{base}{path}"))
                .header(reqwest::header::COOKIE, &session)
                .send()
                .await
                .expect("page");
            assert_eq!(answer.status(), reqwest::StatusCode::OK, "{path}");
            let text = body(answer).await;
            times.push(t.elapsed());
            assert!(text.contains("example.cn"), "{path} shows findings");
        }
        let (median, p95) = median_and_p95(times);
        println!("  {what:<34} median {median:7.1} ms   p95 {p95:7.1} ms");
    }
    let _ = serve.kill().await;
    drop(admin);
    let mut admin = sqlx::PgConnection::connect(ADMIN).await.expect("admin");
    sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE {name} WITH (FORCE)")))
        .execute(&mut admin)
        .await
        .expect("drop");
}
