//! The document flattened into visible text segments, each knowing its anchor, its block and whether
//! it sits in a footer-named or article-named element.

use std::borrow::Cow;

use ego_tree::iter::Edge;
use scraper::{Html, Node};
use url::Url;

use super::budget::{Budget, CHECK_EVERY, OutOfTime};
use super::links::anchor_target;
use super::region::{names_footer, names_main};

/// Set by the render stage on elements a visitor cannot see (only rendered pages carry it).
pub const HIDDEN_ATTRIBUTE: &str = "data-icp-patrol-hidden";

/// A run of visible text, borrowed from the parsed document when it needs no normalising.
#[derive(Debug, Clone)]
pub(crate) struct Segment<'a> {
    /// NFKC-normalised text.
    pub text: Cow<'a, str>,
    /// Index into [`Flat::anchors`] of the enclosing `<a>`.
    pub anchor: Option<usize>,
    /// The block (paragraph, cell, line) this text belongs to.
    pub block: usize,
    pub footer_named: bool,
    pub main_named: bool,
    /// Inside `h1`–`h3`.
    pub heading: bool,
    /// Inside an element the render stage found invisible to a visitor.
    pub hidden: bool,
    /// Inside an element its own markup hides (`style="display:none"`, the `hidden` attribute).
    pub styled_hidden: bool,
    /// White space stood between this text and the text before it, in a node of its own
    /// (`…号-65</a>\n<span>2013`): the two runs are not one word.
    pub space_before: bool,
}

/// An `<a>` element's link attributes; resolved only for the few anchors that carry a number (a page
/// has hundreds of links, and resolving each against the base URL showed in profiles).
#[derive(Debug, Clone)]
pub(crate) struct Anchor<'a> {
    href: Option<&'a str>,
    onclick: Option<&'a str>,
}

impl Anchor<'_> {
    /// Where the anchor leads, if anywhere.
    pub(crate) fn target(&self, base: &Url) -> Option<String> {
        anchor_target(self.href, self.onclick, base)
    }

    /// The `href` as written, trimmed.
    pub(crate) fn href(&self) -> Option<&str> {
        self.href.map(str::trim).filter(|h| !h.is_empty())
    }
}

/// Structure that says what kind of page this is, counted while walking.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Signals {
    /// `<script src>` elements: an app shell renders its content from these.
    pub scripts: usize,
    /// A `#app`, `#root` or `#__next` mount point.
    pub app_root: bool,
    pub forms: usize,
    pub password_inputs: usize,
    /// Controls a visitor fills in or picks from (text-like inputs, radio buttons, check boxes, text
    /// areas, drop-downs) and can see: buttons, hidden fields, passwords (counted above) and controls
    /// inside a hidden element are not. Facts stored before this count existed read 0 here (as if the
    /// page asked nothing) until the page is read again.
    #[serde(default)]
    pub form_controls: usize,
    pub images: usize,
    pub links: usize,
    pub iframes: usize,
    /// `<object>`, `<embed>` and `<video>`: a player or plugin (a Flash splash page) shows something
    /// the text does not say.
    #[serde(default)]
    pub embeds: usize,
    /// The file names of the first few pictures (folded, without folder, query or extension): a page
    /// that is one picture of a notice says what it is only by the picture's name (weihu.jpg).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub image_names: Vec<String>,
}

/// Pictures whose file names are kept in [`Signals::image_names`], and the longest name kept.
const IMAGE_NAMES_KEPT: usize = 4;
const IMAGE_NAME_MAX_BYTES: usize = 64;

/// The file name of a picture's address without its folder, query, fragment or extension, folded as
/// rule words are ([`crate::text::fold`]).
fn image_name(src: &str) -> Option<String> {
    let path = src.split(['?', '#']).next().unwrap_or(src);
    let file = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let stem = file.rsplit_once('.').map_or(file, |(stem, _)| stem).trim();
    (!stem.is_empty() && stem.len() <= IMAGE_NAME_MAX_BYTES).then(|| crate::text::fold(stem))
}

#[derive(Debug, Default)]
pub(crate) struct Flat<'a> {
    pub segments: Vec<Segment<'a>>,
    pub anchors: Vec<Anchor<'a>>,
    pub signals: Signals,
}

#[derive(Clone, Copy)]
struct Frame {
    skip: bool,
    /// Directly inside `<head>` or `<html>`: where a file that starts with `<template>` (a Vue
    /// single-file component served as is) puts it.
    top_level: bool,
    anchor: Option<usize>,
    footer_named: bool,
    main_named: bool,
    heading: bool,
    hidden: bool,
    styled_hidden: bool,
    block: bool,
}

