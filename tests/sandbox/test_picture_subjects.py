"""Pictures that show the prompt's subject: picking it (English and Korean), drawing it, saying what was drawn."""

from __future__ import annotations

import base64
import io

import numpy as np
import pytest
from openai import OpenAI
from PIL import Image, ImageDraw

from helpers.sandbox_process import SandboxProcess
from sandbox.engines.compose import sprite
from sandbox.engines.images import ImagePainter, PaintSpec
from sandbox.engines.subjects import read_prompt
from tests.clients import strict_client
from tests.sandbox import picture_prompts

MODEL = "gpt-image-2"
OTTER_BROWN = np.array([0xA7, 0x8E, 0x81])  # the Twemoji otter's fur


@pytest.fixture()
def client(light_sandbox: SandboxProcess) -> OpenAI:
    return strict_client(light_sandbox)


def decode(b64: str | None) -> Image.Image:
    assert b64 is not None
    return Image.open(io.BytesIO(base64.b64decode(b64))).convert("RGB")


def png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def share_near(image: Image.Image, colour: np.ndarray, tolerance: float = 12.0) -> float:
    pixels = np.asarray(image.convert("RGB"), np.float32)
    return float((np.abs(pixels - colour).max(axis=-1) < tolerance).mean())


def head_mask(size: tuple[int, int]) -> Image.Image:
    """The notebook's mask: a transparent ellipse over the upper middle."""
    w, h = size
    mask = Image.new("RGBA", size, (0, 0, 0, 255))
    ImageDraw.Draw(mask).ellipse((0.3 * w, 0.08 * h, 0.7 * w, 0.48 * h), fill=(0, 0, 0, 0))
    return mask


# ---- picking the subject


@pytest.mark.parametrize(
    ("prompt", "header"),
    [
        ("A cute baby sea otter", "U+1F9A6 otter"),  # not the baby: the last noun of a phrase is its head
        ("귀여운 아기 수달", "U+1F9A6 otter"),
        ("A red bicycle on a beach", "U+1F6B2 bicycle in red"),
        ("Two cats on a sofa", "U+1F408 cat x2"),
        ("소파 위의 고양이 두 마리", "U+1F408 cat x2"),
        ("고양이가 피아노를 친다", "U+1F408 cat, U+1F3B9 musical keyboard"),  # the sentence's subject comes first
        ("버섯 피자", "U+1F355 pizza"),  # a head-final compound is the last noun
        ("김치찌개 한 그릇", "U+1F372 pot of food"),  # a compound ending in a known word
        ("An astronaut", "U+1F9D1 U+200D U+1F680 astronaut"),  # a sequence: every code point
        ("A lighthouse on a cliff at night", "none"),  # nothing to draw: the scene alone
    ],
)
def test_the_prompt_names_its_subjects(prompt: str, header: str) -> None:
    assert read_prompt(prompt).header() == header


def test_short_korean_words_never_match_inside_longer_ones() -> None:
    assert read_prompt("자전거").header() == "U+1F6B2 bicycle"  # 자 (📏 ruler) is not in 자전거
    assert read_prompt("빨간 자동차 세 대").header() == "U+1F697 automobile x3 in red"  # 대 is a counter here


@pytest.mark.parametrize("name", ["held-out en", "held-out ko"])
def test_held_out_prompts_get_their_main_subject(name: str) -> None:
    """Prompts written before the picker and never tuned on; 0 of them showed their subject before issue 23."""
    prompts = picture_prompts.PROMPT_SETS[name]
    right, wrong = picture_prompts.accuracy(prompts)
    assert right >= 0.8 * len(prompts), wrong


# ---- drawing it


def test_the_otter_is_in_the_picture_and_not_in_a_picture_without_one() -> None:
    painter = ImagePainter()
    otter = painter.paint(PaintSpec("A cute baby sea otter", MODEL, 512, 512, "low"), 0)
    boat = painter.paint(PaintSpec("A lighthouse on a cliff by the sea", MODEL, 512, 512, "low"), 0)
    assert share_near(otter, OTTER_BROWN) > 0.04
    assert share_near(boat, OTTER_BROWN) < 0.005


