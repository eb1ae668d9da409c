"""`make lab` opens the learner's own copies (my-notebooks/, git-ignored): edits and autosaves never reach the
committed notebooks; untouched copies follow the committed ones; a reset keeps the learner's version aside."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from helpers.config import PROJECT_ROOT
from helpers.recording.errors import ConfigError
from helpers.workspace import PREVIOUS, Workspace, describe


@pytest.fixture()
def source(tmp_path: Path) -> Path:
    folder = tmp_path / "notebooks"
    (folder / "ko").mkdir(parents=True)
    (folder / "_work").mkdir()
    for name in ("00_setup", "02_files"):
        shutil.copy(PROJECT_ROOT / "notebooks" / f"{name}.ipynb", folder / f"{name}.ipynb")
        shutil.copy(PROJECT_ROOT / "notebooks" / "ko" / f"{name}.ipynb", folder / "ko" / f"{name}.ipynb")
    (folder / "_work" / "scratch.ipynb").write_text("{}")
    return folder


def test_copies_every_notebook_and_its_korean_twin_but_no_scratch(source: Path, tmp_path: Path) -> None:
    work = Workspace(tmp_path / "my-notebooks", source)
    report = work.sync()
    assert report.copied == ["00_setup.ipynb", "02_files.ipynb", "ko/00_setup.ipynb", "ko/02_files.ipynb"]
    assert (tmp_path / "my-notebooks" / "ko" / "02_files.ipynb").read_bytes() == (
        source / "ko/02_files.ipynb"
    ).read_bytes()
    assert not (tmp_path / "my-notebooks" / "_work").exists()


def test_edits_are_kept_and_untouched_copies_follow_the_committed_notebook(source: Path, tmp_path: Path) -> None:
    folder = tmp_path / "my-notebooks"
    work = Workspace(folder, source)
    work.sync()
    (folder / "02_files.ipynb").write_text("my experiments")
    for name in ("00_setup.ipynb", "02_files.ipynb"):  # a `git pull` changes both originals
        (source / name).write_text((source / name).read_text().replace("}", "} ", 1))
    report = work.sync()
    assert report.updated == ["00_setup.ipynb"] and report.kept_changed == ["02_files.ipynb"]
    assert (folder / "02_files.ipynb").read_text() == "my experiments"
    assert (folder / "00_setup.ipynb").read_bytes() == (source / "00_setup.ipynb").read_bytes()
    assert "make reset-notebooks NOTEBOOKS=02_files" in describe(report, folder)
    assert work.sync().kept_changed == ["02_files.ipynb"]  # said again until the learner chooses


def test_a_reset_puts_the_original_back_and_keeps_the_learners_version(source: Path, tmp_path: Path) -> None:
    folder = tmp_path / "my-notebooks"
    work = Workspace(folder, source)
    work.sync()
    (folder / "ko" / "02_files.ipynb").write_text("내 실험")
    report = work.reset(["ko/02_files"])
    assert report.reset == ["ko/02_files.ipynb"]
    assert (folder / "ko" / "02_files.ipynb").read_bytes() == (source / "ko" / "02_files.ipynb").read_bytes()
    (kept,) = (folder / PREVIOUS / "ko").iterdir()
    assert kept.read_text() == "내 실험" and kept.name.startswith("02_files.")
    with pytest.raises(ConfigError, match="available: 00_setup, 02_files, ko/00_setup"):
        work.reset(["03_images"])


def test_the_copies_are_git_ignored() -> None:
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", "my-notebooks/02_files.ipynb"], cwd=PROJECT_ROOT, check=False
    )
    assert ignored.returncode == 0
