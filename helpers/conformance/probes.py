"""Requests the harness makes itself, after the notebooks: retrieve and delete ids that never existed.

No notebook deletes an id twice or asks for one it never made, yet a server that answers ``200 deleted: true`` for
any id loses a learner's mistakes silently. Each probe must answer 404 with OpenAI's error envelope; they are
checked like any other exchange (as the notebook ``probe``), and sent only for the groups the run exercised.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

import httpx2

from helpers.conformance.exchanges import PROBE_NOTEBOOK, Exchange
from helpers.recording.exchange import recorded_request, recorded_response

UNKNOWN_FILE = "file-conformanceprobe0unknown"
UNKNOWN_MODEL = "conformance-probe-unknown-model"
UNKNOWN_IDS = frozenset({UNKNOWN_FILE, UNKNOWN_MODEL})
_PROBES = {
    "files": [("GET", f"files/{UNKNOWN_FILE}"), ("DELETE", f"files/{UNKNOWN_FILE}")],
    "models": [("GET", f"models/{UNKNOWN_MODEL}"), ("DELETE", f"models/{UNKNOWN_MODEL}")],
}


def send(client: httpx2.Client, base_url: str, request: httpx2.Request, *, notebook: str, cell: int | None) -> Exchange:
    """Send one request and keep it as an exchange (headers scrubbed as a recording's are; nothing is stored)."""
    response = client.send(request)
    response.read()
    return Exchange(notebook, cell, recorded_request(request, base_url), recorded_response(response))


def probe(base_url: str, api_key: str, groups: Iterable[str], *, timeout: float = 30.0) -> list[Exchange]:
    """The probes of ``groups`` (those with probes), in a fixed order."""
    root = base_url.rstrip("/") + "/"
    headers = {"authorization": f"Bearer {api_key}", "user-agent": "helpers.conformance probe"}
    wanted = [p for group in sorted(set(groups)) for p in _PROBES.get(group, [])]
    if not wanted or not urlsplit(root).hostname:
        return []
    found: list[Exchange] = []
    with httpx2.Client(timeout=timeout, trust_env=True) as client:
        for method, path in wanted:
            request = client.build_request(method, root + path, headers=headers)
            try:
                found.append(send(client, base_url, request, notebook=PROBE_NOTEBOOK, cell=None))
            except httpx2.TransportError:
                break  # the server is gone: the notebooks' failures already say so
    return found
