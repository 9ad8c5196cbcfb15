//! Public-security (公网安备) codes: `京公网安备 11010502000001号`.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::normalise_identifier;

/// A public-security filing code as shown or filed. Only the digits (and a legacy `-N`) are kept.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PsbCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a public-security code (expected digits, e.g. 11010502000001): {0:?}")]
pub struct PsbParseError(pub String);

impl PsbCode {
    pub fn parse(input: &str) -> Result<Self, PsbParseError> {
        let compact = normalise_identifier(input);
        let digits_start = compact.find(|c: char| c.is_ascii_digit());
        let Some(start) = digits_start else {
            return Err(PsbParseError(input.to_string()));
        };
        let rest = compact[start..].trim_end_matches('号');
        let valid = rest.split('-').count() <= 2
            && rest.split('-').all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
        if !valid || rest.len() < 5 {
            return Err(PsbParseError(input.to_string()));
        }
        Ok(PsbCode(rest.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The national format: 14 digits, the first six a county-level division code.
    pub fn is_national_format(&self) -> bool {
        self.0.len() == 14 && self.0.chars().all(|c| c.is_ascii_digit())
    }

    /// The GB/T 2260 province code: the first two digits.
    pub fn province_code(&self) -> &str {
        &self.0[..2]
    }
}

impl fmt::Display for PsbCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_national_and_legacy_codes() {
        let c = PsbCode::parse("京公网安备 11010502000001号").expect("code");
        assert_eq!(c.as_str(), "11010502000001");
        assert!(c.is_national_format());
        assert_eq!(c.province_code(), "11");
        let legacy = PsbCode::parse("110102003042-1").expect("legacy");
        assert!(!legacy.is_national_format());
        assert!(PsbCode::parse("公网安备").is_err());
        assert!(PsbCode::parse("1234").is_err());
    }
}
