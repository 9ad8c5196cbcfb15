//! `site.unreachable` and `site.redirect_offsite`.

use super::{CheckInput, Finding, PageState};
use crate::domain::registrable_domain;

pub(super) fn run(input: &CheckInput<'_>, out: &mut Vec<Finding>) {
    out.push(match input.page {
        PageState::Fetched { final_url, .. } => Finding::pass("site.unreachable").found(final_url.to_string()),
        PageState::Failed { error, .. } if error.kind.means_unreachable() => Finding::fail("site.unreachable")
            .detail(format!("{:?}: {}", error.kind, error.detail))
            .found(error.detail.clone()),
        PageState::Failed { error, .. } => {
            Finding::inconclusive("site.unreachable", &format!("not decided ({:?}): {}", error.kind, error.detail))
        }
    });
    out.push(redirect_offsite(input));
}

fn redirect_offsite(input: &CheckInput<'_>) -> Finding {
    const ID: &str = "site.redirect_offsite";
    let (final_url, redirects) = match input.page {
        PageState::Fetched { final_url, redirects } => (final_url, redirects),
        PageState::Failed { redirects, .. } if !redirects.is_empty() => {
            (redirects.last().map_or("", |r| r.to.as_str()), redirects)
        }
        PageState::Failed { .. } => return Finding::skipped(ID, "no response to follow"),
    };
    let final_host = url::Url::parse(final_url).ok().and_then(|u| u.host_str().map(str::to_string)).unwrap_or_default();
    let mut finding = if registrable_domain(&final_host) == registrable_domain(input.host) {
        Finding::pass(ID)
    } else {
        Finding::fail(ID).detail(format!("ends on {final_host}")).expected(input.host.to_string()).found(final_host)
    };
    finding.evidence.url = Some(final_url.to_string());
    finding.evidence.redirects = redirects.to_vec();
    finding
}
