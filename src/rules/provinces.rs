//! The 31 provincial administrations: their characters, division codes and display rules.

use serde::Deserialize;

/// One province as `rules/provinces.toml` describes it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Province {
    /// GB/T 2260 two-digit division code, e.g. "11".
    pub code: String,
    /// The name, e.g. "北京".
    pub name: String,
    /// Characters that lead an ICP number of this province; the first is the usual one, the rest
    /// aliases (蜀 for 川).
    pub icp_chars: Vec<char>,
    /// Characters that lead a 公网安备 number of this province.
    pub psb_chars: Vec<char>,
    /// The 管局 accepts the entity number alone in the footer (Guangdong).
    #[serde(default)]
    pub entity_number_ok: bool,
    /// A copyright line (版权所有 / © with a holder) is required at the bottom (Jiangsu).
    #[serde(default)]
    pub copyright_required: bool,
    /// Principal types besides 个人 whose sites may not carry forum, pre-approval or commercial content.
    #[serde(default)]
    pub scope_limited: Vec<String>,
    /// Where the province's special rules come from, and how sure we are.
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub confidence: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProvincesFile {
    pub province: Vec<Province>,
}

/// The province table with look-ups by character, name and code.
#[derive(Debug, Clone, Default)]
pub struct Provinces {
    list: Vec<Province>,
    /// Names and characters that can lead a 公网安备 label, longest first (computed once).
    heads: Vec<String>,
}

impl Provinces {
    pub(crate) fn new(list: Vec<Province>) -> Self {
        let mut heads: Vec<String> = list.iter().map(|p| p.name.clone()).collect();
        heads.extend(list.iter().flat_map(|p| p.psb_chars.iter().map(|c| c.to_string())));
        heads.sort_by_key(|h| std::cmp::Reverse(h.chars().count()));
        heads.dedup();
        Provinces { list, heads }
    }

    pub fn all(&self) -> &[Province] {
        &self.list
    }

    pub fn by_icp_char(&self, c: char) -> Option<&Province> {
        self.list.iter().find(|p| p.icp_chars.contains(&c))
    }

    pub fn by_code(&self, code: &str) -> Option<&Province> {
        self.list.iter().find(|p| p.code == code)
    }

    /// The province a public-security label names: `京公网安备`, `河南公网安备`, `内蒙古公网安备`.
    pub fn by_psb_label(&self, label: &str) -> Option<&Province> {
        let head = label.split("公网安备").next().unwrap_or("");
        if head.is_empty() {
            return None;
        }
        self.list
            .iter()
            .find(|p| head.ends_with(p.name.as_str()))
            .or_else(|| head.chars().last().and_then(|c| self.list.iter().find(|p| p.psb_chars.contains(&c))))
    }

    /// Two ICP characters name the same province (川 and 蜀).
    pub fn same_icp_province(&self, a: char, b: char) -> bool {
        a == b || matches!((self.by_icp_char(a), self.by_icp_char(b)), (Some(x), Some(y)) if x.code == y.code)
    }

    /// Every character and name that can lead a 公网安备 label, longest names first.
    pub fn psb_label_heads(&self) -> &[String] {
        &self.heads
    }
}
