//! The check catalogue's logic (spec §4): pure functions from what was fetched and read, the filing
//! record, the date and the rules to [`Finding`]s. One file per family.

mod change;
mod content;
mod copyright;
mod filing;
mod finding;
mod hidden;
mod hosting;
mod icp;
mod license;
mod links;
mod psb;
mod site;

use chrono::NaiveDate;

pub use change::{CHANGE_CHECK_IDS, ChangeInput, Fact, ScanFacts};
pub use content::scope_limited;
pub use finding::{Evidence, Finding, Outcome};
use links::link_findings;
pub use links::{LinkClass, classify_icp_link, classify_psb_link};

use crate::classify::Classification;
use crate::extract::PageFacts;
use crate::filing::FilingRecord;
use crate::net::DnsAnswer;
use crate::net::{FetchError, Redirect};
use crate::rules::{Province, RuleSet};

/// Every check id the program knows; `rules/checks.toml` must describe exactly these.
pub const ALL_CHECK_IDS: &[&str] = &[
    "site.unreachable",
    "site.blocked",
    "site.placeholder",
    "site.redirect_offsite",
    "hosting.no_address",
    "hosting.off_provider",
    "hosting.ip_changed",
    "icp.missing",
    "icp.not_in_footer",
    "icp.placeholder",
    "icp.mismatch",
    "icp.site_number_missing",
    "icp.format",
    "icp.link.missing",
    "icp.link.outdated",
    "icp.link.wrong",
    "license.missing",
    "copyright.missing",
    "psb.missing",
    "psb.pending",
    "psb.mismatch",
    "psb.prefix_mismatch",
    "psb.format",
    "psb.link.missing",
    "psb.link.outdated",
    "psb.link.wrong",
    "content.title_mismatch",
    "content.operator_mismatch",
    "content.preapproval",
    "content.commercial",
    "content.personal_scope",
    "filing.name_invalid",
    "icp.hidden",
    "psb.hidden",
    "change.icp_number",
    "change.operator",
    "change.site_name",
    "change.industry",
    "change.domain",
];

/// How far the fetch got.
#[derive(Debug, Clone, Copy)]
pub enum PageState<'a> {
    /// A final response came back (2xx, or an error status with a body).
    Fetched { final_url: &'a str, redirects: &'a [Redirect] },
    /// No usable page: the fetch error says why.
    Failed { error: &'a FetchError, redirects: &'a [Redirect] },
}

/// Everything one scan's checks look at.
#[derive(Debug, Clone, Copy)]
pub struct CheckInput<'a> {
    /// The scanned host, ASCII.
    pub host: &'a str,
    pub url: &'a str,
    pub page: PageState<'a>,
    /// `None` when the page could not be read.
    pub facts: Option<&'a PageFacts>,
    /// What the page is (placeholder, interception, industries, …); `None` when it could not be read.
    pub classification: Option<&'a Classification>,
    /// The scanned host's answer first, then its `www.`/apex sibling's; empty for an IP target.
    pub dns: &'a [DnsAnswer],
    pub filing: Option<&'a FilingRecord>,
    pub today: NaiveDate,
    pub rules: &'a RuleSet,
    /// The page was rendered (laid out by a browser), so visibility is known.
    pub rendered: bool,
    /// Why the page cannot be judged although it was fetched (it needs rendering and rendering was
    /// not possible): every check of the page is then inconclusive with this reason.
    pub unreadable: Option<&'a str>,
}

impl CheckInput<'_> {
    /// Why checks of the page are inconclusive when there are no facts.
    pub(crate) fn no_page(&self) -> &str {
        self.unreadable.unwrap_or(NO_PAGE)
    }

    /// The province whose rules apply: the filing's ([`filing_province`]), else that of the number the page shows
    /// (a scan of a site with no filing, or a filing whose numbers name none).
    pub(crate) fn province(&self) -> Option<&Province> {
        let from_page = || {
            let c = self.facts?.icp.iter().filter(|f| f.in_footer).find_map(|f| f.parsed().and_then(|n| n.prefix))?;
            self.rules.provinces.by_icp_char(c)
        };
        self.filing.and_then(|f| filing_province(f, self.rules)).or_else(from_page)
    }
}

/// The province a filing belongs to, from the filing alone: its site number's leading character, else its licence's,
/// else its 公网安备 code's division (docs/filings.md). One answer for the checks, the leads and the store's column.
pub fn filing_province<'r>(filing: &FilingRecord, rules: &'r RuleSet) -> Option<&'r Province> {
    let by_number = |n: Option<crate::filing::IcpNumber>| rules.provinces.by_icp_char(n?.prefix?);
    by_number(filing.site_number())
        .or_else(|| by_number(filing.license_number()))
        .or_else(|| rules.provinces.by_code(filing.psb()?.province_code()))
}

/// Runs every check, in catalogue order.
pub fn run(input: &CheckInput<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    site::run(input, &mut out);
    hosting::run(input, &mut out);
    // An interception, WAF or CDN error page is not the site: nothing on it is judged.
    let blocked = input.classification.and_then(|c| c.blocked.as_deref());
    out.push(match blocked {
        Some(id) => Finding::inconclusive("site.blocked", &format!("interception or error page ({id})")),
        None if input.classification.is_some() => Finding::pass("site.blocked"),
        None => Finding::skipped("site.blocked", NO_PAGE),
    });
    let judged = blocked.is_none() && input.unreadable.is_none();
    let page_input = CheckInput {
        facts: if judged { input.facts } else { None },
        classification: if judged { input.classification } else { None },
        ..*input
    };
    content::run(&page_input, &mut out);
    icp::run(&page_input, &mut out);
    license::run(&page_input, &mut out);
    copyright::run(&page_input, &mut out);
    psb::run(&page_input, &mut out);
    hidden::run(&page_input, &mut out);
    filing::run(input, &mut out);
    // One scan alone knows no history: the daemon (and `scan` with a store) compares with the
    // previous scans and replaces these (`run_changes`).
    out.extend(CHANGE_CHECK_IDS.map(|id| Finding::skipped(id, NO_HISTORY)));
    out
}

/// The `change.*` checks against the site's previous scans.
pub fn run_changes(input: &ChangeInput<'_>) -> Vec<Finding> {
    change::run(input)
}

pub(crate) const NO_PAGE: &str = "the homepage could not be read";
pub(crate) const NO_FILING: &str = "no filing record for this domain";
pub(crate) const NO_HISTORY: &str = "no previous scans here to compare with (the daemon compares with the store's)";
