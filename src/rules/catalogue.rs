//! The check catalogue (`rules/checks.toml`): severity, notice kind and messages per check id.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    SpecialInspection,
    ChangeFiling,
    None,
}

impl NoticeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::SpecialInspection => "special_inspection",
            NoticeKind::ChangeFiling => "change_filing",
            NoticeKind::None => "none",
        }
    }
}

impl std::str::FromStr for NoticeKind {
    type Err = crate::state::UnknownState;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [NoticeKind::SpecialInspection, NoticeKind::ChangeFiling, NoticeKind::None]
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| crate::state::UnknownState { kind: "notice kind", value: s.to_string() })
    }
}

impl std::fmt::Display for NoticeKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the catalogue says about one check.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckSpec {
    pub severity: Severity,
    pub notice: NoticeKind,
    /// What is required, in Chinese (shown when the check passes or is not decided).
    pub rule: String,
    pub rule_en: String,
    /// The failure, in Chinese, as a reviewer would write it to a customer.
    pub message: String,
    pub message_en: String,
    /// A provider may turn a check off.
    #[serde(default = "enabled")]
    pub enabled: bool,
}

fn enabled() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CatalogueFile {
    pub checks: BTreeMap<String, CheckSpec>,
    #[serde(default)]
    pub deadlines: super::Deadlines,
}

/// `rules/overrides.toml`: a provider's changes to the catalogue, check by check.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OverridesFile {
    pub checks: BTreeMap<String, CheckOverride>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CheckOverride {
    pub severity: Option<Severity>,
    pub notice: Option<NoticeKind>,
    pub enabled: Option<bool>,
}

pub(crate) fn apply_overrides(
    catalogue: &mut Catalogue,
    overrides: OverridesFile,
    path: &std::path::Path,
    text: &str,
    errors: &mut Vec<super::RuleError>,
) {
    for (id, o) in overrides.checks {
        let Some(spec) = catalogue.checks.get_mut(&id) else {
            let (line, column) = super::error::locate(text, &id);
            errors.push(super::RuleError {
                file: path.to_path_buf(),
                line,
                column,
                message: format!("unknown check id {id:?}"),
            });
            continue;
        };
        if let Some(s) = o.severity {
            spec.severity = s;
        }
        if let Some(n) = o.notice {
            spec.notice = n;
        }
        if let Some(e) = o.enabled {
            spec.enabled = e;
        }
    }
}

/// The catalogue, keyed by check id.
#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    pub(crate) checks: BTreeMap<String, CheckSpec>,
}

impl Catalogue {
    pub fn get(&self, id: &str) -> Option<&CheckSpec> {
        self.checks.get(id)
    }

    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.checks.keys().map(String::as_str)
    }
}
