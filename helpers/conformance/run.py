"""Execute copies of the notebooks live against a server in record mode, into a scratch cassette folder.

Every cell runs even after one fails (nbclient's ``allow_errors``): a failing call must not hide the ones after
it. The committed notebooks and cassettes are only read: the copies, their work files and the recordings live
under the scratch folder.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from helpers.config import SECRET_ENV_VARS, Mode
from helpers.recording.header import OPENAI_API_HOST, OPENAI_API_HOSTS
from helpers.runner import kernel_env
from helpers.settings import DOTENV_ENV

CellDone = Callable[[str, int], None]  # (notebook, cell index) after each code cell
DUMMY_KEY = "sk-conformance-no-key"


def is_openai(base_url: str) -> bool:
    """The same test as a recording's header uses to call a recording OpenAI's."""
    return (urlsplit(base_url).hostname or "").lower() in OPENAI_API_HOSTS


@dataclass(frozen=True)
class Key:
    value: str
    said: str  # which key it is, in the report's words (never the key itself)


def choose_key(base_url: str, given: str | None, environ: Mapping[str, str]) -> Key:
    """The bearer key sent: the one given, else the learner's own for OpenAI only, else a dummy."""
    if given:
        return Key(given, "the key given with --api-key / API_KEY")
    if is_openai(base_url) and environ.get("OPENAI_API_KEY"):
        return Key(environ["OPENAI_API_KEY"], f"your OPENAI_API_KEY (the server is {OPENAI_API_HOST})")
    return Key(DUMMY_KEY, f"a dummy key ({DUMMY_KEY}); your own key is only ever sent to {OPENAI_API_HOST}")


def conformance_env(base_url: str, api_key: str, cassettes: Path) -> dict[str, str]:
    """The kernels' environment: no secret variable and no ``.env`` file reaches a kernel, except the chosen key;
    organisation and project ids only for OpenAI itself."""
    env = kernel_env(Mode.RECORD, cassettes)
    for name in SECRET_ENV_VARS:
        env.pop(name, None)
    env.update({"OPENAI_BASE_URL": base_url, "OPENAI_API_KEY": api_key, DOTENV_ENV: "off"})
    if is_openai(base_url):
        env.update({n: v for n in ("OPENAI_ORG_ID", "OPENAI_PROJECT_ID") if (v := os.environ.get(n))})
    return env


@dataclass(frozen=True)
class CellError:
    index: int
    name: str  # the exception's class name, as the cell's error output gives it
    value: str


@dataclass(frozen=True)
class NotebookRun:
    notebook: str
    cassette: Path  # the scratch recording
    cells: dict[str, int]  # cell id -> cell index (recordings store the id)
    sources: dict[int, str]  # cell index -> its source
    errors: tuple[CellError, ...]
    code_cells: int
    seconds: float
    failure: str | None = None  # the notebook could not run at all (kernel died, timeout)


def first_line(source: str) -> str:
    return next((line.strip() for line in source.splitlines() if line.strip()), "")


def _error_of(index: int, cell: Any) -> CellError | None:
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            return CellError(index, str(output.get("ename", "Error")), str(output.get("evalue", ""))[:300])
    return None


def run_notebook(
    source: Path,
    scratch: Path,
    *,
    base_url: str,
    api_key: str,
    timeout: int,
    on_cell: CellDone | None = None,
) -> NotebookRun:
    import nbformat

    from helpers.notebook_client import CellIdNotebookClient

    name = source.stem
    work, cassettes = scratch / "notebooks", scratch / "cassettes"
    work.mkdir(parents=True, exist_ok=True)
    cassettes.mkdir(parents=True, exist_ok=True)
    copy = work / source.name
    shutil.copyfile(source, copy)
    notebook = nbformat.read(copy, as_version=4)  # type: ignore[no-untyped-call]
    code = [(i, c) for i, c in enumerate(notebook.cells) if c.cell_type == "code"]

    def executed(cell: Any, cell_index: int, execute_reply: Any) -> None:
        if on_cell is not None:
            on_cell(name, cell_index)

    env = conformance_env(base_url, api_key, cassettes)
    client = CellIdNotebookClient(
        notebook,
        timeout=timeout,
        allow_errors=True,
        record_timing=False,
        resources={"metadata": {"path": str(work)}},
        on_cell_executed=executed,
    )
    started, failure = time.perf_counter(), None
    try:
        client.execute(env=env)
    except Exception as exc:  # a dead kernel or a timeout: report what ran so far
        failure = f"{type(exc).__name__}: {str(exc).strip().splitlines()[-1] if str(exc).strip() else ''}"
    seconds = time.perf_counter() - started
    errors = tuple(e for i, c in code if (e := _error_of(i, c)) is not None)
    return NotebookRun(
        notebook=name,
        cassette=cassettes / f"{name}.yaml",
        cells={str(c.get("id")): i for i, c in code},
        sources={i: str(c.source) for i, c in code},
        errors=errors,
        code_cells=len(code),
        seconds=seconds,
        failure=failure,
    )


def run_all(
    sources: Sequence[Path],
    scratch: Path,
    *,
    base_url: str,
    api_key: str,
    timeout: int,
    progress: bool = True,
) -> list[NotebookRun]:
    """Every notebook in turn, with one progress bar per notebook counting its code cells."""
    from tqdm import tqdm

    runs = []
    for source in sources:
        import nbformat

        read = nbformat.read(source, as_version=4)  # type: ignore[no-untyped-call]
        cells = len([c for c in read.cells if c.cell_type == "code"])
        with tqdm(total=cells, desc=source.stem, unit="cell", disable=not progress, leave=True) as bar:
            runs.append(
                run_notebook(
                    source,
                    scratch,
                    base_url=base_url,
                    api_key=api_key,
                    timeout=timeout,
                    on_cell=lambda _name, index: bar.update(1),
                )
            )
    return runs
