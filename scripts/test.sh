#!/usr/bin/env bash
# The one command that runs every test, installing whatever it needs first:
# formatting, clippy (host and wasm32), native tests, the lessons' code in real Elixir and
# Erlang, the release site build, the browser
# smoke suite (tests/web.rs in headless Chromium) and the end-to-end test (tests/e2e).
# Exits non-zero on the first failure. Works unattended (CI=true, no stdin).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/tools.sh
exec </dev/null

step() { printf '\n==> %s\n' "$*"; }
SECONDS=0

step "tools"
ensure_build_tools
ensure_browser_tools
ensure_python_tools
ensure_elixir

step "cargo fmt --check"
cargo fmt --all --check

step "cargo clippy (host, all workspace targets)"
cargo clippy --workspace --all-targets -- -D warnings

step "cargo clippy (wasm32, the web app and its browser tests)"
cargo clippy -p otp-lab --all-targets --target wasm32-unknown-unknown -- -D warnings

step "cargo test (native: simulator, CLI, the web app's view model and driver)"
cargo test --workspace

step "the lessons' code in real Elixir and Erlang (tests/real/lesson_code.exs)"
blocks="$(mktemp -d)"
cargo run -q -p otp-lab-lessons --example code_blocks -- "$blocks"
elixir tests/real/lesson_code.exs "$blocks" 2>/dev/null | grep -E '^# lesson code|FAILED|DOES NOT'
rm -rf "$blocks"

step "exports: otp-lab metrics --format prometheus parsed by prometheus_client, every scenario"
cargo build --release -p otp-lab-cli
.tools/venv/bin/python tests/exports/check_prometheus.py "${CARGO_TARGET_DIR:-target}/release/otp-lab" \
  ../shared/conformance/scenarios/*.json crates/sim/tests/oracle/scenarios/*.json

step "trunk build --release --offline"
build_start=$SECONDS
trunk_build --release --offline
echo "site built in $((SECONDS - build_start)) s"
node scripts/size.mjs dist

step "browser smoke tests (tests/web.rs, wasm-bindgen-test-runner + headless Chromium)"
CHROMEDRIVER=/usr/bin/chromedriver cargo test -p otp-lab --target wasm32-unknown-unknown --test web

echo "everything before the end-to-end test passed in ${SECONDS} s"

step "serving the release build under a sub-path for the browser tests"
port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
node scripts/static-server.mjs dist "$port" /otp-lab/sub/ &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
  sleep 0.1
done

step "browser soak (tests/e2e/soak.mjs: a virtual hour of chaos on 1,000 workers at max speed)"
# It fails if the hour is not reached, fewer than 10 M events run, the page errors or the
# memory keeps growing; frame rate and click latency are printed, not asserted.
soak_link="$("${CARGO_TARGET_DIR:-target}/release/otp-lab" soak --link)"
(cd tests/e2e && BASE_URL="http://127.0.0.1:$port/otp-lab/sub/" SOAK_LINK="$soak_link" node soak.mjs | grep '^# soak')

step "layout (tests/e2e/layout.mjs: desktop and phone, both themes, Lab, Lessons and Compare)"
BASE_URL="http://127.0.0.1:$port/otp-lab/sub/" node tests/e2e/layout.mjs | grep -v '^ok'

step "end-to-end test (tests/e2e/smoke.mjs)"
# Its last line, "N passed, M failed", closes the run.
BASE_URL="http://127.0.0.1:$port/otp-lab/sub/" node tests/e2e/smoke.mjs
