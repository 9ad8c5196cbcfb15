//! Copyright lines in the bottom region (`© 2024 某某公司 版权所有`) and the holder they name.

use std::sync::LazyLock;

use regex::Regex;

use super::CopyrightFact;
use super::dom::Segment;

static MARK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)©|copyright|\(c\)\s*\d{4}|版权所有|版权归|版权[:：©]|all\s*rights\s*reserved")
        .expect("copyright mark")
});
static HOLDER_AFTER_MARK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:版权所有|版权归属?|版权)\s*[:：]?\s*(?:[©]\s*)?(?P<h>[\p{Han}A-Za-z][^|｜,，。;；©\s]{1,40})").expect("holder after")
});
static HOLDER_BEFORE_MARK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?P<h>[\p{Han}A-Za-z][\p{Han}A-Za-z0-9()（）.&·\- ]{1,40}?)\s*(?:版权所有|all\s*rights\s*reserved)")
        .expect("holder before")
});
static LEADING_NOISE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:\s|copyright|©|\(c\)|版权|[0-9]{4}|[-–—－~至]|[:：,，.])+").expect("noise")
});

/// Copyright lines among the footer segments, one per block.
pub(crate) fn find(segments: &[Segment], footer: &[usize]) -> Vec<CopyrightFact> {
    let mut out: Vec<CopyrightFact> = Vec::new();
    let mut blocks: Vec<usize> = footer.iter().map(|&s| segments[s].block).collect();
    blocks.dedup();
    for block in blocks {
        let text = super::collapse_space(
            &segments
                .iter()
                .filter(|s| s.block == block)
                .map(|s| s.text.as_str())
                .collect::<Vec<_>>()
                .join(" "),
        );
        // Letter-spaced "版 权 所 有" counts too.
        let squeezed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        if !(MARK.is_match(&text) || MARK.is_match(&squeezed)) || is_notice_link(&squeezed) {
            continue;
        }
        let holder = holder_of(&text).or_else(|| holder_of(&squeezed));
        if !out.iter().any(|c| c.text == text) {
            out.push(CopyrightFact {
                text: super::shorten_around(&text, 200),
                holder,
            });
        }
    }
    out
}

/// "版权声明" and similar navigation entries name a page, not a holder.
fn is_notice_link(squeezed: &str) -> bool {
    squeezed.chars().count() <= 6
        && (squeezed.contains("版权声明") || squeezed.contains("版权投诉"))
}

/// The organisation or person a copyright line names, if any.
pub fn holder_of(line: &str) -> Option<String> {
    let cleaned = |h: &str| -> Option<String> {
        let h = LEADING_NOISE.replace(h.trim(), "");
        let h = h
            .trim()
            .trim_end_matches(['.', ',', '，', '。', ' ', '-', '|'])
            .trim();
        let meaningful = h.chars().filter(|c| c.is_alphabetic()).count() >= 2;
        let is_number = h.contains("ICP") || h.contains("公网安备");
        let is_mark_rest = h.starts_with("所有") || h.starts_with('归');
        (meaningful && !is_number && !is_mark_rest).then(|| h.to_string())
    };
    if let Some(c) = HOLDER_AFTER_MARK.captures(line)
        && let Some(h) = cleaned(&c["h"])
    {
        return Some(h);
    }
    if let Some(c) = HOLDER_BEFORE_MARK.captures(line)
        && let Some(h) = cleaned(&c["h"])
    {
        return Some(h);
    }
    let after_symbol = line.split_once('©').map(|(_, rest)| rest).or_else(|| {
        let lower = line.to_ascii_lowercase();
        lower
            .find("copyright")
            .map(|i| &line[i + "copyright".len()..])
    })?;
    let stop = after_symbol
        .find(['|', '｜', '京', '沪'])
        .unwrap_or(after_symbol.len());
    cleaned(after_symbol[..stop].split("  ").next().unwrap_or(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holders() {
        assert_eq!(
            holder_of("© 2024 北京示例科技有限公司 版权所有").as_deref(),
            Some("北京示例科技有限公司")
        );
        assert_eq!(
            holder_of("版权所有：江苏示例有限公司").as_deref(),
            Some("江苏示例有限公司")
        );
        assert_eq!(
            holder_of("Copyright © 2009-2019 Example Inc. All Rights Reserved").as_deref(),
            Some("Example Inc")
        );
        assert_eq!(
            holder_of("© 2005－2024 douban.com").as_deref(),
            Some("douban.com")
        );
        assert_eq!(holder_of("Copyright ©"), None);
    }
}
