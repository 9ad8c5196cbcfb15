#!/usr/bin/env bash
# The daemon as users run it, against a real web server: an nginx farm of N virtual hosts on loopback
# serving the footer corpus pages, N filings imported, `icp-patrol daemon --once` on SQLite and on
# PostgreSQL, timed as whole processes (sites/s, peak RSS); optionally a Scrapy spider that only
# fetches and greps the same farm, for the side-by-side ratio.
#
#   benches/farm/run.sh [--sites 2000] [--backend sqlite|postgres|both] [--scrapy] [--cycles 1]
#                       [--concurrency 64] [--bin target/release/icp-patrol] [--render never|auto]
#
# --render: `never` (default) measures the static path; `auto` lets the daemon render the corpus pages
# that show no number and look script-built (about a quarter of them) in headless Chromium.
#
# PERF_RECORD=/tmp/daemon.perf records a CPU profile of each daemon run (Debian's linux-perf).
# Installs Debian's nginx when missing, and Scrapy into target/bench-venv when --scrapy is given.
# Every farm host shares one address and one registrable domain (bench.test), so the per-address and
# per-domain politeness limits are set to the total concurrency (real filed sites spread over many).
# Traffic stays on 127.0.0.1: every filed host is routed to the farm with `scan.connect_to`, and DNS
# questions (there should be none) go to a closed loopback port, never to the system's resolver.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

sites=2000 backend=both scrapy=0 cycles=1 concurrency=64 bin="" render=never
while [ $# -gt 0 ]; do
  case "$1" in
    --sites) sites=$2; shift 2 ;;
    --backend) backend=$2; shift 2 ;;
    --scrapy) scrapy=1; shift ;;
    --cycles) cycles=$2; shift 2 ;;
    --concurrency) concurrency=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    --render) render=$2; shift 2 ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 64 ;;
  esac
done
unset HTTP_PROXY HTTPS_PROXY ALL_PROXY http_proxy https_proxy all_proxy

if [ -z "$bin" ]; then
  cargo build --release --locked --quiet
  bin=${CARGO_TARGET_DIR:-$root/target}/release/icp-patrol
fi
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  echo "run.sh: installing nginx (Debian package)" >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
fi
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

work=$(mktemp -d /tmp/icp-farm.XXXXXX)
chmod 755 "$work"
cleanup() {
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# Pages: the labelled footer corpus (real sites), site i serving page i mod K.
mkdir -p "$work/www"
k=0
for page in "$root"/tests/fixtures/footers/*/page.html; do
  cp "$page" "$work/www/p$k.html"; k=$((k + 1))
done
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

{
  echo "map \$host \$page {"
  echo "  default /p0.html;"
  for i in $(seq 0 $((sites - 1))); do echo "  site$i.bench.test /p$((i % k)).html;"; done
  echo "}"
} > "$work/hosts.conf"
cat > "$work/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  default_type text/html;
  sendfile on;
  keepalive_requests 10000;
  map_hash_bucket_size 128;
  map_hash_max_size 65536;
  include $work/hosts.conf;
  server {
    listen 127.0.0.1:$port;
    root $work/www;
    location = / { try_files \$page =404; }
  }
}
CONF
"$nginx_bin" -p "$work" -c "$work/nginx.conf"
for _ in $(seq 1 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
mean_kib=$(( $(cat "$work"/www/*.html | wc -c) / k / 1024 ))
echo "farm: nginx $($nginx_bin -v 2>&1 | sed 's/.*\///'), $sites hosts on 127.0.0.1:$port, $k distinct pages, mean $mean_kib KiB"

{
  echo "domain,site_number,principal,principal_type,site_name,approved_on"
  for i in $(seq 0 $((sites - 1))); do echo "site$i.bench.test,京ICP备16020626号-1,北京示例科技有限公司,企业,示例网站,2024-03-01"; done
} > "$work/filings.csv"

peak_kib() { sed -n 's/^\s*Maximum resident set size (kbytes): //p' "$1"; }
cpu_secs() { awk -F': ' '/User time|System time/ { s += $2 } END { print s }' "$1"; }

run_daemon() { # $1 backend name, $2 database URL
  local name=$1 url=$2
  cat > "$work/$name.toml" <<CONF
database = "$url"
[scan]
connect_to = ["::127.0.0.1:$port"]
render = "$render"
[dns]
nameservers = ["127.0.0.1:9"]
[daemon]
concurrency = $concurrency
per_address = $concurrency
per_domain = $concurrency
metrics_addr = "127.0.0.1:0"
include_www = false
[[schedule]]
name = "bench"
cron = "0 3 * * *"
CONF
  "$bin" --config "$work/$name.toml" import "$work/filings.csv" >/dev/null
  for c in $(seq 1 "$cycles"); do
    local t0 t1
    t0=$(date +%s.%N)
    local profile=()
    [ -n "${PERF_RECORD:-}" ] && profile=(perf record -q -e cpu-clock -F 499 --call-graph dwarf,16384 -o "$PERF_RECORD-$name-$c" --)
    ICP_PATROL_LOG=text RUST_LOG=warn /usr/bin/time -v -o "$work/time-$name-$c" \
      "${profile[@]}" "$bin" --config "$work/$name.toml" daemon --once --today 2026-11-28 >"$work/out-$name-$c" 2>"$work/err-$name-$c"
    t1=$(date +%s.%N)
    local recorded
    recorded=$(sed -n 's/.*: \([0-9]*\) results recorded.*/\1/p' "$work/out-$name-$c")
    python3 - "$name" "$c" "$t0" "$t1" "${recorded:-0}" "$(peak_kib "$work/time-$name-$c")" "$(cpu_secs "$work/time-$name-$c")" <<'PY'
import sys
name, cycle, t0, t1, rec, kib, cpu = sys.argv[1:]
secs, rec = float(t1) - float(t0), int(rec)
print(f"daemon/{name} cycle {cycle}: {rec} results in {secs:.2f} s = {rec/secs:.0f} sites/s, "
      f"CPU {float(cpu):.2f} s = {1000*float(cpu)/max(rec,1):.2f} ms/site, peak RSS {int(kib)/1024:.0f} MiB")
PY
    if [ "$name" = sqlite ]; then
      echo "daemon/sqlite cycle $c: store $(du -k "${url#sqlite://}" | cut -f1) KiB"
    fi
  done
  if [ "$name" = sqlite ]; then
    echo "daemon/sqlite: store $(du -k "${url#sqlite://}" | cut -f1) KiB after $cycles cycle(s)"
  fi
}

if [ "$backend" = sqlite ] || [ "$backend" = both ]; then
  run_daemon sqlite "sqlite://$work/bench.db"
fi
if [ "$backend" = postgres ] || [ "$backend" = both ]; then
  db=icp_farm_bench_$$
  psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $db" postgres
  run_daemon postgres "postgres://postgres@127.0.0.1:5432/$db"
  psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE $db WITH (FORCE)" postgres
fi

if [ "$scrapy" = 1 ]; then
  venv=$root/target/bench-venv
  [ -x "$venv/bin/scrapy" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q scrapy; }
  t0=$(date +%s.%N)
  "$venv/bin/python" "$root/benches/farm/spider.py" "$port" "$sites" "$concurrency" > "$work/scrapy.out"
  t1=$(date +%s.%N)
  python3 - "$t0" "$t1" "$(cat "$work/scrapy.out")" <<'PY'
import sys
t0, t1, n = sys.argv[1:]
secs = float(t1) - float(t0)
print(f"scrapy: {n} pages in {secs:.2f} s = {int(n)/secs:.0f} pages/s (fetch + one regex)")
PY
fi
