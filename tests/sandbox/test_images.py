"""Images endpoints through the official SDK (strict validation) against a real sandbox process."""

from __future__ import annotations

import base64
import io
import warnings

import numpy as np
import openai
import pytest
from openai import OpenAI
from openai.types import ImagesResponse
from PIL import Image

from helpers.sandbox_process import SandboxProcess
from tests.clients import strict_client

MODEL = "gpt-image-2"


@pytest.fixture()
def client(light_sandbox: SandboxProcess) -> OpenAI:
    return strict_client(light_sandbox)


def decode(b64: str | None) -> Image.Image:
    assert b64 is not None
    image = Image.open(io.BytesIO(base64.b64decode(b64)))
    image.load()
    return image


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def noise_image(width: int, height: int, seed: int = 0) -> Image.Image:
    pixels = np.random.default_rng(seed).integers(0, 256, (height, width, 3), dtype=np.uint8)
    return Image.fromarray(pixels, "RGB")


def hole_mask(width: int, height: int, box: tuple[int, int, int, int]) -> Image.Image:
    alpha = np.full((height, width), 255, np.uint8)
    x0, y0, x1, y1 = box
    alpha[y0:y1, x0:x1] = 0
    return Image.fromarray(np.dstack([np.zeros((height, width, 3), np.uint8), alpha]), "RGBA")


@pytest.mark.parametrize(
    ("size", "output_format", "expected_size", "pillow_format"),
    [
        ("1024x1024", "png", (1024, 1024), "PNG"),
        ("1536x1024", "jpeg", (1536, 1024), "JPEG"),
        ("1024x1536", "webp", (1024, 1536), "WEBP"),
        ("auto", "png", (1024, 1024), "PNG"),
        ("1536x864", "png", (1536, 864), "PNG"),  # a custom size: gpt-image-2 accepts WIDTHxHEIGHT
    ],
)
def test_generate_returns_decodable_images(
    client: OpenAI, size: str, output_format: str, expected_size: tuple[int, int], pillow_format: str
) -> None:
    result = client.images.generate(  # type: ignore[call-overload]
        model=MODEL, prompt="A sea otter floating in a kelp forest at sunset", size=size, output_format=output_format
    )
    assert result.data is not None and len(result.data) == 1
    image = decode(result.data[0].b64_json)
    assert (image.format, image.size) == (pillow_format, expected_size)
    assert result.data[0].url is None and result.data[0].revised_prompt is None
    assert result.size == f"{expected_size[0]}x{expected_size[1]}"
    assert (result.output_format, result.quality, result.background) == (output_format, "medium", "opaque")
    assert result.usage is not None
    assert result.usage.total_tokens == result.usage.input_tokens + result.usage.output_tokens
    assert result.usage.input_tokens_details.text_tokens > 0


def test_transparent_background_has_alpha(client: OpenAI) -> None:
    for output_format in ("png", "webp"):
        result = client.images.generate(
            model=MODEL,
            prompt="a lone pine tree",
            background="transparent",
            output_format=output_format,
            size="1024x1024",
        )
        assert result.background == "transparent" and result.data
        image = decode(result.data[0].b64_json)
        assert image.mode == "RGBA"
        alpha = np.asarray(image.getchannel("A"))
        assert (alpha == 0).mean() > 0.1 and (alpha == 255).mean() > 0.1


def test_same_request_gives_identical_bytes_and_n_gives_distinct_images(client: OpenAI) -> None:
    request = {"model": MODEL, "prompt": "a castle on a snowy mountain at night", "n": 3, "quality": "low"}
    first = client.images.generate(**request)  # type: ignore[call-overload]
    second = client.images.generate(**request)  # type: ignore[call-overload]
    assert first.data and second.data
    assert [d.b64_json for d in first.data] == [d.b64_json for d in second.data]
    assert len({d.b64_json for d in first.data}) == 3
    dawn = {**request, "prompt": "a castle on a snowy mountain at dawn"}
    other = client.images.generate(**dawn)  # type: ignore[call-overload]
    assert other.data and other.data[0].b64_json != first.data[0].b64_json


def test_streaming_ends_with_the_same_picture(client: OpenAI) -> None:
    request = {"model": MODEL, "prompt": "a lighthouse by the sea", "quality": "low"}
    plain = client.images.generate(**request)  # type: ignore[call-overload]
    events = list(client.images.generate(**request, stream=True, partial_images=2))  # type: ignore[call-overload]
    assert [e.type for e in events] == [
        "image_generation.partial_image",
        "image_generation.partial_image",
        "image_generation.completed",
    ]
    assert plain.data and events[-1].b64_json == plain.data[0].b64_json


