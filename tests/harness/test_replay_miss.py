"""A replay miss: one clear error, no retry, no network, no change to any cassette file."""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openai import OpenAI

from helpers.recording.cassette import Cassette
from helpers.recording.errors import CassetteMiss, HarnessError

Recorder = Callable[..., tuple[OpenAI, Cassette]]
SOCKET_EVENTS: list[tuple[str, Any]] = []


def _count_socket_use(event: str, args: tuple[Any, ...]) -> None:
    if event in ("socket.connect", "socket.getaddrinfo", "socket.sendto", "socket.gethostbyname"):
        SOCKET_EVENTS.append((event, args[1] if event == "socket.connect" else args[0]))


sys.addaudithook(_count_socket_use)  # at import, so it runs before the harness's own guard


def _digests(folder: Path) -> dict[str, tuple[str, int]]:
    return {
        str(p.relative_to(folder)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in folder.rglob("*")
        if p.is_file()
    }


@pytest.fixture()
def recorded(tmp_path: Path, recording_client: Recorder) -> Path:
    client, _ = recording_client("01_embeddings")
    client.embeddings.create(model="text-embedding-3-small", input="cat")
    client.files.create(file=("notes.txt", b"hello"), purpose="assistants")
    return tmp_path / "cassettes"


def test_a_miss_names_everything_needed_to_fix_it(recorded: Path, replay_client: Recorder) -> None:
    client, _ = replay_client(recorded, "01_embeddings")
    with pytest.raises(CassetteMiss) as caught:
        client.embeddings.create(model="text-embedding-3-small", input="dog")
    error = caught.value
    first_line, *details = str(error).splitlines()
    assert first_line == (
        "No recording matches POST /v1/embeddings in notebook 01_embeddings; closest recording differs in "
        "body.input: 'dog' != 'cat'."
    )
    text = "\n".join(details)
    assert "cell:      None" in text  # outside Jupyter
    assert "request:   POST /v1/embeddings" in text and '"input": "dog"' in text
    assert "closest:   #1 POST /v1/embeddings" in text and '"input": "cat"' in text
    # the learner's mode first, then re-recording with the save-then-reload steps spelled out
    assert text.index("try it:") < text.index("re-record:")
    assert 'helpers.start("01_embeddings", mode="explore")' in text
    assert "save the notebook, run `make record NOTEBOOKS=01_embeddings`" in text
    assert "Reload Notebook from Disk" in text
    assert error.notebook == "01_embeddings" and error.cell is None
    assert error.differences == ["body.input: 'dog' != 'cat'"]


def test_a_changed_upload_names_the_part(recorded: Path, replay_client: Recorder) -> None:
    client, _ = replay_client(recorded, "01_embeddings")
    with pytest.raises(CassetteMiss, match=r"body\.file\.content: 'hellO' != 'hello'"):
        client.files.create(file=("notes.txt", b"hellO"), purpose="assistants")
    with pytest.raises(CassetteMiss, match=r"body\.purpose: 'batch' != 'assistants'"):
        client.files.create(file=("notes.txt", b"hello"), purpose="batch")


def test_a_miss_is_raised_once_touches_no_file_and_no_socket(
    recorded: Path, replay_client: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, cassette = replay_client(recorded, "01_embeddings", max_retries=2)  # even with the SDK's retries on
    plays: list[object] = []
    original = cassette.play_vcr

    def counted_play(*args: Any, **kwargs: Any) -> Any:
        plays.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(cassette, "play_vcr", counted_play)
    before = _digests(recorded)
    SOCKET_EVENTS.clear()
    with pytest.raises(CassetteMiss) as caught:  # not wrapped in openai.APIConnectionError
        client.embeddings.create(model="text-embedding-3-small", input="dog")
    assert isinstance(caught.value, HarnessError)
    assert len(plays) == 1
    assert SOCKET_EVENTS == []
    assert _digests(recorded) == before


def test_an_empty_cassette_says_so(tmp_path: Path, recording_client: Recorder, replay_client: Recorder) -> None:
    recording_client("04_models")
    client, _ = replay_client(tmp_path / "cassettes", "04_models")
    with pytest.raises(CassetteMiss, match="the cassette holds no recordings"):
        client.models.list()
