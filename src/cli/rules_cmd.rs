//! `icp-patrol rules check [DIR]`, `rules export DIR`, `rules explain FILE|URL`.

use super::output::say;
use std::path::Path;

use anyhow::Context;

use super::scan::{NetworkArgs, network_scanner};
use crate::classify::{Classification, classify, self_test};
use crate::engine::Target;
use crate::extract::PageFacts;
use crate::fetch::decode;
use crate::render::RenderMode;
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
    say!(
        "{}: ok ({} provinces, {} checks, {} industries, {}, {} placeholder fingerprints, {} providers, holidays {}; rules {})",
        dir.display(),
        rules.provinces.all().len(),
        rules.catalogue.ids().count(),
        rules.preapproval.industries.len(),
        rules
            .industry_model
            .as_ref()
            .map_or("no industry model".to_string(), |m| format!("an industry model of {} features", m.len())),
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
        say!("{}", path.display());
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
    let classification = classify(&facts, &rules);
    say!("encoding     {}", decoded.encoding);
    print_reading(&facts, &classification, &rules);
    Ok(0)
}

/// A live page read as served and as rendered, each with its evidence.
pub(super) async fn explain_url(
    page: &str,
    rules_dir: Option<&Path>,
    render: RenderMode,
    network: &NetworkArgs,
    settings: super::settings::Settings,
) -> anyhow::Result<u8> {
    let config = &settings.config;
    let rules = super::settings::rules(config, rules_dir)?;
    let options = super::settings::fetch_options(config);
    let scanner = network_scanner(config, rules, options, network, Some(render))?;
    let target = Target::parse(page)?;
    let explanation = crate::explain::explain(&scanner, &target).await;
    if let Some(renderer) = scanner.renderer() {
        renderer.shutdown().await;
    }
    say!("url          {}", explanation.url);
    if let Some(final_url) = &explanation.final_url {
        say!("final url    {final_url}");
    }
    if let Some(error) = &explanation.fetch_error {
        say!("fetch        failed: {error}");
        return Ok(super::Exit::Unavailable.code());
    }
    say!("status       {}", explanation.status.map_or_else(|| "-".into(), |s| s.to_string()));
    say!("encoding     {}", explanation.encoding.as_deref().unwrap_or("-"));
    say!("render auto  {}", explanation.render_reason.map_or("not needed (the served page is judged)", |r| r.as_str()));
    say!("\n== as served");
    match &explanation.served {
        Ok(reading) => print_reading(&reading.facts, &reading.classification, scanner.rules()),
        Err(why) => say!("unreadable   {why}"),
    }
    match &explanation.rendered {
        None if render == RenderMode::Never => {}
        None => say!("\n== rendered: not rendered (a scan in auto mode would judge the page as served)"),
        Some(attempt) => {
            say!("\n== rendered ({:?}, {} ms)", attempt.status, attempt.elapsed_ms);
            if let Some(detail) = &attempt.detail {
                say!("detail       {detail}");
            }
            let r = &attempt.requests;
            say!(
                "requests     {} made, {} answered by the fetcher, {} refused, {} failed",
                r.made,
                r.fulfilled,
                r.refused,
                r.failed
            );
            for error in &attempt.script_errors {
                say!("script error {error}");
            }
            match &attempt.reading {
                Ok(reading) => print_reading(&reading.facts, &reading.classification, scanner.rules()),
                Err(why) => say!("unreadable   {why}"),
            }
        }
    }
    Ok(0)
}

fn print_reading(facts: &PageFacts, c: &Classification, rules: &RuleSet) {
    say!("title        {}", facts.title.as_deref().unwrap_or("-"));
    say!(
        "visible      {} characters, {} links, {} scripts",
        facts.visible_chars,
        facts.signals.links,
        facts.signals.scripts
    );
    say!("navigation   {}", facts.anchor_texts.iter().take(40).cloned().collect::<Vec<_>>().join(" · "));
    if !facts.schema_types.is_empty() {
        say!("declared     {}", facts.schema_types.join(" · "));
    }
    for n in &facts.icp {
        say!(
            "icp          {} ({:?}, footer {}, visible {}, link {})",
            n.number,
            n.kind,
            n.in_footer,
            n.visible,
            n.link.as_deref().unwrap_or("none")
        );
    }
    for p in &facts.psb {
        say!(
            "psb          {}{} (footer {}, visible {}, link {})",
            p.prefix,
            p.code,
            p.in_footer,
            p.visible,
            p.link.as_deref().unwrap_or("none")
        );
    }
    for cr in &facts.copyright {
        say!("copyright    {} -> holder {}", cr.text, cr.holder.as_deref().unwrap_or("-"));
    }
    say!("placeholder  {:?}", c.placeholder);
    say!("blocked      {:?}", c.blocked);
    for hit in &c.industries {
        // The model's probability is in its evidence; its score is no count of the rules' points.
        if hit.by_model {
            say!("industry     {} (the industry model's lead): {}", hit.key, hit.evidence.join("; "));
        } else {
            say!("industry     {} (score {:.1}): {}", hit.key, hit.score, hit.evidence.join("; "));
        }
    }
    // What a reviewer asks of an industry the page does not show: how close it came, and on what (a
    // placeholder or an interception page is read for no industry at all).
    if c.placeholder.is_none() && c.blocked.is_none() {
        for hit in crate::classify::industries_not_found(facts, rules) {
            let threshold = rules.preapproval.industries.iter().find(|i| i.key == hit.key).map_or(0.0, |i| i.threshold);
            say!("not found    {} (score {:.1} of {threshold:.1}): {}", hit.key, hit.score, hit.evidence.join("; "));
        }
    }
    let model = crate::classify::industry_model_probabilities(facts, rules);
    if !model.is_empty() && c.placeholder.is_none() && c.blocked.is_none() {
        let shown: Vec<String> = model.iter().map(|(key, p)| format!("{key} {p:.2}")).collect();
        say!("model        {}", shown.join(" · "));
    }
    say!("commercial   {:?}", c.commercial);
    say!("site names   {:?}", c.site_names);
    say!("operator     {:?}", c.operator);
}
