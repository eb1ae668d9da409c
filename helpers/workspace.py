"""The learner's own copies of the notebooks: ``make lab`` opens ``my-notebooks/``, never the committed ones.

JupyterLab saves (and autosaves) whatever a learner types; pointed at ``notebooks/`` it would write experiments into
committed files, and the next ``git pull`` or strict replay in ``make test`` would trip on them. So ``make lab``
first brings ``my-notebooks/`` (git-ignored) up to date and opens that:

- a notebook missing there is copied from ``notebooks/`` (``ko/`` included);
- a copy the learner never changed follows the committed notebook when that changes (nothing of theirs is lost);
- a copy they changed is kept, and if its original changed meanwhile they are told how to get the new one.

``reset(names)`` (``make reset-notebooks [NOTEBOOKS=...]``) puts the committed version back; the learner's
version is first moved to ``my-notebooks/.previous/`` with the time in its name, so a reset loses nothing.
The copies find their recordings and their language exactly as the originals do: ``helpers.start("02_files")``
looks up ``cassettes/02_files.yaml`` in the project, and a folder named ``ko`` is Korean.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from helpers.config import DEFAULT_NOTEBOOKS_DIR, PROJECT_ROOT
from helpers.recording.errors import ConfigError

WORKSPACE = PROJECT_ROOT / "my-notebooks"
STATE_FILE = ".originals.json"  # for each copy: the sha256 of the committed notebook it was copied from
PREVIOUS = ".previous"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def originals(source: Path = DEFAULT_NOTEBOOKS_DIR) -> list[Path]:
    """The committed notebooks, relative to ``source`` (``00_setup.ipynb``, ``ko/00_setup.ipynb`` ...)."""
    found = [p for p in source.rglob("*.ipynb") if not any(part.startswith(("_", ".")) for part in p.parts)]
    return sorted(p.relative_to(source) for p in found if ".ipynb_checkpoints" not in p.parts)


@dataclass
class Report:
    copied: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    kept_changed: list[str] = field(default_factory=list)  # the learner's edits kept; the original changed since
    reset: list[str] = field(default_factory=list)
    saved_as: list[str] = field(default_factory=list)


class Workspace:
    def __init__(self, folder: Path = WORKSPACE, source: Path = DEFAULT_NOTEBOOKS_DIR) -> None:
        self.folder = folder
        self.source = source

    def _state(self) -> dict[str, str]:
        try:
            data = json.loads((self.folder / STATE_FILE).read_text())
        except (OSError, ValueError):
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def _save_state(self, state: dict[str, str]) -> None:
        (self.folder / STATE_FILE).write_text(json.dumps(state, indent=1, sort_keys=True) + "\n")

    def sync(self) -> Report:
        """Bring the copies up to date without ever touching one the learner changed."""
        report, state = Report(), self._state()
        self.folder.mkdir(exist_ok=True)
        for relative in originals(self.source):
            original, copy, key = self.source / relative, self.folder / relative, relative.as_posix()
            fresh = _digest(original)
            if not copy.exists():
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(original, copy)
                report.copied.append(key)
            elif state.get(key) != fresh:
                if _digest(copy) == state.get(key):  # untouched by the learner: follow the original
                    shutil.copyfile(original, copy)
                    report.updated.append(key)
                elif _digest(copy) != fresh:
                    report.kept_changed.append(key)
                    continue  # keep remembering the old original: the note repeats until they choose
            state[key] = fresh
        self._save_state(state)
        return report

    def reset(self, names: Sequence[str] = ()) -> Report:
        """The committed version back; the learner's is moved to ``.previous/`` first. No names: every notebook."""
        report, state = Report(), self._state()
        wanted = self._resolve(names)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        for relative in wanted:
            original, copy, key = self.source / relative, self.folder / relative, relative.as_posix()
            if copy.exists() and _digest(copy) != _digest(original):
                kept = self.folder / PREVIOUS / relative.parent / f"{relative.stem}.{stamp}.ipynb"
                kept.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(copy, kept)
                report.saved_as.append(kept.relative_to(self.folder).as_posix())
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(original, copy)
            state[key] = _digest(original)
            report.reset.append(key)
        self._save_state(state)
        return report

    def _resolve(self, names: Sequence[str]) -> list[Path]:
        """``02_files`` is the English notebook, ``ko/02_files`` its Korean twin."""
        every = originals(self.source)
        chosen = []
        for name in (n for raw in names for n in raw.replace(",", " ").split()):
            wanted = Path(name.removesuffix(".ipynb") + ".ipynb")
            if wanted not in every:
                available = ", ".join(p.with_suffix("").as_posix() for p in every)
                raise ConfigError(f"no notebook {name!r} in {self.source} (available: {available})")
            chosen.append(wanted)
        return chosen or every


def describe(report: Report, folder: Path = WORKSPACE) -> str:
    """What ``make lab`` / ``make reset-notebooks`` print: a few lines, in plain words."""
    shown = folder.relative_to(PROJECT_ROOT) if folder.is_relative_to(PROJECT_ROOT) else folder
    lines = [f"Your own copies of the notebooks are in {shown}/ (git-ignored): change them freely; notebooks/ stays"]
    lines[0] += " as committed."
    if report.copied:
        lines.append(f"  copied: {', '.join(report.copied)}")
    if report.updated:
        lines.append(f"  updated to the committed version (you had not changed them): {', '.join(report.updated)}")
    for key in report.kept_changed:
        stem = key.removesuffix(".ipynb")
        lines.append(
            f"  {key}: you changed your copy, and the committed notebook changed too; your copy is kept. For the new "
            f"one: make reset-notebooks NOTEBOOKS={stem}  (your version is kept in {shown}/{PREVIOUS}/)"
        )
    for kept in report.saved_as:
        lines.append(f"  your previous version: {shown}/{kept}")
    if report.reset:
        lines.append(f"  back to the committed version: {', '.join(report.reset)}")
    if not report.reset:
        lines.append(
            "  To get one back as committed: make reset-notebooks NOTEBOOKS=02_files  (or ko/02_files; all: none)"
        )
    return "\n".join(lines)
