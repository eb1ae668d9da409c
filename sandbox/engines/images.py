"""The image stand-in: a procedural painter, not a generative model.

Every picture is a landscape whose palette, ridges and details are seeded by a hash of the request
(prompt, model, size, quality, background, index), so the same request always yields the same bytes. A few
words steer the scene (night, sunset, sea, forest, snow, desert, city, …), the subjects the prompt names are drawn
as emoji artwork (``subjects``, ``emoji_art``, ``compose``), the prompt is printed in a caption band, and a "SANDBOX"
badge makes sure nobody mistakes the result for a real model's output (both drawn by
``image_labels``; what a request reports in ``usage`` is ``image_usage``'s business).
"""

from __future__ import annotations

import colorsys
import hashlib
import io
import json
import math
import re
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageOps

from sandbox.engines import compose
from sandbox.engines.emoji_art import ART_CREDIT
from sandbox.engines.image_labels import BADGE_TEXT, badge, caption, sized_font, watermark
from sandbox.engines.subjects import scene_words

FloatArray = NDArray[np.float32]
RGB = tuple[float, float, float]

STAND_IN = (
    "procedural image painter (numpy + Pillow, seeded by the request; not a generative model) drawing the "
    f"prompt's subjects as emoji picked by their Unicode CLDR names ({ART_CREDIT})"
)


@dataclass(frozen=True)
class PaintSpec:
    """Everything that determines a picture; two equal specs paint identical pixels."""

    prompt: str
    model: str
    width: int
    height: int
    quality: str  # low | medium | high | xhigh | max (already resolved from "auto")
    transparent: bool = False

    def seed(self, index: int) -> int:
        key = json.dumps(
            [self.prompt, self.model, self.width, self.height, self.quality, self.transparent, index],
            ensure_ascii=False,
        )
        return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")


# ---- themes: a handful of words pick the palette and the details


@dataclass(frozen=True)
class Theme:
    sky_top: RGB
    sky_bottom: RGB
    far: RGB
    near: RGB
    body: RGB  # the sun or the moon
    night: bool = False
    features: frozenset[str] = field(default_factory=frozenset)


_THEMES: dict[str, Theme] = {
    "night": Theme(
        (0.03, 0.05, 0.16),
        (0.16, 0.20, 0.42),
        (0.20, 0.24, 0.42),
        (0.04, 0.05, 0.12),
        (0.96, 0.95, 0.86),
        night=True,
        features=frozenset({"stars"}),
    ),
    "sunset": Theme((0.30, 0.22, 0.52), (0.99, 0.62, 0.36), (0.62, 0.36, 0.48), (0.20, 0.10, 0.22), (1.00, 0.86, 0.52)),
    "sea": Theme(
        (0.35, 0.62, 0.90),
        (0.80, 0.92, 0.98),
        (0.46, 0.62, 0.74),
        (0.20, 0.34, 0.42),
        (1.00, 0.97, 0.84),
        features=frozenset({"water", "clouds"}),
    ),
    "forest": Theme(
        (0.46, 0.72, 0.90),
        (0.86, 0.94, 0.88),
        (0.45, 0.62, 0.55),
        (0.10, 0.26, 0.16),
        (1.00, 0.96, 0.80),
        features=frozenset({"trees", "clouds"}),
    ),
    "snow": Theme(
        (0.55, 0.70, 0.90),
        (0.92, 0.95, 0.99),
        (0.66, 0.74, 0.86),
        (0.30, 0.38, 0.52),
        (1.00, 1.00, 0.96),
        features=frozenset({"snow"}),
    ),
    "desert": Theme(
        (0.42, 0.66, 0.92),
        (0.98, 0.88, 0.70),
        (0.88, 0.66, 0.44),
        (0.70, 0.42, 0.24),
        (1.00, 0.94, 0.72),
        features=frozenset({"dunes"}),
    ),
}
_THEME_WORDS = {
    "night": "night moon moonlit star stars starry midnight galaxy space cosmic nebula dark",
    "sunset": "sunset sunrise dusk dawn evening golden twilight autumn",
    "sea": "sea ocean beach lake river water waves wave coast island harbor harbour otter otters boat sail",
    "forest": "forest tree trees woods jungle garden park meadow spring green",
    "snow": "snow snowy winter ice frozen arctic glacier mountain mountains alpine",
    "desert": "desert sand dune dunes cactus canyon",
}
_FEATURE_WORDS = {
    "water": "sea ocean beach lake river water waves wave coast island harbor harbour otter otters boat sail",
    "trees": "forest tree trees woods jungle garden park pine",
    "city": "city town skyline street building buildings urban downtown village castle",
    "snow": "snow snowy winter ice frozen arctic glacier alpine",
    "stars": "star stars starry galaxy space cosmic nebula",
}
_WORD_TO_THEME = {w: name for name, words in _THEME_WORDS.items() for w in words.split()}
_WORD_TO_FEATURES: dict[str, set[str]] = {}
for _feature, _feature_words in _FEATURE_WORDS.items():
    for _word in _feature_words.split():
        _WORD_TO_FEATURES.setdefault(_word, set()).add(_feature)


