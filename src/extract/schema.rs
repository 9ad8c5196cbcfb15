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
/// A `"@type": "NewsArticle"` or `"@type": ["NewsArticle", "Article"]` entry of a block that is not valid JSON (a
/// trailing comma, template syntax left in): its root's types are no less declared.
static TYPE_ENTRY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#""@type"\s*:\s*(?:"([^"]{1,200})"|\[([^\]]{1,600})\])"#).expect("static regex"));
static QUOTED: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#""([^"]{1,200})""#).expect("static regex"));
/// The property by which an entity names who runs it: its publisher is the site's own operator.
const PUBLISHER: &str = "publisher";
/// The properties by which a flattened graph's items tie the page, its site and its main entity together: pointing so
/// says nothing of being about another thing.
const STRUCTURE: [&str; 3] = ["mainEntity", "mainEntityOfPage", "isPartOf"];

/// The schema.org types the page declares, distinct, in the order first declared.
pub(crate) fn declared_types(html: &Html) -> Vec<String> {
    let mut types = Vec::new();
    for block in html.select(&JSON_LD).take(BLOCK_LIMIT) {
        let text: String = block.text().collect();
        let text = unwrapped(head(&text, BLOCK_READ_LIMIT));
        match serde_json::from_str::<Value>(text) {
            Ok(root) => own_entities(&root, &mut types),
            Err(_) => root_types_by_form(text, &mut types),
        }
    }
    microdata_items(html, &mut types);
    types
}

/// The types of a block's own entities: the root (or each item of a root list), the items of a `@graph` that no
/// other item points to except as its publisher (a flattened graph names what an article is about as an item of its
/// own, referred to by `@id`), and the publisher each names.
fn own_entities(root: &Value, types: &mut Vec<String>) {
    let roots: Vec<&Value> = match root {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    };
    for entity in roots {
        let graph: Vec<&Value> = entity.get("@graph").and_then(Value::as_array).into_iter().flatten().collect();
        let (mut pointed_at, mut publishers) = (Vec::new(), Vec::new());
        for item in &graph {
            references(item, false, &mut pointed_at, &mut publishers, 0);
        }
        let own_graph = graph.into_iter().filter(|item| {
            let id = item.get("@id").and_then(Value::as_str);
            id.is_none_or(|id| !pointed_at.contains(&id) || publishers.contains(&id))
        });
        for own in std::iter::once(entity).chain(own_graph) {
            types_of(own, types);
            types_of(own.get(PUBLISHER).unwrap_or(&Value::Null), types);
        }
    }
}

/// Nesting read for references: a flattened graph's items point to each other one or two levels down.
const REFERENCE_DEPTH: usize = 4;

