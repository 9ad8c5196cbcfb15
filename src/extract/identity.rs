//! What a page calls itself: `<title>`, `og:site_name`, the main heading, the logo's alt text, the
//! text of its link home and of its header's brand.

use std::sync::LazyLock;

use scraper::{ElementRef, Html, Selector};

#[derive(Debug, Default)]
pub(crate) struct Identity {
    pub title: Option<String>,
    pub og_site_name: Option<String>,
    pub heading: Option<String>,
    pub logo_alt: Option<String>,
    pub home_link: Option<String>,
    pub brand: Option<String>,
    pub lang: Option<String>,
}

fn selector(s: &str) -> Selector {
    Selector::parse(s).expect("static selector")
}

static TITLE: LazyLock<Selector> = LazyLock::new(|| selector("title"));
static OG_SITE_NAME: LazyLock<Selector> = LazyLock::new(|| selector(r#"meta[property="og:site_name"]"#));
/// Government sites name themselves in `<meta name="SiteName">` (the national site-metadata standard).
static META_SITE_NAME: LazyLock<Selector> =
    LazyLock::new(|| selector(r#"meta[name="SiteName"], meta[name="sitename"], meta[name="site_name"]"#));
static H1: LazyLock<Selector> = LazyLock::new(|| selector("h1"));
static IMG: LazyLock<Selector> = LazyLock::new(|| selector("img[alt]"));
static LINK: LazyLock<Selector> = LazyLock::new(|| selector("a[href]"));
/// The element a theme writes the site's name into, by the class (or id) its framework gives it: Bootstrap's `navbar-brand`,
/// WordPress's `site-title` and `site-name`, a text logo. Only the first on the page is the header's: later ones are
/// partners' logos or a footer's "扫码关注".
static BRAND: LazyLock<Selector> = LazyLock::new(|| {
    selector(".navbar-brand, .site-title, .site-name, .brand-name, .logo-text, .logo, #site-title, #site-name, #logo")
});
/// What makes a brand block a header (its menu, its form) rather than the name itself.
static HEADER_INSIDE: LazyLock<Selector> = LazyLock::new(|| selector("ul, ol, nav, form"));
/// A picture in the brand block: the text beside it may be a slogan rather than the name.
static PICTURE: LazyLock<Selector> = LazyLock::new(|| selector("img, svg"));
/// Text inside a brand element that is not its name: a menu button's label, a screen reader's "Toggle navigation".
const NOT_THE_NAME: [&str; 6] = ["button", "script", "noscript", "style", "select", "template"];
/// This many digits make a telephone number (服务热线：400-800-1234), not a brand ("58同城", "1药网", "4399小游戏").
const PHONE_DIGITS: usize = 7;

/// How a page links to its own home without naming a host.
const HOME_TARGETS: [&str; 10] = [
    "/",
    "./",
    "index.html",
    "index.htm",
    "index.php",
    "/index.html",
    "/index.htm",
    "/index.php",
    "/index.asp",
    "/index.jsp",
];
/// A brand's name is short; a longer link home or brand element is a sentence or a menu.
const HOME_LINK_MAX_CHARS: usize = 24;

fn text_of(el: ElementRef<'_>) -> Option<String> {
    let text: String = el.text().collect::<Vec<_>>().join(" ");
    let text = super::collapse_space(&crate::text::nfkc(&text));
    (!text.is_empty()).then_some(text)
}

fn inside_svg(el: ElementRef<'_>) -> bool {
    el.ancestors().filter_map(ElementRef::wrap).any(|a| a.value().name() == "svg")
}

fn mentions_logo(el: ElementRef<'_>) -> bool {
    let attrs = ["class", "id", "src"];
    let own = attrs.iter().filter_map(|a| el.value().attr(a)).any(|v| v.to_ascii_lowercase().contains("logo"));
    own || el.ancestors().take(3).filter_map(ElementRef::wrap).any(|a| {
        ["class", "id"].iter().filter_map(|k| a.value().attr(k)).any(|v| v.to_ascii_lowercase().contains("logo"))
    })
}

pub(crate) fn read(html: &Html) -> Identity {
    Identity {
        // The first title that says something (a template left an empty <title></title> before the one it fills, dev
        // c2246), never a picture's: an SVG's <title> is its tooltip.
        title: html.select(&TITLE).filter(|t| !inside_svg(*t)).find_map(text_of),
        og_site_name: html
            .select(&OG_SITE_NAME)
            .chain(html.select(&META_SITE_NAME))
            .find(|m| m.value().attr("content").is_some_and(|c| !c.trim().is_empty()))
            .and_then(|m| m.value().attr("content"))
            .map(super::collapse_space)
            .filter(|c| !c.is_empty()),
        heading: html.select(&H1).find_map(text_of),
        logo_alt: html
            .select(&IMG)
            .filter(|img| mentions_logo(*img))
            .find_map(|img| img.value().attr("alt").map(super::collapse_space).filter(|a| !a.is_empty())),
        home_link: home_link(html),
        brand: brand(html),
        lang: {
            let root = html.root_element().value();
            root.attr("lang")
                .or_else(|| root.attr("xml:lang"))
                .map(|l| l.trim().to_ascii_lowercase())
                .filter(|l| !l.is_empty())
        },
    }
}

/// The name in the header's brand element: the first such element's own text (not a button's or a screen reader's), when
/// it names something. A brand block that holds a menu or several links is the header around the logo ("微信平台 加入收藏",
/// dev c2868), and a hotline or a slogan beside the picture is no name.
fn brand(html: &Html) -> Option<String> {
    // A class on the page's root or body is the page's, not a brand's.
    let el = html.select(&BRAND).find(|el| !matches!(el.value().name(), "html" | "head" | "body"))?;
    if el.select(&LINK).nth(1).is_some() {
        return None;
    }
    let text = own_text(el);
    let block = el.select(&HEADER_INSIDE).next().is_some();
    // Beside the picture, the name is one run of Chinese ("四川某某科技有限公司", dev c7744); words apart are a slogan ("专业 诚信 共赢").
    let picture = el.select(&PICTURE).next().is_some();
    let slogan = picture && text.chars().any(crate::text::is_han) && text.contains(' ');
    if text.is_empty() || block || slogan {
        return None;
    }
    let digits = text.chars().filter(char::is_ascii_digit).count();
    (!text.contains(['<', '>', '=', '|']) && digits < PHONE_DIGITS && names_something(&text)).then_some(text)
}

/// An element's text without what its controls and scripts hold, read as [`text_of`] reads. Reading stops past what a
/// name could be: the first brand element may be a large block (a `logo` class on a whole header).
fn own_text(el: ElementRef<'_>) -> String {
    const ENOUGH_BYTES: usize = 4 * 4 * HOME_LINK_MAX_CHARS;
    let mut text = String::new();
    for node in el.descendants() {
        let Some(t) = node.value().as_text().map(|t| t.trim()).filter(|t| !t.is_empty()) else { continue };
        let hidden = node.ancestors().filter_map(ElementRef::wrap).take_while(|a| a.id() != el.id()).any(|a| {
            NOT_THE_NAME.contains(&a.value().name())
                || a.value().attr("class").is_some_and(|c| c.split_whitespace().any(|k| k == "sr-only"))
        });
        if !hidden {
            text.push(' ');
            text.push_str(t);
            if text.len() > ENOUGH_BYTES {
                break;
            }
        }
    }
    super::collapse_space(&crate::text::nfkc(&text))
}

/// Whether a short text names a site: a brand's length, letters in it, and not a word that names no site ("首页",
/// "手机版", "Home").
fn names_something(text: &str) -> bool {
    let key = crate::text::fold(text);
    text.chars().count() <= HOME_LINK_MAX_CHARS
        && key.chars().filter(|c| c.is_alphabetic()).count() >= 2
        && !super::is_generic_name(&key)
}

/// The text of the first link to the site's own home that names something (a header's brand, `<a
/// href="/">某某视频网</a>`, dev c1492), not a word that names no site ("首页", "手机版", "设为首页").
fn home_link(html: &Html) -> Option<String> {
    html.select(&LINK)
        .filter(|a| a.value().attr("href").is_some_and(|h| HOME_TARGETS.contains(&h.trim())))
        .filter_map(text_of)
        .find(|text| names_something(text))
}
