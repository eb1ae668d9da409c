"""One recorded HTTP exchange, held as data: JSON bodies parsed, multipart bodies split into parts.

This is the form the matchers compare and the persister writes; vcrpy itself holds bytes (``vcr.request.Request``
and its response dicts), and ``helpers.recording.convert`` goes between the two.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, TypeAlias
from urllib.parse import quote, urlencode

Headers: TypeAlias = dict[str, list[str]]
# Recordings are stored and matched as if made against OpenAI, whichever server answered.
CANONICAL_ORIGIN = "https://api.openai.com"
CANONICAL_BASE_URL = f"{CANONICAL_ORIGIN}/v1"
# The boundary of multipart bodies rebuilt from a cassette (matching never looks at boundaries).
REPLAY_BOUNDARY = "helpers-recording-boundary"
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
    """JSON as data, compared as data. Replay sends it compactly re-serialised; ``indented`` when it came indented
    by two spaces (as OpenAI's API answers); ``verbatim``, the bytes as sent, when neither layout gives them back (a
    file in another layout, say; numbers spelled another way do not count)."""

    data: Any
    verbatim: bytes | None = field(default=None, compare=False)
    indented: bool = field(default=False, compare=False)


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


@lru_cache(maxsize=512)  # vcrpy filters and matches the same request many times; bytes hash once
def parse_body(content: bytes, content_type: str | None) -> Body:
    """Bodies become data where the content type says what they are; anything unparseable stays bytes.

    Cached: the same bytes give the same (shared) object, so never change a parsed body's data in place.
    """
    if not content:
        return RawBody(b"")
    if is_json_type(content_type):
        try:
            data = json.loads(content)
        except ValueError:
            return RawBody(content)
        if reproduces(data, content):
            return JsonBody(data)
        if reproduces(data, content, indent=2):
            return JsonBody(data, indented=True)
        return JsonBody(data, content)
    if media_type(content_type) == "multipart/form-data":
        boundary = content_type_param(content_type or "", "boundary")
        parts = parse_multipart(content, boundary) if boundary else None
        return MultipartBody(parts) if parts is not None else RawBody(content)
    return RawBody(content)


def encode_json(data: Any, indent: int | None = None) -> bytes:
    if indent is not None:
        return json.dumps(data, ensure_ascii=False, indent=indent).encode("utf-8")
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


_NUMBER = re.compile(rb"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")


def _numbers_as_values(text: bytes) -> bytes:
    return _NUMBER.sub(lambda m: repr(float(m.group(0))).encode(), text)


def reproduces(data: Any, content: bytes, indent: int | None = None) -> bool:
    """Whether serialising ``data`` (compactly, or indented) gives ``content`` back, apart from how numbers are
    spelled (orjson writes 0.000085, Python 8.5e-05: the same number)."""
    again = encode_json(data, indent)
    return again == content or _numbers_as_values(again) == _numbers_as_values(content)


def body_bytes(body: Body, boundary: str = REPLAY_BOUNDARY) -> bytes:
    """The bytes a replayed body carries: JSON compactly re-serialised, or exactly as sent when that differs."""
    if isinstance(body, JsonBody):
        if body.verbatim is not None:
            return body.verbatim
        return encode_json(body.data, 2 if body.indented else None)
    if isinstance(body, MultipartBody):
        return encode_multipart(body.parts, boundary)
    return body.content


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def encode_multipart(parts: tuple[Part, ...], boundary: str) -> bytes:
    """A multipart/form-data body that ``parse_multipart`` reads back as the same parts."""
    out = bytearray()
    for part in parts:
        disposition = f"form-data; name={_quoted(part.name)}"
        if part.filename is not None:
            disposition += f"; filename={_quoted(part.filename)}"
        head = f"--{boundary}\r\nContent-Disposition: {disposition}\r\n"
        if part.content_type is not None:
            head += f"Content-Type: {part.content_type}\r\n"
        out += head.encode("utf-8") + b"\r\n" + part.content + b"\r\n"
    return bytes(out + f"--{boundary}--\r\n".encode())


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
