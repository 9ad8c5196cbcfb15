//! What a page declares itself to be in schema.org's vocabulary: the `@type`s of its JSON-LD blocks and the
//! `itemtype`s of its microdata. Publishers write them for search engines (a news article as `NewsArticle`, a
//! hospital as `Hospital`), so they say what the page is in one vocabulary whatever the page's language.

use std::sync::LazyLock;

use regex::Regex;
use scraper::{Html, Selector};

/// Types kept per page: a page declares a handful (its article, its publisher, its breadcrumbs, its site).
pub const SCHEMA_TYPE_LIMIT: usize = 32;
/// Of each JSON-LD block, only this much is read: the types stand at its start, and a block may carry a whole
/// article's text.
const BLOCK_READ_LIMIT: usize = 64 * 1024;
/// Blocks read per page.
const BLOCK_LIMIT: usize = 16;
/// Elements with an `itemtype` looked at per page (a product grid repeats one type hundreds of times).
const MICRODATA_LIMIT: usize = 256;

static JSON_LD: LazyLock<Selector> =
    LazyLock::new(|| Selector::parse(r#"script[type="application/ld+json" i]"#).expect("static selector"));
static ITEMTYPE: LazyLock<Selector> = LazyLock::new(|| Selector::parse("[itemtype]").expect("static selector"));
/// `"@type": "NewsArticle"` or `"@type": ["NewsArticle", "Article"]`. Read by its form rather than parsed as
/// JSON: blocks are often not valid JSON (a trailing comma, template syntax left in), and their types are no less
/// declared.
static TYPE_ENTRY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#""@type"\s*:\s*(?:"([^"]{1,200})"|\[([^\]]{1,600})\])"#).expect("static regex"));
static QUOTED: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#""([^"]{1,200})""#).expect("static regex"));

/// The schema.org types the page declares, distinct, in the order first declared.
pub(crate) fn declared_types(html: &Html) -> Vec<String> {
    let mut types = Vec::new();
    for block in html.select(&JSON_LD).take(BLOCK_LIMIT) {
        let text: String = block.text().collect();
        let text = head(&text, BLOCK_READ_LIMIT);
        for entry in TYPE_ENTRY.captures_iter(text) {
            match (entry.get(1), entry.get(2)) {
                (Some(one), _) => keep(&mut types, one.as_str()),
                (None, Some(list)) => {
                    for name in QUOTED.captures_iter(list.as_str()) {
                        keep(&mut types, &name[1]);
                    }
                }
                (None, None) => {}
            }
        }
    }
    for element in html.select(&ITEMTYPE).take(MICRODATA_LIMIT) {
        // `itemtype` may list several types, space-separated.
        for url in element.value().attr("itemtype").unwrap_or("").split_ascii_whitespace() {
            if is_schema_org(url) {
                keep(&mut types, url);
            }
        }
    }
    types
}

/// A microdata type of schema.org's vocabulary (another vocabulary's `Article` is another word).
fn is_schema_org(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    ["http://schema.org/", "https://schema.org/", "http://www.schema.org/", "https://www.schema.org/"]
        .iter()
        .any(|p| lower.starts_with(p))
}

/// Keeps a type by its local name (`https://schema.org/Hospital` and `schema:Hospital` are `Hospital`).
fn keep(types: &mut Vec<String>, declared: &str) {
    let name = declared.trim().rsplit(['/', ':', '#']).next().unwrap_or("").trim();
    let well_formed = !name.is_empty() && name.len() <= 64 && name.chars().all(|c| c.is_ascii_alphanumeric());
    if well_formed && types.len() < SCHEMA_TYPE_LIMIT && !types.iter().any(|t| t == name) {
        types.push(name.to_string());
    }
}

/// The first `limit` bytes of `text`, cut at a character boundary.
fn head(text: &str, limit: usize) -> &str {
    let mut end = text.len().min(limit);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn types_of(html: &str) -> Vec<String> {
        declared_types(&Html::parse_document(html))
    }

    #[test]
    fn json_ld_types_are_read_by_their_local_names() {
        let page = r#"<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle",
            "publisher":{"@type":"NewsMediaOrganization","name":"Diário"},"author":[{"@type":"Person"}]}</script>
            <script type="application/ld+json">{"@graph":[{"@type":["WebPage","ItemPage"]},{"@type":"schema:Hospital"}]}</script>"#;
        assert_eq!(
            types_of(page),
            ["NewsArticle", "NewsMediaOrganization", "Person", "WebPage", "ItemPage", "Hospital"]
        );
    }

    #[test]
    fn a_block_that_is_not_valid_json_still_declares_its_types() {
        let page =
            r#"<script type="application/ld+json">{"@type": "RadioStation", "name": "{{ site.name }}",}</script>"#;
        assert_eq!(types_of(page), ["RadioStation"]);
    }

    #[test]
    fn microdata_types_count_only_in_schema_org_s_vocabulary() {
        let page = r#"<div itemscope itemtype="http://schema.org/MedicalClinic"><span itemtype="https://schema.org/Dentist
            https://schema.org/LocalBusiness"></span></div><div itemtype="http://data-vocabulary.org/Article"></div>"#;
        assert_eq!(types_of(page), ["MedicalClinic", "Dentist", "LocalBusiness"]);
    }

    #[test]
    fn types_in_other_scripts_or_in_the_text_are_not_declared() {
        let page = r#"<script>var x = {"@type": "NewsArticle"};</script><p>"@type": "Hospital"</p>"#;
        assert!(types_of(page).is_empty());
    }

    #[test]
    fn types_are_bounded_and_kept_once() {
        let many: String = (0..100).map(|i| format!(r#"{{"@type":"T{i}"}},{{"@type":"T0"}},"#)).collect();
        let page = format!(r#"<script type="application/ld+json">[{many}]</script>"#);
        let types = types_of(&page);
        assert_eq!(types.len(), SCHEMA_TYPE_LIMIT);
        assert_eq!(types[..2], ["T0", "T1"]);
    }
}
