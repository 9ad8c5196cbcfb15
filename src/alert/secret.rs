//! Secrets of the alert channels (webhook URLs that carry a key, signing secrets, SMTP passwords):
//! read from the environment or a file, held in a type whose `Debug` and `Display` never show them.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::AlertError;

/// A secret value; `expose` is the one way to read it, so a log line or `{:?}` cannot leak it.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

/// A secret written into the settings file itself (a webhook URL with its key, say): it round-trips
/// through serde as the plain string the file has, but `Debug` hides it; `config check` redacts it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct InlineSecret(pub String);

impl std::fmt::Debug for InlineSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("\"***\"")
    }
}

/// Where a secret comes from: the settings file, an environment variable, or a file (its content,
/// trimmed of the line end an editor leaves).
pub(super) fn resolve(
    channel: &str,
    field: &str,
    inline: Option<&InlineSecret>,
    env_var: Option<&str>,
    file: Option<&Path>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<Secret>, AlertError> {
    let invalid = |message: String| AlertError::Channel { name: channel.to_string(), message };
    match (inline, env_var, file) {
        (None, None, None) => Ok(None),
        (Some(v), None, None) => Ok(Some(Secret::new(v.0.trim()))),
        (None, Some(var), None) => match env(var) {
            Some(v) if !v.trim().is_empty() => Ok(Some(Secret::new(v.trim()))),
            _ => Err(invalid(format!("{field}_env names {var}, which is not set or empty"))),
        },
        (None, None, Some(path)) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| invalid(format!("{field}_file {}: {e}", PathBuf::from(path).display())))?;
            if text.trim().is_empty() {
                return Err(invalid(format!("{field}_file {} is empty", path.display())));
            }
            Ok(Some(Secret::new(text.trim())))
        }
        _ => Err(invalid(format!("give one of {field}, {field}_env, {field}_file"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_show_in_debug_or_display() {
        let s = Secret::new("SECabc123");
        assert_eq!(format!("{s:?} {s}"), "Secret(***) ***");
        assert_eq!(s.expose(), "SECabc123");
        assert_eq!(format!("{:?}", InlineSecret("k=1".into())), "\"***\"");
    }

    #[test]
    fn from_the_environment_or_a_file_and_only_one_source() {
        let env = |v: &str| (v == "K").then(|| " s3cret\n".to_string());
        let got = resolve("c", "secret", None, Some("K"), None, &env).expect("env").expect("some");
        assert_eq!(got.expose(), "s3cret");
        let err = resolve("c", "secret", None, Some("MISSING"), None, &env).expect_err("unset");
        assert!(err.to_string().contains("MISSING"), "{err}");
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("s");
        std::fs::write(&path, "filed\n").expect("write");
        let got = resolve("c", "secret", None, None, Some(&path), &env).expect("file").expect("some");
        assert_eq!(got.expose(), "filed");
        assert!(resolve("c", "secret", None, Some("K"), Some(&path), &env).is_err(), "two sources");
        assert!(resolve("c", "secret", None, None, None, &env).expect("none").is_none());
    }
}
