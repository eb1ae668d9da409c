"""Streamed images (server-sent events) record and replay through the harness's public API only.

A streamed generation and a streamed edit are recorded against a real sandbox, then replayed with no server:
the same events come back in the same order (type, partial_image_index, the bytes of every image), no socket
leaves this machine, and a stream that was never recorded is a plain ``helpers.CassetteMiss``.
Only ``helpers.start`` / ``helpers.stop`` / ``helpers.CassetteMiss`` are used, so the engine underneath may change.
"""

from __future__ import annotations

import base64
import io
import ipaddress
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from openai import OpenAI
from PIL import Image

import helpers
from helpers.sandbox_process import SandboxProcess

NOTEBOOK = "93_streams"
MODEL = "gpt-image-2"
SOCKETS: list[Any] = []
_WATCHING = False


def _watch_sockets(event: str, args: tuple[Any, ...]) -> None:
    if _WATCHING and event == "socket.connect":
        SOCKETS.append(args[1])


sys.addaudithook(_watch_sockets)  # at import: audit hooks cannot be removed, so it records only while watching


def _non_loopback(addresses: list[Any]) -> list[Any]:
    found = []
    for address in addresses:
        host = address[0] if isinstance(address, tuple) else address
        try:
            if not ipaddress.ip_address(host).is_loopback:
                found.append(address)
        except ValueError:  # a name or a unix socket path: not an address on this machine we can vouch for
            if not (isinstance(host, str) and host.startswith("/")):
                found.append(address)
    return found


def _photo() -> tuple[str, bytes, str]:
    pixels = np.random.default_rng(7).integers(0, 256, (192, 256, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels, "RGB").save(buffer, "PNG")
    return ("photo.png", buffer.getvalue(), "image/png")


def _calls(client: OpenAI) -> dict[str, list[tuple[str, int | None, bytes]]]:
    """The two streamed calls a notebook would make, each reduced to (type, partial_image_index, image bytes)."""
    generated = client.images.generate(
        model=MODEL, prompt="a harbour at dawn", quality="low", output_format="webp", stream=True, partial_images=2
    )
    edited = client.images.edit(
        model=MODEL, image=_photo(), prompt="make it snow", quality="low", stream=True, partial_images=3
    )
    return {"generate": _events(generated), "edit": _events(edited)}


def _events(stream: Any) -> list[tuple[str, int | None, bytes]]:
    return [(e.type, getattr(e, "partial_image_index", None), base64.b64decode(e.b64_json)) for e in stream]


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    with SandboxProcess(tmp_path_factory.mktemp("stream-sandbox"), load_models=False) as box:
        yield box


@pytest.fixture()
def recorded(
    sandbox: SandboxProcess, clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, dict[str, list[tuple[str, int | None, bytes]]]]:
    cassettes = clean_env / "cassettes"
    with monkeypatch.context() as env:
        env.setenv("OPENAI_BASE_URL", sandbox.base_url)
        env.setenv("OPENAI_API_KEY", "sk-stream-test")
        live = _calls(helpers.start(NOTEBOOK, mode="record", cassettes=cassettes, banner=False))
        helpers.stop()
    return cassettes, live


def test_streams_replay_with_the_same_events_and_no_network(
    recorded: tuple[Path, dict[str, list[tuple[str, int | None, bytes]]]],
) -> None:
    global _WATCHING
    cassettes, live = recorded
    assert [(t, i) for t, i, _ in live["generate"]] == [
        ("image_generation.partial_image", 0),
        ("image_generation.partial_image", 1),
        ("image_generation.completed", None),
    ]
    assert [(t, i) for t, i, _ in live["edit"]] == [
        *(("image_edit.partial_image", i) for i in range(3)),
        ("image_edit.completed", None),
    ]
    SOCKETS.clear()
    _WATCHING = True
    try:
        replayed = _calls(helpers.start(NOTEBOOK, mode="replay", cassettes=cassettes, banner=False))
    finally:
        _WATCHING = False
        helpers.stop()
    for call in ("generate", "edit"):
        assert [(t, i) for t, i, _ in replayed[call]] == [(t, i) for t, i, _ in live[call]], call
        for (_, _, played), (_, _, heard) in zip(replayed[call], live[call], strict=True):
            assert played == heard, call  # every partial and the final image, byte for byte
    assert _non_loopback(SOCKETS) == []
    assert SOCKETS == []  # replay answers from the recording: it connects to nothing, not even this machine


def test_an_unrecorded_stream_is_a_clear_miss(
    recorded: tuple[Path, dict[str, list[tuple[str, int | None, bytes]]]],
) -> None:
    cassettes, _ = recorded
    client = helpers.start(NOTEBOOK, mode="replay", cassettes=cassettes, banner=False)
    with pytest.raises(helpers.CassetteMiss) as caught:
        list(
            client.images.generate(
                model=MODEL,
                prompt="a harbour at dusk",  # recorded: "a harbour at dawn"
                quality="low",
                output_format="webp",
                stream=True,
                partial_images=2,
            )
        )
    message = str(caught.value)
    first_line = message.splitlines()[0]
    assert "POST /v1/images/generations" in first_line and NOTEBOOK in first_line
    assert "dusk" in message and "dawn" in message  # the request and the closest recording, side by side
    assert caught.value.notebook == NOTEBOOK