// Inline `display:none` is not a reason to skip: pages hide their wrapper and reveal it from script
// (Baidu's home page does), and reviewers read the rendered page. A ColdFusion template's `<cfscript>`
// is code the server runs, as PHP's blocks are (server_code.rs): a served page never shows it (dev c776).
// A button's label is shown (a shop's 加入购物车 is often one), so buttons are read like any text.
const SKIPPED: [&str; 13] = [
    "script", "style", "noscript", "title", "textarea", "select", "iframe", "object", "svg", "canvas", "datalist",
    "option", "cfscript",
];
const BLOCKS: [&str; 38] = [
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "center",
    "dd",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
    "body",
];

/// Walks the tree without recursion (pages nest deeply) and collects visible text.
pub(crate) fn flatten<'a>(html: &'a Html, budget: &Budget) -> Result<Flat<'a>, OutOfTime> {
    let mut flat = Flat::default();
    let root = Frame {
        skip: false,
        top_level: true,
        anchor: None,
        footer_named: false,
        main_named: false,
        heading: false,
        hidden: false,
        styled_hidden: false,
        block: true,
    };
    let mut stack: Vec<Frame> = vec![root];
    let mut block = 0usize;
    let mut space_before = false;
    for (step, edge) in html.tree.root().traverse().enumerate() {
        if step % CHECK_EVERY == 0 {
            budget.check("visible text")?;
        }
        match edge {
            Edge::Open(node) => {
                let parent = *stack.last().unwrap_or(&root);
                match node.value() {
                    Node::Element(el) => {
                        let name = el.name();
                        // Nothing below a skipped element is read.
                        let attrs = if parent.skip { Attrs::default() } else { Attrs::of(el) };
                        // Read once per element: the signals ask it, and so does the frame below.
                        let hides = !parent.skip && hides_itself(&attrs);
                        if !parent.skip {
                            let shown = !(parent.hidden || parent.styled_hidden || attrs.marked_hidden || hides);
                            count_signal(&mut flat.signals, name, &attrs, shown);
                        }
                        let mut frame = parent;
                        frame.block = BLOCKS.contains(&name);
                        frame.top_level = matches!(name, "html" | "head");
                        // A <template> inside the page is inert markup for scripts to clone.
                        let inert_template = name == "template" && !parent.top_level;
                        if parent.skip || SKIPPED.contains(&name) || inert_template {
                            frame.skip = true;
                        }
                        if !frame.skip {
                            frame.footer_named |= name == "footer" || names_footer(attrs.id, attrs.class);
                            frame.main_named |= name == "article" || names_main(attrs.id, attrs.class);
                            frame.heading |= matches!(name, "h1" | "h2" | "h3");
                            frame.hidden |= attrs.marked_hidden;
                            frame.styled_hidden |= hides;
                            if name == "a" {
                                flat.anchors.push(Anchor { href: attrs.href, onclick: attrs.onclick });
                                frame.anchor = Some(flat.anchors.len() - 1);
                            }
                        }
                        if frame.block {
                            block += 1;
                        }
                        stack.push(frame);
                    }
                    Node::Text(text) if !parent.skip => {
                        let text = crate::text::nfkc(text);
                        if text.trim().is_empty() {
                            space_before |= !text.is_empty();
                        } else {
                            flat.segments.push(Segment {
                                text,
                                anchor: parent.anchor,
                                block,
                                footer_named: parent.footer_named,
                                main_named: parent.main_named,
                                heading: parent.heading,
                                hidden: parent.hidden,
                                styled_hidden: parent.styled_hidden,
                                space_before: std::mem::take(&mut space_before),
                            });
                        }
                    }
                    _ => {}
                }
            }
            Edge::Close(node) => {
                if let Node::Element(_) = node.value()
                    && let Some(frame) = stack.pop()
                    && frame.block
                {
                    block += 1;
                }
            }
        }
    }
    Ok(flat)
}

/// The attributes the walk reads, found in one pass over the element's own: scraper's `attr` interns
/// the name it is asked for on every call, and seven calls per element were 3.7% of a scan's CPU.
/// The first of a repeated attribute counts, as with `attr` (the parser keeps only the first anyway).
#[derive(Default)]
struct Attrs<'a> {
    id: Option<&'a str>,
    class: Option<&'a str>,
    style: Option<&'a str>,
    href: Option<&'a str>,
    onclick: Option<&'a str>,
    src: Option<&'a str>,
    input_type: Option<&'a str>,
    hidden: bool,
    marked_hidden: bool,
}

