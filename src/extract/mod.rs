//! HTML in, [`PageFacts`] out: the bottom region, every ICP / licence / telecom and 公网安备 number with
//! the anchor that carries it, copyright lines, and what the page calls itself. Pure: no I/O.

mod budget;
mod compact;
mod copyright;
mod depth;
mod dom;
mod generic_names;
mod identity;
mod links;
mod region;
mod schema;
mod server_code;

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use regex::Regex;
use scraper::Html;
use serde::{Deserialize, Serialize};
use url::Url;

use crate::filing::{IcpKind, IcpNumber, PsbCode};
use crate::rules::Provinces;

pub use budget::{Budget, OutOfTime};
pub use copyright::{COMPANY_FORMS, holder_of, is_organisation};
pub use dom::{HIDDEN_ATTRIBUTE, Signals};
pub(crate) use generic_names::is_generic_name;
pub use schema::SCHEMA_TYPE_LIMIT;

/// What the scanner read from a page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PageFacts {
    pub title: Option<String>,
    pub og_site_name: Option<String>,
    pub heading: Option<String>,
    pub logo_alt: Option<String>,
    /// The text of the first link home that names something (a header's brand).
    #[serde(default)]
    pub home_link: Option<String>,
    /// The text of the header's brand element (`.navbar-brand`, `.site-title`, a text logo).
    #[serde(default)]
    pub brand: Option<String>,
    /// The language the page declares (`<html lang>`, else `xml:lang`), in lower case.
    #[serde(default)]
    pub lang: Option<String>,
    pub icp: Vec<IcpFact>,
    pub psb: Vec<PsbFact>,
    pub copyright: Vec<CopyrightFact>,
    /// The text of the bottom region, shortened, as evidence.
    pub footer_text: String,
    /// How many visible (non-space) characters the page has.
    pub visible_chars: usize,
    /// How many of the body text's characters sit in elements the page's own markup hides (inline
    /// `display:none`, `hidden`): a visitor never sees them, so they do not make a default page long.
    #[serde(default)]
    pub styled_hidden_chars: usize,
    /// The distinct texts of short links (navigation items), in order, at most [`ANCHOR_LIMIT`].
    #[serde(default)]
    pub anchor_texts: Vec<String>,
    /// The texts of `h1`–`h3`, at most [`HEADING_LIMIT`].
    #[serde(default)]
    pub headings: Vec<String>,
    /// The links that leave the page's host, as written, distinct, in order, at most [`LINK_TARGET_LIMIT`].
    #[serde(default)]
    pub link_targets: Vec<String>,
    /// The visible text, white space collapsed, at most [`BODY_LIMIT`] characters.
    #[serde(default)]
    pub body_text: String,
    /// The schema.org types the page declares (JSON-LD `@type`, microdata `itemtype`), by local name, at most
    /// [`SCHEMA_TYPE_LIMIT`].
    #[serde(default)]
    pub schema_types: Vec<String>,
    #[serde(default)]
    pub signals: Signals,
}

/// Bounds on what is kept of a page for classification.
pub const ANCHOR_LIMIT: usize = 600;
pub const HEADING_LIMIT: usize = 60;
pub const LINK_TARGET_LIMIT: usize = 200;
pub const BODY_LIMIT: usize = 60_000;
/// A link text longer than this is a headline, not a navigation item.
const NAV_ITEM_MAX_CHARS: usize = 8;
/// Words are longer in scripts that spell them out: a menu item there is a few words ("Board index",
/// "Request an Appointment"), a headline is more.
const NAV_ITEM_MAX_WORDS: usize = 3;
const NAV_ITEM_MAX_SPELLED_CHARS: usize = 24;
/// Whether a character belongs to a script that spells its words out in letters and spaces: the Latin blocks (Basic
/// Latin to Latin Extended-B, and Latin Extended Additional, where Vietnamese's tone-marked letters ệ, ọ, ủ stand),
/// the combining marks a decomposed letter carries, Greek and Cyrillic. A menu item there is a few words of many
/// letters ("Jadwal Dokter", "Tuyển sinh", "Создать тему"); a Chinese one is a few characters.
pub(crate) fn is_spelled_out(c: char) -> bool {
    matches!(c, '\0'..='\u{024F}' | '\u{0300}'..='\u{036F}' | '\u{0370}'..='\u{052F}' | '\u{1E00}'..='\u{1EFF}')
}

