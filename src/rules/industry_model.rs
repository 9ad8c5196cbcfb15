//! `industry_model.tsv`: a linear model of the pre-approval industries over a page's words, trained on the corpus's
//! `dev` pages by `tests/model/train_industry_model.py`. This module owns reading and checking the file; how a page
//! is cut into the model's features and scored is `classify::industry_model`'s.
//!
//! The file is tab-separated, one record a line, `#` starting a comment line:
//!
//! ```text
//! industries  news  publishing  …          the industries the columns below are, each a key of preapproval.toml
//! threshold   0.5                          the probability from which the model shows an industry
//! bias        -2.91  -4.02  …              one per industry
//! b:记者       1.07   0  …                  a feature (namespace `:` token) and its weight per industry
//! ```
//!
//! The file is optional: a rules directory without it (one exported before the model existed) reads industries by the
//! rules alone.

use std::path::Path;

use rustc_hash::FxHashMap;

use super::RuleError;

/// Where in the page a feature's token stands, by its namespace, with the word a reviewer reads: its names (title,
/// og:site_name, main heading, logo alt, brand), its navigation's items, its headings, its body text, and the
/// schema.org types it declares.
pub const FEATURE_NAMESPACES: [(&str, &str); 5] = [
    (namespace::NAME, "name"),
    (namespace::MENU, "menu"),
    (namespace::HEADING, "heading"),
    (namespace::TEXT, "text"),
    (namespace::DECLARED, "declared type"),
];

/// The namespaces of [`FEATURE_NAMESPACES`] by name.
pub mod namespace {
    pub const NAME: &str = "n";
    pub const MENU: &str = "a";
    pub const HEADING: &str = "h";
    pub const TEXT: &str = "b";
    pub const DECLARED: &str = "s";
}

/// The model as loaded: per feature, one weight per industry.
#[derive(Debug, Clone)]
pub struct IndustryModel {
    pub industries: Vec<String>,
    /// The line of the `industries` record, where an error about one of them points.
    pub(crate) industries_line: usize,
    pub threshold: f64,
    pub bias: Vec<f64>,
    /// Feature ids by their name (`b:记者`).
    ids: FxHashMap<Box<str>, u32>,
    /// Feature names by id.
    names: Vec<Box<str>>,
    /// `names.len() × industries.len()`, a feature's weights together.
    weights: Vec<f32>,
}

impl IndustryModel {
    /// The id of a feature, when the model knows it.
    pub fn id(&self, feature: &str) -> Option<u32> {
        self.ids.get(feature).copied()
    }

    /// A feature's name (`b:记者`).
    pub fn name(&self, id: u32) -> &str {
        &self.names[id as usize]
    }

