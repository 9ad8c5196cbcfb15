//! Text folding for matching rule words against pages: NFKC (full width to half width), lower case,
//! no white space.

use std::borrow::Cow;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    out.extend(nfkc(s).chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase));
    out
}

/// The NFKC form of a text, borrowed when it is already in it: most page text is, and the quick
/// check costs a fraction of normalising.
pub fn nfkc(s: &str) -> Cow<'_, str> {
    match is_nfkc_quick(s.chars()) {
        IsNormalized::Yes => Cow::Borrowed(s),
        IsNormalized::No | IsNormalized::Maybe => Cow::Owned(s.nfkc().collect()),
    }
}

/// Template syntax left in served pages (`<%@ … %>`, `${…}`, `{{…}}`, `{maccms:…}`, `<#-- -->`),
/// which a visitor sees as noise, not content.
pub fn strip_template_syntax(s: &str) -> String {
    static TEMPLATE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"<\s*%.*?%>|<\s*#--.*?-->|\$\{[^}]*\}|\{\{[^}]*\}\}|\{[a-z]+:[^}]*\}|<\s*%--.*?--%>")
            .expect("template pattern")
    });
    TEMPLATE.replace_all(s, " ").into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_and_strips() {
        assert_eq!(fold(" Ｗelcome to  NGINX! "), "welcometonginx!");
        assert_eq!(
            strip_template_syntax("< %@ page x %> 网站 ${post.title} {{$a}} {maccms:name}")
                .split_whitespace()
                .collect::<Vec<_>>(),
            ["网站"]
        );
    }
}
