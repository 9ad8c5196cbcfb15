//! The reviewer console over real HTTP on loopback: roles on every route, CSRF and cross-site posts,
//! lockouts, the identity proxy, the audit trail, downloads, and one code path with the command line.

use std::net::SocketAddr;
use std::sync::Arc;

use icp_patrol::config::ConsoleSettings;
use icp_patrol::console::{Console, password};
use icp_patrol::rules::RuleSet;
use icp_patrol::state::Role;
use icp_patrol::store::{Actor, AuditEntry, Store};
use reqwest::StatusCode;
use tokio_util::sync::CancellationToken;

use crate::db::Kind;
use crate::reports::{World, novels_world, world, world_on};

pub(crate) const PASSWORD: &str = "correct horse battery";

pub(crate) struct Served {
    pub(crate) world: World,
    pub(crate) base: String,
    pub(crate) addr: SocketAddr,
    _stop: tokio_util::sync::DropGuard,
}

/// The reports' world (three scanned sites), three accounts (`viewer1`, `reviewer1`, `lead1`) and a
/// console on a loopback port.
pub(crate) async fn served(settings: ConsoleSettings) -> Served {
    served_on(Kind::Sqlite, settings).await
}

pub(crate) async fn served_on(kind: Kind, settings: ConsoleSettings) -> Served {
    served_world(world_on(kind).await, settings).await
}

/// A console on `world`, with the three accounts.
async fn served_world(world: World, settings: ConsoleSettings) -> Served {
    let actor = Actor::cli("test");
    for (name, role) in [("viewer1", Role::Viewer), ("reviewer1", Role::Reviewer), ("lead1", Role::Lead)] {
        let hash = password::hash(PASSWORD.into()).await.expect("hash");
        world
            .store
            .add_user(name, role, Some(&hash), &AuditEntry::new(&actor, "user_added", name))
            .await
            .expect("user");
    }
    let (base, addr, stop) = serve(&world.store, settings).await;
    Served { world, base, addr, _stop: stop }
}

pub(crate) async fn serve(
    store: &Store,
    settings: ConsoleSettings,
) -> (String, SocketAddr, tokio_util::sync::DropGuard) {
    let console = Console::new(store.clone(), Arc::new(RuleSet::embedded()), settings).await.expect("console");
    let stop = CancellationToken::new();
    let addr =
        icp_patrol::console::serve(console, "127.0.0.1:0".parse().expect("addr"), stop.clone()).await.expect("serve");
    (format!("http://{addr}"), addr, stop.drop_guard())
}

pub(crate) fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().redirect(reqwest::redirect::Policy::none()).build().expect("client")
}

/// Our own console's answers, read with a bound like every other body (clippy refuses reqwest's
/// unbounded readers).
pub(crate) trait Body {
    async fn body_bytes(self) -> Vec<u8>;
    async fn body_text(self) -> String;
}

impl Body for reqwest::Response {
    async fn body_bytes(mut self) -> Vec<u8> {
        let mut out = Vec::new();
        while let Some(chunk) = self.chunk().await.expect("body") {
            out.extend_from_slice(&chunk);
            assert!(out.len() < 64 << 20, "an answer of the console over 64 MiB");
        }
        out
    }

    async fn body_text(self) -> String {
        String::from_utf8(self.body_bytes().await).expect("UTF-8")
    }
}

/// A form post's body (reqwest is built without its `form` feature).
pub(crate) trait FormPost {
    fn form_of(self, pairs: &[(&str, &str)]) -> Self;
}

impl FormPost for reqwest::RequestBuilder {
    fn form_of(self, pairs: &[(&str, &str)]) -> Self {
        let body = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish();
        self.header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded").body(body)
    }
}

fn cookie_of(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| v.split(';').next().unwrap_or_default().to_string())
}

