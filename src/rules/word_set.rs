//! Many fixed words looked for in one text at once: one pass of an Aho–Corasick automaton tells which of
//! them occur, where a search per word would read the text once for each.

use aho_corasick::{AhoCorasick, MatchKind};

/// A set of words, each given an index when added; [`WordSet::present`] reads a text once for all.
#[derive(Debug, Clone)]
pub struct WordSet {
    words: Vec<String>,
    /// `None` when the automaton could not be built (it never fails for word lists of rule-file size; the
    /// set then searches word by word, with the same answers).
    searcher: Option<AhoCorasick>,
}

impl WordSet {
    /// The set of `words`, indexed in the order given (duplicates keep their own index).
    pub fn new(words: Vec<String>) -> Self {
        let searcher = AhoCorasick::builder().match_kind(MatchKind::Standard).build(&words).ok();
        WordSet { words, searcher }
    }

    /// For each word by its index, whether it occurs in `text`.
    pub fn present(&self, text: &str) -> Vec<bool> {
        let mut found = vec![false; self.words.len()];
        match &self.searcher {
            Some(searcher) => {
                for m in searcher.find_overlapping_iter(text) {
                    found[m.pattern().as_usize()] = true;
                }
            }
            None => {
                for (slot, word) in found.iter_mut().zip(&self.words) {
                    *slot = text.contains(word.as_str());
                }
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::WordSet;

    #[test]
    fn tells_each_word_whether_it_occurs_overlapping_or_not() {
        let words = ["挂号", "预约挂号", "门诊", "号源", "", "急诊"].map(str::to_string).to_vec();
        let set = WordSet::new(words.clone());
        let text = "在线预约挂号源充足，门诊时间";
        let plain: Vec<bool> = words.iter().map(|w| text.contains(w.as_str())).collect();
        assert_eq!(set.present(text), plain);
        assert_eq!(set.present(""), words.iter().map(String::is_empty).collect::<Vec<_>>());
    }
}
