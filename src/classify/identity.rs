//! The names a page calls itself and the organisation it names as its operator.

use std::sync::LazyLock;

use regex::Regex;

pub use crate::extract::is_organisation;
use crate::extract::{PageFacts, is_generic_name};
use crate::rules::gated::Gated;
use crate::text::{as_written, fold, is_han, read_as_written, simplified};

/// A responsibility line in the footer: `主办单位：…`, `主办：…`, `运营单位：…`, `所有方：…`, `承办：…`. Its role
/// word says how close the named body is to running the site.
/// The role words are [`ROLES`]'s, in its order (a longer word before the word it starts with).
static ROLE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    let roles: Vec<&str> = ROLES.iter().map(|(role, _)| *role).collect();
    Regex::new(&[r"(?P<role>", &roles.join("|"), r")\s*[:：]\s*(?P<name>[\p{Han}A-Za-z0-9（）()·&\- ]{2,60})"].concat())
        .expect("role line")
});
/// The same line with the role word after the body ("中共某某县纪委  某某县监察局主办", dev c296): the
/// run of name characters just before a role word that ends its phrase (not 主办单位：, which is the
/// form above). Not "由某某公司运营" after a copyright line: a game's page names its rights holder there
/// and, after it, the licensee that runs the service (dev c758 is labelled with the holder).
/// It begins with a class the regex engine cannot skip to: gated by its role words (`Gated`).
static ROLE_AFTER: LazyLock<Gated> = LazyLock::new(|| {
    Gated::new(
        Regex::new(&[r"(?P<name>", BODY_NAME, r")[ \t\u{3000}]*(?P<role>主办|承办)(?:[\s|｜,，。;；]|$)"].concat())
            .expect("role after"),
    )
});
/// A body's name as it stands before its role word: Chinese, Latin letters, digits, brackets.
const BODY_NAME: &str = r"[\p{Han}A-Za-z0-9（）()·]{2,40}";
/// What begins a filing's or licence's number after a province's one-character name (浙网文, 京ICP证, 粤B2-,
/// 沪公网安备): never a body's name.
const LICENCE_MARKS: [&str; 9] = ["ICP", "网文", "B2-", "B1-", "公网安备", "许可证", "网出证", "网视", "网药械"];
/// Where a name in a run-together footer line ends: the next field's label.
const NEXT_FIELD: [&str; 22] = [
    "主办",
    "承办",
    "协办",
    "运营",
    "指导",
    "地址",
    "电话",
    "邮编",
    "传真",
    "邮箱",
    "备案",
    "ICP",
    "技术支持",
    "联系",
    "网站标识码",
    "标识码",
    "版权",
    "Copyright",
    "E-mail",
    "公网安备",
    "网站维护",
    "维护",
];
/// Role words, closest to running the site first.
const ROLES: [(&str, u8); 18] = [
    ("网站主办", 0),
    ("主办单位", 0),
    ("主办", 0),
    ("运营单位", 1),
    ("运营主体", 1),
    ("运营方", 1),
    ("运营", 1),
    // The owner named as such ("所有方：上海某某信息科技有限公司" under a domain's copyright, dev c1978) runs the
    // site as an operator does.
    ("网站所有者", 1),
    ("网站所有人", 1),
    ("所有方", 1),
    ("所有者", 1),
    ("经营单位", 1),
    ("经营主体", 1),
    // Twentieth session (dev c3602, a social network's footer: "公司全称：北京斗牛士文化传媒有限公司" under "人人网©2016"): the
    // company's full name given under its label, in a footer, is who runs the site (only a name an organisation's
    // form ends, not a template's stand-in).
    (COMPANY_LABELS[0], 1),
    (COMPANY_LABELS[1], 1),
    (COMPANY_LABELS[2], 1),
    ("承办单位", 3),
    ("承办", 3),
];
/// The role words that label a company's name rather than a role: only an organisation's name counts under them.
const COMPANY_LABELS: [&str; 3] = ["公司全称", "公司名称", "企业名称"];

pub(super) const TITLE_SEPARATORS: [char; 12] = ['-', '_', '|', '–', '—', '·', ':', '：', '丨', '｜', '·', '>'];
/// A title part longer than this is a headline, not a name.
const PART_MAX_CHARS: usize = 24;
/// The same for a part in the Latin alphabet, read folded (its spaces gone): its words spell out what a Chinese name
/// says in a few characters ("Ferndale House Dental Practice", 27 letters, dev c6464).
const LATIN_PART_MAX_CHARS: usize = 40;

/// How long a folded name part may be and still be a name.
fn part_max_chars(part: &str) -> usize {
    if part.chars().all(crate::extract::is_spelled_out) { LATIN_PART_MAX_CHARS } else { PART_MAX_CHARS }
}

/// The parts of the page's folded names joined by `|` (title, og:site_name, heading, logo alt) that
/// can be a name: each cut at the title separators, trimmed, no headline.
pub(super) fn name_parts(names: &str) -> impl Iterator<Item = &str> {
    // A heading that greets or exclaims ("欢迎来到孔医堂！", dev c1864) ends its name with the exclamation; a title
    // may welcome its reader after the name ("华南农业大学教务处欢迎你！", dev c2138).
    names
        .split('|')
        .flat_map(|n| n.split(TITLE_SEPARATORS))
        .map(|p| {
            let p = p.trim().trim_end_matches(['!', '~']).trim_end();
            ["欢迎你", "欢迎您"].iter().find_map(|w| p.strip_suffix(w)).unwrap_or(p).trim_end()
        })
        .flat_map(|part| {
            // A bilingual name ("聖公會基愛小學 S.K.H. Kei Oi Primary School", dev c1574) is its Chinese name
            // followed by its English one: the Chinese name is a part of its own.
            let han_head = part
                .char_indices()
                .find(|&(_, c)| c.is_ascii_alphabetic())
                .map(|(i, _)| part[..i].trim_end())
                .filter(|head| head.chars().count() >= 2 && head.chars().all(crate::text::is_han));
            std::iter::once(part)
                .chain(han_head)
                .chain(bracketed(part))
                .filter(|p| !p.is_empty() && p.chars().count() <= part_max_chars(p))
        })
}

/// A lenticular or corner bracket closing a title part sets the name apart as a separator does
/// ("秋葉原駅から徒歩3分の歯医者【中川歯科クリニック】", dev c6544; "千代田区秋葉原の歯医者「中川歯科クリニック」"). Not one inside
/// a part: 「」 and 『』 quote whatever a headline is about ("「青葉病院」で院内感染", the review's case), and 【】 before the rest
/// labels it ("【招聘】", "【青葉総合病院】看護師求人").
const NAME_BRACKETS: [(char, char); 2] = [('【', '】'), ('「', '」')];

/// The name a title part closes with in brackets.
fn bracketed(part: &str) -> Option<&str> {
    NAME_BRACKETS.iter().find_map(|&(open, close)| {
        let inside = part.trim_end().strip_suffix(close)?;
        inside.rsplit_once(open).map(|(_, name)| name.trim())
    })
}

/// The responsibility lines of a footer, read once per page ([`role_lines`]) and shared by the names,
/// the operator and the industries' signers.
pub(super) type Roles = Vec<(u8, String)>;

/// Title segments, og:site_name, the main heading and the logo's alt text, without repeats or the
/// generic words templates leave ("首页", "Document").
pub fn site_names(facts: &PageFacts) -> Vec<String> {
    site_names_by(facts, &role_lines(&facts.footer_text))
}

