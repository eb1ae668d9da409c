"""Putting the prompt's subjects into a picture: where each emoji goes, how big, and what an edit draws.

- A generated picture: the main subject large and grounded near the bottom (above the caption band), ``count``
  copies side by side, other subjects smaller beside it, a worn thing ("wearing a beret") on top of it.
- A variation (an edit without a mask whose prompt names a subject): the same subjects re-composed differently —
  mirrored, smaller, off to one side, tilted.
- A masked edit: the edit's subject fitted into the mask's transparent area, over the original pixels.

Placement comes from a generator seeded by the request, so the same request always gives the same picture.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw

from sandbox.engines.emoji_art import recolour, render
from sandbox.engines.subjects import Reading, Subject, describe, read_prompt

MAIN_SHARE = 0.58  # of the shorter side
OTHER_SHARE = 0.30
WORN_SHARE = 0.5  # of the main subject
GROUND = 0.15  # the subjects stand this far (of the shorter side) above the bottom edge: clear of the caption band


@dataclass(frozen=True)
class Sprite:
    image: Image.Image  # RGBA, the emoji's square canvas
    box: tuple[int, int, int, int]  # where its visible pixels are, inside the image


def sprite(subject: Subject, size: int, *, mirror: bool = False, tilt: float = 0.0) -> Sprite:
    image = render(subject.emoji.file_stem, max(8, size)).copy()
    if subject.colour:
        image = recolour(image, subject.colour)
    if mirror:
        image = image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    if tilt:
        image = image.rotate(tilt, resample=Image.Resampling.BICUBIC, expand=True)
    box = image.getchannel("A").getbbox() or (0, 0, image.width, image.height)
    return Sprite(image, box)


def paste(canvas: Image.Image, image: Image.Image, x: int, y: int) -> None:
    """``alpha_composite`` at (x, y), cropping whatever falls outside the canvas (Pillow refuses negative offsets)."""
    left, top = max(0, -x), max(0, -y)
    right, bottom = min(image.width, canvas.width - x), min(image.height, canvas.height - y)
    if right > left and bottom > top:
        canvas.alpha_composite(image.crop((left, top, right, bottom)), (x + left, y + top))


def _shadow(canvas: Image.Image, centre_x: float, ground: float, width: float) -> None:
    """A flat ellipse under a subject (flat like the artwork, and light on PNG bytes), so it stands on the scene
    instead of floating over it."""
    w, h = max(4, int(width)), max(2, int(width * 0.12))
    shade = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    ImageDraw.Draw(shade).ellipse((0, 0, w - 1, h - 1), fill=(0, 0, 0, 56))
    paste(canvas, shade, int(centre_x - w / 2), int(ground - h / 2))


def _stand(canvas: Image.Image, art: Sprite, centre_x: float, ground: float) -> tuple[int, int, int, int]:
    """Draw ``art`` with the bottom of its visible pixels on ``ground``; returns where its visible pixels landed."""
    left, top, right, bottom = art.box
    x = int(centre_x - (left + right) / 2)
    y = int(ground - bottom)
    _shadow(canvas, centre_x, ground, (right - left) * 0.8)
    paste(canvas, art.image, x, y)
    return x + left, y + top, x + right, y + bottom


def _main_group(
    canvas: Image.Image, main: Subject, rng: np.random.Generator, unit: int, *, variation: bool
) -> list[tuple[int, int, int, int]]:
    """The main subject, ``count`` times in a row; returns the visible box of each copy."""
    w, h = canvas.size
    count = main.count
    share = MAIN_SHARE * (0.8 if variation else 1.0)
    size = int(min(share * unit, 0.88 * w / (0.78 * count + 0.22)))
    spacing = size * 0.78
    side = 1 if rng.random() < 0.5 else -1
    centre = w / 2 + (side * 0.16 * w if variation else float(rng.uniform(-0.06, 0.06)) * w)
    ground = h - GROUND * unit
    mirror = bool(rng.random() < 0.5) != variation
    boxes = []
    for copy in range(count):
        x = centre + (copy - (count - 1) / 2) * spacing
        scale = 1.0 if count == 1 else float(rng.uniform(0.88, 1.0))
        tilt = float(rng.uniform(6, 12)) * side if variation else 0.0
        art = sprite(main, int(size * scale), mirror=mirror != bool(copy % 2), tilt=tilt)
        lift = 0.0 if count == 1 else float(rng.uniform(0.0, 0.05)) * unit
        boxes.append(_stand(canvas, art, x, ground - lift))
    return boxes


def compose(canvas: Image.Image, reading: Reading, seed: int, *, variation: bool = False) -> None:
    """Draw the reading's subjects onto ``canvas`` (a scene), in place."""
    if reading.main is None:
        return
    rng = np.random.default_rng([seed, 23])
    w, h = canvas.size
    unit = min(w, h)
    boxes = _main_group(canvas, reading.main, rng, unit, variation=variation)
    left = min(b[0] for b in boxes)
    right = max(b[2] for b in boxes)
    first = boxes[0]
    ground = h - GROUND * unit
    sides = [right, left]
    for subject in reading.subjects[1:]:
        if subject.worn:
            size = int((first[2] - first[0]) * WORN_SHARE)
            art = sprite(subject, size)
            a_left, _, a_right, a_bottom = art.box
            x = int((first[0] + first[2]) / 2 - (a_left + a_right) / 2)
            paste(canvas, art.image, x, int(first[1] + size * 0.28 - a_bottom))
            continue
        size = int(OTHER_SHARE * unit)
        art = sprite(subject, size, mirror=bool(rng.random() < 0.5))
        edge = sides.pop(0) if sides else w / 2
        centre = edge + (size * 0.45 if edge == right else -size * 0.45)
        centre = min(max(centre, size * 0.4), w - size * 0.4)
        _stand(canvas, art, centre, ground + 0.02 * unit)


