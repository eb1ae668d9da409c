"""The scratch folder is the tool's own: it refuses committed folders, the checkout and what contains it, and any
folder it did not create; it empties only a folder carrying its marker."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.config import PROJECT_ROOT
from helpers.conformance.__main__ import main
from helpers.conformance.scratch import MARKER, ScratchRefused, prepare, refusal


@pytest.mark.parametrize("inside", ["docs", "helpers", "tests", "notebooks/ko", "cassettes", ".", "build"])
def test_folders_of_the_checkout_are_refused(inside: str) -> None:
    folder = PROJECT_ROOT / inside
    before = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else None
    why = refusal(folder)
    assert why is not None and ("inside the checkout" in why or "contains the checkout" in why)
    with pytest.raises(ScratchRefused):
        prepare(folder)
    assert (sorted(p.name for p in folder.iterdir()) if folder.is_dir() else None) == before


@pytest.mark.parametrize("around", ["..", "/"])
def test_a_folder_containing_the_checkout_is_refused(around: str) -> None:
    why = refusal(PROJECT_ROOT / around)
    assert why is not None and "contains the checkout" in why


def test_the_cli_refuses_before_touching_anything(capsys: pytest.CaptureFixture[str]) -> None:
    for path in ("docs", "notebooks/ko", ".."):
        code = main(["--base-url", "http://127.0.0.1:9/v1", "--scratch", str(PROJECT_ROOT / path), "00_setup"])
        assert code == 2
        assert "--scratch refused" in capsys.readouterr().err
    assert (PROJECT_ROOT / "docs" / "index.md").is_file()


def test_a_foreign_folder_is_refused_and_kept(tmp_path: Path) -> None:
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "thesis.txt").write_text("years of work", encoding="utf-8")
    why = refusal(foreign, PROJECT_ROOT)
    assert why is not None and MARKER in why
    with pytest.raises(ScratchRefused):
        prepare(foreign)
    assert (foreign / "thesis.txt").read_text(encoding="utf-8") == "years of work"


def test_its_own_folder_is_created_marked_and_emptied_again(tmp_path: Path) -> None:
    scratch = prepare(tmp_path / "new" / "scratch")
    assert (scratch / MARKER).is_file()
    (scratch / "cassettes").mkdir()
    (scratch / "cassettes" / "01_embeddings.yaml").write_text("old run", encoding="utf-8")
    again = prepare(scratch)
    assert again == scratch and sorted(p.name for p in scratch.iterdir()) == [MARKER]


def test_an_empty_folder_becomes_its_own(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert (prepare(tmp_path / "empty") / MARKER).is_file()


def test_under_build_is_allowed(tmp_path: Path) -> None:
    checkout = tmp_path / "checkout"
    (checkout / "build").mkdir(parents=True)
    assert refusal(checkout / "build" / "conformance", checkout) is None
    assert refusal(checkout / "build", checkout) is not None
    assert refusal(checkout / "build" / ".." / "docs", checkout) is not None
    assert refusal(checkout / "my-notebooks", checkout) is not None
    marked = checkout / "docs"  # a marker does not make a folder of the checkout the tool's
    marked.mkdir()
    (marked / MARKER).write_text("", encoding="utf-8")
    with pytest.raises(ScratchRefused):
        prepare(marked, checkout)
    assert marked.is_dir()
