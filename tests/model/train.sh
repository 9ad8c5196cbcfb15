#!/bin/sh
# Retrains rules/industry_model.tsv on the corpus's dev pages (tests/model/train_industry_model.py says how) and
# prints the grouped cross-validation on dev. Needs python3 with venv, and PyPI for the first run.
set -eu
cd "$(dirname "$0")/../.."
venv=target/model-venv
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q numpy==2.4.6 scipy==1.17.1 scikit-learn==1.9.1
fi
features="$PWD/target/model-dev-features.jsonl"
# The features do not depend on the model, and a model written for other features may no longer load: the pages are
# read with an empty one. Whatever fails on the way, the model that was there is put back.
mkdir -p target
backup=target/industry_model.tsv.before
cp rules/industry_model.tsv "$backup"
trap 'if [ -f "$backup" ]; then mv "$backup" rules/industry_model.tsv; fi' EXIT
printf 'industries\tnews\nthreshold\t0.5\nbias\t-20\n' > rules/industry_model.tsv
ICP_PATROL_CORPUS_FEATURES="$features" cargo test --locked --test it dev_features_for_the_industry_model -- --quiet
"$venv/bin/python" tests/model/train_industry_model.py "$features" > target/industry_model.tsv.new
mv target/industry_model.tsv.new rules/industry_model.tsv
rm "$backup"
