"""Regressions for what the robustness runs (tests/robustness) found: each request here once got a 5xx, a hang or a
wrong answer. Every one must now get an OpenAI-shaped 400 that names the parameter.

Images and Files run on a sandbox of their own without the sentence model; Embeddings and Moderations use the
session's ``sandbox`` (with the model)."""

from __future__ import annotations

import base64
import json
import socket
from typing import Any

import httpx2
import pytest

from helpers.sandbox_process import SandboxProcess
from tests.sample_images import png, png_claiming


def post(sandbox: SandboxProcess, path: str, **kwargs: Any) -> httpx2.Response:
    return httpx2.post(f"{sandbox.base_url}{path}", timeout=30, **kwargs)


def assert_refused(response: httpx2.Response, param: str | None, *, says: str = "") -> None:
    assert response.status_code == 400, response.text[:300]
    error = response.json()["error"]
    assert set(error) == {"message", "type", "param", "code"}
    assert error["type"] == "invalid_request_error"
    assert error["param"] == param, error
    assert says in error["message"], error["message"]


def generate_raw(sandbox: SandboxProcess, body: str) -> httpx2.Response:
    return post(sandbox, "/images/generations", content=body, headers={"content-type": "application/json"})


def test_absurdly_nested_json_is_a_parse_error_not_a_crash(light_sandbox: SandboxProcess) -> None:
    # Was a 500 (RecursionError escaped json.loads).
    assert_refused(generate_raw(light_sandbox, "[" * 100_000 + "]" * 100_000), None, says="could not parse")


def test_an_integer_too_long_to_convert_is_a_parse_error(light_sandbox: SandboxProcess) -> None:
    # Was a 500: Python refuses int() on more than 4300 digits with a plain ValueError, not a JSONDecodeError.
    body = '{"model": "gpt-image-2", "prompt": "x", "n": 1' + "0" * 5000 + "}"
    assert_refused(generate_raw(light_sandbox, body), None, says="could not parse")


@pytest.mark.parametrize("field", ["prompt", "model", "size", "quality"])
def test_lone_surrogates_are_refused(light_sandbox: SandboxProcess, field: str) -> None:
    # Was a 500 (UnicodeEncodeError while seeding the painter) for the prompt.
    body = {"model": "gpt-image-2", "prompt": "a lighthouse", field: "tide \ud800 pool"}
    response = generate_raw(light_sandbox, json.dumps(body))  # json.dumps writes the \ud800 escape
    assert_refused(response, field, says="lone UTF-16 surrogate")


@pytest.mark.parametrize("size", ["0x0", "1024x0", "0x1024"])
def test_a_size_with_a_zero_side_is_refused(light_sandbox: SandboxProcess, size: str) -> None:
    # Was a 500 (ZeroDivisionError in the aspect-ratio check).
    body = {"model": "gpt-image-2", "prompt": "x", "size": size}
    assert_refused(generate_raw(light_sandbox, json.dumps(body)), "size", says="at least 1")
    edit = post(
        light_sandbox,
        "/images/edits",
        data={"model": "gpt-image-2", "prompt": "x", "size": size},
        files={"image": ("in.png", png())},
    )
    assert_refused(edit, "size", says="at least 1")


ARABIC_1024 = "\u0661\u0660\u0662\u0664"  # Arabic-Indic digits: str.isdigit() and int() both take them


@pytest.mark.parametrize("size", [f"{ARABIC_1024}x{ARABIC_1024}", f"1024x{ARABIC_1024}", "\u00b2\u2075\u2076x256"])
def test_sizes_take_ascii_digits_only(light_sandbox: SandboxProcess, size: str) -> None:
    # Arabic-Indic 1024x1024 was accepted as 1024x1024; superscript digits crashed int() after isdigit() said yes.
    body = {"model": "gpt-image-2", "prompt": "x", "size": size}
    assert_refused(generate_raw(light_sandbox, json.dumps(body)), "size")


@pytest.mark.parametrize("value", ["--5", "\u00b2", "\u0663", "1" * 5000])
def test_form_integers_take_ascii_digits_only(light_sandbox: SandboxProcess, value: str) -> None:
    # "--5", superscript 2 and 5000 digits were 500s (int() raised after isdigit() said yes); Arabic-Indic 3 was 3.
    response = post(
        light_sandbox,
        "/images/edits",
        data={"model": "gpt-image-2", "prompt": "x", "n": value},
        files={"image": ("in.png", png())},
    )
    assert_refused(response, "n", says="expected an integer")


