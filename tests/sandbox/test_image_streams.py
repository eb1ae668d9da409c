"""Streamed images (``stream=True, partial_images=N``) through the official SDK with strict validation.

What OpenAI documents (openai 3.57.0 docstrings, OpenAPI ``PartialImages``): ``partial_images`` is 0-3; with 0 the
image comes "in one streaming event"; the events are ``image_generation.partial_image`` /
``image_generation.completed`` (``image_edit.*`` for edits). The sandbox always sends every partial it was asked
for (OpenAI may send fewer when the final image is ready first), each a coarser render of the final picture.
"""

from __future__ import annotations

import base64
import io
import itertools
from typing import Any

import numpy as np
import openai
import pytest
from openai import OpenAI
from PIL import Image

from helpers.sandbox_process import SandboxProcess
from tests.clients import strict_client

MODEL = "gpt-image-2"
PROMPT = "a lighthouse on a rocky coast at dusk"


@pytest.fixture(scope="module")
def client(light_sandbox: SandboxProcess) -> OpenAI:
    return strict_client(light_sandbox)


def pixels(b64: str) -> np.ndarray[Any, np.dtype[np.float32]]:
    image = Image.open(io.BytesIO(base64.b64decode(b64)))
    image.load()
    return np.asarray(image.convert("RGBA"), np.float32)


def distances_to_final(events: list[Any]) -> list[float]:
    final = pixels(events[-1].b64_json)
    return [float(np.abs(pixels(e.b64_json) - final).mean()) for e in events[:-1]]


def photo() -> tuple[str, bytes, str]:
    rng = np.random.default_rng(3)
    gradient = np.linspace(0, 255, 320, dtype=np.float32)[None, :, None] * np.ones((240, 1, 3), np.float32)
    noisy = np.clip(gradient + rng.normal(0, 20, (240, 320, 3)), 0, 255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(noisy, "RGB").save(buffer, "PNG")
    return ("photo.png", buffer.getvalue(), "image/png")


def generate(client: OpenAI, partial_images: int, **extra: Any) -> list[Any]:
    stream = client.images.generate(
        model=MODEL, prompt=PROMPT, quality="low", stream=True, partial_images=partial_images, **extra
    )
    return list(stream)


def edit(client: OpenAI, partial_images: int, **extra: Any) -> list[Any]:
    stream = client.images.edit(
        model=MODEL,
        image=photo(),
        prompt="paint it as a winter lake",
        stream=True,
        partial_images=partial_images,
        **extra,
    )
    return list(stream)


@pytest.mark.parametrize("partial_images", [0, 1, 2, 3])
@pytest.mark.parametrize(("call", "kind"), [(generate, "image_generation"), (edit, "image_edit")])
def test_n_partials_then_one_completed_each_finer_than_the_last(
    client: OpenAI, call: Any, kind: str, partial_images: int
) -> None:
    events = call(client, partial_images)
    assert [e.type for e in events] == [f"{kind}.partial_image"] * partial_images + [f"{kind}.completed"]
    assert [e.partial_image_index for e in events[:-1]] == list(range(partial_images))
    distances = distances_to_final(events)
    # every partial is a real render of the final picture, each closer to it than the one before, none identical
    assert all(a > b for a, b in itertools.pairwise(distances)), distances
    assert all(d > 0 for d in distances)
    assert all(d < 40 for d in distances), distances  # a coarse render of this picture, not another picture
    sizes = {e.size for e in events}
    assert len(sizes) == 1
    width, height = (int(v) for v in sizes.pop().split("x"))
    assert all(pixels(e.b64_json).shape[:2] == (height, width) for e in events)


@pytest.mark.parametrize(("call", "kind"), [(generate, "image_generation"), (edit, "image_edit")])
def test_event_fields_match_the_unstreamed_answer(client: OpenAI, call: Any, kind: str) -> None:
    events = call(client, 2, output_format="webp", background="opaque")
    if kind == "image_generation":
        plain = client.images.generate(
            model=MODEL, prompt=PROMPT, quality="low", output_format="webp", background="opaque"
        )
    else:
        plain = client.images.edit(
            model=MODEL, image=photo(), prompt="paint it as a winter lake", output_format="webp", background="opaque"
        )
    assert plain.data is not None and plain.usage is not None
    completed = events[-1]
    assert completed.b64_json == plain.data[0].b64_json  # the same picture, streamed or not
    for event in events:
        assert (event.size, event.quality, event.background, event.output_format) == (
            plain.size,
            plain.quality,
            plain.background,
            plain.output_format,
        )
        assert isinstance(event.created_at, int) and event.created_at > 1_700_000_000
        assert Image.open(io.BytesIO(base64.b64decode(event.b64_json))).format == "WEBP"
    usage = completed.usage
    assert usage.input_tokens == plain.usage.input_tokens
    assert usage.input_tokens_details.model_dump() == plain.usage.input_tokens_details.model_dump()
    assert usage.total_tokens == usage.input_tokens + usage.output_tokens


def test_each_partial_image_costs_extra_output_tokens(client: OpenAI) -> None:
    outputs = [generate(client, n)[-1].usage.output_tokens for n in range(4)]
    assert [b - a for a, b in itertools.pairwise(outputs)] == [100, 100, 100]
    edits = [edit(client, n)[-1].usage.output_tokens for n in (0, 3)]
    assert edits[1] - edits[0] == 300


def test_several_images_each_get_their_partials(client: OpenAI) -> None:
    events = generate(client, 2, n=2)
    kinds = [(e.type.rsplit(".", 1)[1], getattr(e, "partial_image_index", None)) for e in events]
    assert kinds == [("partial_image", 0), ("partial_image", 1), ("completed", None)] * 2
    assert events[2].b64_json != events[5].b64_json
    second = distances_to_final(events[3:])
    assert len(second) == 2 and second[0] > second[1] > 0


def test_transparent_partials_keep_their_transparency(client: OpenAI) -> None:
    events = generate(client, 3, background="transparent")
    for event in events:
        assert event.background == "transparent"
        alpha = pixels(event.b64_json)[..., 3]
        assert (alpha == 0).mean() > 0.05 and (alpha == 255).mean() > 0.05


@pytest.mark.parametrize("partial_images", [-1, 4])
def test_partial_images_outside_0_to_3_is_refused(client: OpenAI, partial_images: int) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        generate(client, partial_images)
    assert caught.value.status_code == 400
    body = caught.value.body
    assert isinstance(body, dict) and body["param"] == "partial_images"
