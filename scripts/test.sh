#!/usr/bin/env bash
# Everything `make test` runs after setup. The test suite runs with the network cut (a fresh network namespace
# with only loopback up) where the machine allows it, so no test can reach anything but this machine.
# Extra arguments go to pytest.
set -uo pipefail
cd "$(dirname "$0")/.."

status=0
echo "== ruff"; .venv/bin/ruff check . || status=1
.venv/bin/ruff format --check . || status=1
echo "== mypy"; .venv/bin/mypy || status=1

offline() {
  if [ "${NO_UNSHARE:-0}" != 1 ] && unshare -n true 2>/dev/null; then
    unshare -n sh -c 'ip link set lo up && exec "$@"' sh "$@"
  else
    echo "(no network namespace here: the harness's socket guard is the only barrier)"
    "$@"
  fi
}

echo "== pytest (network cut)"
# Notebooks run in replay with no key; nbval compares every output strictly (tests/nbval_sanitize.cfg lists the
# only volatile text it ignores) and the root conftest.py compares their pictures by pixels.
# Two pytest-xdist workers (TEST_WORKERS=0 runs in this one process), each taking whole folders (the root
# conftest.py groups the tests), and the ten slowest tests at the end.
unset OPENAI_API_KEY OPENAI_BASE_URL OPENAI_ORG_ID OPENAI_PROJECT_ID
export OPENAI_NOTEBOOK_MODE=replay
workers=${TEST_WORKERS:-2}
parallel=(-n "$workers"); [ "$workers" = 0 ] || parallel+=(--dist loadgroup --no-loadscope-reorder)
offline .venv/bin/python -m pytest tests notebooks --nbval --record-mode=none --nbval-sanitize-with tests/nbval_sanitize.cfg \
  -p no:cacheprovider "${parallel[@]}" --durations=10 "$@" || status=$?
[ "$status" = 0 ] || echo "FAILED (exit $status): see lint, type or test output above"
exit "$status"