def compose_prompt(canvas: Image.Image, prompt: str, seed: int, *, variation: bool = False) -> None:
    compose(canvas, read_prompt(prompt), seed, variation=variation)


def edit_subject(prompt: str) -> Subject | None:
    """What a masked edit draws: the thing the prompt attaches ("… wearing a beret"), else its main subject."""
    return read_prompt(prompt).for_edit()


def draw_in_holes(fill: NDArray[np.uint8], holes: NDArray[np.bool_], prompt: str) -> NDArray[np.uint8]:
    """The edit's subject scaled to the mask's transparent area (between fitting inside its bounding box and covering
    it, so a wide subject such as a hat fills more of a round mask) and drawn over ``fill``."""
    subject = edit_subject(prompt)
    if subject is None or not holes.any():
        return fill
    ys, xs = np.nonzero(holes)
    top, bottom, left, right = int(ys.min()), int(ys.max()) + 1, int(xs.min()), int(xs.max()) + 1
    if min(right - left, bottom - top) < 8:
        return fill
    canvas = Image.fromarray(fill, "RGBA")
    copies = max(1, subject.count)
    slot_w, slot_h = (right - left) * 0.96 / copies, (bottom - top) * 0.96
    probe = sprite(subject, 256)  # the art's visible part decides the scale: it fills the masked area's box
    content_w, content_h = (probe.box[2] - probe.box[0]) / 256, (probe.box[3] - probe.box[1]) / 256
    contain = min(slot_w / max(content_w, 0.05), slot_h / max(content_h, 0.05))
    cover = max(slot_w / max(content_w, 0.05), slot_h / max(content_h, 0.05))
    size = int(min((contain * cover) ** 0.5, contain * 1.15))  # a little past "contain": it fills the area
    for copy in range(copies):
        art = sprite(subject, size)
        a_left, a_top, a_right, a_bottom = art.box
        centre_x = left + (right - left) * (copy + 0.5) / copies
        x = int(centre_x - (a_left + a_right) / 2)
        y = int((top + bottom) / 2 - (a_top + a_bottom) / 2)
        paste(canvas, art.image, x, y)
    return np.asarray(canvas, dtype=np.uint8)


def drawn(prompt: str, *, masked_edit: bool = False) -> str:
    """The ``x-sandbox-drawn`` header: what the picture shows, main subject first, or ``none``."""
    if masked_edit:
        subject = edit_subject(prompt)
        return describe([subject] if subject else [])
    return read_prompt(prompt).header()


def names(prompt: str, *, masked_edit: bool = False) -> str:
    """The same in plain words for the picture's caption: ``otter, bicycle`` (no code points)."""
    reading = read_prompt(prompt)
    subjects = [s for s in [reading.for_edit()] if s] if masked_edit else list(reading.subjects)
    return ", ".join(s.emoji.name.replace("\u2019", "'") + (f" x{s.count}" if s.count > 1 else "") for s in subjects)