def _words(prompt: str) -> list[str]:
    return re.findall(r"\w+", prompt.lower()) + scene_words(prompt)  # Korean scene words too (밤 → night)


def _hsv(h: float, s: float, v: float) -> RGB:
    return colorsys.hsv_to_rgb(h % 1.0, min(max(s, 0.0), 1.0), min(max(v, 0.0), 1.0))


# Moods set the light, so they outrank places when a prompt names both ("an otter at sunset").
_THEME_PRIORITY = ("night", "sunset", "snow", "desert", "forest", "sea")


def _pick_theme(prompt: str, rng: np.random.Generator) -> Theme:
    words = _words(prompt)
    features: set[str] = set()
    for w in words:
        features |= _WORD_TO_FEATURES.get(w, set())
    named = {_WORD_TO_THEME[w] for w in words if w in _WORD_TO_THEME}
    chosen = next((name for name in _THEME_PRIORITY if name in named), None)
    if chosen is not None:
        base = _THEMES[chosen]
        return Theme(
            base.sky_top, base.sky_bottom, base.far, base.near, base.body, base.night, base.features | features
        )
    # No keyword: a harmonious palette around a hue drawn from the prompt's hash.
    hue = float(rng.random())
    return Theme(
        sky_top=_hsv(hue, 0.45, 0.85),
        sky_bottom=_hsv(hue + 0.08, 0.18, 0.98),
        far=_hsv(hue + 0.45, 0.30, 0.70),
        near=_hsv(hue + 0.52, 0.55, 0.28),
        body=_hsv(hue + 0.12, 0.25, 1.0),
        features=frozenset(features | {"clouds"}),
    )


# ---- the painter