    /// A feature's weights, one per industry in the order of [`Self::industries`].
    pub fn weights(&self, id: u32) -> &[f32] {
        let k = self.industries.len();
        &self.weights[id as usize * k..(id as usize + 1) * k]
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Reads the file's text; every malformed line is an error naming its line and field.
    pub fn parse(path: &Path, text: &str, errors: &mut Vec<RuleError>) -> Option<Self> {
        let before = errors.len();
        let error =
            |line: usize, column: usize, message: String| RuleError { file: path.to_path_buf(), line, column, message };
        let mut industries: Option<Vec<String>> = None;
        let mut threshold = None;
        let mut bias: Option<Vec<f64>> = None;
        let mut model = IndustryModel {
            industries: Vec::new(),
            industries_line: 0,
            threshold: 0.5,
            bias: Vec::new(),
            ids: FxHashMap::default(),
            names: Vec::new(),
            weights: Vec::new(),
        };
        for (i, line) in text.lines().enumerate() {
            let number = i + 1;
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let mut fields = line.split('\t');
            let head = fields.next().unwrap_or_default();
            let rest: Vec<&str> = fields.collect();
            // The column (1-based, in characters) where field `f` of `rest` begins.
            let column_of = |f: usize| {
                let offset: usize = head.len() + 1 + rest[..f].iter().map(|r| r.len() + 1).sum::<usize>();
                line[..offset.min(line.len())].chars().count() + 1
            };
            let numbers = |errors: &mut Vec<RuleError>| -> Option<Vec<f64>> {
                let mut out = Vec::with_capacity(rest.len());
                for (f, field) in rest.iter().enumerate() {
                    // Finite as f32, as the weights are stored: 1e39 is not, and would read as infinite.
                    match field.trim().parse::<f32>() {
                        Ok(v) if v.is_finite() => out.push(f64::from(v)),
                        _ => {
                            errors.push(error(number, column_of(f), format!("`{field}` is not a finite number")));
                            return None;
                        }
                    }
                }
                Some(out)
            };
            match head {
                "industries" => {
                    let named: Vec<String> = rest.iter().map(|s| s.trim().to_string()).collect();
                    let twice = named.iter().enumerate().find(|(i, k)| named[..*i].contains(k)).map(|(i, _)| i);
                    if industries.is_some() {
                        errors.push(error(number, 1, "a second `industries` line".into()));
                    } else if named.is_empty() {
                        errors.push(error(number, 1, "`industries` names no industry".into()));
                    } else if let Some(i) = twice {
                        errors.push(error(number, column_of(i), format!("`{}` named twice", named[i])));
                    } else {
                        industries = Some(named);
                        model.industries_line = number;
                    }
                }
                _ if industries.is_none() => {
                    errors.push(error(number, 1, format!("`{head}` before the `industries` line")));
                    break;
                }
                "threshold" if threshold.is_some() => errors.push(error(number, 1, "a second `threshold` line".into())),
                "bias" if bias.is_some() => errors.push(error(number, 1, "a second `bias` line".into())),
                "threshold" => match numbers(errors).as_deref() {
                    Some([t]) if *t > 0.0 && *t < 1.0 => threshold = Some(*t),
                    Some(_) => {
                        errors.push(error(number, 1, "`threshold` takes one probability between 0 and 1".into()))
                    }
                    None => {}
                },
                "bias" => {
                    let k = industries.as_ref().map_or(0, Vec::len);
                    match numbers(errors) {
                        Some(b) if b.len() == k => bias = Some(b),
                        Some(b) => {
                            errors.push(error(number, 1, format!("`bias` has {} values for {k} industries", b.len())))
                        }
                        None => {}
                    }
                }
                feature => {
                    let k = industries.as_ref().map_or(0, Vec::len);
                    if let Err(why) = check_feature(feature) {
                        errors.push(error(number, 1, why));
                        continue;
                    }
                    let Some(w) = numbers(errors) else { continue };
                    if w.len() != k {
                        errors.push(error(
                            number,
                            1,
                            format!("`{feature}` has {} weights for {k} industries", w.len()),
                        ));
                        continue;
                    }
                    if model.ids.contains_key(feature) {
                        errors.push(error(number, 1, format!("`{feature}` listed twice")));
                        continue;
                    }
                    let id = u32::try_from(model.names.len()).unwrap_or(u32::MAX);
                    model.ids.insert(feature.into(), id);
                    model.names.push(feature.into());
                    model.weights.extend(w.iter().map(|v| *v as f32));
                }
            }
        }
        let line_count = text.lines().count().max(1);
        match (industries, threshold, bias) {
            (Some(industries), Some(threshold), Some(bias)) if errors.len() == before => {
                model.industries = industries;
                model.threshold = threshold;
                model.bias = bias;
                Some(model)
            }
            (industries, threshold, bias) => {
                for (missing, what) in
                    [(industries.is_none(), "industries"), (threshold.is_none(), "threshold"), (bias.is_none(), "bias")]
                {
                    if missing && errors.len() == before {
                        errors.push(error(line_count, 1, format!("no `{what}` line")));
                    }
                }
                None
            }
        }
    }
}

/// Whether a feature's name is one a page could show: a known namespace, and a token as a page's text gives them
/// (`crate::tokens`; a declared type is lower case, without white space).
fn check_feature(feature: &str) -> Result<(), String> {
    let Some((ns, token)) = feature
        .split_once(':')
        .filter(|(ns, token)| FEATURE_NAMESPACES.iter().any(|(known, _)| known == ns) && !token.is_empty())
    else {
        let namespaces = FEATURE_NAMESPACES.map(|(ns, _)| ns).join(", ");
        return Err(format!("`{feature}` is not a feature (namespace:token, the namespace one of {namespaces})"));
    };
    let matchable = match ns {
        namespace::DECLARED => !token.chars().any(|c| c.is_whitespace() || c.is_uppercase()),
        _ => crate::tokens::is_token(token),
    };
    if !matchable {
        return Err(format!("`{feature}` could never match (no page's text gives this token)"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Result<IndustryModel, Vec<String>> {
        let mut errors = Vec::new();
        let model = IndustryModel::parse(Path::new("rules/industry_model.tsv"), text, &mut errors);
        model.ok_or_else(|| errors.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn a_model_reads_its_weights_by_feature() {
        let model = parsed("# a comment\nindustries\tnews\tbulletin\nthreshold\t0.5\nbias\t-2\t-3.5\nb:记者\t1.25\t0\na:回复\t0\t0.75\n")
            .expect("valid");
        assert_eq!(model.industries, ["news", "bulletin"]);
        assert_eq!(model.bias, [-2.0, -3.5]);
        let id = model.id("a:回复").expect("known");
        assert_eq!(model.weights(id), [0.0, 0.75]);
        assert_eq!(model.name(id), "a:回复");
        assert_eq!(model.id("b:回复"), None);
        assert_eq!(model.len(), 2);
    }

    #[test]
    fn malformed_lines_are_named_by_line_and_field() {
        let errors = parsed(
            "industries\tnews\tbulletin\nthreshold\t0.5\nbias\t-2\t-3\nb:记者\t1.2\tx\nq:foo\t1\t1\nb:版块\t1\n",
        )
        .expect_err("malformed");
        assert!(errors.iter().any(|e| e.starts_with("rules/industry_model.tsv:4:") && e.contains("`x`")), "{errors:?}");
        assert!(errors.iter().any(|e| e.contains(":5:1:") && e.contains("`q:foo` is not a feature")), "{errors:?}");
        assert!(errors.iter().any(|e| e.contains(":6:1:") && e.contains("1 weights for 2 industries")), "{errors:?}");
        let errors = parsed("industries\tnews\nthreshold\t1.5\nbias\t0\n").expect_err("threshold");
        assert!(errors.iter().any(|e| e.contains(":2:1:") && e.contains("between 0 and 1")), "{errors:?}");
        let errors = parsed("industries\tnews\nbias\t0\n").expect_err("no threshold");
        assert!(errors.iter().any(|e| e.contains("no `threshold` line")), "{errors:?}");
        let errors = parsed("bias\t0\n").expect_err("order");
        assert!(errors.iter().any(|e| e.contains(":1:1:") && e.contains("before the `industries` line")), "{errors:?}");
    }

    #[test]
    fn input_that_would_be_read_silently_is_refused() {
        let model = "industries\tnews\tnews\nthreshold\t0.5\nthreshold\t0.6\nbias\t0\t0\nb:记者\t1e39\t0\nb:Radio\t1\t1\nb:a b\t1\t1\n";
        let errors = parsed(model).expect_err("silent input");
        assert!(errors.iter().any(|e| e.contains(":1:17:") && e.contains("`news` named twice")), "{errors:?}");
        let model = "industries\tnews\nthreshold\t0.5\nthreshold\t0.6\nbias\t0\nb:记者\t1e39\nb:Radio\t1\nb:a b\t1\n\
                     bias\t1\nb:a\t1\nb:2024\t1\nb:新闻中心\t1\ns:Hospital\t1\n";
        let errors = parsed(model).expect_err("silent input");
        assert!(errors.iter().any(|e| e.contains(":3:1:") && e.contains("a second `threshold`")), "{errors:?}");
        assert!(errors.iter().any(|e| e.contains(":5:") && e.contains("`1e39` is not a finite number")), "{errors:?}");
        assert!(errors.iter().any(|e| e.contains(":8:1:") && e.contains("a second `bias`")), "{errors:?}");
        for line in [6, 7, 9, 10, 11, 12] {
            let at = format!(":{line}:1:");
            assert!(errors.iter().any(|e| e.contains(&at) && e.contains("could never match")), "{line}: {errors:?}");
        }
    }

    #[test]
    fn a_feature_listed_twice_is_an_error() {
        let errors = parsed("industries\tnews\nthreshold\t0.5\nbias\t0\nb:记者\t1\nb:记者\t2\n").expect_err("twice");
        assert!(errors.iter().any(|e| e.contains(":5:1:") && e.contains("listed twice")), "{errors:?}");
    }
}
