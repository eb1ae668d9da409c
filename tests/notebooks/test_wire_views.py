"""Every request a notebook recorded shows up in exactly one cell's wire view, in order, and no secret shows.

The wire view (helpers/wire.py) is what a reader sees of the HTTP under each cell: it must be complete (no request
missing or shown twice), ordered like the recording, and rendered only from the scrubbed recording.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from helpers.recording.cassette import Cassette
from helpers.recording.filters import SECRET_REQUEST_HEADERS, SECRET_RESPONSE_HEADERS

ROOT = Path(__file__).resolve().parents[2]
CASSETTES = ROOT / "cassettes"
NOTEBOOKS = sorted(p for p in (ROOT / "notebooks").glob("*.ipynb") if (CASSETTES / f"{p.stem}.yaml").exists())
LINE = re.compile(r"^HTTP: (?P<method>[A-Z]+) (?P<path>\S+) → (?P<status>\d{3})")
SECRET_VALUE = re.compile(r"\bsk-[A-Za-z0-9_-]{8,}|\borg-[A-Za-z0-9]{8,}|\bproj_[A-Za-z0-9]{8,}")
ALLOWED_VALUES = {"org-REDACTED", "proj_REDACTED"}


def _text(value: object) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _wire_outputs(notebook: Path) -> list[tuple[str, str, str]]:
    """(cell id, text/plain, text/html) of every wire view, in cell order."""
    found = []
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            html = _text(data.get("text/html", ""))
            if 'class="wire-view"' in html:
                found.append((cell.get("id", "?"), _text(data.get("text/plain", "")), html))
    return found


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_recorded_request_appears_in_exactly_one_wire_view_in_order(notebook: Path) -> None:
    recorded = [
        (i.request.method, i.request.path, i.response.status)
        for i in Cassette.load(notebook.stem, CASSETTES).interactions
    ]
    shown = []
    for _, text, html in _wire_outputs(notebook):
        lines = [m for m in (LINE.match(line) for line in text.splitlines()) if m]
        assert len(lines) == html.count('class="wire-exchange"'), "text and HTML list different requests"
        shown += [(m["method"], m["path"].split("?", 1)[0], int(m["status"])) for m in lines]
    assert shown == recorded


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_wire_view_shows_a_secret_header_or_key(notebook: Path) -> None:
    names = sorted(SECRET_REQUEST_HEADERS | SECRET_RESPONSE_HEADERS | {"x-ratelimit-remaining-requests"})
    for cell, text, html in _wire_outputs(notebook):
        for content in (text, html):
            lowered = content.lower()
            assert not [n for n in names if f"{n}:" in lowered or f'"{n}"' in lowered], cell
            leaked = set(SECRET_VALUE.findall(content)) - ALLOWED_VALUES
            assert not leaked, f"{notebook.stem} · {cell}: {leaked}"
