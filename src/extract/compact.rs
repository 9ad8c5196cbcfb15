//! The page's visible text as one compact string (no white space) that numbers are matched in, with
//! a map from every byte back to the segment it came from.
//!
//! White space goes because real footers letter-space and line-break numbers (`京 ICP 证 040089 号`);
//! between two digits it becomes a separator instead, so that `2019 2020` never reads as one serial.

use super::dom::Segment;

pub(crate) const DIGIT_BREAK: char = '\u{1f}';

pub(crate) struct Compact {
    pub text: String,
    /// For each byte of `text`, the index of its segment.
    owner: Vec<u32>,
    /// For each segment, the offset (in characters) of its first character.
    seg_char_start: Vec<usize>,
    pub chars: usize,
}

impl Compact {
    pub(crate) fn build(segments: &[Segment]) -> Self {
        let mut text = String::new();
        let mut owner = Vec::new();
        let mut seg_char_start = Vec::with_capacity(segments.len());
        let mut chars = 0usize;
        let mut pending_space = false;
        let mut last_block = usize::MAX;
        for (i, seg) in segments.iter().enumerate() {
            seg_char_start.push(chars);
            if seg.block != last_block || seg.space_before {
                pending_space = true;
                last_block = seg.block;
            }
            for c in seg.text.chars() {
                if c.is_whitespace() {
                    pending_space = true;
                    continue;
                }
                let after_digit = text.ends_with(|p: char| p.is_ascii_digit());
                let new_element = seg_char_start[i] == chars;
                // An element boundary ends a number unless the next element continues its digits:
                // "…100935" + "<span>X" is no serial "100935X".
                let glued_letter = new_element && (c.is_ascii_alphabetic() || c == '*');
                if after_digit && ((pending_space && c.is_ascii_digit()) || glued_letter) {
                    push(&mut text, &mut owner, DIGIT_BREAK, i);
                }
                pending_space = false;
                push(&mut text, &mut owner, c, i);
                chars += 1;
            }
        }
        Compact { text, owner, seg_char_start, chars }
    }

    /// The segments a byte range of the compact text came from, in order, without repeats.
    pub(crate) fn segments_of(&self, range: std::ops::Range<usize>) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        for &o in &self.owner[range] {
            if out.last() != Some(&(o as usize)) {
                out.push(o as usize);
            }
        }
        out
    }

    /// The position, in visible characters, where a segment starts.
    pub(crate) fn char_position(&self, segment: usize) -> usize {
        self.seg_char_start.get(segment).copied().unwrap_or(self.chars)
    }
}

fn push(text: &mut String, owner: &mut Vec<u32>, c: char, segment: usize) {
    text.push(c);
    owner.extend(std::iter::repeat_n(segment as u32, c.len_utf8()));
}
