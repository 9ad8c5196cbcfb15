//! Whether a government or Party body runs the site: by the marks only such sites carry (the
//! 政府网站标识码) and by a name of the page that ends the way such a body's name does
//! (…人民政府门户网站, …委员会办公室). Their news pages are 政务 information, not a news business.

use crate::rules::GovernmentRule;
use crate::rules::gated::Gated;

/// `names` are the page's folded names joined by `|` (title, og:site_name, heading, logo alt);
/// `text` is its visible text.
pub(super) fn is_government_site(names: &str, text: &str, rule: &GovernmentRule) -> bool {
    rule.marks.iter().any(|re| re.is_match(text)) || names_end_like_a_body(names, &rule.name_endings)
}

fn names_end_like_a_body(names: &str, endings: &[Gated]) -> bool {
    super::identity::name_parts(names).any(|part| endings.iter().any(|re| re.is_match(part)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::Regex;

    fn rule() -> GovernmentRule {
        GovernmentRule {
            industries: vec!["news".into()],
            marks: vec![Gated::new(Regex::new(r"网站标识码\s*[:：]?\s*\d{10}").unwrap())],
            name_endings: vec![Gated::new(
                Regex::new(r"\p{Han}{2,}(?:人民政府|委员会办公室)(?:门户)?(?:网站|网)?$").unwrap(),
            )],
        }
    }

    #[test]
    fn a_portal_named_in_its_title_segment_is_a_government_site() {
        assert!(is_government_site("某某会议召开_州市动态_某某省人民政府门户网站", "", &rule()));
        assert!(is_government_site("从信息社会迈向智能社会_某某委员会办公室", "", &rule()));
    }

    #[test]
    fn the_site_identifier_code_marks_a_government_site() {
        assert!(is_government_site("某某活动举行", "主办单位：某某办公厅 网站标识码：5300000033", &rule()));
    }

    #[test]
    fn a_headline_about_a_government_is_not_its_site() {
        // The body is named inside the headline, not as the part's ending.
        assert!(!is_government_site("某某市人民政府召开常务会议_示例新闻网", "", &rule()));
        assert!(!is_government_site("示例科技有限公司", "网站标识码", &rule()));
    }
}