def test_masked_edit_keeps_every_unmasked_pixel(client: OpenAI) -> None:
    source = noise_image(640, 480)
    box = (200, 120, 440, 360)
    result = client.images.edit(
        model=MODEL,
        image=("photo.png", png_bytes(source), "image/png"),
        mask=("mask.png", png_bytes(hole_mask(640, 480, box)), "image/png"),
        prompt="put a full moon in the hole",
    )
    assert result.data and result.size == "640x480"
    edited = np.asarray(decode(result.data[0].b64_json).convert("RGB"))
    original = np.asarray(source)
    hole = np.zeros(original.shape[:2], bool)
    hole[box[1] : box[3], box[0] : box[2]] = True
    assert np.array_equal(edited[~hole], original[~hole])
    assert (edited[hole] != original[hole]).any(axis=-1).mean() > 0.9
    assert result.usage is not None and result.usage.input_tokens_details.image_tokens > 0


def test_edit_without_mask_is_deterministic_and_takes_several_images(client: OpenAI) -> None:
    images = [("a.png", png_bytes(noise_image(512, 512, seed)), "image/png") for seed in range(3)]

    def run() -> ImagesResponse:
        return client.images.edit(model="gpt-image-1.5", image=images, prompt="turn this into a sunset poster")

    first, second = run(), run()
    assert first.data and second.data
    assert first.data[0].b64_json == second.data[0].b64_json
    picture = decode(first.data[0].b64_json)
    assert picture.size == (512, 512)
    assert not np.array_equal(np.asarray(picture.convert("RGB")), np.asarray(noise_image(512, 512, 0)))


def test_edit_to_an_explicit_size_and_jpeg(client: OpenAI) -> None:
    result = client.images.edit(
        model=MODEL,
        image=("p.png", png_bytes(noise_image(300, 200)), "image/png"),
        prompt="a forest",
        size="1024x1536",
        output_format="jpeg",
        output_compression=60,
    )
    assert result.data
    picture = decode(result.data[0].b64_json)
    assert (picture.format, picture.size) == ("JPEG", (1024, 1536))


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"model": "dall-e-3"}, openai.BadRequestError, "retired on May 12, 2026"),
        ({"model": "gpt-image-1"}, openai.BadRequestError, "shut down on October 23, 2026"),
        ({"model": "gpt-image-9"}, openai.NotFoundError, "does not exist"),
        ({"size": "256x256"}, openai.BadRequestError, "was a dall-e-2 size"),
        ({"size": "1792x1024", "model": "gpt-image-1.5"}, openai.BadRequestError, "was a dall-e-3 size"),
        ({"size": "1000x1000"}, openai.BadRequestError, "divisible by 16"),
        ({"size": "1536x864", "model": "gpt-image-1.5"}, openai.BadRequestError, "Custom sizes work with gpt-image-2"),
        ({"output_format": "gif"}, openai.BadRequestError, "preview"),
        ({"background": "transparent", "output_format": "jpeg"}, openai.BadRequestError, "'png' or 'webp'"),
        ({"response_format": "url"}, openai.BadRequestError, "unsupported for GPT image models"),
        ({"style": "vivid"}, openai.BadRequestError, "unsupported for GPT image models"),
        ({"quality": "hd"}, openai.BadRequestError, "DALL·E quality"),
        ({"quality": "max"}, openai.BadRequestError, "gpt-image-2.5"),
        ({"n": 11}, openai.BadRequestError, "Expected a value <= 10"),
        ({"prompt": "  "}, openai.BadRequestError, "empty string"),
    ],
    ids=lambda value: "-".join(f"{k}={v}" for k, v in value.items()) if isinstance(value, dict) else None,
)
def test_bad_generate_requests(client: OpenAI, kwargs: dict[str, object], error: type[Exception], message: str) -> None:
    request: dict[str, object] = {"model": MODEL, "prompt": "a tree", **kwargs}
    with pytest.raises(error, match=message):
        client.images.generate(**request)  # type: ignore[call-overload]


def test_missing_prompt_and_missing_model(client: OpenAI) -> None:
    with pytest.raises(openai.BadRequestError, match="Missing required parameter: 'prompt'"):
        client.post("/images/generations", body={"model": MODEL}, cast_to=ImagesResponse)
    with pytest.raises(openai.BadRequestError, match="Pass model= explicitly"):
        client.images.generate(prompt="a tree")


def test_custom_size_limits_for_gpt_image_2_5(client: OpenAI) -> None:
    wide = client.images.generate(model="gpt-image-2.5-flare", prompt="a desert", size="2048x768", quality="low")
    assert wide.data and decode(wide.data[0].b64_json).size == (2048, 768)
    with pytest.raises(openai.BadRequestError, match="between 1:3 and 3:1"):
        client.images.generate(model="gpt-image-2.5-flare", prompt="a desert", size="3200x768")
    with pytest.raises(openai.BadRequestError, match="3840x2160"):
        client.images.generate(model="gpt-image-2.5-flare", prompt="a desert", size="2560x2560")


