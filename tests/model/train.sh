#!/bin/sh
# Retrains rules/industry_model.tsv on the corpus's dev pages (tests/model/train_industry_model.py says how) and
# prints the grouped cross-validation on dev. Needs python3 with venv, and PyPI for the first run. The pages are read
# by the rules without the model (`RuleSet::embedded_without_industry_model`), so a model file written for other
# features is no obstacle, and the file is replaced only once the new one is written whole.
set -eu
cd "$(dirname "$0")/../.."
venv=target/model-venv
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q numpy==2.4.6 scipy==1.17.1 scikit-learn==1.9.1
fi
mkdir -p target
features="$PWD/target/model-dev-features.jsonl"
ICP_PATROL_CORPUS_FEATURES="$features" cargo test --locked --test it dev_features_for_the_industry_model -- --ignored --quiet
"$venv/bin/python" tests/model/train_industry_model.py "$features" > target/industry_model.tsv.new
mv target/industry_model.tsv.new rules/industry_model.tsv
