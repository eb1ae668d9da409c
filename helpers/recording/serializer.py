"""Interactions to and from vcrpy-style YAML, with JSON kept as data and large payloads moved to side files.

Body forms (requests and responses alike)::

    body: null                      # no request body
    body: {json: <data>}            # JSON, as YAML data; a long base64 string inside becomes {$blob: <ref>}
    body: {json: <data>, layout: indented}   # JSON that came indented by two spaces (OpenAI's answers)
    body: {json_string: <text>}     # JSON in any other layout, kept as sent (a file's exact bytes)
    body: {json_blob: <ref>}        # the same, long
    body: {string: <text>}          # short UTF-8 text
    body: {blob: <ref>}             # binary or long: the side file's bytes are the body
    body: {multipart: [{name, filename?, content_type?, string | blob}]}

``<ref>`` is a path relative to the cassettes folder, ``<notebook>/<sha256>.<ext>``.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable
from http import HTTPStatus
from typing import Any, Protocol
from urllib.parse import parse_qsl, unquote, urlsplit

import yaml

from helpers.recording.errors import CassetteFormatError
from helpers.recording.interactions import (
    Body,
    Headers,
    Interaction,
    JsonBody,
    MultipartBody,
    Part,
    RawBody,
    RecordedRequest,
    RecordedResponse,
)

FORMAT_VERSION = 1
BLOB_KEY = "$blob"
LITERAL_KEY = "$literal"  # escapes a real JSON object that happens to look like a blob reference
_BASE64 = re.compile(r"[A-Za-z0-9+/]+={0,2}")


class BlobSink(Protocol):
    def put(self, data: bytes) -> str: ...


class BlobSource(Protocol):
    def get(self, ref: str) -> bytes: ...


# --- JSON values with blob references ---------------------------------------------------------------------


def _as_base64_payload(text: str, threshold: int) -> bytes | None:
    if len(text) < threshold or len(text) % 4 or not _BASE64.fullmatch(text):
        return None
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if base64.b64encode(raw).decode("ascii") == text else None  # only if it comes back identical


def _deflate(value: Any, sink: BlobSink, threshold: int) -> Any:
    if isinstance(value, str):
        raw = _as_base64_payload(value, threshold)
        return {BLOB_KEY: sink.put(raw)} if raw is not None else value
    if isinstance(value, list):
        return [_deflate(item, sink, threshold) for item in value]
    if isinstance(value, dict):
        deflated = {key: _deflate(item, sink, threshold) for key, item in value.items()}
        return {LITERAL_KEY: deflated} if set(value) in ({BLOB_KEY}, {LITERAL_KEY}) else deflated
    return value


def _inflate(value: Any, source: BlobSource) -> Any:
    if isinstance(value, list):
        return [_inflate(item, source) for item in value]
    if isinstance(value, dict):
        if set(value) == {BLOB_KEY}:
            return base64.b64encode(source.get(str(value[BLOB_KEY]))).decode("ascii")
        if set(value) == {LITERAL_KEY} and isinstance(value[LITERAL_KEY], dict):
            return {key: _inflate(item, source) for key, item in value[LITERAL_KEY].items()}
        return {key: _inflate(item, source) for key, item in value.items()}
    return value


# --- bodies -------------------------------------------------------------------------------------------------


def _content_to_yaml(content: bytes, sink: BlobSink, threshold: int) -> dict[str, Any]:
    if len(content) < threshold:
        try:
            return {"string": content.decode("utf-8")}
        except UnicodeDecodeError:
            pass
    return {"blob": sink.put(content)}


def _content_from_yaml(data: dict[str, Any], source: BlobSource) -> bytes:
    if "blob" in data:
        return source.get(str(data["blob"]))
    return str(data.get("string", "")).encode("utf-8")


def body_to_yaml(body: Body, sink: BlobSink, threshold: int, *, empty_as_none: bool) -> dict[str, Any] | None:
    if isinstance(body, JsonBody):
        if body.verbatim is not None:  # JSON whose exact bytes matter (see JsonBody): kept as text
            return {f"json_{key}": value for key, value in _content_to_yaml(body.verbatim, sink, threshold).items()}
        data = {"json": _deflate(body.data, sink, threshold)}
        return data | {"layout": "indented"} if body.indented else data
    if isinstance(body, MultipartBody):
        parts = []
        for part in body.parts:
            item: dict[str, Any] = {"name": part.name}
            if part.filename is not None:
                item["filename"] = part.filename
            if part.content_type is not None:
                item["content_type"] = part.content_type
            item.update(_content_to_yaml(part.content, sink, threshold))
            parts.append(item)
        return {"multipart": parts}
    if not body.content and empty_as_none:
        return None
    return _content_to_yaml(body.content, sink, threshold)


def body_from_yaml(data: Any, source: BlobSource) -> Body:
    if data is None:
        return RawBody(b"")
    if not isinstance(data, dict):
        raise CassetteFormatError(f"a body must be a mapping or null, found {type(data).__name__}")
    if "json" in data:
        return JsonBody(_inflate(data["json"], source), indented=data.get("layout") == "indented")
    if "json_string" in data or "json_blob" in data:
        text = _content_from_yaml({key.removeprefix("json_"): value for key, value in data.items()}, source)
        return JsonBody(json.loads(text), text)
    if "multipart" in data:
        return MultipartBody(
            tuple(
                Part(
                    name=str(item["name"]),
                    content=_content_from_yaml(item, source),
                    filename=item.get("filename"),
                    content_type=item.get("content_type"),
                )
                for item in data["multipart"]
            )
        )
    return RawBody(_content_from_yaml(data, source))


# --- interactions -------------------------------------------------------------------------------------------


def _headers_from_yaml(data: Any) -> Headers:
    if not data:
        return {}
    return {str(k).lower(): [str(v) for v in (vs if isinstance(vs, list) else [vs])] for k, vs in data.items()}


def reason_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def interaction_to_yaml(interaction: Interaction, sink: BlobSink, threshold: int) -> dict[str, Any]:
    request, response = interaction.request, interaction.response
    data: dict[str, Any] = {} if interaction.cell is None else {"cell": interaction.cell}
    return data | {
        "request": {
            "method": request.method,
            "uri": request.uri,
            "body": body_to_yaml(request.body, sink, threshold, empty_as_none=True),
            "headers": request.headers,
        },
        "response": {
            "status": {"code": response.status, "message": reason_phrase(response.status)},
            "headers": response.headers,
            "body": body_to_yaml(response.body, sink, threshold, empty_as_none=False),
        },
    }


def interaction_from_yaml(data: Any, source: BlobSource) -> Interaction:
    try:
        request, response = data["request"], data["response"]
        url = urlsplit(str(request["uri"]))
        return Interaction(
            request=RecordedRequest(
                method=str(request["method"]).upper(),
                path=unquote(url.path),
                query=tuple(parse_qsl(url.query, keep_blank_values=True)),
                headers=_headers_from_yaml(request.get("headers")),
                body=body_from_yaml(request["body"], source),  # always written; missing means a cut-off file
            ),
            response=RecordedResponse(
                status=int(response["status"]["code"]),
                headers=_headers_from_yaml(response.get("headers")),
                body=body_from_yaml(response["body"], source),
            ),
            cell=None if data.get("cell") is None else str(data["cell"]),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise CassetteFormatError(f"a field is missing or mangled ({exc!r})") from exc


# --- YAML text ----------------------------------------------------------------------------------------------

_BaseDumper: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class CassetteDumper(_BaseDumper):  # type: ignore[misc]
    """Lists of numbers (float embeddings) in flow style; multi-line text as literal blocks."""


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    numbers = bool(data) and all(isinstance(x, int | float) and not isinstance(x, bool) for x in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=numbers)


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    style = "|" if "\n" in data and len(data) > 40 else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


CassetteDumper.add_representer(list, _represent_list)
CassetteDumper.add_representer(str, _represent_str)


def dump_yaml(data: Any) -> str:
    text: str = yaml.dump(
        data, Dumper=CassetteDumper, sort_keys=False, allow_unicode=True, width=120, default_flow_style=False
    )
    return text


def load_yaml(text: str) -> Any:
    return yaml.load(text, Loader=_BaseLoader)  # a safe loader (libyaml's when available)


def render_cassette(comment: str, header: dict[str, Any], interaction_chunks: list[str]) -> str:
    """The whole file; each interaction was dumped once as a one-item list, so appending costs one dump."""
    lines = "".join(f"# {line}\n" for line in comment.splitlines())
    head = dump_yaml({"version": FORMAT_VERSION, **header})
    interactions = "interactions:\n" + "".join(interaction_chunks) if interaction_chunks else "interactions: []\n"
    return lines + head + interactions


def dump_interaction_chunk(item: dict[str, Any]) -> str:
    return dump_yaml([item])


ChunkDumper = Callable[[dict[str, Any]], str]