def test_bad_edit_requests(client: OpenAI) -> None:
    photo = ("photo.png", png_bytes(noise_image(64, 64)), "image/png")
    with pytest.raises(openai.BadRequestError, match="same dimensions"):
        client.images.edit(
            model=MODEL, image=photo, mask=("m.png", png_bytes(hole_mask(32, 32, (0, 0, 8, 8)))), prompt="x"
        )
    with pytest.raises(openai.BadRequestError, match="could not be read as an image"):
        client.images.edit(model=MODEL, image=("notes.png", b"just some text", "image/png"), prompt="x")
    gif = io.BytesIO()
    noise_image(16, 16).save(gif, "GIF")
    with pytest.raises(openai.BadRequestError, match="unsupported image format 'GIF'"):
        client.images.edit(model=MODEL, image=("anim.gif", gif.getvalue()), prompt="x")
    with pytest.raises(openai.BadRequestError, match="no alpha channel"):
        client.images.edit(model=MODEL, image=photo, mask=("m.png", png_bytes(noise_image(64, 64))), prompt="x")
    with pytest.raises(openai.BadRequestError, match="at most 16"):
        client.images.edit(model=MODEL, image=[photo] * 17, prompt="x")
    with pytest.raises(openai.BadRequestError, match="not supported for gpt-image-2"):
        client.images.edit(model=MODEL, image=photo, prompt="x", input_fidelity="high")
    with pytest.raises(openai.BadRequestError, match="dall-e-2"):
        client.images.edit(model="dall-e-2", image=photo, prompt="x")


def test_variations_endpoint_is_retired(client: OpenAI) -> None:
    photo = ("photo.png", png_bytes(noise_image(64, 64)), "image/png")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # the SDK marks create_variation deprecated
        with pytest.raises(openai.NotFoundError, match=r"retired.*images\.edit"):
            client.images.create_variation(image=photo, model="dall-e-2")


def test_responses_are_labelled(client: OpenAI) -> None:
    raw = client.images.with_raw_response.generate(model=MODEL, prompt="a tree", quality="low")
    assert "procedural image painter" in raw.headers["x-sandbox-stand-in"]
    assert raw.headers["x-sandbox"].startswith("openai-endpoint-notebooks sandbox")


def test_painter_is_fast_and_marks_its_output() -> None:
    """1024x1024 paints in well under half a second; the badge pixels are the badge colour."""
    import time

    from sandbox.engines.image_labels import BADGE_COLOUR
    from sandbox.engines.images import ImagePainter, PaintSpec

    painter = ImagePainter()
    spec = PaintSpec("a quiet harbour town at dusk", MODEL, 1024, 1024, "high")
    painter.paint(spec, 0)  # warm the font cache
    started = time.perf_counter()
    picture = painter.encode(painter.paint(spec, 1), "png")
    elapsed = time.perf_counter() - started
    assert elapsed < 1.0, f"painting took {elapsed:.2f}s"  # ~0.15 s on the dev box; lenient for slow CI
    pixels = np.asarray(Image.open(io.BytesIO(picture)).convert("RGB"))
    badge = np.all(pixels[20:60, 20:200] == BADGE_COLOUR, axis=-1)
    assert badge.mean() > 0.3


def test_upload_size_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process (the limits are shrunk): images must be under 50 MB, masks under 4 MB."""
    from starlette.datastructures import UploadFile

    from sandbox import limits
    from sandbox.envelope import status_of
    from sandbox.errors import InvalidRequest
    from sandbox.input_images import load_edit_inputs

    def upload(image: Image.Image, name: str) -> UploadFile:
        return UploadFile(io.BytesIO(png_bytes(image)), filename=name)

    photo = noise_image(64, 64)
    monkeypatch.setattr(limits, "MAX_IMAGE_BYTES", 1000)
    with pytest.raises(InvalidRequest, match="must be smaller than") as caught:
        load_edit_inputs([upload(photo, "big.png")], None)
    assert status_of(caught.value) == 400 and caught.value.param == "image"

    monkeypatch.setattr(limits, "MAX_IMAGE_BYTES", 50 * 1024 * 1024)
    monkeypatch.setattr(limits, "MAX_MASK_BYTES", 1000)
    with pytest.raises(InvalidRequest, match="must be smaller than") as caught:
        noisy_mask = noise_image(64, 64, seed=1).convert("RGBA")  # noise, so it does not compress below the limit
        load_edit_inputs([upload(photo, "ok.png")], upload(noisy_mask, "m.png"))
    assert caught.value.param == "mask"


def test_streamed_edit(client: OpenAI) -> None:
    photo = ("photo.png", png_bytes(noise_image(256, 256)), "image/png")
    events = list(client.images.edit(model=MODEL, image=photo, prompt="a lake", stream=True, partial_images=1))
    assert [e.type for e in events] == ["image_edit.partial_image", "image_edit.completed"]
    final = events[-1]
    assert final.type == "image_edit.completed" and final.usage.input_tokens_details.image_tokens > 0
    assert decode(final.b64_json).size == (256, 256)
