#!/usr/bin/env bash
# Coverage-guided fuzzing (cargo-fuzz / libFuzzer, nightly) of the parsers that read
# untrusted input: the scenario parser, the share-link decoder and the console parser.
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     (default 600 s, all three)
# The seed corpus in crates/fuzz/corpus/ stays small; runs grow a scratch copy in
# target/fuzz-corpus/. A crash stops the script with the input in crates/fuzz/artifacts/
# (turn it into a regression test before fixing).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds="${1:-600}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(scenario_parser share_link console_parser)
rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz
for t in "${targets[@]}"; do
  scratch="target/fuzz-corpus/$t"
  mkdir -p "$scratch"
  echo "==> fuzzing $t for $seconds s"
  log="target/fuzz-$t.log"
  if ! cargo +nightly fuzz run --fuzz-dir crates/fuzz "$t" "$scratch" "crates/fuzz/corpus/$t" -- \
    -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048 >"$log" 2>&1; then
    tail -30 "$log" >&2
    echo "fuzz: $t failed; inputs (if any) in crates/fuzz/artifacts/$t/, log in $log" >&2
    exit 1
  fi
  grep -E '^(#[0-9]+ +(DONE|pulse))|^Done' "$log" | tail -2
done
