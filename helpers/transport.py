"""``CassetteTransport``: the httpx2 transport behind the client ``helpers.start()`` returns.

Replay answers from the cassette and has no way to open a connection. Record sends the request to the real
server, scrubs the exchange, saves it, and hands the SDK the response exactly as replay will later rebuild it,
so a recording run and a replay run print the same outputs.
"""

from __future__ import annotations

import httpx2

from helpers.cassette import Cassette
from helpers.config import Mode
from helpers.errors import ConfigError
from helpers.filters import canonical_path, request_headers_to_record, response_headers_to_record
from helpers.interactions import Interaction, RecordedRequest, RecordedResponse, body_bytes, parse_body
from helpers.jupyter import current_cell
from helpers.stats import timed


def recorded_request(request: httpx2.Request, client_base_url: str) -> RecordedRequest:
    """The request as it is stored and matched: canonical path, query pairs, scrubbed headers, parsed body."""
    content = request.read()
    headers = request.headers.multi_items()
    return RecordedRequest(
        method=request.method.upper(),
        path=canonical_path(request.url.path, client_base_url),
        query=tuple(request.url.params.multi_items()),
        headers=request_headers_to_record(headers),
        body=parse_body(content, request.headers.get("content-type")),
    )


def recorded_response(response: httpx2.Response) -> RecordedResponse:
    return RecordedResponse(
        status=response.status_code,
        headers=response_headers_to_record(response.headers.multi_items()),
        body=parse_body(response.content, response.headers.get("content-type")),
    )


def rebuilt_response(recorded: RecordedResponse, request: httpx2.Request) -> httpx2.Response:
    headers = [(name, value) for name, values in recorded.headers.items() for value in values]
    return httpx2.Response(recorded.status, headers=headers, content=body_bytes(recorded.body), request=request)


class CassetteTransport(httpx2.BaseTransport):
    """Replays from, or records into, one notebook's ``Cassette``.

    ``client_base_url`` is the SDK client's base URL; paths are made relative to it so a recording made against
    ``http://127.0.0.1:8123/v1`` matches requests to ``https://api.openai.com/v1``. ``upstream`` (record mode
    only) defaults to a plain httpx2 client that honours proxy and TLS environment variables.
    """

    def __init__(
        self,
        cassette: Cassette,
        *,
        mode: Mode,
        client_base_url: str,
        upstream: httpx2.BaseTransport | None = None,
    ) -> None:
        if mode not in (Mode.REPLAY, Mode.RECORD):
            raise ConfigError(f"CassetteTransport serves replay and record, not {mode.value}")
        self.cassette = cassette
        self.mode = mode
        self.client_base_url = client_base_url
        self._upstream = upstream
        self._client: httpx2.Client | None = None

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        if self.mode is Mode.REPLAY:
            with timed("replay"):  # parse, match, rebuild: everything replay adds to a request
                live = recorded_request(request, self.client_base_url)
                return rebuilt_response(self.cassette.play(live, cell=current_cell()), request)
        live = recorded_request(request, self.client_base_url)
        self.cassette.guard.add_request_headers(request.headers.multi_items())
        self.cassette.ensure_open()  # before the live call: a stale client must not reach the server
        answer = self._send(request)
        recorded = recorded_response(answer)
        self.cassette.record(Interaction(live, recorded))
        return rebuilt_response(recorded, request)

    def _send(self, request: httpx2.Request) -> httpx2.Response:
        if self._upstream is not None:
            response = self._upstream.handle_request(request)
            try:
                response.read()
            finally:
                response.close()
            return response
        if self._client is None:
            self._client = httpx2.Client(trust_env=True, follow_redirects=False)
        return self._client.send(request)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
        if self._upstream is not None:
            self._upstream.close()
