"""vcrpy is the engine: committed cassettes load and re-save byte-identically, and plain vcrpy replays them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx2
import pytest
from openai import DefaultHttpx2Client, OpenAI

import helpers
from helpers.config import PROJECT_ROOT
from helpers.recording import events, netguard
from helpers.recording.cassette import Cassette
from helpers.recording.convert import from_vcr_request
from helpers.recording.exchange import vcr_request
from helpers.recording.filters import scrub_request, scrub_response
from helpers.recording.interactions import RecordedRequest, RecordedResponse
from helpers.recording.persister import NotebookPersister

COMMITTED = PROJECT_ROOT / "cassettes"
NOTEBOOKS = sorted(p.stem for p in COMMITTED.glob("*.yaml"))


def _files(folder: Path, notebook: str) -> dict[str, bytes]:
    found = {f"{notebook}.yaml": (folder / f"{notebook}.yaml").read_bytes()}
    if (folder / notebook).is_dir():
        found |= {f"{notebook}/{p.name}": p.read_bytes() for p in (folder / notebook).iterdir()}
    return found


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_committed_cassettes_resave_byte_identically(tmp_path: Path, notebook: str) -> None:
    loaded = Cassette.load(notebook, COMMITTED)
    assert len(loaded.vcr) > 0  # held by vcrpy
    NotebookPersister().save(tmp_path / f"{notebook}.yaml", loaded.info, list(loaded.vcr.data))
    assert _files(tmp_path, notebook) == _files(COMMITTED, notebook)


def test_plain_vcrpy_replays_a_committed_cassette_with_no_network() -> None:
    """vcrpy's own httpx2 patching, an unmodified client, the socket guard on (scripts/test.sh also cuts the net)."""
    netguard.activate("test: helpers.vcr must not need the network")
    try:
        with helpers.vcr.use_cassette("04_models") as cassette:
            models = OpenAI(api_key="x", max_retries=0).models.list()
        assert cassette.play_count >= 1
    finally:
        netguard.deactivate()
    recorded = Cassette.load("04_models", COMMITTED).play(RecordedRequest("GET", "/v1/models"))
    assert isinstance(recorded.body.data, dict)  # type: ignore[union-attr]
    assert [m.id for m in models.data] == [m["id"] for m in recorded.body.data["data"]]  # type: ignore[union-attr]


@pytest.mark.skipif(shutil.which("unshare") is None, reason="needs unshare(1)")
def test_plain_vcrpy_replays_in_a_process_without_a_network() -> None:
    code = (
        "import helpers, openai\n"
        "with helpers.vcr.use_cassette('04_models'):\n"
        "    print(len(openai.OpenAI(api_key='x', max_retries=0).models.list().data))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")} | {"PYTHONPATH": str(PROJECT_ROOT)}
    probe = subprocess.run(["unshare", "-n", "true"], capture_output=True)
    if probe.returncode:
        pytest.skip("cannot create a network namespace here")
    result = subprocess.run(
        ["unshare", "-n", sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip()) > 0


def test_a_request_with_no_recording_is_refused_by_plain_vcrpy() -> None:
    from vcr.errors import CannotOverwriteExistingCassetteException

    with (
        pytest.raises(CannotOverwriteExistingCassetteException),
        helpers.vcr.use_cassette("04_models"),
    ):
        OpenAI(api_key="x", max_retries=0).models.retrieve("no-such-model-recorded")


def test_filters_are_idempotent() -> None:
    request = httpx2.Request(
        "POST",
        "http://127.0.0.1:8123/v1/files",
        headers={"authorization": "Bearer sk-secret-0123456789", "content-type": "multipart/form-data; boundary=b"},
        content=b'--b\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nx\r\n--b--\r\n',
    )
    scrub = scrub_request(client_base_url="http://127.0.0.1:8123/v1")
    once = scrub(vcr_request(request, "http://127.0.0.1:8123/v1"))
    twice = scrub(once)
    assert (once.uri, once.body, dict(once.headers)) == (twice.uri, twice.body, dict(twice.headers))
    assert "authorization" not in once.headers and once.uri == "https://api.openai.com/v1/files"
    assert from_vcr_request(once).body == from_vcr_request(twice).body
    response = {
        "status": {"code": 200, "message": "OK"},
        "headers": {"Content-Type": ["application/json"], "x-request-id": ["req_1"], "Date": ["today"]},
        "body": {"string": b'{ "a": 1 }'},
    }
    first = scrub_response()(response)
    assert first == scrub_response()(first)
    # kept as sent: re-serialising would not give these bytes back (issue 21: bytes as sent)
    assert first["headers"] == {"content-type": ["application/json"]} and first["body"]["string"] == b'{ "a": 1 }'


def test_every_exchange_reaches_the_listeners() -> None:
    seen: list[tuple[str, int, str]] = []

    def listener(request: RecordedRequest, response: RecordedResponse, source: events.Source) -> None:
        seen.append((request.path, response.status, source))

    cassette = Cassette.load("04_models", COMMITTED)
    from helpers.recording.replay import ReplayTransport

    transport = ReplayTransport(cassette)
    client = OpenAI(api_key="x", max_retries=0, http_client=DefaultHttpx2Client(transport=transport))
    remove = events.on_exchange(listener)
    try:
        client.models.list()
    finally:
        remove()
    client.models.list()  # not heard any more
    assert seen == [("/v1/models", 200, "cassette")]
