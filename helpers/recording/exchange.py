"""Between httpx2 (what the SDK sends and receives) and the cassette's shapes, shared by the transports.

A request is converted once, to vcrpy's ``Request`` with the canonical URI; everything after that (scrubbing,
matching, the wire view) reads it as data through ``convert.from_vcr_request``, which parses it once.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import TypeAlias

import httpx2
from vcr.request import Request

from helpers.recording import events
from helpers.recording.convert import CELL_KEY, VcrResponse, from_vcr_request, from_vcr_response
from helpers.recording.errors import ServerUnreachableError
from helpers.recording.filters import canonical_path, request_headers_to_record, response_headers_to_record
from helpers.recording.interactions import RecordedRequest, RecordedResponse, parse_body
from helpers.recording.story import Cell
from helpers.recording.wording import Wording

CellLookup: TypeAlias = Callable[[], Cell | None]
Timer: TypeAlias = Callable[[str], AbstractContextManager[None]]

# Headers that describe the bytes on the wire; the body handed on is already read and decoded.
WIRE_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding", "connection"})


def no_cell() -> Cell | None:
    return None


def untimed(phase: str) -> AbstractContextManager[None]:
    return contextlib.nullcontext()


def vcr_request(request: httpx2.Request, client_base_url: str) -> Request:
    """vcrpy's request: canonical URI, the headers as sent (vcrpy's ``before_record_request`` scrubs them)."""
    path = canonical_path(request.url.path, client_base_url)
    uri = RecordedRequest(request.method, path, tuple(request.url.params.multi_items())).uri  # no body parsing
    return Request(request.method, uri, request.read() or None, dict(request.headers.items()))


def vcr_response(response: httpx2.Response, cell: str | None) -> VcrResponse:
    headers: dict[str, list[str]] = {}
    for name, value in response.headers.multi_items():
        headers.setdefault(name.lower(), []).append(value)
    data: VcrResponse = {
        "status": {"code": response.status_code, "message": response.reason_phrase},
        "headers": headers,
        "body": {"string": response.content},
    }
    return data if cell is None else data | {CELL_KEY: cell}


def rebuilt_response(recorded: VcrResponse, request: httpx2.Request) -> httpx2.Response:
    headers = [(name, value) for name, values in recorded["headers"].items() for value in values]
    return httpx2.Response(
        recorded["status"]["code"], headers=headers, content=recorded["body"]["string"], request=request
    )


def recorded_request(request: httpx2.Request, client_base_url: str) -> RecordedRequest:
    """The request as data (live answers, which are never stored): canonical path, scrubbed headers, parsed body."""
    content = request.read()
    return RecordedRequest(
        method=request.method.upper(),
        path=canonical_path(request.url.path, client_base_url),
        query=tuple(request.url.params.multi_items()),
        headers=request_headers_to_record(request.headers.multi_items()),
        body=parse_body(content, request.headers.get("content-type")),
    )


def recorded_response(response: httpx2.Response) -> RecordedResponse:
    return RecordedResponse(
        status=response.status_code,
        headers=response_headers_to_record(response.headers.multi_items()),
        body=parse_body(response.content, response.headers.get("content-type")),
    )


def emit_recorded(request: Request, response: VcrResponse, source: events.Source) -> None:
    """Tell the exchange listeners (the wire view) about a scrubbed request and its recorded answer."""
    if events.active():
        events.emit(lambda: from_vcr_request(request), lambda: from_vcr_response(response), source)


def unreachable(base_url: str, error: Exception, wording: Wording) -> ServerUnreachableError:
    return ServerUnreachableError(wording.unreachable(base_url, error))
