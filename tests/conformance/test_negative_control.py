"""The negative control of the conformance proof: Stoplight Prism (a schema-valid but empty mock of the spec, from the
committed lockfile in tests/conformance/prism_cli) is caught on each known failure, each reported once at its root.
(A module of its own, apart from the sandbox's runs: pytest-xdist can run it beside them.)"""

from __future__ import annotations

from pathlib import Path

from helpers.banner import banner_text
from helpers.conformance.report import render_markdown, render_text, summarise
from helpers.recording.persister import read
from tests.conformance.runs import conformance, roots


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
