#!/usr/bin/env bash
# The browser benchmark: builds the release site, serves it, runs bench.html in headless
# Chromium (the `otp-lab bench` workloads in wasm), then the same workloads natively and
# on real BEAM, and prints wasm ops/s with its ratio to native and to BEAM.
#   scripts/bench-browser.sh [--quick]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/tools.sh
ensure_build_tools
ensure_browser_tools
quick="${1:-}"
trunk_build --release --offline >/dev/null
cargo build --release -q -p otp-lab-cli
tmp="$(mktemp -d)"
port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
node scripts/static-server.mjs dist "$port" / >/dev/null 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; rm -rf "$tmp"' EXIT
for _ in $(seq 1 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
BASE_URL="http://127.0.0.1:$port/" node scripts/bench-browser.mjs $quick >"$tmp/wasm.txt"
./target/release/otp-lab bench $quick >"$tmp/native.txt"
shared="$(cd .. && pwd)/shared/bench"
if [ -f "$shared/beam_bench.escript" ] && command -v escript >/dev/null && command -v erlc >/dev/null; then
  cp "$shared/beam_bench.escript" "$shared/bench_sup.erl" "$tmp/"
  (cd "$tmp" && erlc bench_sup.erl && escript beam_bench.escript) >"$tmp/beam.txt"
else
  : >"$tmp/beam.txt"
fi
printf '%-22s %14s %14s %10s %14s %9s\n' workload "wasm ops/s" "native ops/s" "wasm/nat" "BEAM ops/s" "wasm/BEAM"
while read -r name _ wasm; do
  native="$(awk -v n="$name" '$1 == n { print $3 }' "$tmp/native.txt")"
  beam="$(awk -v n="$name" '$1 == n { print $3 }' "$tmp/beam.txt")"
  awk -v n="$name" -v w="$wasm" -v s="$native" -v b="${beam:-0}" 'BEGIN {
    printf "%-22s %14.0f %14.0f %9.2fx %14.0f %8s\n", n, w, s, w / s, b, (b > 0 ? sprintf("%.1fx", w / b) : "n/a") }'
done < <(grep -v '^#' "$tmp/wasm.txt")
grep '^# idle process memory' "$tmp/wasm.txt" | sed 's/^# /# wasm: /'
