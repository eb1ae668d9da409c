"""``RecordTransport``: sends each request to the real server, scrubs the exchange, saves it, and hands the SDK the
response exactly as replay will later rebuild it, so a recording run and a replay run print the same outputs."""

from __future__ import annotations

import httpx2

from helpers.recording.accounts import AccountIds
from helpers.recording.cassette import Cassette
from helpers.recording.exchange import (
    CellLookup,
    emit_recorded,
    no_cell,
    rebuilt_response,
    unreachable,
    vcr_request,
    vcr_response,
)


class RecordTransport(httpx2.BaseTransport):
    """``client_base_url`` is where the SDK sends (the real server); ``upstream`` defaults to a plain httpx2 client
    that honours proxy and TLS environment variables. ``cell`` names the running cell in each recording."""

    def __init__(
        self,
        cassette: Cassette,
        *,
        client_base_url: str,
        upstream: httpx2.BaseTransport | None = None,
        cell: CellLookup = no_cell,
    ) -> None:
        self.cassette = cassette
        self.client_base_url = client_base_url
        self.cell = cell
        self._upstream = upstream
        self._client: httpx2.Client | None = None
        self.accounts: AccountIds = cassette.accounts  # give it the known ids first (AccountIds.from_environment)

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        self.cassette.guard.add_request_headers(request.headers.multi_items())
        self.accounts.learn_from_headers(request.headers.multi_items())
        self.cassette.ensure_open()  # before the live call: a stale client must not reach the server
        self.cassette.info.called(request.url.host)  # provenance names the server that really answers
        answer = self._send(self.accounts.restore(request))
        self.accounts.learn_from_headers(answer.headers.multi_items())
        cell = self.cell()
        sent = vcr_request(request, self.client_base_url)
        saved, kept = self.cassette.record_vcr(sent, vcr_response(answer, None if cell is None else cell.id))
        emit_recorded(saved, kept, "recorded")
        return rebuilt_response(kept, request)

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
            where = f"{request.url.scheme}://{request.url.host}:{request.url.port or 443}"
            raise unreachable(where, exc, self.cassette.wording) from exc

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
        if self._upstream is not None:
            self._upstream.close()
