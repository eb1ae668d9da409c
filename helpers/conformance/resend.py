"""Send a reference recording's requests again, in order, to another server: the notebooks' calls without running
the notebooks (no kernel, seconds instead of a minute), for checks that only need the exchanges.

Ids the server hands out replace the reference's ids in later requests (a file created here is not
``file-ZJK…``); bodies go out as recorded (JSON as sent, multipart rebuilt).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import httpx2

from helpers.conformance.checks import json_of
from helpers.conformance.exchanges import Exchange
from helpers.conformance.probes import send
from helpers.conformance.run import NotebookRun
from helpers.recording.interactions import REPLAY_BOUNDARY, JsonBody, MultipartBody, RecordedRequest, body_bytes


def _content_type(request: RecordedRequest) -> str | None:
    if isinstance(request.body, JsonBody):
        return "application/json"
    if isinstance(request.body, MultipartBody):
        return f"multipart/form-data; boundary={REPLAY_BOUNDARY}"
    return None


def _swap(text: str, ids: Mapping[str, str]) -> str:
    return "/".join(ids.get(part, part) for part in text.split("/"))


def _build(
    client: httpx2.Client, root: str, request: RecordedRequest, key: str, ids: Mapping[str, str]
) -> httpx2.Request:
    relative = _swap(request.path, ids).removeprefix("/v1/")
    headers = {"authorization": f"Bearer {key}"}
    if (kind := _content_type(request)) is not None:
        headers["content-type"] = kind
    query: list[tuple[str, str | int | float | bool | None]] = [(k, ids.get(v, v)) for k, v in request.query]
    content = body_bytes(request.body) or None
    return client.build_request(request.method, root + relative, params=query, headers=headers, content=content)


def resend(
    reference: Mapping[str, Sequence[Exchange]], base_url: str, api_key: str, *, timeout: float = 120.0
) -> dict[str, list[Exchange]]:
    """Each notebook's reference requests sent to ``base_url``; the exchanges keep the reference's cells."""
    root = base_url.rstrip("/") + "/"
    got: dict[str, list[Exchange]] = {}
    with httpx2.Client(timeout=timeout, trust_env=True) as client:
        for notebook, exchanges in reference.items():
            ids: dict[str, str] = {}
            got[notebook] = []
            for old in exchanges:
                request = _build(client, root, old.request, api_key, ids)
                new = send(client, base_url, request, notebook=notebook, cell=old.cell)
                got[notebook].append(new)
                before, after = json_of(old), json_of(new)
                was = before.get("id") if isinstance(before, dict) else None
                now = after.get("id") if isinstance(after, dict) else None
                if isinstance(was, str) and isinstance(now, str) and was != now:
                    ids[was] = now
    return got


def runs_without_kernels(notebooks: Mapping[str, Path]) -> list[NotebookRun]:
    """The ``NotebookRun`` of each notebook as if it ran without a cell error (for ``judge``)."""
    import nbformat

    runs = []
    for name, path in notebooks.items():
        notebook = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]
        code = [(i, c) for i, c in enumerate(notebook.cells) if c.cell_type == "code"]
        cells = {str(c.get("id")): i for i, c in code}
        sources = {i: str(c.source) for i, c in code}
        runs.append(NotebookRun(name, Path(), cells, sources, (), len(code), 0.0))
    return runs
