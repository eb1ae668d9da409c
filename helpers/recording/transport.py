"""``CassetteTransport``: the httpx2 transport behind the client ``helpers.start()`` returns.

Replay answers from the cassette and has no way to open a connection. Record sends the request to the real
server, scrubs the exchange, saves it, and hands the SDK the response exactly as replay will later rebuild it,
so a recording run and a replay run print the same outputs. Explore (the learner's mode) answers from the
cassette when it can and sends anything else to the local sandbox, writing nothing.

It drives a ``vcr.cassette.Cassette`` explicitly (vcrpy's ``play_response`` / ``append``): nothing is patched, so
a notebook's other HTTP clients are untouched. Every exchange is reported to ``helpers.recording.events``.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import httpx2
from vcr.request import Request

from helpers.config import EXPLORE_API_KEY, Mode
from helpers.jupyter import current_cell, current_cell_key
from helpers.messages import text
from helpers.recording import events
from helpers.recording.accounts import AccountIds
from helpers.recording.cassette import Cassette
from helpers.recording.convert import CELL_KEY, VcrResponse, from_vcr_request, from_vcr_response
from helpers.recording.errors import CassetteMiss, ConfigError, ServerUnreachableError
from helpers.recording.filters import canonical_path, request_headers_to_record, response_headers_to_record
from helpers.recording.interactions import RecordedRequest, RecordedResponse, parse_body
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


# Headers that describe the bytes on the wire; the body handed on is already read and decoded.
_WIRE_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding", "connection"})

LiveAnswerListener = Callable[[RecordedRequest, httpx2.Response], None]


def unreachable(base_url: str, error: Exception) -> ServerUnreachableError:
    say = text()
    local = "127.0.0.1" in base_url or "localhost" in base_url
    what_to_start = say.unreachable_local if local else say.unreachable_remote
    return ServerUnreachableError(
        say.unreachable.format(
            base_url=base_url, error_type=type(error).__name__, error=error, what_to_start=what_to_start
        )
    )


class ReachabilityTransport(httpx2.BaseTransport):
    """Live mode's transport: the ordinary one, but a refused or unresolvable connection says what to start."""

    def __init__(self, base_url: str, inner: httpx2.BaseTransport | None = None) -> None:
        self.base_url = base_url
        self._inner = inner or httpx2.HTTPTransport()

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        try:
            response = self._inner.handle_request(request)
        except httpx2.ConnectError as exc:
            raise unreachable(self.base_url, exc) from exc
        if events.active():
            asked = recorded_request(request, self.base_url)
            if "text/event-stream" in response.headers.get("content-type", ""):
                # Reading a live stream here would hold every event back until the last: show it without its body.
                shown = RecordedResponse(response.status_code, {}, parse_body(b"", None))
                events.emit(lambda: asked, lambda: shown, "live")
            else:
                response.read()
                events.emit(lambda: asked, lambda: recorded_response(response), "live")
        return response

    def close(self) -> None:
        self._inner.close()


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
        sandbox_url: Callable[[], str] | None = None,
        on_live_answer: LiveAnswerListener | None = None,
    ) -> None:
        if mode is Mode.LIVE:
            raise ConfigError(f"CassetteTransport serves explore, replay and record, not {mode.value}")
        if mode is Mode.EXPLORE and sandbox_url is None:
            raise ConfigError("explore mode needs sandbox_url: where requests without a recording go")
        self.cassette = cassette
        self.mode = mode
        self.client_base_url = client_base_url
        self._upstream = upstream
        self._sandbox_url = sandbox_url
        self._on_live_answer = on_live_answer
        self._client: httpx2.Client | None = None
        self.accounts: AccountIds = cassette.accounts
        self.accounts.merge(AccountIds.from_environment(os.environ))

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        if self.mode in (Mode.REPLAY, Mode.EXPLORE):
            with timed("replay"):  # convert, match, rebuild: everything replay adds to a request
                asked = vcr_request(request, self.client_base_url)
                try:
                    played = self.cassette.play_vcr(asked, cell=current_cell(), run=current_cell_key())
                except CassetteMiss:
                    if self.mode is Mode.REPLAY:
                        raise
                else:
                    self._emit(asked, played, "cassette")
                    return rebuilt_response(played, request)
            return self._ask_the_sandbox(request, recorded_request(request, self.client_base_url))  # explore
        self.cassette.guard.add_request_headers(request.headers.multi_items())
        self.accounts.learn_from_headers(request.headers.multi_items())
        self.cassette.ensure_open()  # before the live call: a stale client must not reach the server
        self.cassette.info.called(request.url.host)  # provenance names the server that really answers
        answer = self._send(self.accounts.restore(request))
        self.accounts.learn_from_headers(answer.headers.multi_items())
        run = current_cell_key()
        sent = vcr_request(request, self.client_base_url)
        saved, kept = self.cassette.record_vcr(sent, vcr_response(answer, None if run is None else run[1]))
        self._emit(saved, kept, "recorded")
        return rebuilt_response(kept, request)

    def _emit(self, request: Request, response: VcrResponse, source: events.Source) -> None:
        if events.active():
            filtered = self.cassette.vcr.filter_request(request)
            events.emit(lambda: from_vcr_request(filtered), lambda: from_vcr_response(response), source)

    def _ask_the_sandbox(self, request: httpx2.Request, live: RecordedRequest) -> httpx2.Response:
        """Send a request that has no recording to the local sandbox; nothing is written anywhere."""
        assert self._sandbox_url is not None
        base = self._sandbox_url().rstrip("/")
        path = live.path.removeprefix("/v1")
        headers = [(k, v) for k, v in request.headers.multi_items() if k.lower() not in ("host", "authorization")]
        headers.append(("authorization", f"Bearer {EXPLORE_API_KEY}"))
        forwarded = httpx2.Request(
            request.method, f"{base}{path}", params=list(live.query), headers=headers, content=request.read()
        )
        if self._client is None:
            # trust_env=False: the sandbox is on loopback, and a proxy from the environment must not see the call.
            self._client = httpx2.Client(
                transport=self._upstream, trust_env=False, follow_redirects=False, timeout=600.0
            )
        try:
            answer = self._client.send(forwarded)
        except httpx2.ConnectError as exc:
            raise unreachable(base, exc) from exc
        response = httpx2.Response(
            answer.status_code,
            headers=[(k, v) for k, v in answer.headers.multi_items() if k.lower() not in _WIRE_HEADERS],
            content=answer.content,
            request=request,
        )
        if self._on_live_answer is not None:
            self._on_live_answer(live, response)
        events.emit(lambda: live, lambda: recorded_response(response), "sandbox")
        return response

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
        try:
            return self._client.send(request)
        except httpx2.ConnectError as exc:
            raise unreachable(f"{request.url.scheme}://{request.url.host}:{request.url.port or 443}", exc) from exc

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
        if self._upstream is not None:
            self._upstream.close()
