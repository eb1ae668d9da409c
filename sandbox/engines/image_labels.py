"""What the image stand-in writes on its pictures so nobody mistakes them for a model's: the prompt's caption band,
the SANDBOX badge, and the watermark over a repainted area. Pillow's bundled font, identical on every machine; for a
caption with Hangul (which it lacks), the NanumGothic that koreanize-matplotlib ships (pinned, so the same too)."""

from __future__ import annotations

import functools
import importlib.util
import re
import threading
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFont

BADGE_TEXT = "SANDBOX"
BADGE_COLOUR = (214, 40, 57)

# FreeType faces are not safe to share between threads, and requests are painted on a thread pool.
_FONTS = threading.local()


def sized_font(size: int, *, hangul: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    size = max(6, size)
    cache: dict[tuple[int, bool], ImageFont.FreeTypeFont | ImageFont.ImageFont] = _FONTS.__dict__.setdefault(
        "by_size", {}
    )
    if (size, hangul) not in cache:
        korean = _korean_font() if hangul else None
        cache[size, hangul] = ImageFont.truetype(korean, size) if korean else ImageFont.load_default(size=size)
    return cache[size, hangul]


@functools.cache
def _korean_font() -> str | None:
    spec = importlib.util.find_spec("koreanize_matplotlib")  # its files only: importing it would set matplotlib up
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "fonts" / "NanumGothic.ttf"
    return str(path) if path.is_file() else None


def caption(canvas: Image.Image, prompt: str, note: str) -> None:
    """A translucent band with the prompt's words and a ``note`` line (which says this is the sandbox's stand-in)."""
    w, h = canvas.size
    size = max(6, round(min(w, h) * 0.03))
    big, small = sized_font(size, hangul=bool(re.search("[\uac00-\ud7a3]", prompt))), sized_font(round(size * 0.6))
    pad, line_height, note_height = max(3, size // 2), round(size * 1.2), round(size * 0.6 * 1.3)
    lines = _wrap(" ".join(prompt.split()), big, w - 2 * pad, max_lines=2)
    band = pad + len(lines) * line_height + note_height + pad  # sized to its text, so lines never overlap
    canvas.alpha_composite(Image.new("RGBA", (w, band), (12, 14, 22, 175)), (0, h - band))
    draw = ImageDraw.Draw(canvas)
    for i, line in enumerate(lines):
        draw.text((pad, h - band + pad + i * line_height), line, font=big, fill=(255, 255, 255, 255))
    note = _wrap(note, small, w - 2 * pad, max_lines=1)[0]
    draw.text((pad, h - pad - note_height), note, font=small, fill=(255, 214, 102, 255))


def badge(canvas: Image.Image) -> None:
    """The red SANDBOX badge in the top-left corner."""
    unit = min(canvas.size)
    font = sized_font(round(unit * 0.04))
    margin, pad = max(3, round(unit * 0.02)), max(2, round(unit * 0.012))
    draw = ImageDraw.Draw(canvas)
    left, top, right, bottom = draw.textbbox((0, 0), BADGE_TEXT, font=font)
    box = (margin, margin, margin + right - left + 2 * pad, margin + bottom - top + 2 * pad)
    draw.rounded_rectangle(
        box, radius=pad, fill=(*BADGE_COLOUR, 255), outline=(255, 255, 255, 255), width=max(1, pad // 3)
    )
    draw.text((margin + pad - left, margin + pad - top), BADGE_TEXT, font=font, fill=(255, 255, 255, 255))


def watermark(pixels: NDArray[np.uint8]) -> NDArray[np.uint8]:
    """Repeat "SANDBOX" across a repainted area, so even a masked edit visibly says where it came from."""
    h, w = pixels.shape[:2]
    size = max(10, round(min(w, h) * 0.035))
    font = sized_font(size)
    span = int(font.getlength(BADGE_TEXT)) + size * 2
    tile = Image.new("L", (span * 2, size * 4), 0)
    draw = ImageDraw.Draw(tile)  # a brick pattern: the second word sits half a tile across and down
    draw.text((size, size // 2), BADGE_TEXT, font=font, fill=255)
    draw.text((span + size, size * 5 // 2), BADGE_TEXT, font=font, fill=255)
    reps = (h // tile.height + 1, w // tile.width + 1)
    text = np.tile(np.asarray(tile), reps)[:h, :w].astype(np.float32)[..., None] / 255.0 * 0.35
    rgb = pixels[..., :3].astype(np.float32)
    pixels[..., :3] = (rgb + (255.0 - rgb) * text + 0.5).astype(np.uint8)
    return pixels


def _wrap(text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont, width: int, *, max_lines: int) -> list[str]:
    """Greedy word wrap; the last line ends with an ellipsis when the text does not fit."""
    lines: list[str] = []
    current = ""
    words = text.split(" ")
    for i, word in enumerate(words):
        candidate = f"{current} {word}".strip()
        if font.getlength(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = word
        if len(lines) == max_lines:
            current = ""
            lines[-1] = _ellipsize(lines[-1] + " " + " ".join(words[i:]), font, width)
            break
    if current:
        lines.append(_ellipsize(current, font, width) if font.getlength(current) > width else current)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], _ellipsize(" ".join(lines[max_lines - 1 :]), font, width)]
    return lines or [""]


def _ellipsize(text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont, width: int) -> str:
    if font.getlength(text) <= width:
        return text
    lo, hi = 0, len(text)
    while lo < hi:  # the longest prefix that still fits with "…"
        mid = (lo + hi + 1) // 2
        if font.getlength(text[:mid].rstrip() + "…") <= width:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + "…"
