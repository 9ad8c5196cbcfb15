//! `icp.hidden` and `psb.hidden`: a number present in the page but invisible to a visitor (hidden by
//! style, zero size, off-screen, clipped, or written in the background's colour). Only a rendered
//! page is laid out, so only a rendered page is judged; a static one skips.

use super::{CheckInput, Finding};

pub(super) fn run(input: &CheckInput<'_>, out: &mut Vec<Finding>) {
    let Some(facts) = input.facts else {
        out.push(Finding::inconclusive("icp.hidden", input.no_page()));
        out.push(Finding::inconclusive("psb.hidden", input.no_page()));
        return;
    };
    if !input.rendered {
        out.push(Finding::skipped("icp.hidden", "the page was not rendered; visibility is not known"));
        out.push(Finding::skipped("psb.hidden", "the page was not rendered; visibility is not known"));
        return;
    }
    let icp = facts.icp.iter().filter(|n| n.parsed().is_some()).map(|n| (n.number.as_str(), n.visible, &n.context));
    out.push(judge("icp.hidden", icp));
    let psb = facts.psb.iter().map(|p| (p.code.as_str(), p.visible, &p.context));
    out.push(judge("psb.hidden", psb));
}

/// Fails when numbers are shown but none of them can be seen; passes when one can.
fn judge<'a>(id: &'static str, numbers: impl Iterator<Item = (&'a str, bool, &'a String)>) -> Finding {
    let numbers: Vec<_> = numbers.collect();
    if numbers.is_empty() {
        return Finding::skipped(id, "no number on the page");
    }
    match numbers.iter().find(|(_, visible, _)| *visible) {
        Some((number, _, context)) => Finding::pass(id).found(number.to_string()).excerpt(context.to_string()),
        None => {
            let (number, _, context) = numbers[0];
            Finding::fail(id).found(number.to_string()).excerpt(context.to_string())
        }
    }
}
