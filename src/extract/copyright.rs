//! Copyright lines in the bottom region (`© 2024 某某公司 版权所有`) and the holder they name.

use std::sync::LazyLock;

use regex::Regex;

use std::collections::HashSet;

use super::budget::{Budget, OutOfTime};
use super::dom::Segment;
use super::{COPYRIGHT_LIMIT, CopyrightFact, Lines};
use crate::text::{is_han, read_as_written, simplified};

/// "All Rights Reserved" however a footer spaces or misspells it ("AllRightsReserved" once its spaces
/// are folded, "All Right Reserved", "All Rigths Reserved": dev c033, c150, r570).
const ALL_RIGHTS_WORDS: &str = r"all\s*ri[a-z]{2,4}\s*reserved";
static MARK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?i)©|copyright|\(c\)\s*\d{{4}}|版权所有|版权归|版权[:：©]|{ALL_RIGHTS_WORDS}"))
        .expect("copyright mark")
});
static HOLDER_AFTER_MARK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:版权所有|版权归属?|版权)\s*[:：•·]?\s*(?:[©@]\s*)?(?P<year>\d{4}\s*(?:[-–—~至]\s*\d{4}\s*)?)?(?P<h>[\p{Han}A-Za-z][^|｜,，。;；©\s]{1,40})")
        .expect("holder after")
});
static HOLDER_BEFORE_MARK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)(?P<h>[\p{{Han}}A-Za-z0-9][\p{{Han}}A-Za-z0-9()（）.&·\- ]{{1,40}}?)\s*(?:版权所有|{ALL_RIGHTS_WORDS})"
    ))
    .expect("holder before")
});
/// What follows an e-mail address's @: a domain and nothing else.
static EMAIL_DOMAIN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^[a-z0-9-]+(?:\.[a-z0-9-]+)+$").expect("e-mail domain"));
/// The same notice as the other languages of the sites a provider hosts write it ("Todos os direitos reservados", "Tous droits
/// réservés", "Alle Rechte vorbehalten", "Все права защищены"): a footer's "© 2024 . Todos los derechos reservados" names nobody.
/// Spaces optional, as in the English form: the holder is also read from the line with its spaces squeezed out. (Turkish's dotless
/// ı has no upper case of its own in case folding: both are written out.)
const ALL_RIGHTS_ELSEWHERE: &str = concat!(
    r"(?:tod[oa]s\s*(?:los|os|as)\s*)?(?:derechos|direitos)\s*reservados|tous\s*(?:les\s*)?droits\s*(?:sont\s*)?r[ée]serv[ée]s",
    r"|alle\s*rechte\s*vorbehalten|tutti\s*i\s*diritti\s*riservati|alle\s*rechten\s*voorbehouden|wszelkie\s*prawa\s*zastrze[żz]one",
    r"|все\s*права\s*защищены|t[üu]m\s*hakla?r[ıiIİ]\s*sakl[ıiIİ]d[ıiIİ]r",
    r"|(?:hak\s*cipta|semua\s*hak)\s*dilindungi(?:\s*(?:oleh\s*)?undang[\s-]*undang)?|bảo\s*lưu\s*mọi\s*quyền|đã\s*đăng\s*ký\s*bản\s*quyền",
);
/// "All Rights Reserved", however written and in whichever language: words of the notice, not of its holder. The group
/// `en` holds the English form.
static ALL_RIGHTS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!("(?i)(?P<en>{ALL_RIGHTS_WORDS})|{ALL_RIGHTS_ELSEWHERE}")).expect("all rights reserved")
});
/// The word that gives a notice's rights to its holder in the other languages ("reservados a Empresa Z", "réservés à"; not read
/// after the English notice, where "A" begins a name: "All Rights Reserved A Plus Academy").
static NOTICE_PREPOSITION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^(?:a\s+favor\s+de|a|à|ao|aos|para)\s+").expect("notice preposition"));
/// The mark's word written apart ("COPY-RIGHT@2017 某某学校", dev c3262; "Copy Right ©"): read as the one word.
static COPYRIGHT_APART: LazyLock<Regex> =
    // An ASCII boundary before it: a name written up to the word ("某某学校COPY-RIGHT") still leaves it a word; a year may follow.
    LazyLock::new(|| Regex::new(r"(?i)(?-u:\b)copy[-\s]right").expect("copyright written apart"));
static LEADING_NOISE: LazyLock<Regex> = LazyLock::new(|| {
    // "Copyright © 2015 by Someone": the "by" of the notice's English form too, written in lower case (a name may
    // begin "By …": "© 2019 By Chloe").
    Regex::new(r"(?i)^(?:\s|copyright|©|@|\(c\)|版权|(?:19|20)[0-9]{2}|[-–—－~至]|[:：,，.]|(?-i:by)\s)+")
        .expect("noise")
});

/// Copyright lines among the footer segments, one per line, at most [`COPYRIGHT_LIMIT`].
pub(crate) fn find(
    segments: &[Segment],
    lines: &Lines,
    footer: &[usize],
    budget: &Budget,
) -> Result<Vec<CopyrightFact>, OutOfTime> {
    let mut out: Vec<CopyrightFact> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut footer_lines: Vec<usize> = footer.iter().map(|&s| lines.of_segment[s]).collect();
    footer_lines.dedup();
    for (i, line) in footer_lines.into_iter().enumerate() {
        if out.len() == COPYRIGHT_LIMIT {
            break;
        }
        if i % 64 == 0 {
            budget.check("copyright")?;
        }
        // A template's expressions are not what a visitor reads: "${firstPage.copyRight}" names a
        // variable, not a copyright (dev r576).
        let text =
            around_first_mark(super::collapse_space(&crate::text::strip_template_syntax(&lines.text(segments, line))));
        // The fact keeps the line as shown; the mark and the holder are read with its word joined.
        let joined = COPYRIGHT_APART.replace_all(&text, "Copyright");
        // Letter-spaced "版 权 所 有" counts too.
        let squeezed: String = joined.chars().filter(|c| !c.is_whitespace()).collect();
        // 版權所有 is read as 版权所有; the holder is reported as the line writes it.
        let (joined_read, squeezed_read) = (simplified(&joined), simplified(&squeezed));
        if !(MARK.is_match(&joined_read) || MARK.is_match(&squeezed_read))
            || is_notice_link(&squeezed_read)
            || seen.contains(&text)
        {
            continue;
        }
        let holder = read_as_written(&joined, holder_of).or_else(|| read_as_written(&squeezed, holder_of));
        out.push(CopyrightFact { text: super::shorten_around(&text, 200), holder });
        seen.insert(text);
    }
    Ok(out)
}

