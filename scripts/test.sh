#!/usr/bin/env bash
# Runs every carebook test: ESLint on the JavaScript (eslint.config.js), the
# Rust tests (`cargo test`), then the browser tests (`node --test tests/browser/`,
# which build the example site with the debug binary and drive Debian's Chromium
# through playwright-core, and the patient-critical scenarios in Chromium,
# Firefox ESR and WebKitGTK too: tests/browser/engines.mjs), then Lighthouse on
# the example site (scripts/lighthouse.mjs).
#
# On a fresh Debian machine as root it installs what is missing with apt-get:
# the three browser engines (chromium; firefox-esr; webkit2gtk-driver, which
# brings WebKitGTK's MiniBrowser, with xvfb and xauth for its display),
# poppler-utils (pdftotext, for the print test) and a Java runtime (the Nu Html
# Checker); the npm test tools with `npm ci --ignore-scripts`
# (vnu-jar's postinstall would download a Java runtime of its own, which we do not want).
#
# Usage: bash scripts/test.sh
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

start=$SECONDS
step() { printf '\n==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# --- System packages -----------------------------------------------------------
chromium_path="${CHROMIUM:-/usr/bin/chromium}"
firefox_path="${FIREFOX:-/usr/bin/firefox-esr}"
webkit_driver_path="${WEBKIT_DRIVER:-/usr/bin/WebKitWebDriver}"
minibrowser_path="${MINIBROWSER:-/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser}"
missing=()
[ -x "$chromium_path" ] || missing+=(chromium)
[ -x "$firefox_path" ] || missing+=(firefox-esr)
{ [ -x "$webkit_driver_path" ] && [ -x "$minibrowser_path" ]; } || missing+=(webkit2gtk-driver)
command -v Xvfb >/dev/null 2>&1 || missing+=(xvfb)
command -v xauth >/dev/null 2>&1 || missing+=(xauth)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    die "missing ${missing[*]}; install with: sudo apt-get install -y ${missing[*]}"
  fi
  step "Installing ${missing[*]} (apt-get)"
  # Lock::Timeout: wait for another apt run (an unattended upgrade, say) instead of failing.
  apt-get -o DPkg::Lock::Timeout=300 update
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y "${missing[@]}"
fi

# For the log: which engines this run tests (each engines-<name>.test.mjs prints it too).
step "Engines: $("$chromium_path" --version 2>/dev/null | head -n1); $("$firefox_path" --version 2>/dev/null | head -n1); WebKitGTK $(dpkg-query -W -f='${Version}' libwebkit2gtk-4.1-0 2>/dev/null || echo '?')"

# --- Node.js test tools --------------------------------------------------------
command -v node >/dev/null 2>&1 || die "node (20 or later) is needed for the browser tests"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" -ge 20 ] || die "node $(node --version) is too old: the browser tests need node 20 or later"

# npm keeps its own copy of the lock file in node_modules/.package-lock.json;
# reinstall when it is missing or older than package-lock.json.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "Installing the test tools from package-lock.json (npm ci --ignore-scripts)"
  npm ci --ignore-scripts --no-audit --no-fund
else
  step "Test tools in node_modules are up to date"
fi

# --- JavaScript lint -------------------------------------------------------------
# The theme's scripts, the browser tests and scripts/*.mjs (eslint.config.js says
# which globals each sees). Before the long tests: a lint failure fails the run.
step "JavaScript lint (npx eslint)"
npx --no-install eslint --max-warnings 0

# --- Rust tests ----------------------------------------------------------------
step "Rust tests (cargo test)"
cargo test

# --- Browser tests -------------------------------------------------------------
# The browser tests use the debug binary `cargo test` just built: the example
# site builds in well under a second either way, and skipping a second
# (release) compile of every dependency saves CI about ten minutes.
export CAREBOOK_BIN="${CAREBOOK_BIN:-$PWD/${CARGO_TARGET_DIR:-target}/debug/carebook}"
[ -x "$CAREBOOK_BIN" ] || cargo build

step "Browser tests (node --test tests/browser/)"
node --test tests/browser/

# --- Lighthouse ------------------------------------------------------------------
# The example site's home, journal and checklist pages with Lighthouse's phone
# profile: accessibility, best practices and SEO must score 100. Performance is
# simulated from a trace that a busy, shared CI machine slows down (98-100
# measured under load), so here it must reach 95; run the script alone on a
# quiet machine for the strict 100 (scripts/lighthouse.mjs states the policy).
step "Lighthouse (node scripts/lighthouse.mjs)"
CHROME_PATH="${CHROME_PATH:-$chromium_path}" LIGHTHOUSE_MIN_PERFORMANCE="${LIGHTHOUSE_MIN_PERFORMANCE:-95}" node scripts/lighthouse.mjs

step "All tests passed in $((SECONDS - start)) s"
