"""Body limits counted as bytes arrive (chunked uploads included), disk-full answers, and labels on every response."""

from __future__ import annotations

import io
import json
import select
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import openai
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from helpers.sandbox_process import SandboxProcess
from tests.clients import strict_client

SCALE = 0.002  # the 512 MB upload limit becomes ~1 MB; the 16 MB JSON limit ~33 KB
SENT_AT_MOST = 40 * 1024 * 1024


@pytest.fixture(scope="module")
def small_limits(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    box = SandboxProcess(tmp_path_factory.mktemp("limits"), load_models=False)
    with pytest.MonkeyPatch.context() as mp:  # only this process gets the small limits
        mp.setenv("SANDBOX_LIMIT_SCALE", str(SCALE))
        box.start()
    try:
        yield box
    finally:
        box.stop()


def _chunked_request(port: int, path: str, content_type: str, head: bytes) -> tuple[int, int, dict[str, str], bytes]:
    """POST a chunked body of up to 40 MB that never ends; stop sending as soon as the server answers.

    Returns (bytes sent, status, headers, body). A server that reads the whole body first never answers at all
    (the body has no last chunk), so the answer itself proves it stopped reading at its limit."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    with sock:
        sock.sendall(
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
            "Transfer-Encoding: chunked\r\n\r\n".encode()
        )
        piece = b"x" * 65536
        sent = 0
        first = head + piece[len(head) :]
        while sent < SENT_AT_MOST:
            readable, _, _ = select.select([sock], [], [], 0)
            if readable:
                break
            chunk = first if sent == 0 else piece
            try:
                sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            except (TimeoutError, BrokenPipeError, ConnectionResetError):
                break
            sent += len(chunk)
        sock.settimeout(10)
        answer = b""
        try:
            while b"\r\n\r\n" not in answer or len(answer.partition(b"\r\n\r\n")[2]) < _length(answer):
                data = sock.recv(65536)
                if not data:
                    break
                answer += data
        except TimeoutError:
            pytest.fail(f"no answer after {sent:,} bytes: the server is still reading the body")
    head_part, _, body = answer.partition(b"\r\n\r\n")
    lines = head_part.decode().split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return sent, int(lines[0].split()[1]), headers, body


def _length(answer: bytes) -> int:
    for line in answer.partition(b"\r\n\r\n")[0].split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    return 0


MULTIPART_HEAD = (
    b'--b\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nuser_data\r\n'
    b'--b\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n'
    b"Content-Type: application/octet-stream\r\n\r\n"
)
EDIT_HEAD = (
    b'--b\r\nContent-Disposition: form-data; name="prompt"\r\n\r\nsea\r\n'
    b'--b\r\nContent-Disposition: form-data; name="image"; filename="big.png"\r\n'
    b"Content-Type: image/png\r\n\r\n"
)


@pytest.mark.parametrize(
    ("path", "content_type", "head", "status", "code"),
    [
        ("/v1/files", "multipart/form-data; boundary=b", MULTIPART_HEAD, 400, "file_too_large"),
        ("/v1/images/edits", "multipart/form-data; boundary=b", EDIT_HEAD, 400, "request_too_large"),
        ("/v1/embeddings", "application/json", b'{"model": "text-embedding-3-small", "input": "', 413, None),
        ("/v1/moderations", "application/json", b'{"input": "', 413, None),
        ("/v1/images/generations", "application/json", b'{"model": "gpt-image-2", "prompt": "', 413, None),
    ],
    ids=["files", "image-edits", "embeddings", "moderations", "image-generations"],
)
def test_a_chunked_body_is_stopped_at_the_limit(
    small_limits: SandboxProcess, path: str, content_type: str, head: bytes, status: int, code: str | None
) -> None:
    sent, answered, headers, body = _chunked_request(small_limits.port, path, content_type, head)
    error = json.loads(body)["error"]
    assert answered == status, body
    assert set(error) == {"message", "type", "param", "code"} and "too large" in error["message"]
    assert error["code"] == (code or "request_too_large")
    assert "x-sandbox" in headers
    assert sent < SENT_AT_MOST  # it answered long before the client ran out of body
    assert list((small_limits.data_dir / "files" / "blobs").iterdir()) == []


def test_the_retired_variations_endpoint_answers_404_whatever_the_body_size(small_limits: SandboxProcess) -> None:
    """Its answer is that it is gone, not that the body is too large (with Content-Length, then chunked)."""
    with pytest.raises(openai.NotFoundError) as caught:
        strict_client(small_limits).images.create_variation(image=("big.png", b"x" * 100_000))  # ~50x the limit
    assert caught.value.code == "endpoint_retired"
    sent, status, headers, body = _chunked_request(
        small_limits.port, "/v1/images/variations", "multipart/form-data; boundary=b", EDIT_HEAD
    )
    assert (status, json.loads(body)["error"]["code"]) == (404, "endpoint_retired")
    assert "x-sandbox" in headers and sent < SENT_AT_MOST


def test_an_upload_under_the_scaled_limit_still_works(small_limits: SandboxProcess) -> None:
    uploaded = strict_client(small_limits).files.create(file=("ok.bin", b"y" * 500_000), purpose="user_data")
    assert uploaded.bytes == 500_000


# ---- disk full and other failures


@pytest.fixture()
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "tiny"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_disk_full_says_what_is_full_and_where_and_is_not_retried(tiny_disk: Path) -> None:
    with SandboxProcess(tiny_disk, load_models=False) as box:
        client = strict_client(box)
        kept = client.files.create(file=("small.txt", b"fits"), purpose="user_data")
        started = time.monotonic()
        with pytest.raises(openai.APIStatusError) as caught:
            client.with_options(max_retries=2).files.create(file=("big.bin", b"z" * 2_000_000), purpose="user_data")
        answer = caught.value.response
        assert answer.status_code == 413
        assert answer.headers["x-sandbox"]
        error = answer.json()["error"]
        assert error["code"] == "storage_full" and "disk is full" in error["message"]
        assert str(tiny_disk) in error["message"]
        assert time.monotonic() - started < 5  # the SDK's retries (with back-off) would take longer
        assert [f.id for f in client.files.list()] == [kept.id]
        assert list((tiny_disk / "files" / "tmp").iterdir()) == []


def noisy_png(side: int) -> bytes:
    """A PNG over 1 MB (noise does not compress), so Starlette spools it to a file rather than memory."""
    pixels = np.random.default_rng(0).integers(0, 256, (side, side, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "PNG")
    return buffer.getvalue()


def test_uploads_need_no_room_in_the_system_temp_folder(
    tiny_disk: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Multipart parts over 1 MB are spooled to disk; in the system temp folder (here 512 KB: room for Python's
    start-up check, not for the upload) they were a 500 that the SDK retried twice, naming no folder. They are
    spooled on the store's own disk, so only that one needs room."""
    monkeypatch.setenv("TMPDIR", str(tiny_disk))
    with SandboxProcess(tmp_path / "data", load_models=False) as box:
        client = strict_client(box)
        assert client.files.create(file=("big.bin", b"z" * 2_000_000), purpose="user_data").bytes == 2_000_000
        image = noisy_png(640)
        assert len(image) > 1_048_576
        edited = client.images.edit(model="gpt-image-2", image=("big.png", image), prompt="sea", quality="low")
        assert edited.data and edited.data[0].b64_json


def test_disk_full_while_an_edit_is_read_says_what_is_full_and_where(tiny_disk: Path) -> None:
    with SandboxProcess(tiny_disk, load_models=False) as box:
        with pytest.raises(openai.APIStatusError) as caught:
            strict_client(box).images.edit(model="gpt-image-2", image=("big.png", noisy_png(640)), prompt="sea")
        answer = caught.value.response
        error = answer.json()["error"]
        assert (answer.status_code, error["code"]) == (413, "storage_full")
        assert "disk is full" in error["message"] and str(tiny_disk) in error["message"]
        assert answer.headers["x-sandbox"]


def test_every_response_is_labelled_even_the_last_resort_500(tmp_path: Path) -> None:
    from sandbox.app import create_app
    from sandbox.config import Settings

    app = create_app(Settings(data_dir=tmp_path, load_models=False))

    def broken() -> None:
        raise ZeroDivisionError

    app.add_api_route("/v1/broken", broken)
    with TestClient(app, raise_server_exceptions=False) as http:
        for method, path in [("GET", "/v1/broken"), ("GET", "/v1/nowhere"), ("GET", "/health")]:
            response = http.request(method, path)
            assert response.headers.get("x-sandbox"), (method, path, response.status_code)
        broken_answer = http.get("/v1/broken")
    assert broken_answer.status_code == 500
    assert broken_answer.json()["error"]["type"] == "server_error"
