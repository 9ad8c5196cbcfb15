//! Every content check fails on one farm site and passes on another, through the real scan path.

use icp_patrol::checks::Outcome::{Fail, Inconclusive, Pass, Skipped};
use icp_patrol::farm::Behaviour;
use icp_patrol::filing::FilingRecord;

use crate::support::*;

const NUM: &str = "京ICP备16020626号-1";

/// A homepage with a title, navigation, body text and a footer naming its holder.
fn site(title: &str, nav: &[&str], body: &str, holder: &str) -> Behaviour {
    let nav: String = nav.iter().enumerate().map(|(i, n)| format!("<a href=\"/n{i}\">{n}</a> ")).collect();
    Behaviour::html(format!(
        "<!DOCTYPE html><html><head><meta charset=utf-8><title>{title}</title></head><body>\
         <header><nav>{nav}</nav></header><main><p>{body}</p>\
         <p>我们始终坚持以客户为中心，持续改进服务质量，欢迎各界朋友访问本站并提出宝贵意见。</p></main>\
         <footer><p>© 2024 {holder} 版权所有</p><p>{}</p></footer></body></html>",
        linked(NUM)
    ))
}

fn company() -> Behaviour {
    site(
        "示例科技官网 - 首页",
        &["首页", "关于我们", "产品中心", "联系我们"],
        "我们专注于企业信息化建设。",
        "北京示例科技有限公司",
    )
}

fn rec(domain: &str) -> FilingRecord {
    filing(domain, NUM)
}

#[tokio::test]
async fn site_placeholder() {
    let f = farm(vec![
        ("bt.example.cn", Behaviour::html("<title>恭喜，站点创建成功！</title><h1>恭喜, 站点创建成功！</h1><p>这是默认index.html，本页面由系统自动生成</p>")),
        ("blank.example.cn", Behaviour::html("<html><head><title>Document</title></head><body></body></html>")),
        ("real.example.cn", company()),
    ])
    .await;
    let bt = f.scan("bt.example.cn", Some(&rec("bt.example.cn"))).await;
    assert_eq!(outcome(&bt, "site.placeholder"), Fail);
    assert_eq!(bt.classified.placeholder.as_deref(), Some("panel_default"));
    assert_eq!(bt.verdict.notices, [icp_patrol::rules::NoticeKind::SpecialInspection]);
    assert_eq!(outcome(&bt, "content.title_mismatch"), Skipped, "a placeholder has no content to compare");
    let blank = f.scan("blank.example.cn", Some(&rec("blank.example.cn"))).await;
    assert_eq!(blank.classified.placeholder.as_deref(), Some("blank"));
    let real = f.scan("real.example.cn", Some(&rec("real.example.cn"))).await;
    assert_eq!(outcome(&real, "site.placeholder"), Pass);
}

#[tokio::test]
async fn a_notice_shown_as_one_picture_is_read_by_the_picture_name() {
    let f = farm(vec![
        (
            "weihu.example.cn",
            Behaviour::html("<html><body style='margin:0'><img src='img/weihu.jpg?v=2' width='100%'><a onclick='history.back()'>返回上一页</a></body></html>"),
        ),
        (
            "photo.example.cn",
            Behaviour::html("<html><body style='margin:0'><img src='img/team-2024.jpg' width='100%'><a onclick='history.back()'>返回上一页</a></body></html>"),
        ),
    ])
    .await;
    let notice = f.scan("weihu.example.cn", Some(&rec("weihu.example.cn"))).await;
    assert_eq!(outcome(&notice, "site.placeholder"), Fail);
    assert_eq!(notice.classified.placeholder.as_deref(), Some("under_construction"));
    // A picture shows something: a page of one photo is neither a notice nor blank.
    let photo = f.scan("photo.example.cn", Some(&rec("photo.example.cn"))).await;
    assert_eq!(outcome(&photo, "site.placeholder"), Pass);
}

