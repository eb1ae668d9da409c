"""Decode and build images for the images notebook: base64 → PIL, PNG bytes, the seed's otter mask."""

from __future__ import annotations

import base64
import io

from PIL import Image, ImageDraw


def decode(b64_json: str) -> Image.Image:
    """A GPT image model's ``b64_json`` as a PIL image (the seed's ``.url`` is ``None`` today)."""
    with Image.open(io.BytesIO(base64.b64decode(b64_json))) as opened:
        image = opened.copy()
        image.format = opened.format  # copy() drops it; a reader wants to see PNG/JPEG/WEBP
    return image


def png_bytes(image: Image.Image) -> bytes:
    """PNG-encode without metadata, so the same pixels always give the same bytes (and the same recording)."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()


def transparent_ellipse_mask(size: tuple[int, int], box: tuple[float, float, float, float]) -> Image.Image:
    """An RGBA mask, opaque everywhere except a transparent ellipse (the area the edit may repaint).

    ``box`` is (left, top, right, bottom) as fractions of the image, e.g. the otter's head in the seed.
    """
    width, height = size
    mask = Image.new("RGBA", size, (0, 0, 0, 255))
    left, top, right, bottom = box
    ImageDraw.Draw(mask).ellipse((left * width, top * height, right * width, bottom * height), fill=(0, 0, 0, 0))
    return mask


def describe(image: Image.Image) -> str:
    """One line a person can check: size, mode and format."""
    return f"{image.width}x{image.height} {image.mode} {image.format or ''}".strip()


def pixel_difference(expected: bytes, actual: bytes, *, level: int = 8) -> str | None:
    """Compare two encoded images by their decoded pixels; ``None`` if they match, else why not.

    Pixels may differ by up to ``level`` (of 255) per channel — anti-aliasing noise — and at most 0.1 % of pixels
    may differ by more.
    """
    import numpy as np

    a = Image.open(io.BytesIO(expected)).convert("RGBA")
    b = Image.open(io.BytesIO(actual)).convert("RGBA")
    if a.size != b.size:
        return f"size {b.width}x{b.height} != expected {a.width}x{a.height}"
    delta = np.abs(np.asarray(a, dtype=np.int16) - np.asarray(b, dtype=np.int16)).max(axis=2)
    share = float((delta > level).mean())
    if share > 0.001:
        return f"{share:.2%} of pixels differ by more than {level}/255 (max {int(delta.max())})"
    return None