/// [`site_names`] with the footer's responsibility lines already read.
pub(super) fn site_names_by(facts: &PageFacts, roles: &[(u8, String)]) -> Vec<String> {
    let mut own: Vec<&str> = Vec::new();
    // A title that is one of the page's own navigation items (学校新闻, 招生专栏) names the section
    // the visitor is in. It stays a candidate (a site may also link its own name), but the bodies
    // the footer names become candidates too.
    // A title still in template syntax (`<?php echo $title; ?>`, `{$site.name}`) names nothing; what is
    // left around the syntax may.
    let title = facts.title.as_deref().map(without_template_syntax);
    let section_title = title.as_deref().map(fold).is_some_and(|t| facts.anchor_texts.iter().any(|a| fold(a) == t));
    if let Some(title) = &title {
        own.push(title);
        if title.contains(TITLE_SEPARATORS) {
            own.extend(title.split(TITLE_SEPARATORS).filter(|p| p.trim().chars().count() <= PART_MAX_CHARS));
        }
    }
    // Template syntax names nothing there either ("RX ${goods.goodsName}" as a heading, dev c1074).
    let marked: Vec<String> = [&facts.og_site_name, &facts.heading, &facts.logo_alt, &facts.home_link]
        .into_iter()
        .flatten()
        .map(|n| without_template_syntax(n))
        .collect();
    own.extend(marked.iter().map(String::as_str).filter(|n| !n.trim().is_empty()));
    // "欢迎来到某某网！": the page greets visitors with its own name.
    let welcome: Vec<String> = WELCOME
        .captures_iter(&facts.body_text)
        .map(|c| c["name"].to_string())
        .filter(|n| !n.starts_with(['本', '我']))
        .take(2)
        .collect();
    own.extend(welcome.iter().map(String::as_str));
    // "“某某”官方网站（以下简称“本网站”）": the page's terms define the name it goes by.
    let defined = defined_name(&facts.body_text);
    own.extend(defined.as_deref());
    // "使用微票儿账号登录": a site signs its users in with an account named after itself (dev c854).
    let account = account_name(&facts.body_text);
    own.extend(account.as_deref());
    // A breadcrumb's root names the site when it is not the generic 首页 ("中国文明网北京站 > 北京朝阳 > 要闻").
    let crumb = breadcrumb_root(&facts.body_text);
    own.extend(crumb.as_deref());
    // The header's brand element names the site beside the names above; alone it names nothing (a top bar's link to another
    // site is classed `logo` too: "中国政府网" on a page titled 首页, the second review), and the bodies the footer names stay the
    // candidates then.
    let brand = facts.brand.as_deref().map(without_template_syntax).filter(|b| !b.trim().is_empty());
    if !own.is_empty() {
        own.extend(brand.as_deref());
    }
    // A public body that holds the copyright (a school, university, hospital, bureau) is what its
    // site is called: "© 2020 版权所有 南京大学信息化建设管理服务中心" under an article's headline.
    let institutions = facts.copyright.iter().filter_map(|c| c.holder.as_deref()).filter(|h| is_institution(h));
    // An article page's title is its headline; the brand its copyright line names ("© 2019 观察者")
    // is then the site's name. A company holding the copyright is not (see below). So for a page with no
    // title, whose names are its headings ("版权所有·妆点尚品" under a heading 公司理念, dev c8394).
    let headline = facts.title.as_deref().is_none_or(is_headline);
    let brands = facts
        .copyright
        .iter()
        .filter_map(|c| c.holder.as_deref())
        .filter(|h| headline && !is_organisation(h) && !is_institution(h));
    let own_names = distinct_names(own.iter().copied().chain(institutions).chain(brands).collect());
    // The bodies the footer names: its responsibility lines, then its copyright holders.
    let footer =
        || roles.iter().map(|(_, n)| n.as_str()).chain(facts.copyright.iter().filter_map(|c| c.holder.as_deref()));
    if !own.is_empty() && !own_names.is_empty() {
        if section_title {
            return distinct_names(own_names.iter().map(String::as_str).chain(footer()).collect());
        }
        // Otherwise a company's name is not the site's: adding it would let a renamed site pass
        // content.title_mismatch on its company's name.
        return own_names;
    }
    // A page that names itself nowhere else is known by the body its footer names, and by the short
    // name its text introduces the body by.
    let short = short_name(&facts.body_text);
    let institution = read_as_written(&facts.footer_text, institution_line);
    let introduced = self_introduction(&facts.body_text);
    let institution_introduced = institution_introduction(&facts.body_text);
    let referred = self_references(&facts.body_text);
    // With no title, no h1 and no logo that names it, the page's first heading that reads as a name
    // (no sentence in it) is what it calls itself ("iFantastic工具箱 ifantastic.cn" in an h3, dev c862).
    // An article template's heading still in its syntax ("{$article.Title}", dev c1180) names nothing.
    let heading = name_heading(facts);
    distinct_names(
        footer()
            .chain(heading.as_deref())
            .chain(short.as_ref().map(|(_, s)| s.as_str()))
            .chain(institution.as_deref())
            .chain(introduced.as_ref().map(|(name, _)| name.as_str()))
            .chain(institution_introduced.as_deref())
            .chain(referred.iter().map(String::as_str))
            .collect(),
    )
}

/// A heading that dates something is a notice's ("5月26日上午10点全服维护公告", dev c410), not a name.
static DATED: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\d\s*[年月日号点时]").expect("dated"));

/// A heading longer than this is a headline or a slogan, not a name.
const HEADING_NAME_MAX_CHARS: usize = 32;

/// Sentence punctuation and quotation marks: a title that has them is a headline, not a name.
const HEADLINE_MARKS: [char; 12] = ['，', ',', '“', '”', '！', '!', '？', '?', '。', '、', '《', '》'];
/// A title part this long is a sentence.
const HEADLINE_MIN_CHARS: usize = 16;

/// Whether a title carries an article's headline: sentence punctuation, or a part as long as a
/// sentence.
fn is_headline(title: &str) -> bool {
    title.contains(HEADLINE_MARKS)
        || title.split(TITLE_SEPARATORS).any(|p| p.trim().chars().count() >= HEADLINE_MIN_CHARS)
}

/// Name endings of public bodies (never of companies): their name is their site's name.
const INSTITUTION_SUFFIXES: [&str; 17] = [
    "大学",
    "学院",
    "中学",
    "小学",
    "分校",
    "学校",
    "医院",
    "中心",
    "研究院",
    "研究所",
    "委员会",
    "政府",
    "办公厅",
    "办公室",
    "图书馆",
    "博物馆",
    "管理局",
];

fn is_institution(name: &str) -> bool {
    let name = name.trim();
    INSTITUTION_SUFFIXES.iter().any(|s| name.ends_with(s)) && !name.contains("公司")
}

/// A breadcrumb of three or more items: its root, then two more steps.
static BREADCRUMB: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:^|[\s:：])(?P<root>[\p{Han}A-Za-z0-9·]{2,16})\s*(?:>>|[>›»＞])\s*[^\s>›»＞]{1,16}\s*(?:>>|[>›»＞])\s*[^\s>›»＞]{1,30}",
    )
    .expect("breadcrumb")
});
/// Roots that name no site.
const GENERIC_ROOTS: [&str; 6] = ["首页", "网站首页", "主页", "home", "返回首页", "当前位置"];

/// The root of the page's first breadcrumb, unless it is a generic word or a number.
fn breadcrumb_root(text: &str) -> Option<String> {
    let c = BREADCRUMB.captures(text)?;
    let root = c["root"].trim();
    let generic = GENERIC_ROOTS.iter().any(|g| fold(root) == *g) || root.chars().all(|ch| ch.is_ascii_digit());
    (!generic).then(|| root.to_string())
}

static WELCOME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:欢迎|感谢)(?:您)?(?:来到|光临|访问|登录|进入)\s*(?P<name>[\p{Han}A-Za-z0-9]{2,20}?)\s*(?:[!！。，,~\s]|官方网站|官网|$)")
        .expect("welcome line")
});

/// The name a site's terms define as "this site": "“信用大理”官方网站（以下简称“本网站”）" (dev c458), "某某网（以下简称本站）".
/// It leads with no literal: gated by the words every match holds (`Gated`), as ROLE_AFTER is.
static DEFINED_AS_THIS_SITE: LazyLock<Gated> = LazyLock::new(|| {
    Gated::new(Regex::new(
        r#"(?:^|[\s。，；：:,;“"「])(?P<name>[\p{Han}A-Za-z0-9]{2,16}?)[”"」]?\s*(?:官方网站|官网)?\s*[（(]\s*(?:以下)?简称\s*[“"「]?\s*(?:本网站|本站|本平台|网站|平台)\s*[”"」]?\s*[)）]"#,
    )
    .expect("defined-as line"))
});

