"""End to end against a real sandbox process: record a notebook, then replay it offline.

One recording (module fixture, canary credentials) feeds the canary, round-trip and miss tests; the kill test
records on its own. The sandbox runs without its sentence model: the test notebook uses files and models only.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpers.config import PROJECT_ROOT, Mode
from helpers.recording.cassette import Cassette
from helpers.runner import kernel_env
from helpers.sandbox_process import SandboxProcess
from tests.kernels import Kernel

NOTEBOOK = "90_harness_check"
SOURCE = Path(__file__).parent / "notebooks" / f"{NOTEBOOK}.ipynb"


def _can_cut_network() -> bool:
    try:
        return subprocess.run(["unshare", "-n", "true"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _offline(command: list[str]) -> list[str]:
    """Run in a fresh network namespace with only loopback up where possible (else the harness guard alone)."""
    if _can_cut_network():
        return ["unshare", "-n", "sh", "-c", 'ip link set lo up && exec "$@"', "sh", *command]
    return command


def _base_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*") if p.is_file()
    }


@dataclass
class Recording:
    root: Path
    notebooks: Path
    cassettes: Path
    canaries: dict[str, str]
    sandbox_port: int
    record_output: str


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Recording]:
    root = tmp_path_factory.mktemp("recording")
    notebooks, cassettes = root / "notebooks", root / "cassettes"
    notebooks.mkdir()
    shutil.copy(SOURCE, notebooks)
    token = uuid.uuid4().hex
    canaries = {
        "OPENAI_API_KEY": f"sk-canary-{token}",
        "OPENAI_ORG_ID": f"org-canary{token[:12]}",
        "OPENAI_PROJECT_ID": f"proj_canary{token[12:24]}",
    }
    # The sandbox demands the canary key, so a recording that succeeds proves the key really was sent.
    with SandboxProcess(root / "sandbox-data", load_models=False, api_key=canaries["OPENAI_API_KEY"]) as box:
        env = _base_env() | canaries | {"OPENAI_BASE_URL": box.base_url, "PYTHONPATH": str(PROJECT_ROOT)}
        command = [sys.executable, "-m", "helpers", "record", NOTEBOOK, "--notebooks", str(notebooks)]
        done = subprocess.run(
            [*command, "--cassettes", str(cassettes), "--timeout", "120"],
            env=env,
            cwd=root,
            capture_output=True,
            text=True,
            timeout=300,
        )
        port = box.port
    assert done.returncode == 0, done.stderr
    yield Recording(root, notebooks, cassettes, canaries, port, done.stderr)


def test_the_recorded_notebook_is_written_back_deterministically(recording: Recording) -> None:
    notebook = json.loads((recording.notebooks / f"{NOTEBOOK}.ipynb").read_text())
    source = json.loads(SOURCE.read_text())
    assert [c["id"] for c in notebook["cells"]] == [c["id"] for c in source["cells"]]
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    assert [c["execution_count"] for c in code] == list(range(1, len(code) + 1))
    assert all("execution" not in c["metadata"] for c in code)  # no timestamps
    banner = "".join(code[0]["outputs"][0]["data"]["text/plain"])
    assert banner.startswith("Sandbox recording: responses were recorded on ")
    assert "sandbox file store" in banner  # the recording's stand-ins
    assert "Mode: strict replay (replay)" in banner  # the outputs are the fresh recording, replayed strictly
    assert "record: 100%" in recording.record_output  # the progress bar


def test_no_canary_appears_in_anything_written(recording: Recording) -> None:
    written = [p for p in recording.root.rglob("*") if p.is_file() and "sandbox-data" not in p.parts]
    assert any(p.suffix == ".png" for p in written)  # the side file is among what is searched
    forbidden = [*recording.canaries.values(), f"127.0.0.1:{recording.sandbox_port}"]
    for path in written:
        data = path.read_bytes()
        for value in forbidden:
            assert value.encode() not in data, f"{value!r} leaked into {path}"


def test_the_recording_replays_under_nbval_with_no_key_and_no_network(recording: Recording) -> None:
    before = _digests(recording.cassettes)
    env = _base_env() | {
        "OPENAI_NOTEBOOK_MODE": "replay",
        "OPENAI_NOTEBOOK_CASSETTES": str(recording.cassettes),
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    command = [sys.executable, "-m", "pytest", "--nbval", "-p", "no:cacheprovider", "-q", f"{NOTEBOOK}.ipynb"]
    done = subprocess.run(
        _offline(command), env=env, cwd=recording.notebooks, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "8 passed" in done.stdout
    assert _digests(recording.cassettes) == before


SOCKET_LOG_CELL = """\
import sys

