# shellcheck shell=bash
# Sourced by scripts/serve.sh and scripts/test.sh: makes sure every tool the site build and the
# tests need is installed, each step skipped quickly when the tool is already there.
#
#   source scripts/tools.sh
#   ensure_build_tools     # wasm32 target, trunk, wasm-bindgen-cli, wasm-split-cli,
#                          # wasm-opt (binaryen@132),
#                          # esbuild (minifies JS and CSS), xz (packs the wasm module)
#   ensure_browser_tools   # Debian chromium + chromedriver, playwright-core and mermaid (its
#                          # parser checks the sequence view's export) in tests/e2e
#   ensure_python_tools    # a venv in .tools/venv with prometheus_client (the exposition
#                          # format parser the export tests check against)
#
# Versions are pinned here and nowhere else but Cargo.lock (wasm-bindgen) and Trunk.toml.

OTP_LAB_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TRUNK_VERSION="0.21.14"
# wasm-split-cli: cuts the site's module into chunks loaded when first used (src/lazy.rs);
# its runtime half (wasm_split_helpers, through Leptos) is in Cargo.lock
WASM_SPLIT_VERSION="0.2.4"
BINARYEN_VERSION="132"
ESBUILD_VERSION="0.28.2"
PROMETHEUS_CLIENT_VERSION="0.26.0"

export PATH="$OTP_LAB_ROOT/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"

tools_log() { printf '[tools] %s\n' "$*" >&2; }
tools_die() { printf '[tools] error: %s\n' "$*" >&2; return 1; }
# Each step returns non-zero on failure (callers run with `set -e`, but a function called in
# an `&&` list runs with errexit off, so every failure is passed on with `|| return 1`).

# Runs a command as root (directly when we are root, else through sudo).
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

APT_UPDATED=""
apt_install() {
  if [ -z "$APT_UPDATED" ]; then
    tools_log "apt-get update"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq || return 1
    APT_UPDATED=1
  fi
  tools_log "apt-get install $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

# The wasm-bindgen version locked in Cargo.lock (the CLI must match it exactly).
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' \
    "$OTP_LAB_ROOT/Cargo.lock"
}

ensure_rust() {
  command -v cargo >/dev/null 2>&1 || { tools_die "cargo not found: install Rust with rustup first"; return 1; }
  if ! rustup target list --installed 2>/dev/null | grep -x wasm32-unknown-unknown >/dev/null; then
    tools_log "rustup target add wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown || return 1
  fi
}

ensure_node() {
  if ! command -v npm >/dev/null 2>&1; then
    apt_install nodejs npm || return 1
  fi
}

ensure_trunk() {
  if ! trunk --version 2>/dev/null | grep -x "trunk $TRUNK_VERSION" >/dev/null; then
    tools_log "cargo install trunk $TRUNK_VERSION"
    cargo install --locked trunk --version "$TRUNK_VERSION" || return 1
  fi
}

ensure_wasm_split() {
  # (it has no --version: cargo's list of installed packages says which one is there)
  if ! command -v wasm-split-cli >/dev/null 2>&1 ||
    ! cargo install --list | grep -x "wasm_split_cli_support v$WASM_SPLIT_VERSION:" >/dev/null; then
    tools_log "cargo install wasm_split_cli_support $WASM_SPLIT_VERSION"
    cargo install --locked wasm_split_cli_support --version "$WASM_SPLIT_VERSION" \
      --features build-binary || return 1
  fi
}

ensure_wasm_bindgen() {
  local v
  v="$(wasm_bindgen_version)"
  [ -n "$v" ] || { tools_die "no wasm-bindgen in Cargo.lock"; return 1; }
  if ! grep "wasm_bindgen = \"$v\"" "$OTP_LAB_ROOT/Trunk.toml" >/dev/null; then
    tools_die "Trunk.toml [tools] wasm_bindgen must be \"$v\" (the version in Cargo.lock)"
    return 1
  fi
  if ! wasm-bindgen --version 2>/dev/null | grep -x "wasm-bindgen $v" >/dev/null ||
    ! wasm-bindgen-test-runner --version 2>/dev/null | grep -x "wasm-bindgen-test-runner $v" >/dev/null; then
    tools_log "cargo install wasm-bindgen-cli $v"
    # Not --locked: the CLI's own lock file may not build on this toolchain.
    cargo install wasm-bindgen-cli --version "$v" --force || return 1
  fi
}