def test_colour_words_recolour_the_subject() -> None:
    reading = read_prompt("A red bicycle and a blue car")
    red, blue = (np.asarray(sprite(s, 256).image, np.float32) for s in reading.subjects)
    assert [s.colour for s in reading.subjects] == ["red", "blue"]
    for art, strong, weak in ((red, 0, 2), (blue, 2, 0)):
        coloured = (art[..., 3] > 128) & (art[..., :3].max(axis=-1) - art[..., :3].min(axis=-1) > 60)
        assert coloured.mean() > 0.05
        assert art[coloured][:, strong].mean() > art[coloured][:, weak].mean() + 60


def test_masked_edit_draws_a_visible_subject_inside_and_changes_nothing_outside() -> None:
    painter = ImagePainter()
    base = painter.paint(PaintSpec("A cute baby sea otter", MODEL, 512, 512, "medium"), 0)
    mask = head_mask(base.size)
    edited = painter.edit(
        [base], mask, PaintSpec("A cute baby sea otter wearing a beret", MODEL, 512, 512, "medium"), 0
    )
    holes = np.asarray(mask.getchannel("A")) == 0
    change = np.abs(np.asarray(base, np.float32) - np.asarray(edited.convert("RGB"), np.float32)).mean(axis=-1)
    assert change[~holes].max() == 0
    assert change[holes].mean() > 32  # before issue 23 the repaint changed 24 on average and showed no hat
    assert share_near(edited, np.array([0xFF, 0xD9, 0x83]), 20) > 0.02  # the hat's straw colour


def test_a_variation_re_composes_the_subject() -> None:
    painter = ImagePainter()
    original = painter.paint(PaintSpec("A cute baby sea otter", MODEL, 512, 512, "medium"), 0)
    spec = PaintSpec("Create a variation of this image: the same otter, at sunset", MODEL, 512, 512, "medium")
    variation = painter.edit([original], None, spec, 0)
    assert share_near(variation, OTTER_BROWN) > 0.02
    moved = np.abs(np.asarray(original, np.float32) - np.asarray(variation, np.float32)).mean()
    assert moved > 30


# ---- saying what was drawn


def test_every_image_answer_says_what_it_drew(client: OpenAI) -> None:
    raw = client.images.with_raw_response.generate(model=MODEL, prompt="A cute baby sea otter", quality="low")
    assert raw.headers["x-sandbox-drawn"] == "U+1F9A6 otter"
    assert "Twemoji" in raw.headers["x-sandbox-stand-in"]
    none = client.images.with_raw_response.generate(model=MODEL, prompt="A misty morning", quality="low")
    assert none.headers["x-sandbox-drawn"] == "none"
    otter = decode(raw.parse().data[0].b64_json)  # type: ignore[index]
    mask = head_mask(otter.size)
    edit = client.images.with_raw_response.edit(
        model=MODEL,
        image=("otter.png", png(otter), "image/png"),
        mask=("mask.png", png(mask), "image/png"),
        prompt="A cute baby sea otter wearing a beret",
        quality="low",
    )
    assert edit.headers["x-sandbox-drawn"] == "U+1F452 woman's hat"  # what the edit adds, inside the mask


def test_streamed_answers_say_it_too_and_partials_preview_the_final(client: OpenAI) -> None:
    with client.images.with_streaming_response.generate(
        model=MODEL, prompt="두 마리 고양이", quality="low", stream=True, partial_images=2
    ) as response:
        assert response.headers["x-sandbox-drawn"] == "U+1F408 cat x2"
        events = list(response.parse())
    frames = [decode(event.b64_json) for event in events]
    final = np.asarray(frames[-1].resize((16, 16), Image.Resampling.BOX), np.float32)
    last_partial = np.asarray(frames[-2].resize((16, 16), Image.Resampling.BOX), np.float32)
    assert np.abs(final - last_partial).mean() < 6  # the same picture, only coarser
