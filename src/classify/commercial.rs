//! Commercial activity: the signals of `rules/commercial.toml` in link texts, visible text and the page's names.

use super::Prepared;
use crate::rules::Commercial;

/// The ids of the signals found, when their weights reach the threshold; empty otherwise.
pub(super) fn signals(page: &Prepared, rules: &Commercial) -> Vec<String> {
    let mut found = Vec::new();
    let mut score = 0.0;
    // A word that is the whole text of a link is an entry of the page's menu.
    let in_menu = |w: &String| page.nav.iter().any(|n| n == w);
    for s in &rules.signals {
        let word = s.words.iter().any(|w| page.body.contains(w.as_str()) || in_menu(w));
        let menu = s.menu.iter().any(in_menu);
        let named = s.names.iter().any(|w| page.names.contains(w.as_str()));
        let pattern = s.patterns.iter().any(|p| p.is_match(&page.raw));
        if word || menu || named || pattern {
            score += s.weight;
            found.push(s.id.clone());
        }
    }
    if score >= rules.threshold { found } else { Vec::new() }
}