#[tokio::test]
async fn site_blocked_is_inconclusive_never_a_violation() {
    let f = farm(vec![
        ("waf.example.cn", Behaviour::html("<title>Just a moment...</title><p>Checking your browser before accessing waf.example.cn.</p>")),
        ("unfiled.example.cn", Behaviour::html("<title>网站暂时无法访问</title><p>该网站暂时无法进行访问，可能的原因：网站未备案或者备案信息不准确。</p>")),
        // A panel WAF's block page (宝塔's 网站防火墙, corpus c2338): what the scanner's request met, not the site.
        ("blockpage.example.cn", Behaviour::html("<title>网站防火墙</title><h1>网站防火墙</h1><p>您的请求带有不合法参数，已被网站管理员设置拦截！</p><p>可能原因：您提交的内容包含危险的攻击请求</p><p>如何解决：检查提交内容；如网站托管，请联系空间提供商；普通网站访客，请联系网站管理员；</p>")),
        ("real.example.cn", company()),
    ])
    .await;
    for host in ["waf.example.cn", "unfiled.example.cn", "blockpage.example.cn"] {
        let r = f.scan(host, Some(&rec(host))).await;
        assert_eq!(outcome(&r, "site.blocked"), Inconclusive, "{host}");
        assert_eq!(
            outcome(&r, "icp.missing"),
            Inconclusive,
            "{host}: an interception page lacks the number but proves nothing"
        );
        assert_eq!(r.verdict.status, icp_patrol::verdict::Status::Inconclusive, "{host}");
    }
    let real = f.scan("real.example.cn", Some(&rec("real.example.cn"))).await;
    assert_eq!(outcome(&real, "site.blocked"), Pass);
}

#[tokio::test]
async fn content_title_mismatch() {
    let f = farm(vec![
        ("other.example.cn", site("环球美食博览 - 首页", &["首页", "菜谱"], "今日推荐菜谱。", "北京示例科技有限公司")),
        ("real.example.cn", company()),
    ])
    .await;
    let bad = f.scan("other.example.cn", Some(&rec("other.example.cn"))).await;
    assert_eq!(outcome(&bad, "content.title_mismatch"), Fail);
    assert_eq!(check(&bad, "content.title_mismatch").notice, icp_patrol::rules::NoticeKind::ChangeFiling);
    let good = f.scan("real.example.cn", Some(&rec("real.example.cn"))).await;
    assert_eq!(outcome(&good, "content.title_mismatch"), Pass, "官网 and 首页 suffixes are normalised");
}

#[tokio::test]
async fn content_operator_mismatch() {
    let f = farm(vec![
        ("other.example.cn", site("示例科技官网", &["首页"], "产品介绍。", "上海另一家贸易有限公司")),
        ("theme.example.cn", Behaviour::html(format!("<title>示例科技官网</title><p>我们专注于企业信息化建设，欢迎访问本站并提出宝贵意见和建议。</p><footer>Copyright Your WebSite.Some Rights Reserved. {}</footer>", linked(NUM)))),
        ("real.example.cn", company()),
    ])
    .await;
    let bad = f.scan("other.example.cn", Some(&rec("other.example.cn"))).await;
    assert_eq!(outcome(&bad, "content.operator_mismatch"), Fail);
    assert_eq!(check(&bad, "content.operator_mismatch").evidence.found.as_deref(), Some("上海另一家贸易有限公司"));
    let theme = f.scan("theme.example.cn", Some(&rec("theme.example.cn"))).await;
    assert_eq!(outcome(&theme, "content.operator_mismatch"), Skipped, "a theme default is not an operator");
    let good = f.scan("real.example.cn", Some(&rec("real.example.cn"))).await;
    assert_eq!(outcome(&good, "content.operator_mismatch"), Pass);
}

