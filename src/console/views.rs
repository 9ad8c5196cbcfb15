//! The console's templates, compiled into the program, every value HTML-escaped on output.

use axum::response::Html;
use minijinja::{AutoEscape, Environment};
use serde::Serialize;

use super::Refusal;

const TEMPLATES: [(&str, &str); 6] = [
    ("base.html", include_str!("templates/base.html")),
    ("login.html", include_str!("templates/login.html")),
    ("findings.html", include_str!("templates/findings.html")),
    ("site.html", include_str!("templates/site.html")),
    ("audit.html", include_str!("templates/audit.html")),
    ("users.html", include_str!("templates/users.html")),
];

pub struct Views {
    env: Environment<'static>,
}

/// Unix milliseconds as Beijing time, the zone every date of the filing team is in.
fn beijing(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.with_timezone(&chrono_tz::Asia::Shanghai).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

impl Views {
    pub fn new() -> Views {
        let mut env = Environment::new();
        // Everything is escaped, whatever a template is called: crawled titles and footers end up here.
        env.set_auto_escape_callback(|_| AutoEscape::Html);
        for (name, source) in TEMPLATES {
            env.add_template(name, source).expect("the console's templates parse (checked by a unit test)");
        }
        env.add_filter("beijing", beijing);
        Views { env }
    }

    pub fn render(&self, name: &str, context: impl Serialize) -> Result<Html<String>, Refusal> {
        let template = self.env.get_template(name).map_err(|e| Refusal::Internal(e.to_string()))?;
        template
            .render(minijinja::value::Serde(&context))
            .map(Html)
            .map_err(|e| Refusal::Internal(format!("{name}: {e:#}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crawled_text_is_escaped() {
        let mut env = Environment::new();
        env.set_auto_escape_callback(|_| AutoEscape::Html);
        env.add_template("t", "<p>{{ title }}</p>").expect("template");
        let out = env
            .get_template("t")
            .expect("t")
            .render(minijinja::context! { title => "<script>alert(1)</script><img src=x onerror=alert(1)>" })
            .expect("render");
        assert!(!out.contains("<script>") && !out.contains("<img"), "{out}");
        Views::new();
    }

    #[test]
    fn times_are_shown_in_beijing() {
        assert_eq!(beijing(0), "1970-01-01 08:00");
    }
}
