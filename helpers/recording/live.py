"""``LiveTransport``: live mode. The ordinary transport, plus two things: a refused or unresolvable connection says
what to start, and every exchange reaches the listeners (the wire view) with account ids replaced, as recordings
have them."""

from __future__ import annotations

import httpx2

from helpers.recording import events
from helpers.recording.accounts import AccountIds
from helpers.recording.exchange import recorded_request, recorded_response, unreachable
from helpers.recording.interactions import RecordedResponse, parse_body
from helpers.recording.wording import PLAIN, Wording


class LiveTransport(httpx2.BaseTransport):
    def __init__(
        self,
        base_url: str,
        inner: httpx2.BaseTransport | None = None,
        *,
        accounts: AccountIds | None = None,
        wording: Wording = PLAIN,
    ) -> None:
        self.base_url = base_url
        self.accounts = accounts if accounts is not None else AccountIds()
        self._inner = inner or httpx2.HTTPTransport()
        self._wording = wording

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        self.accounts.learn_from_headers(request.headers.multi_items())
        try:
            response = self._inner.handle_request(request)
        except httpx2.ConnectError as exc:
            raise unreachable(self.base_url, exc, self._wording) from exc
        self.accounts.learn_from_headers(response.headers.multi_items())
        if events.active():
            asked = self.accounts.scrub_request(recorded_request(request, self.base_url))
            if "text/event-stream" in response.headers.get("content-type", ""):
                # Reading a live stream here would hold every event back until the last: show it without its body.
                shown = RecordedResponse(response.status_code, {}, parse_body(b"", None))
                events.emit(lambda: asked, lambda: shown, "live")
            else:
                response.read()
                events.emit(lambda: asked, lambda: self.accounts.scrub_response(recorded_response(response)), "live")
        return response

    def close(self) -> None:
        self._inner.close()