fn news_site() -> Behaviour {
    site(
        "示例新闻网",
        &["首页", "要闻", "时政", "国际", "军事", "社会", "财经", "体育"],
        "本报讯（记者 张三）今日，全市召开工作会议。责任编辑：李四",
        "北京示例科技有限公司",
    )
}

#[tokio::test]
async fn content_preapproval() {
    let f = farm(vec![("news.example.cn", news_site()), ("real.example.cn", company())]).await;
    let bad = f.scan("news.example.cn", Some(&rec("news.example.cn"))).await;
    assert_eq!(bad.classified.industries, ["news"]);
    assert_eq!(outcome(&bad, "content.preapproval"), Fail);
    let approved = FilingRecord { preapprovals: vec!["新闻".into()], ..rec("news.example.cn") };
    let ok = f.scan("news.example.cn", Some(&approved)).await;
    assert_eq!(outcome(&ok, "content.preapproval"), Pass);
    let plain = f.scan("real.example.cn", Some(&rec("real.example.cn"))).await;
    assert_eq!(outcome(&plain, "content.preapproval"), Pass);
}

/// A drug's page from an online pharmacy (corpus dev c1476: 四季感冒胶囊 on 药房网) that no rule reads as selling drugs and the
/// industry model does: the model's reading alone is a lead beside a pass (a reviewer sees it), never a notice.
#[tokio::test]
async fn an_industry_the_model_alone_reads_is_a_lead_not_a_notice() {
    let page =
        std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/content/c1476/page.html")).expect("page");
    let f = farm(vec![("drugs.example.cn", Behaviour::bytes(page))]).await;
    let r = f.scan("drugs.example.cn", Some(&rec("drugs.example.cn"))).await;
    assert_eq!(r.classified.industries, ["medical_drugs"]);
    assert_eq!(r.classified.industries_by_model, ["medical_drugs"]);
    let check = r.checks.iter().find(|c| c.id == "content.preapproval").expect("checked");
    assert_eq!(check.outcome, Pass);
    assert!(check.detail.as_deref().is_some_and(|d| d.contains("industry model alone")), "{check:?}");
    assert!(check.evidence.excerpt.as_deref().is_some_and(|e| e.contains("model p=")), "{check:?}");
    // The page fails other checks (it shows no filing number); none of them on the model's reading.
    let failed_on_the_model = r.checks.iter().filter(|c| c.outcome == Fail).any(|c| {
        c.evidence.excerpt.as_deref().is_some_and(|e| e.contains("model p=")) || c.id.starts_with("content.p")
    });
    assert!(!failed_on_the_model, "{:?}", r.checks);
    // A person's site that the model alone reads as news (dev c1612, a city's life portal): a pass with the lead beside it.
    let page =
        std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/content/c1612/page.html")).expect("page");
    let g = farm(vec![("life.example.cn", Behaviour::bytes(page))]).await;
    let personal =
        FilingRecord { principal_type: "个人".into(), principal: "张三".into(), ..rec("life.example.cn") };
    let p = g.scan("life.example.cn", Some(&personal)).await;
    assert_eq!(p.classified.industries_by_model, ["news"]);
    let scope = p.checks.iter().find(|c| c.id == "content.personal_scope").expect("checked");
    assert_eq!(scope.outcome, Pass, "{scope:?}");
    assert!(scope.detail.as_deref().is_some_and(|d| d.contains("industry model alone")), "{scope:?}");
    assert!(scope.evidence.excerpt.as_deref().is_some_and(|e| e.contains("model p=")), "{scope:?}");
    let approved = FilingRecord { preapprovals: vec!["药品和医疗器械".into()], ..rec("drugs.example.cn") };
    let ok = f.scan("drugs.example.cn", Some(&approved)).await;
    let check = ok.checks.iter().find(|c| c.id == "content.preapproval").expect("checked");
    assert_eq!((check.outcome, check.detail.as_deref()), (Pass, None), "approved: no lead to follow");
}