def _log_socket_use(event, args):
    if event in ("socket.connect", "socket.getaddrinfo", "socket.sendto", "socket.gethostbyname"):
        with open("socket-events.log", "a") as log:
            log.write(f"{event} {args!r}\\n")

sys.addaudithook(_log_socket_use)"""


def test_a_changed_input_fails_clearly_offline_and_changes_nothing(recording: Recording, tmp_path: Path) -> None:
    notebook = json.loads((recording.notebooks / f"{NOTEBOOK}.ipynb").read_text())
    upload = next(c for c in notebook["cells"] if c.get("id") == "upload-text")
    upload["source"] = "".join(upload["source"]).replace('b"hello sandbox\\n"', 'b"hello sandbox!\\n"')
    notebook["cells"].insert(1, {"cell_type": "code", "id": "log-sockets", "metadata": {}, "execution_count": None})
    notebook["cells"][1] |= {"outputs": [], "source": SOCKET_LOG_CELL}
    (tmp_path / f"{NOTEBOOK}.ipynb").write_text(json.dumps(notebook))
    before = _digests(recording.cassettes)

    env = _base_env() | {"PYTHONPATH": str(PROJECT_ROOT)}
    command = [sys.executable, "-m", "helpers", "replay", NOTEBOOK, "--notebooks", str(tmp_path)]
    done = subprocess.run(
        _offline([*command, "--cassettes", str(recording.cassettes)]),
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1
    assert "CassetteMiss: No recording matches POST /v1/files in notebook 90_harness_check (cell [5]);" in done.stderr
    assert "body.file.content: 'hello sandbox!\\n' != 'hello sandbox\\n'" in done.stderr
    assert 'cell:      [5] note = client.files.create(file=("notes.txt", b"hello sandbox!\\n")' in done.stderr
    assert "make record NOTEBOOKS=90_harness_check" in done.stderr
    assert _digests(recording.cassettes) == before
    log = tmp_path / "socket-events.log"
    assert not log.exists(), log.read_text()


def _cells(ids: list[str]) -> list[str]:
    cells = {c.get("id"): "".join(c["source"]) for c in json.loads(SOURCE.read_text())["cells"]}
    return [cells[i] for i in ids]


def test_a_killed_kernel_keeps_what_it_recorded(tmp_path: Path) -> None:
    cassettes = tmp_path / "cassettes"
    start, *recording_cells = _cells(["start", "models", "list-before", "upload-text"])
    with SandboxProcess(tmp_path / "sandbox-data", load_models=False) as box:
        server = {"OPENAI_BASE_URL": box.base_url, "OPENAI_API_KEY": "sk-sandbox-kill-test"}
        kernel = Kernel(_base_env() | kernel_env(Mode.RECORD, cassettes, server), tmp_path)
        try:
            kernel.run(start)
            recorded_outputs = [kernel.run(cell) for cell in recording_cells[:2]]
            kernel.kill()  # after the 2nd of 3 recording cells
        finally:
            kernel.close()

    cassette = Cassette.load(NOTEBOOK, cassettes)
    assert [(i.request.method, i.request.path) for i in cassette.interactions] == [
        ("GET", "/v1/models"),
        ("GET", "/v1/files"),
    ]
    replay = Kernel(kernel_env(Mode.REPLAY, cassettes), tmp_path)
    try:
        replay.run(start)
        assert [replay.run(cell) for cell in recording_cells[:2]] == recorded_outputs
    finally:
        replay.close()
