//! `filing.name_invalid`: the filed site name against the naming rules (record only, no page).

use super::{CheckInput, Finding, NO_FILING};

pub(super) fn run(input: &CheckInput<'_>, out: &mut Vec<Finding>) {
    const ID: &str = "filing.name_invalid";
    let Some(filing) = input.filing else {
        out.push(Finding::skipped(ID, NO_FILING));
        return;
    };
    let problems = input.rules.naming.problems(&filing.site_name, &filing.principal_type, &filing.domain);
    out.push(if problems.is_empty() {
        Finding::pass(ID).found(filing.site_name.clone())
    } else {
        Finding::fail(ID).detail(problems.join("; ")).found(filing.site_name.clone())
    });
}
