//! icp-patrol: checks that websites filed under an ICP filing stay compliant.
//!
//! The pipeline of one scan (see `ARCHITECTURE.md`):
//!
//! ```text
//! target ─▶ fetch (vetted addresses, capped, redirects recorded) ─▶ decode (charset)
//!        ─▶ extract (footer, numbers, links, copyright: pure) ─▶ checks (pure, date passed in)
//!        ─▶ verdict (notice > inconclusive > no_record > pending > compliant) ─▶ result (schema scan/v1)
//! ```
//!
//! `filing` holds the record and its identifiers, `rules` the data under `rules/`, `engine` runs one
//! scan, `farm` serves sample sites on loopback for the demo and the tests, `cli` wires commands.

pub mod alert;
pub mod checks;
pub mod classify;
pub mod cli;
pub mod clock;
pub mod config;
pub mod console;
pub mod desk;
pub mod dns;
pub mod domain;
pub mod engine;
pub mod explain;
pub mod extract;
pub mod farm;
pub mod fetch;
pub mod filing;
pub mod net;
pub mod notice;
pub mod page_read;
pub mod readers;
pub mod render;
pub mod report;
pub mod result;
pub mod rules;
pub mod scheduler;
pub mod state;
pub mod store;
pub mod text;
pub mod tokens;
pub mod verdict;

/// Installs the one TLS crypto provider (aws-lc-rs) process-wide; safe to call more than once.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
}
