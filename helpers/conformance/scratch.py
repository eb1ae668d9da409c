"""The scratch folder is the tool's own: it only ever empties a folder it created itself.

A folder becomes the tool's when it is created (or found empty) and a marker file is written inside; a later run
empties it only when the marker is still there. Whatever the marker says, a path inside the checkout other than
under ``build/``, and any path that contains the checkout, is refused before anything is touched.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from helpers.config import PROJECT_ROOT

MARKER = ".conformance-scratch"
_MARKER_TEXT = "Made by `python -m helpers.conformance`; this folder is emptied at the start of every run.\n"


class ScratchRefused(ValueError):
    """The scratch path is not one the tool may empty."""


def refusal(folder: Path, checkout: Path = PROJECT_ROOT) -> str | None:
    """Why ``folder`` may not be the scratch folder, or None. ``folder`` is resolved (symlinks, ``..``) first."""
    folder, checkout = folder.resolve(), checkout.resolve()
    if checkout.is_relative_to(folder):
        return f"{folder} contains the checkout ({checkout})"
    build = checkout / "build"
    if folder.is_relative_to(checkout) and not (folder.is_relative_to(build) and folder != build):
        return f"{folder} is inside the checkout; only a folder under {build} may be used"
    if folder.exists() and not folder.is_dir():
        return f"{folder} is a file"
    if folder.is_dir() and any(folder.iterdir()) and not (folder / MARKER).is_file():
        return (
            f"{folder} holds files this tool did not create (no {MARKER} marker inside): remove it yourself"
            " or pass another --scratch"
        )
    return None


def prepare(folder: Path, checkout: Path = PROJECT_ROOT) -> Path:
    """Empty (or create) the scratch folder and mark it as the tool's; raise ``ScratchRefused`` when not allowed."""
    why = refusal(folder, checkout)
    if why is not None:
        raise ScratchRefused(why)
    folder = folder.resolve()
    if (folder / MARKER).is_file():
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MARKER).write_text(_MARKER_TEXT, encoding="utf-8")
    return folder
