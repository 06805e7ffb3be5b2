#!/usr/bin/env bash
# Runs the benchmark workloads on real BEAM (../shared/bench/beam_bench.escript) and on the
# simulator (`otp-lab bench`) one after the other, on this machine, and prints both figures
# and their ratio per workload, plus the memory of an idle simulated process.
# Installs Erlang (Debian's erlang-base, erlang-dev) if it is missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
shared="$(cd .. && pwd)/shared/bench"
[ -f "$shared/beam_bench.escript" ] || { echo "bench: $shared/beam_bench.escript not found" >&2; exit 2; }
if ! command -v escript >/dev/null || ! command -v erlc >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq erlang-base erlang-dev >/dev/null
fi
cargo build --release -q -p otp-lab-cli
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cp "$shared/beam_bench.escript" "$shared/bench_sup.erl" "$tmp/"
(cd "$tmp" && erlc bench_sup.erl && escript beam_bench.escript) >"$tmp/beam.txt"
./target/release/otp-lab bench >"$tmp/sim.txt"
printf '%-22s %14s %14s %8s\n' workload "BEAM ops/s" "sim ops/s" ratio
while read -r name ops beam; do
  sim="$(awk -v n="$name" '$1 == n { print $3 }' "$tmp/sim.txt")"
  awk -v n="$name" -v b="$beam" -v s="$sim" 'BEGIN { printf "%-22s %14.0f %14.0f %7.1fx\n", n, b, s, s / b }'
done < <(grep -v '^#' "$tmp/beam.txt")
grep '^# idle process memory' "$tmp/sim.txt" || true
echo "# $(erl -noshell -eval 'io:format("OTP ~s, erts ~s", [erlang:system_info(otp_release), erlang:system_info(version)]), halt().'); $(nproc) cores"
