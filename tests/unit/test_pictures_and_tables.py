import base64
from types import SimpleNamespace

import pytest
from PIL import Image

from helpers import pictures, plots, tables


def test_png_bytes_are_deterministic_and_decode_round_trips() -> None:
    image = Image.new("RGB", (16, 8), "#123456")
    first, second = pictures.png_bytes(image), pictures.png_bytes(image)
    assert first == second
    decoded = pictures.decode(base64.b64encode(first).decode())
    assert decoded.size == (16, 8)
    assert decoded.getpixel((0, 0)) == (0x12, 0x34, 0x56)


def test_mask_is_transparent_only_inside_the_ellipse() -> None:
    mask = pictures.transparent_ellipse_mask((100, 100), (0.25, 0.25, 0.75, 0.75))
    assert mask.mode == "RGBA"
    assert mask.getpixel((50, 50))[3] == 0
    assert mask.getpixel((2, 2))[3] == 255


def test_files_table_has_readable_columns_and_dates() -> None:
    f = SimpleNamespace(id="file-1", filename="a.csv", purpose="user_data", bytes=3, created_at=0, expires_at=None)
    table = tables.files_table([f])
    assert list(table.columns) == ["id", "filename", "purpose", "bytes", "created (UTC)", "expires (UTC)"]
    assert table.iloc[0]["created (UTC)"] == "1970-01-01 00:00"
    assert table.iloc[0]["expires (UTC)"] == ""


def test_models_table_sorts_oldest_first() -> None:
    models = [
        SimpleNamespace(id="b", owned_by="system", created=20, shutdown_date=None),
        SimpleNamespace(id="a", owned_by="system", created=10, shutdown_date="2026-10-23"),
    ]
    table = tables.models_table(models)
    assert list(table["id"]) == ["a", "b"]
    assert list(table["shutdown_date"]) == ["2026-10-23", ""]


def test_plots_draw_without_a_display() -> None:
    plots.heatmap([[1.0, 0.5], [0.5, 1.0]], ["a", "b"], title="t")
    plots.bars({"x": 1.0, "y": 2.0}, highlight=["y"], threshold=1.5)
    plots.bars({"x": 1.0}, horizontal=False)
    plots.lines([1, 2, 4], {"s": [0.1, 0.2, 0.3]}, log_x=True)
    plots.scatter_clusters([[0, 0], [1, 1]], ["p", "q"], [0, 1])
    plots.images([Image.new("RGBA", (8, 8)), Image.new("RGB", (8, 8))], ["a", "b"], columns=1)


def test_pixel_difference_tolerates_noise_but_not_changes() -> None:
    base = Image.new("RGB", (50, 50), (100, 100, 100))
    noisy = Image.new("RGB", (50, 50), (104, 100, 97))
    changed = base.copy()
    changed.paste((255, 0, 0), (0, 0, 10, 10))
    assert pictures.pixel_difference(pictures.png_bytes(base), pictures.png_bytes(noisy)) is None
    assert "differ" in (pictures.pixel_difference(pictures.png_bytes(base), pictures.png_bytes(changed)) or "")
    assert "size" in (
        pictures.pixel_difference(pictures.png_bytes(base), pictures.png_bytes(Image.new("RGB", (5, 5)))) or ""
    )


def test_hangul_draws_with_the_shipped_font_and_no_missing_glyph_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    import warnings

    import matplotlib.pyplot as plt

    from helpers import plots

    assert plots.register_korean_font() is not None  # koreanize-matplotlib's NanumGothic files
    shown: list[object] = []
    monkeypatch.setattr(plots, "display", shown.append)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font(s)" would fail here, when the figure is drawn
        plots.heatmap([[1.0, 0.0], [0.0, 1.0]], ["배고파 죽겠다.", "Kill the process"], title="한국어 Korean")
    plt.close("all")
    assert len(shown) == 1
