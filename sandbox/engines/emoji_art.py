"""Emoji artwork as Pillow images: Twemoji SVGs (vendored in ``sandbox/data/emoji/twemoji.zip``) rendered by resvg.

resvg-py (MIT, a self-contained wheel) renders an SVG at any size in a few hundredths of a second; Pillow cannot
read SVG, and colour emoji fonts either render blank in Pillow (COLRv1) or only at one size (CBDT). Renders are
cached per emoji and size, so ``n`` pictures of one prompt render each emoji once.
"""

from __future__ import annotations

import io
import threading
import zipfile
from functools import lru_cache
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from PIL import Image

ART_PATH = Path(__file__).resolve().parent.parent / "data" / "emoji" / "twemoji.zip"
ART_CREDIT = "Twemoji artwork by Twitter, Inc and contributors, CC-BY 4.0"

# Target colours for colour words (RGB 0-1); black, white and gray also set lightness.
COLOUR_RGB: dict[str, tuple[float, float, float]] = {
    "red": (0.86, 0.13, 0.15),
    "orange": (0.96, 0.55, 0.12),
    "yellow": (0.98, 0.84, 0.16),
    "green": (0.20, 0.66, 0.25),
    "blue": (0.15, 0.42, 0.88),
    "purple": (0.55, 0.27, 0.78),
    "pink": (0.96, 0.52, 0.71),
    "brown": (0.55, 0.35, 0.20),
    "black": (0.12, 0.12, 0.14),
    "white": (0.96, 0.96, 0.95),
    "gray": (0.55, 0.56, 0.58),
    "gold": (0.90, 0.72, 0.20),
}

_lock = threading.Lock()
_archive: zipfile.ZipFile | None = None


def _svg(stem: str) -> bytes:
    global _archive
    with _lock:  # one ZipFile shared by the painter's threads: reads must not interleave
        if _archive is None:
            _archive = zipfile.ZipFile(ART_PATH)
        return _archive.read(f"{stem}.svg")


@lru_cache(maxsize=48)
def render(stem: str, size: int) -> Image.Image:
    """The emoji whose code points are ``stem`` (e.g. ``1f9a6``) as a ``size`` x ``size`` RGBA image.

    Callers must copy before drawing on it (it is shared through the cache)."""
    import resvg_py

    svg = _svg(stem).decode("utf-8")
    png = resvg_py.svg_to_bytes(svg_string=svg, width=size, height=size, skip_system_fonts=True)
    with Image.open(io.BytesIO(png)) as image:
        return image.convert("RGBA")


def _rgb_to_hsv(rgb: NDArray[np.float32]) -> NDArray[np.float32]:
    high, low = rgb.max(axis=-1), rgb.min(axis=-1)
    spread = high - low
    safe = np.where(spread == 0, 1.0, spread)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    hue = np.where(high == r, (g - b) / safe, np.where(high == g, 2.0 + (b - r) / safe, 4.0 + (r - g) / safe))
    hue = np.where(spread == 0, 0.0, (hue / 6.0) % 1.0)
    saturation = np.where(high == 0, 0.0, spread / np.where(high == 0, 1.0, high))
    return np.stack([hue, saturation, high], axis=-1).astype(np.float32)


def _hsv_to_rgb(hsv: NDArray[np.float32]) -> NDArray[np.float32]:
    h, s, v = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    i = np.floor(h * 6.0).astype(np.int64) % 6
    f = h * 6.0 - np.floor(h * 6.0)
    p, q, t = v * (1 - s), v * (1 - s * f), v * (1 - s * (1 - f))
    choices = [(v, t, p), (q, v, p), (p, v, t), (p, q, v), (t, p, v), (v, p, q)]
    out = np.zeros(hsv.shape, np.float32)
    for index, (r, g, b) in enumerate(choices):
        chosen = i == index
        out[chosen] = np.stack([r[chosen], g[chosen], b[chosen]], axis=-1)
    return out


def recolour(image: Image.Image, colour: str) -> Image.Image:
    """Repaint the art's main colour family (its most common hue among coloured pixels) in ``colour``, keeping
    each pixel's lightness relative to that family, so shading and outlines survive. Other parts (eyes, wheels,
    outlines) keep their colours: "where the art allows"."""
    target = COLOUR_RGB.get(colour)
    if target is None:
        return image
    pixels = np.asarray(image, np.float32) / 255.0
    rgb, alpha = pixels[..., :3], pixels[..., 3]
    hsv = _rgb_to_hsv(rgb)
    body = (alpha > 0.5) & (hsv[..., 2] > 0.18)
    coloured = body & (hsv[..., 1] > 0.12)
    pool = coloured if coloured.sum() > body.sum() * 0.2 else body
    if not pool.any():
        return image
    hist, edges = np.histogram(hsv[..., 0][pool], bins=24, range=(0.0, 1.0))
    peak = (edges[int(np.argmax(hist))] + 1 / 48) % 1.0
    distance = np.abs((hsv[..., 0] - peak + 0.5) % 1.0 - 0.5)
    family = pool & ((distance < 0.09) | (hsv[..., 1] <= 0.12))
    goal = _rgb_to_hsv(np.array([[target]], np.float32))[0, 0]
    mean_v = float(hsv[..., 2][family].mean()) if family.any() else 1.0
    new = hsv.copy()
    new[..., 0] = np.where(family, goal[0], hsv[..., 0])
    new[..., 1] = np.where(family, np.clip(goal[1] * (0.6 + 0.4 * hsv[..., 1] / 0.5), 0, 1), hsv[..., 1])
    new[..., 2] = np.where(family, np.clip(hsv[..., 2] / mean_v * goal[2], 0, 1), hsv[..., 2])
    out = np.dstack([_hsv_to_rgb(new), alpha]) * 255.0 + 0.5
    return Image.fromarray(out.astype(np.uint8), "RGBA")
