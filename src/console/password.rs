//! Account passwords: argon2id with a random salt per hash (PHC strings), hashed and checked off the
//! async runtime (a hash costs tens of milliseconds of CPU by design).

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("a password needs at least {MIN_LENGTH} characters")]
    TooShort,
    #[error("hashing the password: {0}")]
    Hash(String),
}

pub const MIN_LENGTH: usize = 10;

/// Refuses passwords too short to stand an offline guess.
pub fn check(password: &str) -> Result<(), PasswordError> {
    if password.chars().count() < MIN_LENGTH { Err(PasswordError::TooShort) } else { Ok(()) }
}

pub async fn hash(password: String) -> Result<String, PasswordError> {
    check(&password)?;
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| PasswordError::Hash(e.to_string()))
    })
    .await
    .map_err(|e| PasswordError::Hash(e.to_string()))?
}

/// Whether `password` matches `stored`. Without a stored hash (an unknown account, or one that signs in
/// only through the identity proxy) a hash is still computed, so the answer takes as long either way.
pub async fn verify(password: String, stored: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || {
        let argon = Argon2::default();
        match stored.as_deref().map(PasswordHash::new) {
            Some(Ok(parsed)) => argon.verify_password(password.as_bytes(), &parsed).is_ok(),
            _ => {
                let _ = argon.hash_password(password.as_bytes());
                false
            }
        }
    })
    .await
    .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let stored = hash("correct horse battery".into()).await.expect("hash");
        assert!(stored.starts_with("$argon2id$"), "{stored}");
        assert!(verify("correct horse battery".into(), Some(stored.clone())).await);
        assert!(!verify("correct horse battery!".into(), Some(stored)).await);
        assert!(!verify("anything at all".into(), None).await);
        assert!(matches!(hash("short".into()).await, Err(PasswordError::TooShort)));
    }
}
