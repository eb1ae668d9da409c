"""The learner's mode: recordings first, a local sandbox for anything new, nothing written; short errors."""

from __future__ import annotations

import hashlib
import socket
import tempfile
from collections.abc import Callable
from pathlib import Path

import httpx2
import pytest
from openai import DefaultHttpx2Client, OpenAI

import helpers
from helpers import local_sandbox
from helpers.config import CANONICAL_BASE_URL, EXPLORE_API_KEY, Mode, resolve_mode
from helpers.recording.cassette import Cassette
from helpers.recording.errors import ConfigError, HarnessError, ServerUnreachableError
from helpers.recording.explore import ExploreTransport
from helpers.recording.interactions import RecordedRequest

ROOT = Path(__file__).resolve().parents[2]
Recorder = Callable[..., tuple[OpenAI, Cassette]]


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*") if p.is_file()
    }


@pytest.fixture()
def recorded(tmp_path: Path, recording_client: Recorder) -> Path:
    client, _ = recording_client("01_embeddings")
    client.embeddings.create(model="text-embedding-3-small", input="cat")
    return tmp_path / "cassettes"


def test_the_learners_mode_is_the_default() -> None:
    assert resolve_mode(None, {}) is Mode.EXPLORE
    assert resolve_mode(None, {"OPENAI_NOTEBOOK_MODE": "replay"}) is Mode.REPLAY
    assert resolve_mode("explore", {"OPENAI_NOTEBOOK_MODE": "replay"}) is Mode.EXPLORE


def test_recorded_requests_replay_and_new_ones_go_to_the_sandbox_unrecorded(
    recorded: Path, fake_api: Callable[[httpx2.Request], httpx2.Response]
) -> None:
    sandbox = fake_api
    seen: list[httpx2.Request] = []

    def answer(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        return sandbox(request)

    labels: list[tuple[RecordedRequest, int]] = []
    cassette = Cassette.load("01_embeddings", recorded)
    transport = ExploreTransport(
        cassette,
        api_key=EXPLORE_API_KEY,
        client_base_url=CANONICAL_BASE_URL,
        transport=httpx2.MockTransport(answer),
        sandbox=lambda: "http://127.0.0.1:9/v1",
        on_live_answer=lambda request, response: labels.append((request, response.status_code)),
    )
    client = OpenAI(api_key="sk-unused", max_retries=0, http_client=DefaultHttpx2Client(transport=transport))
    before = _digests(recorded)

    client.embeddings.create(model="text-embedding-3-small", input="cat")  # recorded
    assert seen == [] and labels == []

    client.embeddings.create(model="text-embedding-3-small", input="dog")  # changed: the sandbox answers
    assert len(seen) == 1 and labels[0][1] == 200
    forwarded = seen[0]
    assert str(forwarded.url) == "http://127.0.0.1:9/v1/embeddings"
    assert forwarded.headers["authorization"] == f"Bearer {EXPLORE_API_KEY}"
    assert labels[0][0].path == "/v1/embeddings"

    assert _digests(recorded) == before  # nothing written
    assert len(cassette.interactions) == 1


def test_explore_works_for_a_notebook_without_recordings(clean_env: Path) -> None:
    helpers.start("99_scratch", cassettes=clean_env / "cassettes", banner=False)
    assert not (clean_env / "cassettes").exists()


def test_a_real_sandbox_answers_a_changed_cell_and_is_stopped_afterwards(
    clean_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cassettes = clean_env / "cassettes"
    (cassettes).mkdir()
    for path in (ROOT / "cassettes").glob("04_models*"):
        (cassettes / path.name).write_bytes(path.read_bytes())
    before = _digests(cassettes)
    client = helpers.start("04_models", cassettes=cassettes)
    assert "Mode: the learner's mode (explore)" in capsys.readouterr().out
    try:
        assert local_sandbox.running() is not None  # started in the background by helpers.start()
        assert len(client.models.list().data) > 0  # recorded
        model = client.models.retrieve("text-embedding-3-large")  # not recorded in 04
        assert model.id == "text-embedding-3-large"
        printed = capsys.readouterr().out
        assert "Sandbox, live: GET /v1/models/text-embedding-3-large → 200" in printed
        assert "not from the recording" in printed
        sandbox = local_sandbox.running()
        assert sandbox is not None and sandbox.pid is not None
        markers = Path(tempfile.gettempdir()).glob("openai-notebooks-sandbox-*/sandbox-owner.pid")
        folder = next(m.parent for m in markers if m.read_text().strip() == str(sandbox.pid))
        assert ROOT not in folder.parents
    finally:
        local_sandbox.stop()
    assert local_sandbox.running() is None and not folder.exists()
    assert sandbox.process is not None and sandbox.process.poll() is not None
    assert _digests(cassettes) == before


def test_live_mode_without_a_key_says_what_to_set(clean_env: Path) -> None:
    with pytest.raises(ConfigError, match="make sandbox") as caught:
        helpers.start("04_models", mode="live")
    assert "OPENAI_API_KEY" in str(caught.value) and "mode='explore'" in str(caught.value)


def test_live_mode_with_nothing_listening_says_what_to_start(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("OPENAI_API_KEY", "sk-anything")
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{port}/v1")
    client = helpers.start("04_models", mode="live", banner=False)
    with pytest.raises(ServerUnreachableError, match=r"Nothing answered at http://127\.0\.0\.1:\d+/v1.*make sandbox"):
        client.models.list()


def test_harness_errors_render_as_their_message_only_in_jupyter() -> None:
    error = ConfigError("first line\nsecond line")
    rendered = error._render_traceback_()
    assert rendered == ["\x1b[0;31mConfigError\x1b[0m: first line\nsecond line"]
    assert isinstance(ServerUnreachableError("x"), HarnessError)
