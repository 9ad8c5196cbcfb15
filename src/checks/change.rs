//! `change.*`: what changed on a site since its previous scans and now needs a change filing (变更备案):
//! the number it shows, the entity behind it, what it calls itself, what kind of site it is, and the
//! domain it lives on.
//!
//! A change is reported only once it holds for `n` scans in a row (a redeploy, an A/B test or a bad
//! afternoon is not a change of operator), and then with the value before and after. Once reported,
//! it stays reported while the page keeps the new value (the open finding's evidence says which),
//! until the filing is changed to match or the page goes back. Pure: the previous scans come in as
//! [`ScanFacts`] values, newest first; the store reads them at the edge.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::content::{name_key, org_core};
use super::{Evidence, Finding, NO_FILING, Outcome};
use crate::filing::{FilingRecord, IcpNumber};
use crate::result::ScanResult;
use crate::rules::RuleSet;
use crate::text::fold;

pub const CHANGE_CHECK_IDS: [&str; 5] =
    ["change.icp_number", "change.operator", "change.site_name", "change.industry", "change.domain"];

/// One value a scan showed: compared by `key`, shown as `text`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Fact {
    pub key: String,
    pub text: String,
}

impl Fact {
    fn new(key: impl Into<String>, text: impl Into<String>) -> Self {
        Fact { key: key.into(), text: text.into() }
    }
}

/// What one scan said about the things a change filing is about; `None` where that scan could not
/// tell (the page failed, was blocked, a placeholder, or showed nothing of the kind). The store keeps
/// them beside each full result, so the history of a site is read without parsing its results.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ScanFacts {
    pub scanned_at: Option<DateTime<Utc>>,
    pub icp_number: Option<Fact>,
    pub operator: Option<Fact>,
    pub site_name: Option<Fact>,
    /// Industry keys, sorted, joined by `,`.
    pub industries: Option<Fact>,
    /// The registrable domain the homepage was finally served from.
    pub domain: Option<Fact>,
}

impl ScanFacts {
    /// The facts of a scan result (a stored one or the one just made).
    pub fn of(r: &ScanResult) -> Self {
        let outcome = |id: &str| r.checks.iter().find(|c| c.id == id).map(|c| c.outcome);
        // The page was read and judged: not an interception page, not a placeholder.
        let judged =
            outcome("site.blocked") == Some(Outcome::Pass) && outcome("site.placeholder") == Some(Outcome::Pass);
        let served = r.fetch.error.is_none() && r.fetch.status.is_some_and(|s| (200..300).contains(&s));
        let domain = r
            .fetch
            .final_url
            .as_deref()
            .filter(|_| served)
            .and_then(|u| url::Url::parse(u).ok())
            .and_then(|u| u.host_str().map(crate::domain::registrable_domain))
            .map(|d| Fact::new(d.clone(), d));
        if !judged {
            return ScanFacts { scanned_at: Some(r.scanned_at), domain, ..ScanFacts::default() };
        }
        let icp_number = r
            .extracted
            .icp
            .iter()
            .find(|n| n.in_footer)
            .or_else(|| r.extracted.icp.first())
            .map(|n| Fact::new(number_key(&n.number), n.number.clone()));
        let operator = r
            .classified
            .operator
            .as_deref()
            .filter(|o| crate::classify::is_organisation(o))
            .map(|o| Fact::new(org_core(o), o));
        let site_name = (!r.classified.site_names.is_empty()).then(|| {
            let mut keys: Vec<String> = r.classified.site_names.iter().map(|n| name_key(n)).collect();
            keys.sort();
            keys.dedup();
            Fact::new(keys.join("|"), r.classified.site_names.join(" / "))
        });
        // A model's reading is a lead, not a filed fact's change: only the rules' industries are compared.
        let mut kinds: Vec<String> =
            r.classified.industries.iter().filter(|k| !r.classified.industries_by_model.contains(k)).cloned().collect();
        kinds.sort();
        kinds.dedup();
        let industries = Some(Fact::new(kinds.join(","), kinds.join(",")));
        ScanFacts { scanned_at: Some(r.scanned_at), icp_number, operator, site_name, industries, domain }
    }
}

