"""Scrubbing before anything is written, and the guard that refuses to write a secret."""

from __future__ import annotations

import hashlib
from pathlib import Path

import httpx2
import pytest
from openai import DefaultHttpx2Client, OpenAI

from helpers.config import CANONICAL_BASE_URL as CANONICAL
from helpers.recording.cassette import Cassette
from helpers.recording.errors import SecretLeakError
from helpers.recording.exchange import recorded_request
from helpers.recording.filters import SecretGuard, canonical_path, request_headers_to_record, response_headers_to_record
from helpers.recording.record import RecordTransport
from helpers.recording.replay import ReplayTransport

KEY = "sk-test-0123456789abcdef"
ORG = "org-AbCdEf0123456789"
PROJECT = "proj_0123456789AbCdEf"


def test_request_secrets_and_volatile_headers_are_dropped() -> None:
    kept = request_headers_to_record(
        [
            ("Authorization", f"Bearer {KEY}"),
            ("OpenAI-Organization", ORG),
            ("OpenAI-Project", PROJECT),
            ("Cookie", "session=1"),
            ("Host", "127.0.0.1:8123"),
            ("User-Agent", "OpenAI/Python 3.57.0"),
            ("X-Stainless-OS", "Linux"),
            ("Content-Type", "multipart/form-data; boundary=8ac0b4a2"),
            ("Accept", "application/json"),
        ]
    )
    assert kept == {"accept": ["application/json"], "content-type": ["multipart/form-data"]}


def test_response_secrets_and_volatile_headers_are_dropped() -> None:
    kept = response_headers_to_record(
        [
            ("Set-Cookie", "__cf_bm=abc"),
            ("OpenAI-Organization", ORG),
            ("OpenAI-Project", PROJECT),
            ("X-Request-ID", "req_123"),
            ("CF-RAY", "8a1b2c3d4e5f-AMS"),
            ("X-RateLimit-Remaining-Requests", "4999"),
            ("x-ratelimit-reset-tokens", "6ms"),
            ("Date", "Tue, 25 Nov 2026 10:00:00 GMT"),
            ("Content-Encoding", "gzip"),
            ("Content-Type", "application/json"),
            ("x-sandbox", "openai-endpoint-notebooks sandbox 0.1.0"),
            ("x-sandbox-stand-in", "static model catalog"),
        ]
    )
    assert kept == {
        "content-type": ["application/json"],
        "x-sandbox": ["openai-endpoint-notebooks sandbox 0.1.0"],
        "x-sandbox-stand-in": ["static model catalog"],
    }


@pytest.mark.parametrize(
    ("base_url", "url_path"),
    [
        ("http://127.0.0.1:8123/v1", "/v1/files/file-1"),
        ("https://api.openai.com/v1", "/v1/files/file-1"),
        ("https://gateway.example/openai/v1/", "/openai/v1/files/file-1"),
    ],
)
def test_uris_are_normalised_to_openai(base_url: str, url_path: str) -> None:
    assert canonical_path(url_path, base_url) == "/v1/files/file-1"
    request = httpx2.Request("GET", base_url.rstrip("/") + "/files/file-1?limit=2")
    assert recorded_request(request, base_url).uri == "https://api.openai.com/v1/files/file-1?limit=2"


def test_guard_names_the_source_but_never_the_value() -> None:
    guard = SecretGuard({"OPENAI_API_KEY": KEY, "OPENAI_ORG_ID": ORG, "short": "test"})
    guard.check("nothing here; a 'test' file", "cassette.yaml")  # values under 8 characters are not secrets
    with pytest.raises(SecretLeakError) as caught:
        guard.check(f"line one\nmessage: bad key {KEY}\n", "cassette.yaml")
    assert "OPENAI_API_KEY" in str(caught.value) and "line 2" in str(caught.value)
    assert KEY not in str(caught.value)
    with pytest.raises(SecretLeakError, match="OPENAI_ORG_ID"):
        guard.check(b"\x00\x01" + ORG.encode(), "side file")


def test_guard_learns_the_key_actually_sent() -> None:
    guard = SecretGuard()
    guard.add_request_headers([("authorization", f"Bearer {KEY}"), ("openai-project", PROJECT)])
    with pytest.raises(SecretLeakError):
        guard.check(f"x {PROJECT}", "f")
    with pytest.raises(SecretLeakError):
        guard.check(f"x {KEY}", "f")


def _recording_client(tmp_path: Path, handler: object) -> tuple[OpenAI, Cassette]:
    guard = SecretGuard({"OPENAI_ORG_ID": ORG})
    cassette = Cassette.start_recording("02_files", tmp_path, sdk="3.57.0", guard=guard)
    transport = RecordTransport(
        cassette,
        client_base_url="http://127.0.0.1:8123/v1",
        upstream=httpx2.MockTransport(handler),  # type: ignore[arg-type]
    )
    client = OpenAI(
        api_key=KEY,
        organization=ORG,
        base_url="http://127.0.0.1:8123/v1",
        max_retries=0,
        http_client=DefaultHttpx2Client(transport=transport),
    )
    return client, cassette


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*") if p.is_file()
    }


