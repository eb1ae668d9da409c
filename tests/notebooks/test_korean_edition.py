"""The Korean notebooks (notebooks/ko/) stay translations of the English ones, and call the API exactly as they do.

- Staleness: every Korean cell records the sha256 of the English cell source it translates; an English cell that
  changes without its translation fails here (shown on a deliberately edited copy).
- Request parity: each English notebook and its Korean twin are run in strict replay, and the requests they
  actually make (method, path, query, body as data) are compared, in order; a Korean copy with one API input
  changed fails (shown too). The requests are collected by an IPython start-up file that registers a listener
  with ``helpers.recording.events.on_exchange`` in the kernel: the notebooks' code is not touched. When nbval ran
  both notebooks whole in this session, their requests come from its runs (tests/request_log.py).
- Pictures: the Korean pictures are drawn with Hangul (their alt text carries the Korean titles) and are not the
  English pictures; nbval (root conftest.py) compares each of them by pixels with the committed one.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from helpers.config import Mode
from helpers.pictures import pixel_difference
from helpers.runner import kernel_env
from tests.request_log import logged_run, run_and_log

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
KOREAN = NOTEBOOKS / "ko"
CASSETTES = ROOT / "cassettes"
ENGLISH = sorted(p for p in NOTEBOOKS.glob("[0-9]*.ipynb"))
HANGUL = re.compile("[\uac00-\ud7a3]")
WIRE_LINE = re.compile(r"^HTTP: (?P<method>[A-Z]+) (?P<path>\S+) → (?P<status>\d{3})", re.MULTILINE)


def _load_translator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("translate_notebooks", ROOT / "scripts" / "translate_notebooks.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("translate_notebooks", module)
    spec.loader.exec_module(module)
    return module


translator = _load_translator()


def _read(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _text(value: object) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


# --- staleness --------------------------------------------------------------------------------------------------


def test_there_are_six_korean_notebooks() -> None:
    assert [p.name for p in ENGLISH] == sorted(p.name for p in KOREAN.glob("*.ipynb"))
    assert len(ENGLISH) == 6


@pytest.mark.parametrize("english", ENGLISH, ids=lambda p: p.stem)
def test_every_korean_cell_translates_the_current_english_cell(english: Path) -> None:
    problems = translator.staleness_problems(_read(english), _read(KOREAN / english.name))
    assert problems == [], f"{english.stem}: run scripts/translate_notebooks.py check\n" + "\n".join(problems)


@pytest.mark.parametrize("english", ENGLISH, ids=lambda p: p.stem)
def test_the_committed_korean_notebook_is_built_from_its_translation_file(english: Path) -> None:
    """Its sources are what scripts/translate_notebooks.py builds from notebooks/ko/_translations/NAME.yaml."""
    entries = translator.read_translation(KOREAN / "_translations" / f"{english.stem}.yaml")
    built = translator.translate(_read(english), entries, english.stem)
    committed = _read(KOREAN / english.name)
    assert [(c["id"], _text(c["source"])) for c in committed["cells"]] == [
        (c["id"], _text(c["source"])) for c in built["cells"]
    ]
    assert [c["metadata"]["translation"] for c in committed["cells"]] == [
        c["metadata"]["translation"] for c in built["cells"]
    ]


@pytest.mark.parametrize("english", ENGLISH, ids=lambda p: p.stem)
def test_the_korean_notebook_is_korean_and_executed(english: Path) -> None:
    korean = _read(KOREAN / english.name)
    markdown = [c for c in korean["cells"] if c["cell_type"] == "markdown"]
    assert all(HANGUL.search(_text(c["source"])) for c in markdown), "an untranslated markdown cell"
    code = [c for c in korean["cells"] if c["cell_type"] == "code"]
    assert [c["execution_count"] for c in code] == list(range(1, len(code) + 1))
    assert HANGUL.search(_text(code[0]["outputs"][0]["data"]["text/plain"])), "the banner is not in Korean"


def test_the_staleness_check_fails_when_an_english_cell_changes() -> None:
    english = _read(NOTEBOOKS / "01_embeddings.ipynb")
    korean = _read(KOREAN / "01_embeddings.ipynb")
    assert translator.staleness_problems(english, korean) == []
    edited = copy.deepcopy(english)
    cell = next(c for c in edited["cells"] if c["id"] == "changed")
    cell["source"] = _text(cell["source"]).replace("still works", "still works today")
    problems = translator.staleness_problems(edited, korean)
    assert len(problems) == 1 and "'changed'" in problems[0], problems


def test_the_staleness_check_fails_on_a_missing_extra_or_moved_cell() -> None:
    english = _read(NOTEBOOKS / "04_models.ipynb")
    korean = _read(KOREAN / "04_models.ipynb")
    added = copy.deepcopy(english)
    added["cells"].insert(3, {"id": "new-note", "cell_type": "markdown", "metadata": {}, "source": "New."})
    assert translator.staleness_problems(added, korean) == ["English cell 'new-note' has no Korean twin"]
    moved = copy.deepcopy(korean)
    moved["cells"][1], moved["cells"][2] = moved["cells"][2], moved["cells"][1]
    assert any("another order" in p for p in translator.staleness_problems(english, moved))
    retyped = copy.deepcopy(korean)
    retyped["cells"][0]["cell_type"] = "raw"
    assert any("is raw in Korean" in p for p in translator.staleness_problems(english, retyped))


# --- request parity ---------------------------------------------------------------------------------------------


def requests_made(notebook: Path, scratch: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """The requests a strict-replay run of the notebook made, in order, and the cells that raised (if any): from
    nbval's run of it in this session when there was a whole one (tests/request_log.py), else from a run of its own."""
    run = logged_run(notebook)
    if run is None:
        run = run_and_log(notebook, scratch, kernel_env(Mode.REPLAY, CASSETTES))
    return run.requests, run.raised


