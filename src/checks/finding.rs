//! A check's result as a value: outcome, evidence and a short explanation.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::net::Redirect;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Pass,
    Fail,
    /// The scanner could not decide (network, our own limits): never reported as non-compliant.
    Inconclusive,
    /// The premise is absent (no number to check the link of, no filing record, …).
    Skipped,
}

/// What a reviewer needs to trust a finding.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excerpt: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The anchor target that carries the number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub found: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub redirects: Vec<Redirect>,
    /// A `change.*` finding: the value the site showed before the change, and after it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub id: &'static str,
    pub outcome: Outcome,
    /// Why, in a few words (English; the catalogue carries the Chinese message).
    pub detail: Option<String>,
    pub evidence: Evidence,
}

impl Finding {
    pub fn new(id: &'static str, outcome: Outcome) -> Self {
        Finding { id, outcome, detail: None, evidence: Evidence::default() }
    }

    pub fn pass(id: &'static str) -> Self {
        Self::new(id, Outcome::Pass)
    }

    pub fn fail(id: &'static str) -> Self {
        Self::new(id, Outcome::Fail)
    }

    pub fn skipped(id: &'static str, why: &str) -> Self {
        Self::new(id, Outcome::Skipped).detail(why)
    }

    pub fn inconclusive(id: &'static str, why: &str) -> Self {
        Self::new(id, Outcome::Inconclusive).detail(why)
    }

    pub fn detail(mut self, why: impl Into<String>) -> Self {
        self.detail = Some(why.into());
        self
    }

    pub fn excerpt(mut self, text: impl Into<String>) -> Self {
        self.evidence.excerpt = Some(text.into());
        self
    }

    pub fn link(mut self, link: Option<&str>) -> Self {
        self.evidence.link = link.map(str::to_string);
        self
    }

    pub fn expected(mut self, v: impl Into<String>) -> Self {
        self.evidence.expected = Some(v.into());
        self
    }

    pub fn found(mut self, v: impl Into<String>) -> Self {
        self.evidence.found = Some(v.into());
        self
    }

    pub fn before(mut self, v: impl Into<String>) -> Self {
        self.evidence.before = Some(v.into());
        self
    }

    pub fn after(mut self, v: impl Into<String>) -> Self {
        self.evidence.after = Some(v.into());
        self
    }

    pub fn due(mut self, d: NaiveDate) -> Self {
        self.evidence.due = Some(d);
        self
    }
}
