"""Execute notebooks headless with nbclient, in record mode (writing outputs back) or replay mode (checking)."""

from __future__ import annotations

import contextlib
import filecmp
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from helpers.config import (
    CASSETTES_ENV,
    MODE_ENV,
    PROJECT_ROOT,
    RECORDING_API_KEY,
    SECRET_ENV_VARS,
    Mode,
)
from helpers.recording.errors import ConfigError

DEFAULT_TIMEOUT = 600
TRANSLATIONS = ("ko",)  # a notebook's translations live beside it: NOTEBOOKS/ko/NAME.ipynb


def resolve_notebooks(names: Sequence[str], directory: Path) -> list[Path]:
    """Names may be stems (``01_embeddings``), file names or paths; none means every notebook in ``directory``."""
    wanted = [n for name in names for n in name.replace(",", " ").split()]
    if not wanted:
        found = sorted(p for p in directory.glob("*.ipynb") if not p.name.startswith(("_", ".")))
        if not found:
            raise ConfigError(f"no notebooks in {directory}")
        return found
    paths = []
    for name in wanted:
        given = Path(name)
        path = (
            given
            if given.suffix == ".ipynb" and given.exists()
            else directory / f"{given.name.removesuffix('.ipynb')}.ipynb"
        )
        if not path.is_file():
            listed = sorted(p for p in directory.glob("*.ipynb") if not p.name.startswith(("_", ".")))
            available = ", ".join(p.stem for p in listed) or "none"
            raise ConfigError(f"no notebook {name!r} in {directory} (available: {available})")
        paths.append(path.resolve())
    return paths


def translated_twins(path: Path) -> list[Path]:
    """The notebook's translations (same name in a language folder beside it), which replay its cassette."""
    return [twin for language in TRANSLATIONS if (twin := path.parent / language / path.name).is_file()]


def replay_twins(path: Path, cassettes: Path, *, timeout: int) -> list[str]:
    """Run each translation of a just-recorded notebook in strict replay against the fresh cassette and write it back
    with its outputs; a translation must make exactly its English twin's requests, so replay is all it needs. Returns
    the twins that failed (each reported), whose notebooks are left as they were."""
    from tqdm import tqdm

    failed = []
    for twin in translated_twins(path):
        label = f"{path.stem} ({twin.parent.name})"
        try:
            write_notebook(execute_notebook(twin, kernel_env(Mode.REPLAY, cassettes), timeout=timeout), twin)
        except Exception as exc:
            failed.append(label)
            tqdm.write(
                f"FAILED {label} (replaying the fresh recording; the recording and the English notebook are kept, "
                f"the translation not rewritten):\n{_short_error(exc)}",
                sys.stderr,
            )
    return failed


def kernel_env(mode: Mode, cassettes: Path, overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env[MODE_ENV] = mode.value
    env[CASSETTES_ENV] = str(cassettes)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PROJECT_ROOT), env.get("PYTHONPATH", "")) if p)
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # quiets a debugpy warning on kernel start
    if mode is Mode.REPLAY:  # prove replay needs neither key nor server
        for name in (*SECRET_ENV_VARS, "OPENAI_BASE_URL"):
            env.pop(name, None)
    env.update(overrides or {})
    return env


