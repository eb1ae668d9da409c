"""The requests a notebook's kernel makes, logged from inside the kernel: an IPython start-up file registers a listener
with ``helpers.recording.events.on_exchange`` (the notebooks' code is not touched) and counts the cells run and the
cells that raised.

The request-parity test (tests/notebooks/test_korean_edition.py) compares an English notebook's requests with its
Korean twin's. nbval already runs every notebook in strict replay in the same test session, so the root conftest.py
has nbval's kernels keep this log (``logging_kernel_env``) and the parity test reads it (``logged_run``) instead of
running each notebook a second time; when nbval did not run a notebook whole (not collected, deselected, stopped),
the test runs it itself (``run_and_log``).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Runs in the kernel before the notebook: every exchange the harness makes, and every cell run, is appended to
# $REQUEST_LOG as JSON.
STARTUP = textwrap.dedent(
    """
    import hashlib as _hashlib, json as _json, os as _os
    from helpers.recording import events as _events
    from helpers.recording.interactions import JsonBody as _Json, MultipartBody as _Multipart

    def _log(line):
        with open(_os.environ["REQUEST_LOG"], "a", encoding="utf-8") as log:
            log.write(_json.dumps(line, sort_keys=True) + "\\n")

    def _body(body):
        if isinstance(body, _Json):
            return {"json": body.data}
        if isinstance(body, _Multipart):
            return {"multipart": [
                [p.name, p.filename, p.content_type, _hashlib.sha256(p.content).hexdigest()] for p in body.parts
            ]}
        return {"raw": _hashlib.sha256(body.content).hexdigest()}

    def _log_request(request, response, source):
        _log({"request": {"method": request.method, "path": request.path, "query": [list(q) for q in request.query],
                          "body": _body(request.body), "source": source}})

    def _log_cell(result):
        raised = result.error_in_exec is not None or result.error_before_exec is not None
        _log({"cell": {"raised": raised}})

    _events.on_exchange(_log_request)
    get_ipython().events.register("post_run_cell", _log_cell)
    """
)


@dataclass(frozen=True)
class LoggedRun:
    requests: list[dict[str, Any]]  # in the order made
    cells_run: int
    raised: list[
        str
    ]  # the cells that raised: by id from nbclient's run; "a cell" from nbval's (the kernel is not told)


def log_path(folder: Path, notebook: Path) -> Path:
    """One log per notebook file (a copy elsewhere with the same name has its own)."""
    where = hashlib.sha256(str(notebook.resolve()).encode()).hexdigest()[:12]
    return folder / f"{notebook.stem}-{where}.jsonl"


def logging_kernel_env(folder: Path, notebook: Path) -> dict[str, str]:
    """Environment variables that make a kernel started for ``notebook`` log its requests into ``folder``."""
    ipython_dir = folder / "ipython"
    startup = ipython_dir / "profile_default" / "startup"
    startup.mkdir(parents=True, exist_ok=True)
    (startup / "00-log-requests.py").write_text(STARTUP, encoding="utf-8")
    log = log_path(folder, notebook)
    log.unlink(missing_ok=True)
    return {"IPYTHONDIR": str(ipython_dir), "REQUEST_LOG": str(log)}


def read_log(log: Path) -> LoggedRun:
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()] if log.exists() else []
    cells = [line["cell"] for line in lines if "cell" in line]
    raised = ["a cell" for c in cells if c["raised"]]
    return LoggedRun([line["request"] for line in lines if "request" in line], len(cells), raised)


def code_cells(notebook: Path) -> int:
    return sum(c["cell_type"] == "code" for c in json.loads(notebook.read_text(encoding="utf-8"))["cells"])


def nbval_logs() -> Path:
    """This test process's folder for the logs of nbval's kernels (made once; pytest-xdist workers have one each)."""
    folder = os.environ.get("NBVAL_REQUEST_LOGS")
    if not folder:
        folder = os.environ["NBVAL_REQUEST_LOGS"] = tempfile.mkdtemp(prefix="nbval-request-logs-")
    return Path(folder)


def logged_run(notebook: Path) -> LoggedRun | None:
    """What nbval's strict-replay run of ``notebook`` did in this session, if it ran every code cell once."""
    folder = os.environ.get("NBVAL_REQUEST_LOGS")
    if not folder:
        return None
    run = read_log(log_path(Path(folder), notebook))
    return run if run.cells_run == code_cells(notebook) else None


def run_and_log(notebook: Path, scratch: Path, env: dict[str, str]) -> LoggedRun:
    """Run ``notebook`` with nbclient in a kernel that logs, with ``env`` (the harness's mode and folders)."""
    import nbformat
    from nbclient import NotebookClient

    env = env | logging_kernel_env(scratch, notebook)
    node = nbformat.read(notebook, as_version=4)  # type: ignore[no-untyped-call]
    client = NotebookClient(
        node, timeout=300, allow_errors=True, resources={"metadata": {"path": str(notebook.parent)}}
    )
    client.execute(env=env)
    logged = read_log(Path(env["REQUEST_LOG"]))
    raised = [
        str(c.get("id")) for c in node.cells if any(o.get("output_type") == "error" for o in c.get("outputs", []))
    ]
    return LoggedRun(logged.requests, logged.cells_run, raised)