fn defined_name(body: &str) -> Option<String> {
    let c = DEFINED_AS_THIS_SITE.captures_iter(body).next()?;
    let name = c["name"].trim();
    (!name.starts_with(NOT_A_NAME_START)).then(|| name.to_string())
}

/// "使用某某账号登录": the account a sign-in form asks for bears the site's name.
static ACCOUNT_SIGN_IN: LazyLock<Gated> = LazyLock::new(|| {
    Gated::new(
        Regex::new(r"(?:使用|用|请用)\s*(?P<name>[\p{Han}A-Za-z0-9]{2,8}?)\s*(?:账号|帐号|账户|帐户)\s*(?:登录|登陆)")
            .expect("account sign-in line"),
    )
});

/// Accounts of others a site lets its users sign in with, and words for kinds of accounts.
const OTHERS_ACCOUNTS: [&str; 16] = [
    "qq",
    "微信",
    "微博",
    "支付宝",
    "淘宝",
    "百度",
    "手机",
    "邮箱",
    "其他",
    "第三方",
    "社交",
    "合作",
    "钉钉",
    "github",
    "google",
    "apple",
];

fn account_name(body: &str) -> Option<String> {
    ACCOUNT_SIGN_IN.captures_iter(body).map(|c| c["name"].trim().to_string()).find(|n| {
        let lower = n.to_lowercase();
        !n.starts_with(NOT_A_NAME_START) && !OTHERS_ACCOUNTS.iter().any(|o| lower.contains(o))
    })
}

/// A name without the template syntax a served template left in it, and without the separators the
/// syntax stood beside (`CakePHP: <?= $this->fetch('title') ?>` is `CakePHP`).
fn without_template_syntax(name: &str) -> String {
    match crate::text::strip_template_syntax(name) {
        std::borrow::Cow::Borrowed(name) => name.to_string(),
        stripped => stripped.trim_matches(|c: char| c.is_whitespace() || TITLE_SEPARATORS.contains(&c)).to_string(),
    }
}

/// A body introducing itself with the short name it goes by: "上海方趣网络科技有限公司（简称“方趣网络”）",
/// "（以下简称“某某”）". Read only from a page that names itself nowhere else.
static SHORT_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?P<full>[\p{Han}（）()]{4,40}?(?:有限公司|有限责任公司|集团|协会|学会|研究院|中心))\s*[（(]\s*(?:以下)?简称\s*[:：]?\s*[“"「『]?(?P<short>[\p{Han}A-Za-z0-9]{2,12})[”"」』]?\s*[）)]"#,
    )
    .expect("short-name line")
});

/// The full and short names of the first body that introduces itself with a short name.
fn short_name(body: &str) -> Option<(String, String)> {
    SHORT_NAME.captures(body).map(|c| (c["full"].to_string(), c["short"].to_string()))
}

/// Endings of the schools, hospitals and government bodies that sign their own footer or open their about
/// page with their name; a 中心 or a bare 办公室 is as often a column, a committee's office or a people's
/// government is not (dev c1294: "上海市某某管理委员会办公室" alone in a footer label).
const SIGNING_INSTITUTIONS: [&str; 14] = [
    "大学",
    "学院",
    "中学",
    "小学",
    "学校",
    "幼儿园",
    "医院",
    "卫生院",
    "研究院",
    "研究所",
    "保健院",
    "委员会办公室",
    // Twenty-first session (dev c3328, a district Youth League committee's footer: "共青团北京市朝阳区委员会 京公网安备:…"): a
    // committee, the form of the Party's, the League's and the government's commissions (发展和改革委员会), a 管理委员会 among them.
    "委员会",
    "人民政府",
];

/// A footer block that starts with a public body's name ("成都某某研究院附属医院 / Affiliated Hospital of …"):
/// the hospital or school that signs its own page. Two such blocks (partner links) leave it open.
fn institution_line(footer: &str) -> Option<String> {
    let mut names = footer
        .split(" | ")
        .filter_map(|block| block.split_whitespace().next())
        .filter(|first| first.chars().all(is_han))
        // Not every public body's ending: a footer's 新闻中心 or 帮助中心 is a column's heading.
        .filter(|first| signs_as_institution(first))
        // A link into the site's pages (关于医院, 走进学校) is no name.
        .filter(|first| !["关于", "走进", "进入", "返回"].iter().any(|verb| first.starts_with(verb)))
        // A national commission a footer links to is the regulator of the site's trade (中国证券监督管理委员会 on a
        // broker's page, 国家卫生健康委员会 on a pharmacy's), not the body that signs it.
        .filter(|first| !(first.ends_with("委员会") && NATIONAL_PREFIXES.iter().any(|p| first.starts_with(p))))
        .filter(|first| (4..=30).contains(&first.chars().count()));
    let first = names.next()?;
    names.all(|other| other == first).then(|| first.to_string())
}

/// How the names of national bodies begin.
const NATIONAL_PREFIXES: [&str; 4] = ["国家", "中国", "全国", "中华人民共和国"];

/// An about page introducing its service by the body behind it: "雷哥SAT归属于上海某某管理咨询有限公司",
/// "e板会 是浙江某某科技有限公司…研发的". The name stands at the start of a sentence.
static SELF_INTRODUCTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:^|[\s。，！？；,.!?;])(?P<name>[\p{Han}A-Za-z0-9]{2,12}?)\s*(?:是|为|归属于|隶属于|系)\s*(?P<org>\p{Han}[\p{Han}（）()]{3,38}?(?:有限责任公司|有限公司|集团))",
    )
    .expect("self-introduction line")
});

fn signs_as_institution(name: &str) -> bool {
    SIGNING_INSTITUTIONS.iter().any(|s| name.ends_with(s))
}

/// An institution's about page opens by saying what it is: "衢州市某某保健院是一所二级甲等妇幼保健院" (dev c1212,
/// a hospital's page titled only 医院介绍). The name stands at the start of a sentence and ends as a school's
/// or a hospital's does. It leads with no literal: gated by the words every match holds.
static INSTITUTION_INTRODUCTION: LazyLock<Gated> = LazyLock::new(|| {
    Gated::new(
        Regex::new(
            r"(?:^|[\s。，！？；,.!?;])(?P<name>\p{Han}{2,28}?)\s*(?:是|系)\s*(?:一所|一家|一座|我国|全国|国内|省内|省属|市属)",
        )
        .expect("institution introduction"),
    )
});

/// The institution the page's first such sentence introduces.
fn institution_introduction(body: &str) -> Option<String> {
    INSTITUTION_INTRODUCTION
        .captures_iter(body)
        .map(|c| c["name"].to_string())
        .find(|n| !n.starts_with(NOT_A_NAME_START) && signs_as_institution(n))
}

/// Words that start a sentence about someone other than the site (我们, 本公司, 该平台, 您).
const NOT_A_NAME_START: [char; 5] = ['本', '我', '该', '您', '贵'];

/// The name and the body of the first sentence introducing the site by the body behind it.
fn self_introduction(body: &str) -> Option<(String, String)> {
    SELF_INTRODUCTION
        .captures_iter(body)
        .find(|c| !c["name"].starts_with(NOT_A_NAME_START) && !is_organisation(&c["name"]))
        .map(|c| (c["name"].to_string(), c["org"].to_string()))
}

/// A page speaking of itself by name: "关注160大药房官方微信", "为了您能更好使用真旅行网站",
/// "新民实验学校网站全新上线", "通过来回出行APP，乘客可以…" (an app's guide, dev c412).
static SELF_REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:(?:使用|访问|登录|关注|下载|通过|玩转)\s*(?P<used>[\p{Han}A-Za-z0-9](?:[\p{Han}A-Za-z0-9\-]{0,10}?[\p{Han}A-Za-z0-9])?)\s*(?:官方)?(?:网站|官网|微信|微博|公众号|客户端|APP|App|应用)|(?:^|[\s。，！,!])(?P<launched>[\p{Han}A-Za-z0-9]{2,12}?)(?:网站|官网)?(?:全新|正式|即将)上线)",
    )
    .expect("self-reference line")
});

