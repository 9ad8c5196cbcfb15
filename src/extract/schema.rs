//! What a page declares itself to be in schema.org's vocabulary: the `@type`s of its JSON-LD blocks and the
//! `itemtype`s of its microdata. Publishers write them for search engines (a news article as `NewsArticle`, a
//! hospital as `Hospital`), so they say what the page is in one vocabulary whatever the page's language.
//!
//! Only what the page says of itself counts: a block's own entities (its root, the items of its `@graph`) and the
//! publisher they name, not what they are about (a news article's `about` may be a hospital) or who wrote them.

use std::sync::LazyLock;

use regex::Regex;
use scraper::{Html, Selector};
use serde_json::Value;

/// Types kept per page: a page declares a handful (its article, its publisher, its breadcrumbs, its site).
pub const SCHEMA_TYPE_LIMIT: usize = 32;
/// Of each JSON-LD block, only this much is read (a block may carry a whole article's text; the types stand at its
/// start, and a block cut short is read as one that is not valid JSON).
const BLOCK_READ_LIMIT: usize = 256 * 1024;
/// Blocks read per page.
const BLOCK_LIMIT: usize = 16;
/// Elements with an `itemtype` looked at per page (a product grid repeats one type hundreds of times).
const MICRODATA_LIMIT: usize = 256;

static JSON_LD: LazyLock<Selector> =
    LazyLock::new(|| Selector::parse(r#"script[type="application/ld+json" i]"#).expect("static selector"));
static ITEMTYPE: LazyLock<Selector> = LazyLock::new(|| Selector::parse("[itemtype]").expect("static selector"));
/// The first `"@type": "NewsArticle"` or `"@type": ["NewsArticle", "Article"]` of a block that is not valid JSON (a
/// trailing comma, template syntax left in): its types are no less declared, and the first is its root's, written
/// before what the root contains.
static FIRST_TYPE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#""@type"\s*:\s*(?:"([^"]{1,200})"|\[([^\]]{1,600})\])"#).expect("static regex"));
static QUOTED: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#""([^"]{1,200})""#).expect("static regex"));
/// The property by which an entity names who runs it: its publisher is the site's own operator.
const SELF_PROPERTIES: [&str; 2] = ["publisher", "mainEntity"];

/// The schema.org types the page declares, distinct, in the order first declared.
pub(crate) fn declared_types(html: &Html) -> Vec<String> {
    let mut types = Vec::new();
    for block in html.select(&JSON_LD).take(BLOCK_LIMIT) {
        let text: String = block.text().collect();
        let text = head(&text, BLOCK_READ_LIMIT);
        match serde_json::from_str::<Value>(text) {
            Ok(root) => own_entities(&root, &mut types),
            Err(_) => {
                if let Some(entry) = FIRST_TYPE.captures(text) {
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
        }
    }
    for element in html.select(&ITEMTYPE).take(MICRODATA_LIMIT) {
        // An item that is another's property (`itemprop="about"`) is what that item is about, unless it is the
        // one that runs it.
        let property = element.value().attr("itemprop");
        if property.is_some_and(|p| !p.split_ascii_whitespace().any(|p| SELF_PROPERTIES.contains(&p))) {
            continue;
        }
        // `itemtype` may list several types, space-separated.
        for url in element.value().attr("itemtype").unwrap_or("").split_ascii_whitespace() {
            if is_schema_org(url) {
                keep(&mut types, url);
            }
        }
    }
    types
}

/// The types of a block's own entities: the root (or each item of a root list), the items of a `@graph`, and
/// the publisher each names.
fn own_entities(root: &Value, types: &mut Vec<String>) {
    let roots: Vec<&Value> = match root {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    };
    for entity in roots {
        let graph = entity.get("@graph").and_then(Value::as_array).into_iter().flatten();
        for own in std::iter::once(entity).chain(graph) {
            types_of(own, types);
            for property in SELF_PROPERTIES {
                types_of(own.get(property).unwrap_or(&Value::Null), types);
            }
        }
    }
}

/// The `@type` of one entity, written as one name or a list.
fn types_of(entity: &Value, types: &mut Vec<String>) {
    match entity.get("@type") {
        Some(Value::String(one)) => keep(types, one),
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).for_each(|one| keep(types, one)),
        _ => {}
    }
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

    fn types_of_page(html: &str) -> Vec<String> {
        declared_types(&Html::parse_document(html))
    }

    #[test]
    fn json_ld_types_are_read_by_their_local_names() {
        let page = r#"<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle",
            "publisher":{"@type":"NewsMediaOrganization","name":"Diário"},"author":[{"@type":"Person"}]}</script>
            <script type="application/ld+json">{"@graph":[{"@type":["WebPage","ItemPage"]},{"@type":"schema:Hospital"}]}</script>"#;
        assert_eq!(types_of_page(page), ["NewsArticle", "NewsMediaOrganization", "WebPage", "ItemPage", "Hospital"]);
    }

    #[test]
    fn what_a_page_is_about_or_who_wrote_it_is_not_what_it_is() {
        let page = r#"<script type="application/ld+json">{"@type":"NewsArticle","about":{"@type":"Hospital"},
            "mentions":[{"@type":"Pharmacy"}],"author":{"@type":"Person","worksFor":{"@type":"CollegeOrUniversity"}}}</script>
            <article itemscope itemtype="https://schema.org/BlogPosting"><div itemprop="about" itemscope
            itemtype="https://schema.org/TaxiService"></div><div itemprop="publisher" itemscope
            itemtype="https://schema.org/Organization"></div></article>"#;
        assert_eq!(types_of_page(page), ["NewsArticle", "BlogPosting", "Organization"]);
    }

    #[test]
    fn a_block_that_is_not_valid_json_declares_its_first_type() {
        let page = r#"<script type="application/ld+json">{"@type": "RadioStation", "name": "{{ site.name }}",
            "about": {"@type": "Hospital"},}</script>"#;
        assert_eq!(types_of_page(page), ["RadioStation"]);
    }

    #[test]
    fn microdata_types_count_only_in_schema_org_s_vocabulary() {
        let page = r#"<div itemscope itemtype="http://schema.org/MedicalClinic"><span itemtype="https://schema.org/Dentist
            https://schema.org/LocalBusiness"></span></div><div itemtype="http://data-vocabulary.org/Article"></div>"#;
        assert_eq!(types_of_page(page), ["MedicalClinic", "Dentist", "LocalBusiness"]);
    }

    #[test]
    fn types_in_other_scripts_or_in_the_text_are_not_declared() {
        let page = r#"<script>var x = {"@type": "NewsArticle"};</script><p>"@type": "Hospital"</p>"#;
        assert!(types_of_page(page).is_empty());
    }

    #[test]
    fn types_are_bounded_and_kept_once() {
        let many: String = (0..100).map(|i| format!(r#"{{"@type":"T{i}"}},{{"@type":"T0"}},"#)).collect();
        let page = format!(r#"<script type="application/ld+json">[{}]</script>"#, many.trim_end_matches(','));
        let types = types_of_page(&page);
        assert_eq!(types.len(), SCHEMA_TYPE_LIMIT);
        assert_eq!(types[..2], ["T0", "T1"]);
    }
}
