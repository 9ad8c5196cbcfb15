//! `icp-patrol rules check [DIR]`.

use std::path::Path;

use crate::rules::RuleSet;

pub(super) fn check(dir: &Path) -> anyhow::Result<u8> {
    match RuleSet::load(dir) {
        Ok(rules) => {
            println!(
                "{}: ok ({} provinces, {} checks, rules {})",
                dir.display(),
                rules.provinces.all().len(),
                rules.catalogue.ids().count(),
                &rules.digest[..12]
            );
            Ok(0)
        }
        Err(errors) => {
            for e in &errors.0 {
                eprintln!("{e}");
            }
            eprintln!("{}: {} error(s)", dir.display(), errors.0.len());
            Ok(1)
        }
    }
}