/// The names the page speaks of itself by, at most two.
fn self_references(body: &str) -> Vec<String> {
    SELF_REFERENCE
        .captures_iter(body)
        .filter_map(|c| c.name("used").or_else(|| c.name("launched")).map(|m| m.as_str().to_string()))
        .filter(|n| !n.starts_with(NOT_A_NAME_START))
        .take(2)
        .collect()
}

/// Names a page may offer at most: a title of ten thousand separators is not ten thousand names, and
/// each name costs a fold (found by fuzzing: 31 s on a 225 KB page when repeats were found by
/// comparing every pair).
const NAMES_MAX: usize = 64;

fn distinct_names(names: Vec<&str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    for s in names {
        if out.len() == NAMES_MAX {
            break;
        }
        let s = s.trim();
        let key = fold(s);
        if s.is_empty() || is_generic_name(&key) || speaks_as_someone(s) {
            continue;
        }
        if seen.insert(key) {
            out.push(s.to_string());
        }
    }
    out
}

/// Pronouns a sentence begins with when the site speaks to its visitors ("我们提供的各年龄段武术课程",
/// a school's heading, dev c172; "您的位置"): such a line is a sentence, and no site is called so.
const SPEAKER_PRONOUNS: [&str; 4] = ["我们", "您", "你们", "咱们"];

fn speaks_as_someone(name: &str) -> bool {
    SPEAKER_PRONOUNS.iter().any(|p| name.starts_with(p))
}

/// The bodies the footer's responsibility lines name, with their role's rank (0 = 主办).
pub(super) fn role_lines(shown: &str) -> Roles {
    // 主辦單位 is read as 主办单位; each body is reported as the footer writes it.
    let read = simplified(shown);
    let footer: &str = &read;
    let mut out = Vec::new();
    for c in ROLE_LINE.captures_iter(footer) {
        let rank = ROLES.iter().find(|(r, _)| *r == &c["role"]).map_or(3, |(_, k)| *k);
        // "杭州乐读科技有限公司运营：浙网文[2015]0415-135号" (dev c3292, c3414): the body stands before the role
        // word and the licence it runs the service under after it (read before a next field's label, such as
        // 公网安备, cuts the number short).
        if is_licence_prefix(c["name"].trim()) {
            let before = &footer[..c.get(0).map_or(0, |m| m.start())];
            if let Some(body) = last_name_run(before).filter(|b| is_organisation(b)) {
                out.push((rank, body.to_string()));
            }
            continue;
        }
        let mut name = c["name"].trim().to_string();
        let cut = NEXT_FIELD.iter().filter_map(|f| name.find(f)).filter(|&i| i > 0).min();
        if let Some(i) = cut {
            name.truncate(i);
        }
        // Several bodies on one line are separated by spaces; the first is the lead one.
        let name = name.split_whitespace().next().unwrap_or("").trim_end_matches(['-', '·']).to_string();
        let labelled_company = COMPANY_LABELS.contains(&&c["role"]);
        if name.chars().filter(|c| c.is_alphabetic()).count() >= 2 && (!labelled_company || is_organisation(&name)) {
            out.push((rank, name));
        }
    }
    for c in ROLE_AFTER.captures_iter(footer) {
        let rank = ROLES.iter().find(|(r, _)| *r == &c["role"]).map_or(3, |(_, k)| *k);
        // "本网站由某某局主办", "某某局、某某办联合主办": the body, without the sentence around it.
        let name = ["联合", "共同"].iter().fold(&c["name"], |n, w| n.strip_suffix(w).unwrap_or(n));
        // A bare 由 only where the run begins: inside a name it is a word of it (某某自由贸易试验区管理委员会).
        let name = ["网站由", "本站由"].iter().fold(name, |n, lead| n.rsplit(lead).next().unwrap_or(n));
        let name = name.strip_prefix('由').unwrap_or(name);
        // Only a body's name stands so: an event's line in a footer ("2019年论坛") is no organisation.
        if is_organisation(name) {
            out.push((rank, name.to_string()));
        }
    }
    out.into_iter().map(|(rank, name)| (rank, as_written(shown, footer, &name))).collect()
}

/// The start of a licence's number (浙网文, 京ICP证, 粤B2-): a province's one-character name and one of
/// [`LICENCE_MARKS`], not a body.
fn is_licence_prefix(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(is_han) && LICENCE_MARKS.iter().any(|mark| chars.as_str().starts_with(mark))
}

/// The body's name that ends a text (written just before a role word), as [`ROLE_AFTER`] reads one.
fn last_name_run(text: &str) -> Option<&str> {
    static NAME_AT_END: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(&["(?P<name>", BODY_NAME, r")\s*$"].concat()).expect("name at end"));
    NAME_AT_END.captures(text).and_then(|c| c.name("name")).map(|m| m.as_str())
}

/// The body a 主办/运营 line names, else the holder the copyright lines name (preferring a Chinese
/// organisation's full name), else the body a 承办 line names.
pub fn operator_of(facts: &PageFacts) -> Option<String> {
    operator_by(facts, &role_lines(&facts.footer_text))
}

/// [`operator_of`] with the footer's responsibility lines already read.
pub(super) fn operator_by(facts: &PageFacts, roles: &[(u8, String)]) -> Option<String> {
    let lead = roles.iter().filter(|(r, _)| *r <= 1).min_by_key(|(r, _)| *r);
    if let Some((_, name)) = lead {
        return Some(name.clone());
    }
    let holders: Vec<(&str, bool)> =
        facts.copyright.iter().filter_map(|c| c.holder.as_deref().map(|h| (h, credits_holder(&c.text, h)))).collect();
    // What the page calls itself, whole name by whole name (a title's parts, og:site_name, the logo's alt), for a holder that is
    // the site's own name — not a name inside a headline ("Nintendo Switch 2 review | PlayZone" is no site of Nintendo's).
    let page_names: Vec<String> = [facts.title.as_deref(), facts.og_site_name.as_deref(), facts.logo_alt.as_deref()]
        .into_iter()
        .flatten()
        .flat_map(|n| n.split(TITLE_SEPARATORS).map(fold).collect::<Vec<_>>())
        .filter(|n| !n.is_empty())
        .collect();
    // A line that credits software, a theme or a data source ("Powered by SimpleBoard © SimpleBoard", "Market data ©
    // Morningstar") names who made or supplied something, not who runs the site; a holder the page is named after
    // does run it. Of holders alike the last, nearest the bottom, signs the site: an article's photo credit ("© AFP/ …",
    // dev c5724) comes before the site's own line. (The longer name was preferred until the twenty-seventh session.)
    let han_company = |h: &str| is_organisation(h) && h.chars().any(is_han);
    let rank = |(h, credit): &(&str, bool)| {
        let named = page_names.contains(&fold(h));
        (!credit, han_company(h), is_organisation(h), h.chars().any(is_han), named)
    };
    let best = holders.iter().max_by_key(|h| rank(h)).map(|(h, _)| h);
    // Only when no line names a role: a 承办 line is read below, after the holders.
    // A brand or a domain in the copyright line ("© Qiushibaike.com 糗事百科版权所有") while the company
    // stands on a line of its own in the footer ("友际无限（北京）科技有限公司", "三七互娱旗下·上海硬通网络科技
    // 有限公司"): the company runs the site.
    if roles.is_empty()
        && best.is_none_or(|h| !han_company(h))
        && let Some(company) =
            read_as_written(&facts.footer_text, company_line).or_else(|| company_in_copyright(&facts.copyright))
    {
        return Some(company);
    }
    best.map(|h| h.to_string())
        .or_else(|| roles.first().map(|(_, name)| name.clone()))
        // A public body that signs the footer with its name alone, no role word and no copyright (dev c1294).
        .or_else(|| read_as_written(&facts.footer_text, institution_line))
        // No footer names anyone: the body the page introduces by its short name, the company its
        // title names in full ("网站建设|…|昌乐某某电子商务有限公司", a layout titled with its company), or
        // the body its service is introduced by.
        .or_else(|| short_name(&facts.body_text).map(|(full, _)| full))
        .or_else(|| read_as_written(facts.title.as_deref()?, title_company))
        .or_else(|| self_introduction(&facts.body_text).map(|(_, org)| org))
}

