//! `copyright.missing`: provinces that require a copyright line with its holder (Jiangsu).

use super::{CheckInput, Finding};

pub(super) fn run(input: &CheckInput<'_>, out: &mut Vec<Finding>) {
    const ID: &str = "copyright.missing";
    let finding = match (input.province(), input.facts) {
        (None, _) => Finding::skipped(ID, "province unknown"),
        (Some(p), _) if !p.copyright_required => Finding::skipped(ID, &format!("not required in {}", p.name)),
        (Some(_), None) => Finding::inconclusive(ID, input.no_page()),
        (Some(p), Some(facts)) => {
            let with_holder = facts.copyright.iter().find(|c| c.holder.is_some());
            match (with_holder, facts.copyright.first()) {
                (Some(c), _) => Finding::pass(ID).excerpt(c.text.clone()).found(c.holder.clone().unwrap_or_default()),
                (None, Some(c)) => Finding::fail(ID)
                    .detail(format!("a copyright mark without a holder; required in {}", p.name))
                    .excerpt(c.text.clone()),
                (None, None) => Finding::fail(ID)
                    .detail(format!("no copyright line at the bottom; required in {}", p.name))
                    .excerpt(facts.footer_text.clone()),
            }
        }
    };
    out.push(finding);
}
