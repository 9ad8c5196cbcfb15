#!/usr/bin/env bash
# The daemon as users run it, against a real web server: an nginx farm of N virtual hosts on loopback
# serving the footer corpus pages, N filings imported, `icp-patrol daemon --once` on SQLite and on
# PostgreSQL, timed as whole processes (sites/s, peak RSS); optionally a Scrapy spider that only
# fetches and greps the same farm, for the side-by-side ratio.
#
#   benches/farm/run.sh [--sites 2000] [--backend sqlite|postgres|both] [--scrapy] [--cycles 1]
#                       [--concurrency 64] [--bin target/release/icp-patrol] [--render never|auto]
#                       [--daemons N] [--rss-cycles N [--rss-every 30]] [--reuse-reads true|false]
#
# --reuse-reads false: every cycle reads every page afresh (the daemon's `reuse_reads`; by default a
# page served byte for byte as in the last cycle reuses that cycle's read).
#
# --daemons N (PostgreSQL): N `daemon --once` processes on one database over the same farm. The first
# enqueues the cycle; the others join it (their one schedule names a provider no filing has, so they
# enqueue nothing) once its jobs are in. Prints each daemon's count, the combined sites/s from the
# first start to the last exit, and checks in the database that every job was scanned exactly once.
#
# --rss-cycles N: one long-running daemon (no --once) whose schedule fires every --rss-every seconds;
# after each of N cycles has finished, its peak RSS during the cycle and its RSS after it (from
# /proc), so growth across cycles can be read (issue 12: after cycle 10 within 10% of cycle 2).
#
# --render: `never` (default) measures the static path; `auto` lets the daemon render the corpus pages
# that show no number and look script-built (about a quarter of them) in headless Chromium.
#
# PERF_RECORD=/tmp/daemon.perf records a CPU profile of each daemon run (Debian's linux-perf).
# BENCH_LOG=warn,sqlx::query=debug keeps each daemon run's log (every statement with its time) as
# ${BENCH_LOG_DIR:-/tmp}/bench-log-<backend>-<cycle>: how the store's time per statement was found.
# Installs Debian's nginx when missing, and Scrapy into target/bench-venv when --scrapy is given.
# Every farm host shares one address and one registrable domain (bench.test), so the per-address and
# per-domain politeness limits are set to the total concurrency (real filed sites spread over many).
# Traffic stays on 127.0.0.1: every filed host is routed to the farm with `scan.connect_to`, and DNS
# questions (there should be none) go to a closed loopback port, never to the system's resolver.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

sites=2000 backend=both scrapy=0 cycles=1 concurrency=64 bin="" render=never daemons=1 rss_cycles=0 rss_every=30 reuse_reads=true
while [ $# -gt 0 ]; do
  case "$1" in
    --sites) sites=$2; shift 2 ;;
    --backend) backend=$2; shift 2 ;;
    --scrapy) scrapy=1; shift ;;
    --cycles) cycles=$2; shift 2 ;;
    --concurrency) concurrency=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    --render) render=$2; shift 2 ;;
    --daemons) daemons=$2; shift 2 ;;
    --rss-cycles) rss_cycles=$2; shift 2 ;;
    --rss-every) rss_every=$2; shift 2 ;;
    --reuse-reads) reuse_reads=$2; shift 2 ;;
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

write_config() { # $1 file, $2 database URL, $3 schedule's cron, $4 extra schedule line
  cat > "$1" <<CONF
database = "$2"
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
reuse_reads = $reuse_reads
[[schedule]]
name = "bench"
cron = "$3"
$4
CONF
}

