"""What must hold for any OpenAI-compatible server, reference or not, checked on one notebook's exchanges in order.

Each check is named (the name is what the report and the root-cause grouping use):

- ``OpenAI status code``: the status is one OpenAI uses (no 406, no 422 for a bad parameter: that is a 400);
- ``one output per input``: embeddings ``data`` and moderation ``results`` count the inputs, ``index`` in order;
- ``dimensions honoured``: every embedding has ``dimensions`` numbers (decoded, for base64);
- ``usage present``: an embeddings answer says how many tokens it counted;
- ``model echoed``: an embeddings answer names the model asked for (or a dated snapshot of it);
- ``base64 decodes``: base64 embeddings decode to float32s; ``b64_json`` images decode to an image file;
- ``n images``: as many images as ``n`` asked for;
- ``image size and format``: a ``size`` of ``WxH`` and an ``output_format`` asked for are what the image is;
- ``list consistent``: ids in a list are unique, no more than ``limit`` of them, ``has_more`` only with a full
  page, and a file this run uploaded (and has not deleted) is in a complete list that its filter admits;
- ``ids round-trip``: a created file's id is new, retrievable, retrieve/delete answer with the id asked for, its
  content is the uploaded bytes;
- ``404 for unknown ids``: a file or model asked for after it was deleted, or that never existed (the harness's
  probes), is 404.

What a list holds, in which order and how many, is the account's state and is never compared with a reference.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections import Counter
from collections.abc import Sequence, Set
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from helpers.conformance.checks import json_of
from helpers.conformance.exchanges import Exchange
from helpers.recording.interactions import JsonBody, MultipartBody, RawBody, body_bytes

OPENAI_STATUSES = frozenset({200, 400, 401, 403, 404, 409, 413, 415, 429, 500, 502, 503})
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"RIFF", b"GIF8")
_FORMATS = {"png": "PNG", "jpeg": "JPEG", "jpg": "JPEG", "webp": "WEBP"}  # output_format → Pillow's name


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
    usage = data.get("usage")
    if not isinstance(usage, dict) or not all(isinstance(usage.get(k), int) for k in ("prompt_tokens", "total_tokens")):
        broken.append(Broken("usage present", f"usage is {json.dumps(usage)[:60]}, not prompt_tokens and total_tokens"))
    model, answered = asked.get("model"), data.get("model")
    if isinstance(model, str) and not (isinstance(answered, str) and answered.startswith(model)):
        broken.append(Broken("model echoed", f"asked {model!r}, answered model {answered!r}"))
    return broken


def _moderations(exchange: Exchange, data: Any) -> list[Broken]:
    results = data.get("results") if isinstance(data, dict) else None
    inputs = _count_inputs(_request_json(exchange).get("input"), moderation=True)
    if isinstance(results, list) and inputs is not None and len(results) != inputs:
        return [Broken("one output per input", f"{len(results)} result(s) for {inputs} input(s)")]
    return []


def _b64_image(item: Any) -> tuple[str | None, bytes | None]:
    """An image item's ``b64_json`` text and its decoded bytes (None where absent or not base64)."""
    text = item.get("b64_json") if isinstance(item, dict) else None
    return (text, _decodes(text)) if isinstance(text, str) else (None, None)


def _image_problem(text: str | None, raw: bytes | None) -> str | None:
    if text is None:
        return None
    if raw is None:
        return f"b64_json {text[:12]!r} is not base64"
    if not raw.startswith(_IMAGE_MAGIC):
        return "b64_json decodes, but not to a PNG, JPEG, WebP or GIF file"
    return None


def _size_or_format_problem(raw: bytes | None, asked: dict[str, Any]) -> str | None:
    """The decoded image's pixel size against ``size`` (``WxH``; ``auto`` or absent: any) and its file format
    against ``output_format`` (absent: not checked)."""
    if raw is None:
        return None
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(BytesIO(raw)) as image:
            size, kind = image.size, image.format
    except (UnidentifiedImageError, OSError, ValueError):
        return None  # "base64 decodes" says it
    wanted_size = str(asked.get("size", ""))
    if "x" in wanted_size and wanted_size != f"{size[0]}x{size[1]}":
        return f"asked size {wanted_size}, got {size[0]}x{size[1]}"
    wanted_format = _FORMATS.get(str(asked.get("output_format", "")).lower())
    if wanted_format is not None and kind != wanted_format:
        return f"asked output_format {asked['output_format']}, got {kind}"
    return None


def _images(exchange: Exchange, data: Any) -> list[Broken]:
    events = _stream_events(exchange)
    items = events if events else (data.get("data") if isinstance(data, dict) else None)
    if not isinstance(items, list):
        return []
    broken = []
    pictures = [_b64_image(item) for item in items]  # each picture decoded once
    problem = next((p for text, raw in pictures if (p := _image_problem(text, raw))), None)
    if problem:
        broken.append(Broken("base64 decodes", problem))
    asked = _request_json(exchange)
    n = int(asked.get("n", 1)) if str(asked.get("n", 1)).isdigit() else 1
    if not events and len(items) != n:
        broken.append(Broken("n images", f"asked n={n}, got {len(items)}"))
    finals = [
        raw
        for item, (_, raw) in zip(items, pictures, strict=True)
        if not events or "partial" not in str(item.get("type", ""))
    ]
    wrong = next((p for raw in finals if (p := _size_or_format_problem(raw, asked))), None)
    if wrong and not problem:
        broken.append(Broken("image size and format", wrong))
    return broken


