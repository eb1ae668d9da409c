"""``helpers.vcr``: a plain ``vcr.VCR`` that replays this project's cassettes in anyone's code or tests.

    import helpers, openai

    with helpers.vcr.use_cassette("04_models"):
        openai.OpenAI(api_key="x").models.list()   # the recorded answer; no network

It uses vcrpy's own patching of httpx2 (so any client works, not only ``helpers.start()``'s), our cassette folder,
matchers (JSON as data, multipart part by part), filters (scrubbing) and persister (YAML layout, side files). The
default record mode is ``none``: a request with no recording raises vcrpy's
``CannotOverwriteExistingCassetteException``.
"""

from __future__ import annotations

import os
from pathlib import Path

from vcr import VCR

from helpers.recording.filters import scrub_request, scrub_response
from helpers.recording.matchers import MATCH_ON, MATCHERS
from helpers.recording.persister import NotebookPersister


def make_vcr(
    cassettes: str | os.PathLike[str],
    *,
    record_mode: str = "none",
    persister: NotebookPersister | None = None,
) -> VCR:
    """A ``VCR`` over the cassettes in the folder ``cassettes`` (``helpers.vcr`` uses the project's)."""
    folder = Path(cassettes).expanduser().resolve()
    vcr = VCR(
        cassette_library_dir=str(folder),
        path_transformer=VCR.ensure_suffix(".yaml"),
        record_mode=record_mode,
        match_on=MATCH_ON,
        before_record_request=scrub_request(),
        before_record_response=scrub_response(),
        decode_compressed_response=True,  # the persister stores decoded bodies (content-encoding is dropped)
    )
    for name, matcher in MATCHERS.items():
        vcr.register_matcher(name, matcher)
    vcr.register_persister(persister or NotebookPersister())
    return vcr
