//! Bytes to text: BOM, then the Content-Type charset, then `<meta>`, then detection. Declarations
//! lie (pages saved as UTF-8 still say gb2312), so a declaration the bytes contradict loses. A UTF-8
//! page with a few stray legacy bytes (a link saved by an offline copier in GBK) is still UTF-8, as a
//! browser shows it: detection, which never answers UTF-8 for invalid bytes, would read it as Latin.

use std::sync::LazyLock;

use encoding_rs::{Encoding, UTF_8};
use regex::bytes::Regex;

#[derive(Debug, Clone)]
pub struct Decoded {
    pub text: String,
    /// The WHATWG name of the encoding used (`UTF-8`, `GBK`, `Big5`, …).
    pub encoding: &'static str,
}

static META_CHARSET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)<meta[^>]*?charset\s*=\s*["']?\s*([a-z0-9_\-:.]+)"#).expect("meta charset pattern")
});

/// How far into the page `<meta charset>` is looked for (HTML's prescan uses 1024; real pages put
/// long comments and scripts first).
const PRESCAN: usize = 4096;

pub fn decode(bytes: &[u8], content_type: Option<&str>, tld_hint: Option<&[u8]>) -> Decoded {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return Decoded { text: text.into_owned(), encoding: enc.name() };
    }
    let declared = content_type.and_then(charset_of_content_type).or_else(|| meta_charset(bytes));
    let is_utf8 = std::str::from_utf8(bytes).is_ok();
    match declared {
        Some(enc) if enc == UTF_8 => {
            if is_utf8 || mostly_utf8(bytes) {
                utf8(bytes)
            } else {
                detect(bytes, tld_hint)
            }
        }
        // Declared legacy but the bytes are valid UTF-8 with non-ASCII in them: re-saved pages.
        Some(_) if is_utf8 && !bytes.is_ascii() => utf8(bytes),
        Some(enc) if enc != UTF_8 => {
            let (text, _, had_errors) = enc.decode(bytes);
            if had_errors { detect(bytes, tld_hint) } else { Decoded { text: text.into_owned(), encoding: enc.name() } }
        }
        _ if is_utf8 || mostly_utf8(bytes) => utf8(bytes),
        _ => detect(bytes, tld_hint),
    }
}

/// Whether the non-ASCII text is mostly UTF-8: at least twice as many valid multi-byte characters as
/// stray bytes. Legacy text (GBK, Big5) makes a valid UTF-8 sequence only by chance, about one for
/// every ten of its characters' bytes that are not; a UTF-8 page an offline copier saved with its
/// links in GBK has a stray byte for every seven characters (corpus c2534).
fn mostly_utf8(bytes: &[u8]) -> bool {
    let (mut valid, mut invalid) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        valid += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        invalid += chunk.invalid().len();
    }
    valid > 0 && invalid * 2 <= valid
}

fn utf8(bytes: &[u8]) -> Decoded {
    Decoded { text: String::from_utf8_lossy(bytes).into_owned(), encoding: UTF_8.name() }
}

fn detect(bytes: &[u8], tld_hint: Option<&[u8]>) -> Decoded {
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let enc = detector.guess(tld_hint, chardetng::Utf8Detection::Allow);
    let (text, _, _) = enc.decode(bytes);
    Decoded { text: text.into_owned(), encoding: enc.name() }
}

fn charset_of_content_type(ct: &str) -> Option<&'static Encoding> {
    ct.split(';')
        .filter_map(|p| p.trim().split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("charset"))
        .and_then(|(_, v)| Encoding::for_label(v.trim().trim_matches('"').as_bytes()))
}

fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(PRESCAN)];
    let label = META_CHARSET.captures(head)?.get(1)?.as_bytes();
    // A UTF-16 declaration in bytes that reached here is a lie: the BOM check found none.
    Encoding::for_label(label).map(|e| if e.output_encoding() != e { UTF_8 } else { e })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "<p>京ICP备12345678号 版权所有 示例科技有限公司 欢迎访问我们的网站</p>";

    #[test]
    fn gbk_page_declared_in_meta() {
        let html = format!("<meta charset=gb2312>{TEXT}");
        let (bytes, _, _) = encoding_rs::GBK.encode(&html);
        let d = decode(&bytes, Some("text/html"), None);
        assert_eq!(d.encoding, "GBK");
        assert!(d.text.contains("京ICP备12345678号"));
    }

    #[test]
    fn utf8_bytes_declared_gb2312_are_read_as_utf8() {
        let html = format!("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\">{TEXT}");
        let d = decode(html.as_bytes(), None, None);
        assert_eq!(d.encoding, "UTF-8");
        assert!(d.text.contains("版权所有"));
    }

    #[test]
    fn gbk_bytes_declared_utf8_are_detected() {
        let html = format!("<meta charset=utf-8>{TEXT}{TEXT}");
        let (bytes, _, _) = encoding_rs::GBK.encode(&html);
        let d = decode(&bytes, None, Some(b"cn"));
        assert!(d.text.contains("京ICP备12345678号"), "{}", d.encoding);
    }

    #[test]
    fn a_utf8_page_with_a_few_stray_gbk_bytes_is_read_as_utf8() {
        let (gbk_link, _, _) = encoding_rs::GBK.encode("<a href=\"租车.html\">");
        for declared in ["<meta charset=utf-8>", ""] {
            let mut bytes = format!("{declared}{TEXT}{TEXT}").into_bytes();
            bytes.extend_from_slice(&gbk_link);
            bytes.extend_from_slice("和谐租车 云南物流产业集团和谐汽车服务有限公司</a>".as_bytes());
            let d = decode(&bytes, None, None);
            assert_eq!(d.encoding, "UTF-8", "{declared}");
            assert!(d.text.contains("和谐租车 云南物流产业集团"), "{declared}");
        }
    }

    #[test]
    fn big5_and_gb18030_and_bom() {
        let (big5, _, _) = encoding_rs::BIG5.encode("<meta charset=big5><p>臺灣網站 版權所有</p>");
        assert!(decode(&big5, None, None).text.contains("版權所有"));
        let (gb, _, _) = encoding_rs::GB18030.encode("<p>版权所有 𠀀</p>");
        assert!(decode(&gb, Some("text/html; charset=GB18030"), None).text.contains("版权所有 𠀀"));
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice("<meta charset=gbk>版权所有".as_bytes());
        assert_eq!(decode(&bom, None, None).encoding, "UTF-8");
    }
}
