"""Fixtures for the record/replay harness tests."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import shutil
import struct
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx2
import pytest
from openai import DefaultHttpx2Client, OpenAI

import helpers
from helpers.config import CANONICAL_BASE_URL
from helpers.recording.cassette import Cassette
from helpers.recording.filters import SecretGuard
from helpers.recording.interactions import MultipartBody, parse_body
from helpers.recording.record import RecordTransport
from helpers.recording.replay import ReplayTransport

HERE = Path(__file__).parent
TEST_NOTEBOOK = HERE / "notebooks" / "90_harness_check.ipynb"

# The small test notebook is run by these tests (record, then replay); the suite-wide `--nbval` run must not pick it
# up on its own, since it has no cassette in cassettes/.
collect_ignore_glob = ["notebooks/*"]


@pytest.fixture(autouse=True)
def _no_leftover_session() -> Iterator[None]:
    """Each test starts and ends without an active harness session (and so without the replay network guard)."""
    helpers.stop()
    yield
    helpers.stop()


@pytest.fixture()
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No OpenAI settings from the outer environment, and a working directory without a .env file."""
    for name in list(os.environ):
        if name.startswith("OPENAI_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture()
def notebook_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "notebooks"
    folder.mkdir()
    shutil.copy(TEST_NOTEBOOK, folder / TEST_NOTEBOOK.name)
    return folder


class FakeFilesApi:
    """A tiny in-memory stand-in for the files/models/embeddings endpoints, used through httpx2.MockTransport."""

    def __init__(self) -> None:
        self.files: dict[str, dict[str, object]] = {}
        self.contents: dict[str, bytes] = {}
        self.requests = 0

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests += 1
        path, sandbox = request.url.path.removeprefix("/v1"), {"x-sandbox": "fake sandbox 0.0"}
        if path == "/models":
            return httpx2.Response(200, json={"object": "list", "data": [MODEL]}, headers=sandbox | STAND_IN)
        if path == "/embeddings":
            body = json.loads(request.read())
            vector = base64.b64encode(struct.pack("<1536f", *[i / 1536 for i in range(1536)])).decode()
            data = [{"object": "embedding", "index": 0, "embedding": vector}]
            usage = {"prompt_tokens": 1, "total_tokens": 1}
            return httpx2.Response(
                200, json={"object": "list", "data": data, "model": body["model"], "usage": usage}, headers=sandbox
            )
        if path == "/files" and request.method == "POST":
            parts = parse_body(request.read(), request.headers["content-type"])
            assert isinstance(parts, MultipartBody)
            upload = next(p for p in parts.parts if p.name == "file")
            purpose = next(p for p in parts.parts if p.name == "purpose").content.decode()
            file_id = f"file-{len(self.files) + 1}"
            self.files[file_id] = {"id": file_id, "object": "file", "bytes": len(upload.content), "created_at": 1}
            self.files[file_id] |= {"filename": upload.filename, "purpose": purpose, "status": "processed"}
            self.contents[file_id] = upload.content
            return httpx2.Response(200, json=self.files[file_id], headers=sandbox)
        if path == "/files":
            return httpx2.Response(200, json={"object": "list", "data": list(self.files.values())}, headers=sandbox)
        if path.startswith("/files/") and path.endswith("/content"):
            content = self.contents[path.split("/")[2]]
            return httpx2.Response(200, content=content, headers={"content-type": "image/png"} | sandbox)
        return httpx2.Response(404, json={"error": {"message": "not found", "type": "invalid_request_error"}})


MODEL = {"id": "gpt-4o-mini", "object": "model", "created": 1, "owned_by": "system"}
STAND_IN = {"x-sandbox-stand-in": "fake model catalog"}
SANDBOX_URL = "http://127.0.0.1:8123/v1"


@pytest.fixture()
def fake_api() -> FakeFilesApi:
    return FakeFilesApi()


@pytest.fixture()
def recording_client(tmp_path: Path, fake_api: FakeFilesApi) -> Callable[..., tuple[OpenAI, Cassette]]:
    """``recording_client(notebook)`` records into ``tmp_path/cassettes`` through the fake API."""

    def make(notebook: str, *, guard: SecretGuard | None = None) -> tuple[OpenAI, Cassette]:
        cassette = Cassette.start_recording(
            notebook, tmp_path / "cassettes", sdk="3.57.0", guard=guard or SecretGuard(), today=dt.date(2026, 11, 25)
        )
        transport = RecordTransport(cassette, client_base_url=SANDBOX_URL, upstream=httpx2.MockTransport(fake_api))
        client = OpenAI(
            api_key="sk-sandbox-test-key",
            base_url=SANDBOX_URL,
            max_retries=0,
            http_client=DefaultHttpx2Client(transport=transport),
        )
        return client, cassette

    return make


def replaying_client(cassettes: Path, notebook: str, *, max_retries: int = 0) -> tuple[OpenAI, Cassette]:
    cassette = Cassette.load(notebook, cassettes)
    transport = ReplayTransport(cassette, client_base_url=CANONICAL_BASE_URL)
    client = OpenAI(api_key="sk-unused", max_retries=max_retries, http_client=DefaultHttpx2Client(transport=transport))
    return client, cassette


@pytest.fixture()
def replay_client() -> Callable[..., tuple[OpenAI, Cassette]]:
    return replaying_client
