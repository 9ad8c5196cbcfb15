#!/usr/bin/env bash
# Runs every fuzz target for a fixed time each (default 60 s), seeded from the repository's fixtures.
#   fuzz/run.sh [SECONDS] [TARGET...]
# Needs cargo-fuzz (`cargo install cargo-fuzz`) and a nightly compiler, or the stable one with
# RUSTC_BOOTSTRAP=1 (then `-s none`: no sanitizer). Crashes land in fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(icp_number psb_code decode page rules filings config)
root=..

# Seeds: one file per fixture; targets that read a selector byte get it in front.
seed() { # target selector-byte-or-empty file...
    local target=$1 sel=$2
    shift 2
    mkdir -p "corpus/$target"
    for f in "$@"; do
        local out
        out="corpus/$target/seed-$(sha256sum "$f" | cut -c1-16)"
        if [ -n "$sel" ]; then { printf "\\x$sel"; cat "$f"; } > "$out"; else cp "$f" "$out"; fi
    done
}
pages=("$root"/tests/fixtures/*/*/page.html)
seed page "" "${pages[@]}"
seed decode 00 "${pages[@]}"
for t in icp_number psb_code; do
    mkdir -p "corpus/$t"
    # The numbers the footer corpus is labelled with, one seed each.
    grep -rhoE '"[^"]*(ICP|公网安备|B2-)[^"]*"' "$root"/tests/fixtures/footers/*/expect.json | tr -d '"' | sort -u |
        while read -r n; do printf '%s' "$n" > "corpus/$t/seed-$(printf '%s' "$n" | sha256sum | cut -c1-16)"; done
done
seed filings 00 "$root"/deploy/demo/filings.csv
seed config "" "$root"/deploy/icp-patrol.toml
i=0
for f in provinces checks placeholders preapproval commercial naming; do
    seed rules "0$i" "$root/rules/$f.toml"
    i=$((i + 1))
done
seed rules 06 "$root"/rules/providers/example.toml

flags=()
if ! rustc --version | grep -q nightly; then
    export RUSTC_BOOTSTRAP=1
    flags=(-s none)
fi
# Build first, loudly: a target that no longer compiles must not pass for one that found nothing.
for t in "${targets[@]}"; do
    cargo fuzz build "${flags[@]}" "$t" || { echo "fuzz/run.sh: $t does not build" >&2; exit 1; }
done
for t in "${targets[@]}"; do
    echo "== $t (${secs}s)"
    cargo fuzz run "${flags[@]}" "$t" "corpus/$t" -- -max_total_time="$secs" -timeout=10 -rss_limit_mb=4096 \
        -max_len=1048576 2>&1 | grep -E "^#[0-9]+.*(DONE|pulse)|Done [0-9]+ runs|ERROR|SUMMARY|panicked|slow-unit|Test unit written" || true
done
