"""``ReplayTransport``: strict replay. Answers come only from the cassette; there is no way to open a connection."""

from __future__ import annotations

import httpx2

from helpers.recording.cassette import Cassette
from helpers.recording.exchange import CellLookup, Timer, emit_recorded, no_cell, rebuilt_response, untimed, vcr_request
from helpers.recording.interactions import CANONICAL_BASE_URL


class ReplayTransport(httpx2.BaseTransport):
    """Answers each request with the recording for it at this point of the notebook's story, or a ``CassetteMiss``.

    ``client_base_url`` is the SDK client's base URL; paths are made relative to it, so a recording made against
    ``http://127.0.0.1:8123/v1`` answers a request to ``https://api.openai.com/v1``. ``cell`` says which notebook
    cell is running (``helpers.jupyter``); ``timer`` measures the harness's own time (``helpers.stats``).
    """

    def __init__(
        self,
        cassette: Cassette,
        *,
        client_base_url: str = CANONICAL_BASE_URL,
        cell: CellLookup = no_cell,
        timer: Timer = untimed,
    ) -> None:
        self.cassette = cassette
        self.client_base_url = client_base_url
        self.cell = cell
        self.timer = timer

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        with self.timer("replay"):  # convert, match, rebuild: everything replay adds to a request
            scrubbed, recorded = self.cassette.play_vcr(vcr_request(request, self.client_base_url), cell=self.cell())
            emit_recorded(scrubbed, recorded, "cassette")
            return rebuilt_response(recorded, request)