/// A number as compared: province, serial and site suffix, whatever the spelling.
fn number_key(shown: &str) -> String {
    match IcpNumber::parse(shown) {
        Ok(n) => format!("{}{}-{}", n.prefix.map(String::from).unwrap_or_default(), n.serial, n.site.unwrap_or(0)),
        Err(_) => fold(shown),
    }
}

/// Everything the change checks compare.
pub struct ChangeInput<'a> {
    pub current: &'a ScanFacts,
    /// The site's previous scans, newest first.
    pub previous: &'a [ScanFacts],
    /// The evidence of the site's open `change.*` findings, by check id.
    pub open: &'a HashMap<String, Evidence>,
    pub filing: Option<&'a FilingRecord>,
    pub rules: &'a RuleSet,
    /// How many scans in a row a change must hold before it is reported.
    pub scans: usize,
}

/// The change checks, in catalogue order.
pub fn run(input: &ChangeInput<'_>) -> Vec<Finding> {
    let Some(filing) = input.filing else {
        return CHANGE_CHECK_IDS.iter().map(|id| Finding::skipped(id, NO_FILING)).collect();
    };
    let filed_number = number_key(&filing.site_number);
    let filed_entity = filed_number.rsplit_once('-').map_or(filed_number.clone(), |(e, _)| format!("{e}-0"));
    let principal = org_core(&filing.principal);
    let filed_name = name_key(&filing.site_name);
    let filed_domain = crate::domain::registrable_domain(&filing.domain);
    let rules = &input.rules.preapproval;
    let text = |f: &Fact| f.text.clone();
    // Industries by the names the rules give them (新闻, 网络文化, …), keys for unknown ones.
    let industries = |f: &Fact| {
        let names: Vec<String> = f
            .key
            .split(',')
            .filter(|k| !k.is_empty())
            .map(|k| rules.get(k).map_or_else(|| k.to_string(), |i| format!("{}（{k}）", i.name)))
            .collect();
        if names.is_empty() { "无（一般网站）".to_string() } else { names.join("、") }
    };
    let other = |a: &str, b: &str| !a.is_empty() && !b.is_empty() && !a.contains(b) && !b.contains(a);
    let uncovered =
        |k: &str| rules.get(k).is_none_or(|industry| !filing.preapprovals.iter().any(|p| industry.is_named_by(p)));
    let always = |_: &Fact, _: &Fact| true;
    vec![
        compare(
            input,
            "change.icp_number",
            |f| f.icp_number.as_ref(),
            text,
            always,
            |after| after.key != filed_number && after.key != filed_entity,
        ),
        compare(
            input,
            "change.operator",
            |f| f.operator.as_ref(),
            text,
            |before, after| other(&before.key, &after.key),
            |after| other(&after.key, &principal),
        ),
        compare(
            input,
            "change.site_name",
            |f| f.site_name.as_ref(),
            text,
            always,
            |after| !filed_name.is_empty() && !after.key.split('|').any(|k| k.contains(&filed_name)),
        ),
        compare(
            input,
            "change.industry",
            |f| f.industries.as_ref(),
            industries,
            |before, after| {
                let had: Vec<&str> = before.key.split(',').collect();
                after.key.split(',').any(|k| !k.is_empty() && !had.contains(&k) && uncovered(k))
            },
            |after| after.key.split(',').any(|k| !k.is_empty() && uncovered(k)),
        ),
        compare(input, "change.domain", |f| f.domain.as_ref(), text, always, |after| after.key != filed_domain),
    ]
}