def first_difference(english: list[dict[str, Any]], korean: list[dict[str, Any]]) -> str | None:
    """Where two request sequences part, or None when they are the same."""
    for index, (one, other) in enumerate(zip(english, korean, strict=False)):
        if one != other:
            return f"request #{index + 1}: English {_brief(one)} != Korean {_brief(other)}"
    if len(english) != len(korean):
        return f"English made {len(english)} requests, Korean {len(korean)}"
    return None


def _brief(request: dict[str, Any]) -> str:
    return f"{request['method']} {request['path']} {json.dumps(request['body'], ensure_ascii=False)[:300]}"


@pytest.mark.after_nbval
@pytest.mark.parametrize("english", ENGLISH, ids=lambda p: p.stem)
def test_the_korean_twin_makes_exactly_the_english_requests(english: Path, tmp_path: Path) -> None:
    made_in_english, english_errors = requests_made(english, tmp_path)
    made_in_korean, korean_errors = requests_made(KOREAN / english.name, tmp_path)
    assert english_errors == [] and korean_errors == [], (english_errors, korean_errors)
    assert made_in_english, "no request seen: is the listener still registered?"
    assert {r["source"] for r in made_in_english + made_in_korean} == {"cassette"}
    assert first_difference(made_in_english, made_in_korean) is None


def test_request_parity_fails_when_a_korean_input_changes(tmp_path: Path) -> None:
    english = NOTEBOOKS / "00_setup.ipynb"
    korean = _read(KOREAN / "00_setup.ipynb")
    cell = next(c for c in korean["cells"] if c["id"] == "first-call")
    assert '"text-embedding-3-small"' in _text(cell["source"])
    cell["source"] = _text(cell["source"]).replace('"text-embedding-3-small"', '"text-embedding-3-large"')
    altered = tmp_path / "ko" / "00_setup.ipynb"
    altered.parent.mkdir()
    altered.write_text(json.dumps(korean, ensure_ascii=False), encoding="utf-8")
    made_in_english, _ = requests_made(english, tmp_path)
    made_in_korean, korean_errors = requests_made(altered, tmp_path)
    assert korean_errors == ["first-call"]  # strict replay has no recording for the altered request
    assert len(made_in_korean) == len(made_in_english) - 1  # the altered request never got an answer
    difference = first_difference(made_in_english, made_in_korean)
    # The two retrievals of text-embedding-3-small now line up with one: the sequences part at the second request.
    assert difference is not None and difference.startswith("request #2:"), difference
    assert "/v1/models/text-embedding-3-small" in difference and "/v1/models/gpt-imaginary" in difference