/// The `@id`s an item's properties point to, apart as they are its publisher or anything else.
fn references<'v>(
    value: &'v Value,
    as_publisher: bool,
    pointed_at: &mut Vec<&'v str>,
    publishers: &mut Vec<&'v str>,
    depth: usize,
) {
    if depth > REFERENCE_DEPTH {
        return;
    }
    match value {
        Value::Object(fields) => {
            for (key, field) in fields {
                if key == "@id" {
                    // An item's own `@id` names it; only one below its top level points elsewhere.
                    if depth > 0
                        && let Some(id) = field.as_str()
                    {
                        if as_publisher { publishers.push(id) } else { pointed_at.push(id) }
                    }
                } else if !STRUCTURE.contains(&key.as_str()) {
                    references(field, as_publisher || key == PUBLISHER, pointed_at, publishers, depth + 1);
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                references(item, as_publisher, pointed_at, publishers, depth + 1);
            }
        }
        _ => {}
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

/// The types of a block that is not valid JSON, read by form: the `@type` entries of its root object, one level
/// inside its outermost braces (or brackets and braces), not those of what the root contains.
fn root_types_by_form(text: &str, types: &mut Vec<String>) {
    let root_depth = if text.trim_start().starts_with('[') { 2 } else { 1 };
    let mut nesting = Nesting::default();
    for entry in TYPE_ENTRY.captures_iter(text) {
        let at = entry.get(0).map_or(0, |m| m.start());
        if nesting.at(text, at) > root_depth {
            continue;
        }
        match (entry.get(1), entry.get(2)) {
            (Some(one), _) => keep(types, one.as_str()),
            (None, Some(list)) => {
                for name in QUOTED.captures_iter(list.as_str()) {
                    keep(types, &name[1]);
                }
            }
            (None, None) => {}
        }
    }
}

/// How many braces and brackets are open, outside strings, read forward once through a text (each entry's depth from
/// where the last one's was read, not from the text's start: a block of many entries is read in one pass).
#[derive(Default)]
struct Nesting {
    read_to: usize,
    depth: usize,
    in_string: bool,
    escaped: bool,
}

impl Nesting {
    /// The depth at byte `at`, at or after the last byte asked for.
    fn at(&mut self, text: &str, at: usize) -> usize {
        for c in text[self.read_to..at].chars() {
            match (self.in_string, self.escaped, c) {
                (true, true, _) => self.escaped = false,
                (true, false, '\\') => self.escaped = true,
                (true, false, '"') => self.in_string = false,
                (false, _, '"') => self.in_string = true,
                (false, _, '{' | '[') => self.depth += 1,
                (false, _, '}' | ']') => self.depth = self.depth.saturating_sub(1),
                _ => {}
            }
        }
        self.read_to = at;
        self.depth
    }
}

/// The types of the page's microdata items that are no other item's property (`itemprop="about"` is what that item is
/// about), or are its publisher; a type several such items carry is a list's (a directory of dentists), not the page's.
fn microdata_items(html: &Html, types: &mut Vec<String>) {
    let mut seen: Vec<(String, usize)> = Vec::new();
    for element in html.select(&ITEMTYPE).take(MICRODATA_LIMIT) {
        let property = element.value().attr("itemprop");
        if property.is_some_and(|p| !p.split_ascii_whitespace().any(|p| p == PUBLISHER)) {
            continue;
        }
        // `itemtype` may list several types, space-separated.
        for url in element.value().attr("itemtype").unwrap_or("").split_ascii_whitespace().filter(|u| is_schema_org(u))
        {
            match seen.iter_mut().find(|(known, _)| known == url) {
                Some((_, count)) => *count += 1,
                None => seen.push((url.to_string(), 1)),
            }
        }
    }
    for (url, _) in seen.iter().filter(|(_, count)| *count == 1) {
        keep(types, url);
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

/// A block's JSON without the CDATA section or comment some templates wrap it in (dev c6590, Aktuálně.cz).
fn unwrapped(text: &str) -> &str {
    let text = text.trim();
    [("<![CDATA[", "]]>"), ("<!--", "-->")]
        .iter()
        .find_map(|(open, close)| text.strip_prefix(open).map(|t| t.strip_suffix(close).unwrap_or(t).trim()))
        .unwrap_or(text)
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
    fn a_block_that_is_not_valid_json_declares_its_root_s_types() {
        let page = r#"<script type="application/ld+json">{"about": {"@type": "Hospital"}, "@type": "RadioStation",
            "name": "{{ site.name }}",}</script>"#;
        assert_eq!(types_of_page(page), ["RadioStation"]);
        let list = r#"<script type="application/ld+json">[{"@type": "School", "x": {"@type": "Hospital"}},]</script>"#;
        assert_eq!(types_of_page(list), ["School"]);
        // Braces and quotes inside strings open nothing.
        let quoted = r#"<script type="application/ld+json">{"name": "a { \"b\" [", "@type": "RadioStation",
            "x": {"@type": "Hospital"},}</script>"#;
        assert_eq!(types_of_page(quoted), ["RadioStation"]);
    }

    #[test]
    fn a_block_wrapped_in_cdata_or_a_comment_is_read() {
        let page = r#"<script type="application/ld+json"><![CDATA[ {"@type":"NewsArticle"} ]]></script>
            <script type="application/ld+json"><!-- {"@type":"RadioStation"} --></script>"#;
        assert_eq!(types_of_page(page), ["NewsArticle", "RadioStation"]);
    }

    #[test]
    fn a_flattened_graph_s_item_another_points_to_is_not_the_page_unless_as_its_publisher() {
        let page = r##"<script type="application/ld+json">{"@graph":[
            {"@type":"BlogPosting","@id":"#post","about":{"@id":"#hospital"},"publisher":{"@id":"#outlet"}},
            {"@type":"Hospital","@id":"#hospital"},
            {"@type":"NewsMediaOrganization","@id":"#outlet"},
            {"@type":"WebPage","@id":"#page","mainEntity":{"@id":"#post"}}]}</script>"##;
        assert_eq!(types_of_page(page), ["BlogPosting", "NewsMediaOrganization", "WebPage"]);
    }

    #[test]
    fn what_a_page_s_main_entity_is_or_a_list_of_items_is_not_the_page() {
        let page = r#"<script type="application/ld+json">{"@type":"WebPage","mainEntity":{"@type":"TaxiService"}}</script>
            <ul><li itemscope itemtype="http://schema.org/Dentist">A</li><li itemscope itemtype="http://schema.org/Dentist">B</li></ul>"#;
        assert_eq!(types_of_page(page), ["WebPage"]);
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
