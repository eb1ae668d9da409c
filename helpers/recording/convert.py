"""Between vcrpy's shapes (``vcr.request.Request``, response dicts with byte bodies) and our data model.

vcrpy's ``Cassette`` holds, matches and plays the bytes; the matchers and the persister read them as data through
these functions. Round trips are exact: data -> bytes -> data gives the same ``Body``.
"""

from __future__ import annotations

from typing import Any, TypeAlias
from urllib.parse import parse_qsl, unquote, urlsplit

from vcr.request import Request

from helpers.recording.interactions import (
    REPLAY_BOUNDARY,
    Headers,
    Interaction,
    JsonBody,
    MultipartBody,
    RecordedRequest,
    RecordedResponse,
    body_bytes,
    content_type_param,
    is_json_type,
    media_type,
    parse_body,
)
from helpers.recording.serializer import reason_phrase

VcrResponse: TypeAlias = dict[str, Any]  # {"status": {"code", "message"}, "headers": {name: [..]}, "body": {"string"}}
CELL_KEY = "cell"  # our addition to vcrpy's response dict: which notebook cell made the request


def _content_type(headers: Headers) -> str | None:
    values = headers.get("content-type")
    return values[0] if values else None


def request_headers(request: Request) -> Headers:
    return {str(k).lower(): [str(v)] for k, v in request.headers.items()}


def request_body(request: Request) -> bytes:
    body = request.body
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode("utf-8")
    if hasattr(body, "read"):
        data = body.read()
        return data if isinstance(data, bytes) else bytes(data)
    return bytes(body)


def request_path(request: Request) -> str:
    """The decoded path (``/v1/models/ft:…``); the host is not kept."""
    return unquote(urlsplit(str(request.uri)).path)


def request_query(request: Request) -> tuple[tuple[str, str], ...]:
    return tuple(parse_qsl(urlsplit(str(request.uri)).query, keep_blank_values=True))


def from_vcr_request(request: Request) -> RecordedRequest:
    """The request as data; the path is the decoded one (``/v1/models/ft:…``) and the host is not kept."""
    headers = request_headers(request)
    return RecordedRequest(
        method=str(request.method).upper(),
        path=request_path(request),
        query=request_query(request),
        headers=headers,
        body=parse_body(request_body(request), _content_type(headers)),
    )


def to_vcr_request(request: RecordedRequest) -> Request:
    """A multipart body gets a fixed boundary, named in its content type so it parses back into the same parts."""
    headers = {name: values[0] for name, values in request.headers.items() if values}
    if isinstance(request.body, MultipartBody):
        headers["content-type"] = f"multipart/form-data; boundary={REPLAY_BOUNDARY}"
    elif isinstance(request.body, JsonBody) and not is_json_type(headers.get("content-type")):
        headers["content-type"] = "application/json"  # vcrpy holds bytes: the type says they are JSON
    content = body_bytes(request.body)
    return Request(request.method, request.uri, content or None, headers)


def boundary_of(headers: Headers) -> str | None:
    kind = _content_type(headers)
    return content_type_param(kind, "boundary") if kind and media_type(kind) == "multipart/form-data" else None


def response_body(response: VcrResponse) -> bytes:
    body = response.get("body") or {}
    content = body.get("string", b"") if isinstance(body, dict) else body
    if isinstance(content, str):
        return content.encode("utf-8")
    return bytes(content or b"")


def response_headers(response: VcrResponse) -> Headers:
    raw = response.get("headers") or {}
    return {str(k).lower(): [str(v) for v in (vs if isinstance(vs, list) else [vs])] for k, vs in raw.items()}


def from_vcr_response(response: VcrResponse) -> RecordedResponse:
    headers = response_headers(response)
    return RecordedResponse(
        status=int(response["status"]["code"]),
        headers=headers,
        body=parse_body(response_body(response), _content_type(headers)),
    )


def to_vcr_response(response: RecordedResponse, cell: str | None = None) -> VcrResponse:
    headers = {name: list(values) for name, values in response.headers.items()}
    if isinstance(response.body, JsonBody) and not is_json_type(_content_type(headers)):
        headers["content-type"] = ["application/json"]  # vcrpy holds bytes: the type says they are JSON
    data: VcrResponse = {
        "status": {"code": response.status, "message": reason_phrase(response.status)},
        "headers": headers,
        "body": {"string": body_bytes(response.body)},
    }
    if cell is not None:
        data[CELL_KEY] = cell
    return data


def from_vcr(request: Request, response: VcrResponse) -> Interaction:
    cell = response.get(CELL_KEY)
    return Interaction(from_vcr_request(request), from_vcr_response(response), None if cell is None else str(cell))


def to_vcr(interaction: Interaction) -> tuple[Request, VcrResponse]:
    return to_vcr_request(interaction.request), to_vcr_response(interaction.response, interaction.cell)
