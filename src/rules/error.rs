//! Errors in rule files, each located by file, line and column.

use std::fmt;
use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl RuleError {
    /// An error found after parsing, located where `needle` first appears in the file's text (its
    /// start when it does not).
    pub(crate) fn at(file: &std::path::Path, text: &str, needle: &str, message: impl Into<String>) -> Self {
        let (line, column) = locate(text, needle);
        RuleError { file: file.to_path_buf(), line, column, message: message.into() }
    }
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: {}", self.file.display(), self.line, self.column, self.message)
    }
}

/// All the errors found in a rules directory; a rule set is never half-loaded.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{} error(s) in rules:\n{}", .0.len(), .0.iter().map(|e| format!("  {e}")).collect::<Vec<_>>().join("\n"))]
pub struct RuleErrors(pub Vec<RuleError>);

/// Line and column (1-based) of a byte offset.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Where a key first appears, for errors found after parsing (duplicate ids, unknown checks).
pub(crate) fn locate(text: &str, needle: &str) -> (usize, usize) {
    text.find(needle).map_or((1, 1), |offset| line_col(text, offset))
}
