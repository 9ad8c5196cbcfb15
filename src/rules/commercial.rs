//! `rules/commercial.toml`: signals of commercial activity (schema documented in the file itself).

use serde::Deserialize;

use crate::text::fold;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CommercialFile {
    pub threshold: f64,
    #[serde(default)]
    pub licensed: Vec<String>,
    pub signal: Vec<SignalRule>,
    #[serde(default)]
    pub case: Vec<CommercialCase>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SignalRule {
    pub id: String,
    pub weight: f64,
    #[serde(default)]
    pub words: Vec<String>,
    #[serde(default)]
    pub menu: Vec<String>,
    #[serde(default)]
    pub names: Vec<String>,
    #[serde(default)]
    pub patterns: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommercialCase {
    pub html: String,
    pub commercial: bool,
}

#[derive(Debug, Clone)]
pub struct Signal {
    pub id: String,
    pub weight: f64,
    pub words: Vec<String>,
    /// Words that count only as the whole text of a link: a menu's entry, not a word of a sentence.
    pub menu: Vec<String>,
    /// Words that count in the page's names (title, og:site_name, main heading, logo alt): what the site
    /// calls itself.
    pub names: Vec<String>,
    pub patterns: Vec<super::gated::Gated>,
}

#[derive(Debug, Clone)]
pub struct Commercial {
    pub threshold: f64,
    pub licensed: Vec<String>,
    pub signals: Vec<Signal>,
    pub cases: Vec<CommercialCase>,
}

impl Commercial {
    pub(crate) fn compile(file: CommercialFile, bad: &mut Vec<(String, String)>) -> Self {
        let signals = file
            .signal
            .into_iter()
            .map(|s| Signal {
                patterns: super::compile_patterns(&s.patterns, bad),
                words: s.words.iter().map(|w| fold(w)).filter(|w| !w.is_empty()).collect(),
                menu: s.menu.iter().map(|w| fold(w)).filter(|w| !w.is_empty()).collect(),
                names: s.names.iter().map(|w| fold(w)).filter(|w| !w.is_empty()).collect(),
                id: s.id,
                weight: s.weight,
            })
            .collect();
        Commercial {
            threshold: file.threshold,
            licensed: file.licensed.iter().map(|w| fold(w)).collect(),
            signals,
            cases: file.case,
        }
    }
}