/// A game portal's news page (corpus dev c436) that the rules read as news and the model as culture too: the notice names
/// what the rules showed, never the model's lead beside it.
#[tokio::test]
async fn a_notice_names_the_rules_industries_not_the_model_s() {
    let page =
        std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/content/c436/page.html")).expect("page");
    let f = farm(vec![("games.example.cn", Behaviour::bytes(page))]).await;
    let r = f.scan("games.example.cn", Some(&rec("games.example.cn"))).await;
    assert_eq!(r.classified.industries_by_model, ["culture"], "{:?}", r.classified);
    let check = r.checks.iter().find(|c| c.id == "content.preapproval").expect("checked");
    assert_eq!(check.outcome, Fail);
    assert_eq!(check.evidence.found.as_deref(), Some("news"), "{check:?}");
    assert!(!check.evidence.expected.as_deref().unwrap_or_default().contains("文化"), "{check:?}");
    assert!(!check.evidence.excerpt.as_deref().unwrap_or_default().contains("model p="), "{check:?}");
}

#[tokio::test]
async fn healthcare_is_reported_but_its_cancelled_approval_is_not_required() {
    let hospital = site(
        "示例市人民医院",
        &["医院概况", "科室设置", "专家介绍", "预约挂号", "就医指南"],
        "门诊时间：周一至周日。急诊24小时开放。",
        "示例市人民医院",
    );
    let f = farm(vec![("hospital.example.cn", hospital)]).await;
    let r = f.scan("hospital.example.cn", Some(&rec("hospital.example.cn"))).await;
    assert_eq!(r.classified.industries, ["healthcare"]);
    assert_eq!(outcome(&r, "content.preapproval"), Pass);
}

#[tokio::test]
async fn content_commercial() {
    let shop =
        site("示例科技官网", &["首页", "购物车", "我的订单"], "在线支付 货到付款 立即购买", "北京示例科技有限公司");
    let f = farm(vec![("shop.example.cn", shop), ("real.example.cn", company())]).await;
    let bad = f.scan("shop.example.cn", Some(&rec("shop.example.cn"))).await;
    assert!(bad.classified.commercial);
    assert_eq!(outcome(&bad, "content.commercial"), Fail);
    let licensed = FilingRecord { license: Some("京ICP证030173号".into()), ..rec("shop.example.cn") };
    assert_eq!(outcome(&f.scan("shop.example.cn", Some(&licensed)).await, "content.commercial"), Pass);
    assert_eq!(outcome(&f.scan("real.example.cn", Some(&rec("real.example.cn"))).await, "content.commercial"), Pass);
}

#[tokio::test]
async fn content_personal_scope() {
    let personal = |d: &str| FilingRecord {
        principal_type: "个人".into(),
        principal: "张三".into(),
        site_name: "张三的读书笔记".into(),
        ..rec(d)
    };
    let blog = site("张三的读书笔记", &["首页", "归档", "标签"], "今天读完了一本关于历史的书，记下几点感想。", "张三");
    let f = farm(vec![("company.example.cn", company()), ("blog.example.cn", blog)]).await;
    let bad = f.scan("company.example.cn", Some(&personal("company.example.cn"))).await;
    assert_eq!(outcome(&bad, "content.personal_scope"), Fail);
    let good = f.scan("blog.example.cn", Some(&personal("blog.example.cn"))).await;
    assert_eq!(outcome(&good, "content.personal_scope"), Pass);
    assert_eq!(
        outcome(&f.scan("blog.example.cn", Some(&rec("blog.example.cn"))).await, "content.personal_scope"),
        Skipped
    );
}

