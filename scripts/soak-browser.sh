#!/usr/bin/env bash
# The browser soak: builds the release site, serves it, and runs tests/e2e/soak.mjs on the
# `otp-lab soak` experiment (a virtual hour of chaos on a 1,000-worker tree) at max speed
# in headless Chromium, printing frame rate, click latency and memory along the way.
#   scripts/soak-browser.sh [VIRTUAL_SECONDS]      (default 3600)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/tools.sh
ensure_build_tools
ensure_browser_tools
trunk_build --release --offline >/dev/null
cargo build --release -q -p otp-lab-cli
link="$("$(realpath "${CARGO_TARGET_DIR:-target}")/release/otp-lab" soak --link)"
port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
node scripts/static-server.mjs dist "$port" / >/dev/null 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
(cd tests/e2e && BASE_URL="http://127.0.0.1:$port/" SOAK_LINK="$link" \
  SOAK_VIRTUAL_S="${1:-3600}" node soak.mjs)
