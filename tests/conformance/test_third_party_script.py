"""The pure parts of scripts/conformance_third_party.py (the servers themselves need the registry: not tested here)."""

from __future__ import annotations

import http.server
import importlib.util
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest

from helpers.sandbox_process import free_port

ROOT = Path(__file__).resolve().parents[2]


def _load_script(name: str) -> ModuleType:
    """scripts/<name>.py as a module (scripts/ is not a package); registered first, as its dataclasses need."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


script = _load_script("conformance_third_party")


def summary(name: str, deviations: list[str]) -> object:
    return script.Summary(
        name=name,
        version="1.2.3",
        install_mb=193.6,
        install_seconds=25.9,
        start_seconds=0.64,
        run_seconds=61.4,
        notebooks=["01_embeddings"],
        answered={"models": ["models.list"], "embeddings": ["embeddings.create"]},
        missing={"files": ["files.create", "files.list"]},
        deviations=deviations,
        passing="7/20",
    )


def test_the_table_has_one_row_per_server_and_numbers_each_deviation() -> None:
    table = script.render_table([summary("one", ["embeddings · shape: a | b"]), summary("two", [])])
    lines = table.splitlines()
    assert lines[0].startswith("| server | install | start | harness run |")
    assert lines[2] == (
        "| `one` 1.2.3 | 194 MB, 26 s | 0.6 s | 61 s | 7/20 | `embeddings.create`; `models.list` "
        "| `files.create`, `files.list` |"
    )
    assert lines[3].startswith("| `two` 1.2.3 |")
    one = lines.index("**`one` 1.2.3: deviations the harness reported**")
    assert lines[one + 2] == "1. embeddings · shape: a | b"
    assert lines[lines.index("**`two` 1.2.3: deviations the harness reported**") + 2] == "none"


def test_write_docs_replaces_only_what_stands_between_the_markers(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(f"# Title\n\nbefore\n{script.START}\nold table\n{script.END}\nafter\n", encoding="utf-8")
    script.write_docs("new table", page)
    assert page.read_text(encoding="utf-8") == f"# Title\n\nbefore\n{script.START}\nnew table\n{script.END}\nafter\n"
    page.write_text("no markers\n", encoding="utf-8")
    with pytest.raises(SystemExit):
        script.write_docs("new table", page)


def test_the_server_gets_no_openai_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OPENAI_API_KEY", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID", "OPENAI_ADMIN_KEY"):
        monkeypatch.setenv(name, "secret-value")
    env = script.server_env()
    assert not [k for k in env if k.startswith("OPENAI_")]
    assert "secret-value" not in env.values()
    assert script.DUMMY_KEY.startswith("sk-") and "secret" not in script.DUMMY_KEY


def test_a_server_command_is_its_own_venv_script_with_the_ports_filled_in() -> None:
    server = script.Server("x", "0.1", ("x-serve", "--port", "{port}", "--other", "{port2}"))
    assert server.argv(Path("/v/bin"), 8001, 8002) == ["/v/bin/x-serve", "--port", "8001", "--other", "8002"]
    assert server.requirement == "x==0.1"
    assert all(s.version.count(".") == 2 for s in script.SERVERS)  # pinned


@pytest.fixture
def answering_404() -> Iterator[str]:
    class NotFound(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_error(404)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), NotFound)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1/models"
    server.shutdown()
    server.server_close()


def test_any_http_answer_means_the_server_is_up(answering_404: str) -> None:
    assert script.wait_until_answering(answering_404, alive=lambda: True, timeout=5) < 5


def test_waiting_stops_when_the_server_died_or_never_answers() -> None:
    url = f"http://127.0.0.1:{free_port()}/v1/models"  # nothing listens there
    with pytest.raises(RuntimeError, match="exited"):
        script.wait_until_answering(url, alive=lambda: False, timeout=5)
    with pytest.raises(TimeoutError):
        script.wait_until_answering(url, alive=lambda: True, timeout=0.5, interval=0.1)


def _row(group: str, sdk: str, status: int, ref: int | None, failures: list[tuple[str, str]]) -> SimpleNamespace:
    endpoint = SimpleNamespace(sdk=sdk)
    exchange = SimpleNamespace(endpoint=endpoint, response=SimpleNamespace(status=status), route=f"route {sdk}")
    reference = None if ref is None else SimpleNamespace(response=SimpleNamespace(status=ref))
    root_of = [SimpleNamespace(kind=k, detail=d) for k, d in failures]
    return SimpleNamespace(
        group=group, exchange=exchange, reference=reference, root_of=root_of, call=f"call {sdk}", where="nb · cell 1"
    )


def test_a_missing_route_is_not_a_deviation_but_a_wrong_answer_is() -> None:
    rows = [
        _row("files", "files.create", 404, 200, [("status", "expected 200, got 404")]),
        _row("files", "files.list", 405, 200, []),
        _row("files", "files.retrieve", 200, 200, []),
        _row("files", "files.retrieve", 404, 404, [("envelope", "no 'error' object")]),
        _row("embeddings", "embeddings.create", 200, 200, [("dimensions honoured", "asked 256, got [384]")]),
        _row("models", "models.retrieve", 400, 200, [("status", "expected 200, got 400")]),
        SimpleNamespace(
            group="cells",
            exchange=None,
            root_of=[SimpleNamespace(kind="cell error", detail="E: x")],
            where="nb · cell 2",
        ),
    ]
    answered, missing, deviations = script.classify(SimpleNamespace(rows=rows))
    assert answered == {"embeddings": ["embeddings.create"], "files": ["files.retrieve"]}
    assert missing == {"files": ["files.create", "files.list"]}
    assert deviations == [
        "files · envelope: no 'error' object (`route files.retrieve`, nb · cell 1)",
        "embeddings · dimensions honoured: asked 256, got [384] (`route embeddings.create`, nb · cell 1)",
        "models · status: expected 200, got 400 (`route models.retrieve`, nb · cell 1)",
        "cells · cell error: E: x (nb · cell 2)",
    ]


def test_stopping_ends_the_processes_the_server_started_in_sessions_of_their_own(tmp_path: Path) -> None:
    """Like mock-ai-api: a launcher whose child runs in a new session, outside the launcher's process group."""
    import subprocess

    import psutil

    child_pid = tmp_path / "child.pid"
    launcher = (
        "import subprocess, sys, time\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'], start_new_session=True)\n"
        f"open({str(child_pid)!r}, 'w').write(str(child.pid))\n"
        "time.sleep(60)\n"
    )
    process = subprocess.Popen([sys.executable, "-c", launcher], start_new_session=True)
    for _ in range(100):
        if child_pid.exists() and child_pid.read_text():
            break
        threading.Event().wait(0.05)
    child = psutil.Process(int(child_pid.read_text()))
    try:
        script.stop(process, timeout=5)
        assert process.poll() is not None
        assert not child.is_running() or child.status() == psutil.STATUS_ZOMBIE
    finally:  # what this test started, if stop() missed it
        for started in (child, psutil.Process(process.pid) if process.poll() is None else None):
            if started is not None and started.is_running():
                started.kill()
