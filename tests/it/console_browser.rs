//! The reviewer console in headless Chromium, driven over the DevTools protocol as a person would use
//! it: sign in, filter, open a site, mark a false positive, download the XLSX; a viewer's forged
//! decision, another site's form and a crawled script in a page title all change or run nothing;
//! wrong passwords lock an account. The browser reaches only the console and the test's hostile page.

use std::path::Path;
use std::time::Duration;

use calamine::Reader;
use icp_patrol::config::ConsoleSettings;
use icp_patrol::render::driver::DrivenPage;
use icp_patrol::state::{DecisionKind, Role};
use icp_patrol::store::{Actor, AuditEntry};

use crate::console::{PASSWORD, served};
use crate::reports::chromium;

/// Every row of every sheet of an XLSX file, as text.
pub(crate) fn findings_sheet(path: &Path) -> Vec<Vec<String>> {
    let mut book = calamine::open_workbook_auto(path).expect("an XLSX file");
    let names = book.sheet_names().to_vec();
    names
        .iter()
        .flat_map(|n| {
            let range = book.worksheet_range(n).expect("sheet");
            range.rows().map(|r| r.iter().map(|c| c.to_string()).collect::<Vec<_>>()).collect::<Vec<_>>()
        })
        .collect()
}

fn js_string(s: &str) -> String {
    serde_json::to_string(s).expect("json")
}

async fn sign_in(page: &mut DrivenPage, base: &str, name: &str, password: &str) -> String {
    page.goto(&format!("{base}/login")).await.expect("login page");
    page.act(&format!(
        "document.getElementById('name').value = {}; document.getElementById('password').value = {}; \
         document.getElementById('login').submit();",
        js_string(name),
        js_string(password)
    ))
    .await
    .expect("submit");
    page.text().await.expect("text")
}

