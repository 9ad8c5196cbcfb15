//! `rules/naming.toml`: the rules a filed website name must follow (schema documented in the file).

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Naming {
    pub min_cjk: usize,
    pub national_prefixes: Vec<String>,
    pub banned_prefixes: Vec<String>,
    pub banned_words: Vec<String>,
    pub personal_banned_words: Vec<String>,
    pub company_words: Vec<String>,
    pub national_types: Vec<String>,
    #[serde(default)]
    pub case: Vec<NamingCase>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NamingCase {
    pub name: String,
    pub principal_type: String,
    pub domain: String,
    pub valid: bool,
}

impl Naming {
    /// Why a filed name breaks the rules; empty when it does not.
    pub fn problems(&self, name: &str, principal_type: &str, domain: &str) -> Vec<String> {
        let name = name.trim();
        let mut out = Vec::new();
        let cjk = name.chars().filter(|c| is_cjk(*c)).count();
        let latin_or_digits = name.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
        if name.eq_ignore_ascii_case(domain) || name.eq_ignore_ascii_case(domain.trim_start_matches("www.")) {
            out.push("the name is the domain".to_string());
        } else if latin_or_digits {
            out.push("only Latin letters or digits".to_string());
        } else if cjk < self.min_cjk {
            out.push(format!("fewer than {} Chinese characters", self.min_cjk));
        }
        if !self.national_types.iter().any(|t| t == principal_type.trim())
            && let Some(p) = self.national_prefixes.iter().find(|p| name.starts_with(p.as_str()))
        {
            out.push(format!("starts with {p}, reserved for national bodies"));
        }
        if let Some(p) = self.banned_prefixes.iter().find(|p| name.starts_with(p.as_str())) {
            out.push(format!("starts with the banned word {p}"));
        }
        if let Some(w) = self.banned_words.iter().find(|w| name.contains(w.as_str())) {
            out.push(format!("contains the banned word {w}"));
        }
        if principal_type.trim() == "个人" {
            if let Some(w) = self.personal_banned_words.iter().find(|w| name.contains(w.as_str())) {
                out.push(format!("a personal site's name may not contain {w}"));
            }
            if let Some(w) = self.company_words.iter().find(|w| name.contains(w.as_str())) {
                out.push(format!("{w} in a personal site's name needs an organisation"));
            }
        }
        out
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0x20000..=0x2A6DF | 0xF900..=0xFAFF)
}
