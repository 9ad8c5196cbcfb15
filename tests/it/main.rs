//! One integration binary: the site farm on loopback, real HTTP, the real scan path.

mod alerts;
mod changes;
mod checks_content;
mod checks_icp;
mod checks_psb;
mod checks_site;
mod cli;
mod console;
mod console_browser;
mod corpus_content;
mod corpus_footers;
mod corpus_split;
mod daemon;
mod db;
mod dns_server;
mod fetching;
mod golden;
mod hostile_input;
mod hosting;
mod layering;
mod precheck;
mod render;
mod reports;
mod store;
mod support;
