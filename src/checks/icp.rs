//! The ICP number at the bottom of the homepage: present, in the footer, real, this site's, well
//! formed, and linked to the MIIT filing system.

use super::{CheckInput, Finding, NO_FILING, classify_icp_link, link_findings};
use crate::extract::IcpFact;
use crate::filing::{IcpKind, IcpNumber};

const IDS: [&str; 9] = [
    "icp.missing",
    "icp.not_in_footer",
    "icp.placeholder",
    "icp.mismatch",
    "icp.site_number_missing",
    "icp.format",
    "icp.link.missing",
    "icp.link.outdated",
    "icp.link.wrong",
];

/// A number shown on the page with its parsed form.
struct Shown<'a> {
    fact: &'a IcpFact,
    number: IcpNumber,
}

fn is_vanity(n: &IcpNumber) -> bool {
    matches!(n.prefix, Some('萌' | '茶'))
}

pub(super) fn run(input: &CheckInput<'_>, out: &mut Vec<Finding>) {
    let Some(facts) = input.facts else {
        out.extend(IDS.iter().map(|id| Finding::inconclusive(id, input.no_page())));
        return;
    };
    let shown: Vec<Shown<'_>> =
        facts.icp.iter().filter_map(|fact| fact.parsed().map(|number| Shown { fact, number })).collect();

    if let Some(first) = shown.first() {
        out.push(Finding::pass("icp.missing").found(first.fact.number.clone()).excerpt(first.fact.context.clone()));
    } else {
        out.push(Finding::fail("icp.missing").excerpt(facts.footer_text.clone()));
        out.extend(IDS[1..].iter().map(|id| Finding::skipped(id, "no number on the page")));
        return;
    }

    let in_footer: Vec<&Shown<'_>> = shown.iter().filter(|s| s.fact.in_footer).collect();
    out.push(match in_footer.first() {
        Some(s) => Finding::pass("icp.not_in_footer").found(s.fact.number.clone()).excerpt(s.fact.context.clone()),
        None => Finding::fail("icp.not_in_footer")
            .found(shown[0].fact.number.clone())
            .excerpt(shown[0].fact.context.clone()),
    });
    // Later checks judge the footer's numbers; a page whose only number is elsewhere is judged on that.
    let candidates: Vec<&Shown<'_>> = if in_footer.is_empty() { shown.iter().collect() } else { in_footer };
    let same_province = |a: char, b: char| input.rules.provinces.same_icp_province(a, b);
    let filed = input.filing.and_then(|f| f.site_number());
    let filed_licence = input.filing.and_then(|f| f.license_number());
    let is_own = |n: &IcpNumber| {
        filed.as_ref().is_some_and(|f| n.same_entity(f, same_province))
            || filed_licence.as_ref().is_some_and(|l| n.same_entity(l, same_province))
    };
    // The record comes first: a filing whose own number looks like a template (`12345678`) shows
    // exactly what was filed, not a placeholder.
    let real: Vec<&Shown<'_>> = candidates
        .iter()
        .copied()
        .filter(|s| is_own(&s.number) || (!s.number.is_template() && !is_vanity(&s.number)))
        .collect();
    out.push(if real.is_empty() {
        Finding::fail("icp.placeholder")
            .found(candidates.iter().map(|s| s.fact.number.as_str()).collect::<Vec<_>>().join(" "))
            .excerpt(candidates[0].fact.context.clone())
    } else {
        Finding::pass("icp.placeholder").found(real[0].fact.number.clone())
    });
    if real.is_empty() {
        out.extend(IDS[3..].iter().map(|id| Finding::skipped(id, "no real number shown")));
        return;
    }

    // The shown numbers that are the filing entity's own (its site number's, or its recorded licence).
    let own: Vec<&Shown<'_>> = real.iter().copied().filter(|s| is_own(&s.number)).collect();
    out.push(mismatch(input, filed.as_ref(), &real, &own));
    out.push(site_number_missing(input, filed.as_ref(), &own));

    // The number the remaining checks look at: the filing's own when there is a record, else all real ones.
    let judged: Vec<&Shown<'_>> = if filed.is_some() && !own.is_empty() { own } else { real };
    out.push(format(&judged));
    link_checks(&judged, out);
}