/// Whether a link's text is short enough to be a menu item rather than a headline.
fn is_navigation_item(text: &str) -> bool {
    let n = text.chars().count();
    if n <= NAV_ITEM_MAX_CHARS {
        return n > 0;
    }
    n <= NAV_ITEM_MAX_SPELLED_CHARS
        && text.split_whitespace().count() <= NAV_ITEM_MAX_WORDS
        && text.chars().all(is_spelled_out)
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IcpFact {
    pub number: String,
    pub kind: IcpKind,
    pub in_footer: bool,
    pub link: Option<String>,
    /// The line the number stands in, for evidence.
    pub context: String,
    /// A visitor can see it: false when every occurrence sits in an element the render stage found
    /// invisible (always true on a static page, which is not laid out).
    #[serde(default = "shown")]
    pub visible: bool,
}

fn shown() -> bool {
    true
}

impl IcpFact {
    pub fn parsed(&self) -> Option<IcpNumber> {
        IcpNumber::find_all(&self.number).into_iter().next().map(|(_, n)| n)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PsbFact {
    /// The label as shown: `京公网安备`, `公安备案号`.
    pub prefix: String,
    pub code: String,
    pub in_footer: bool,
    pub link: Option<String>,
    pub context: String,
    /// As [`IcpFact::visible`].
    #[serde(default = "shown")]
    pub visible: bool,
}

impl PsbFact {
    pub fn parsed(&self) -> Option<PsbCode> {
        PsbCode::parse(&self.code).ok()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CopyrightFact {
    pub text: String,
    pub holder: Option<String>,
}

static PSB_RE: LazyLock<Regex> = LazyLock::new(|| {
    // Every prefix seen on real sites: 公网安备, 公安网备, 网安备, each with 案/号 after it, the bare
    // labels 公安备案号 / 公安机关备案号, and the pre-2012 wording that names the filing bureau
    // ("北京市公安局朝阳分局备案编号110105006009"). The head is lazy so that "京公网安备" never reads as
    // "京公" + "网安备"; the bureau is bounded (a place name, 公安局/厅, an optional branch) so that it
    // cannot swallow a sentence.
    Regex::new(
        r"(?P<label>(?P<head>\p{Han}{0,3}?)(?:公网安备|公安网备|网安备)(?:案号?|号)?|公安(?:机关)?备案号?|\p{Han}{1,4}[省市]\p{Han}{0,3}?公安(?:局|厅)(?:\p{Han}{1,6}?分局)?备案(?:编号|号))[:：]?(?P<code>[0-9]{5,16}(?:-[0-9]{1,3})?)号?",
    )
        .expect("psb pattern")
});

const FOOTER_TEXT_LIMIT: usize = 800;
const CONTEXT_LIMIT: usize = 160;

/// Distinct numbers kept per register (ICP, 公网安备) and place (footer or not): a page with more is
/// hostile, and keeping them all would make the result as large as the page.
pub const NUMBER_LIMIT: usize = 100;
/// Copyright lines kept.
pub const COPYRIGHT_LIMIT: usize = 20;
/// The HTML parser is fed this many bytes at a time, with a look at the budget in between.
const PARSE_CHUNK: usize = 64 * 1024;

/// Reads a decoded page. `page_url` resolves relative links; `provinces` tells province labels apart
/// from the words before them.
pub fn extract(html_text: &str, page_url: &Url, provinces: &Provinces) -> PageFacts {
    // An unlimited budget never runs out.
    extract_within(html_text, page_url, provinces, &Budget::unlimited()).unwrap_or_default()
}

/// [`extract`] under a time budget. Every stage is linear (or n·log n) in the page's size and its
/// number of matches, so a page within the body cap finishes quickly; the budget is for the rest.
pub fn extract_within(
    html_text: &str,
    page_url: &Url,
    provinces: &Provinces,
    budget: &Budget,
) -> Result<PageFacts, OutOfTime> {
    budget.check("parse")?;
    let code_free = server_code::without_php(html_text);
    let bounded = depth::bound_depth(&code_free);
    let html = parse(&bounded, budget)?;
    let base = dom::base_url(&html, page_url);
    let flat = dom::flatten(&html, budget)?;
    budget.check("compaction")?;
    let compact = compact::Compact::build(&flat.segments);
    let lines = Lines::new(&flat.segments);
    let tail_start = region::tail_start(compact.chars);
    // What a visitor sees last is the bottom of the page, whatever its markup says.
    let last_block = flat.segments.iter().rev().find(|s| !s.text.trim().is_empty()).map(|s| s.block);
    // On a page whose markup names no footer, its last short blocks are its bottom whatever else they are named.
    let names_no_footer = !flat.segments.iter().any(|s| s.footer_named);
    // Counted only once a number stands among the last characters: most pages never ask.
    let block_chars = std::cell::OnceCell::new();
    let in_last_lines = |s: usize| {
        names_no_footer
            && compact.char_position(s) + region::LAST_CHARS >= compact.chars
            && block_chars
                .get_or_init(|| block_lengths(&flat.segments))
                .get(flat.segments[s].block)
                .is_some_and(|&n| n <= region::LAST_CHARS)
    };
    let in_footer = |segs: &[usize]| {
        segs.iter().any(|&s| {
            let seg = &flat.segments[s];
            seg.footer_named
                || Some(seg.block) == last_block
                || in_last_lines(s)
                || (!seg.main_named && compact.char_position(s) >= tail_start)
        })
    };
    let mut line_texts: HashMap<usize, String> = HashMap::new();
    let mut line_of = |seg: usize| -> String {
        let line = lines.of_segment[seg];
        line_texts
            .entry(line)
            .or_insert_with(|| shorten_around(&collapse_space(&lines.text(&flat.segments, line)), CONTEXT_LIMIT))
            .clone()
    };
    let anchor_target = |segs: &[usize]| -> Option<String> {
        // The anchor that covers the most of the number wins; an anchor without a target is no link.
        let mut counts: HashMap<usize, usize> = HashMap::new();
        for &s in segs {
            if let Some(a) = flat.segments[s].anchor {
                *counts.entry(a).or_default() += 1;
            }
        }
        let best = counts.into_iter().max_by_key(|&(a, n)| (n, std::cmp::Reverse(a)))?.0;
        flat.anchors[best].target(&base)
    };

    budget.check("numbers")?;
    // A 繁體 edition writes 粵ICP備…號 and 京公網安備: numbers are read in simplified characters (the filing's own
    // form), at the same byte offsets as the text (`text::simplified`).
    let read = crate::text::simplified(&compact.text);
    let mut icp = Kept::default();
    for (i, (mut range, mut number)) in IcpNumber::find_all(&read).into_iter().enumerate() {
        if i % 256 == 0 {
            budget.check("numbers")?;
        }
        if let Some(c) = number.prefix.filter(|&c| !is_icp_prefix(c, provinces)) {
            if number.lacks_icp_letters() {
                // "设备12345678号": a short form stands only on a province.
                continue;
            }
            // "沪交ICP备…": an unrecognised prefix is not a province; the number reads as having none.
            range.start += c.len_utf8();
            number.text = number.text[c.len_utf8()..].to_string();
            number.prefix = None;
        }
        let segs = compact.segments_of(range);
        let text = number.text.replace(compact::DIGIT_BREAK, "");
        let place = Place::of(&flat.segments, &compact, &segs);
        let footer = in_footer(&segs);
        // One entry per number and place; a linked occurrence (desktop footer) beats a plain one (a
        // repeated mobile footer), since the link is what the checks judge.
        let visible = !segs.iter().any(|&s| flat.segments[s].hidden);
        icp.add((text.clone(), footer), place, |known: Option<&IcpFact>| {
            let link = anchor_target(&segs);
            let seen = visible || known.is_some_and(|k| k.visible);
            if let Some(k) = known.filter(|k| k.link.is_some() || link.is_none()) {
                // The kept occurrence stays; it is visible when any occurrence is.
                return (seen && !k.visible).then(|| IcpFact { visible: true, ..k.clone() });
            }
            Some(IcpFact {
                number: text,
                kind: number.kind,
                in_footer: footer,
                link,
                context: line_of(segs[0]),
                visible: seen,
            })
        });
    }

    let mut psb = Kept::default();
    for (i, caps) in PSB_RE.captures_iter(&read).enumerate() {
        if i % 256 == 0 {
            budget.check("numbers")?;
        }
        let label = caps.name("label").expect("label");
        let head = caps.name("head").map_or("", |m| m.as_str());
        // Keep only the province part of the characters before 公网安备 ("本页面京" -> "京").
        let kept = province_suffix(head, provinces);
        let label_start = label.start() + (head.len() - kept.len());
        let code = caps.name("code").expect("code");
        let segs = compact.segments_of(label_start..code.end());
        let footer = in_footer(&segs);
        let place = Place::of(&flat.segments, &compact, &segs);
        let visible = !segs.iter().any(|&s| flat.segments[s].hidden);
        psb.add((code.as_str().to_string(), footer), place, |known: Option<&PsbFact>| {
            let link = anchor_target(&compact.segments_of(code.range())).or_else(|| anchor_target(&segs));
            let seen = visible || known.is_some_and(|k| k.visible);
            if let Some(k) = known.filter(|k| k.link.is_some() || link.is_none()) {
                return (seen && !k.visible).then(|| PsbFact { visible: true, ..k.clone() });
            }
            Some(PsbFact {
                prefix: compact.text[label_start..label.end()].to_string(),
                code: code.as_str().to_string(),
                in_footer: footer,
                link,
                context: line_of(segs[0]),
                visible: seen,
            })
        });
    }
    let (mut icp, icp_places) = (icp.facts, icp.places);
    let (mut psb, psb_places) = (psb.facts, psb.places);

    // A footer that is neither named nor at the very end (widgets or a long sidebar follow it): the last
    // number outside article bodies, in the page's second half, is the footer's.
    promote_last(&mut icp, &icp_places, compact.chars, |f| &mut f.in_footer);
    promote_last(&mut psb, &psb_places, compact.chars, |f| &mut f.in_footer);

    budget.check("copyright")?;
    let footer_segments: Vec<usize> = (0..flat.segments.len()).filter(|&s| in_footer(&[s])).collect();
    let copyright = copyright::find(&flat.segments, &lines, &footer_segments, budget)?;
    let footer_text = shorten_tail(&blocks_text(&flat.segments, &footer_segments), FOOTER_TEXT_LIMIT);
    budget.check("identity")?;
    let identity = identity::read(&html);
    let (anchor_texts, headings) = navigation_and_headings(&flat);
    let body_text = shorten_around(
        &collapse_space(&flat.segments.iter().map(|s| &*s.text).collect::<Vec<_>>().join(" ")),
        BODY_LIMIT,
    );
    Ok(PageFacts {
        title: identity.title,
        og_site_name: identity.og_site_name,
        heading: identity.heading,
        logo_alt: identity.logo_alt,
        home_link: identity.home_link,
        brand: identity.brand,
        lang: identity.lang,
        icp,
        psb,
        copyright,
        footer_text,
        visible_chars: compact.chars,
        styled_hidden_chars: styled_hidden_chars(&flat.segments),
        anchor_texts,
        headings,
        link_targets: link_targets(&flat, page_url),
        body_text,
        schema_types: schema::declared_types(&html),
        signals: flat.signals,
    })
}

/// Parses in chunks, looking at the budget between them (the parser streams, so the tree is the same
/// as from one piece).
fn parse(text: &str, budget: &Budget) -> Result<Html, OutOfTime> {
    use html5ever::tendril::TendrilSink;
    let mut parser =
        html5ever::driver::parse_document(scraper::HtmlTreeSink::new(Html::new_document()), Default::default());
    let mut rest = text;
    while !rest.is_empty() {
        budget.check("parse")?;
        let mut cut = rest.len().min(PARSE_CHUNK);
        while !rest.is_char_boundary(cut) {
            cut += 1;
        }
        let (chunk, tail) = rest.split_at(cut);
        parser.process(chunk.into());
        rest = tail;
    }
    Ok(parser.finish())
}

/// Facts kept once per key, bounded per place, with where each was last seen.
struct Kept<T> {
    facts: Vec<T>,
    places: Vec<Place>,
    index: HashMap<(String, bool), usize>,
    per_place: [usize; 2],
}

impl<T> Default for Kept<T> {
    fn default() -> Self {
        Kept { facts: Vec::new(), places: Vec::new(), index: HashMap::new(), per_place: [0; 2] }
    }
}

impl<T> Kept<T> {
    /// `make` gets the fact already kept under `key` (if any) and returns a replacement, or `None` to
    /// keep it; it is not called for a new key once its place is full.
    fn add(&mut self, key: (String, bool), place: Place, make: impl FnOnce(Option<&T>) -> Option<T>) {
        match self.index.get(&key) {
            Some(&i) => {
                if let Some(fact) = make(Some(&self.facts[i])) {
                    self.facts[i] = fact;
                }
                self.places[i] = self.places[i].later(place);
            }
            None if self.per_place[usize::from(key.1)] < NUMBER_LIMIT => {
                if let Some(fact) = make(None) {
                    self.per_place[usize::from(key.1)] += 1;
                    self.index.insert(key, self.facts.len());
                    self.facts.push(fact);
                    self.places.push(place);
                }
            }
            None => {}
        }
    }
}

/// The page's lines: runs of segments in one block (a block's segments are contiguous, since block
/// numbers only grow along the document).
pub(crate) struct Lines {
    /// For each segment, its line.
    pub of_segment: Vec<usize>,
    /// For each line, its segments.
    pub ranges: Vec<std::ops::Range<usize>>,
}

impl Lines {
    fn new(segments: &[dom::Segment]) -> Self {
        let mut of_segment = Vec::with_capacity(segments.len());
        let mut ranges: Vec<std::ops::Range<usize>> = Vec::new();
        for (i, seg) in segments.iter().enumerate() {
            match ranges.last_mut() {
                Some(r) if segments[r.start].block == seg.block => r.end = i + 1,
                _ => ranges.push(i..i + 1),
            }
            of_segment.push(ranges.len() - 1);
        }
        Lines { of_segment, ranges }
    }

    /// The line's segments' texts joined with spaces.
    pub(crate) fn text(&self, segments: &[dom::Segment], line: usize) -> String {
        segments[self.ranges[line].clone()].iter().map(|s| &*s.text).collect::<Vec<_>>().join(" ")
    }
}

/// The addresses written in full (`http(s)://…`, `//…`) that leave the page's own host: a default
/// page's links to its vendor are of this kind, and only they are kept, unresolved, so a page of
/// hundreds of links to itself pays for none of them.
fn link_targets(flat: &dom::Flat, page_url: &Url) -> Vec<String> {
    let own_host = page_url.host_str().unwrap_or_default();
    let mut seen: HashSet<&str> = HashSet::new();
    flat.anchors
        .iter()
        .filter_map(|a| a.href())
        .filter(|h| leaves_host(h, own_host))
        .filter(|h| seen.insert(h))
        .take(LINK_TARGET_LIMIT)
        .map(str::to_string)
        .collect()
}

fn leaves_host(href: &str, own_host: &str) -> bool {
    let lower = href.get(..8).unwrap_or(href).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &href[8..]
    } else if lower.starts_with("http://") {
        &href[7..]
    } else if let Some(rest) = href.strip_prefix("//") {
        rest
    } else {
        return false;
    };
    let host = rest.split(['/', '?', '#', ':']).next().unwrap_or_default();
    !host.is_empty() && !host.eq_ignore_ascii_case(own_host)
}

/// The visible characters of each block, indexed by its number (blocks are numbered from 0 in document order).
fn block_lengths(segments: &[dom::Segment]) -> Vec<usize> {
    let mut lengths = vec![0; segments.iter().map(|s| s.block + 1).max().unwrap_or(0)];
    for seg in segments {
        lengths[seg.block] += seg.text.trim().chars().count();
    }
    lengths
}

/// The characters of hidden runs among those the body text keeps (the first [`BODY_LIMIT`]): each run
/// is one stretch of the body text, with the space that joins it to the next.
fn styled_hidden_chars(segments: &[dom::Segment<'_>]) -> usize {
    let (mut seen, mut hidden) = (0usize, 0usize);
    for seg in segments {
        if seen >= BODY_LIMIT {
            break;
        }
        let n = seg.text.trim().chars().count() + 1;
        seen += n;
        if seg.styled_hidden {
            hidden += n;
        }
    }
    hidden
}

/// Short link texts (what navigation is made of) and heading texts, each distinct and bounded.
fn navigation_and_headings(flat: &dom::Flat) -> (Vec<String>, Vec<String>) {
    let mut by_anchor: Vec<String> = vec![String::new(); flat.anchors.len()];
    let mut heading_blocks: Vec<(usize, String)> = Vec::new();
    for seg in &flat.segments {
        if let Some(a) = seg.anchor {
            by_anchor[a].push_str(seg.text.trim());
        }
        if seg.heading {
            match heading_blocks.last_mut() {
                Some((block, text)) if *block == seg.block => text.push_str(seg.text.trim()),
                _ => heading_blocks.push((seg.block, seg.text.trim().to_string())),
            }
        }
    }
    let mut anchors: Vec<String> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for text in by_anchor {
        if anchors.len() == ANCHOR_LIMIT {
            break;
        }
        let text = collapse_space(&text);
        if is_navigation_item(&text) && seen.insert(text.clone()) {
            anchors.push(text);
        }
    }
    let mut headings: Vec<String> = Vec::new();
    for (_, text) in heading_blocks {
        if headings.len() == HEADING_LIMIT {
            break;
        }
        let text = collapse_space(&text);
        if !text.is_empty() && !headings.contains(&text) {
            headings.push(text);
        }
    }
    (anchors, headings)
}

/// Where a number stands: its last position in visible characters, and whether in an article body.
#[derive(Debug, Clone, Copy)]
struct Place {
    position: usize,
    in_main: bool,
}

impl Place {
    fn of(segments: &[dom::Segment], compact: &compact::Compact, segs: &[usize]) -> Place {
        Place {
            position: segs.first().map_or(0, |&s| compact.char_position(s)),
            in_main: segs.iter().any(|&s| segments[s].main_named),
        }
    }

    fn later(self, other: Place) -> Place {
        if other.position > self.position { other } else { self }
    }
}

fn promote_last<T>(facts: &mut [T], places: &[Place], chars: usize, flag: impl Fn(&mut T) -> &mut bool) {
    if facts.iter_mut().any(|f| *flag(f)) {
        return;
    }
    let candidate = (0..facts.len())
        .filter(|&i| !places[i].in_main && places[i].position >= chars / 2)
        .max_by_key(|&i| places[i].position);
    if let Some(i) = candidate {
        *flag(&mut facts[i]) = true;
    }
}

fn is_icp_prefix(c: char, provinces: &Provinces) -> bool {
    provinces.by_icp_char(c).is_some() || matches!(c, '萌' | '茶')
}

fn province_suffix<'a>(head: &'a str, provinces: &Provinces) -> &'a str {
    for name in provinces.psb_label_heads() {
        if head.ends_with(name.as_str()) {
            return &head[head.len() - name.len()..];
        }
    }
    ""
}

/// The segments' text, block by block, joined with " | ".
pub(crate) fn blocks_text(segments: &[dom::Segment], chosen: &[usize]) -> String {
    let mut out = String::new();
    let mut last_block = None;
    for &s in chosen {
        let seg = &segments[s];
        if last_block.is_some() && last_block != Some(seg.block) {
            out.push_str(" | ");
        } else if last_block.is_some() {
            out.push(' ');
        }
        out.push_str(&collapse_space(&seg.text));
        last_block = Some(seg.block);
    }
    out
}

pub(crate) fn collapse_space(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn shorten_around(s: &str, limit: usize) -> String {
    if s.chars().count() <= limit { s.to_string() } else { format!("{}…", s.chars().take(limit).collect::<String>()) }
}

fn shorten_tail(s: &str, limit: usize) -> String {
    let n = s.chars().count();
    if n <= limit { s.to_string() } else { format!("…{}", s.chars().skip(n - limit).collect::<String>()) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RuleSet;

    #[test]
    fn a_menu_item_is_a_few_spelled_words_or_a_few_characters() {
        assert!(is_navigation_item("预约挂号"));
        assert!(is_navigation_item("Board index"));
        assert!(is_navigation_item("Request an Appointment"));
        // Vietnamese tone-marked letters, decomposed marks and Cyrillic spell words out as Latin does (the thirty-first session's review:
        // "Tiên Hiệp", "Tuyển sinh" were dropped as if Chinese).
        assert!(is_navigation_item("Tiên Hiệp"));
        assert!(is_navigation_item("Tuyển sinh"));
        assert!(is_navigation_item("Tie\u{0302}n Hie\u{0323}\u{0302}p"));
        assert!(is_navigation_item("Создать тему"));
        assert!(!is_navigation_item("Phim Trung Quốc Vietsub Mới Nhất Hôm Nay"));
        // A headline is longer: more words, or more characters in a script without spaces.
        assert!(!is_navigation_item("Dylann Roof Convicted Of Charleston Church Massacre"));
        assert!(!is_navigation_item("联合国特使召开新闻发布会"));
        assert!(!is_navigation_item("Annapoorna Eye Hospital Pharmacy Services"));
        assert!(!is_navigation_item(""));
    }

    #[test]
    fn the_title_is_the_first_that_says_something_and_never_a_picture_s() {
        let url = Url::parse("http://www.example.cn/").unwrap();
        let provinces = &RuleSet::embedded().provinces;
        let facts = extract("<head><title></title><title>一号店</title></head><body>零食</body>", &url, provinces);
        assert_eq!(facts.title.as_deref(), Some("一号店"));
        let svg = r#"<body><svg><title>search icon</title></svg><p>零食</p></body>"#;
        assert_eq!(extract(svg, &url, provinces).title, None);
    }

    #[test]
    fn only_links_that_leave_the_page_host_are_kept_as_written() {
        let html = r#"<body><a href="/about">关于</a><a href="http://www.example.cn/x">自己</a>
            <a href=" https://go.microsoft.com/fwlink/?linkid=66138 ">IIS</a><a href="//nginx.org/">nginx</a>
            <a href="HTTPS://go.microsoft.com/fwlink/?linkid=66138">again</a><a href="javascript:void(0)">js</a></body>"#;
        let url = Url::parse("http://www.example.cn/").unwrap();
        let facts = extract(html, &url, &RuleSet::embedded().provinces);
        assert_eq!(
            facts.link_targets,
            [
                "https://go.microsoft.com/fwlink/?linkid=66138",
                "//nginx.org/",
                "HTTPS://go.microsoft.com/fwlink/?linkid=66138"
            ]
        );
    }

    fn facts(html: &str) -> PageFacts {
        let url = Url::parse("https://www.example.cn/").expect("url");
        extract(html, &url, &RuleSet::embedded().provinces)
    }

    fn numbers(f: &PageFacts) -> Vec<(&str, bool, Option<&str>)> {
        f.icp.iter().map(|n| (n.number.as_str(), n.in_footer, n.link.as_deref())).collect()
    }

    #[test]
    fn split_spaced_and_labelled_numbers_come_out_whole() {
        let f = facts(
            "<body><p>正文</p><footer><a href='https://beian.miit.gov.cn/'>备案号：<span>浙</span> ICP 备 \
             <b>17005035</b> 号 -1</a><br>京公网安备<br>11010502000001号</footer></body>",
        );
        assert_eq!(numbers(&f), [("浙ICP备17005035号-1", true, Some("https://beian.miit.gov.cn/"))]);
        assert_eq!((f.psb[0].prefix.as_str(), f.psb[0].code.as_str()), ("京公网安备", "11010502000001"));
    }

    #[test]
    fn script_templates_placeholders_and_digits_across_blocks_are_not_numbers() {
        let f = facts(
            "<body><input placeholder='京ICP备00000000号'><script>var icp='京ICP备11111111号'</script>\
             <script type='text/html'><a>沪ICP备22222222号</a></script><template><p>粤ICP备33333333号</p></template>\
             <footer><p>京ICP备2019</p><p>0101 2020</p></footer></body>",
        );
        let texts: Vec<&str> = f.icp.iter().map(|n| n.number.as_str()).collect();
        assert!(
            !texts
                .iter()
                .any(|t| t.contains("00000000") || t.contains("1111") || t.contains("2222") || t.contains("3333")),
            "{texts:?}"
        );
    }

    #[test]
    fn relative_and_script_links_resolve() {
        let f = facts(
            "<head><base href='https://cdn.example.cn/site/'></head><body><footer>\
             <a href='beian'>京ICP备16020626号-1</a> \
             <a href='javascript:void(0)' onclick=\"window.open('https://beian.mps.gov.cn/#/query/webSearch?code=11010502000001')\">京公网安备11010502000001号</a>\
             </footer></body>",
        );
        assert_eq!(f.icp[0].link.as_deref(), Some("https://cdn.example.cn/site/beian"));
        assert_eq!(f.psb[0].link.as_deref(), Some("https://beian.mps.gov.cn/#/query/webSearch?code=11010502000001"));
    }

    #[test]
    fn identity_and_copyright() {
        let f = facts(
            "<head><title>示例官网 - 首页</title><meta property='og:site_name' content='示例官网'></head>\
             <body><div class='logo'><img src='/a.png' alt='示例 LOGO'></div><h1>欢迎</h1>\
             <div id='copyright'>版 权 所 有 © 2024 示例科技有限公司</div></body>",
        );
        assert_eq!(f.title.as_deref(), Some("示例官网 - 首页"));
        assert_eq!(f.og_site_name.as_deref(), Some("示例官网"));
        assert_eq!(f.heading.as_deref(), Some("欢迎"));
        assert_eq!(f.logo_alt.as_deref(), Some("示例 LOGO"));
        assert_eq!(f.copyright[0].holder.as_deref(), Some("示例科技有限公司"));
    }

    #[test]
    fn the_first_link_home_that_names_something_is_the_header_s_brand() {
        let f = facts(
            "<title>haoduoshipin</title><nav><a href='index.html'>设为首页</a><a href='/m'>手机版</a><a href='/'>电脑版</a>\
             <a href='/'>青禾视频网</a><a href='https://other.example/'>别的网站</a></nav><video controls></video>",
        );
        assert_eq!(f.home_link.as_deref(), Some("青禾视频网"));
        assert_eq!(facts("<a href='/'>首页</a><a href='/about'>青禾</a>").home_link, None);
    }

    #[test]
    fn the_header_s_brand_element_names_the_site_and_a_logo_block_holding_a_menu_does_not() {
        let brand = |html: &str| facts(html).brand;
        // Bootstrap's brand without a link home (dev c2596), a WordPress title, a text logo.
        assert_eq!(
            brand("<nav class='navbar'><a class='navbar-brand' style='font-size:24px'>就医网</a></nav>").as_deref(),
            Some("就医网")
        );
        assert_eq!(
            brand("<header><p class='site-title'><a href='https://example.org/'>Example Radio</a></p></header>")
                .as_deref(),
            Some("Example Radio")
        );
        assert_eq!(brand("<div id='logo'><a href='#'>青禾书城</a></div>").as_deref(), Some("青禾书城"));
        // A header block classed `logo` around the picture, with its menu (dev c2868): not a name.
        assert_eq!(
            brand(
                "<div class='logo'><a href=''><img src='l.jpg' alt=''></a><ul><li><a href='#'>微信平台</a></li><li><a href='#'>加入收藏</a></li></ul></div>"
            ),
            None
        );
        // A screen reader's label and a menu button are no name; a block with a picture beside a slogan or a hotline is the
        // header around the logo; only the first brand element is the header's (a footer's "扫码关注" is not).
        assert_eq!(
            brand("<a class='navbar-brand' href='#'><span class='sr-only'>Toggle navigation</span><img src=l.png></a>"),
            None
        );
        assert_eq!(
            brand("<div class='logo'><a href='/'>青禾书城</a><button>Menu</button></div>").as_deref(),
            Some("青禾书城")
        );
        assert_eq!(brand("<div class='logo'><img src=l.png><span class='slogan'>专业 诚信 共赢</span></div>"), None);
        assert_eq!(brand("<div class='logo'><p>服务热线:400-800-1234</p></div>"), None);
        assert_eq!(brand("<div id='logo'><a href='/en/'>EN</a></div>"), None);
        assert_eq!(brand("<div id='logo'><a href='/tw/'>繁體</a></div>"), None);
        assert_eq!(
            brand(
                "<header><div class='logo'><img src=l.png></div></header><footer><div class='logo'>扫码关注</div></footer>"
            ),
            None
        );
        // A class on the page's body is the page's.
        assert_eq!(brand("<body class='logo'><p>青禾书城</p></body>"), None);
        // Words that name no site, a sentence, a broken attribute's text.
        assert_eq!(brand("<a class='navbar-brand' href='/'>Home</a>"), None);
        assert_eq!(brand("<div class='site-title'>Welcome to the official website of our company group</div>"), None);
        assert_eq!(brand("<span class='logo'>/> class=\"img1\"/></span>"), None);
    }

    #[test]
    fn the_declared_language_is_read_in_lower_case() {
        assert_eq!(facts("<html lang=' es-CO '><title>Inicio</title></html>").lang.as_deref(), Some("es-co"));
        assert_eq!(facts("<html lang=''><title>Inicio</title></html>").lang, None);
        assert_eq!(facts("<title>Inicio</title>").lang, None);
        assert_eq!(facts("<html xml:lang='ru'><title>Главная</title></html>").lang.as_deref(), Some("ru"));
    }

    #[test]
    fn a_footer_followed_by_long_widgets_still_counts() {
        // About 1,300 characters of page, the number, then about 900 of widgets: past the middle, not
        // in the last 30%.
        let widget =
            "<div class=chat><p>在线客服为您服务，工作时间九点至十八点，欢迎咨询各类问题。</p></div>".repeat(30);
        let body = "<div class=news><p>公司动态与行业资讯，欢迎阅读。</p></div>".repeat(100);
        let f = facts(&format!("<body>{body}<div class=ft><p>京ICP备16020626号-1</p></div>{widget}</body>"));
        assert!(f.icp[0].in_footer, "the last number outside an article, past the middle, is the footer's");
        let early = facts(&format!("<body><div>京ICP备16020626号-1</div>{body}{widget}</body>"));
        assert!(!early.icp[0].in_footer, "a number in the first half is not promoted");
        let article =
            facts(&format!("<body>{body}<article><p>本站备案号京ICP备16020626号-1。</p></article>{widget}</body>"));
        assert!(!article.icp[0].in_footer, "nor one inside an article");
    }

    #[test]
    fn short_forms_and_psb_prefix_variants() {
        let f = facts("<footer><p>粤备12345678号-1</p><p>设备20190101号</p></footer>");
        assert_eq!(numbers(&f), [("粤备12345678号-1", true, None)]);
        let psb = |html: &str| facts(html).psb.iter().map(|p| (p.prefix.clone(), p.code.clone())).collect::<Vec<_>>();
        for (html, prefix) in [
            ("<footer>京公安网备11010502000001号</footer>", "京公安网备"),
            ("<footer>京公安网备号：11010502000001</footer>", "京公安网备号"),
            ("<footer>浙网安备 33010602000001 号</footer>", "浙网安备"),
            ("<footer>公安备案号11010502030143</footer>", "公安备案号"),
            ("<footer>沪 公网安备案号 31010102006431</footer>", "沪公网安备案号"),
            ("<footer>本页面京公网安备11010202000010</footer>", "京公网安备"),
            // shopin.net 2011 (corpus r462): the district bureau's own wording.
            (
                "<footer>北京市公安局朝阳分局备案编号110105006009 | 京ICP证090725号</footer>",
                "北京市公安局朝阳分局备案编号",
            ),
        ] {
            let got = psb(html);
            assert_eq!(got.len(), 1, "{html}: {got:?}");
            assert_eq!(got[0].0, prefix, "{html}");
        }
    }

    #[test]
    fn an_element_boundary_ends_a_number_unless_digits_continue() {
        let f = facts("<footer><a href='https://beian.miit.gov.cn/'>京ICP证100935号</a><span>X</span></footer>");
        assert_eq!(f.icp[0].number, "京ICP证100935号");
        let f = facts("<footer><span>沪B2-20100935</span><span>X公司</span></footer>");
        assert_eq!(f.icp[0].number, "沪B2-20100935");
        let f = facts("<footer><span>京ICP证1009</span><b>35</b>号</footer>");
        assert_eq!(f.icp[0].number, "京ICP证100935号");
        // White space between the elements is a space: a theme's "2013-2020" after the link is no
        // continuation of the site's -N.
        let f = facts(
            "<footer><a href='https://beian.miit.gov.cn'>沪ICP备2024045114号-65</a>\n\t<span>2013-2020 My Blog</span></footer>",
        );
        assert_eq!(f.icp[0].number, "沪ICP备2024045114号-65");
    }

    #[test]
    fn a_copyright_line_is_read_without_template_expressions() {
        assert!(facts("<footer><p>${firstPage.copyRight}${firstPage.currencyYear}</p></footer>").copyright.is_empty());
        let f = facts("<footer><p>Copyright © {$year} 示例科技有限公司 版权所有</p></footer>");
        assert_eq!(f.copyright[0].holder.as_deref(), Some("示例科技有限公司"));
    }

    #[test]
    fn numbers_in_traditional_characters_are_read_in_the_filing_s_form() {
        let f = facts("<footer><p>粵ICP備12345678號-1 京公網安備11010502030143號</p></footer>");
        assert_eq!(f.icp[0].number, "粤ICP备12345678号-1");
        assert_eq!(f.psb[0].code, "11010502030143");
        assert_eq!(f.psb[0].prefix, "京公網安備");
    }

    #[test]
    fn a_copyright_line_in_traditional_characters_names_its_holder_as_written() {
        let f = facts("<footer><p>本網頁內容 長松工藝社 版權所有 轉載必究</p></footer>");
        assert_eq!(f.copyright[0].holder.as_deref(), Some("長松工藝社"));
        assert_eq!(f.copyright[0].text, "本網頁內容 長松工藝社 版權所有 轉載必究");
    }

    #[test]
    fn a_number_in_the_last_visible_block_is_the_footer_s() {
        let body = "<div class=news><p>公司动态与行业资讯，欢迎阅读。</p></div>".repeat(100);
        let f = facts(&format!("<body><main class=article>{body}<p>京ICP备16020626号-1</p></main></body>"));
        assert!(f.icp[0].in_footer);
        let f = facts("<div class='site-footer'><p>© 2024 示例</p><p>京ICP备16020626号-1</p></div>");
        assert!(f.icp[0].in_footer, "a page that is only a footer include");
    }

    #[test]
    fn a_copyright_word_written_apart_is_the_mark_and_the_line_is_kept_as_shown() {
        let f = facts("<footer><p>COPY-RIGHT@2017 示例区青禾教育培训学校</p></footer>");
        assert_eq!(f.copyright[0].holder.as_deref(), Some("示例区青禾教育培训学校"));
        assert_eq!(f.copyright[0].text, "COPY-RIGHT@2017 示例区青禾教育培训学校");
        // A name written up to the word, and a year straight after it.
        let f = facts("<footer><p>示例区青禾学校COPY-RIGHT2017</p></footer>");
        assert_eq!(f.copyright[0].holder.as_deref(), Some("示例区青禾学校"));
        // The words of a sentence are not the mark.
        assert!(facts("<footer><p>复印 copy; 权利 right</p></footer>").copyright.is_empty());
    }

    #[test]
    fn the_last_short_lines_are_the_footer_whatever_their_block_is_named() {
        // TRS wraps every edited snippet in its article class, the footer's too (dev c3340).
        let body = "<div class=news><p>公司动态与行业资讯，欢迎阅读。</p></div>".repeat(100);
        let footer = "<div class=TRS_Editor><p>版权所有：示例县林业局</p><p>吉ICP备05005864号</p></div><p>吉公网安备22021102000204号</p>";
        let f = facts(&format!("<body>{body}{footer}</body>"));
        assert!(f.icp[0].in_footer);
        assert_eq!(f.copyright[0].holder.as_deref(), Some("示例县林业局"));
        // The same lines farther than the last 120 characters from the end are the article's.
        let more = format!("<div class=TRS_Editor><p>{}</p></div>", "相关阅读，欢迎转发。".repeat(15));
        let f = facts(&format!("<body>{body}{footer}{more}</body>"));
        assert!(!f.icp[0].in_footer);
        // An article's closing paragraph that quotes a number is no short footer line.
        let closing =
            format!("<div class=TRS_Editor><p>{}本站备案号为吉ICP备05005864号。</p></div>", "特此通知。".repeat(30));
        let f = facts(&format!("<body>{body}{closing}<p>联系我们</p></body>"));
        assert!(!f.icp[0].in_footer);
        // A page whose markup names its footer is read by that name.
        let named =
            format!("<body>{body}<div class=TRS_Editor><p>吉ICP备05005864号</p></div><footer>联系我们</footer></body>");
        assert!(!facts(&named).icp[0].in_footer);
    }

    #[test]
    fn unknown_prefixes_are_not_provinces() {
        let f = facts("<footer>沪交ICP备20190085号</footer>");
        let n = f.icp[0].parsed().expect("parsed");
        assert_eq!((f.icp[0].number.as_str(), n.prefix), ("ICP备20190085号", None));
        assert!(n.is_template(), "a number without a province is not an MIIT number");
    }

    #[test]
    fn numbers_nested_past_the_depth_limit_are_read_with_their_link() {
        let n = 5_000;
        let f = facts(&format!(
            "<body>{}<footer><a href='https://beian.miit.gov.cn/'>京ICP备16020626号-1</a></footer>{}</body>",
            "<div>".repeat(n),
            "</div>".repeat(n)
        ));
        assert_eq!(numbers(&f), [("京ICP备16020626号-1", true, Some("https://beian.miit.gov.cn/"))]);
    }

    #[test]
    fn a_spent_budget_stops_extraction() {
        let url = Url::parse("https://www.example.cn/").expect("url");
        let spent = Budget::until(std::time::Instant::now());
        let got = extract_within("<footer>京ICP备16020626号-1</footer>", &url, &RuleSet::embedded().provinces, &spent);
        assert_eq!(got.map(|_| ()), Err(OutOfTime { stage: "parse" }));
    }

    #[test]
    fn numbers_and_copyright_lines_are_kept_distinct_and_bounded() {
        let mut page = String::from("<body><footer>");
        for i in 0..300 {
            page.push_str(&format!("<p>京ICP备{:08}号 © 2024 示例{i}科技有限公司 版权所有</p>", 16_020_626 + i));
        }
        page.push_str("<p>京ICP备16020626号</p></footer></body>");
        let f = facts(&page);
        assert_eq!(f.icp.len(), NUMBER_LIMIT);
        assert_eq!(f.icp[0].number, "京ICP备16020626号");
        assert_eq!(f.copyright.len(), COPYRIGHT_LIMIT);
        assert_eq!(f.copyright[0].holder.as_deref(), Some("示例0科技有限公司"));
    }

    #[test]
    fn text_the_markup_hides_is_counted_apart() {
        let f = facts(
            "<h1>Site en construction</h1><div style=\"display: none\"><span>p1</span><span>p2</span></div><p hidden>x</p><p>shown</p>",
        );
        assert_eq!(f.styled_hidden_chars, 3 + 3 + 2);
        assert_eq!(facts("<p style=\"display:block\">shown</p>").styled_hidden_chars, 0);
    }

    #[test]
    fn a_coldfusion_script_block_is_code_not_text() {
        let f = facts(
            "<cfscript>configURL=\"/lucee/admin.cfm\"; function getConfig() { return {}; }</cfscript><p>Welcome</p>",
        );
        assert_eq!(f.body_text, "Welcome");
    }
}
