#!/usr/bin/env bash
# Everything `make test` runs after setup. The test suite runs with the network cut (a fresh network namespace
# with only loopback up) where the machine allows it, so no test can reach anything but this machine.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== ruff"; .venv/bin/ruff check . && .venv/bin/ruff format --check .
echo "== mypy"; .venv/bin/mypy

offline() {
  if [ "${NO_UNSHARE:-0}" != 1 ] && unshare -n true 2>/dev/null; then
    unshare -n sh -c 'ip link set lo up && exec "$@"' sh "$@"
  else
    echo "(no network namespace here: the harness's socket guard is the only barrier)"
    "$@"
  fi
}

echo "== pytest (network cut)"
# Notebooks run in replay with no key; nbval compares every output strictly (see tests/nbval_sanitize.cfg).
env -u OPENAI_API_KEY -u OPENAI_BASE_URL -u OPENAI_ORG_ID -u OPENAI_PROJECT_ID OPENAI_NOTEBOOK_MODE=replay \
  offline .venv/bin/python -m pytest tests notebooks --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg \
  -p no:cacheprovider "$@"