fn mismatch(input: &CheckInput<'_>, filed: Option<&IcpNumber>, real: &[&Shown<'_>], own: &[&Shown<'_>]) -> Finding {
    const ID: &str = "icp.mismatch";
    let (Some(filing), Some(filed)) = (input.filing, filed) else {
        return Finding::skipped(ID, NO_FILING);
    };
    let found = real.iter().map(|s| s.fact.number.as_str()).collect::<Vec<_>>().join(" ");
    if own.is_empty() {
        return Finding::fail(ID)
            .detail("the number shown belongs to another entity")
            .expected(filing.site_number.clone())
            .found(found)
            .excerpt(real[0].fact.context.clone());
    }
    let same_site = own.iter().find(|s| s.number.site.is_none() || s.number.site == filed.site || filed.site.is_none());
    match same_site {
        Some(s) => Finding::pass(ID).expected(filing.site_number.clone()).found(s.fact.number.clone()),
        None => Finding::fail(ID)
            .detail("the number shown is another website's of the same entity")
            .expected(filing.site_number.clone())
            .found(found)
            .excerpt(own[0].fact.context.clone()),
    }
}

fn site_number_missing(input: &CheckInput<'_>, filed: Option<&IcpNumber>, own: &[&Shown<'_>]) -> Finding {
    const ID: &str = "icp.site_number_missing";
    let Some(filed) = filed else {
        return Finding::skipped(ID, NO_FILING);
    };
    if own.is_empty() {
        return Finding::skipped(ID, "the filing's number is not shown");
    }
    if filed.site.is_none() || own.iter().any(|s| s.number.site.is_some()) {
        return Finding::pass(ID).found(own[0].fact.number.clone());
    }
    match input.province() {
        Some(p) if p.entity_number_ok => {
            Finding::pass(ID).detail(format!("{} accepts the entity number", p.name)).found(own[0].fact.number.clone())
        }
        _ => Finding::fail(ID)
            .expected(input.filing.map(|f| f.site_number.clone()).unwrap_or_default())
            .found(own[0].fact.number.clone()),
    }
}

/// Missing `号`, `-N` before `号`, no letters ICP (`粤备…号`), or a serial of the wrong length.
fn format(judged: &[&Shown<'_>]) -> Finding {
    const ID: &str = "icp.format";
    let problems = |n: &IcpNumber| -> Vec<&'static str> {
        let mut p = Vec::new();
        if n.kind != IcpKind::Telecom && !n.has_hao {
            p.push("missing 号");
        }
        if n.site_before_hao {
            p.push("-N before 号");
        }
        if n.lacks_icp_letters() {
            p.push("ICP letters missing");
        }
        let len = n.serial.len();
        let serial_ok = match n.kind {
            IcpKind::Filing => len == 8 || (len == 10 && n.serial.starts_with("20")),
            IcpKind::License => len == 6,
            IcpKind::Telecom => len == 8,
        };
        if !serial_ok {
            p.push("serial of unusual length");
        }
        p
    };
    match judged.iter().find(|s| problems(&s.number).is_empty()) {
        Some(s) => Finding::pass(ID).found(s.fact.number.clone()),
        None => Finding::fail(ID).detail(problems(&judged[0].number).join(", ")).found(judged[0].fact.number.clone()),
    }
}

fn link_checks(judged: &[&Shown<'_>], out: &mut Vec<Finding>) {
    let best = judged.iter().max_by_key(|s| classify_icp_link(s.fact.link.as_deref())).expect("judged is never empty");
    let class = classify_icp_link(best.fact.link.as_deref());
    let link = best.fact.link.as_deref();
    let with_evidence = |f: Finding| f.link(link).found(best.fact.number.clone()).excerpt(best.fact.context.clone());
    out.extend(link_findings(class, ["icp.link.missing", "icp.link.outdated", "icp.link.wrong"]).map(with_evidence));
}