class ImagePainter:
    """Paints, edits and encodes; stateless apart from a font cache, so one instance serves every request."""

    stand_in = STAND_IN

    def paint(self, spec: PaintSpec, index: int) -> Image.Image:
        """A finished picture: scene, caption band and SANDBOX badge. RGBA when the background is transparent."""
        scene = self._scene(spec, index)
        compose.compose_prompt(scene, spec.prompt, spec.seed(index))
        caption(scene, spec.prompt, _note(spec, index))
        badge(scene)
        return scene if spec.transparent else scene.convert("RGB")

    def edit(
        self,
        images: list[Image.Image],
        mask: Image.Image | None,
        spec: PaintSpec,
        index: int,
        *,
        high_fidelity: bool = False,
    ) -> Image.Image:
        """One edited picture (see ``prepare_edit`` and ``edit_prepared``; for ``n`` pictures, prepare once)."""
        return self.edit_prepared(self.prepare_edit(images, mask, spec), spec, index, high_fidelity=high_fidelity)

    def prepare_edit(self, images: list[Image.Image], mask: Image.Image | None, spec: PaintSpec) -> EditInputs:
        """Everything an edit needs from its inputs, converted once per request (not once per output image)."""
        first = images[0]
        keeps_alpha = spec.transparent or "A" in first.getbands() or "transparency" in first.info
        base = fit_cover(first.convert("RGBA"), (spec.width, spec.height), Image.Resampling.LANCZOS)
        references = images[1:]
        holes = None
        if mask is not None:
            holes = (
                np.asarray(fit_cover(mask.convert("RGBA"), base.size, Image.Resampling.NEAREST).getchannel("A")) == 0
            )
        return EditInputs(
            base=base,
            keeps_alpha=keeps_alpha,
            holes=holes,
            tint=_mean_colours(references) if mask is not None else None,
            thumbnails=[] if mask is not None else _thumbnails(references, base.size),
            references=len(references),
        )

    def edit_prepared(self, inputs: EditInputs, spec: PaintSpec, index: int, *, high_fidelity: bool) -> Image.Image:
        """With a mask: pixels whose mask alpha is 0 are repainted from the prompt (its edit subject drawn over the
        original pixels, or the scene if it names none), all others kept exactly.

        Without one: a prompt that names a subject gets a variation (the subject re-composed on a scene in the first
        image's colours); otherwise the whole first image is recoloured in the prompt's palette. The other images
        are pinned on it as thumbnails, and it gets the caption band and badge.
        """
        if inputs.holes is not None:
            # A subject is drawn over the original pixels (the thing added); without one, the scene is repainted.
            subject = compose.edit_subject(spec.prompt)
            under = self._restyle(inputs.base, spec, index, high_fidelity=False) if subject else None
            under = under or self._scene(spec, index, tint=inputs.tint)
            fill = watermark(np.asarray(under, dtype=np.uint8).copy())
            fill = compose.draw_in_holes(fill, inputs.holes, spec.prompt)
            out = np.asarray(inputs.base, dtype=np.uint8).copy()
            out[inputs.holes] = fill[inputs.holes]
            result = Image.fromarray(out, "RGBA")
        elif compose.edit_subject(spec.prompt):  # a variation: the subjects re-composed on a scene in its colours
            result = self._scene(spec, index, tint=_mean_colours([inputs.base]))
            compose.compose_prompt(result, spec.prompt, spec.seed(index), variation=True)
            self._pin_thumbnails(result, inputs.thumbnails, inputs.references)
            caption(result, spec.prompt, _note(spec, index))
            badge(result)
        else:
            result = self._restyle(inputs.base, spec, index, high_fidelity=high_fidelity)
            self._pin_thumbnails(result, inputs.thumbnails, inputs.references)
            caption(result, spec.prompt, _note(spec, index))
            badge(result)
        return result if inputs.keeps_alpha else result.convert("RGB")

    # -- scene

    def _scene(self, spec: PaintSpec, index: int, *, tint: RGB | None = None) -> Image.Image:
        rng = np.random.default_rng(spec.seed(index))
        theme = _pick_theme(spec.prompt, rng)
        if tint is not None:
            theme = _tinted(theme, tint)
        w, h = spec.width, spec.height
        unit = min(w, h)
        ys = np.linspace(0.0, 1.0, h, dtype=np.float32)[:, None]
        xs = np.linspace(0.0, 1.0, w, dtype=np.float32)[None, :]

        top, bottom = np.array(theme.sky_top, np.float32), np.array(theme.sky_bottom, np.float32)
        curve = ys**0.8
        rgb = (top * (1 - curve)[..., None] + bottom * curve[..., None]) * np.ones((1, w, 1), np.float32)
        alpha = np.full((h, w), 0.0 if spec.transparent else 1.0, np.float32)

        # The sun or the moon, with a glow that only an opaque sky can show.
        sun_x, sun_y = 0.2 + 0.6 * float(rng.random()), 0.12 + 0.22 * float(rng.random())
        radius = (0.05 + 0.04 * float(rng.random())) * unit
        dist = np.sqrt(((xs - sun_x) * w) ** 2 + ((ys - sun_y) * h) ** 2)
        body = np.array(theme.body, np.float32)
        if not spec.transparent:
            glow = np.exp(-((dist / (radius * 4.0)) ** 2)) * (0.35 if theme.night else 0.55)
            rgb += (body - rgb) * glow[..., None]
            if theme.night or "stars" in theme.features:
                self._stars(rgb, rng, spec, ys)
        disc = np.clip(radius + 1.0 - dist, 0.0, 1.0)  # antialiased edge
        rgb += (body - rgb) * disc[..., None]
        alpha = np.maximum(alpha, disc)
        if "clouds" in theme.features and not spec.transparent:
            self._clouds(rgb, rng, w, h, unit)

        water_line = 0.70 if "water" in theme.features else 1.1
        layers = {"low": 3, "medium": 4, "high": 5}.get(spec.quality, 6)
        profiles = self._ridges(rgb, alpha, rng, theme, layers, w, h, ys, water_line)
        if "city" in theme.features:
            self._skyline(rgb, alpha, rng, theme, w, h, ys, water_line)
        if "water" in theme.features:
            self._water(rgb, alpha, theme, w, h, ys, xs, sun_x, water_line)

        pixels = np.dstack([np.clip(rgb, 0.0, 1.0), alpha[..., None]]) * 255.0 + 0.5
        image = Image.fromarray(pixels.astype(np.uint8), "RGBA")
        if "trees" in theme.features:
            self._trees(image, rng, theme, profiles[-1], unit, water_line * h)
        return image

    def _stars(self, rgb: FloatArray, rng: np.random.Generator, spec: PaintSpec, ys: FloatArray) -> None:
        w, h = spec.width, spec.height
        count = int(w * h / 2500) * (2 if spec.quality in ("high", "xhigh", "max") else 1)
        sx = rng.integers(0, w, count)
        sy = (rng.random(count) ** 1.6 * h * 0.6).astype(np.int64)
        brightness = 0.45 + 0.55 * rng.random(count).astype(np.float32)
        rgb[sy, sx] = np.maximum(rgb[sy, sx], brightness[:, None])

    def _clouds(self, rgb: FloatArray, rng: np.random.Generator, w: int, h: int, unit: int) -> None:
        layer = Image.new("L", (w, h), 0)
        draw = ImageDraw.Draw(layer)
        for _ in range(int(rng.integers(2, 6))):
            cx, cy = float(rng.random()) * w, (0.08 + 0.25 * float(rng.random())) * h
            size = (0.05 + 0.05 * float(rng.random())) * unit
            for _ in range(int(rng.integers(4, 8))):
                dx, dy = float(rng.normal(0, size * 1.1)), float(rng.normal(0, size * 0.25))
                r = size * (0.6 + 0.6 * float(rng.random()))
                draw.ellipse((cx + dx - r * 1.4, cy + dy - r, cx + dx + r * 1.4, cy + dy + r * 0.6), fill=210)
        cover = np.asarray(layer, np.float32)[..., None] / 255.0
        rgb += (np.float32(0.98) - rgb) * cover

    def _ridges(
        self,
        rgb: FloatArray,
        alpha: FloatArray,
        rng: np.random.Generator,
        theme: Theme,
        layers: int,
        w: int,
        h: int,
        ys: FloatArray,
        water_line: float,
    ) -> list[NDArray[np.float64]]:
        """Mountain (or dune) silhouettes, far to near, each paler the farther it is (aerial perspective)."""
        x = np.linspace(0.0, 1.0, w)
        far, near, haze = (np.array(c, np.float32) for c in (theme.far, theme.near, theme.sky_bottom))
        dunes = "dunes" in theme.features
        profiles = []
        for i in range(layers):
            depth = i / max(layers - 1, 1)
            crest = 0.36 + 0.30 * depth if water_line > 1 else 0.36 + 0.24 * depth
            amplitude = (0.15 - 0.08 * depth) * (0.45 if dunes else 1.0)
            # Far layers are sharp peaks, near ones rolling hills; higher octaves fade fast to keep them calm.
            peaky = not dunes and depth < 0.6
            ridge = np.zeros(w)
            for octave in range(4):
                freq = (1.0 + 2.0 * float(rng.random())) * 2**octave
                wave = np.sin(2 * math.pi * (freq * x + float(rng.random())))
                ridge += (1 - np.abs(wave) if peaky else (wave + 1) / 2) / 3**octave
            ridge /= 1.48
            profile = (crest - amplitude * ridge) * h
            profiles.append(profile)
            colour = (far * (1 - depth) + near * depth) * (1 - 0.35 * (1 - depth)) + haze * 0.35 * (1 - depth)
            below = ys * h >= profile[None, :].astype(np.float32)
            shade = np.clip(1.0 - 0.5 * (ys - crest), 0.55, 1.0)  # lower slopes a little darker
            rgb[:] = np.where(below[..., None], colour * shade[..., None], rgb)
            alpha[below] = 1.0
            if "snow" in theme.features and peaky:
                # Snow above a wavy snow line, so only the peaks are white.
                snow_line = (crest - amplitude * 0.55 + 0.012 * np.sin(x * 37.0 + i)) * h
                cap = below & (ys * h < snow_line[None, :].astype(np.float32))
                rgb[cap] = np.float32(0.95) * shade[np.nonzero(cap)[0], 0, None] ** 0.3
        return profiles

    def _skyline(
        self,
        rgb: FloatArray,
        alpha: FloatArray,
        rng: np.random.Generator,
        theme: Theme,
        w: int,
        h: int,
        ys: FloatArray,
        water_line: float,
    ) -> None:
        ground = min(water_line, 0.80) * h
        silhouette = np.array(theme.near, np.float32) * 0.7
        lit = np.array((1.0, 0.86, 0.45), np.float32)
        x = 0
        while x < w:
            bw = int((0.03 + 0.05 * float(rng.random())) * w)
            bh = int((0.10 + 0.28 * float(rng.random())) * h)
            x0, x1, y0 = x, min(w, x + bw), int(ground - bh)
            rgb[y0 : int(ground), x0:x1] = silhouette
            alpha[y0 : int(ground), x0:x1] = 1.0
            win = max(2, bw // 8)
            for wy in range(y0 + win, int(ground) - win, win * 2):
                for wx in range(x0 + win, x1 - win, win * 2):
                    if rng.random() < (0.55 if theme.night else 0.25):
                        rgb[wy : wy + win, wx : wx + win] = lit
            x = x1 + int(0.005 * w)

    def _water(
        self,
        rgb: FloatArray,
        alpha: FloatArray,
        theme: Theme,
        w: int,
        h: int,
        ys: FloatArray,
        xs: FloatArray,
        sun_x: float,
        water_line: float,
    ) -> None:
        top = int(water_line * h)
        depth = np.clip((ys[top:] - water_line) / (1.0 - water_line), 0.0, 1.0)
        deep = np.array(theme.sky_top, np.float32) * 0.55
        shallow = np.array(theme.sky_bottom, np.float32) * 0.85
        water = shallow * (1 - depth)[..., None] + deep * depth[..., None]
        # Ripples: horizontal dashes, packed near the horizon and wider apart toward the viewer.
        phase = np.sqrt(depth) * 55.0
        rows = np.sin(2 * math.pi * phase) > 0.75
        ripple = np.floor(phase)  # one dash length per ripple row keeps the dashes straight
        jitter = np.modf(np.sin(ripple * 12.9898) * 43758.5453)[0] * 2 * math.pi  # a scattered offset per row
        dashes = np.sin(xs * w / (6.0 + 40.0 * (ripple / 55.0) ** 2) + jitter) > 0.2
        ripples = (rows & dashes).astype(np.float32)
        streak = np.exp(-(((xs - sun_x) * w / (0.04 * w + depth * 0.10 * w)) ** 2))
        sparkle = (ripples * (0.18 + 0.82 * streak))[..., None]
        rgb[top:] = water + (np.array(theme.body, np.float32) - water) * sparkle * 0.8
        alpha[top:] = 1.0

    def _trees(
        self,
        image: Image.Image,
        rng: np.random.Generator,
        theme: Theme,
        profile: NDArray[np.float64],
        unit: int,
        water_top: float,
    ) -> None:
        draw = ImageDraw.Draw(image)
        w = image.width
        colour = (*(int(c * 255 * 0.6) for c in theme.near), 255)
        for _ in range(int(rng.integers(14, 30))):
            x = int(rng.integers(0, w))
            base_y = min(float(profile[x]) + 0.02 * unit, water_top)
            tall = (0.05 + 0.07 * float(rng.random())) * unit
            half = tall * 0.28
            draw.polygon([(x, base_y - tall), (x - half, base_y), (x + half, base_y)], fill=colour)
            draw.rectangle((x - half * 0.15, base_y, x + half * 0.15, base_y + tall * 0.12), fill=colour)

    # -- edits

    def _restyle(self, base: Image.Image, spec: PaintSpec, index: int, *, high_fidelity: bool) -> Image.Image:
        """Recolour through a three-stop gradient map of the prompt's palette, with a soft vignette."""
        rng = np.random.default_rng(spec.seed(index))
        theme = _pick_theme(spec.prompt, rng)
        pixels = np.asarray(base, np.float32) / 255.0
        rgb, alpha = pixels[..., :3], pixels[..., 3:]
        lum = rgb @ np.array([0.299, 0.587, 0.114], np.float32)
        dark, mid, light = (np.array(c, np.float32) for c in (theme.near, theme.far, theme.sky_bottom))
        lower = np.clip(lum * 2, 0, 1)[..., None]
        upper = np.clip(lum * 2 - 1, 0, 1)[..., None]
        mapped = np.where(lum[..., None] < 0.5, dark + (mid - dark) * lower, mid + (light - mid) * upper)
        keep = 0.65 if high_fidelity else 0.4
        h, w = lum.shape
        yy = np.linspace(-1, 1, h, dtype=np.float32)[:, None]
        xx = np.linspace(-1, 1, w, dtype=np.float32)[None, :]
        vignette = (1.0 - 0.22 * (xx**2 + yy**2) / 2)[..., None]
        out = (rgb * keep + mapped * (1 - keep)) * vignette
        merged = np.dstack([np.clip(out, 0, 1), alpha]) * 255.0 + 0.5
        return Image.fromarray(merged.astype(np.uint8), "RGBA")

    def _pin_thumbnails(self, canvas: Image.Image, thumbnails: list[Image.Image], total: int) -> None:
        """Show the extra input images as framed thumbnails along the top edge (right to left); "+N" for the rest."""
        side, gap, slots = _thumbnail_slots(canvas.size, total)
        draw = ImageDraw.Draw(canvas)
        for shown in range(total):
            if shown >= len(slots):
                x = slots[-1] - side - gap * 3 if slots else canvas.width - gap
                draw.text(
                    (x - side, gap * 2),
                    f"+{total - shown}",
                    fill=(255, 255, 255, 255),
                    font=sized_font(side // 3),
                    stroke_width=2,
                    stroke_fill=(0, 0, 0, 255),
                )
                break
            x = slots[shown]
            box = (x - side - gap, gap, x + gap, gap * 3 + side)
            draw.rectangle(box, fill=(250, 250, 245, 255))
            canvas.alpha_composite(thumbnails[shown], (x - side, gap * 2))

    # -- output

    def encode(self, image: Image.Image, output_format: str, compression: int = 100) -> bytes:
        """Encode without metadata (no timestamps, no EXIF), so equal pixels give equal bytes."""
        buffer = io.BytesIO()
        if output_format == "jpeg":
            if image.mode != "RGB":
                flat = Image.new("RGB", image.size, (255, 255, 255))
                flat.paste(image, mask=image.getchannel("A") if "A" in image.getbands() else None)
                image = flat
            image.save(buffer, "JPEG", quality=max(1, min(95, compression)))
        elif output_format == "webp":
            # At 100 (the default) WebP is saved lossless, so a masked edit keeps every unmasked pixel exactly;
            # below 100 it is lossy, as asked. JPEG has no lossless mode: it always changes pixels a little.
            if compression >= 100:
                image.save(buffer, "WEBP", lossless=True, quality=100, method=4)
            else:
                image.save(buffer, "WEBP", quality=compression, method=4)
        else:
            image.save(buffer, "PNG", compress_level=4)
        return buffer.getvalue()

    def preview(self, image: Image.Image, step: int, steps: int) -> Image.Image:
        """Partial image ``step`` of ``steps``: the final picture averaged down to 1/2**(steps - step + 2) of its
        width and height, then blown back up in square blocks (steps=3 gives 1/32, 1/16, 1/8; the last partial is
        always 1/8). Each is a real, coarser render of the final picture, finer than the one before."""
        factor = 2 ** (steps - step + 2)
        small = image.resize((max(1, image.width // factor), max(1, image.height // factor)), Image.Resampling.BOX)
        return small.resize(image.size, Image.Resampling.NEAREST)


# ---- helpers


def _note(spec: PaintSpec, index: int) -> str:
    drew = compose.names(spec.prompt) or "no subject (scene only)"
    return (
        f"{BADGE_TEXT} stand-in for {spec.model} · quality {spec.quality} · image {index + 1} · drew: {drew} · "
        "art: Twemoji CC-BY 4.0"
    )


@dataclass(frozen=True)
class EditInputs:
    """An edit's inputs, converted once: the first image fitted to the output size (RGBA), the repaint area (mask
    alpha 0) if there is a mask, the references' mean colour (masked) or their thumbnails (unmasked)."""

    base: Image.Image
    keeps_alpha: bool
    holes: NDArray[np.bool_] | None
    tint: RGB | None
    thumbnails: list[Image.Image]
    references: int  # how many extra images there were (those without a slot show as "+N")


def _thumbnail_slots(canvas_size: tuple[int, int], count: int) -> tuple[int, int, list[int]]:
    """Thumbnail side, gap, and the right edge of each slot that fits (right to left, down to 30% of the width)."""
    side = max(16, int(min(canvas_size) * 0.16))
    gap = max(2, side // 12)
    slots: list[int] = []
    x = canvas_size[0] - gap
    while len(slots) < count and not x - side - gap < canvas_size[0] * 0.3:
        slots.append(x)
        x -= side + gap * 3
    return side, gap, slots


def _thumbnails(references: list[Image.Image], canvas_size: tuple[int, int]) -> list[Image.Image]:
    """Square RGBA thumbnails of the references that have a slot on the canvas (the rest are counted, not shown)."""
    side, _, slots = _thumbnail_slots(canvas_size, len(references))
    return [
        ImageOps.fit(ref.convert("RGBA"), (side, side), Image.Resampling.BILINEAR) for ref in references[: len(slots)]
    ]


def fit_cover(image: Image.Image, size: tuple[int, int], resample: Image.Resampling) -> Image.Image:
    """Scale to cover ``size`` and centre-crop; an image already that size is returned untouched."""
    if image.size == size:
        return image
    return ImageOps.fit(image, size, resample)


def _mean_colours(images: list[Image.Image]) -> RGB | None:
    if not images:
        return None
    means = [np.asarray(img.convert("RGB").resize((16, 16)), np.float32).mean(axis=(0, 1)) / 255.0 for img in images]
    r, g, b = (float(v) for v in np.mean(means, axis=0))
    return r, g, b


def _tinted(theme: Theme, tint: RGB) -> Theme:
    """Pull a palette a quarter of the way toward the reference images' average colour."""

    def mix(c: RGB) -> RGB:
        return (c[0] * 0.75 + tint[0] * 0.25, c[1] * 0.75 + tint[1] * 0.25, c[2] * 0.75 + tint[2] * 0.25)

    return Theme(
        mix(theme.sky_top),
        mix(theme.sky_bottom),
        mix(theme.far),
        mix(theme.near),
        theme.body,
        theme.night,
        theme.features,
    )
