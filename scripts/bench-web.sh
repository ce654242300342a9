#!/usr/bin/env bash
# Load benchmark of the web app (docs/benchmarks.md): a release server on SQLite in a temporary
# directory, loaded from a second process on loopback by crates/web/examples/load.rs.
# Usage: scripts/bench-web.sh [SESSIONS] [AUTOSAVE_SECONDS] [SUBMISSIONS] [EXPORTS]
# The last run (EXPORTS, default 10; 0 skips it): autosaves every second per session while that
# many national PDF exports of the first round's submitted reports run at once (issue 14 item 6).
set -euo pipefail
cd "$(dirname "$0")/.."
sessions=${1:-100}; seconds=${2:-20}; submissions=${3:-3000}; exports=${4:-10}
cargo build -q --release -p baocao
cargo build -q --release -p web --example load
dir=$(mktemp -d)
port=18181
target="${CARGO_TARGET_DIR:-target}/release"
BAOCAO_ADMIN_PASSWORD=matkhau-do-tai RUST_LOG=warn "$target/baocao" serve --listen 127.0.0.1:$port --data-dir "$dir" >/dev/null &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 50); do curl -sf http://127.0.0.1:$port/healthz >/dev/null && break; sleep 0.2; done
# The load generator reads the server's CPU time (/proc) to tell its share from its own.
export BAOCAO_SERVER_PID=$pid
# Saturation (each session saves again as soon as it is answered), then a human pace (a save
# every 2 s per session: autosave fires 0.7 s after typing stops).
"$target/examples/load" http://127.0.0.1:$port matkhau-do-tai autosave "$sessions" "$seconds"
"$target/examples/load" http://127.0.0.1:$port matkhau-do-tai autosave "$sessions" "$seconds" 2000
"$target/examples/load" http://127.0.0.1:$port matkhau-do-tai autosave "$sessions" "$seconds" 1000
grep -E 'VmHWM|VmRSS' /proc/$pid/status
"$target/examples/load" http://127.0.0.1:$port matkhau-do-tai submit "$sessions" "$submissions"
grep -E 'VmHWM|VmRSS' /proc/$pid/status
if [ "$exports" -gt 0 ]; then
  "$target/examples/load" http://127.0.0.1:$port matkhau-do-tai exports "$sessions" "$seconds" 1000 "$exports"
  grep -E 'VmHWM|VmRSS' /proc/$pid/status
fi
