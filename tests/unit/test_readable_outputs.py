"""Outputs readable on a phone and by a screen reader: charts at 2x with whole labels and alt texts in the notebook's
language, contrast in the modes diagram, tables without row numbers, the wire view's link outside its summary."""

from __future__ import annotations

import io
import re
from typing import Any

import pandas as pd
import pytest
from PIL import Image

from helpers import plots
from helpers.jupyter import _table_html
from helpers.recording.interactions import JsonBody
from helpers.wire import Exchange, render_html


def _shown(monkeypatch: pytest.MonkeyPatch) -> list[tuple[dict[str, Any], bytes]]:
    shown: list[tuple[dict[str, Any], bytes]] = []
    monkeypatch.setattr(plots, "display", lambda png: shown.append((png._repr_png_()[1], png.data)))
    return shown


def test_charts_are_drawn_at_twice_the_size_they_are_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    shown = _shown(monkeypatch)
    plots.lines([1, 2, 4], {"s": [0.1, 0.2, 0.3]}, title="t")
    plots.images([Image.new("RGB", (8, 8))], ["a"])
    (chart, chart_png), (picture, _) = shown
    with Image.open(io.BytesIO(chart_png)) as drawn:
        assert drawn.width - 1 <= chart["width"] * 2 <= drawn.width
        assert drawn.width <= 2 * 700  # sized for a column, not a desktop monitor
    assert "width" not in picture  # pictures stay one pixel per pixel (they open full size on the site)


def test_long_heatmap_labels_are_wrapped_never_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    shown = _shown(monkeypatch)
    long = "Where can I get a fake passport made for my trip abroad?"
    plots.heatmap([[0.1, 0.9]], [long], ["harassment/threatening", "violence"], title="t")
    assert long in shown[0][0]["alt"]
    wrapped = plots.wrap(long, 26)
    assert wrapped.replace("\n", " ") == long and all(len(line) <= 26 for line in wrapped.splitlines())
    assert plots.wrap("배고파 죽겠다 정말로 배고파요", 8) == "배고파\n죽겠다\n정말로\n배고파요"  # Hangul is two columns


def test_alt_texts_are_in_the_notebooks_language(monkeypatch: pytest.MonkeyPatch) -> None:
    shown = _shown(monkeypatch)
    plots.lines([8, 16], {"정확도": [0.5, 1.0]}, title="차원", xlabel="차원 수", lang="ko")
    plots.bars({"a": 1.0}, title="t", lang="en")
    plots.modes_diagram(lang="ko")
    korean, english, modes = (metadata["alt"] for metadata, _ in shown)
    assert korean == "꺾은선그래프: 차원. 선 1개 (가로축: 차원 수): 정확도: 8에서 0.50, 16에서 1.00."
    assert english == "Bar chart: t. 1 bars: a: 1.000."
    assert modes.startswith("그림: 모드마다 요청이 가는 곳. explore: 노트북 → helpers.start() → 녹화 먼저")
    assert "line(s)" not in korean and "Diagram" not in modes


def _contrast(colour: str, other: str = "#ffffff") -> float:
    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(colour), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_white_text_in_the_modes_diagram_has_a_contrast_of_at_least_4_5() -> None:
    assert _contrast("#ff9900") < 4.5  # the orange the diagram had: the check can fail
    assert all(_contrast(colour) >= 4.5 for colour in plots.ON_WHITE_TEXT), plots.ON_WHITE_TEXT


def test_tables_lose_their_row_numbers_but_keep_a_meaningful_index() -> None:
    numbered = pd.DataFrame({"id": ["a", "b"], "score": [1, 2]})
    html = _table_html(numbered) or ""
    assert "<th>0</th>" not in html and "<th>id</th>" in html and "<td>a</td>" in html
    named = pd.DataFrame({"x": [1.0]}, index=["harassment"])
    assert "<th>harassment</th>" in (_table_html(named) or "")


def test_the_wire_views_reference_link_is_not_inside_its_summary() -> None:
    exchange = Exchange("GET", "/v1/models", 200, JsonBody(None), None, JsonBody({"data": []}), "application/json")
    page = render_html([exchange], "en")
    summary = re.search(r"<summary>.*?</summary>", page, re.DOTALL)
    assert summary is not None and "<a " not in summary.group(0)
    assert 'href="https://platform.openai.com/docs/api-reference/models/list"' in page


def test_a_timeline_over_years_draws_without_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt
    import warnings

    shown = _shown(monkeypatch)
    dates = [dt.datetime(2022, 12, 16, tzinfo=dt.UTC), dt.datetime(2026, 10, 1, tzinfo=dt.UTC)]
    marks = {"gpt-image-1 shut down": dt.datetime(2026, 10, 23, tzinfo=dt.UTC)}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning would be printed into the notebook, with a path of this machine
        plots.timeline(dates, ["text-embedding-ada-002", "gpt-image-2"], title="t", marks=marks)
    assert shown[0][0]["alt"].startswith("Timeline: t. 2 items: text-embedding-ada-002 (2022-12-16)")