#[tokio::test]
async fn filing_name_invalid() {
    let f = farm(vec![("real.example.cn", company())]).await;
    let bad = FilingRecord { site_name: "中国最好的软件".into(), ..rec("real.example.cn") };
    let r = f.scan("real.example.cn", Some(&bad)).await;
    assert_eq!(outcome(&r, "filing.name_invalid"), Fail);
    assert!(check(&r, "filing.name_invalid").detail.as_deref().is_some_and(|d| d.contains("中国")));
    let good = f.scan("real.example.cn", Some(&rec("real.example.cn"))).await;
    assert_eq!(outcome(&good, "filing.name_invalid"), Pass);
}

#[tokio::test]
async fn notice_drafts_carry_the_evidence_and_deadline() {
    let f = farm(vec![("plain.example.cn", page(&format!("<p>备案号：{NUM}</p>")))]).await;
    let record = FilingRecord { psb_code: Some("11010502000001".into()), ..rec("plain.example.cn") };
    let r = f.scan("plain.example.cn", Some(&record)).await;
    assert_eq!(r.notice_drafts.len(), 1);
    let draft = &r.notice_drafts[0];
    // 15 days for a special inspection: 2026-12-13 is a Sunday, so the next working day.
    assert_eq!(draft.deadline, date("2026-12-14"));
    assert_eq!(draft.deadline_warning, None, "2026 is in rules/holidays.toml");
    // Each finding with its own remedy, not one fixed line for all.
    assert!(
        draft.text.contains("整改要求：为首页底部的备案号添加链接，指向 https://beian.miit.gov.cn/"),
        "{}",
        draft.text
    );
    assert!(!draft.text.contains("如在首页底部中央展示正确的备案号"), "{}", draft.text);
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/notice_special_inspection.txt");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &draft.text).expect("write golden");
    }
    let golden = std::fs::read_to_string(&path).expect("golden notice (UPDATE_GOLDEN=1 to create)");
    assert_eq!(draft.text, golden);
}

#[tokio::test]
async fn tianjin_companies_are_scope_limited_too() {
    let forum = site(
        "示例论坛社区",
        &["首页", "发帖", "版块", "签到", "看贴"],
        "楼主发表新贴，回帖请遵守版规。",
        "天津示例科技有限公司",
    );
    let f = farm(vec![("forum.example.cn", forum), ("company.example.cn", company())]).await;
    let tianjin = |d: &str| FilingRecord { site_number: "津ICP备16020626号-1".into(), ..rec(d) };
    let bad = f.scan("forum.example.cn", Some(&tianjin("forum.example.cn"))).await;
    assert_eq!(outcome(&bad, "content.personal_scope"), Fail, "{:?}", bad.classified);
    let ok = f.scan("company.example.cn", Some(&tianjin("company.example.cn"))).await;
    assert_eq!(outcome(&ok, "content.personal_scope"), Pass, "company content is fine for a company");
    let beijing = f.scan("forum.example.cn", Some(&rec("forum.example.cn"))).await;
    assert_eq!(outcome(&beijing, "content.personal_scope"), Skipped);
    // A site number that names no province (a national `B2-` licence) takes the filing's 公网安备 code's, whatever number
    // the page shows (a Beijing one here): the check, the leads and the store's province column say the same. Before, the
    // check took the page's province and skipped.
    let national = FilingRecord {
        site_number: "B2-20160001".into(),
        psb_code: Some("12010202000001".into()),
        ..rec("forum.example.cn")
    };
    let by_psb = f.scan("forum.example.cn", Some(&national)).await;
    assert_eq!(outcome(&by_psb, "content.personal_scope"), Fail, "{:?}", by_psb.checks);
    let rules = icp_patrol::rules::RuleSet::embedded();
    assert!(icp_patrol::checks::scope_limited(&national, &rules));
    let province = |r: &FilingRecord| icp_patrol::checks::filing_province(r, &rules).map(|p| p.name.as_str());
    assert_eq!(province(&national), Some("天津"));
    // The site number's own province comes first.
    let beijing_number = FilingRecord { site_number: NUM.into(), ..national.clone() };
    assert_eq!(province(&beijing_number), Some("北京"));
}