/// Characters kept on each side of a long line's first mark.
const MARK_WINDOW: usize = 200;

/// A line is read whole when it is line-sized; a longer one (a page glued into one block) only
/// around its first mark, where a holder is named: the holder search then costs the same on any page.
fn around_first_mark(text: String) -> String {
    if text.len() <= 8 * MARK_WINDOW {
        return text;
    }
    // The mark is found as everywhere, in simplified characters (版權所有), at the same byte offset.
    let at = MARK.find(&simplified(&text)).map_or(0, |m| m.start());
    let start = text[..at].char_indices().rev().nth(MARK_WINDOW).map_or(0, |(i, _)| i);
    let end = text[at..].char_indices().nth(MARK_WINDOW).map_or(text.len(), |(i, _)| at + i);
    text[start..end].to_string()
}

/// Words that, after 版权, name a notice or its page (版权声明, 版权投诉, 版权保护, 版权说明), not a holder.
const NOTICE_WORDS: [&str; 4] = ["声明", "投诉", "保护", "说明"];

/// "版权声明" and similar navigation entries name a page, not a holder.
fn is_notice_link(squeezed: &str) -> bool {
    squeezed.chars().count() <= 6
        && squeezed
            .match_indices("版权")
            .any(|(i, m)| NOTICE_WORDS.iter().any(|w| squeezed[i + m.len()..].starts_with(w)))
}

/// Phrases that follow 版权所有 and name nobody (and the mark itself, which ends a name written
/// without a space before it: "糗事百科版权所有").
const STOCK_PHRASES: [&str; 17] = [
    "版权所有",
    "复制必究",
    "翻版必究",
    "侵权必究",
    "违者必究",
    "未经授权",
    "未经许可",
    "不得转载",
    "禁止复制",
    "保留所有权利",
    "保留一切权利",
    "All Rights Reserved",
    "Some Rights Reserved",
    "all rights",
    "转载请注明",
    "版权声明",
    "版权所属",
];
/// Holders that themes and templates leave in place: stand-ins for a name, not operators. Lower case
/// without spaces, as a holder is compared: a template writes "Company name" and "Companyname" alike (dev c1674).
const STAND_IN_NAMES: [&str; 7] = ["yourwebsite", "yourcompany", "companyname", "网站名称", "公司名称", "某某", "xxx"];
/// A content system's default footer names its own maker the same way (DedeCMS's "© 2004-2011 DEDECMS. 织梦科技
/// 版权所有", dev c4116, a brush maker's site; EmpireCMS's "Powered by EmpireCMS © 2002-2015 EmpireSoft Inc.", dev c4118).
/// Compared whole (lower case, without spaces; "DEDECMS. 浪潮科技" by its part before the full stop), so a company that
/// merely shares a word keeps its name. Board software signs every board it runs the same way ("Copyright © 2003–2009 PunBB",
/// dev c5804 under the board's own "© Copyright 2005-2011 Symnum Systems"; "Copyright © 2017 vBulletin Solutions, Inc.";
/// "© 2001-2012 Comsenz Inc.", Discuz!'s maker).
const CONTENT_SYSTEM_MAKERS: [&str; 17] = [
    "dedecms",
    "织梦科技",
    "empiresoft",
    "punbb",
    "fluxbb",
    "phpbb",
    "phpbblimited",
    "phpbbgroup",
    "mybb",
    "mybbgroup",
    "vbulletinsolutions",
    "comsenz",
    "phpwind",
    "xenforo",
    "jelsoftenterprises",
    "simplemachines",
    "invisionpowerservices",
];
/// Latin legal forms (lower case, as a holder is compared): alone they name nobody, after a maker's name they are still
/// the maker ("Comsenz Inc.", "XenForo Ltd.", "Simple Machines LLC").
const LEGAL_FORMS: [&str; 9] = ["inc", "ltd", "llc", "co", "corp", "gmbh", "s.a", "sa", "ag"];
/// A holder as [`CONTENT_SYSTEM_MAKERS`] are compared: its part before the first full stop, letters and digits only
/// ("vBulletin Solutions, Inc." and "vBulletin Solutions Inc" alike).
fn maker_key(squeezed: &str) -> String {
    squeezed.split('.').next().unwrap_or_default().chars().filter(|c| c.is_alphanumeric()).collect()
}
/// Whether a holder's [`maker_key`] is a content system's maker, with or without its legal form.
fn is_content_system_maker(key: &str) -> bool {
    let maker = |k: &str| CONTENT_SYSTEM_MAKERS.contains(&k);
    maker(key) || LEGAL_FORMS.iter().any(|form| key.strip_suffix(form).is_some_and(maker))
}
/// A credit to whoever made the theme, which a footer may run into the holder's name (lower case; an engine's
/// "Powered by" is cut off the holder first, [`TRAILING_CREDIT`]).
const THEME_CREDIT: &str = "theme";
/// An engine's credit before the holder ("Powered by 0722ren.com 随州人才网版权所有", dev c150), its maker's Latin name with
/// it, and a credit after the holder ("Road Home Band - Powered by Octopress", dev c194; "版权所有PowerbyDedeCms", a line read
/// without its spaces, dev c4116): cut off, spaced or not.
static LEADING_CREDIT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^power(?:ed)?\s*by\s*[:：]?\s*[A-Za-z0-9.\-]+\s*").expect("leading credit"));
static TRAILING_CREDIT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)[\s\-–—|]*power(?:ed)?\s*by.*$").expect("trailing credit"));
/// Words of a notice forbidding reproduction, which some footers run straight into the holder's name.
const REPRODUCTION_NOTICE: [&str; 5] = ["转载", "未经", "不得", "请勿", "禁止"];
/// Holders a reprint notice gives ("版权归原作者所有", "版权归原作者及网站所有"): whoever wrote the
/// article, not whoever runs the site.
const REPRINT_HOLDERS: [&str; 7] = ["原作者", "原创作者", "原文作者", "作者本人", "原网站", "原出处", "原著作权人"];
/// The word every public reporting body's name carries (举报中心, 举报网站, 举报平台).
const REPORTING: &str = "举报";
/// Where a filing or licence number begins in a copyright line (upper-cased): a holder is never part of one.
const NUMBER_MARKS: [&str; 4] = ["ICP", "公网安备", "B2-", "B1-"];
/// The bars footers set between their parts: the ASCII and full-width ones, and the CJK stroke 丨 that
/// Chinese footers use as one ("©2014 - 2020 某某游戏 丨京ICP备…", dev c1184). No name has one inside.
const BARS: [char; 3] = ['|', '｜', '丨'];
/// What a holder never ends with: punctuation, a dash, a bar.
const TRAILING: [char; 9] = ['.', ',', '，', '。', ' ', '-', '|', '｜', '丨'];
/// Words that end an organisation's name.
const ORG_SUFFIXES: [&str; 33] = [
    "中学",
    "小学",
    "分校",
    "公司",
    "集团",
    "报社",
    "传媒",
    "网",
    "中心",
    "研究院",
    "研究所",
    "医院",
    "大学",
    "学院",
    "学校",
    "学会",
    "协会",
    "委员会",
    "局",
    "厅",
    "政府",
    "办公室",
    "室",
    "社",
    "台",
    "馆",
    "所",
    "部",
    "院",
    "站",
    "商报",
    "日报",
    "有限公司",
];
/// A Chinese company's legal forms at the end of its name, the longest first (a 股份有限公司 is also a 有限公司).
pub const COMPANY_FORMS: [&str; 3] = ["股份有限公司", "有限责任公司", "有限公司"];
const LATIN_ORG: [&str; 8] = ["ltd", "inc", "co.", "corp", "corporation", "limited", "gmbh", "llc"];

