//! `rules/notices/*.md`: the Chinese notice templates (minijinja), and the deadlines per notice kind
//! from `checks.toml` `[deadlines]`.

use std::sync::OnceLock;

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
    /// Each template compiled on its first render: the daemon drafts notices for every failing scan,
    /// and lexing and compiling a template each time cost more than rendering it.
    compiled: [OnceLock<Compiled>; 2],
}

/// A template's source and the environment holding it compiled.
#[derive(Debug, Clone)]
struct Compiled {
    source: String,
    env: minijinja::Environment<'static>,
}

impl Compiled {
    fn new(source: &str) -> Result<Self, minijinja::Error> {
        let mut env = minijinja::Environment::new();
        env.add_template_owned("notice", source.to_string())?;
        Ok(Compiled { source: source.to_string(), env })
    }
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
        let source = self.template(kind);
        let slot = &self.compiled[usize::from(matches!(kind, NoticeKind::SpecialInspection))];
        // The fields are public: a template changed after its first render is compiled afresh.
        let fresh;
        let compiled = match slot.get() {
            Some(c) if c.source == source => c,
            Some(_) => {
                fresh = Compiled::new(source)?;
                &fresh
            }
            None => {
                let c = Compiled::new(source)?;
                slot.get_or_init(|| c)
            }
        };
        compiled.env.get_template("notice")?.render(minijinja::value::Serde(context))
    }

    /// A template's syntax error, if any.
    pub(crate) fn check(text: &str) -> Result<(), minijinja::Error> {
        let mut env = minijinja::Environment::new();
        env.add_template("notice", text).map(|_| ())
    }
}