def test_first_difference_names_a_changed_body_and_a_missing_request() -> None:
    one = {"method": "POST", "path": "/v1/embeddings", "query": [], "body": {"json": {"input": "a"}}}
    other = one | {"body": {"json": {"input": "b"}}}
    assert first_difference([one], [one]) is None
    assert str(first_difference([one], [other])).startswith("request #1: English POST /v1/embeddings")
    assert first_difference([one, one], [one]) == "English made 2 requests, Korean 1"


# --- what the committed outputs show ----------------------------------------------------------------------------


def _wire_requests(notebook: Path) -> list[tuple[str, str, str]]:
    found = []
    for cell in _read(notebook)["cells"]:
        for output in cell.get("outputs", []):
            text = _text(output.get("data", {}).get("text/plain", ""))
            if 'class="wire-view"' in _text(output.get("data", {}).get("text/html", "")):
                found += [(m["method"], m["path"], m["status"]) for m in WIRE_LINE.finditer(text)]
    return found


@pytest.mark.parametrize("english", ENGLISH, ids=lambda p: p.stem)
def test_the_korean_wire_views_list_the_english_requests(english: Path) -> None:
    shown = _wire_requests(KOREAN / english.name)
    assert shown and shown == _wire_requests(english)


def _pictures(notebook: Path) -> list[tuple[str, str, str]]:
    """(cell id, alt text, base64 PNG) of every picture, in order."""
    found = []
    for cell in _read(notebook)["cells"]:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "image/png" in data:
                alt = output.get("metadata", {}).get("image/png", {}).get("alt", "")
                found.append((str(cell["id"]), alt, _text(data["image/png"])))
    return found


def test_korean_pictures_are_drawn_with_hangul_and_differ_from_the_english_ones() -> None:
    import base64

    korean = {p.stem: _pictures(KOREAN / p.name) for p in ENGLISH}
    english = {p.stem: _pictures(p) for p in ENGLISH}
    assert [len(v) for v in korean.values()] == [len(v) for v in english.values()]
    titled = [(name, cell) for name, pictures in korean.items() for cell, alt, _ in pictures if HANGUL.search(alt)]
    assert ("01_embeddings", "cluster") in titled and ("05_moderations", "scores") in titled, titled
    ((_, _, diagram),) = korean["00_setup"]
    ((_, _, english_diagram),) = english["00_setup"]
    assert pixel_difference(base64.b64decode(english_diagram), base64.b64decode(diagram)) is not None


# --- re-recording one re-records both ---------------------------------------------------------------------------


def _stream_text(notebook: dict[str, Any]) -> list[str]:
    return [
        _text(o.get("text", ""))
        for c in notebook["cells"]
        for o in c.get("outputs", [])
        if o.get("output_type") == "stream"
    ]


def test_recording_runs_the_twin_against_the_fresh_cassette_and_reports_a_diverging_one(tmp_path: Path) -> None:
    """What `python -m helpers record NAME` does after recording NAME (runner.replay_twins)."""
    from helpers.runner import replay_twins, translated_twins

    english = tmp_path / "04_models.ipynb"
    english.write_bytes((NOTEBOOKS / "04_models.ipynb").read_bytes())
    committed = _read(KOREAN / "04_models.ipynb")
    twin = tmp_path / "ko" / "04_models.ipynb"
    twin.parent.mkdir()
    fresh = copy.deepcopy(committed)
    for cell in fresh["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    twin.write_text(json.dumps(fresh, ensure_ascii=False), encoding="utf-8")
    assert translated_twins(english) == [twin]

    assert replay_twins(english, CASSETTES, timeout=120) == []
    assert _stream_text(_read(twin)) == _stream_text(committed)

    diverging = copy.deepcopy(fresh)
    cell = next(c for c in diverging["cells"] if c["id"] == "retrieve")
    cell["source"] = _text(cell["source"]).replace("text-embedding-3-small", "text-embedding-3-large")
    twin.write_text(json.dumps(diverging, ensure_ascii=False), encoding="utf-8")
    before = twin.read_bytes()
    assert replay_twins(english, CASSETTES, timeout=120) == ["04_models (ko)"]
    assert twin.read_bytes() == before  # not rewritten
