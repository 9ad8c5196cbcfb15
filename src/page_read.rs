//! A served page's read (its facts, what it is, its encoding, whether it would need rendering), kept
//! per target so that the next scan of a page whose bytes did not change skips decoding, extraction
//! and classification: most filed sites serve the same homepage night after night, and reading it is
//! most of a scan's CPU.
//!
//! A read is reused only under the same [`ReadKey`]: the body's digest, the URL it was read at, its
//! declared content type, the rules' digest and this build of the scanner; anything else reads the
//! page afresh. What is kept is what the checks look at, not the page's full text: classification has
//! already turned that into its answers.

use std::io::{Read as _, Write as _};

use flate2::Compression;
use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::classify::Classification;
use crate::extract::PageFacts;
use crate::render::RenderReason;

/// A stored read larger than this after inflation is corrupt, not a page's facts.
const MAX_INFLATED: u64 = 4 * 1024 * 1024;

/// What a read depends on, as one digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadKey(pub String);

impl ReadKey {
    /// The key of a body read at `url`.
    pub fn of(body_sha256: &str, url: &str, content_type: Option<&str>, host: &str, rules_digest: &str) -> Self {
        let build = build_identity();
        let mut hash = Sha256::new();
        for part in [body_sha256, url, content_type.unwrap_or(""), host, rules_digest, build] {
            // Lengths first: no two different part lists hash the same bytes.
            hash.update((part.len() as u64).to_le_bytes());
            hash.update(part.as_bytes());
        }
        ReadKey(format!("{:x}", hash.finalize()))
    }
}

/// The read of a served page, as reused.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageRead {
    pub facts: PageFacts,
    pub classification: Classification,
    pub encoding: String,
    /// Why the static page would need rendering, whatever the render mode.
    pub needs_render: Option<RenderReason>,
}

#[derive(Debug, thiserror::Error)]
pub enum PageReadError {
    #[error("stored page read is not valid: {0}")]
    Corrupt(String),
}

impl PageRead {
    /// The read without what only classification looks at (the page's text, navigation, headings,
    /// outgoing links and declared types), so that what is kept per target stays small.
    pub fn of(
        facts: &PageFacts,
        classification: &Classification,
        encoding: &str,
        needs_render: Option<RenderReason>,
    ) -> Self {
        let facts = PageFacts {
            title: facts.title.clone(),
            og_site_name: facts.og_site_name.clone(),
            heading: facts.heading.clone(),
            logo_alt: facts.logo_alt.clone(),
            home_link: None,
            brand: None,
            lang: None,
            icp: facts.icp.clone(),
            psb: facts.psb.clone(),
            copyright: facts.copyright.clone(),
            footer_text: facts.footer_text.clone(),
            visible_chars: facts.visible_chars,
            styled_hidden_chars: facts.styled_hidden_chars,
            anchor_texts: Vec::new(),
            headings: Vec::new(),
            link_targets: Vec::new(),
            body_text: String::new(),
            schema_types: Vec::new(),
            signals: facts.signals.clone(),
        };
        PageRead { facts, classification: classification.clone(), encoding: encoding.to_string(), needs_render }
    }

    /// JSON, deflated.
    pub fn encode(&self) -> Vec<u8> {
        let json = serde_json::to_vec(self).expect("a read serialises");
        let mut out = DeflateEncoder::new(Vec::with_capacity(json.len() / 3), Compression::fast());
        out.write_all(&json).expect("writing to memory");
        out.finish().expect("writing to memory")
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, PageReadError> {
        let mut json = Vec::new();
        DeflateDecoder::new(bytes)
            .take(MAX_INFLATED + 1)
            .read_to_end(&mut json)
            .map_err(|e| PageReadError::Corrupt(e.to_string()))?;
        if json.len() as u64 > MAX_INFLATED {
            return Err(PageReadError::Corrupt(format!("inflates beyond {MAX_INFLATED} bytes")));
        }
        serde_json::from_slice(&json).map_err(|e| PageReadError::Corrupt(e.to_string()))
    }
}

/// What a scan does with page reads.
#[derive(Debug, Clone, Default)]
pub enum Reuse {
    /// Reads are neither reused nor kept (a one-off scan).
    #[default]
    Off,
    /// The target's stored read, if it has one: reused when the page is unchanged; a page read afresh
    /// comes back with the result, to be stored.
    Known(Option<Box<StoredRead>>),
}

/// A read stored for a target, with the key it was read under.
#[derive(Debug, Clone)]
pub struct StoredRead {
    pub key: ReadKey,
    pub read: PageRead,
}

/// This build: the version and the digest of the code it was built from (see `build.rs`). The
/// version alone would let a rebuilt scanner with different extraction reuse reads of the old one.
fn build_identity() -> &'static str {
    concat!(env!("CARGO_PKG_VERSION"), "+", env!("BUILD_SOURCE_DIGEST"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_of(html: &str) -> PageRead {
        let rules = crate::rules::RuleSet::embedded();
        let url = url::Url::parse("http://example.test/").expect("url");
        let facts = crate::extract::extract(html, &url, &rules.provinces);
        let classification = crate::classify::classify(&facts, &rules);
        PageRead::of(&facts, &classification, "UTF-8", None)
    }

    #[test]
    fn a_read_survives_storage_and_keeps_what_the_checks_read() {
        let html = "<html><head><title>示例公司</title></head><body><p>产品中心</p>\
                    <div class=footer>版权所有 示例有限公司 <a href=https://beian.miit.gov.cn/>京ICP备12345678号-1</a></div></body></html>";
        let read = read_of(html);
        let back = PageRead::decode(&read.encode()).expect("decodes");
        assert_eq!(back, read);
        assert_eq!(back.facts.icp.len(), 1);
        assert!(back.facts.body_text.is_empty(), "the page's text is not kept");
        assert_eq!(back.classification.company_signs, vec!["有限公司".to_string(), "产品中心".to_string()]);
    }

    #[test]
    fn damaged_bytes_are_an_error_not_a_read() {
        assert!(PageRead::decode(b"not deflate at all").is_err());
        let mut bytes = read_of("<p>x</p>").encode();
        bytes.truncate(bytes.len() / 2);
        assert!(PageRead::decode(&bytes).is_err());
    }

    #[test]
    fn every_input_of_a_read_changes_its_key() {
        let base = ReadKey::of("ab", "http://a.test/", Some("text/html"), "a.test", "r1");
        assert_eq!(base, ReadKey::of("ab", "http://a.test/", Some("text/html"), "a.test", "r1"));
        for other in [
            ReadKey::of("ac", "http://a.test/", Some("text/html"), "a.test", "r1"),
            ReadKey::of("ab", "http://a.test/x", Some("text/html"), "a.test", "r1"),
            ReadKey::of("ab", "http://a.test/", Some("text/html; charset=gbk"), "a.test", "r1"),
            ReadKey::of("ab", "http://a.test/", None, "a.test", "r1"),
            ReadKey::of("ab", "http://a.test/", Some("text/html"), "b.test", "r1"),
            ReadKey::of("ab", "http://a.test/", Some("text/html"), "a.test", "r2"),
            // Parts do not run into each other.
            ReadKey::of("a", "bhttp://a.test/", Some("text/html"), "a.test", "r1"),
        ] {
            assert_ne!(other, base);
        }
    }
}
