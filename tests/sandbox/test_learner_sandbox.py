"""The sandbox a notebook starts for itself: its own temporary folder, gone when it stops however it is stopped;
it stops when its parent ends; it answers before its sentence model has loaded; ``/sandbox/*`` restores a
recording's files under their recorded ids and resets, and exists only when asked for."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import httpx2
import pytest

from helpers.sandbox_process import PROJECT_ROOT, SandboxProcess

PREFIX = "openai-notebooks-sandbox-"
RECORDED_ID = "file-ZJKDObCInunentKqEAhrEE"


def _ours() -> set[Path]:
    return set(Path(tempfile.gettempdir()).glob(f"{PREFIX}*"))


def _owned_by(pid: int, folders: set[Path]) -> set[Path]:
    """The folders whose marker names ``pid``: other tests (in another pytest-xdist worker) start sandboxes too."""
    return {
        f
        for f in folders
        if (f / "sandbox-owner.pid").is_file() and (f / "sandbox-owner.pid").read_text().strip() == str(pid)
    }


def _wait_for(condition: object, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return True
        time.sleep(0.05)
    return False


@pytest.fixture()
def learner() -> object:
    before = _ours()
    box = SandboxProcess(None, load_models=False, for_learner=True).start()
    assert box.pid is not None
    (folder,) = _owned_by(box.pid, _ours() - before)
    yield box, folder
    box.stop()


def test_its_folder_is_its_own_and_goes_with_sigterm(learner: tuple[SandboxProcess, Path]) -> None:
    box, folder = learner
    assert (folder / "sandbox-owner.pid").read_text().strip() == str(box.pid)
    assert folder.is_dir() and PROJECT_ROOT not in folder.parents
    assert box.process is not None
    box.process.send_signal(signal.SIGTERM)
    assert box.process.wait(timeout=20) == 0
    assert not folder.exists()


def test_it_stops_and_cleans_up_when_its_parent_is_killed(tmp_path: Path) -> None:
    """The parent (a kernel, say) dies by SIGKILL: no clean-up runs there, yet the sandbox notices and goes."""
    report = tmp_path / "child.txt"
    parent = textwrap.dedent(
        f"""
        import time, pathlib
        from helpers.sandbox_process import SandboxProcess
        box = SandboxProcess(None, load_models=False, for_learner=True).start()
        pathlib.Path({str(report)!r}).write_text(str(box.pid))
        time.sleep(600)
        """
    )
    before = _ours()
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    process = subprocess.Popen([sys.executable, "-c", parent], cwd=PROJECT_ROOT, env=env)
    try:
        assert _wait_for(report.exists, 60)
        child = int(report.read_text())
        folders = _owned_by(child, _ours() - before)
        assert len(folders) == 1
        process.kill()
        process.wait()
        assert _wait_for(lambda: not _pid_alive(child)), "the sandbox outlived its killed parent"
        assert _wait_for(lambda: not any(f.exists() for f in folders)), "its folder was left behind"
    finally:
        process.kill()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie (exited, not yet reaped by init) counts as gone
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def test_a_folder_left_by_a_killed_sandbox_is_removed_by_the_next_and_nothing_else(tmp_path: Path) -> None:
    parent = Path(tempfile.gettempdir())
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = Path(tempfile.mkdtemp(prefix=PREFIX, dir=parent))
    (stale / "sandbox-owner.pid").write_text(f"{dead.pid}\n")
    unmarked = Path(tempfile.mkdtemp(prefix=PREFIX, dir=parent))  # not provably ours: left alone
    (unmarked / "keep.txt").write_text("mine")
    try:
        with SandboxProcess(None, load_models=False, for_learner=True):
            assert not stale.exists()
            assert (unmarked / "keep.txt").read_text() == "mine"
    finally:
        for folder in (stale, unmarked):
            if folder.exists():
                for item in folder.iterdir():
                    item.unlink()
                folder.rmdir()


def test_an_interrupt_of_the_parents_group_does_not_reach_it(learner: tuple[SandboxProcess, Path]) -> None:
    box, _ = learner
    assert box.pid is not None
    assert os.getpgid(box.pid) != os.getpgid(0)
    assert os.getsid(box.pid) == box.pid


def test_proxy_variables_do_not_affect_its_start(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("ALL_PROXY", "socks5://127.0.0.1:9")  # would need socksio, which is not installed
    started = time.monotonic()
    with SandboxProcess(None, load_models=False, for_learner=True, startup_timeout=60) as box:
        assert box.alive()
    assert time.monotonic() - started < 30


def test_a_failed_start_leaves_no_process(tmp_path: Path) -> None:
    with SandboxProcess(tmp_path, load_models=False) as holder:
        second = SandboxProcess(tmp_path, load_models=False, startup_timeout=60)  # same folder: refused
        with pytest.raises(RuntimeError, match="already in use"):
            second.start()
        assert not second.alive()
        assert holder.alive()


def test_restore_keeps_the_recorded_id_and_time_and_reset_forgets(learner: tuple[SandboxProcess, Path]) -> None:
    box, _ = learner
    root = box.base_url.removesuffix("/v1")
    with httpx2.Client(trust_env=False, timeout=10) as http:
        params = {"filename": "train.csv", "purpose": "user_data", "created_at": 1793491201}
        restored = http.put(f"{root}/sandbox/files/{RECORDED_ID}", params=params, content=b"q,a\n2+2,4\n")
        assert restored.status_code == 200, restored.text
        assert restored.json()["id"] == RECORDED_ID and restored.json()["created_at"] == 1793491201
        assert http.get(f"{box.base_url}/files/{RECORDED_ID}/content").content == b"q,a\n2+2,4\n"
        again = http.put(f"{root}/sandbox/files/{RECORDED_ID}", params=params, content=b"other")
        assert again.status_code == 409 and "already exists" in again.json()["error"]["message"]
        model = "ft:text-embedding-3-small:sandbox-org::demo0001"
        assert http.delete(f"{box.base_url}/models/{model}").status_code == 200
        assert http.post(f"{root}/sandbox/reset").json() == {"reset": True}
        assert http.get(f"{box.base_url}/files").json()["data"] == []
        assert http.get(f"{box.base_url}/models/{model}").status_code == 200


def test_an_ordinary_sandbox_has_no_restore_routes(light_sandbox: SandboxProcess) -> None:
    root = light_sandbox.base_url.removesuffix("/v1")
    answer = httpx2.post(f"{root}/sandbox/reset", timeout=10)
    assert answer.status_code == 404


def test_it_answers_before_the_sentence_model_has_loaded(tmp_path: Path) -> None:
    with SandboxProcess(tmp_path) as box:
        health = httpx2.get(f"{box.base_url.removesuffix('/v1')}/health", timeout=5).json()
        assert health["models"] in ("loading", "ready")
        vector = httpx2.post(
            f"{box.base_url}/embeddings", json={"model": "text-embedding-3-small", "input": "hi"}, timeout=60
        )
        assert vector.status_code == 200  # waits for the model, then answers
        assert httpx2.get(f"{box.base_url.removesuffix('/v1')}/health", timeout=5).json()["models"] == "ready"