class _Ids:
    """File and model ids across a notebook: created (with their purpose), uploaded bytes, deleted, unknown."""

    def __init__(self, unknown: Set[str] = frozenset()) -> None:
        self.created: dict[str, str] = {}  # id -> purpose
        self.uploaded: dict[str, bytes] = {}
        self.deleted: set[str] = set()
        self.unknown = unknown

    def check(self, exchange: Exchange, data: Any) -> list[Broken]:
        endpoint, status = exchange.endpoint, exchange.response.status
        sdk = endpoint.sdk if endpoint else ""
        last = exchange.request.path.rstrip("/").split("/")[-1]
        asked_id = exchange.request.path.split("/")[3] if exchange.request.path.count("/") >= 3 else last
        by_id = ("files.retrieve", "models.retrieve", "files.content", "files.delete", "models.delete")
        if sdk in by_id and (asked_id in self.deleted or asked_id in self.unknown):
            if status != 404:
                why = "was deleted" if asked_id in self.deleted else "never existed"
                return [Broken("404 for unknown ids", f"{asked_id} {why}, yet answered {status}")]
            return []
        if sdk in ("files.retrieve", "files.content") and asked_id in self.created and status >= 300:
            return [Broken("ids round-trip", f"{asked_id} was created by this run, yet answered {status}")]
        if status >= 300 or (data is None and sdk != "files.content"):
            return []  # an answer that is not JSON: "JSON answer" says so
        got_id = data.get("id") if isinstance(data, dict) else None
        if sdk == "files.create":
            return self._created(exchange, got_id)
        if sdk == "files.list":
            return _list_problems(exchange, data, self._expected_in(exchange))
        if sdk == "models.list":
            return _list_problems(exchange, data, set())
        if sdk in ("files.retrieve", "files.delete", "models.retrieve", "models.delete") and got_id != asked_id:
            return [Broken("ids round-trip", f"asked for {asked_id!r}, answered id {got_id!r}")]
        if sdk in ("files.delete", "models.delete"):
            self.deleted.add(asked_id)
        if sdk == "files.content" and asked_id in self.uploaded:
            body = exchange.response.body
            content = body_bytes(body)
            if content != self.uploaded[asked_id]:
                sizes = f"{len(content)} bytes, uploaded {len(self.uploaded[asked_id])}"
                return [Broken("ids round-trip", f"content of {asked_id} is not the uploaded bytes ({sizes})")]
        return []

    def _created(self, exchange: Exchange, got_id: Any) -> list[Broken]:
        broken = []
        if not isinstance(got_id, str) or got_id in self.created:
            broken.append(Broken("ids round-trip", f"created file id {got_id!r} is not new"))
        if isinstance(got_id, str):
            self.created[got_id] = str(_request_json(exchange).get("purpose", ""))
            upload = self._upload(exchange)
            if upload is not None:
                self.uploaded[got_id] = upload
        return broken

    def _expected_in(self, exchange: Exchange) -> set[str]:
        """The files this run made that a complete page of this list must show (filters and cursors respected)."""
        query = dict(exchange.request.query)
        if "after" in query or "limit" in query:
            return set()  # a page: which files it holds depends on the account's other files
        purpose = query.get("purpose")
        return {i for i, p in self.created.items() if i not in self.deleted and purpose in (None, p)}

    @staticmethod
    def _upload(exchange: Exchange) -> bytes | None:
        body = exchange.request.body
        if isinstance(body, MultipartBody):
            return next((p.content for p in body.parts if p.name == "file"), None)
        return None


def _list_problems(exchange: Exchange, data: Any, expected: set[str]) -> list[Broken]:
    """Ids unique, at most ``limit`` items, ``has_more`` only with a full page, and ``expected`` ids present when
    the list is complete."""
    items = data.get("data") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return []
    ids = [i.get("id") for i in items if isinstance(i, dict)]
    problems = []
    repeated = sorted(i for i, times in Counter(map(str, ids)).items() if times > 1)  # compared as text
    if repeated:
        problems.append(f"ids listed twice: {', '.join(repeated[:3])}")
    limit = dict(exchange.request.query).get("limit", "")
    has_more = data.get("has_more")
    if limit.isdigit() and len(items) > int(limit):
        problems.append(f"{len(items)} items for limit={limit}")
    elif limit.isdigit() and has_more is True and len(items) < int(limit):
        problems.append(f"has_more is true after {len(items)} items for limit={limit}")
    if has_more is not True:
        missing = sorted(expected - set(ids))
        if missing:
            problems.append(f"{', '.join(missing[:3])} uploaded by this run, not listed")
    return [Broken("list consistent", "; ".join(problems))] if problems else []


def check_notebook(exchanges: Sequence[Exchange], unknown: Set[str] = frozenset()) -> list[list[Broken]]:
    """The broken invariants of each exchange, in order (ids are followed across the notebook's exchanges);
    ``unknown``: ids that never existed (the harness's probes)."""
    ids = _Ids(unknown)
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
