//! `icp-patrol rules check [DIR]`, `rules export DIR`, `rules explain FILE`.

use std::path::Path;

use anyhow::Context;

use crate::classify::{classify, self_test};
use crate::fetch::decode;
use crate::rules::RuleSet;

/// The rules built into the program: their own cases (they were validated when built).
pub(super) fn check_embedded() -> anyhow::Result<u8> {
    report(Path::new("(built-in rules)"), &RuleSet::embedded())
}

pub(super) fn check(dir: &Path) -> anyhow::Result<u8> {
    match RuleSet::load(dir) {
        Ok(rules) => report(dir, &rules),
        Err(errors) => {
            for e in &errors.0 {
                eprintln!("{e}");
            }
            eprintln!("{}: {} error(s)", dir.display(), errors.0.len());
            Ok(super::Exit::DataErr.code())
        }
    }
}

fn report(dir: &Path, rules: &RuleSet) -> anyhow::Result<u8> {
    let failures = self_test(rules);
    for f in &failures {
        eprintln!("{}: {f}", dir.display());
    }
    if !failures.is_empty() {
        eprintln!("{}: {} rule case(s) failed", dir.display(), failures.len());
        return Ok(super::Exit::DataErr.code());
    }
    println!(
        "{}: ok ({} provinces, {} checks, {} industries, {} placeholder fingerprints, {} providers, holidays {}; rules {})",
        dir.display(),
        rules.provinces.all().len(),
        rules.catalogue.ids().count(),
        rules.preapproval.industries.len(),
        rules.placeholders.fingerprints.len(),
        rules.providers.len(),
        rules.holidays.years().map(|y| y.to_string()).collect::<Vec<_>>().join(" "),
        &rules.digest[..12]
    );
    Ok(0)
}

pub(super) fn export(dir: &Path) -> anyhow::Result<u8> {
    let written =
        RuleSet::write_embedded(dir).with_context(|| format!("writing the built-in rules into {}", dir.display()))?;
    for path in written {
        println!("{}", path.display());
    }
    Ok(0)
}

pub(super) fn explain(file: &Path, rules_dir: Option<&Path>) -> anyhow::Result<u8> {
    let rules = match rules_dir {
        Some(dir) => RuleSet::load(dir)?,
        None => RuleSet::embedded(),
    };
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let decoded = decode(&bytes, None, None);
    let url = url::Url::parse("http://explain.invalid/")?;
    let facts = crate::extract::extract(&decoded.text, &url, &rules.provinces);
    let c = classify(&facts, &rules);
    println!("encoding     {}", decoded.encoding);
    println!("title        {}", facts.title.as_deref().unwrap_or("-"));
    println!(
        "visible      {} characters, {} links, {} scripts",
        facts.visible_chars, facts.signals.links, facts.signals.scripts
    );
    println!("navigation   {}", facts.anchor_texts.iter().take(40).cloned().collect::<Vec<_>>().join(" · "));
    for n in &facts.icp {
        println!(
            "icp          {} ({:?}, footer {}, link {})",
            n.number,
            n.kind,
            n.in_footer,
            n.link.as_deref().unwrap_or("none")
        );
    }
    for p in &facts.psb {
        println!(
            "psb          {}{} (footer {}, link {})",
            p.prefix,
            p.code,
            p.in_footer,
            p.link.as_deref().unwrap_or("none")
        );
    }
    for cr in &facts.copyright {
        println!("copyright    {} -> holder {}", cr.text, cr.holder.as_deref().unwrap_or("-"));
    }
    println!("placeholder  {:?}", c.placeholder);
    println!("blocked      {:?}", c.blocked);
    for hit in &c.industries {
        println!("industry     {} (score {:.1}): {}", hit.key, hit.score, hit.evidence.join("; "));
    }
    println!("commercial   {:?}", c.commercial);
    println!("site names   {:?}", c.site_names);
    println!("operator     {:?}", c.operator);
    Ok(0)
}
