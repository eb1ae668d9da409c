"""What must hold for any OpenAI-compatible server, reference or not, checked on one notebook's exchanges in order.

Each check is named (the name is what the report and the root-cause grouping use):

- ``OpenAI status code``: the status is one OpenAI uses (no 406, no 422 for a bad parameter: that is a 400);
- ``one output per input``: embeddings ``data`` and moderation ``results`` count the inputs, ``index`` in order;
- ``dimensions honoured``: every embedding has ``dimensions`` numbers (decoded, for base64);
- ``base64 decodes``: base64 embeddings decode to float32s; ``b64_json`` images decode to an image file;
- ``n images``: as many images as ``n`` asked for;
- ``ids round-trip``: a created file's id is new, retrieve/delete answer with the id asked for, its content is
  the uploaded bytes;
- ``404 for unknown ids``: a file or model asked for after it was deleted is 404.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from helpers.conformance.checks import json_of
from helpers.conformance.exchanges import Exchange
from helpers.recording.interactions import JsonBody, MultipartBody, RawBody

OPENAI_STATUSES = frozenset({200, 400, 401, 403, 404, 409, 413, 415, 429, 500, 502, 503})
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"RIFF", b"GIF8")


@dataclass(frozen=True)
class Broken:
    check: str
    detail: str


def _request_json(exchange: Exchange) -> dict[str, Any]:
    body = exchange.request.body
    if isinstance(body, JsonBody) and isinstance(body.data, dict):
        return body.data
    if isinstance(body, MultipartBody):
        return {p.name: p.content.decode("utf-8", "replace") for p in body.parts if p.filename is None}
    return {}


def _count_inputs(value: Any, *, moderation: bool) -> int | None:
    if isinstance(value, str):
        return 1
    if not isinstance(value, list) or not value:
        return None
    if all(isinstance(v, int) for v in value):
        return 1  # one input given as token ids
    if moderation and all(isinstance(v, dict) for v in value):
        return 1  # one multimodal input made of parts
    return len(value)


def _decodes(text: str) -> bytes | None:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


def _stream_events(exchange: Exchange) -> list[dict[str, Any]]:
    body = exchange.response.body
    if not isinstance(body, RawBody) or "event-stream" not in (exchange.response.header("content-type") or ""):
        return []
    events = []
    for line in body.content.decode("utf-8", "replace").splitlines():
        if line.startswith("data:") and line[5:].strip() not in ("", "[DONE]"):
            try:
                events.append(json.loads(line[5:]))
            except ValueError:
                events.append({})
    return events


def _embeddings(exchange: Exchange, data: Any) -> list[Broken]:
    asked = _request_json(exchange)
    items = data.get("data") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return []
    broken = []
    inputs = _count_inputs(asked.get("input"), moderation=False)
    if inputs is not None and len(items) != inputs:
        broken.append(Broken("one output per input", f"{len(items)} embedding(s) for {inputs} input(s)"))
    elif any(isinstance(i, dict) and i.get("index") != n for n, i in enumerate(items)):
        broken.append(Broken("one output per input", "index is not 0, 1, 2, … in order"))
    base64_asked = asked.get("encoding_format") == "base64"
    sizes = set()
    for item in items:
        vector = item.get("embedding") if isinstance(item, dict) else None
        if base64_asked:
            raw = _decodes(vector) if isinstance(vector, str) else None
            if raw is None or len(raw) % 4:
                broken.append(Broken("base64 decodes", f"embedding is {type(vector).__name__}, not float32 base64"))
                return broken
            sizes.add(len(raw) // 4)
        elif isinstance(vector, list):
            sizes.add(len(vector))
    wanted = asked.get("dimensions")
    if isinstance(wanted, int) and sizes and sizes != {wanted}:
        broken.append(Broken("dimensions honoured", f"asked {wanted}, got {sorted(sizes)}"))
    return broken


def _moderations(exchange: Exchange, data: Any) -> list[Broken]:
    results = data.get("results") if isinstance(data, dict) else None
    inputs = _count_inputs(_request_json(exchange).get("input"), moderation=True)
    if isinstance(results, list) and inputs is not None and len(results) != inputs:
        return [Broken("one output per input", f"{len(results)} result(s) for {inputs} input(s)")]
    return []


def _image_problem(item: Any) -> str | None:
    text = item.get("b64_json") if isinstance(item, dict) else None
    if not isinstance(text, str):
        return None
    raw = _decodes(text)
    if raw is None:
        return f"b64_json {text[:12]!r} is not base64"
    if not raw.startswith(_IMAGE_MAGIC):
        return "b64_json decodes, but not to a PNG, JPEG, WebP or GIF file"
    return None


def _images(exchange: Exchange, data: Any) -> list[Broken]:
    events = _stream_events(exchange)
    items = events if events else (data.get("data") if isinstance(data, dict) else None)
    if not isinstance(items, list):
        return []
    broken = []
    problem = next((p for p in map(_image_problem, items) if p), None)
    if problem:
        broken.append(Broken("base64 decodes", problem))
    asked = _request_json(exchange)
    n = int(asked.get("n", 1)) if str(asked.get("n", 1)).isdigit() else 1
    if not events and len(items) != n:
        broken.append(Broken("n images", f"asked n={n}, got {len(items)}"))
    return broken


class _Ids:
    """File and model ids across a notebook: created, uploaded bytes, deleted."""

    def __init__(self) -> None:
        self.created: set[str] = set()
        self.uploaded: dict[str, bytes] = {}
        self.deleted: set[str] = set()

    def check(self, exchange: Exchange, data: Any) -> list[Broken]:
        endpoint, status = exchange.endpoint, exchange.response.status
        sdk = endpoint.sdk if endpoint else ""
        last = exchange.request.path.rstrip("/").split("/")[-1]
        asked_id = exchange.request.path.split("/")[3] if exchange.request.path.count("/") >= 3 else last
        if sdk in ("files.retrieve", "models.retrieve", "files.content") and asked_id in self.deleted:
            if status != 404:
                return [Broken("404 for unknown ids", f"{asked_id} was deleted, yet answered {status}")]
            return []
        if status >= 300:
            return []
        got_id = data.get("id") if isinstance(data, dict) else None
        if sdk == "files.create":
            broken = []
            if not isinstance(got_id, str) or got_id in self.created:
                broken.append(Broken("ids round-trip", f"created file id {got_id!r} is not new"))
            if isinstance(got_id, str):
                self.created.add(got_id)
                upload = self._upload(exchange)
                if upload is not None:
                    self.uploaded[got_id] = upload
            return broken
        if sdk in ("files.retrieve", "files.delete", "models.retrieve", "models.delete") and got_id != asked_id:
            return [Broken("ids round-trip", f"asked for {asked_id!r}, answered id {got_id!r}")]
        if sdk in ("files.delete", "models.delete"):
            self.deleted.add(asked_id)
        if sdk == "files.content" and asked_id in self.uploaded:
            body = exchange.response.body
            content = body.content if isinstance(body, RawBody) else json.dumps(json_of(exchange)).encode()
            if content != self.uploaded[asked_id]:
                return [Broken("ids round-trip", f"content of {asked_id} is not the uploaded bytes")]
        return []

    @staticmethod
    def _upload(exchange: Exchange) -> bytes | None:
        body = exchange.request.body
        if isinstance(body, MultipartBody):
            return next((p.content for p in body.parts if p.name == "file"), None)
        return None


def check_notebook(exchanges: Sequence[Exchange]) -> list[list[Broken]]:
    """The broken invariants of each exchange, in order (ids are followed across the notebook's exchanges)."""
    ids = _Ids()
    found: list[list[Broken]] = []
    for exchange in exchanges:
        status, data = exchange.response.status, json_of(exchange)
        broken = []
        if status not in OPENAI_STATUSES:
            broken.append(Broken("OpenAI status code", f"{status} is not a status OpenAI answers"))
        group = exchange.group
        if status < 300 and group == "embeddings":
            broken += _embeddings(exchange, data)
        elif status < 300 and group == "moderations":
            broken += _moderations(exchange, data)
        elif status < 300 and group == "images":
            broken += _images(exchange, data)
        broken += ids.check(exchange, data)
        found.append(broken)
    return found