def execute_notebook(path: Path, env: Mapping[str, str], *, timeout: int = DEFAULT_TIMEOUT) -> Any:
    """Run every cell in a fresh kernel (working directory: the notebook's folder); raise on a failing cell."""
    import nbformat

    from helpers.notebook_client import CellIdNotebookClient

    notebook = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]
    for index, cell in enumerate(notebook.cells):
        cell.setdefault("id", f"cell-{index}")  # deterministic ids if a notebook lacks them
    client = CellIdNotebookClient(
        notebook,
        timeout=timeout,
        record_timing=False,  # no execution timestamps: re-recording an unchanged notebook changes nothing
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute(env=dict(env))
    for cell in notebook.cells:
        if cell.get("cell_type") == "code":
            cell["outputs"] = join_printed_text(cell.get("outputs", []))
    return notebook


def join_printed_text(outputs: list[Any]) -> list[Any]:
    """Join neighbouring stdout (or stderr) outputs into one, as Jupyter shows them.

    How a kernel splits printed text into messages depends on timing (a print before and after a live call may
    arrive as one output or two); joined, a re-recording saves the same bytes every time.
    """
    joined: list[Any] = []
    for output in outputs:
        previous = joined[-1] if joined else None
        if (
            previous is not None
            and output.get("output_type") == "stream"
            and previous.get("output_type") == "stream"
            and previous.get("name") == output.get("name")
        ):
            previous["text"] = previous["text"] + output["text"]
        else:
            joined.append(output)
    return joined


def write_notebook(notebook: Any, path: Path) -> None:
    import nbformat

    from helpers.recording.files import atomic_write

    text = nbformat.writes(notebook)  # type: ignore[no-untyped-call]
    atomic_write(path, (text if text.endswith("\n") else text + "\n").encode("utf-8"))  # as nbformat.write does


class CassetteBackup:
    """A copy of one notebook's cassette files, put back if its re-recording fails."""

    def __init__(self, cassettes: Path, notebook: str) -> None:
        self.yaml = cassettes / f"{notebook}.yaml"
        self.folder = cassettes / notebook
        self._saved = Path(tempfile.mkdtemp(prefix=f"cassette-backup-{notebook}-"))
        try:
            if self.yaml.is_file():
                shutil.copy2(self.yaml, self._saved / "cassette.yaml")
            if self.folder.is_dir():
                shutil.copytree(self.folder, self._saved / "side-files")
        except BaseException:
            self.discard()
            raise

    @property
    def location(self) -> Path:
        return self._saved

    def unchanged(self) -> bool:
        return _same_file(self.yaml, self._saved / "cassette.yaml") and _same_folder(
            self.folder, self._saved / "side-files"
        )

    def restore(self) -> bool:
        """Whether anything had to be put back."""
        if self.unchanged():  # e.g. a read-only folder refused the re-recording: nothing to write (or to fail)
            return False
        self.yaml.unlink(missing_ok=True)
        if self.folder.is_dir():
            shutil.rmtree(self.folder)
        if (self._saved / "cassette.yaml").is_file():
            shutil.copy2(self._saved / "cassette.yaml", self.yaml)
        if (self._saved / "side-files").is_dir():
            shutil.copytree(self._saved / "side-files", self.folder)
        return True

    def discard(self) -> None:
        shutil.rmtree(self._saved, ignore_errors=True)


def _same_file(one: Path, other: Path) -> bool:
    if not one.is_file() or not other.is_file():
        return one.is_file() == other.is_file()
    return filecmp.cmp(one, other, shallow=False)


def _same_folder(one: Path, other: Path) -> bool:
    names = {p.name for p in one.iterdir()} if one.is_dir() else set()
    if names != ({p.name for p in other.iterdir()} if other.is_dir() else set()):
        return False
    return all(_same_file(one / name, other / name) for name in names)


@contextlib.contextmanager
def recording_server(notebook: str) -> Iterator[dict[str, str]]:
    """The server a recording talks to: the configured one, or a fresh sandbox (empty data dir) per notebook."""
    if _configured_server():
        yield {}
        return
    from helpers.sandbox_process import SandboxProcess

    with (
        tempfile.TemporaryDirectory(prefix=f"sandbox-{notebook}-") as data_dir,
        SandboxProcess(Path(data_dir), reproducible=True) as box,
    ):
        yield {"OPENAI_BASE_URL": box.base_url, "OPENAI_API_KEY": RECORDING_API_KEY}


def _configured_server() -> bool:
    """Whether OPENAI_BASE_URL or OPENAI_API_KEY is set (the environment or .env): then record against that."""
    from helpers.settings import Settings

    settings = Settings.resolve()
    return settings.base_url_set or settings.api_key is not None


def _stamp(path: Path) -> int | None:
    return path.stat().st_mtime_ns if path.is_file() else None


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _short_error(exc: BaseException, lines: int = 14) -> str:
    """The end of a cell's traceback (where the harness puts its message), without terminal colours."""
    text = _ANSI.sub("", str(exc)).rstrip().splitlines()
    return "\n".join(text[-lines:])


def record(names: Sequence[str], notebooks: Path, cassettes: Path, *, timeout: int, keep_partial: bool) -> int:
    from tqdm import tqdm

    paths = resolve_notebooks(names, notebooks)
    target = "the configured server" if _configured_server() else ("a fresh sandbox per notebook")
    print(f"Recording {len(paths)} notebook(s) against {target}; cassettes in {cassettes}", file=sys.stderr)
    failed: list[str] = []
    with tqdm(paths, desc="record", unit="notebook", file=sys.stderr) as bar:
        for path in bar:
            bar.set_postfix_str(path.stem)
            try:
                backup = CassetteBackup(cassettes, path.stem)
            except OSError as exc:  # e.g. a full disk: better not to start than to risk the old recording
                failed.append(path.stem)
                tqdm.write(
                    f"FAILED {path.stem} (could not back up its cassette first; nothing changed): {exc}", sys.stderr
                )
                continue
            before = _stamp(cassettes / f"{path.stem}.yaml")
            keep_backup = False
            try:
                with recording_server(path.stem) as server:
                    execute_notebook(path, kernel_env(Mode.RECORD, cassettes, server), timeout=timeout)
                # The outputs a reader sees are the fresh recording replayed strictly: what `make test` checks, and
                # the banner then says how they were made (strict replay) rather than how the recording was.
                notebook = execute_notebook(path, kernel_env(Mode.REPLAY, cassettes), timeout=timeout)
                write_notebook(notebook, path)
                if _stamp(cassettes / f"{path.stem}.yaml") in (None, before):
                    tqdm.write(f"note: {path.stem} recorded nothing; does it call helpers.start({path.stem!r})?")
            except BaseException as exc:
                outcome = "kept the partial recording"
                try:
                    if not keep_partial:
                        restored = backup.restore()
                        outcome = "restored the previous recording" if restored else "previous recording untouched"
                except OSError as restore_error:
                    outcome = f"could NOT restore the previous recording ({restore_error}); it is in {backup.location}"
                    keep_backup = True
                if isinstance(exc, KeyboardInterrupt):
                    raise
                failed.append(path.stem)
                tqdm.write(f"FAILED {path.stem} ({outcome}; notebook not rewritten):\n{_short_error(exc)}", sys.stderr)
            else:  # re-recording a notebook re-records its translations: they replay the fresh cassette
                failed += replay_twins(path, cassettes, timeout=timeout)
            finally:
                if not keep_backup:
                    backup.discard()
    return _summary("recorded", paths, failed)


def replay(names: Sequence[str], notebooks: Path, cassettes: Path, *, timeout: int) -> int:
    from tqdm import tqdm

    paths = resolve_notebooks(names, notebooks)
    failed: list[str] = []
    with tqdm(paths, desc="replay", unit="notebook", file=sys.stderr) as bar:
        for path in bar:
            bar.set_postfix_str(path.stem)
            for notebook in (path, *translated_twins(path)):  # a translation replays its English twin's cassette
                label = path.stem if notebook == path else f"{path.stem} ({notebook.parent.name})"
                try:
                    execute_notebook(notebook, kernel_env(Mode.REPLAY, cassettes), timeout=timeout)
                except Exception as exc:
                    failed.append(label)
                    tqdm.write(f"FAILED {label}:\n{_short_error(exc)}", sys.stderr)
    return _summary("replayed", paths, failed)


def _summary(verb: str, paths: Sequence[Path], failed: Sequence[str]) -> int:
    ok = len(paths) - len(failed)
    print(
        f"{verb} {ok}/{len(paths)} notebook(s)" + (f"; failed: {' '.join(failed)}" if failed else ""), file=sys.stderr
    )
    return 1 if failed else 0