/// A page of another site (another port of loopback) that posts a decision to the console as soon as it loads.
async fn hostile_site(console: &str, csrf: &str, check: &str) -> (std::net::SocketAddr, tokio::task::JoinHandle<()>) {
    let html = format!(
        "<!doctype html><html><body><form id=f method=post action=\"{console}/site/plain.example.cn/decide\">\
         <input name=csrf value=\"{csrf}\"><input name=target value=plain.example.cn><input name=check_id value=\"{check}\">\
         <input name=decision value=confirmed><input name=note value=forged></form>\
         <script>document.getElementById('f').submit()</script></body></html>"
    );
    let app = axum::Router::new().route("/", axum::routing::get(move || async move { axum::response::Html(html) }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (addr, task)
}

#[tokio::test]
async fn a_reviewer_works_in_the_console_in_a_real_browser() {
    let settings = ConsoleSettings { max_failed_logins: 3, ..ConsoleSettings::default() };
    let s = served(settings).await;
    let store = &s.world.store;
    let hash = icp_patrol::console::password::hash(PASSWORD.into()).await.expect("hash");
    store
        .add_user("temp1", Role::Reviewer, Some(&hash), &AuditEntry::new(&Actor::cli("test"), "user_added", "temp1"))
        .await
        .expect("user");
    let check = store.open_findings("plain.example.cn").await.expect("open").keys().min().cloned().expect("a finding");
    let browser = chromium().expect("Debian's chromium is needed for this test (tests/run installs it)");
    let chromium_path = which(browser);
    let downloads = tempfile::tempdir().expect("downloads");
    let reviewer = crate::console::login(&s.base, "reviewer1").await;
    let (evil, _evil_task) = hostile_site(&s.base, &reviewer.csrf, &check).await;
    let mut page = DrivenPage::open(&chromium_path, &[s.addr, evil], downloads.path()).await.expect("browser");

    // Wrong passwords lock the account: after three, the right one is refused too.
    for _ in 0..3 {
        let text = sign_in(&mut page, &s.base, "temp1", "not the password").await;
        assert!(text.contains("用户名或密码错误") || text.contains("锁定"), "{text}");
    }
    let text = sign_in(&mut page, &s.base, "temp1", PASSWORD).await;
    assert!(text.contains("锁定"), "locked: {text}");

    // Sign in, filter, open the site.
    let text = sign_in(&mut page, &s.base, "reviewer1", PASSWORD).await;
    assert!(text.contains("问题列表"), "signed in: {text}");
    page.act("document.getElementById('q').value = 'plain'; document.getElementById('filters').submit();")
        .await
        .expect("filter");
    let hosts = page
        .eval("Array.from(document.querySelectorAll('#findings a.site')).map(a => a.textContent)")
        .await
        .expect("hosts");
    let hosts: Vec<String> = serde_json::from_value(hosts).expect("strings");
    assert!(!hosts.is_empty() && hosts.iter().all(|h| h == "plain.example.cn"), "{hosts:?}");
    page.act("document.querySelector('#findings a.site').click()").await.expect("open the site");
    assert_eq!(page.eval("document.getElementById('site-title').textContent").await.expect("h1"), "plain.example.cn");

    // Mark the finding a false positive.
    page.act(&format!(
        "const row = document.querySelector('#site-findings tr[data-check={}]'); \
         const form = row.querySelector('form.decide'); form.decision.value = 'false_positive'; \
         form.note.value = '页脚已有链接（浏览器测试）'; form.submit();",
        js_string(&check)
    ))
    .await
    .expect("decide");
    let decisions = store.latest_decisions().await.expect("decisions");
    assert_eq!(decisions.len(), 1, "{decisions:?}");
    assert_eq!((decisions[0].decision, decisions[0].decided_by.as_str()), (DecisionKind::FalsePositive, "reviewer1"));
    assert!(page.text().await.expect("text").contains("误报"), "the page shows the decision");

    // Download the XLSX of the list; the decision is in it.
    page.goto(&format!("{}/findings?status=all", s.base)).await.expect("list");
    page.eval("document.getElementById('download-xlsx').click()").await.expect("click");
    let file = page.wait_for_download(downloads.path(), Duration::from_secs(20)).await.expect("download");
    let rows = findings_sheet(&file);
    let row = rows.iter().find(|r| r.iter().any(|c| c == &check) && r.iter().any(|c| c == "plain.example.cn"));
    assert!(row.is_some_and(|r| r.iter().any(|c| c.contains("reviewer1"))), "the XLSX shows the decision: {row:?}");

    // A crawled title with a script and an event handler runs nothing: it is shown as text.
    page.goto(&format!("{}/site/hostile.example.cn", s.base)).await.expect("hostile site");
    let pwned = page.eval("document.body.getAttribute('data-pwned')").await.expect("attr");
    assert!(pwned.is_null(), "nothing crawled ran: {pwned}");
    let shown = page.eval("document.querySelector('.page-title').textContent").await.expect("title");
    assert!(shown.as_str().is_some_and(|t| t.contains("<script>") && t.contains("onerror")), "{shown}");
    assert_eq!(page.eval("document.title").await.expect("title"), "hostile.example.cn · icp-patrol");
    assert_eq!(page.eval("document.querySelectorAll('img[src=x]').length").await.expect("imgs"), 0);

    // Another site's page posts a decision with the reviewer's own token: refused, nothing stored.
    page.goto(&format!("http://{evil}/")).await.expect("hostile page");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let text = page.text().await.expect("text");
    assert!(text.contains("请求被拒绝"), "the cross-site post was refused: {text}");
    assert_eq!(store.latest_decisions().await.expect("decisions").len(), 1);

    // A viewer who forges the decision form is refused.
    page.goto(&format!("{}/findings", s.base)).await.expect("list");
    page.act("document.querySelector('form[action=\"/logout\"]').submit()").await.expect("logout");
    let text = sign_in(&mut page, &s.base, "viewer1", PASSWORD).await;
    assert!(text.contains("问题列表"), "{text}");
    page.goto(&format!("{}/site/plain.example.cn", s.base)).await.expect("site");
    assert_eq!(page.eval("document.querySelectorAll('form.decide').length").await.expect("forms"), 0);
    page.act(&format!(
        "const f = document.createElement('form'); f.method = 'post'; f.action = '/site/plain.example.cn/decide'; \
         const add = (n, v) => {{ const i = document.createElement('input'); i.name = n; i.value = v; f.appendChild(i); }}; \
         add('csrf', document.querySelector('input[name=csrf]').value); add('target', 'plain.example.cn'); \
         add('check_id', {}); add('decision', 'confirmed'); add('note', 'viewer'); document.body.appendChild(f); f.submit();",
        js_string(&check)
    ))
    .await
    .expect("forged");
    assert!(page.text().await.expect("text").contains("权限不足"));
    let decisions = store.latest_decisions().await.expect("decisions");
    assert_eq!((decisions.len(), decisions[0].decided_by.as_str()), (1, "reviewer1"));
    // Chromium's own background requests (its network-time and account services) went to the black hole
    // on loopback and were refused there: the proxy setting leaves them nowhere else to go.
    tracing::debug!(refused = page.escaped_connections(), "the browser's own requests");
}

fn which(program: &str) -> std::path::PathBuf {
    std::env::var_os("PATH")
        .and_then(|paths| std::env::split_paths(&paths).map(|d| d.join(program)).find(|p| p.is_file()))
        .unwrap_or_else(|| std::path::PathBuf::from(program))
}
