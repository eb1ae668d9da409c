#!/usr/bin/env bash
# Create .venv and install the project from the pinned files in this repo.
#   scripts/setup.sh          core: helpers, notebooks, JupyterLab and the sandbox (no torch): all a learner needs
#   scripts/setup.sh --all    + the test, lint and docs tools
#   scripts/setup.sh --all --browser   + Debian's chromium and fonts-nanum for the browser tests (needs root)
set -euo pipefail
cd "$(dirname "$0")/.."

want_all=0; want_browser=0
for arg in "$@"; do
  case "$arg" in
    --all) want_all=1 ;;
    --browser) want_browser=1 ;;
    *) echo "usage: scripts/setup.sh [--all] [--browser]" >&2; exit 2 ;;
  esac
done

PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv

files=(requirements.txt)
[ "$want_all" = 1 ] && files+=(requirements-dev.txt requirements-docs.txt)
args=(); for f in "${files[@]}"; do args+=(-r "$f"); done

# Skip pip when nothing it would read has changed since the last successful install.
stamp=.venv/.installed-$(cat "${files[@]}" constraints.txt pyproject.toml | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet "${args[@]}" -c constraints.txt
  # compat mode: a plain .pth with the repo root, so packages added later import without reinstalling
  .venv/bin/python -m pip install --quiet --no-deps --no-build-isolation -e . --config-settings editable_mode=compat
  touch "$stamp"
fi

# The browser tests need Chromium, and a Korean font so Hangul renders as text, not boxes (fonts-nanum, 10 MB).
# grep reads fc-list to the end (no -q): under pipefail, an early exit's broken pipe would read as "no font".
if [ "$want_browser" = 1 ] && { ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -i nanum >/dev/null; }; then
  echo "installing Debian's chromium and fonts-nanum for the browser tests..."
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-nanum >/dev/null
fi

# npm packages the tests run, each from its committed lockfile (skipped without node): Stoplight Prism, the
# conformance tests' negative control, and axe-core, which the docs site's accessibility test runs in Chromium.
if [ "$want_all" = 1 ] && command -v npm >/dev/null 2>&1; then
  for folder in tests/conformance/prism_cli tests/docs/axe; do
    [ -d "$folder/node_modules" ] || npm ci --prefix "$folder" --no-audit --no-fund --loglevel=error
  done
fi
