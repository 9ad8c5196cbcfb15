//! Session tokens and cookies. A token is 32 random bytes; the cookie carries it with an HMAC-SHA256
//! under the database's console key (a forged or altered cookie is refused before any query), and the
//! store keeps only the token's SHA-256.

use aws_lc_rs::hmac;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

pub const SESSION_COOKIE: &str = "icp_session";
/// The login form's double-submit token (there is no session to bind it to yet).
pub const LOGIN_COOKIE: &str = "icp_login";

/// 32 random bytes, URL-safe base64.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    aws_lc_rs::rand::fill(&mut bytes).expect("the system's random source");
    URL_SAFE_NO_PAD.encode(bytes)
}

/// `token.signature`.
pub fn sign(key: &[u8], token: &str) -> String {
    let tag = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, key), token.as_bytes());
    format!("{token}.{}", URL_SAFE_NO_PAD.encode(tag.as_ref()))
}

/// The token of a signed value, when its signature is right.
pub fn verify<'a>(key: &[u8], value: &'a str) -> Option<&'a str> {
    let (token, signature) = value.rsplit_once('.')?;
    let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
    hmac::verify(&hmac::Key::new(hmac::HMAC_SHA256, key), token.as_bytes(), &signature).ok()?;
    Some(token)
}

/// What the store keeps of a token.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// A CSRF token derived from the key and a subject (for identity-proxy callers, who have no session row).
pub fn derived(key: &[u8], subject: &str) -> String {
    let tag = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, key), subject.as_bytes());
    URL_SAFE_NO_PAD.encode(tag.as_ref())
}

/// Compares two secrets in time independent of where they differ.
pub fn same(a: &str, b: &str) -> bool {
    aws_lc_rs::constant_time::verify_slices_are_equal(a.as_bytes(), b.as_bytes()).is_ok()
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Strict, for the whole console; `Secure` behind TLS.
/// `max_age` 0 removes the cookie.
pub fn set_cookie(name: &str, value: &str, max_age_secs: u64, secure: bool) -> String {
    format!(
        "{name}={value}; Path=/; Max-Age={max_age_secs}; HttpOnly; SameSite=Strict{}",
        if secure { "; Secure" } else { "" }
    )
}

/// A cookie's value from the request's `Cookie` headers.
pub fn read_cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_token_verifies_and_an_altered_one_does_not() {
        let key = b"0123456789abcdef0123456789abcdef";
        let token = random_token();
        let signed = sign(key, &token);
        assert_eq!(verify(key, &signed), Some(token.as_str()));
        assert_eq!(verify(b"another key of the same length!!", &signed), None);
        let mut altered = signed.clone();
        altered.replace_range(0..1, if signed.starts_with('A') { "B" } else { "A" });
        assert_eq!(verify(key, &altered), None);
        assert_eq!(verify(key, &token), None, "an unsigned token");
    }

    #[test]
    fn cookies_are_read_by_name_and_set_strict() {
        let mut headers = axum::http::HeaderMap::new();
        headers.insert(axum::http::header::COOKIE, "a=1; icp_session=xyz.sig; b=2".parse().expect("header"));
        assert_eq!(read_cookie(&headers, SESSION_COOKIE).as_deref(), Some("xyz.sig"));
        assert_eq!(read_cookie(&headers, "c"), None);
        let set = set_cookie(SESSION_COOKIE, "v", 60, true);
        assert!(set.contains("HttpOnly") && set.contains("SameSite=Strict") && set.ends_with("Secure"));
        assert!(!set_cookie(SESSION_COOKIE, "v", 60, false).contains("Secure"));
    }
}
