"""A conformance run of every notebook against a server, as the tests run it, and the root causes of one kind."""

from __future__ import annotations

from pathlib import Path

from helpers.config import cassettes_dir, notebooks_dir
from helpers.conformance.harness import evaluate
from helpers.conformance.report import Context
from helpers.conformance.verdict import RootCause, Verdicts
from helpers.runner import resolve_notebooks


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
