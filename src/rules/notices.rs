//! `rules/notices/*.md`: the Chinese notice templates (minijinja), and the deadlines per notice kind
//! from `checks.toml` `[deadlines]`.

use serde::Deserialize;

use super::NoticeKind;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deadlines {
    /// Days from the scan to the deadline of a special-inspection notice.
    pub special_inspection: u32,
    /// Days from the scan to the deadline of a change-filing notice.
    pub change_filing: u32,
}

impl Default for Deadlines {
    fn default() -> Self {
        Deadlines { special_inspection: 15, change_filing: 30 }
    }
}

impl Deadlines {
    pub fn days(&self, kind: NoticeKind) -> u32 {
        match kind {
            NoticeKind::SpecialInspection => self.special_inspection,
            NoticeKind::ChangeFiling | NoticeKind::None => self.change_filing,
        }
    }
}

/// The templates, checked to compile at load.
#[derive(Debug, Clone, Default)]
pub struct Notices {
    pub special_inspection: String,
    pub change_filing: String,
}

impl Notices {
    pub fn template(&self, kind: NoticeKind) -> &str {
        match kind {
            NoticeKind::SpecialInspection => &self.special_inspection,
            NoticeKind::ChangeFiling | NoticeKind::None => &self.change_filing,
        }
    }

    /// Renders a template with a serialisable context.
    pub fn render(&self, kind: NoticeKind, context: impl serde::Serialize) -> Result<String, minijinja::Error> {
        let mut env = minijinja::Environment::new();
        env.add_template("notice", self.template(kind))?;
        env.get_template("notice")?.render(minijinja::value::Serde(context))
    }

    /// A template's syntax error, if any.
    pub(crate) fn check(text: &str) -> Result<(), minijinja::Error> {
        let mut env = minijinja::Environment::new();
        env.add_template("notice", text).map(|_| ())
    }
}
