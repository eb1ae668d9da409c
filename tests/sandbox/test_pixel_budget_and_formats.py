"""Pixel budgets per request (refused from the headers, before decoding) and which output formats keep pixels."""

from __future__ import annotations

import base64
import io
import struct
import time
import zlib
from functools import cache
from pathlib import Path

import httpx2
import numpy as np
import openai
import pytest
from openai import OpenAI
from PIL import Image

from helpers.sandbox_process import SandboxProcess
from tests.clients import strict_client

MODEL = "gpt-image-2"


@pytest.fixture()
def client(light_sandbox: SandboxProcess) -> OpenAI:
    return strict_client(light_sandbox)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


@cache
def flat_png(width: int, height: int) -> bytes:
    """An honest, fully decodable grey PNG of width x height; one colour compresses ~1000:1 (13000² ≈ 170 KB)."""
    packer = zlib.compressobj(9)
    row = bytes(width + 1)  # filter byte 0, then grey 0 pixels
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


def peak_rss(pid: int | None) -> int:
    """The process's high-water mark of resident memory (Linux), in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM")


def test_edit_inputs_share_one_pixel_budget(client: OpenAI, light_sandbox: SandboxProcess) -> None:
    big = flat_png(7100, 7000)  # 49.7 MP each: under the per-image limit, four are far over the request's budget
    before = peak_rss(light_sandbox.pid)
    started = time.monotonic()
    with pytest.raises(openai.BadRequestError) as caught:
        client.images.edit(model=MODEL, image=[(f"{i}.png", big, "image/png") for i in range(4)], prompt="sea")
    assert time.monotonic() - started < 5
    error = caught.value.body
    assert isinstance(error, dict) and error["code"] == "too_many_pixels" and error["param"] == "image"
    assert "198,800,000 pixels" in error["message"]
    assert peak_rss(light_sandbox.pid) - before < 100 * 1024 * 1024  # nothing was decoded


def test_moderation_images_have_a_pixel_budget_and_a_count(light_sandbox: SandboxProcess) -> None:
    url = "data:image/png;base64," + base64.b64encode(flat_png(13000, 13000)).decode()
    before = peak_rss(light_sandbox.pid)
    answer = httpx2.post(
        f"{light_sandbox.base_url}/moderations",
        json={"model": "omni-moderation-latest", "input": [{"type": "image_url", "image_url": {"url": url}}]},
        timeout=30,
    )
    assert answer.status_code == 400, answer.text
    error = answer.json()["error"]
    assert error["code"] == "too_many_pixels" and "169,000,000" in error["message"]
    assert peak_rss(light_sandbox.pid) - before < 100 * 1024 * 1024

    tiny = "data:image/png;base64," + base64.b64encode(flat_png(8, 8)).decode()
    many = [{"type": "image_url", "image_url": {"url": tiny}} for _ in range(17)]
    answer = httpx2.post(f"{light_sandbox.base_url}/moderations", json={"input": many}, timeout=30)
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]["code"] == "too_many_images"


def _noise(width: int, height: int) -> Image.Image:
    return Image.fromarray(np.random.default_rng(7).integers(0, 256, (height, width, 3), dtype=np.uint8), "RGB")


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize("compression", [None, 100], ids=["webp-default", "webp-100"])
def test_masked_webp_edit_keeps_every_unmasked_pixel(client: OpenAI, compression: int | None) -> None:
    source = _noise(320, 240)
    alpha = np.full((240, 320), 255, np.uint8)
    alpha[60:180, 100:220] = 0
    mask = Image.fromarray(np.dstack([np.zeros((240, 320, 3), np.uint8), alpha]), "RGBA")
    result = client.images.edit(
        model=MODEL,
        image=("noise.png", _png(source), "image/png"),
        mask=("mask.png", _png(mask), "image/png"),
        prompt="a moon",
        output_format="webp",
        output_compression=openai.omit if compression is None else compression,
    )
    assert result.data and result.data[0].b64_json
    edited = Image.open(io.BytesIO(base64.b64decode(result.data[0].b64_json)))
    assert edited.format == "WEBP"
    kept = alpha == 255
    assert np.array_equal(np.asarray(edited.convert("RGB"))[kept], np.asarray(source)[kept])
