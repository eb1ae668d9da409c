"""Recordings name the server that really answered: OpenAI only for OpenAI's host, the sandbox by its header,
anything else as another OpenAI-compatible server with its host (in the cassette header and the banner)."""

from __future__ import annotations

from pathlib import Path

import httpx2
import pytest
from openai import DefaultHttpx2Client, OpenAI

from helpers.banner import banner_text
from helpers.recording.cassette import Cassette
from helpers.recording.filters import SecretGuard
from helpers.recording.persister import read
from helpers.recording.record import RecordTransport

MODEL = {"id": "m", "object": "model", "created": 1, "owned_by": "someone"}


def record_one(tmp_path: Path, base_url: str, headers: dict[str, str]) -> Cassette:
    def answer(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, json=MODEL, headers=headers)

    cassette = Cassette.start_recording("04_models", tmp_path, sdk="3.57.0", guard=SecretGuard())
    transport = RecordTransport(cassette, client_base_url=base_url, upstream=httpx2.MockTransport(answer))
    http_client = DefaultHttpx2Client(transport=transport)
    client = OpenAI(api_key="sk-x", base_url=base_url, max_retries=0, http_client=http_client)
    client.models.retrieve("m")
    return cassette


@pytest.mark.parametrize(
    ("base_url", "headers", "target", "says"),
    [
        ("http://127.0.0.1:4010", {}, "other", "against another OpenAI-compatible server (localhost), not OpenAI"),
        ("http://vllm.internal:8000/v1", {}, "other", "another OpenAI-compatible server (vllm.internal)"),
        ("https://api.openai.com/v1", {}, "openai", "against OpenAI (api.openai.com)"),
        ("http://127.0.0.1:8123/v1", {"x-sandbox": "sb 0.1"}, "sandbox", "against the local sandbox (sb 0.1)"),
    ],
)
def test_recording_names_its_real_target(
    tmp_path: Path, base_url: str, headers: dict[str, str], target: str, says: str
) -> None:
    cassette = record_one(tmp_path, base_url, headers)
    info, _ = read(cassette.path)  # the header as written to disk
    assert info.target == target
    assert says in banner_text(info, cassette.path.name)
    assert says in banner_text(cassette.info, cassette.path.name)
    if target != "openai":
        assert "OpenAI recording" not in banner_text(info, cassette.path.name)
