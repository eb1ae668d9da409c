"""The notebooks as a conformance harness, proven on two servers: the sandbox scores full marks, and again on a server
holding other files and models; Prism, the negative control, is caught on each known failure, each reported once at
its root (test_negative_control.py)."""

from __future__ import annotations

from pathlib import Path

import httpx

from helpers.conformance.exchanges import Exchange
from helpers.conformance.report import render_text, summarise
from helpers.conformance.run import CellError, NotebookRun
from helpers.conformance.verdict import judge
from helpers.recording.interactions import JsonBody, RawBody, RecordedRequest, RecordedResponse
from helpers.sandbox_process import SandboxProcess
from tests.conformance.mutating_proxy import ANOTHER_ACCOUNT, MutatingProxy
from tests.conformance.runs import conformance


def test_the_sandbox_scores_full_marks(fresh_sandbox: SandboxProcess, tmp_path: Path) -> None:
    context, verdicts = conformance(fresh_sandbox.base_url, tmp_path / "run")
    print(render_text(context, verdicts))
    assert verdicts.roots == [], render_text(context, verdicts)
    assert [g.verdict for g in summarise(verdicts)] == ["pass"] * 5
    assert "the local sandbox" in context.target and "the local sandbox" in context.reference


def test_a_second_run_on_a_server_holding_other_files_and_models_passes(
    fresh_sandbox: SandboxProcess, tmp_path: Path
) -> None:
    """After the run above (same sandbox, same data folder: its leftover files, its fine-tuned model deleted), with
    unrelated uploads, and a catalogue of another order with one more model (through a proxy): still no root cause."""
    for name, purpose, content in [
        ("old.jsonl", "fine-tune", b'{"messages": []}\n'),
        ("notes.txt", "assistants", b"someone else's notes"),
        ("table.csv", "user_data", b"a,b\n1,2\n"),
    ]:
        answer = httpx.post(
            f"{fresh_sandbox.base_url}/files",
            headers={"authorization": "Bearer sk-other"},
            data={"purpose": purpose},
            files={"file": (name, content)},
        )
        assert answer.status_code == 200, answer.text
    proxy = MutatingProxy(fresh_sandbox.base_url.removesuffix("/v1"), ANOTHER_ACCOUNT)
    with proxy.running():
        context, verdicts = conformance(proxy.base_url, tmp_path / "run")
    print(render_text(context, verdicts))
    assert verdicts.roots == [], render_text(context, verdicts)
    assert [g.verdict for g in summarise(verdicts)] == ["pass"] * 5


def _exchange(cell: int, path: str, body: object, status: int, answer: object) -> Exchange:
    request = RecordedRequest("POST" if body is not None else "GET", path, body=JsonBody(body) if body else RawBody())
    headers = {"content-type": ["application/json"]}
    return Exchange("01_embeddings", cell, request, RecordedResponse(status, headers, JsonBody(answer)))


def test_a_repeated_failure_and_its_cascades_are_reported_once_at_the_root() -> None:
    one = {"object": "list", "data": [{"object": "embedding", "index": 0, "embedding": [0.5]}], "model": "m"}
    one |= {"usage": {"prompt_tokens": 1, "total_tokens": 1}}
    got = [
        _exchange(1, "/v1/embeddings", {"model": "m", "input": ["a", "b"], "encoding_format": "float"}, 200, one),
        _exchange(3, "/v1/embeddings", {"model": "m", "input": ["c", "d", "e"], "encoding_format": "float"}, 200, one),
    ]
    run = NotebookRun(
        notebook="01_embeddings",
        cassette=Path("unused"),
        cells={},
        sources={1: "vectors = client.embeddings.create(input=['a', 'b'])", 2: "x = vectors.data[1]", 4: "print(y)"},
        errors=(
            CellError(2, "IndexError", "list index out of range"),
            CellError(4, "NameError", "name 'y' is not defined"),
        ),
        code_cells=5,
        seconds=0.0,
    )
    verdicts = judge([run], {"01_embeddings": got}, {})
    assert [(r.row, r.kind) for r in verdicts.roots] == [(1, "one output per input"), (4, "cell error")]
    assert verdicts.roots[0].repeats == 1
    assert [r.verdict for r in verdicts.rows] == ["FAIL", "↳ #1 (cascade)", "↳ #1 (same cause)", "FAIL"]


def test_groups_of_notebooks_not_run_are_not_run_not_fail() -> None:
    vector = {"object": "embedding", "index": 0, "embedding": [0.5]}
    answer = {"object": "list", "data": [vector], "model": "m", "usage": {"prompt_tokens": 1, "total_tokens": 1}}
    got = [_exchange(1, "/v1/embeddings", {"model": "m", "input": "a", "encoding_format": "float"}, 200, answer)]
    run = NotebookRun("01_embeddings", Path("unused"), {}, {1: "client.embeddings.create(input='a')"}, (), 2, 0.0)
    verdicts = judge([run], {"01_embeddings": got}, {})
    table = {g.group: (g.reachable, g.verdict) for g in summarise(verdicts)}
    assert table["embeddings"] == ("yes", "pass")
    assert {table[g] for g in ("files", "images", "models", "moderations")} == {("not run", "not run")}
    # a group the notebooks that ran should have called, yet never did, still fails
    reference = {"01_embeddings": [*got, _exchange(2, "/v1/models", None, 200, {"object": "list", "data": []})]}
    table = {g.group: g.verdict for g in summarise(judge([run], {"01_embeddings": got}, reference))}
    assert table["models"] == "FAIL"
