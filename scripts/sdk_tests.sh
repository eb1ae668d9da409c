#!/usr/bin/env bash
# Opt-in: openai-python's own generated tests (tests/api_resources, normally run against a Prism mock) for the five
# endpoint groups, run against a fresh sandbox. Not part of `make test`: it needs a checkout of openai-python
# (the tag nearest the installed SDK), and installs the SDK's test tools into build/sdk-tests/venv, not .venv.
#   make sdk-tests OPENAI_PYTHON=/path/to/openai-python
# Their placeholder inputs (file id "string", b"Example data" as an image, gpt-4o-mini, dall-e-2) make most of them
# fail here by design; what matters is that the figures printed at the end do not change: every answer is one the
# SDK parses, an OpenAI-shaped 4xx, or an SDK-side strict validation error, never a crash or a 5xx.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=${OPENAI_PYTHON:?set OPENAI_PYTHON to a checkout of openai-python}
work=build/sdk-tests
mkdir -p "$work"
sdk=$(.venv/bin/python -c 'import openai; print(openai.__version__)')
if [ ! -x "$work/venv/bin/python" ]; then
  python3 -m venv "$work/venv"
  "$work/venv/bin/python" -m pip install --quiet "openai[aiohttp]==$sdk" pytest pytest-asyncio rich -c constraints.txt
fi
data=$(mktemp -d "$work/data.XXXX")
port=$(.venv/bin/python -c 'from helpers.sandbox_process import free_port; print(free_port())')
.venv/bin/python -m sandbox --port "$port" --data-dir "$data" >"$data.log" 2>&1 &
pid=$!
stop() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$data" "$data.log"; }
trap stop EXIT
for _ in $(seq 120); do
  .venv/bin/python -c "import httpx2,sys; sys.exit(httpx2.get('http://127.0.0.1:$port/health').json()['models'] != 'ready')" \
    2>/dev/null && break
  sleep 1
done
(cd "$repo" && TEST_API_BASE_URL="http://127.0.0.1:$port/v1" "$OLDPWD/$work/venv/bin/python" -m pytest \
  -p no:cacheprovider -q -o addopts="" -W ignore --tb=line --junitxml="$OLDPWD/$work/results.xml" \
  tests/api_resources/test_{embeddings,files,images,models,moderations}.py >"$OLDPWD/$work/pytest.log" 2>&1) || true
.venv/bin/python - "$work/results.xml" <<'PY'
import collections, re, sys, xml.etree.ElementTree as ET
outcomes = collections.Counter()
for case in ET.parse(sys.argv[1]).iter("testcase"):
    bad = case.find("failure") if case.find("failure") is not None else case.find("error")
    if case.find("skipped") is not None:
        outcomes["skipped"] += 1
    elif bad is None:
        outcomes["passed"] += 1
    else:
        found = re.search(r"(openai\.\w+|pydantic_core\.\S+)(: Error code: \d+)?", bad.get("message", ""))
        outcomes["failed: " + (found.group(0) if found else "other")] += 1
for outcome, count in sorted(outcomes.items()):
    print(f"{count:5d}  {outcome}")
PY
stop
trap - EXIT
