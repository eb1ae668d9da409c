"""The mutation suite: a proxy in front of the sandbox injects one realistic bug at a time; the harness's checks,
run over the notebooks' requests sent again through it (``helpers.conformance.resend``, no kernels: seconds per
bug), must report each bug exactly once, as its own root cause, on the request it spoils; the clean proxy passes.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from helpers.config import cassettes_dir, notebooks_dir
from helpers.conformance.exchanges import Exchange, load_recording
from helpers.conformance.harness import judge_with_probes
from helpers.conformance.probes import UNKNOWN_FILE
from helpers.conformance.report import summarise
from helpers.conformance.resend import resend, runs_without_kernels
from helpers.conformance.verdict import Verdicts
from helpers.sandbox_process import SandboxProcess
from tests.conformance.mutating_proxy import MUTATIONS, MutatingProxy

# bug -> (the notebooks whose requests it spoils, the root cause's check, the request it must be reported on)
EXPECTED = {
    "ignored dimensions": (["01_embeddings"], "dimensions honoured", "POST /v1/embeddings"),
    "missing usage": (["01_embeddings"], "usage present", "POST /v1/embeddings"),
    "short moderation results": (["05_moderations"], "one output per input", "POST /v1/moderations"),
    "dropped list item": (["02_files"], "list consistent", "GET /v1/files"),
    "trimmed file content": (["02_files"], "ids round-trip", "GET /v1/files/file-"),
    "wrong model id": (["01_embeddings"], "model echoed", "POST /v1/embeddings"),
    "FastAPI's {detail} 404": (["00_setup", "02_files"], "envelope", "GET /v1/models/gpt-imaginary"),
    "wrong image size": (["03_images"], "image size and format", "POST /v1/images/generations"),
    "200 for deleting an unknown id": (["02_files"], "404 for unknown ids", f"DELETE /v1/files/{UNKNOWN_FILE}"),
    "HTML 2xx": (["00_setup"], "JSON answer", "GET /v1/models/text-embedding-3-small"),
    "JSON served as text/plain": (["05_moderations"], "JSON answer", "POST /v1/moderations"),
}
# 04_models deletes the sandbox's one fine-tuned model: only the clean pass (the first test) sends its requests.
NOTEBOOKS = ["00_setup", "01_embeddings", "02_files", "03_images", "04_models", "05_moderations"]


@pytest.fixture(scope="module")
def proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MutatingProxy]:
    sandbox = SandboxProcess(tmp_path_factory.mktemp("mutations-sandbox"), reproducible=True)
    with sandbox as box, MutatingProxy(box.base_url.removesuffix("/v1")).running() as running:
        yield running


def check_through(proxy: MutatingProxy, names: list[str]) -> Verdicts:
    """The named notebooks' reference requests sent through the proxy, then the harness's probes, judged."""
    paths = {name: notebooks_dir(None) / f"{name}.ipynb" for name in names}
    runs = runs_without_kernels(paths)
    reference: dict[str, list[Exchange]] = {
        run.notebook: list(load_recording(cassettes_dir(None) / f"{run.notebook}.yaml", run.cells).exchanges)
        for run in runs
    }
    got = resend(reference, proxy.base_url, "sk-mutation-suite")
    return judge_with_probes(runs, got, reference, proxy.base_url, "sk-mutation-suite")


def describe(verdicts: Verdicts) -> str:
    return "\n".join(f"#{r.row} {r.kind} on {r.call}: {r.detail}" for r in verdicts.roots) or "no root cause"


def test_the_clean_proxy_passes(proxy: MutatingProxy) -> None:
    proxy.mutation = None
    verdicts = check_through(proxy, NOTEBOOKS)
    assert verdicts.roots == [], describe(verdicts)
    assert [g.verdict for g in summarise(verdicts)] == ["pass"] * 5


@pytest.mark.parametrize("bug", list(EXPECTED))
def test_each_bug_is_reported_once_at_its_request(proxy: MutatingProxy, bug: str) -> None:
    names, check, call = EXPECTED[bug]
    proxy.mutation = MUTATIONS[bug]
    try:
        verdicts = check_through(proxy, names)
    finally:
        proxy.mutation = None
    print(f"{bug}: {describe(verdicts)}")
    assert len(verdicts.roots) == 1, describe(verdicts)
    [root] = verdicts.roots
    assert root.kind == check, describe(verdicts)
    assert root.call.startswith(call), describe(verdicts)
    row = verdicts.rows[root.row - 1]
    assert row.exchange is not None and row.exchange.call == root.call


def test_every_bug_of_the_proxy_is_in_the_suite() -> None:
    assert set(MUTATIONS) == set(EXPECTED)