# Debian's binaryen produces modules that fail with a WebAssembly.Table.set error, so a
# project-local binaryen from npm goes first on PATH; esbuild (npm too) minifies the JS and
# CSS of the release build (scripts/minify.mjs). Both are installed by one npm command (a
# second `npm install --no-save` would prune the first).
# The site's release build also ships the wasm LZMA-compressed (scripts/pack-wasm.mjs): the
# `xz` command packs it, scripts/unlzma.js unpacks it in the page.
ensure_wasm_opt() {
  local bin="$OTP_LAB_ROOT/.tools/node_modules/.bin"
  if ! { [ -x "$bin/wasm-opt" ] && "$bin/wasm-opt" --version 2>/dev/null | grep "version $BINARYEN_VERSION" >/dev/null \
    && [ -x "$bin/esbuild" ] && [ "$("$bin/esbuild" --version 2>/dev/null)" = "$ESBUILD_VERSION" ]; }; then
    ensure_node || return 1
    tools_log "npm install binaryen@$BINARYEN_VERSION esbuild@$ESBUILD_VERSION into .tools/"
    mkdir -p "$OTP_LAB_ROOT/.tools"
    npm install --prefix "$OTP_LAB_ROOT/.tools" --no-audit --no-fund --no-save \
      "binaryen@$BINARYEN_VERSION" "esbuild@$ESBUILD_VERSION" >&2 || return 1
  fi
  command -v xz >/dev/null 2>&1 || apt_install xz-utils || return 1
}

ensure_build_tools() {
  ensure_rust || return 1
  ensure_node || return 1
  ensure_trunk || return 1
  ensure_wasm_bindgen || return 1
  ensure_wasm_split || return 1
  ensure_wasm_opt || return 1
}

ensure_browser_tools() {
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    apt_install chromium chromium-driver || return 1
  fi
  ensure_node || return 1
  local e2e="$OTP_LAB_ROOT/tests/e2e/node_modules"
  if [ ! -f "$e2e/playwright-core/package.json" ] || [ ! -f "$e2e/mermaid/dist/mermaid.min.js" ]; then
    tools_log "npm ci in tests/e2e (playwright-core, mermaid)"
    (cd "$OTP_LAB_ROOT/tests/e2e" && npm ci --no-audit --no-fund >&2) || return 1
  fi
  export CHROMEDRIVER=/usr/bin/chromedriver
}

# Real Elixir and Erlang (Debian's packages), to run the lessons' code blocks as written.
ensure_elixir() {
  if ! command -v elixir >/dev/null 2>&1 || ! command -v erl >/dev/null 2>&1; then
    apt_install elixir erlang-base || return 1
  fi
}

# `trunk build` of the web app (extra arguments are passed on), with the cargo shim that
# selects the root package (see scripts/trunk-cargo/cargo).
trunk_build() {
  (cd "$OTP_LAB_ROOT" && PATH="$OTP_LAB_ROOT/scripts/trunk-cargo:$PATH" trunk build "$@")
}

ensure_python_tools() {
  local venv="$OTP_LAB_ROOT/.tools/venv"
  if ! "$venv/bin/python" -c "import prometheus_client" 2>/dev/null; then
    command -v python3 >/dev/null 2>&1 || apt_install python3 python3-venv || return 1
    tools_log "python venv with prometheus_client $PROMETHEUS_CLIENT_VERSION"
    python3 -m venv "$venv" || { apt_install python3-venv && python3 -m venv "$venv"; } || return 1
    "$venv/bin/pip" install -q "prometheus_client==$PROMETHEUS_CLIENT_VERSION" || return 1
  fi
}