impl<'a> Attrs<'a> {
    fn of(el: &'a scraper::node::Element) -> Self {
        let mut a = Attrs::default();
        for (name, value) in el.attrs() {
            let slot = match name {
                "id" => &mut a.id,
                "class" => &mut a.class,
                "style" => &mut a.style,
                "href" => &mut a.href,
                "onclick" => &mut a.onclick,
                "src" => &mut a.src,
                "type" => &mut a.input_type,
                "hidden" => {
                    a.hidden = true;
                    continue;
                }
                HIDDEN_ATTRIBUTE => {
                    a.marked_hidden = true;
                    continue;
                }
                _ => continue,
            };
            slot.get_or_insert(value);
        }
        a
    }
}

/// An element its own markup hides: the `hidden` attribute or an inline `display:none`.
fn hides_itself(attrs: &Attrs<'_>) -> bool {
    attrs.hidden
        || attrs.style.is_some_and(|style| {
            let compact: String = style.chars().filter(|c| !c.is_whitespace()).collect();
            compact.to_ascii_lowercase().contains("display:none")
        })
}

/// Input types a visitor does not fill in or pick from: buttons of every kind and hidden fields.
fn is_not_filled_in(input_type: &str) -> bool {
    ["hidden", "submit", "button", "image", "reset"].iter().any(|t| input_type.eq_ignore_ascii_case(t))
}

/// `shown`: neither the element nor a frame around it hides itself — a form kept hidden until a script opens
/// it (a login box on an otherwise empty page) asks the visitor nothing yet.
fn count_signal(signals: &mut Signals, name: &str, attrs: &Attrs<'_>, shown: bool) {
    match name {
        "script" if attrs.src.is_some() => signals.scripts += 1,
        "form" => signals.forms += 1,
        "input" if attrs.input_type.is_some_and(|t| t.eq_ignore_ascii_case("password")) => signals.password_inputs += 1,
        "input" if shown && !attrs.input_type.is_some_and(is_not_filled_in) => signals.form_controls += 1,
        "textarea" | "select" if shown => signals.form_controls += 1,
        "img" => {
            signals.images += 1;
            if signals.image_names.len() < IMAGE_NAMES_KEPT {
                signals.image_names.extend(attrs.src.and_then(image_name));
            }
        }
        "a" if attrs.href.is_some() => signals.links += 1,
        "iframe" => signals.iframes += 1,
        "object" | "embed" | "video" => signals.embeds += 1,
        _ => {}
    }
    if attrs.id.is_some_and(|id| matches!(id, "app" | "root" | "__next" | "__nuxt")) {
        signals.app_root = true;
    }
}

/// The `<base href>` of a page, joined with the page's own URL.
pub(crate) fn base_url(html: &Html, page: &Url) -> Url {
    static BASE: std::sync::LazyLock<scraper::Selector> =
        std::sync::LazyLock::new(|| scraper::Selector::parse("base[href]").expect("selector"));
    html.select(&BASE)
        .next()
        .and_then(|b| b.value().attr("href"))
        .and_then(|h| page.join(h.trim()).ok())
        .unwrap_or_else(|| page.clone())
}

#[cfg(test)]
mod tests {
    use super::{flatten, image_name};
    use crate::extract::Budget;
    use scraper::Html;

    #[test]
    fn form_controls_count_what_a_visitor_fills_in_or_picks_not_buttons_hidden_fields_or_passwords() {
        let html = Html::parse_document(
            "<form><input type=text><input><input type=RADIO><textarea></textarea><select></select>\
             <input type=hidden><input type=submit><input type=button><input type=password></form>\
             <div style=\"display: none\"><input type=text><input type=checkbox></div><input hidden>",
        );
        let flat = flatten(&html, &Budget::unlimited()).expect("no deadline");
        assert_eq!(flat.signals.form_controls, 5);
        assert_eq!(flat.signals.password_inputs, 1);
    }

    #[test]
    fn a_picture_is_named_by_its_file_without_folder_query_or_extension() {
        assert_eq!(image_name("img/WeiHu.jpg?v=2#x").as_deref(), Some("weihu"));
        assert_eq!(image_name("https://cdn.example.cn/a/b/building.gif").as_deref(), Some("building"));
        assert_eq!(image_name("..\\pic\\jianshe").as_deref(), Some("jianshe"));
        assert_eq!(image_name("/static/").as_deref(), None);
        assert_eq!(image_name(&format!("{}.png", "x".repeat(80))), None);
    }
}
