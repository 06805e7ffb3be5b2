#!/usr/bin/env bash
# Builds the release site with Trunk (installing every tool it needs) and serves dist/.
#
#   scripts/serve.sh            # http://127.0.0.1:8080/
#   PORT=9000 scripts/serve.sh  # another port; HOST=0.0.0.0 to listen on every interface
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/tools.sh
ensure_build_tools
trunk_build --release --offline
exec node scripts/static-server.mjs dist "${PORT:-8080}" /
