//! The public-security (公网安备) number: shown within 30 days of opening, the recorded code, a label
//! that matches the code's province, 14 digits, linked to the MPS platform.

use chrono::Days;

use super::{CheckInput, Finding, NO_FILING, classify_psb_link, link_findings};
use crate::extract::PsbFact;

const IDS: [&str; 8] = [
    "psb.missing",
    "psb.pending",
    "psb.mismatch",
    "psb.prefix_mismatch",
    "psb.format",
    "psb.link.missing",
    "psb.link.outdated",
    "psb.link.wrong",
];

/// Days after the site opens within which the number must be shown (公安部令第33号).
pub const PSB_GRACE_DAYS: u64 = 30;

pub(super) fn run(input: &CheckInput<'_>, out: &mut Vec<Finding>) {
    let Some(facts) = input.facts else {
        out.extend(IDS.iter().map(|id| Finding::inconclusive(id, input.no_page())));
        return;
    };
    let footer: Vec<&PsbFact> = facts.psb.iter().filter(|p| p.in_footer).collect();
    let shown: Vec<&PsbFact> = if footer.is_empty() { facts.psb.iter().collect() } else { footer };

    if shown.is_empty() {
        presence_when_absent(input, &facts.footer_text, out);
        out.extend(IDS[2..].iter().map(|id| Finding::skipped(id, "no public-security number shown")));
        return;
    }
    let first = shown[0];
    out.push(Finding::pass("psb.missing").found(first.code.clone()).excerpt(first.context.clone()));
    out.push(Finding::pass("psb.pending").found(first.code.clone()));

    let filed = input.filing.and_then(|f| f.psb());
    out.push(match (input.filing, &filed) {
        (None, _) => Finding::skipped("psb.mismatch", NO_FILING),
        (Some(_), None) => Finding::skipped("psb.mismatch", "no code recorded in the filing"),
        (Some(_), Some(code)) => match shown.iter().find(|p| p.code == code.as_str()) {
            Some(p) => Finding::pass("psb.mismatch").expected(code.to_string()).found(p.code.clone()),
            None => Finding::fail("psb.mismatch")
                .expected(code.to_string())
                .found(first.code.clone())
                .excerpt(first.context.clone()),
        },
    });
    // The recorded code's occurrence when there is one, else the first shown.
    let judged = filed.as_ref().and_then(|c| shown.iter().copied().find(|p| p.code == c.as_str())).unwrap_or(first);
    out.push(prefix_mismatch(input, judged));
    out.push(match judged.parsed() {
        Some(code) if code.is_national_format() => Finding::pass("psb.format").found(judged.code.clone()),
        _ => Finding::fail("psb.format").detail("not 14 digits").found(judged.code.clone()),
    });
    links(&shown, judged, out);
}

fn presence_when_absent(input: &CheckInput<'_>, footer_text: &str, out: &mut Vec<Finding>) {
    let Some(filing) = input.filing else {
        out.push(Finding::skipped("psb.missing", "opening date unknown without a filing record"));
        out.push(Finding::skipped("psb.pending", "opening date unknown without a filing record"));
        return;
    };
    let opened = filing.opening_date();
    let due = opened.checked_add_days(Days::new(PSB_GRACE_DAYS)).unwrap_or(opened);
    if input.today > due {
        out.push(
            Finding::fail("psb.missing")
                .due(due)
                .excerpt(footer_text.to_string())
                .detail(format!("opened {opened}, due {due}")),
        );
        out.push(Finding::skipped("psb.pending", "the 30 days have run out"));
    } else {
        out.push(Finding::skipped("psb.missing", "still within the 30 days"));
        out.push(Finding::fail("psb.pending").due(due).detail(format!("opened {opened}, due {due}")));
    }
}

fn prefix_mismatch(input: &CheckInput<'_>, judged: &PsbFact) -> Finding {
    const ID: &str = "psb.prefix_mismatch";
    let provinces = &input.rules.provinces;
    let Some(label_province) = provinces.by_psb_label(&judged.prefix) else {
        return Finding::skipped(ID, "the label names no province");
    };
    let Some(code_province) = judged.code.get(..2).and_then(|c| provinces.by_code(c)) else {
        return Finding::skipped(ID, "the code's first digits name no province");
    };
    let found = format!("{}{}", judged.prefix, judged.code);
    if label_province.code == code_province.code {
        Finding::pass(ID).found(found)
    } else {
        Finding::fail(ID)
            .detail(format!("label says {}, code says {}", label_province.name, code_province.name))
            .expected(format!("{}公网安备", code_province.psb_chars[0]))
            .found(found)
    }
}

fn links(shown: &[&PsbFact], judged: &PsbFact, out: &mut Vec<Finding>) {
    let best = shown
        .iter()
        .filter(|p| p.code == judged.code)
        .max_by_key(|p| classify_psb_link(p.link.as_deref(), &p.code))
        .copied()
        .unwrap_or(judged);
    let link = best.link.as_deref();
    let ev = |f: Finding| f.link(link).found(best.code.clone());
    let class = classify_psb_link(link, &best.code);
    out.extend(link_findings(class, ["psb.link.missing", "psb.link.outdated", "psb.link.wrong"]).map(ev));
}
