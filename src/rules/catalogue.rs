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

impl Severity {
    pub fn zh(self) -> &'static str {
        match self {
            Severity::Info => "提示",
            Severity::Warning => "警告",
            Severity::Error => "错误",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    SpecialInspection,
    ChangeFiling,
    None,
}

impl NoticeKind {
    /// The notice as the filing team names it.
    pub fn zh(self) -> &'static str {
        match self {
            NoticeKind::SpecialInspection => "专项核查",
            NoticeKind::ChangeFiling => "变更备案",
            NoticeKind::None => "无需通知",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            NoticeKind::SpecialInspection => "special inspection",
            NoticeKind::ChangeFiling => "change filing",
            NoticeKind::None => "no notice",
        }
    }

    /// The Chinese name of a stored notice id; an unknown string is shown as it is.
    pub fn zh_of(id: &str) -> &str {
        id.parse::<NoticeKind>().map_or(id, |k| k.zh())
    }

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
    /// The short Chinese name shown instead of the id where a reviewer reads.
    pub name: String,
    /// What the customer must do about this failure (each finding of a notice draft carries its own).
    pub remedy: String,
    pub remedy_en: String,
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
    #[serde(default)]
    pub changes: Changes,
}

/// `[changes]`: the debounce of the `change.*` checks.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Changes {
    /// Scans in a row a change must hold before it is reported.
    pub scans: usize,
}

impl Default for Changes {
    fn default() -> Self {
        Changes { scans: 2 }
    }
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
            errors.push(super::RuleError::at(path, text, &id, format!("unknown check id {id:?}")));
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