/// Whether a name reads as an organisation (a company, a body) rather than a brand or a domain. A
/// short qualifier in brackets after the name does not change what it is: a tobacco monopoly bureau
/// that is also a company signs as 某某烟草专卖局（公司）.
pub fn is_organisation(name: &str) -> bool {
    let name = simplified(without_qualifier(name));
    let lower = name.to_lowercase();
    ORG_SUFFIXES.iter().any(|s| name.ends_with(s)) || LATIN_ORG.iter().any(|s| lower.contains(s))
}

/// The name before a closing bracketed qualifier of a few characters ("（公司）", "(集团)"), else the name.
fn without_qualifier(name: &str) -> &str {
    let Some(inner) = name.strip_suffix([')', '）']) else { return name };
    match inner.rfind(['(', '（']) {
        Some(open) if open > 0 && inner[open..].chars().count() <= QUALIFIER_MAX_CHARS => &inner[..open],
        _ => name,
    }
}

/// The longest bracketed qualifier read as one, with its opening bracket.
const QUALIFIER_MAX_CHARS: usize = 7;

/// A web address standing where a holder's name stands ("www.example.com", "example.com.cn"): a host name
/// by the scanner's own grammar of one.
fn is_address(s: &str) -> bool {
    crate::domain::normalise_host(s.trim_end_matches(TRAILING)).is_ok()
}

/// A holder's text without the marks, years and separators before it ("© 2017-2018 "). A year is a token of its own: four
/// digits glued to more of a name — another digit, or a dot and a lower-case domain name — start the holder instead
/// ("© 2021 1905.com", "© 2021 20185.com").
fn without_leading_noise(h: &str) -> &str {
    let Some(m) = LEADING_NOISE.find(h) else { return h };
    let (noise, rest) = h.split_at(m.end());
    let year_end = noise.trim_end_matches('.');
    let ends_in_year = year_end.len() >= 4 && year_end.as_bytes()[year_end.len() - 4..].iter().all(u8::is_ascii_digit);
    let glued = rest.starts_with(|c: char| c.is_ascii_digit())
        || (year_end.len() < noise.len() && rest.starts_with(|c: char| c.is_ascii_lowercase()));
    if ends_in_year && glued { &h[year_end.len() - 4..] } else { rest }
}

/// A text without the marks, years and dashes it starts with ("© 2017-2018", "(c) 2019.").
fn without_years_and_marks(s: &str) -> &str {
    s.trim_start_matches(|c: char| "©@-–—－~至,，.()".contains(c) || c.is_whitespace() || c.is_ascii_digit())
}

/// What follows an "All Rights Reserved" that opens a holder candidate: the holder when the notice runs straight into it ("All
/// Rights Reserved 新浪公司", r018; "Todos os direitos reservados a Empresa Z", without the preposition that gives it the rights).
/// In the other languages a footer names its holder before the notice, and what follows it past a full stop, a dash or a bar is
/// the footer's next item ("… reservados. Desenvolvido por Agência X", "… vorbehalten. Impressum"); an English notice's "All
/// Rights Reserved. 某某学院" still names the college (dev c2930). A Latin name glued to a notice in another language (the line
/// read with its spaces squeezed out) cannot be told from a preposition before it ("…reservadosaEmpresaZ").
fn holder_after_notice(rest: &str, english: bool) -> String {
    if english {
        return without_leading_noise(rest).to_string();
    }
    let glued = rest.starts_with(|c: char| c.is_alphabetic() && !is_han(c));
    let next_item = rest.trim_start().starts_with(['.', '-', '–', '—', '|', '·', ',', ';']);
    if glued || next_item {
        return String::new();
    }
    NOTICE_PREPOSITION.replace(without_leading_noise(rest), "").to_string()
}