/// Whether a copyright line credits its holder as a maker or a supplier rather than the site: the holder named right after
/// "Powered by", "Theme by", "技术支持" ("Powered by SimpleBoard © SimpleBoard"), or under a data or photo credit ("Market data ©
/// Morningstar"). A line that credits an engine and then names the site's own holder ("Powered by 0722ren.com 随州人才网版权所有",
/// dev c150) credits the engine, not the holder.
fn credits_holder(line: &str, holder: &str) -> bool {
    let (line, holder) = (fold(line), fold(holder));
    let credited =
        ["poweredby", "powerby", "designedby", "builtby", "madeby", "themeby", "developedby", "技术支持", "设计制作"]
            .iter()
            .any(|w| line.contains(&format!("{w}{holder}")) || line.contains(&format!("{w}:{holder}")));
    credited || ["data©", "photos©", "images©", "photo©", "image©"].iter().any(|w| line.contains(w))
}

/// The one company a copyright line names beside a domain or a brand ("© 2005-2019 douban.com, all rights
/// reserved 北京豆网科技有限公司", dev c1984), other than a credit.
fn company_in_copyright(lines: &[crate::extract::CopyrightFact]) -> Option<String> {
    static COMPANY: LazyLock<Regex> = LazyLock::new(|| Regex::new(COMPANY_NAME).expect("company in a copyright line"));
    // A credit's label stands before the name ("技术支持：…", "网站建设：…") or its verb after it ("… 提供技术支持").
    let credited = |before: &str, after: &str| {
        let label = before.trim_end_matches([':', '：', ' ']);
        let verb = after.trim_start();
        CREDIT_VERBS.iter().any(|w| label.ends_with(w) || verb.starts_with(w))
    };
    let mut names = lines.iter().flat_map(|line| {
        // Read in simplified characters, named as the line writes it (same byte offsets).
        let read = simplified(&line.text);
        COMPANY
            .find_iter(&read)
            .filter(|m| !credited(&read[..m.start()], &read[m.end()..]))
            .filter(|m| !CREDIT_WORDS.iter().any(|w| m.as_str().contains(w)))
            .map(|m| line.text.get(m.range()).unwrap_or(m.as_str()).to_string())
            .collect::<Vec<_>>()
    });
    let first = names.next()?;
    names.all(|other| other == first).then_some(first)
}

/// Words that make a company's mention a credit or a sentence, not the name of who runs the site.
const CREDIT_WORDS: [&str; 7] = ["由", "归", "支持", "提供", "制作", "设计", "合作"];
/// What a credit says a company did for the site, as the label before its name or the verb after it.
const CREDIT_VERBS: [&str; 9] = ["支持", "技术支持", "提供", "制作", "设计", "合作", "建设", "维护", "开发"];
/// A Chinese company's full name by its legal form.
const COMPANY_NAME: &str = r"\p{Han}[\p{Han}（）()]{3,38}(?:有限责任公司|有限公司)";

/// The page's first heading (h1–h3) that reads as a name: no sentence in it, no date, not left in template
/// syntax. What a page with no title, no h1 and no logo calls itself.
pub(super) fn name_heading(facts: &PageFacts) -> Option<String> {
    facts.headings.iter().map(|h| without_template_syntax(h.trim())).find(|h| {
        !h.is_empty()
            && !h.contains(HEADLINE_MARKS)
            && h.chars().count() <= HEADING_NAME_MAX_CHARS
            && !DATED.is_match(h)
    })
}

/// A Chinese company's full name standing as a part of the title.
fn title_company(title: &str) -> Option<String> {
    title
        .split(TITLE_SEPARATORS)
        .map(str::trim)
        .find(|part| {
            part.starts_with(is_han)
                && ["有限公司", "有限责任公司", "集团"].iter().any(|s| part.ends_with(s))
                && (6..=40).contains(&part.chars().count())
        })
        .map(str::to_string)
}