/// One check: the value now against the values before it, debounced over `input.scans` scans.
/// `changed` says whether two values differ in a way that matters (not the same entity written
/// otherwise); `unfiled` whether a value disagrees with the filing (a change back to what was filed, or
/// a filing changed to match, needs nothing more).
fn compare(
    input: &ChangeInput<'_>,
    id: &'static str,
    value: impl Fn(&ScanFacts) -> Option<&Fact>,
    show: impl Fn(&Fact) -> String,
    changed: impl Fn(&Fact, &Fact) -> bool,
    unfiled: impl Fn(&Fact) -> bool,
) -> Finding {
    let Some(now) = value(input.current) else {
        return Finding::inconclusive(
            id,
            "this scan could not tell (the page was not read or showed nothing of the kind)",
        );
    };
    // Reported already and still so: the same finding, with the same evidence (decisions keep holding).
    if let Some(open) = input.open.get(id)
        && open.after.as_deref() == Some(show(now).as_str())
        && let Some(before) = &open.before
    {
        return if unfiled(now) {
            Finding::fail(id).detail("the change still holds").before(before.clone()).after(show(now))
        } else {
            Finding::pass(id).detail("the filing now agrees with the page")
        };
    }
    let known: Vec<(&Fact, Option<DateTime<Utc>>)> =
        input.previous.iter().filter_map(|f| value(f).map(|v| (v, f.scanned_at))).collect();
    if known.is_empty() {
        return Finding::skipped(id, "no previous scan of this site to compare with");
    }
    let held = 1 + known.iter().take_while(|(v, _)| v.key == now.key).count();
    let Some((before, _)) = known.iter().find(|(v, _)| v.key != now.key) else {
        // No count of scans here: a result that says the same as the last one is stored once.
        return Finding::pass(id).detail("the same as in the previous scans");
    };
    if !(changed(before, now) && unfiled(now)) {
        return Finding::pass(id).detail("changed, but not in a way that needs a change filing");
    }
    let since = known.get(held.saturating_sub(2)).and_then(|(_, t)| *t).filter(|_| held > 1);
    let finding = if held < input.scans {
        Finding::pass(id).detail(format!(
            "changed in {held} of {} scans in a row; reported once it holds for {}",
            input.scans, input.scans
        ))
    } else {
        let since = since.map(|t| format!(" since {}", crate::clock::beijing_en(t))).unwrap_or_default();
        Finding::fail(id).detail(format!("changed and held for {held} scans in a row{since}"))
    };
    finding.before(show(before)).after(show(now))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(number: &str, operator: &str) -> ScanFacts {
        ScanFacts {
            scanned_at: None,
            icp_number: Some(Fact::new(number_key(number), number)),
            operator: Some(Fact::new(org_core(operator), operator)),
            site_name: Some(Fact::new(name_key("示例科技官网"), "示例科技官网")),
            industries: Some(Fact::new("", "")),
            domain: Some(Fact::new("example.cn", "example.cn")),
        }
    }

    fn record() -> FilingRecord {
        FilingRecord {
            domain: "example.cn".into(),
            site_number: "京ICP备16020626号-1".into(),
            principal: "北京示例科技有限公司".into(),
            principal_type: "企业".into(),
            site_name: "示例科技官网".into(),
            approved_on: "2024-03-01".parse().expect("date"),
            opened_on: None,
            psb_code: None,
            license: None,
            preapprovals: vec![],
            provider: None,
            filed_ips: vec![],
        }
    }

    fn outcome(current: &ScanFacts, previous: &[ScanFacts], open: &HashMap<String, Evidence>, id: &str) -> Finding {
        let rules = RuleSet::embedded();
        let filing = record();
        let input = ChangeInput { current, previous, open, filing: Some(&filing), rules: &rules, scans: 2 };
        run(&input).into_iter().find(|f| f.id == id).expect("the check")
    }

    const OLD: &str = "北京示例科技有限公司";
    const NEW: &str = "上海另一家网络有限公司";

    #[test]
    fn an_industry_the_model_alone_reads_is_no_fact_to_compare() {
        let mut r: ScanResult = serde_json::from_str(include_str!("../../tests/golden/notice.json")).expect("golden");
        r.classified.industries = vec!["news".into(), "education".into()];
        r.classified.industries_by_model = vec!["education".into()];
        let facts = ScanFacts::of(&r);
        assert_eq!(facts.industries.as_ref().map(|f| f.key.as_str()), Some("news"), "{facts:?}");
    }

    #[test]
    fn a_change_is_reported_only_once_it_holds_for_n_scans() {
        let none = HashMap::new();
        let base = facts("京ICP备16020626号-1", OLD);
        let moved = facts("京ICP备16020626号-1", NEW);
        // First scan: nothing to compare with.
        assert_eq!(outcome(&base, &[], &none, "change.operator").outcome, Outcome::Skipped);
        // The same: pass.
        assert_eq!(outcome(&base, std::slice::from_ref(&base), &none, "change.operator").outcome, Outcome::Pass);
        // Changed in one scan of two: not yet, but the evidence is there.
        let first = outcome(&moved, &[base.clone(), base.clone()], &none, "change.operator");
        assert_eq!(first.outcome, Outcome::Pass);
        assert_eq!(first.evidence.after.as_deref(), Some(NEW));
        // Held for the second scan: reported with before and after.
        let second = outcome(&moved, &[moved.clone(), base.clone()], &none, "change.operator");
        assert_eq!(second.outcome, Outcome::Fail, "{second:?}");
        assert_eq!((second.evidence.before.as_deref(), second.evidence.after.as_deref()), (Some(OLD), Some(NEW)));
        // A flap back resets the count: new, old, new is one scan of the change again.
        let flap = outcome(&moved, &[base.clone(), moved.clone(), base.clone()], &none, "change.operator");
        assert_eq!(flap.outcome, Outcome::Pass);
        // Unknown scans in between neither count nor break the run.
        let unknown = ScanFacts::default();
        let gap = outcome(&moved, &[unknown.clone(), moved.clone(), base.clone()], &none, "change.operator");
        assert_eq!(gap.outcome, Outcome::Fail);
        // This scan could not tell: inconclusive, never a change.
        assert_eq!(
            outcome(&unknown, std::slice::from_ref(&base), &none, "change.operator").outcome,
            Outcome::Inconclusive
        );
    }

    #[test]
    fn once_reported_it_holds_while_the_page_keeps_the_new_value() {
        let moved = facts("京ICP备16020626号-1", NEW);
        let open = HashMap::from([(
            "change.operator".to_string(),
            Evidence { before: Some(OLD.into()), after: Some(NEW.into()), ..Evidence::default() },
        )]);
        // The earlier scans are the new value only (the old one fell out of the window): still reported.
        let f = outcome(&moved, &[moved.clone(), moved.clone()], &open, "change.operator");
        assert_eq!(f.outcome, Outcome::Fail);
        assert_eq!(f.evidence.before.as_deref(), Some(OLD));
        // Back to the principal: no open change any more.
        let back = facts("京ICP备16020626号-1", OLD);
        assert_eq!(outcome(&back, &[moved.clone(), moved], &open, "change.operator").outcome, Outcome::Pass);
    }

    #[test]
    fn a_reported_change_ends_when_the_filing_is_changed_to_match() {
        let moved = facts("京ICP备16020626号-1", NEW);
        let open = HashMap::from([(
            "change.operator".to_string(),
            Evidence { before: Some(OLD.into()), after: Some(NEW.into()), ..Evidence::default() },
        )]);
        let rules = RuleSet::embedded();
        let filing = FilingRecord { principal: NEW.into(), ..record() };
        let previous = [moved.clone(), moved.clone()];
        let input = ChangeInput {
            current: &moved,
            previous: &previous,
            open: &open,
            filing: Some(&filing),
            rules: &rules,
            scans: 2,
        };
        let f = run(&input).into_iter().find(|f| f.id == "change.operator").expect("the check");
        assert_eq!(f.outcome, Outcome::Pass, "{f:?}");
    }

    #[test]
    fn only_material_changes_count() {
        let none = HashMap::new();
        // A wrong number corrected to the filed one is no change to file.
        let wrong = facts("京ICP备99999999号-1", OLD);
        let right = facts("京ICP备16020626号-1", OLD);
        assert_eq!(outcome(&right, &[right.clone(), wrong.clone()], &none, "change.icp_number").outcome, Outcome::Pass);
        assert_eq!(outcome(&wrong, &[wrong.clone(), right.clone()], &none, "change.icp_number").outcome, Outcome::Fail);
        // The same entity written differently is no change of operator; a change to the principal neither.
        let spelled = facts("京ICP备16020626号-1", "北京示例科技");
        assert_eq!(
            outcome(&spelled, &[spelled.clone(), right.clone()], &none, "change.operator").outcome,
            Outcome::Pass
        );
        let other = facts("京ICP备16020626号-1", NEW);
        assert_eq!(outcome(&right, &[right.clone(), other], &none, "change.operator").outcome, Outcome::Pass);
    }
}
