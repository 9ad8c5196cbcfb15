//! `license.missing`: a commercial filing must show a licence-based number.

use super::{CheckInput, Finding, NO_FILING};

pub(super) fn run(input: &CheckInput<'_>, out: &mut Vec<Finding>) {
    const ID: &str = "license.missing";
    let finding = match (input.filing, input.facts) {
        (None, _) => Finding::skipped(ID, NO_FILING),
        (Some(f), _) if !f.is_commercial() => Finding::skipped(ID, "non-commercial filing"),
        (Some(_), None) => Finding::inconclusive(ID, input.no_page()),
        (Some(f), Some(facts)) => {
            let shown = facts.icp.iter().filter(|n| n.in_footer).find(|n| n.kind.is_licence());
            let expected = f.license.clone().unwrap_or_else(|| f.site_number.clone());
            match shown {
                Some(n) => Finding::pass(ID).found(n.number.clone()).expected(expected).excerpt(n.context.clone()),
                None => Finding::fail(ID).expected(expected).excerpt(facts.footer_text.clone()),
            }
        }
    };
    out.push(finding);
}