run_daemon() { # $1 backend name, $2 database URL
  local name=$1 url=$2
  write_config "$work/$name.toml" "$url" "0 3 * * *" ""
  "$bin" --config "$work/$name.toml" import "$work/filings.csv" >/dev/null
  for c in $(seq 1 "$cycles"); do
    local t0 t1
    t0=$(date +%s.%N)
    local profile=()
    [ -n "${PERF_RECORD:-}" ] && profile=(perf record -q -e cpu-clock -F 499 --call-graph dwarf,16384 -o "$PERF_RECORD-$name-$c" --)
    ICP_PATROL_LOG=text RUST_LOG=${BENCH_LOG:-warn} /usr/bin/time -v -o "$work/time-$name-$c" \
      "${profile[@]}" "$bin" --config "$work/$name.toml" daemon --once --today 2026-11-28 >"$work/out-$name-$c" 2>"$work/err-$name-$c"
    [ -n "${BENCH_LOG:-}" ] && cp "$work/err-$name-$c" "${BENCH_LOG_DIR:-/tmp}/bench-log-$name-$c"
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

report_run() { # $1 label, $2 results, $3 seconds, $4 /usr/bin/time file
  python3 - "$1" "$2" "$3" "$(peak_kib "$4")" "$(cpu_secs "$4")" <<'PY'
import sys
label, rec, secs, kib, cpu = sys.argv[1:]
rec, secs = int(rec), float(secs)
print(f"{label}: {rec} results in {secs:.2f} s = {rec/secs:.0f} sites/s, "
      f"CPU {float(cpu):.2f} s = {1000*float(cpu)/max(rec,1):.2f} ms/site, peak RSS {int(kib)/1024:.0f} MiB")
PY
}

recorded_in() { sed -n 's/.*: \([0-9]*\) results recorded.*/\1/p' "$1" | head -1; }

run_daemons() { # $1 database name; N daemons on it over one cycle
  local db=$1 url="postgres://postgres@127.0.0.1:5432/$1" i pids=() t0 t1 total=0
  local q=(psql -h 127.0.0.1 -U postgres -tAq -d "$db" -c)
  write_config "$work/pg-lead.toml" "$url" "0 3 * * *" ""
  # The others join the leader's cycle: their schedule names a provider no filing has.
  write_config "$work/pg-join.toml" "$url" "0 3 * * *" 'provider = "none-such"'
  "$bin" --config "$work/pg-lead.toml" import "$work/filings.csv" >/dev/null
  t0=$(date +%s.%N)
  for i in $(seq 1 "$daemons"); do
    local conf=$work/pg-join.toml
    if [ "$i" = 1 ]; then
      conf=$work/pg-lead.toml
    else
      # Joining before the cycle is in would find nothing due and exit at once.
      for _ in $(seq 1 600); do
        [ "$("${q[@]}" "SELECT count(*) FROM jobs" 2>/dev/null || echo 0)" -ge "$sites" ] && break
        sleep 0.05
      done
    fi
    ICP_PATROL_LOG=text RUST_LOG=warn /usr/bin/time -v -o "$work/time-d$i" \
      "$bin" --config "$conf" daemon --once --today 2026-11-28 >"$work/out-d$i" 2>"$work/err-d$i" &
    pids+=($!)
  done
  for i in "${!pids[@]}"; do wait "${pids[$i]}"; done
  t1=$(date +%s.%N)
  for i in $(seq 1 "$daemons"); do
    local rec
    rec=$(recorded_in "$work/out-d$i")
    total=$((total + ${rec:-0}))
    report_run "daemon/postgres daemon $i of $daemons" "${rec:-0}" "$(python3 -c "print($t1 - $t0)")" "$work/time-d$i"
  done
  python3 -c "print(f'daemon/postgres x$daemons: {$total} results in {$t1 - $t0:.2f} s = {$total / ($t1 - $t0):.0f} sites/s combined')"
  local jobs done scans distinct
  jobs=$("${q[@]}" "SELECT count(*) FROM jobs")
  done=$("${q[@]}" "SELECT count(*) FROM jobs WHERE state = 'done'")
  scans=$("${q[@]}" "SELECT count(*) FROM scans WHERE job_id IS NOT NULL")
  distinct=$("${q[@]}" "SELECT count(DISTINCT target) FROM scans WHERE job_id IS NOT NULL")
  if [ "$jobs" = "$sites" ] && [ "$done" = "$sites" ] && [ "$scans" = "$sites" ] && [ "$distinct" = "$sites" ] \
    && [ "$total" = "$sites" ]; then
    echo "daemon/postgres x$daemons: every job scanned exactly once ($jobs jobs, $done done, $scans scans of $distinct targets)"
  else
    echo "daemon/postgres x$daemons: NOT exactly once: $jobs jobs, $done done, $scans scans of $distinct targets, $total results reported" >&2
    return 1
  fi
}

rss_cycles() { # $1 backend name, $2 database URL; one long-running daemon over --rss-cycles cycles
  local name=$1 url=$2 pid c
  write_config "$work/$name-rss.toml" "$url" "*/$rss_every * * * * *" ""
  "$bin" --config "$work/$name-rss.toml" import "$work/filings.csv" >/dev/null
  ICP_PATROL_LOG=text RUST_LOG=info "$bin" --config "$work/$name-rss.toml" daemon --today 2026-11-28 \
    >"$work/out-rss-$name" 2>"$work/err-rss-$name" &
  pid=$!
  # A cycle has finished when its jobs are all done; each fires on the next multiple of --rss-every.
  python3 - "$pid" "$name" "$url" "$rss_cycles" "$sites" "$work/out-rss-$name" "$work/err-rss-$name" <<'PY'
import re, subprocess, sys, time
pid, name, url, cycles, sites, out, err = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6], sys.argv[7]
def rss_kib():
    with open(f"/proc/{pid}/status") as f:
        return int(next(l for l in f if l.startswith("VmRSS:")).split()[1])
def done_per_cycle():
    sql = "SELECT cycle, count(*) FROM jobs WHERE state = 'done' GROUP BY cycle ORDER BY min(created_at)"
    if url.startswith("sqlite://"):
        cmd = ["python3", "-c", "import sqlite3,sys; c=sqlite3.connect('file:'+sys.argv[1]+'?mode=ro', uri=True, timeout=5); "
               "print('\\n'.join(f'{a}|{b}' for a,b in c.execute(sys.argv[2])))", url[len("sqlite://"):], sql]
    else:
        cmd = ["psql", url, "-tAq", "-c", sql]
    try:
        rows = subprocess.run(cmd, capture_output=True, text=True, timeout=10).stdout.split()
    except subprocess.TimeoutExpired:
        return []
    return [int(r.rsplit("|", 1)[1]) for r in rows if "|" in r]
finished, peak, t_start = 0, 0, time.time()
deadline = t_start + cycles * 600
while finished < cycles and time.time() < deadline:
    time.sleep(0.5)
    try:
        now = rss_kib()
    except (OSError, StopIteration):
        sys.exit(f"daemon/{name}: the daemon exited; see {err}")
    peak = max(peak, now)
    counts = done_per_cycle()
    while finished < len(counts) and counts[finished] >= sites and finished < cycles:
        finished += 1
        print(f"daemon/{name} rss cycle {finished}: peak RSS {peak/1024:.0f} MiB during, {now/1024:.0f} MiB after "
              f"({counts[finished-1]} done, {time.time()-t_start:.0f} s since start)", flush=True)
        peak = now
PY
  kill "$pid"; wait "$pid" || true
}

if [ "$rss_cycles" -gt 0 ]; then
  if [ "$backend" = sqlite ] || [ "$backend" = both ]; then
    rss_cycles sqlite "sqlite://$work/bench-rss.db"
  fi
  if [ "$backend" = postgres ] || [ "$backend" = both ]; then
    db=icp_farm_rss_$$
    psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $db" postgres
    rss_cycles postgres "postgres://postgres@127.0.0.1:5432/$db"
    psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE $db WITH (FORCE)" postgres
  fi
  exit 0
fi
if [ "$daemons" -gt 1 ]; then
  [ "$backend" = postgres ] || { echo "run.sh: --daemons N needs --backend postgres (one daemon per SQLite file)" >&2; exit 64; }
  db=icp_farm_bench_$$
  psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $db" postgres
  status=0
  run_daemons "$db" || status=$?
  psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE $db WITH (FORCE)" postgres
  exit "$status"
fi
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