/// A footer block that is a company's full name (after a parent brand's "X旗下·"), alone or followed by
/// its numbers (filing, licences) or its address ("车好多旧机动车经纪（北京）有限公司  北京市丰台区…", dev c1994).
fn company_line(footer: &str) -> Option<String> {
    static COMPANY_LINE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(&[r"^(?:\S{1,12}旗下\s*[·•]?\s*)?(?P<name>", COMPANY_NAME, r")(?:\s+\S*(?:", &LICENCE_MARKS.join("|"), r").*|\s*[-—–]{2,}\s*\S.*|\s+(?:地址\s*[:：]\s*)?\p{Han}{2,}?(?:省|市|区|县)\S*(?:路|街|道|号|大厦|中心|园|市场)\S*.*)?$"].concat())
            .expect("company line")
    });
    // A sentence ("本网站由…提供") or a credit is no name; two bare company lines (friend links, partners)
    // leave it open which one runs the site.
    let mut names = footer
        .split(" | ")
        .filter_map(|block| COMPANY_LINE.captures(block.trim()).map(|c| c["name"].to_string()))
        .filter(|name| !CREDIT_WORDS.iter().any(|w| name.contains(w)));
    let first = names.next()?;
    names.all(|other| other == first).then_some(first)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::CopyrightFact;

    fn footer(text: &str) -> PageFacts {
        PageFacts { footer_text: text.to_string(), ..PageFacts::default() }
    }

    #[test]
    fn a_bilingual_name_s_chinese_name_is_a_part_of_its_own() {
        let parts: Vec<&str> = name_parts("聖公會青禾小學 s.k.h.qingheprimaryschool|青禾").collect();
        assert!(parts.contains(&"聖公會青禾小學"), "{parts:?}");
        // A name that begins in Latin letters has no Chinese head.
        assert_eq!(name_parts("qq音乐").count(), 1);
        // A closing exclamation and a trailing welcome are no part of a name (dev c1864, c2138).
        assert!(name_parts("欢迎来到青禾医堂!").any(|p| p == "欢迎来到青禾医堂"));
        assert!(name_parts("青禾大学教务处欢迎你!").any(|p| p == "青禾大学教务处"));
        // A name in brackets that closes a title part is a part of its own; one that a headline quotes is not.
        let parts: Vec<&str> = name_parts("駅から徒歩3分の歯医者【青禾歯科クリニック】").collect();
        assert!(parts.contains(&"青禾歯科クリニック"), "{parts:?}");
        assert!(name_parts("青禾区の歯医者「青禾病院」").any(|p| p == "青禾病院"));
        assert!(!name_parts("「青禾病院」で院内感染、職員ら10人陽性").any(|p| p == "青禾病院"));
        assert!(!name_parts("【青禾総合病院】看護師求人").any(|p| p == "青禾総合病院"));
        assert_eq!(name_parts("青禾【未闭合").count(), 1);
        // A name spelt out in Latin letters is longer, folded, than a Chinese one; a Chinese headline as long is not a name.
        assert!(name_parts("greenfieldhousedentalpractice|chesterfield").any(|p| p == "greenfieldhousedentalpractice"));
        assert!(
            !name_parts("青禾市第一人民医院举行二〇二四年度新入职员工岗前培训开班仪式").any(|p| p.ends_with("仪式"))
        );
    }

    #[test]
    fn a_title_left_in_template_syntax_names_nothing_but_what_stands_beside_it() {
        let titled = |t: &str| PageFacts { title: Some(t.into()), ..PageFacts::default() };
        assert!(site_names(&titled("<?php echo CHtml::encode($this->pageTitle); ?>")).is_empty());
        assert!(site_names(&titled("{$site.name|htmlentities}")).is_empty());
        assert_eq!(site_names(&titled("CakePHP: <?= $this->fetch('title') ?>")), ["CakePHP"]);
        // So does a heading or a logo's alt left in it (dev c1074).
        let marked = PageFacts {
            heading: Some("${goods.goodsName?default('')}".into()),
            logo_alt: Some("{{ site.name }}".into()),
            ..PageFacts::default()
        };
        assert!(site_names(&marked).is_empty());
    }

    #[test]
    fn a_page_without_title_or_h1_is_known_by_its_first_heading_that_reads_as_a_name() {
        let facts = |headings: &[&str]| PageFacts {
            headings: headings.iter().map(|h| h.to_string()).collect(),
            ..PageFacts::default()
        };
        assert_eq!(site_names(&facts(&["示例工具箱 example.cn"])), ["示例工具箱 example.cn"]);
        // A notice's heading and a headline are no names.
        assert!(site_names(&facts(&["5月26日上午10点全服维护公告", "别笑！今天成立了"])).is_empty());
    }

    #[test]
    fn a_page_without_a_title_is_known_by_the_brand_its_copyright_names_too() {
        let brand = |title: Option<&str>, holder: &str| PageFacts {
            title: title.map(str::to_string),
            heading: Some("公司理念".into()),
            copyright: vec![CopyrightFact { text: String::new(), holder: Some(holder.into()) }],
            ..PageFacts::default()
        };
        assert_eq!(site_names(&brand(None, "妆点尚品")), ["公司理念", "妆点尚品"]);
        // A company holding the copyright is not the site's name, and a page with a title is known by it.
        assert_eq!(site_names(&brand(None, "广州某某化妆品有限公司")), ["公司理念"]);
        assert_eq!(site_names(&brand(Some("某某美妆"), "妆点尚品")), ["某某美妆", "公司理念"]);
    }

    #[test]
    fn a_page_naming_itself_nowhere_else_is_known_by_the_short_name_it_introduces() {
        let body = "公司简介 上海某某网络科技有限公司（简称“某某网络”）成立于2014年，是一家游戏发行公司。";
        let facts = PageFacts { body_text: body.to_string(), ..PageFacts::default() };
        assert_eq!(site_names(&facts), ["某某网络"]);
        assert_eq!(operator_of(&facts).as_deref(), Some("上海某某网络科技有限公司"));
        // A page with a title is known by it; the introduction adds nothing.
        let titled = PageFacts { title: Some("某某游戏".into()), ..facts };
        assert_eq!(site_names(&titled), ["某某游戏"]);
    }

    #[test]
    fn an_institution_opening_its_about_page_with_what_it_is_names_the_site() {
        let body = "青禾市妇幼保健院是一所二级甲等妇幼保健院，始建于1952年。本院设有妇科、产科、儿科。";
        let facts =
            PageFacts { title: Some("医院介绍".into()), body_text: body.to_string(), ..PageFacts::default() };
        assert_eq!(site_names(&facts), ["青禾市妇幼保健院"]);
        // A company introduced so is no institution.
        let company =
            PageFacts { body_text: "青禾科技是一家软件公司。".to_string(), ..PageFacts::default() };
        assert!(site_names(&company).is_empty());
    }

    #[test]
    fn an_about_page_is_known_by_the_service_it_introduces_and_the_body_behind_it() {
        let body = "网站说明 关于我们 某某SAT，预见你的1400＋ 某某SAT归属于上海某某管理咨询有限公司。网站提供在线做题";
        let facts = PageFacts { body_text: body.to_string(), ..PageFacts::default() };
        assert_eq!(site_names(&facts), ["某某SAT"]);
        assert_eq!(operator_of(&facts).as_deref(), Some("上海某某管理咨询有限公司"));
        let facts = PageFacts {
            body_text: "e某会 是浙江某某科技有限公司精心研发的知识商城".into(), ..facts
        };
        assert_eq!(site_names(&facts), ["e某会"]);
        // "我们是…公司" and a company introducing itself name no service.
        let facts = PageFacts {
            body_text: "我们是某某科技有限公司。甲乙有限公司是丙丁集团".into(), ..facts
        };
        assert!(site_names(&facts).is_empty());
        assert_eq!(operator_of(&facts), None);
    }

    #[test]
    fn a_hospital_signing_its_footer_names_a_page_titled_only_home() {
        let f = PageFacts {
            title: Some("首页".into()),
            footer_text: "某某研究院附属医院 / Affiliated Hospital of Some Institute | 关于医院 | 地址：某某路1号"
                .into(),
            ..PageFacts::default()
        };
        assert_eq!(site_names(&f), ["某某研究院附属医院"]);
        // A column's heading is no body's name.
        let column =
            PageFacts { footer_text: "新闻中心 公司新闻 行业动态 | 帮助中心".into(), ..f.clone() };
        assert!(site_names(&column).is_empty());
        // Partner hospitals listed side by side name no one.
        let f = PageFacts { footer_text: "友情链接 | 甲市人民医院 | 乙市中医医院".into(), ..f };
        assert!(site_names(&f).is_empty());
    }

    #[test]
    fn a_committee_signing_its_footer_runs_the_site() {
        let f = footer("网站地图 | 共青团某某市某某区委员会 京公网安备:110105011222 地址:某某路33号");
        assert_eq!(operator_of(&f).as_deref(), Some("共青团某某市某某区委员会"));
        // A committee's name among others (partner links) leaves it open.
        let f = footer("友情链接 | 某某市发展和改革委员会 | 某某市卫生健康委员会");
        assert_eq!(operator_of(&f), None);
        // A national regulator linked from a broker's footer does not sign it.
        let f = footer("关于我们 | 中国证券监督管理委员会 | 投资者教育");
        assert_eq!(operator_of(&f), None);
    }

    #[test]
    fn a_heading_that_speaks_to_the_visitor_names_nothing_and_the_footer_names_the_site() {
        let mut facts = footer("Copyright(c)2010-2015 武术世家 版权所有 京ICP备11008151号");
        facts.title = Some("index".into());
        facts.heading = Some("我们提供的各年龄段武术课程".into());
        facts.copyright = vec![CopyrightFact { text: String::new(), holder: Some("武术世家".into()) }];
        assert_eq!(site_names(&facts), ["武术世家"]);
    }

    #[test]
    fn a_page_speaking_of_itself_by_name_is_known_by_it() {
        let named = |body: &str| {
            site_names(&PageFacts {
                title: Some("系统维护".into()), body_text: body.into(), ..PageFacts::default()
            })
        };
        assert_eq!(named("系统维护中... 为了您能更好使用某旅行网站,我们将定期进行系统维护"), ["某旅行"]);
        assert_eq!(named("期待与您见面 某某实验学校网站全新上线 天 小时"), ["某某实验学校"]);
        assert_eq!(named("我的订单 关注某某大药房官方微信"), ["某某大药房"]);
        // An app's guide speaks of the app it explains (dev c412).
        assert_eq!(named("拼车使用指南 通过某回出行APP，乘客可以直接发布出行信息"), ["某回出行"]);
        assert!(named("欢迎使用本网站 请访问我们的官网").is_empty());
        // An app's download page (titled only APP下载) names the app it offers, hyphen and all (dev c132).
        let download = PageFacts {
            title: Some("APP下载".into()),
            body_text: "某-WORK 智能办公空间 下载某-WORK 官方应用，享受服务".into(),
            ..PageFacts::default()
        };
        assert_eq!(site_names(&download), ["某-WORK"]);
        // A page that names itself in its title is known by the title alone.
        let titled = PageFacts {
            title: Some("某某网".into()),
            body_text: "关注某某大药房官方微信".into(),
            ..PageFacts::default()
        };
        assert_eq!(site_names(&titled), ["某某网"]);
        // Terms that define the site's name name it beside a section's title (dev c458).
        let defined = PageFacts {
            title: Some("企业信用查询".into()),
            body_text: "“信用某某”官方网站（以下简称“本网站”）为本网站用户提供信用信息查询服务。".into(),
            ..PageFacts::default()
        };
        assert_eq!(site_names(&defined), ["企业信用查询", "信用某某"]);
        assert!(defined_name("本网站（以下简称“本站”）").is_none());
        // A sign-in form asks for the site's own account (dev c854), not another's.
        assert_eq!(account_name("微信登录 使用某票儿账号登录").as_deref(), Some("某票儿"));
        assert!(account_name("使用QQ账号登录 使用微信帐号登录").is_none());
    }

    #[test]
    fn a_title_of_many_parts_offers_a_bounded_number_of_names() {
        let title: String = (0..20_000).map(|i| format!("栏目{i}|")).collect();
        let facts = PageFacts { title: Some(title), ..PageFacts::default() };
        let names = site_names(&facts);
        assert_eq!(names.len(), NAMES_MAX);
        assert_eq!(names[1], "栏目0");
    }

    #[test]
    fn of_holders_alike_the_one_nearer_the_bottom_signs_the_site() {
        // A footer whose copyright lines name these holders, in this order.
        let signed = |lines: &[(&str, &str)]| {
            let mut f = footer(&lines.iter().map(|(text, _)| *text).collect::<Vec<_>>().join(" | "));
            f.copyright = lines
                .iter()
                .map(|(text, holder)| CopyrightFact { text: text.to_string(), holder: Some(holder.to_string()) })
                .collect();
            f
        };
        // A news story's photo credit comes before the site's own line (dev c5724); a longer name is no better claim.
        let f =
            signed(&[("© AFP/ TOSHIFUMI KITAMURA", "AFP/ TOSHIFUMI KITAMURA"), ("© 2011 RIA Novosti", "RIA Novosti")]);
        assert_eq!(operator_of(&f).as_deref(), Some("RIA Novosti"));
        // A board software's credit below the board's own line names its maker.
        let f = signed(&[
            ("© 2024 Example Community", "Example Community"),
            ("Powered by SimpleBoard © 2005-2024 SimpleBoard", "SimpleBoard"),
        ]);
        assert_eq!(operator_of(&f).as_deref(), Some("Example Community"));
        // A data supplier's line credits it, whatever its legal form.
        let f = signed(&[
            ("© 2024 Example Finance", "Example Finance"),
            ("Market data © 2024 Morningstar, Inc.", "Morningstar, Inc."),
        ]);
        assert_eq!(operator_of(&f).as_deref(), Some("Example Finance"));
    }

    #[test]
    fn a_company_on_a_line_of_its_own_runs_a_site_whose_copyright_names_a_brand() {
        let mut f = footer(
            "关于我们 | 联系我们 | © Qiushibaike.com 糗事百科版权所有 | 友际无限（北京）科技有限公司 | 京ICP备14028348号",
        );
        f.copyright = vec![CopyrightFact { text: String::new(), holder: Some("Qiushibaike.com 糗事百科".into()) }];
        assert_eq!(operator_of(&f).as_deref(), Some("友际无限（北京）科技有限公司"));
        let f = footer(
            "三七互娱旗下·上海硬通网络科技有限公司 沪网文[2017]2273-136号 沪ICP备14000728号-2 | 37网游 版权所有",
        );
        assert_eq!(operator_of(&f).as_deref(), Some("上海硬通网络科技有限公司"));
        // Two bare company lines (friend links) name no one; a credit is no name.
        let f = footer("甲乙科技有限公司 | 丙丁网络有限公司 | © 某某网 版权所有");
        assert_eq!(operator_of(&f), None);
        let f = footer("本网站由某某网络科技有限公司 | © 某某网 版权所有");
        assert_eq!(operator_of(&f), None);
        // A company named in running text is not a line of its own; an organisation holding the
        // copyright comes first.
        let mut f =
            footer("本站由某某网络科技有限公司提供技术支持 | 示例科技有限公司 | © 2024 示例集团有限公司 版权所有");
        f.copyright = vec![CopyrightFact { text: String::new(), holder: Some("示例集团有限公司".into()) }];
        assert_eq!(operator_of(&f).as_deref(), Some("示例集团有限公司"));
    }

    #[test]
    fn a_page_named_by_no_footer_is_run_by_the_company_its_title_names() {
        let f = PageFacts {
            title: Some("网站建设|潍坊网站建设|某华科技|昌乐某华电子商务有限公司".into()),
            ..PageFacts::default()
        };
        assert_eq!(operator_of(&f).as_deref(), Some("昌乐某华电子商务有限公司"));
        // A copyright holder comes first.
        let mut f = f;
        f.copyright = vec![CopyrightFact { text: String::new(), holder: Some("某华网络有限公司".into()) }];
        assert_eq!(operator_of(&f).as_deref(), Some("某华网络有限公司"));
    }

    #[test]
    fn a_company_line_may_carry_its_tagline_after_dashes() {
        let f = footer("广东某某医药连锁有限公司---国家药监局认证的合法网上药店 | © 2018 www.example.com");
        assert_eq!(company_line(&f.footer_text).as_deref(), Some("广东某某医药连锁有限公司"));
    }

    #[test]
    fn the_sponsor_line_names_the_operator() {
        let f =
            footer("主办单位：某某市人民政府办公室 承办：某某市大数据中心 网站标识码：1234000001 京ICP备05070218号");
        assert_eq!(operator_of(&f).as_deref(), Some("某某市人民政府办公室"));
        let f = footer("主办：某某大学党委宣传部地址：某某路1号电话：010-1234");
        assert_eq!(operator_of(&f).as_deref(), Some("某某大学党委宣传部"));
        let f = footer("运营单位: 某某科技有限公司 © 2024 某某网 版权所有");
        assert_eq!(operator_of(&f).as_deref(), Some("某某科技有限公司"));
        // The body before its role word, the licence it runs the service under after it (dev c3292).
        let f = footer("青禾乐读科技有限公司运营：浙网文[2015]0415-135号 粤B2-20090191-18");
        assert_eq!(operator_of(&f).as_deref(), Some("青禾乐读科技有限公司"));
        // Any filing or licence number after the role word (a PSB number here) leaves the body before it.
        let f = footer("青禾乐读科技有限公司运营：浙公网安备33010002000001号");
        assert_eq!(operator_of(&f).as_deref(), Some("青禾乐读科技有限公司"));
        // A committee's office signing the footer with its name alone.
        let f = footer("青禾市青禾岛开发建设管理委员会办公室 | 地址：青禾市青禾路1号 | 沪ICP备12345678号");
        assert_eq!(operator_of(&f).as_deref(), Some("青禾市青禾岛开发建设管理委员会办公室"));
    }

    #[test]
    fn a_company_given_under_its_label_runs_the_site_whose_copyright_names_a_brand() {
        // Dev c3602: "公司全称：北京斗牛士文化传媒有限公司 … 人人网©2016".
        let f =
            footer("公司全称：青禾斗牛文化传媒有限公司 公司邮箱：kefu@example.com 公司地址：青禾市某路1号 示例网©2016");
        assert_eq!(operator_of(&f).as_deref(), Some("青禾斗牛文化传媒有限公司"));
        // A template's stand-in under the label is no company.
        let f = footer("公司名称：网站名称 地址：某某路1号");
        assert_eq!(operator_of(&f), None);
    }

    #[test]
    fn a_body_named_before_its_role_word_runs_the_site() {
        let f = footer("中共某某县纪委  某某县监察局主办 备案许可证编号：赣ICP备17015222号-1");
        assert_eq!(operator_of(&f).as_deref(), Some("某某县监察局"));
        let f = footer("本网站由某某市人民政府办公室主办，某某市大数据中心承办");
        assert_eq!(operator_of(&f).as_deref(), Some("某某市人民政府办公室"));
        // The role word may stand apart from the name.
        let f = footer("某某市人民政府办公室 主办 某某日报社 承办");
        assert_eq!(operator_of(&f).as_deref(), Some("某某市人民政府办公室"));
        // 主办单位： is the other form; an event a footer announces is no body.
        let f = footer("主办单位：某某市人民政府办公室");
        assert_eq!(role_lines(&f.footer_text), [(0, "某某市人民政府办公室".to_string())]);
        assert_eq!(operator_of(&footer("2019年第一届论坛主办 联系我们")), None);
        let f = footer("某某自由贸易试验区管理委员会主办");
        assert_eq!(operator_of(&f).as_deref(), Some("某某自由贸易试验区管理委员会"));
    }

    #[test]
    fn a_footer_in_traditional_characters_names_its_bodies_as_written_and_reads_their_kind() {
        let f = footer("主辦單位：某某縣政府");
        assert_eq!(role_lines(&f.footer_text), [(0, "某某縣政府".to_string())]);
        // A public body or a company standing alone in a footer, in either script.
        assert_eq!(operator_of(&footer("臺北市立青禾醫院 | 地址：臺北市某路1號")).as_deref(), Some("臺北市立青禾醫院"));
        assert_eq!(
            operator_of(&footer("青禾網路科技有限公司 | 電話：02-1234-5678")).as_deref(),
            Some("青禾網路科技有限公司")
        );
        // A body is an organisation by its name's ending in either script.
        assert!(is_organisation("醒吾科技大學") && is_organisation("長松工藝有限公司"));
    }

    #[test]
    fn a_contractor_line_is_the_last_resort() {
        let f = footer("承办单位：某某信息中心");
        assert_eq!(operator_of(&f).as_deref(), Some("某某信息中心"));
        assert_eq!(operator_of(&footer("联系我们 网站地图")), None);
    }

    #[test]
    fn a_section_title_lets_the_footer_name_the_site() {
        // jinlingzhongxue news.html (corpus c408): the title is the nav item the page belongs to.
        let f = PageFacts {
            title: Some("学校新闻".to_string()),
            anchor_texts: vec!["首页".to_string(), "学校新闻".to_string(), "招生专栏".to_string()],
            footer_text: "主办单位：某某市实验中学 地址：某某路1号".to_string(),
            ..PageFacts::default()
        };
        assert_eq!(site_names(&f), ["学校新闻", "某某市实验中学"]);
        // A title that is not a nav item is the name, and the footer adds nothing.
        let f = PageFacts { title: Some("某某市实验中学新闻网".to_string()), ..f };
        assert_eq!(site_names(&f), ["某某市实验中学新闻网"]);
    }

    #[test]
    fn an_institution_holding_the_copyright_names_its_site() {
        use crate::extract::CopyrightFact;
        let holder = |h: &str| CopyrightFact { text: format!("© 2020 版权所有 {h}"), holder: Some(h.to_string()) };
        // nju.edu.cn news page (corpus c424): a headline for a title, the centre in the footer.
        let f = PageFacts {
            title: Some("我校召开智慧党建管理服务平台培训及答疑会".to_string()),
            copyright: vec![holder("某某大学信息化建设管理服务中心")],
            ..PageFacts::default()
        };
        assert_eq!(site_names(&f), ["我校召开智慧党建管理服务平台培训及答疑会", "某某大学信息化建设管理服务中心"]);
        // A company holding the copyright is not the site's name.
        let f = PageFacts { copyright: vec![holder("某某网络科技有限公司")], ..f };
        assert_eq!(site_names(&f), ["我校召开智慧党建管理服务平台培训及答疑会"]);
    }

    #[test]
    fn an_article_page_is_known_by_the_brand_of_its_copyright_line() {
        use crate::extract::CopyrightFact;
        let holder = |h: &str| CopyrightFact { text: format!("Copyright © 2019 {h}"), holder: Some(h.to_string()) };
        // guancha.cn article (corpus c029): the title is a columnist and a headline.
        let f = PageFacts {
            title: Some("王文:中美贸易“持久战”,中国人的斗志被激发".to_string()),
            copyright: vec![holder("观察者")],
            ..PageFacts::default()
        };
        assert!(site_names(&f).contains(&"观察者".to_string()));
        // A company is not a brand, and a title that is a name keeps the brand out.
        let f2 = PageFacts { copyright: vec![holder("某某网络科技有限公司")], ..f.clone() };
        assert!(!site_names(&f2).contains(&"某某网络科技有限公司".to_string()));
        let f3 = PageFacts { title: Some("某某网".to_string()), ..f };
        assert_eq!(site_names(&f3), ["某某网"]);
    }

    #[test]
    fn a_breadcrumb_root_names_the_site_unless_it_is_home() {
        assert_eq!(
            breadcrumb_root("字体 中国文明网北京站 > 北京朝阳 > 要闻 正文").as_deref(),
            Some("中国文明网北京站")
        );
        assert_eq!(breadcrumb_root("当前位置： 和讯网 > 股票 > 正文").as_deref(), Some("和讯网"));
        assert_eq!(breadcrumb_root("首页 > 要闻动态 > 政务专题 > 报道"), None);
        assert_eq!(breadcrumb_root("价格 10 > 5 > 2 元"), None);
        // Two items are a comparison as often as a path.
        assert_eq!(breadcrumb_root("示例网 > 新闻"), None);
    }

    #[test]
    fn headlines_are_told_from_names() {
        assert!(is_headline("补壹刀:别笑!18人的“新八国联军”今天成立了"));
        assert!(is_headline("全市城市更新和乡村振兴现场推进会到高新区历下区考察"));
        assert!(!is_headline("济南政府网_济南市人民政府门户网站"));
        assert!(!is_headline("腾讯网"));
    }

    #[test]
    fn a_page_without_a_title_is_known_by_its_sponsor() {
        assert_eq!(site_names(&footer("主办单位：人民医院 东区地址：解放路64号")), ["人民医院"]);
        let f = PageFacts {
            body_text: "登录 注册 欢迎来到百草堂零售网! 购物车".to_string(), ..PageFacts::default()
        };
        assert_eq!(site_names(&f), ["百草堂零售网"]);
        // The greeting ends where the next item of the bar begins (dev c820).
        let f = PageFacts {
            body_text: "您好，欢迎来到宁波某某资源中心 登录 注册".to_string(), ..PageFacts::default()
        };
        assert_eq!(site_names(&f), ["宁波某某资源中心"]);
        // Thanked for visiting on an error page (dev c892).
        let f = PageFacts {
            body_text: "感谢您访问某某药网，您请求的页面现在无法打开！".to_string(),
            ..PageFacts::default()
        };
        assert_eq!(site_names(&f), ["某某药网"]);
    }

    #[test]
    fn an_owner_named_as_such_runs_the_site() {
        let facts = footer("Copyright ©2008-2017 example.me, All Rights Reserved. | 所有方：上海某某信息科技有限公司");
        assert_eq!(operator_of(&facts).as_deref(), Some("上海某某信息科技有限公司"));
    }

    #[test]
    fn a_company_beside_a_domain_in_the_copyright_line_runs_the_site() {
        let line = |text: &str, holder: &str| PageFacts {
            copyright: vec![CopyrightFact { text: text.into(), holder: Some(holder.into()) }],
            ..PageFacts::default()
        };
        let facts = line("© 2005-2019 example.com, all rights reserved 北京某某科技有限公司", "example.com");
        assert_eq!(operator_of(&facts).as_deref(), Some("北京某某科技有限公司"));
        // A company credited for its work is no operator.
        let facts = line("© 2019 example.com 技术支持：某某网络科技有限公司", "example.com");
        assert_eq!(operator_of(&facts).as_deref(), Some("example.com"));
        let facts = line("Copyright © 某某公益基金会 版权所有 某某网络科技有限公司 提供技术支持", "某某公益基金会");
        assert_eq!(operator_of(&facts).as_deref(), Some("某某公益基金会"));
    }

    #[test]
    fn a_company_line_followed_by_its_address_names_the_operator() {
        let facts = footer("关于我们 | 某某旧机动车经纪（北京）有限公司\u{2003}\u{2003}北京市丰台区南四环中路260号");
        assert_eq!(operator_of(&facts).as_deref(), Some("某某旧机动车经纪（北京）有限公司"));
    }
}