/// The organisation or person a copyright line names, if any: of every candidate in the line, a
/// Chinese organisation's name first.
pub fn holder_of(line: &str) -> Option<String> {
    // A notice that gives the copyright of several works to several owners ("…版权归College Board所有；
    // …版权归Princeton Review所有", dev c922) attributes others' content; it names no holder of the site.
    if line.matches("版权归").count() >= 2 {
        return None;
    }
    // "本活动最终解释权归X所有" is a promotion's terms (who interprets its rules), not a copyright (dev c230).
    if line.contains("解释权") {
        return None;
    }
    let cleaned = |h: &str| -> Option<String> {
        // "版权所有归X所有" (dev c2912): the holder is X, whatever follows its last 所有 (a builder's credit; a name may hold
        // 所有 itself, 律师事务所有限公司).
        let h = match h.trim().strip_prefix('归').and_then(|rest| rest.rsplit_once("所有")) {
            Some((name, _)) if !name.trim().is_empty() => name,
            _ => h,
        };
        let h = LEADING_CREDIT.replace(h.trim(), "");
        let h = TRAILING_CREDIT.replace(&h, "");
        let h = without_leading_noise(h.trim());
        // The notice's words before the holder are dropped ("All Rights Reserved 新浪公司", r018); after it,
        // they end it ("ReneCell. All right reserved. Designed with by …", r326).
        let h = match ALL_RIGHTS.captures(h) {
            Some(c) => {
                let notice = c.get(0).expect("the whole match");
                if h[..notice.start()].trim().is_empty() {
                    holder_after_notice(&h[notice.end()..], c.name("en").is_some())
                } else {
                    h[..notice.start()].to_string()
                }
            }
            None => h.to_string(),
        };
        let mut h = h.trim().trim_end_matches(TRAILING).trim().to_string();
        for stock in STOCK_PHRASES {
            // ASCII case folding keeps every byte where it was: the index is one of `h`'s (full
            // lower-casing can change a letter's length, "İ", and cut inside the next character).
            if let Some(i) = h.to_ascii_lowercase().find(&stock.to_ascii_lowercase()) {
                h.truncate(i);
            }
        }
        // A Latin name's sentence ends at its full stop when Chinese follows ("SegmentFault. 当前呈现版本
        // 17.06.16", dev c900); "Example Inc. 版权所有" keeps its "Inc".
        if let Some(i) = h.find(". ").filter(|&i| {
            h[i + 2..].starts_with(is_han)
                && !["inc", "ltd", "co", "corp"].iter().any(|a| h[..i].to_ascii_lowercase().ends_with(a))
        }) {
            h.truncate(i);
        }
        // A labelled field ("地址:…", "联系电子邮箱:wlwh@…") is no part of a name: the name ends at the
        // space before the label, and a line that starts with one names nobody.
        if let Some(i) = h.find([':', '：', '@']) {
            let cut = h[..i].rfind(char::is_whitespace).unwrap_or(0);
            h.truncate(cut);
        }
        let h = h.trim().trim_end_matches(TRAILING).trim();
        // A company's legal form cut from its name ("…Solutions, Inc. All rights reserved" read from the comma) names nobody.
        let legal_form_alone = LEGAL_FORMS.contains(&h.trim_end_matches('.').to_ascii_lowercase().as_str());
        let meaningful = h.chars().filter(|c| c.is_alphabetic()).count() >= 2 && !legal_form_alone;
        // "号-2浙…": the tail of a filing number run into the next one.
        let is_number = h.to_ascii_uppercase().contains("ICP") || h.contains("公网安备") || h.starts_with('号');
        // "…和版权声明 Copyright©2013 优酷 youku.com 版权所有" (dev c3444, c3160): 版权 is the start of a word there
        // (版权声明, 版权投诉, 版权保护), not the mark before a holder.
        let is_mark_rest =
            h.starts_with("所有") || h.starts_with('归') || NOTICE_WORDS.iter().any(|w| h.starts_with(w));
        // "版权归X所有": the holder is X.
        let h = h.strip_suffix("所有").map_or(h, str::trim_end);
        let lower = h.to_lowercase();
        let squeezed: String = lower.chars().filter(|c| !c.is_whitespace()).collect();
        let is_default = STAND_IN_NAMES.iter().any(|d| squeezed.contains(d))
            || is_content_system_maker(&maker_key(&squeezed))
            || lower.contains(THEME_CREDIT);
        let is_reprint = REPRINT_HOLDERS.iter().any(|r| h.starts_with(r));
        // Every Chinese footer links the public reporting bodies (中国互联网不良信息举报中心, 12318全国文化市场
        // 举报网站, dev c140), often inside the copyright line: they receive complaints, they hold nothing.
        let is_report_body = h.contains(REPORTING);
        (meaningful && !is_number && !is_mark_rest && !is_default && !is_reprint && !is_report_body)
            .then(|| h.to_string())
    };
    let han = |h: &str| h.chars().any(is_han);
    let mut candidates: Vec<String> = Vec::new();
    let mut add = |raw: &str| {
        // "南京市某中学 苏ICP备…": the holder ends where a number (and its province) begins.
        // ASCII upper-casing keeps every byte offset, so a lower-case "苏icp备" is cut where it stands.
        let upper = raw.to_ascii_uppercase();
        let raw = match NUMBER_MARKS.iter().filter_map(|m| upper.find(m)).min() {
            Some(i) => {
                let head = raw[..i].trim_end();
                let mut rest = head.chars();
                match (rest.next_back(), rest.clone().next_back()) {
                    (Some(c), Some(b)) if han(&c.to_string()) && (b == ' ' || BARS.contains(&b)) => {
                        rest.as_str().trim_end()
                    }
                    _ => head,
                }
            }
            None => raw,
        };
        if let Some(h) = cleaned(raw) {
            // "和讯网 北京和讯在线信息咨询服务有限公司": each Chinese organisation in it may be the holder.
            if h.contains(' ') {
                candidates.extend(h.split(' ').filter(|p| han(p) && is_organisation(p)).filter_map(cleaned));
            }
            candidates.push(h);
        }
    };
    for c in HOLDER_BEFORE_MARK.captures_iter(line) {
        // "浙ICP备…号-2 浙公网安备 …号 杭州某某科技有限公司版权所有" (dev c900): the numbers run up to the
        // holder, which is what follows the last of them.
        let h = &c["h"];
        // The window before the mark may open inside a Latin word ("Copyright(c)www.example.com All Right Reserved.
        // 版权所有…" read from "pyright", dev c2912): a cut word is no part of a name.
        let before = &line[..c.get(0).map_or(0, |m| m.start())];
        let starts_mid_word = before.ends_with(|ch: char| ch.is_ascii_alphanumeric())
            && h.starts_with(|ch: char| ch.is_ascii_alphanumeric());
        let h = if starts_mid_word { h.trim_start_matches(|ch: char| ch.is_ascii_alphanumeric()) } else { h };
        // "by lshaluminum 1169558697@qq.com. all right reserved" (dev c2876): an e-mail address's domain is no part of the
        // holder, which is what follows it, if anything ("Copyright@2017 某某公司", where @ stands for ©, has no domain).
        let h = match h.split_once(' ') {
            Some((domain, rest)) if before.ends_with('@') && EMAIL_DOMAIN.is_match(domain.trim_end_matches('.')) => {
                rest
            }
            None if before.ends_with('@') && EMAIL_DOMAIN.is_match(h.trim().trim_end_matches('.')) => continue,
            _ => h,
        };
        // "不得转载本网站之所有招聘信息及作品 某某招聘网版权所有" (dev c798): a reproduction notice runs up to
        // the holder, which is the last word before the mark.
        let h = match h.rsplit_once(' ') {
            Some((notice, last)) if REPRODUCTION_NOTICE.iter().any(|w| notice.contains(w)) => last,
            _ => h,
        };
        let upper = h.to_ascii_uppercase();
        let numbered = NUMBER_MARKS.iter().any(|m| upper.contains(m));
        match h.rfind('号').filter(|_| numbered).map(|i| h[i + '号'.len_utf8()..].trim()) {
            Some(tail) if !tail.is_empty() => add(tail),
            _ => add(h),
        }
    }
    for c in HOLDER_AFTER_MARK.captures_iter(line) {
        // "版权所有2016 某某检测中心": a Chinese name after the year is the holder; a Latin one is read
        // whole after the © below ("版权所有 © 2016 PENTA LILL", where this match stops at the space).
        if c.name("year").is_some() && !c["h"].starts_with(is_han) {
            continue;
        }
        // "版权所有 Power by DedeCms" (dev c4116): a Latin word followed by "by" begins a credit to a maker, not a holder.
        let after = line[c.get(0).map_or(line.len(), |m| m.end())..].trim_start();
        let by_follows = after.get(..2).is_some_and(|w| w.eq_ignore_ascii_case("by"))
            && !after[2..].starts_with(|ch: char| ch.is_ascii_alphanumeric());
        if by_follows && !c["h"].starts_with(is_han) {
            continue;
        }
        add(&c["h"]);
        // "版权所有:www.0771nanke.com 南宁中山医院" (dev c1678): the site's address, then the body's name.
        if is_address(&c["h"]) {
            let rest = line[c.get(0).map_or(line.len(), |m| m.end())..].trim_start();
            if let Some(name) = rest.split(char::is_whitespace).next().filter(|n| n.starts_with(is_han)) {
                add(name);
            }
        }
    }
    // "河南某某科技有限公司 Copyright © 2016 Brand": the organisation written before the mark.
    let mark_at = line.find('©').into_iter().chain(line.to_ascii_lowercase().find("copyright")).min();
    if let Some(head) = mark_at.map(|i| &line[..i]) {
        // "某某局（公司） - Copyright …", "某某局（公司）| Copyright …": a dash or a bar between them separates.
        let mut words = head.split_whitespace().rev().map(|w| w.trim_end_matches(TRAILING)).filter(|w| !w.is_empty());
        let (before, credit) = (words.next(), words.next().map(str::to_lowercase));
        // "Theme By 某某传媒 Copyright …" credits a theme's author, not the holder.
        let is_credit = credit
            .is_some_and(|w| ["by", "theme", "powered", "技术支持", "设计", "制作"].iter().any(|c| w.ends_with(c)));
        // "SUPERXSCHOOL ©2017-2018" (dev c1930): with nothing but years after the mark, the name before it
        // is the holder, whatever it is called.
        // "教育部 © 2024 版权所有" (round sixty-one, dev c5788): the notice's own words after the years name nobody either.
        let nothing_after = mark_at.is_some_and(|i| {
            let tail = without_years_and_marks(&line[i..]).to_ascii_lowercase();
            let tail = without_years_and_marks(tail.trim_start_matches("copyright"));
            // … but not when a Latin name follows it ("青禾 © 2016 版权所有 PENTA LILL" names PENTA LILL); a number, a reprint
            // notice or "All Rights Reserved" after it names nobody.
            let after_notice = tail.strip_prefix("版权所有").map(str::trim_start);
            tail.is_empty()
                || after_notice.is_some_and(|rest| {
                    !rest.starts_with(|c: char| c.is_ascii_alphabetic())
                        || ALL_RIGHTS.find(rest).is_some_and(|m| m.start() == 0)
                        || rest.to_ascii_uppercase().contains("ICP")
                })
        });
        if let Some(before) = before.filter(|b| !is_credit && han(b) && is_organisation(b)) {
            add(before);
        } else if nothing_after && !is_credit {
            // The name is what stands after the last bar or wide gap, a few words at most.
            let name = head.rsplit(BARS).next().unwrap_or(head).rsplit("  ").next().unwrap_or(head).trim();
            if (1..=4).contains(&name.split_whitespace().count()) {
                add(name);
            }
        }
    }
    // After each © (a line may say it twice: "Brand©2007-2016 黑ICP备… 版权所有 © 2016 Brand", dev c154, where the
    // first is followed by the number), or else after the first "Copyright".
    let mut after_symbols: Vec<&str> = line.split('©').skip(1).collect();
    if after_symbols.is_empty() {
        let lower = line.to_ascii_lowercase();
        after_symbols.extend(lower.find("copyright").map(|i| &line[i + "copyright".len()..]));
    }
    for rest in after_symbols {
        let stop = rest.find(BARS).unwrap_or(rest.len());
        let rest = rest[..stop].trim_start_matches(|c: char| {
            // Not the letters of "(c)" one by one: that ate the C of a following "Copyright" (the
            // holder read "opyright 1999 OVHcloud"); the holder's cleaning drops a "(c)" or "Copyright".
            c == '©' || c == '@' || c.is_whitespace() || c.is_ascii_digit() || "-–—－~至,，".contains(c)
        });
        add(rest.split("  ").next().unwrap_or(""));
    }
    // A Chinese organisation's full name first; then any organisation; then Chinese; whole words.
    candidates
        .into_iter()
        .enumerate()
        .max_by_key(|(i, h)| {
            (
                is_organisation(h) && han(h),
                is_organisation(h),
                han(h),
                !h.contains(' '),
                h.chars().count(),
                std::cmp::Reverse(*i),
            )
        })
        .map(|(_, h)| h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_before_the_mark_with_only_years_after_it_is_the_holder() {
        assert_eq!(holder_of("SUPERXSCHOOL ©2017-2018").as_deref(), Some("SUPERXSCHOOL"));
        assert_eq!(holder_of("关于我们 | Example Studio © 2019.").as_deref(), Some("Example Studio"));
        // A credit before the mark is not the holder.
        assert_eq!(holder_of("Theme by Someone ©2019"), None);
    }

    #[test]
    fn a_content_system_s_default_footer_names_its_maker_not_a_holder() {
        for line in [
            "© 2004-2011 织梦科技 版权所有",
            "Copyright © 2012-2021 DEDECMS. 浪潮科技 版权所有",
            "Powered by EmpireCMS 7.2 © 2002-2015 EmpireSoft Inc.",
        ] {
            assert_eq!(holder_of(line), None, "{line}");
        }
        // A company that merely shares the maker's word keeps its name.
        assert_eq!(holder_of("© 2020 杭州织梦科技有限公司 版权所有").as_deref(), Some("杭州织梦科技有限公司"));
    }

    #[test]
    fn a_latin_word_followed_by_by_begins_a_credit() {
        for (line, holder) in [
            ("版权所有 Power by DedeCms", None),
            ("版权所有 Power by: DedeCms", None),
            ("版权所有PowerbyDedeCms", None),
            // A credit before or after the holder is cut off, spaced or not.
            ("Powered by 0722ren.com 随州人才网版权所有", Some("随州人才网")),
            ("Copyright © 2014 - Road Home Band - Powered by Octopress", Some("Road Home Band")),
            ("Copyright©2014-RoadHomeBand-PoweredbyOctopress", Some("RoadHomeBand")),
            // A Chinese holder with a credit straight after it is still the holder.
            ("版权所有 青禾工作室 by 某某", Some("青禾工作室")),
            // "Byte…" is a word, not "by".
            ("版权所有 Qinghe Bytes", Some("Qinghe")),
        ] {
            assert_eq!(holder_of(line).as_deref(), holder, "{line}");
        }
    }

    #[test]
    fn holders() {
        assert_eq!(holder_of("© 2024 北京示例科技有限公司 版权所有").as_deref(), Some("北京示例科技有限公司"));
        // A second © names the holder when the first is followed by a number.
        assert_eq!(holder_of("青禾©2007-2016 黑ICP备53 版权所有 © 2016 PENTA LILL").as_deref(), Some("PENTA LILL"));
        // The CJK stroke 丨 is a footer's bar: the holder ends before it and the number's province after it.
        assert_eq!(holder_of("©2014 - 2020 青禾游戏 丨京ICP备11000000号-2").as_deref(), Some("青禾游戏"));
        // "All Rights Reserved", spaced, folded or misspelt, is the notice's, not the holder's.
        assert_eq!(holder_of("AllRightsReserved 示例公司 版权所有").as_deref(), Some("示例公司"));
        assert_eq!(holder_of("© 2019 Example. All Right Reserved. Designed by Someone").as_deref(), Some("Example"));
        assert_eq!(holder_of("© 2015- . All Rights Reserved. 豫").as_deref(), None);
        // With no © (a theme draws it as an icon), the misspelt notice is still the mark and names what stands before it
        // (dev c4604: "Fukami eye clinic All Right Reserved.").
        assert_eq!(holder_of("Fukami eye clinic All Right Reserved.").as_deref(), Some("Fukami eye clinic"));
        // Board software's own line names its maker, not the board's holder.
        assert_eq!(holder_of("Copyright © 2003–2009 PunBB."), None);
        assert_eq!(holder_of("Copyright © 2017 vBulletin Solutions, Inc. All rights reserved."), None);
        assert_eq!(holder_of("Copyright © 2017 vBulletin Solutions Inc"), None);
        // The maker with its legal form is the maker still; the legal form alone names nobody.
        assert_eq!(holder_of("© 2001-2012 Comsenz Inc."), None);
        assert_eq!(holder_of("Copyright © 2019 Simple Machines LLC"), None);
        // The name before the mark when the years and 版权所有 are all that follow it (dev c4686, c5788).
        assert_eq!(holder_of("七闻论坛 © 2024 版权所有").as_deref(), Some("七闻论坛"));
        assert_ne!(holder_of("青禾 © 2016 版权所有 PENTA LILL").as_deref(), Some("青禾"));
        assert_eq!(holder_of("七闻论坛 © 2024 版权所有 粤ICP备12345678号-1").as_deref(), Some("七闻论坛"));
        assert_eq!(holder_of("七闻论坛 © 2024 版权所有 未经许可不得转载").as_deref(), Some("七闻论坛"));
        // The domain of an e-mail address before the notice is not its holder; what the line names by © is.
        assert_eq!(
            holder_of("Copyright © 2015-05-05 by example 12345@qq.com.  all right reserved").as_deref(),
            Some("example")
        );
        assert_eq!(holder_of("Copyright © 2015 by Jo 1@qq.com. All Rights Reserved").as_deref(), Some("Jo"));
        assert_eq!(holder_of("admin@example.com Example Ltd All Rights Reserved").as_deref(), Some("Example Ltd"));
        // A name that begins with "By" keeps it; the notice's own "by" is written in lower case.
        assert_eq!(holder_of("© 2019 By Chloe All Rights Reserved").as_deref(), Some("By Chloe"));
        // Other words reserved are no notice ("all rooms reserved").
        assert_eq!(holder_of("Example Hotel all rooms reserved for members").as_deref(), None);
        // A domain of digits is the holder, not more years: only years of this era are stripped (dev c3766).
        assert_eq!(holder_of("Copyright © 2007-2018 05273.cn All Rights Reserved.").as_deref(), Some("05273.cn"));
        assert_eq!(holder_of("© 2021 1905.com 版权所有").as_deref(), Some("1905.com"));
        assert_eq!(holder_of("© 2021 20185.com 版权所有").as_deref(), Some("20185.com"));
        assert_eq!(holder_of("© 2019. 示例科技有限公司 版权所有").as_deref(), Some("示例科技有限公司"));
        assert_eq!(holder_of("©2017 示例科技有限公司版权所属").as_deref(), Some("示例科技有限公司"));
        // The body's name after the mark's bullet, or after the site's address, over the address (dev c3644, c1678).
        assert_eq!(
            holder_of("Copyright © 2015 example.com All Rights Reserved 版权所有•青禾自主烤肉").as_deref(),
            Some("青禾自主烤肉")
        );
        assert_eq!(
            holder_of("CopyRight @ 2011 版权所有:www.example.com 青禾中山医院").as_deref(),
            Some("青禾中山医院")
        );
        // A notice's link names a page, whichever notice it is.
        assert!(is_notice_link("版权声明") && is_notice_link("版权保护") && is_notice_link("版权投诉"));
        assert!(!is_notice_link("青禾版权所有"));
        // 版权 opening a word (版权声明) is no mark before a holder (dev c3444).
        assert_eq!(
            holder_of("请阅读青禾使用协议和版权声明 Copyright©2013 青禾 qinghe.com 版权所有").as_deref(),
            Some("青禾 qinghe.com")
        );
        // "版权所有归X所有" names X, however the line began and whatever credit follows.
        assert_eq!(
            holder_of(
                "Copyright(c)www.www.com All Right Reserved.   版权所有归北京示例律师事务所有限公司所有某某网络技术支持"
            )
            .as_deref(),
            Some("北京示例律师事务所有限公司")
        );
        assert_eq!(holder_of("版权所有：江苏示例有限公司").as_deref(), Some("江苏示例有限公司"));
        assert_eq!(holder_of("© Copyright 1999 OVHcloud").as_deref(), Some("OVHcloud"));
        assert_eq!(
            holder_of("Copyright © 2011-2018 SegmentFault. 当前呈现版本 17.06.16").as_deref(),
            Some("SegmentFault")
        );
        assert_eq!(
            holder_of("浙ICP备 15005796号-2 浙公网安备 33010602002000号 杭州堆叠科技有限公司版权所有").as_deref(),
            Some("杭州堆叠科技有限公司")
        );
        assert_eq!(holder_of("© (C) 2020 Example Ltd").as_deref(), Some("Example Ltd"));
        // The organisation before the mark, past a dash or a bar, with a qualifier in brackets (dev c1510, c1512).
        for line in [
            "青禾省烟草专卖局(公司) - Copyright 2003 - 2009 QH-Tobacco.",
            "青禾省烟草专卖局（公司）| Copyright 2003 QH-Tobacco",
        ] {
            assert!(holder_of(line).is_some_and(|h| h.starts_with("青禾省烟草专卖局")), "{line}");
        }
        // A template's stand-in name, spaced or not (dev c1674).
        assert_eq!(holder_of("Copyright © 2022 Companyname All rights reserved"), None);
        // A year between the mark and the holder (dev c1504).
        assert_eq!(holder_of("版权所有2016 青禾纺织检测中心").as_deref(), Some("青禾纺织检测中心"));
        // The tail of a filing number run into the mark names nobody.
        assert_eq!(holder_of("号-2浙 版权所有"), None);
        // A reproduction notice run into the holder (dev c798).
        assert_eq!(
            holder_of("未经 Example.com 同意，不得转载本网站之所有招聘信息及作品 智汇招聘网版权所有© 1997-2017")
                .as_deref(),
            Some("智汇招聘网")
        );
        // An @ written for the © (dev c832).
        assert_eq!(holder_of("版权所有 @ 南京示例大学 计算机学院").as_deref(), Some("南京示例大学"));
        assert_eq!(holder_of("Copyright © 2009-2019 Example Inc. All Rights Reserved").as_deref(), Some("Example Inc"));
        assert_eq!(holder_of("© 2005－2024 douban.com").as_deref(), Some("douban.com"));
        assert_eq!(holder_of("Copyright ©"), None);
        assert_eq!(holder_of("© 1997-2020 网易公司版权所有 About NetEase").as_deref(), Some("网易公司"));
        assert_eq!(holder_of("长江互动传媒网版权所有 未经授权禁止复制和建立镜像").as_deref(), Some("长江互动传媒网"));
        // A brand that starts with digits; a contact line after the mark names nobody.
        assert_eq!(
            holder_of("37网游 版权所有 文化部网络游戏举报和联系电子邮箱:wlwh@vip.sina.com 纠纷处理方式").as_deref(),
            Some("37网游")
        );
        assert_eq!(
            holder_of("广州虎牙信息科技有限公司 版权所有 © 2016-2017 huya.com 12318全国文化市场举报网站 中国互联网不良信息举报中心 客服&举报电话:020-82120010").as_deref(),
            Some("广州虎牙信息科技有限公司")
        );
        // The mark written straight after the name ends it.
        assert_eq!(holder_of("© Qiushibaike.com 糗事百科版权所有").as_deref(), Some("Qiushibaike.com 糗事百科"));
        // A letter whose lower case is longer than itself before the mark does not move the cut.
        assert_eq!(holder_of("© İzmir 版权所有").as_deref(), Some("İzmir"));
        // "All rights reserved" in Chinese names nobody.
        assert_ne!(
            holder_of("版权所有 保留一切权利 Copyright 2016-2018 www.160dyf.com").as_deref(),
            Some("保留一切权利")
        );
        assert_eq!(
            holder_of("Copyright©和讯网 北京和讯在线信息咨询服务有限公司 All Rights Reserved 版权所有 复制必究")
                .as_deref(),
            Some("北京和讯在线信息咨询服务有限公司")
        );
        assert_eq!(
            holder_of(
                "Copyright © 2000-2019 eMedia Asia Ltd. All rights reserved. 北京科能广告有限公司深圳分公司 版权所有"
            )
            .as_deref(),
            Some("北京科能广告有限公司深圳分公司")
        );
        assert_eq!(holder_of("Theme By 富达传媒 Copyright Your WebSite.Some Rights Reserved."), None);
        // The notice in the other languages names nobody: alone after the years, in its other spellings, glued to a name, or
        // followed past a full stop or a dash by the footer's next item (the review).
        for notice in [
            "© 2000-2024 . Todos los derechos reservados",
            "Copyright © 2023 Todos os direitos reservados",
            "© 2021 Tous droits réservés",
            "© 2022 Alle Rechte vorbehalten",
            "© 2020 Все права защищены",
            "BGFitness©2019-Todososdireitosreservados.",
            "TodososdireitosreservadosaEmpresaZ©2024",
            "© 2024 Todos os direitos reservados. Desenvolvido por Agência X",
            "© 2024 Alle Rechte vorbehalten. Impressum · Datenschutz",
            "© 2024 - Todos los Derechos Reservados - Hecho con ♥ por Estudio",
            "© 2024 Все права защищены. Копирование материалов запрещено.",
            "© 2024 Hak Cipta Dilindungi Undang-Undang",
            "© 2024 TÜM HAKLARI SAKLIDIR",
            "© 2024 Derechos reservados",
            "© 2024 Tous les droits sont réservés",
            "Copyright © 2024 Semua hak dilindungi",
            "© 2024 Đã đăng ký bản quyền",
        ] {
            assert_eq!(holder_of(notice), None, "{notice}");
        }
        assert_eq!(holder_of("© 2024 Acme Teknoloji - Tum haklari saklidir").as_deref(), Some("Acme Teknoloji"));
        // A name the notice gives its rights to is the holder, without the preposition; after the English notice "A" begins a
        // name, and a Chinese footer names its holder past the full stop.
        assert_eq!(holder_of("© 2024 Todos os direitos reservados a Empresa Z").as_deref(), Some("Empresa Z"));
        assert_eq!(holder_of("© 2024 All Rights Reserved A Plus Academy").as_deref(), Some("A Plus Academy"));
        assert_eq!(
            holder_of("Copyright© 2018 All Rights Reserved. 西南石油大学计算机科学学院").as_deref(),
            Some("西南石油大学计算机科学学院")
        );
        assert_eq!(holder_of("© 2023 BG Fitness. Todos os direitos reservados").as_deref(), Some("BG Fitness"));
        assert_eq!(
            holder_of("Copyright © 2019 Musterfirma GmbH - Alle Rechte vorbehalten").as_deref(),
            Some("Musterfirma GmbH")
        );
        // "版权归X所有" names X; a reprint notice names the article's author, and a notice giving several
        // works to several owners names none of them as the site's holder.
        assert_eq!(holder_of("本站内容版权归示例网所有").as_deref(), Some("示例网"));
        assert_eq!(holder_of("部分来源于互联网，版权归原作者所有"), None);
        assert_eq!(holder_of("©本活动最终解释权归示例所有"), None);
        assert_eq!(holder_of("OG内容，版权归College Board所有；Princeton内容，版权归Princeton Review所有"), None);
        assert_eq!(
            holder_of("Copyright@2015 南京市示例中学河西分校 苏ICP备05067371号-1").as_deref(),
            Some("南京市示例中学河西分校")
        );
        assert_eq!(
            holder_of("河南示例网络科技有限公司 Copyright © 2016-2017 Brandname. All Rights Reserved.").as_deref(),
            Some("河南示例网络科技有限公司")
        );
    }

    #[test]
    fn a_long_line_is_read_around_its_first_mark() {
        let filler = "公司新闻 ".repeat(2000);
        let line = format!("{filler}© 2024 北京示例科技有限公司 版权所有 {filler}");
        let window = around_first_mark(line);
        assert!(window.chars().count() <= 2 * MARK_WINDOW + 1, "{}", window.chars().count());
        assert_eq!(holder_of(&window).as_deref(), Some("北京示例科技有限公司"));
        let short = "© 2024 北京示例科技有限公司 版权所有".to_string();
        assert_eq!(around_first_mark(short.clone()), short);
    }
}