def test_a_key_echoed_in_a_response_is_never_written(tmp_path: Path) -> None:
    def handler(request: httpx2.Request) -> httpx2.Response:
        token = request.headers["authorization"].split()[1]
        return httpx2.Response(401, json={"error": {"message": f"bad key {token}", "type": "x", "param": None}})

    client, cassette = _recording_client(tmp_path, handler)
    before = _digests(tmp_path)
    with pytest.raises(SecretLeakError, match="authorization header"):
        client.models.list()
    assert _digests(tmp_path) == before
    assert KEY not in cassette.path.read_text()


def test_an_org_id_inside_a_side_file_is_never_written(tmp_path: Path) -> None:
    payload = bytes(range(256)) * 20 + ORG.encode()

    def handler(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, content=payload, headers={"content-type": "application/octet-stream"})

    client, cassette = _recording_client(tmp_path, handler)
    with pytest.raises(SecretLeakError, match="side file"):
        client.files.content("file-1")
    assert not (tmp_path / "02_files").exists()
    assert cassette.interactions == []


def test_what_is_written_carries_no_secret_headers(tmp_path: Path) -> None:
    def handler(request: httpx2.Request) -> httpx2.Response:
        headers = {"openai-organization": ORG, "x-request-id": "req_1", "set-cookie": "a=b", "cf-ray": "1-AMS"}
        return httpx2.Response(200, json={"object": "list", "data": []}, headers=headers)

    client, cassette = _recording_client(tmp_path, handler)
    client.models.list()
    text = cassette.path.read_text()
    for forbidden in (KEY, ORG, "req_1", "set-cookie", "cf-ray", "127.0.0.1", "authorization", "x-stainless"):
        assert forbidden not in text
    assert "uri: https://api.openai.com/v1/models" in text


def test_account_ids_learned_from_headers_are_replaced_in_bodies_and_ids(tmp_path: Path) -> None:
    """Issue 15 item 4: ids seen only in response headers (no OPENAI_ORG_ID set) must not reach the cassette."""
    hidden_org, hidden_project = "org-HiddenFromEnv12345", "proj_HiddenFromEnv6789"
    model_id = f"ft:gpt-4o-mini:{hidden_org}:demo:abc123"

    def handler(request: httpx2.Request) -> httpx2.Response:
        headers = {"openai-organization": hidden_org, "openai-project": hidden_project}
        model = {"id": model_id, "object": "model", "created": 1, "owned_by": hidden_org}
        if request.url.path.endswith("/models"):
            return httpx2.Response(200, json={"object": "list", "data": [model]}, headers=headers)
        assert request.url.path.endswith(f"/models/{model_id}")  # the server gets the real id back
        return httpx2.Response(200, json=model | {"note": f"project {hidden_project}"}, headers=headers)

    cassette = Cassette.start_recording("04_models", tmp_path, sdk="3.57.0", guard=SecretGuard())
    transport = RecordTransport(
        cassette, client_base_url="http://127.0.0.1:8123/v1", upstream=httpx2.MockTransport(handler)
    )
    client = OpenAI(
        api_key=KEY,
        base_url="http://127.0.0.1:8123/v1",
        max_retries=0,
        http_client=DefaultHttpx2Client(transport=transport),
    )
    listed = client.models.list().data[0]
    assert listed.id == "ft:gpt-4o-mini:org-REDACTED:demo:abc123" and listed.owned_by == "org-REDACTED"
    retrieved = client.models.retrieve(listed.id)  # recorded with the placeholder, sent with the real id
    text = cassette.path.read_text()
    assert hidden_org not in text and hidden_project not in text
    assert "owned_by: org-REDACTED" in text and "proj_REDACTED" in text

    replay = ReplayTransport(Cassette.load("04_models", tmp_path), client_base_url=CANONICAL)
    replayed = OpenAI(api_key="sk-unused", max_retries=0, http_client=DefaultHttpx2Client(transport=replay))
    assert replayed.models.list().data[0].id == listed.id
    assert replayed.models.retrieve(listed.id).to_dict() == retrieved.to_dict()


def test_live_mode_shows_the_wire_view_with_account_ids_replaced() -> None:
    from helpers.recording import events
    from helpers.recording.live import LiveTransport

    def handler(request: httpx2.Request) -> httpx2.Response:
        model = {"id": "m", "object": "model", "created": 1, "owned_by": ORG}
        return httpx2.Response(200, json=model, headers={"openai-organization": ORG})

    seen: list[str] = []
    remove = events.on_exchange(lambda request, response, source: seen.append(repr((request, response))))
    try:
        transport = LiveTransport("http://127.0.0.1:9/v1", httpx2.MockTransport(handler))
        client = OpenAI(
            api_key=KEY, base_url="http://127.0.0.1:9/v1", http_client=DefaultHttpx2Client(transport=transport)
        )
        assert client.models.retrieve("m").owned_by == ORG  # the caller gets the real answer
    finally:
        remove()
    assert seen and ORG not in seen[0] and "org-REDACTED" in seen[0]