fn field(html: &str, name: &str) -> String {
    let pattern = regex::Regex::new(&format!(r#"name="{name}" value="([^"]*)""#)).expect("pattern");
    pattern.captures(html).map(|c| c[1].to_string()).unwrap_or_else(|| panic!("no {name} field in:\n{html}"))
}

/// A signed-in account: its session cookie and its form token.
pub(crate) struct Session {
    pub(crate) cookie: String,
    pub(crate) csrf: String,
}

/// Tries a login; the answer as it came.
async fn try_login(base: &str, name: &str, password: &str) -> reqwest::Response {
    let c = client();
    let form = c.get(format!("{base}/login")).send().await.expect("login page");
    let login_cookie = cookie_of(&form, "icp_login").expect("login cookie");
    let token = field(&form.body_text().await, "token");
    c.post(format!("{base}/login"))
        .header(reqwest::header::COOKIE, login_cookie)
        .form_of(&[("name", name), ("password", password), ("token", token.as_str())])
        .send()
        .await
        .expect("login")
}

pub(crate) async fn login(base: &str, name: &str) -> Session {
    let answer = try_login(base, name, PASSWORD).await;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER, "{name} signs in");
    let cookie = cookie_of(&answer, "icp_session").expect("session cookie");
    let page =
        client().get(format!("{base}/findings")).header(reqwest::header::COOKIE, &cookie).send().await.expect("page");
    let csrf = field(&page.body_text().await, "csrf");
    Session { cookie, csrf }
}

impl Session {
    async fn get(&self, base: &str, path: &str) -> reqwest::Response {
        client().get(format!("{base}{path}")).header(reqwest::header::COOKIE, &self.cookie).send().await.expect("get")
    }

    async fn post(&self, base: &str, path: &str, form: &[(&str, &str)], headers: &[(&str, &str)]) -> reqwest::Response {
        let mut request = client().post(format!("{base}{path}")).header(reqwest::header::COOKIE, &self.cookie);
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        let mut all: Vec<(&str, &str)> = vec![("csrf", self.csrf.as_str())];
        all.extend_from_slice(form);
        request.form_of(&all).send().await.expect("post")
    }
}

/// The check id of one open finding of plain.example.cn (its number is not linked).
async fn open_check(store: &Store) -> String {
    let open = store.open_findings("plain.example.cn").await.expect("findings");
    open.keys().min().cloned().expect("plain.example.cn has an open finding")
}

/// A route as the role test tries it: method, path, form, the least role allowed.
type Route<'a> = (&'a str, &'a str, Vec<(&'a str, &'a str)>, Role);

#[tokio::test]
async fn every_route_enforces_its_role_on_the_server() {
    let s = served(ConsoleSettings::default()).await;
    let check = open_check(&s.world.store).await;
    let decide: Vec<(&str, &str)> =
        vec![("target", "plain.example.cn"), ("check_id", &check), ("decision", "confirmed"), ("note", "核实")];
    // (method, path, form, the least role allowed)
    let routes: Vec<Route> = vec![
        ("GET", "/findings", vec![], Role::Viewer),
        ("GET", "/findings/latest", vec![], Role::Viewer),
        ("GET", "/site/plain.example.cn", vec![], Role::Viewer),
        ("GET", "/reports/csv", vec![], Role::Viewer),
        ("GET", "/audit", vec![], Role::Lead),
        ("GET", "/audit.csv", vec![], Role::Lead),
        ("GET", "/users", vec![], Role::Lead),
        ("POST", "/site/plain.example.cn/decide", decide.clone(), Role::Reviewer),
        ("POST", "/site/plain.example.cn/notice", vec![("kind", "special_inspection")], Role::Reviewer),
        ("POST", "/site/plain.example.cn/extend", vec![("kind", "special_inspection"), ("days", "1")], Role::Reviewer),
        ("POST", "/decisions/1/undo", vec![], Role::Lead),
        ("POST", "/users", vec![("name", "new1"), ("role", "viewer"), ("password", PASSWORD)], Role::Lead),
        ("POST", "/users/new1", vec![("action", "enable")], Role::Lead),
    ];
    // Signed out: every route but the login page sends to it.
    for (method, path, form, _) in &routes {
        let c = client();
        let answer = if *method == "GET" {
            c.get(format!("{}{path}", s.base)).send().await
        } else {
            c.post(format!("{}{path}", s.base)).form_of(form).send().await
        }
        .expect("answer");
        assert_eq!(answer.status(), StatusCode::SEE_OTHER, "{method} {path} signed out");
        assert_eq!(answer.headers()[reqwest::header::LOCATION], "/login", "{method} {path} signed out");
    }
    for (name, role) in [("viewer1", Role::Viewer), ("reviewer1", Role::Reviewer), ("lead1", Role::Lead)] {
        let session = login(&s.base, name).await;
        for (method, path, form, least) in &routes {
            let answer = if *method == "GET" {
                session.get(&s.base, path).await
            } else {
                session.post(&s.base, path, form, &[]).await
            };
            let status = answer.status();
            if role.includes(*least) {
                assert!(
                    status != StatusCode::FORBIDDEN && status != StatusCode::UNAUTHORIZED,
                    "{name} may {method} {path}: {status}"
                );
                assert!(!status.is_server_error(), "{name} {method} {path}: {status} {}", answer.body_text().await);
            } else {
                assert_eq!(status, StatusCode::FORBIDDEN, "{name} may not {method} {path}");
            }
        }
    }
    // The viewer's attempt left nothing behind; the reviewer's decision is there, by name.
    let decisions = s.world.store.latest_decisions().await.expect("decisions");
    assert!(decisions.iter().all(|d| d.decided_by != "viewer1"));
    assert!(decisions.iter().any(|d| d.decided_by == "reviewer1" || d.decided_by == "lead1"));
}

#[tokio::test]
async fn a_cross_site_post_or_a_missing_token_changes_nothing() {
    let s = served(ConsoleSettings::default()).await;
    let check = open_check(&s.world.store).await;
    let reviewer = login(&s.base, "reviewer1").await;
    let form =
        [("target", "plain.example.cn"), ("check_id", check.as_str()), ("decision", "false_positive"), ("note", "x")];
    let path = "/site/plain.example.cn/decide";
    for headers in [
        vec![("Origin", "http://evil.example")],
        vec![("Origin", "null")],
        vec![("Sec-Fetch-Site", "cross-site")],
        vec![("Sec-Fetch-Site", "same-site")],
    ] {
        let answer = reviewer.post(&s.base, path, &form, &headers).await;
        assert_eq!(answer.status(), StatusCode::FORBIDDEN, "{headers:?}");
    }
    let forged = Session { cookie: reviewer.cookie.clone(), csrf: "guessed".into() };
    assert_eq!(forged.post(&s.base, path, &form, &[]).await.status(), StatusCode::FORBIDDEN, "a wrong token");
    let answer = client()
        .post(format!("{}{path}", s.base))
        .header(reqwest::header::COOKIE, &reviewer.cookie)
        .form_of(&form)
        .send()
        .await
        .expect("post");
    assert_eq!(answer.status(), StatusCode::UNPROCESSABLE_ENTITY, "no token at all is not a decision either");
    assert!(s.world.store.latest_decisions().await.expect("decisions").is_empty(), "nothing stored");
    // The same form from the console's own page goes through.
    let own = [("Origin", s.base.as_str()), ("Sec-Fetch-Site", "same-origin")];
    assert_eq!(reviewer.post(&s.base, path, &form, &own).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(s.world.store.latest_decisions().await.expect("decisions").len(), 1);
}

#[tokio::test]
async fn wrong_passwords_lock_the_account_and_every_attempt_is_audited() {
    let settings = ConsoleSettings { max_failed_logins: 3, ..ConsoleSettings::default() };
    let s = served(settings).await;
    for _ in 0..3 {
        let answer = try_login(&s.base, "reviewer1", "not the password").await;
        assert_eq!(answer.status(), StatusCode::UNAUTHORIZED);
    }
    let answer = try_login(&s.base, "reviewer1", PASSWORD).await;
    assert_eq!(answer.status(), StatusCode::UNAUTHORIZED, "locked: even the right password is refused");
    assert!(answer.body_text().await.contains("锁定"), "the page says the account is locked");
    let (audit, _) = s.world.store.audit_page(0, 100).await.expect("audit");
    let failed: Vec<_> = audit.iter().filter(|r| r.action == "login_failed" && r.actor == "reviewer1").collect();
    assert_eq!(failed.len(), 4);
    assert!(failed.iter().all(|r| r.via == "console" && r.address.as_deref() == Some("127.0.0.1")));
    // A lead (here: the command line) lifts the lock.
    let out = s.world.cli(&["user", "enable", "reviewer1"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    login(&s.base, "reviewer1").await;
    let (audit, _) = s.world.store.audit_page(0, 100).await.expect("audit");
    assert!(audit.iter().any(|r| r.action == "user_enabled" && r.via == "cli"));
    assert!(audit.iter().any(|r| r.action == "login" && r.actor == "reviewer1"));
}

#[tokio::test]
async fn one_address_guessing_across_accounts_is_held() {
    let settings = ConsoleSettings { address_attempts: 3, ..ConsoleSettings::default() };
    let s = served(settings).await;
    for name in ["a", "b", "c"] {
        assert_eq!(try_login(&s.base, name, "x").await.status(), StatusCode::UNAUTHORIZED);
    }
    assert_eq!(try_login(&s.base, "lead1", PASSWORD).await.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn sessions_are_strict_http_only_cookies_and_pages_carry_a_strict_policy() {
    let s =
        served(ConsoleSettings { public_url: Some("https://console.example.cn/".into()), ..Default::default() }).await;
    let answer = try_login(&s.base, "viewer1", PASSWORD).await;
    let set: Vec<String> = answer
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().expect("ascii").to_string())
        .collect();
    let session = set.iter().find(|c| c.starts_with("icp_session=")).expect("session cookie");
    for flag in ["HttpOnly", "SameSite=Strict", "Secure", "Max-Age=43200"] {
        assert!(session.contains(flag), "{flag} in {session}");
    }
    let page = client().get(format!("{}/login", s.base)).send().await.expect("page");
    let csp = page.headers()[reqwest::header::CONTENT_SECURITY_POLICY].to_str().expect("csp").to_string();
    assert!(
        csp.contains("default-src 'none'") && csp.contains("script-src 'self'") && !csp.contains("unsafe"),
        "{csp}"
    );
    assert_eq!(page.headers()["x-frame-options"], "DENY");
    // A cookie with another signature is no session.
    let forged = session.split(';').next().expect("pair").replace('.', ".x");
    let answer =
        client().get(format!("{}/findings", s.base)).header(reqwest::header::COOKIE, forged).send().await.expect("get");
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_identity_proxy_is_believed_only_from_its_address() {
    let world = world().await;
    let hash = None;
    let actor = Actor::cli("test");
    world
        .store
        .add_user("proxied", Role::Viewer, hash, &AuditEntry::new(&actor, "user_added", "proxied"))
        .await
        .expect("user");
    let trusted = ConsoleSettings {
        identity_header: Some("X-Remote-User".into()),
        trusted_proxies: vec!["127.0.0.0/8".parse().expect("net")],
        ..ConsoleSettings::default()
    };
    let (base, _, _stop) = serve(&world.store, trusted.clone()).await;
    let get = |base: String, user: &'static str| async move {
        client().get(format!("{base}/findings")).header("X-Remote-User", user).send().await.expect("get").status()
    };
    assert_eq!(get(base.clone(), "proxied").await, StatusCode::OK);
    assert_eq!(get(base.clone(), "nobody").await, StatusCode::FORBIDDEN, "an account the store does not have");
    // A proxy-only account cannot sign in with a password.
    assert_eq!(try_login(&base, "proxied", "").await.status(), StatusCode::UNAUTHORIZED);
    let elsewhere = ConsoleSettings { trusted_proxies: vec!["10.0.0.0/8".parse().expect("net")], ..trusted };
    let (base, _, _stop2) = serve(&world.store, elsewhere).await;
    assert_eq!(get(base, "proxied").await, StatusCode::SEE_OTHER, "the header from an untrusted address is ignored");
}

#[tokio::test]
async fn console_and_command_line_share_decisions_notices_and_the_audit_trail() {
    let s = served(ConsoleSettings::default()).await;
    let check = open_check(&s.world.store).await;
    let reviewer = login(&s.base, "reviewer1").await;
    let form = [
        ("target", "plain.example.cn"),
        ("check_id", check.as_str()),
        ("decision", "false_positive"),
        ("note", "页脚有号码"),
    ];
    assert_eq!(
        reviewer.post(&s.base, "/site/plain.example.cn/decide", &form, &[]).await.status(),
        StatusCode::SEE_OTHER
    );
    // The command line's report reads the console's decision.
    let entries = s.world.entries(&["--status", "all"]).await;
    let row = entries
        .iter()
        .flat_map(|e| &e.set_apart)
        .find(|r| r.target == "plain.example.cn" && r.check_id == check)
        .expect("the false positive is set apart in the report");
    assert!(row.decision.as_deref().is_some_and(|d| d.contains("reviewer1")), "{:?}", row.decision);
    // A waiver without its last day is refused alike by both, with the same words.
    let waive = [("target", "plain.example.cn"), ("check_id", check.as_str()), ("decision", "waived"), ("note", "x")];
    let answer = reviewer.post(&s.base, "/site/plain.example.cn/decide", &waive, &[]).await;
    assert_eq!(answer.status(), StatusCode::BAD_REQUEST);
    assert!(answer.body_text().await.contains("a waiver needs its last day"));
    let out = s.world.cli(&["review", "plain.example.cn", &check, "--decision", "waived", "--note", "x"]).await;
    assert!(String::from_utf8_lossy(&out.stderr).contains("a waiver needs its last day"));
    // A lead undoes the decision; the report no longer shows it.
    let lead = login(&s.base, "lead1").await;
    let id = s.world.store.decisions_of("plain.example.cn").await.expect("decisions")[0].id;
    let answer = lead.post(&s.base, &format!("/decisions/{id}/undo"), &[("host", "plain.example.cn")], &[]).await;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    assert!(s.world.store.latest_decisions().await.expect("decisions").is_empty());
    assert_eq!(lead.post(&s.base, &format!("/decisions/{id}/undo"), &[], &[]).await.status(), StatusCode::CONFLICT);
    // A notice recorded in the console is the command line's open notice: a second one is refused there.
    let answer = reviewer.post(&s.base, "/site/plain.example.cn/notice", &[("kind", "special_inspection")], &[]).await;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    let out = s.world.cli(&["notice", "sent", "plain.example.cn", "--kind", "special_inspection"]).await;
    assert_eq!(out.status.code(), Some(65), "{}", String::from_utf8_lossy(&out.stderr));
    // The trail: who, how, from where, before and after.
    let (audit, _) = s.world.store.audit_page(0, 100).await.expect("audit");
    let decided = audit.iter().find(|r| r.action == "decision").expect("decision audited");
    assert_eq!((decided.actor.as_str(), decided.via.as_str()), ("reviewer1", "console"));
    assert_eq!(decided.address.as_deref(), Some("127.0.0.1"));
    assert!(decided.after.as_deref().is_some_and(|a| a.contains("false_positive")));
    let undone = audit.iter().find(|r| r.action == "decision_undone").expect("undo audited");
    assert_eq!(undone.actor, "lead1");
    assert!(undone.before.as_deref().is_some_and(|b| b.contains("reviewer1")));
    assert!(audit.iter().any(|r| r.action == "notice_sent" && r.actor == "reviewer1"));
    // The lead reads it in the console and as CSV.
    let page = lead.get(&s.base, "/audit").await.body_text().await;
    assert!(page.contains("decision_undone") && page.contains("reviewer1"));
    let csv = lead.get(&s.base, "/audit.csv").await.body_text().await;
    assert!(csv.lines().count() > 3 && csv.contains("notice_sent"));
}

#[tokio::test]
async fn the_list_filters_and_downloads_the_same_report_as_the_command_line() {
    let s = served(ConsoleSettings::default()).await;
    let viewer = login(&s.base, "viewer1").await;
    let all = viewer.get(&s.base, "/findings").await.body_text().await;
    assert!(all.contains("plain.example.cn"));
    let filtered = viewer.get(&s.base, "/findings?q=hostile&status=all").await.body_text().await;
    assert!(!filtered.contains("href=\"/site/plain.example.cn\""), "the host filter left plain.example.cn out");
    let none = viewer.get(&s.base, "/findings?province=%E6%B1%9F%E8%8B%8F").await.body_text().await;
    assert!(none.contains("没有符合条件的问题"), "no 江苏 findings");
    assert_eq!(viewer.get(&s.base, "/findings?status=bogus").await.status(), StatusCode::BAD_REQUEST);
    assert_eq!(viewer.get(&s.base, "/findings?entity=nobody").await.status(), StatusCode::NOT_FOUND);
    let xlsx = viewer.get(&s.base, "/reports/xlsx").await;
    assert_eq!(xlsx.status(), StatusCode::OK);
    assert!(xlsx.headers()[reqwest::header::CONTENT_DISPOSITION].to_str().expect("ascii").contains(".xlsx"));
    let bytes = xlsx.body_bytes().await;
    let path = s.world.dir.path().join("console.xlsx");
    std::fs::write(&path, &bytes).expect("write");
    let sheets = crate::console_browser::findings_sheet(&path);
    assert!(sheets.iter().any(|row| row.iter().any(|c| c == "plain.example.cn")), "the report lists plain.example.cn");
    let csv = viewer.get(&s.base, "/reports/csv?q=plain").await.body_text().await;
    assert!(csv.contains("plain.example.cn"));
}

#[tokio::test]
async fn on_postgresql_the_list_filters_in_the_database_and_decisions_round_trip() {
    let s = served_on(Kind::Postgres, ConsoleSettings::default()).await;
    let check = open_check(&s.world.store).await;
    let reviewer = login(&s.base, "reviewer1").await;
    let list = |q: &'static str| {
        let (base, cookie) = (s.base.clone(), reviewer.cookie.clone());
        async move {
            let answer =
                client().get(format!("{base}/findings{q}")).header(reqwest::header::COOKIE, cookie).send().await;
            let answer = answer.expect("list");
            assert_eq!(answer.status(), StatusCode::OK, "{q}");
            answer.body_text().await
        }
    };
    assert!(list("").await.contains("href=\"/site/plain.example.cn\""));
    assert!(
        list("?province=%E5%8C%97%E4%BA%AC&change=new&decision=undecided&since=2020-01-01")
            .await
            .contains("plain.example.cn")
    );
    assert!(list("?entity=plain.example.cn").await.contains("plain.example.cn"));
    assert!(!list("?decision=confirmed").await.contains("href=\"/site/plain.example.cn\""));
    assert!(!list("?change=recurring").await.contains("href=\"/site/plain.example.cn\""));
    let form =
        [("target", "plain.example.cn"), ("check_id", check.as_str()), ("decision", "confirmed"), ("note", "核实")];
    assert_eq!(
        reviewer.post(&s.base, "/site/plain.example.cn/decide", &form, &[]).await.status(),
        StatusCode::SEE_OTHER
    );
    assert!(list("?decision=confirmed").await.contains("href=\"/site/plain.example.cn\""));
    // The filter follows the decision in force: the latest one not undone.
    let request = |decision| icp_patrol::desk::DecisionRequest {
        target: "plain.example.cn".into(),
        check_id: check.clone(),
        decision,
        until: None,
        note: "复核".into(),
    };
    let lead = Actor::cli("lead1");
    let today = chrono::Utc::now().date_naive();
    icp_patrol::desk::decide(&s.world.store, &lead, request(icp_patrol::state::DecisionKind::FalsePositive), today)
        .await
        .expect("second");
    assert!(!list("?decision=confirmed").await.contains("href=\"/site/plain.example.cn\""));
    assert!(list("?decision=false_positive").await.contains("href=\"/site/plain.example.cn\""));
    let latest = s.world.store.decisions_of("plain.example.cn").await.expect("decisions");
    let second = latest.iter().map(|d| d.id).max().expect("a decision");
    icp_patrol::desk::undo(&s.world.store, &lead, second).await.expect("undo");
    assert!(list("?decision=confirmed").await.contains("href=\"/site/plain.example.cn\""));
    assert!(!list("?decision=false_positive").await.contains("href=\"/site/plain.example.cn\""));
    assert!(!list("?decision=undecided").await.contains("href=\"/site/plain.example.cn\""));
    let page = reviewer.get(&s.base, "/site/plain.example.cn").await.body_text().await;
    assert!(page.contains("确认违规") && page.contains("reviewer1"));
    let (audit, total) = s.world.store.audit_page(0, 10).await.expect("audit");
    assert!(total >= 5 && audit.iter().any(|r| r.action == "decision" && r.actor == "reviewer1"));
}

/// A site with no finding shows the industry model's lead on its page where the filing lacks the industry's
/// pre-approval, and none where the filing has it.
#[tokio::test]
async fn a_site_s_page_shows_the_industry_model_s_lead_its_filing_lacks() {
    let s = served_world(novels_world(Kind::Sqlite).await, ConsoleSettings::default()).await;
    let viewer = login(&s.base, "viewer1").await;
    let page = viewer.get(&s.base, "/site/novels.example.cn").await.body_text().await;
    assert!(
        page.contains("<dt>行业模型线索</dt><dd class=\"leads\">出版（仅供审核参考，不作为通知依据）</dd>"),
        "{page}"
    );
    let approved = viewer.get(&s.base, "/site/approved-novels.example.cn").await.body_text().await;
    assert!(approved.contains("最近一次扫描") && !approved.contains("行业模型线索"), "{approved}");
}
