//! Placeholder and interception pages by fingerprint, and blank pages by what is left of their text.

use std::collections::HashSet;

use super::Prepared;
use crate::extract::PageFacts;
use crate::rules::{HostingTalk, PlaceholderKind, Placeholders};

pub(super) fn interception(page: &Prepared, rules: &Placeholders) -> Option<String> {
    rules
        .interceptions
        .iter()
        .find(|f| {
            page.chars <= f.max_chars
                && (f.title.iter().any(|w| page.title.contains(w.as_str()))
                    || f.text.iter().any(|w| page.body.contains(w.as_str())))
        })
        .map(|f| f.id.clone())
}

pub(super) fn placeholder(
    page: &Prepared,
    facts: &PageFacts,
    rules: &Placeholders,
) -> Option<(PlaceholderKind, String)> {
    // The words of the page's link addresses, split once and only for a short page that asks for them.
    let address_words: std::cell::OnceCell<HashSet<String>> = std::cell::OnceCell::new();
    // The page's link addresses lower-cased once, for every fingerprint that looks for a vendor's.
    let lower_targets: std::cell::OnceCell<Vec<String>> = std::cell::OnceCell::new();
    let by_fingerprint = rules.fingerprints.iter().find(|f| {
        // A fingerprint is for a short page: nothing below runs on a long one.
        if page.chars > f.max_chars || page.nav.len() > f.max_links {
            return false;
        }
        // A stack's welcome page is known by its tool links (探针, phpinfo, phpMyAdmin) however long
        // its feature list: every word must be the text of some link.
        let links = || !f.links.is_empty() && f.links.iter().all(|w| page.nav.iter().any(|a| a.contains(w.as_str())));
        // A framework's start page greets its new owner and links to the project's own resources and
        // nothing of a site: by a link's text or a whole word of its address (github.com, discord.gg,
        // …/CHANGELOG.md, …/phoenix-forum), not a part of one (utm_source, hexdocs).
        let link_words = || {
            f.min_link_words > 0
                && f.link_words_with.iter().any(|w| page.body.contains(w.as_str()) || page.title.contains(w.as_str()))
                && {
                    let addresses =
                        address_words.get_or_init(|| facts.link_targets.iter().flat_map(|h| words_of(h)).collect());
                    f.link_words
                        .iter()
                        .filter(|w| page.nav.iter().any(|a| a.contains(w.as_str())) || addresses.contains(w.as_str()))
                        .count()
                        >= f.min_link_words
                }
        };
        // A server's splash page may be one image linking to its vendor, whatever its title says.
        let targets = || {
            !f.link_targets.is_empty()
                && lower_targets
                    .get_or_init(|| facts.link_targets.iter().map(|h| h.to_ascii_lowercase()).collect())
                    .iter()
                    .filter(|h| f.link_targets.iter().any(|t| h.contains(t.as_str())))
                    .nth(f.min_target_links.saturating_sub(1))
                    .is_some()
        };
        // A titled page says what it is in its title (judged by the title words and patterns): only an
        // untitled one is read by its picture's name (an app's screen titled 充电桩维护中 shows a maintain.png),
        // or one titled as the product titles the page that shows its stock picture.
        let pictures = || {
            !f.image_names.is_empty()
                && (page.title.is_empty() || f.image_names_titles.iter().any(|t| page.title.contains(t.as_str())))
                && facts.signals.image_names.iter().any(|n| f.image_names.iter().any(|w| n.contains(w.as_str())))
        };
        // A default page's sentence has a grammar more than fixed words: read it from the text as
        // shown (spacing kept), not from the folded text.
        let sentence =
            || f.patterns.iter().any(|re| re.is_match(&page.raw) || (f.patterns_in_title && re.is_match(&page.title)));
        f.title.iter().any(|w| page.title.contains(w.as_str()))
            || f.text.iter().any(|w| page.body.contains(w.as_str()))
            || links()
            || link_words()
            || targets()
            || pictures()
            || sentence()
    });
    if let Some(f) = by_fingerprint {
        return Some((f.kind, f.id.clone()));
    }
    if let Some(kind) = rules.hosting_talk.as_ref().and_then(|t| hosting_talk(page, t)) {
        return Some((kind, "hosting-talk".to_string()));
    }
    // An app shell renders its content from script: there is nothing to judge, not nothing there.
    let app_shell = facts.signals.app_root || facts.signals.scripts > 0;
    // A page that shows a picture shows something, even with no text (a photo under a greeting), and
    // so does one that embeds a player or plugin (a company's Flash splash page, its only text the
    // fallback asking for Flash Player).
    // A sign-in form is the entrance of a working system (a back office's login page: a title, 欢迎登录
    // and two fields, dev c960), however little it says.
    let sign_in = facts.signals.password_inputs > 0;
    // A site's own not-found page (titled "404 Page Not Found", a line of its own below) is the site
    // answering for a path it has no page for; a server's stock answer is a fingerprint's above.
    // So is one that says so in its text and offers the way back into the site (a stock answer links nowhere).
    let says_not_found = || rules.blank_error_titles.iter().any(|w| page.body.contains(w.as_str()));
    let links_home = || page.nav.iter().any(|item| rules.blank_home_links.iter().any(|w| item.contains(w.as_str())));
    let error_page =
        rules.blank_error_titles.iter().any(|w| page.title.contains(w.as_str())) || (says_not_found() && links_home());
    // A service that gave out a link and withdrew it says so of that link alone: it is there to answer.
    let link_answer = rules.blank_link_answers.iter().any(|w| page.body.contains(w.as_str()));
    if app_shell
        || sign_in
        || error_page
        || link_answer
        || facts.signals.images > 0
        || facts.signals.embeds > 0
        || page.nav.len() > rules.blank_max_links
        || facts.signals.form_controls > rules.blank_max_form_controls
    {
        return None;
    }
    let mut rest = page.body.clone();
    for w in &rules.blank_stock_words {
        rest = rest.replace(w.as_str(), "");
    }
    let meaningful = rest.chars().filter(|c| c.is_alphabetic()).count();
    (meaningful <= rules.blank_max_chars).then(|| (PlaceholderKind::Blank, "blank".to_string()))
}

/// A default page of a stack no fingerprint names still talks like one: a short page that speaks of
/// itself (this page, this domain) and of enough distinct things of hosting (server, FTP, upload, DNS,
/// control panel). Its kind follows its words: a suspension or sale is parked, a server's install
/// words a server's page, the rest a panel's.
fn hosting_talk(page: &Prepared, rule: &HostingTalk) -> Option<PlaceholderKind> {
    let text = |w: &String| page.body.contains(w.as_str()) || page.title.contains(w.as_str());
    if page.chars > rule.max_chars || !rule.itself.iter().any(text) {
        return None;
    }
    if rule.terms.iter().filter(|w| text(w)).count() < rule.min_terms {
        return None;
    }
    Some(if rule.parked.iter().any(text) {
        PlaceholderKind::Parked
    } else if rule.server.iter().any(text) {
        PlaceholderKind::ServerDefault
    } else {
        PlaceholderKind::PanelDefault
    })
}

/// The words of a link's address after its scheme, lower-cased: its host's labels and its path's
/// segments split at every character that is not a letter or a digit.
fn words_of(href: &str) -> impl Iterator<Item = String> + '_ {
    let rest = href.split_once("//").map_or(href, |(_, rest)| rest);
    rest.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase)
}
