"""``helpers.vcr``: a plain ``vcr.VCR`` that replays this project's cassettes in anyone's code or tests.

    import helpers, openai

    with helpers.vcr.use_cassette("04_models"):
        openai.OpenAI(api_key="x").models.list()   # the recorded answer; no network

It uses vcrpy's own patching of httpx2 (so any client works, not only ``helpers.start()``'s), our cassette folder,
matchers (JSON as data, multipart part by part), filters (scrubbing) and persister (YAML layout, side files). The
default record mode is ``none``: a request with no recording raises vcrpy's
``CannotOverwriteExistingCassetteException``. With another record mode it records exactly as the notebooks do: the
secret guard refuses to save a key it has seen (in the environment or sent), organisation and project ids become
placeholders, and the header names the server that really answered.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from vcr import VCR
from vcr.request import Request

from helpers.recording.accounts import AccountIds
from helpers.recording.convert import VcrResponse, response_headers
from helpers.recording.filters import SecretGuard, scrub_request, scrub_response
from helpers.recording.matchers import MATCH_ON, MATCHERS
from helpers.recording.persister import NotebookPersister


class Recording:
    """What one ``VCR`` learns while it records: secrets and account ids seen, and the host that answered."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self.guard = SecretGuard.from_environment(environ)
        self.accounts = AccountIds.from_environment(environ)
        self.host: str | None = None
        self._scrub_request = scrub_request(self.accounts)
        self._scrub_response = scrub_response(self.accounts)

    def before_record_request(self, request: Request) -> Request:
        headers = [(str(k), str(v)) for k, v in request.headers.items()]
        self.guard.add_request_headers(headers)
        self.accounts.learn_from_headers(headers)
        host = urlsplit(str(request.uri)).hostname
        if host:
            self.host = host
        return self._scrub_request(request)

    def before_record_response(self, response: VcrResponse) -> VcrResponse:
        self.accounts.learn_from_headers((k, v) for k, vs in response_headers(response).items() for v in vs)
        return self._scrub_response(response)


def make_vcr(
    cassettes: str | os.PathLike[str],
    *,
    record_mode: str = "none",
    persister: NotebookPersister | None = None,
    environ: Mapping[str, str] | None = None,
) -> VCR:
    """A ``VCR`` over the cassettes in the folder ``cassettes`` (``helpers.vcr`` uses the project's).

    ``environ`` (default: the process environment) names the secrets and account ids to keep out of recordings.
    """
    folder = Path(cassettes).expanduser().resolve()
    recording = Recording(os.environ if environ is None else environ)
    vcr = VCR(
        cassette_library_dir=str(folder),
        path_transformer=VCR.ensure_suffix(".yaml"),
        record_mode=record_mode,
        match_on=MATCH_ON,
        before_record_request=recording.before_record_request,
        before_record_response=recording.before_record_response,
        decode_compressed_response=True,  # the persister stores decoded bodies (content-encoding is dropped)
    )
    for name, matcher in MATCHERS.items():
        vcr.register_matcher(name, matcher)
    saver = persister or NotebookPersister(recording.guard)
    saver.answered_by = lambda: recording.host
    vcr.register_persister(saver)
    return vcr
