"""One recorded HTTP exchange, held as data: JSON bodies parsed, multipart bodies split into parts."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, TypeAlias
from urllib.parse import quote, urlencode

from helpers.config import CANONICAL_BASE_URL

Headers: TypeAlias = dict[str, list[str]]
CANONICAL_ORIGIN = CANONICAL_BASE_URL.removesuffix("/v1")
_PATH_SAFE = "/:@!$&'()*+,;=-._~"  # ids like "ft:gpt-4o-mini:org::x" stay readable; "?", "#", "%" are escaped


@dataclass(frozen=True)
class Part:
    """One field of a multipart form: a text field (no filename) or a file."""

    name: str
    content: bytes
    filename: str | None = None
    content_type: str | None = None


@dataclass(frozen=True)
class JsonBody:
    data: Any


@dataclass(frozen=True)
class MultipartBody:
    parts: tuple[Part, ...]


@dataclass(frozen=True)
class RawBody:
    content: bytes = b""


Body: TypeAlias = JsonBody | MultipartBody | RawBody


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str  # canonical, e.g. "/v1/files/file-abc"
    query: tuple[tuple[str, str], ...] = ()
    headers: Headers = field(default_factory=dict)
    body: Body = RawBody()

    @property
    def uri(self) -> str:
        query = f"?{urlencode(self.query)}" if self.query else ""
        return f"{CANONICAL_ORIGIN}{quote(self.path, safe=_PATH_SAFE)}{query}"


@dataclass(frozen=True)
class RecordedResponse:
    status: int
    headers: Headers = field(default_factory=dict)
    body: Body = RawBody()

    def header(self, name: str) -> str | None:
        values = self.headers.get(name.lower())
        return values[0] if values else None


@dataclass(frozen=True)
class Interaction:
    request: RecordedRequest
    response: RecordedResponse
    cell: str | None = None  # a short hash of the source of the notebook cell that made the request


def media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def is_json_type(content_type: str | None) -> bool:
    kind = media_type(content_type)
    return kind == "application/json" or kind.endswith("+json")


def parse_body(content: bytes, content_type: str | None) -> Body:
    """Bodies become data where the content type says what they are; anything unparseable stays bytes."""
    if not content:
        return RawBody(b"")
    if is_json_type(content_type):
        try:
            return JsonBody(json.loads(content))
        except ValueError:
            return RawBody(content)
    if media_type(content_type) == "multipart/form-data":
        boundary = content_type_param(content_type or "", "boundary")
        parts = parse_multipart(content, boundary) if boundary else None
        return MultipartBody(parts) if parts is not None else RawBody(content)
    return RawBody(content)


def encode_json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def body_bytes(body: Body) -> bytes:
    """The bytes a replayed response carries. JSON is re-serialised compactly (whitespace is not kept)."""
    if isinstance(body, JsonBody):
        return encode_json(body.data)
    if isinstance(body, RawBody):
        return body.content
    raise TypeError("multipart bodies are only ever requests and are never replayed as bytes")


_PARAM = re.compile(r';\s*([^\s=;]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)')


def content_type_param(header_value: str, name: str) -> str | None:
    for key, value in _PARAM.findall(header_value):
        if key.lower() == name:
            value = value.strip()
            if value.startswith('"') and value.endswith('"'):
                value = re.sub(r"\\(.)", r"\1", value[1:-1])
            return str(value)
    return None


def parse_multipart(content: bytes, boundary: str) -> tuple[Part, ...] | None:
    """Split a multipart/form-data body; ``None`` when it is not well formed (it is then compared as bytes)."""
    delimiter = b"\r\n--" + boundary.encode("latin-1")
    pieces = (b"\r\n" + content).split(delimiter)
    if len(pieces) < 2 or pieces[0].strip():
        return None
    parts: list[Part] = []
    for piece in pieces[1:]:
        if piece.startswith(b"--"):
            return tuple(parts)
        if not piece.startswith(b"\r\n"):
            return None
        head, separator, payload = piece[2:].partition(b"\r\n\r\n")
        if not separator:
            return None
        headers = {}
        for line in head.decode("utf-8", errors="replace").split("\r\n"):
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
        disposition = headers.get("content-disposition", "")
        name = content_type_param(disposition, "name")
        if name is None:
            return None
        parts.append(
            Part(
                name=name,
                content=payload,
                filename=content_type_param(disposition, "filename"),
                content_type=headers.get("content-type"),
            )
        )
    return None  # no closing delimiter: truncated
