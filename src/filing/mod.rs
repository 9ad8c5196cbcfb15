//! The filing record (spec §2) and the identifiers it carries.

mod date;
mod icp_number;
mod load;
#[cfg(test)]
mod number_props;
mod psb_code;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

pub use date::parse_date;
pub use icp_number::{IcpKind, IcpNumber, IcpParseError};
pub use load::{FilingError, FilingSet, RowError, load_filings, parse_filings};
pub use psb_code::{PsbCode, PsbParseError};

/// One filed website, keyed by its domain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FilingRecord {
    /// ASCII (punycode) host, lower case, no trailing dot.
    pub domain: String,
    pub site_number: String,
    pub principal: String,
    pub principal_type: String,
    pub site_name: String,
    pub approved_on: NaiveDate,
    #[serde(default)]
    pub opened_on: Option<NaiveDate>,
    #[serde(default)]
    pub psb_code: Option<String>,
    #[serde(default)]
    pub license: Option<String>,
    #[serde(default)]
    pub preapprovals: Vec<String>,
    #[serde(default)]
    pub provider: Option<String>,
    #[serde(default)]
    pub filed_ips: Vec<std::net::IpAddr>,
}

impl FilingRecord {
    pub fn site_number(&self) -> Option<IcpNumber> {
        IcpNumber::parse(&self.site_number).ok()
    }

    pub fn license_number(&self) -> Option<IcpNumber> {
        self.license.as_deref().and_then(|l| IcpNumber::parse(l).ok())
    }

    pub fn psb(&self) -> Option<PsbCode> {
        self.psb_code.as_deref().and_then(|c| PsbCode::parse(c).ok())
    }

    /// 经营性: a licence is recorded, or the site number itself is licence-based.
    pub fn is_commercial(&self) -> bool {
        self.license.as_deref().is_some_and(|l| !l.trim().is_empty())
            || self.site_number().is_some_and(|n| n.kind.is_licence())
    }

    /// The date the 30-day public-security deadline counts from.
    pub fn opening_date(&self) -> NaiveDate {
        self.opened_on.unwrap_or(self.approved_on)
    }

    pub fn is_personal(&self) -> bool {
        self.principal_type.trim() == "个人"
    }
}

/// NFKC, no white space (including `&nbsp;`), leading labels such as `备案号：` dropped.
pub fn normalise_identifier(input: &str) -> String {
    strip_label(&compact_identifier(input)).to_string()
}

/// The identifier in compatibility form without white space, labels kept.
pub fn compact_identifier(input: &str) -> String {
    input.nfkc().filter(|c| !c.is_whitespace()).collect()
}

fn strip_label(s: &str) -> &str {
    const LABELS: [&str; 8] =
        ["ICP备案号", "网站备案号", "备案号", "网站备案", "ICP备案", "ICP证", "备案/许可证号码", "公安备案号"];
    for label in LABELS {
        if let Some(rest) = s.strip_prefix(label) {
            let rest = rest.trim_start_matches([':', '：']);
            // "ICP证：京ICP备…" is a wrong label before a filing number; "ICP证030173号" has no label,
            // nor has a masked or template serial ("ICP证****", "ICP证XXXX"): found by fuzzing.
            if !rest.starts_with(|c: char| matches!(c, '0'..='9' | '*' | 'X' | 'x')) {
                return rest;
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_width_space_and_labels() {
        assert_eq!(normalise_identifier(" 备案号：京ＩＣＰ备 1234\u{a0}5678号 "), "京ICP备12345678号");
        assert_eq!(normalise_identifier("ICP证：京ICP备12345678号"), "京ICP备12345678号");
    }
}
