//! The scan result as documented: schema `icp-patrol/scan/v1` (spec §3, `docs/scan-v1.schema.json`).
//! Adding a field keeps v1; renaming or removing one makes v2.

use std::net::IpAddr;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::checks::{Evidence, Outcome};
use crate::extract::{CopyrightFact, IcpFact, PsbFact};
use crate::filing::FilingRecord;
use crate::net::DnsAnswer;
use crate::net::{FetchError, Redirect};
use crate::render::{RenderMode, RenderReason, RenderStatus, RequestCounts, Screenshot, ScreenshotInfo};
use crate::rules::{NoticeKind, Severity};
use crate::verdict::Verdict;

pub const SCHEMA: &str = "icp-patrol/scan/v1";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScanResult {
    pub schema: String,
    pub versions: Versions,
    /// The scanned host (ASCII).
    pub domain: String,
    pub scanned_at: DateTime<Utc>,
    /// The date the date rules counted from (Asia/Shanghai).
    pub today: NaiveDate,
    pub filing: Option<FilingRecord>,
    pub dns: DnsInfo,
    pub fetch: FetchInfo,
    /// Which page was judged (the served HTML, or the DOM a browser built from it) and why.
    #[serde(default)]
    pub render: RenderInfo,
    pub extracted: Extracted,
    pub classified: Classified,
    pub checks: Vec<CheckResult>,
    pub verdict: Verdict,
    pub notice_drafts: Vec<NoticeDraft>,
    /// The screenshots' bytes, stored beside the result (their digests are in `render`).
    #[serde(skip)]
    pub screenshots: Vec<Screenshot>,
}

/// Whether the page was rendered, why, and how it went.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenderInfo {
    pub mode: RenderMode,
    /// `static` (the HTML as served) or `rendered` (the DOM after the page's scripts ran).
    pub judged: JudgedPage,
    /// Why rendering was used (or needed): `always`, `app_root`, `script_body`, `noscript`,
    /// `script_loaded_fragment`; `null` for a static page that needed none.
    pub reason: Option<RenderReason>,
    /// How the render went; `null` when none was tried.
    pub outcome: Option<RenderStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    pub elapsed_ms: u64,
    pub requests: RequestCounts,
    pub screenshots: Vec<ScreenshotInfo>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JudgedPage {
    #[default]
    Static,
    Rendered,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Versions {
    pub scanner: String,
    /// SHA-256 of the rule files.
    pub rules: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DnsInfo {
    pub addresses: Vec<IpAddr>,
    pub cnames: Vec<String>,
    pub error: Option<FetchError>,
    /// The addresses came from `--resolve`/`--connect-to`, not from DNS.
    #[serde(default)]
    pub overridden: bool,
    /// The `www.`/apex sibling of the scanned host, resolved too.
    #[serde(default)]
    pub related: Vec<DnsAnswer>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FetchInfo {
    pub url: String,
    pub final_url: Option<String>,
    pub status: Option<u16>,
    pub redirects: Vec<Redirect>,
    pub encoding: Option<String>,
    pub bytes: u64,
    pub sha256: Option<String>,
    pub elapsed_ms: u64,
    pub error: Option<FetchError>,
    /// The address the final response came from.
    #[serde(default)]
    pub remote_address: Option<std::net::SocketAddr>,
    /// Why `https://` was given up for `http://`, when it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub https_error: Option<FetchError>,
    /// Seconds a rate-limiting server asked to be left alone (`Retry-After` of a 429 or 503).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_secs: Option<u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Extracted {
    pub title: Option<String>,
    pub og_site_name: Option<String>,
    pub heading: Option<String>,
    pub logo_alt: Option<String>,
    pub icp: Vec<IcpFact>,
    pub psb: Vec<PsbFact>,
    pub copyright: Vec<CopyrightFact>,
    pub footer_text: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Classified {
    pub placeholder: Option<String>,
    pub industries: Vec<String>,
    /// Those of `industries` the industry model alone shows (no rule's evidence): leads for a reviewer, not facts a
    /// change notice compares.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub industries_by_model: Vec<String>,
    pub commercial: bool,
    pub site_names: Vec<String>,
    pub operator: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckResult {
    pub id: String,
    pub outcome: Outcome,
    pub severity: Severity,
    pub notice: NoticeKind,
    pub message: String,
    pub message_en: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    pub evidence: Evidence,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeDraft {
    pub kind: NoticeKind,
    pub deadline: NaiveDate,
    /// Why the deadline needs a reviewer's look: a year missing from or provisional in
    /// `rules/holidays.toml`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline_warning: Option<String>,
    pub text: String,
}

impl ScanResult {
    pub fn exit_code(&self) -> u8 {
        self.verdict.status.exit_code()
    }
}
