"""plots.filmstrip: frames in order, one label each, and an alt text that names them in that order."""

from __future__ import annotations

from typing import Any

import pytest
from PIL import Image

from helpers import plots


def test_filmstrip_alt_text_names_every_frame_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[dict[str, Any]] = []
    monkeypatch.setattr(plots, "display", lambda png: shown.append(png._repr_png_()[1]))
    frames = [Image.new("RGB", (64, 64)), Image.new("RGBA", (64, 64)), Image.new("RGB", (64, 64))]
    plots.filmstrip(frames, ["partial 0", "partial 1", "final"], title="A stream")
    assert shown == [
        {
            "alt": "Filmstrip: A stream. 3 pictures in order, left to right: partial 0 (64x64); "
            "partial 1 (64x64); final (64x64)."
        }
    ]


def test_filmstrip_needs_one_label_per_picture() -> None:
    with pytest.raises(ValueError, match="one label per picture"):
        plots.filmstrip([Image.new("RGB", (8, 8))], ["a", "b"])
