#!/usr/bin/env python3
"""Trains rules/industry_model.tsv: one logistic regression per pre-approval industry over a page's features.

Input: the JSON lines the corpus test writes for the `dev` pages only (tests/model/train.sh runs it):
{"case": "c0123", "repo": "owner/name", "industries": [...], "rules": [...], "features": ["b:记者", ...]}
`industries` are the labels, `rules` what the rules alone found. `test` pages never reach this script.

Prints to stderr the grouped cross-validation on `dev` (five folds, no repository in two folds: a page's
neighbours from its own repository would flatter the model) with the rules and the model together, then writes
the model, trained on every `dev` page, to stdout.
"""
import collections
import json
import sys

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

INDUSTRIES = ["news", "publishing", "medical_drugs", "culture", "broadcast", "education", "healthcare",
              "ride_hailing", "bulletin"]
# A word must be seen in pages of this many repositories to be a feature: a word of one site's pages is that
# site's, not its industry's.
MIN_REPOSITORIES = 5
# Inverse regularisation strength (L2), chosen by the cross-validation below.
C = 0.3
# The logistic boundary, not tuned: the model shows an industry it finds more likely than not.
THRESHOLD = 0.5
# Weights smaller than this are left out of the file (they move no page's probability by 1%).
PRUNE = 0.01


def read(path):
    cases = [json.loads(line) for line in open(path, encoding="utf-8")]
    return sorted(cases, key=lambda c: c["case"])


def vocabulary(cases):
    seen = collections.defaultdict(set)
    for c in cases:
        for f in c["features"]:
            seen[f].add(c["repo"])
    return {f: i for i, f in enumerate(sorted(f for f, repos in seen.items() if len(repos) >= MIN_REPOSITORIES))}


def matrix(cases, vocab):
    rows, cols = [], []
    for i, c in enumerate(cases):
        for f in c["features"]:
            j = vocab.get(f)
            if j is not None:
                rows.append(i)
                cols.append(j)
    return csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(cases), len(vocab)))


def fit(cases):
    vocab = vocabulary(cases)
    x = matrix(cases, vocab)
    models = {}
    for key in INDUSTRIES:
        y = np.array([key in c["industries"] for c in cases])
        m = LogisticRegression(C=C, solver="liblinear", max_iter=5000, random_state=0)
        models[key] = m.fit(x, y)
    return vocab, models


def figures(cases, probabilities, threshold=THRESHOLD):
    tp = fp = fn = added = added_right = 0
    for i, c in enumerate(cases):
        want = set(c["industries"]) & set(INDUSTRIES)
        rules = set(c["rules"]) & set(INDUSTRIES)
        model = {k for k in INDUSTRIES if probabilities[k][i] >= threshold} - rules
        got = rules | model
        tp, fp, fn = tp + len(got & want), fp + len(got - want), fn + len(want - got)
        added, added_right = added + len(model), added_right + len(model & want)
    return (f"P {tp / max(tp + fp, 1):.3f} R {tp / max(tp + fn, 1):.3f} (tp {tp} fp {fp} fn {fn}; "
            f"the model adds {added}, {added_right} right)")


def main():
    cases = read(sys.argv[1])
    groups = [c["repo"] for c in cases]
    held_out = {k: np.zeros(len(cases)) for k in INDUSTRIES}
    for train, test in GroupKFold(n_splits=5).split(cases, groups=groups):
        vocab, models = fit([cases[i] for i in train])
        x = matrix([cases[i] for i in test], vocab)
        for k in INDUSTRIES:
            held_out[k][test] = models[k].predict_proba(x)[:, 1]
    none = {k: np.zeros(len(cases)) for k in INDUSTRIES}
    print(f"dev, {len(cases)} pages, rules alone:      {figures(cases, none)}", file=sys.stderr)
    for threshold in (0.5, 0.6, 0.7, 0.8, 0.9):
        print(f"dev, grouped 5-fold, rules and model from {threshold}: {figures(cases, held_out, threshold)}", file=sys.stderr)
    vocab, models = fit(cases)
    weights = np.array([models[k].coef_[0] for k in INDUSTRIES]).T
    out = sys.stdout
    out.write("# The industry model: one logistic regression per industry over a page's features (src/classify/industry_model.rs),\n")
    out.write(f"# trained by tests/model/train.sh on the corpus's {len(cases)} dev pages (C={C}, L2; a feature seen in\n")
    out.write(f"# {MIN_REPOSITORIES} repositories at least; weights below {PRUNE} left out). Generated: edit the script, not this file.\n")
    out.write("industries\t" + "\t".join(INDUSTRIES) + "\n")
    out.write(f"threshold\t{THRESHOLD}\n")
    out.write("bias\t" + "\t".join(f"{models[k].intercept_[0]:.4f}" for k in INDUSTRIES) + "\n")
    kept = 0
    for feature, j in sorted(vocab.items()):
        row = weights[j]
        if np.abs(row).max() < PRUNE:
            continue
        kept += 1
        out.write(feature + "\t" + "\t".join("0" if abs(w) < PRUNE else f"{w:.3f}" for w in row) + "\n")
    print(f"{kept} of {len(vocab)} features written", file=sys.stderr)


if __name__ == "__main__":
    main()
