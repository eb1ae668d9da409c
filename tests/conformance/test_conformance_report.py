"""The notebooks as a conformance harness, proven on two servers: the sandbox scores full marks; Prism (a
schema-valid but empty mock of the spec) is caught on each known failure, each reported once at its root."""

from __future__ import annotations

from pathlib import Path

import httpx

from helpers.banner import banner_text
from helpers.config import cassettes_dir, notebooks_dir
from helpers.conformance.exchanges import Exchange
from helpers.conformance.harness import evaluate
from helpers.conformance.report import Context, render_markdown, render_text, summarise
from helpers.conformance.run import CellError, NotebookRun
from helpers.conformance.verdict import RootCause, Verdicts, judge
from helpers.recording.interactions import JsonBody, RawBody, RecordedRequest, RecordedResponse
from helpers.recording.persister import read
from helpers.runner import resolve_notebooks
from helpers.sandbox_process import SandboxProcess
from tests.conformance.mutating_proxy import ANOTHER_ACCOUNT, MutatingProxy


def conformance(base_url: str, scratch: Path) -> tuple[Context, Verdicts]:
    return evaluate(
        resolve_notebooks([], notebooks_dir(None)),
        scratch,
        base_url=base_url,
        api_key="sk-conformance-test",
        reference_dir=cassettes_dir(None),
        timeout=300,
        progress=False,
    )


def roots(verdicts: Verdicts, group: str, kind: str) -> list[RootCause]:
    return [r for r in verdicts.roots if r.group == group and r.kind == kind]


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


def test_prism_is_caught_on_each_known_failure_once(prism_url: str, tmp_path: Path) -> None:
    context, verdicts = conformance(prism_url, tmp_path / "run")
    text = render_text(context, verdicts)
    print(text)

    # one output per input: 1 embedding for 16 inputs, 1 moderation result for many inputs
    [embeddings] = roots(verdicts, "embeddings", "one output per input")
    assert "1 embedding(s) for 16 input(s)" in embeddings.detail
    [moderations] = roots(verdicts, "moderations", "one output per input")
    assert moderations.detail.startswith("1 result(s) for ")
    # an unknown id answered 200 where OpenAI answers 404
    [unknown] = [r for r in verdicts.roots if r.kind == "status" and r.detail == "expected 404, got 200"]
    assert unknown.call.startswith("GET /v1/models/")
    # RFC 7807 problem+json and 422 instead of OpenAI's envelope and 400: one request, one root cause
    [envelope] = [r for r in verdicts.roots if "envelope" in r.kinds]
    assert "problem+json" in envelope.detail and "expected 400, got 422" in envelope.detail
    assert {"envelope", "status", "OpenAI status code"} <= set(envelope.kinds)
    # the harness's probes: an id that never existed answered 200, once per group
    probed = [r for r in verdicts.roots if r.kind == "404 for unknown ids"]
    assert sorted(r.group for r in probed) == ["files", "models"] and all(r.where == "harness probe" for r in probed)
    # undecodable base64
    [images] = roots(verdicts, "images", "base64 decodes")
    assert "is not base64" in images.detail
    # cascades are attributed, not repeated: no NameError and no /files/string request is a root of its own
    assert not [r for r in verdicts.roots if "NameError" in r.detail]
    assert not [r for r in verdicts.roots if "/files/string" in r.call]
    assert any(row.verdict.endswith("(cascade)") and "/files/string" in row.call for row in verdicts.rows)
    assert all(g.verdict == "FAIL" for g in summarise(verdicts))
    assert "SDK parses" not in {r.kind for r in verdicts.roots}  # strict SDK validation says nothing here

    # the Markdown report says the same; the recording names Prism as another server, never OpenAI
    markdown = render_markdown(context, verdicts)
    assert all(f"#{r.row} {r.group} · {r.kind}" in markdown for r in verdicts.roots)
    info, _ = read(tmp_path / "run" / "cassettes" / "01_embeddings.yaml")
    assert (info.target, info.host) == ("other", "localhost")
    banner = banner_text(info, "01_embeddings.yaml")
    assert "another OpenAI-compatible server (localhost), not OpenAI" in banner
    assert "OpenAI recording" not in banner and "another OpenAI-compatible server (localhost)" in context.target


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
