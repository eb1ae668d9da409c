"""``ExploreTransport``: the learner's mode. The recording answers what it can; the rest goes to a local sandbox.

The two must never contradict each other (``helpers.recording.story``): a request the recording can answer at
this point of the notebook's story gets the recorded answer. A request on server state (files, models) that it
cannot answer — a changed upload, a retrieve after a delete it never recorded — makes that state *live*: the
sandbox is first given the state changes this kernel was answered with (the recorded uploads under their recorded
ids and times, the recorded deletes), then answers this request and every later one on that state. Nothing is
written anywhere; every live answer is reported (``on_live_answer``) so it can be labelled where it appears.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import httpx2

from helpers.recording import events
from helpers.recording.cassette import Cassette
from helpers.recording.errors import CassetteMiss
from helpers.recording.exchange import (
    WIRE_HEADERS,
    CellLookup,
    Timer,
    emit_recorded,
    no_cell,
    rebuilt_response,
    recorded_request,
    recorded_response,
    unreachable,
    untimed,
    vcr_request,
)
from helpers.recording.interactions import (
    CANONICAL_BASE_URL,
    Interaction,
    JsonBody,
    MultipartBody,
    RecordedRequest,
    body_bytes,
)
from helpers.recording.story import state_of

LiveAnswerListener = Callable[[RecordedRequest, httpx2.Response], None]
RESTORE_BOUNDARY = "helpers-restore-boundary"


class ExploreTransport(httpx2.BaseTransport):
    """``sandbox()`` starts (or finds) the local sandbox and returns its base URL; ``api_key`` is what it is sent."""

    def __init__(
        self,
        cassette: Cassette,
        *,
        sandbox: Callable[[], str],
        api_key: str,
        client_base_url: str = CANONICAL_BASE_URL,
        cell: CellLookup = no_cell,
        timer: Timer = untimed,
        on_live_answer: LiveAnswerListener | None = None,
        transport: httpx2.BaseTransport | None = None,
    ) -> None:
        self.cassette = cassette
        self.client_base_url = client_base_url
        self.cell = cell
        self.timer = timer
        self._sandbox = sandbox
        self._api_key = api_key
        self._on_live_answer = on_live_answer
        # trust_env=False: the sandbox is on loopback, and a proxy from the environment must not see the call.
        # ``transport``: how to reach the sandbox (tests pass a mock).
        self._client = httpx2.Client(transport=transport, trust_env=False, follow_redirects=False, timeout=600.0)

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        with self.timer("replay"):
            asked = vcr_request(request, self.client_base_url)
            if not self.cassette.depends_on_live_state(asked):
                try:
                    scrubbed, recorded = self.cassette.play_vcr(asked, cell=self.cell())
                except CassetteMiss as miss:
                    state = state_of(miss.request.path)
                    if state is not None:
                        self._make_live(state)
                else:
                    emit_recorded(scrubbed, recorded, "cassette")
                    return rebuilt_response(recorded, request)
        return self._ask_the_sandbox(request)

    # --- the sandbox ----------------------------------------------------------------------------------------

    def _base(self) -> str:
        return self._sandbox().rstrip("/")

    def _make_live(self, state: str) -> None:
        """From now on ``state`` lives in the sandbox: reset it there, then replay this kernel's state changes."""
        changes = self.cassette.state_changes(self.cassette.story.diverge(state))
        root = self._base().removesuffix("/v1")
        try:
            self._check(self._client.post(f"{root}/sandbox/reset", json={"states": [state]}, headers=self._auth()))
            for change in changes:
                self._restore(root, change)
        except httpx2.ConnectError as exc:
            raise unreachable(root, exc, self.cassette.wording) from exc
        except _RestoreFailed as failed:  # the learner keeps going; ids from the recording may then be unknown
            warnings.warn(f"the local sandbox could not take over the recording's {state}: {failed}", stacklevel=2)

    def _restore(self, root: str, change: Interaction) -> None:
        request, response = change.request, change.response
        body = response.body
        upload = request.method == "POST" and request.path == "/v1/files" and isinstance(request.body, MultipartBody)
        if upload and 200 <= response.status < 300 and isinstance(body, JsonBody) and isinstance(body.data, dict):
            assert isinstance(request.body, MultipartBody)
            fields = {part.name: part for part in request.body.parts}
            data = body.data
            params = {"filename": str(data.get("filename", "upload")), "created_at": str(data.get("created_at", 0))}
            purpose = fields["purpose"].content.decode() if "purpose" in fields else str(data.get("purpose"))
            params["purpose"] = purpose
            if data.get("expires_at") is not None:
                params["expires_at"] = str(data["expires_at"])
            content = fields["file"].content if "file" in fields else b""
            answer = self._client.put(
                f"{root}/sandbox/files/{data['id']}", params=params, content=content, headers=self._auth()
            )
            self._check(answer)
            return
        headers = self._auth()
        if isinstance(request.body, MultipartBody):
            headers["content-type"] = f"multipart/form-data; boundary={RESTORE_BOUNDARY}"
        elif isinstance(request.body, JsonBody):
            headers["content-type"] = "application/json"
        content = body_bytes(request.body, RESTORE_BOUNDARY)
        path = request.path.removeprefix("/v1")
        self._client.request(
            request.method, f"{root}/v1{path}", params=list(request.query), content=content, headers=headers
        )  # replayed for its effect; its answer was the recorded one

    def _auth(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self._api_key}"}

    @staticmethod
    def _check(answer: httpx2.Response) -> None:
        if answer.status_code >= 300:
            raise _RestoreFailed(f"{answer.request.method} {answer.request.url.path} → {answer.status_code}")

    def _ask_the_sandbox(self, request: httpx2.Request) -> httpx2.Response:
        """Send the request to the local sandbox; nothing is written anywhere."""
        live = recorded_request(request, self.client_base_url)
        base = self._base()
        headers = [(k, v) for k, v in request.headers.multi_items() if k.lower() not in ("host", "authorization")]
        headers.append(("authorization", f"Bearer {self._api_key}"))
        forwarded = httpx2.Request(
            request.method,
            f"{base}{live.path.removeprefix('/v1')}",
            params=list(live.query),
            headers=headers,
            content=request.read(),
        )
        try:
            answer = self._client.send(forwarded)
        except httpx2.ConnectError as exc:
            raise unreachable(base, exc, self.cassette.wording) from exc
        response = httpx2.Response(
            answer.status_code,
            headers=[(k, v) for k, v in answer.headers.multi_items() if k.lower() not in WIRE_HEADERS],
            content=answer.content,
            request=request,
        )
        if self._on_live_answer is not None:
            self._on_live_answer(live, response)
        events.emit(lambda: live, lambda: recorded_response(response), "sandbox")
        return response

    def close(self) -> None:
        self._client.close()


class _RestoreFailed(Exception):
    pass