def test_a_json_edit_is_told_to_use_multipart(light_sandbox: SandboxProcess) -> None:
    # Was "Missing required parameter: 'prompt'" about a body that had a prompt.
    body = {"model": "gpt-image-2", "prompt": "x", "images": [{"image_url": "https://example.com/a.png"}]}
    response = post(light_sandbox, "/images/edits", json=body)
    assert_refused(response, None, says="multipart/form-data")
    assert response.json()["error"]["code"] == "unsupported_content_type"


@pytest.mark.parametrize("seconds", ["\u0663\u0666\u0660\u0660", "3_600", "9" * 5000])
def test_expiry_seconds_take_ascii_digits_only(light_sandbox: SandboxProcess, seconds: str) -> None:
    # Arabic-Indic 3600 and "3_600" were accepted as 3600 (int() takes them).
    data = {"purpose": "user_data", "expires_after[anchor]": "created_at", "expires_after[seconds]": seconds}
    response = post(light_sandbox, "/files", data=data, files={"file": ("a.txt", b"x")})
    assert_refused(response, "expires_after[seconds]", says="expected an integer")


def test_a_purpose_sent_as_a_file_part_is_named_as_such(light_sandbox: SandboxProcess) -> None:
    # Was "Invalid value for 'purpose': 'UploadFile(filename=...)'": the server's repr in the message.
    files = {"file": ("a.txt", b"x"), "purpose": ("purpose.txt", b"user_data")}
    response = post(light_sandbox, "/files", files=files)
    assert_refused(response, "purpose", says="expected a text field")
    assert "UploadFile" not in response.text


def test_the_sandbox_keeps_answering_after_thousands_of_malformed_requests(light_sandbox: SandboxProcess) -> None:
    # Each malformed request makes uvicorn log a warning line to stderr. SandboxProcess used to leave that pipe
    # unread, so after ~1,600 lines (64 KB) the server blocked on its next write and never answered again.
    for _ in range(2500):
        with socket.create_connection(("127.0.0.1", light_sandbox.port), timeout=5) as sock:
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nBad\x01Header: y\r\n\r\n")
            sock.recv(64)
    assert httpx2.get(f"http://127.0.0.1:{light_sandbox.port}/health", timeout=5).status_code == 200
    assert any("Invalid HTTP request" in line for line in light_sandbox.stderr_tail)


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ('{"model": "text-embedding-3-small", "input": "tide \\ud800 pool"}', "input[0]"),
        ('{"model": "text-embedding-3-small", "input": ["fine", "\\udfff"]}', "input[1]"),
    ],
)
def test_embeddings_refuse_lone_surrogates(sandbox: SandboxProcess, body: str, where: str) -> None:
    # Was a 500: the MiniLM tokenizer raises TypeError on a str that cannot be encoded.
    response = post(sandbox, "/embeddings", content=body, headers={"content-type": "application/json"})
    assert_refused(response, "input", says=f"Invalid '{where}': the string contains a lone UTF-16 surrogate")


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ('{"input": "tide \\ud800 pool"}', "input"),
        ('{"input": ["fine", "\\udfff"]}', "input"),
        ('{"input": [{"type": "text", "text": "\\ud800"}]}', "input[0].text"),
    ],
)
def test_moderations_refuse_lone_surrogates(sandbox: SandboxProcess, body: str, param: str) -> None:
    # Was a 500, for the same reason as embeddings.
    response = post(sandbox, "/moderations", content=body, headers={"content-type": "application/json"})
    assert_refused(response, param, says="lone UTF-16 surrogate")


def test_moderations_refuse_a_decompression_bomb(sandbox: SandboxProcess) -> None:
    # Was a 500: Pillow raises DecompressionBombError (not an OSError) for a header claiming 60000x60000 pixels.
    url = "data:image/png;base64," + base64.b64encode(png_claiming(60_000, 60_000)).decode()
    response = post(sandbox, "/moderations", json={"input": [{"type": "image_url", "image_url": {"url": url}}]})
    assert_refused(response, "input", says="too many pixels")
    assert response.json()["error"]["code"] == "image_too_large"
