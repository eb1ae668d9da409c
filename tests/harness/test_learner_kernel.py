"""The learner's sandbox in a real kernel: it starts with the notebook, survives a cell interrupt, and nothing of it
— process, temporary folder, port — is left after the kernel is shut down, restarted or killed with SIGKILL."""

from __future__ import annotations

import os
import socket
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers.config import PROJECT_ROOT
from tests.kernels import Kernel

START = 'import helpers\nclient = helpers.start("04_models", banner=False)'
WHICH = (
    "from helpers import local_sandbox\n"
    "box = local_sandbox.ensure_running() and local_sandbox.running()\n"
    "print(box.pid, box.port)"
)
LIVE_CALL = 'print(client.models.retrieve("text-embedding-3-large").id)'  # not in 04's recording: live


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    try:  # exited but not yet reaped: gone too
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] == "Z"
    except OSError:
        return True


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def _folder_of(pid: int) -> Path:
    for marker in Path(tempfile.gettempdir()).glob("openai-notebooks-sandbox-*/sandbox-owner.pid"):
        if marker.read_text().strip() == str(pid):
            return marker.parent
    raise AssertionError(f"no temporary folder for sandbox {pid}")


def _nothing_left(pid: int, port: int, folder: Path, within: float = 20.0) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline and not (_gone(pid) and not folder.exists() and _port_free(port)):
        time.sleep(0.1)
    assert _gone(pid), "the sandbox process is still running"
    assert not folder.exists(), f"{folder} was left behind"
    assert _port_free(port), f"port {port} still answers"


@pytest.fixture()
def kernel(tmp_path: Path) -> Iterator[Kernel]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")} | {"PYTHONPATH": str(PROJECT_ROOT)}
    kernel = Kernel(env, tmp_path)  # the learner's defaults: explore mode
    try:
        yield kernel
    finally:
        kernel.close()


def _started(kernel: Kernel) -> tuple[int, int, Path]:
    kernel.run(START)
    pid, port = (int(x) for x in kernel.run(WHICH).split())
    return pid, port, _folder_of(pid)


def test_shutdown_leaves_nothing(kernel: Kernel) -> None:
    pid, port, folder = _started(kernel)
    kernel.manager.shutdown_kernel(now=False)  # as JupyterLab's "Shut Down Kernel"
    _nothing_left(pid, port, folder)


def test_restart_leaves_nothing_of_the_old_sandbox(kernel: Kernel) -> None:
    pid, port, folder = _started(kernel)
    kernel.manager.restart_kernel(now=False)  # as JupyterLab's "Restart Kernel"
    _nothing_left(pid, port, folder)


def test_kill_9_leaves_nothing(kernel: Kernel) -> None:
    pid, port, folder = _started(kernel)
    kernel.kill()
    _nothing_left(pid, port, folder)


def test_an_interrupted_cell_leaves_the_sandbox_running_and_answering(kernel: Kernel) -> None:
    pid, _, _ = _started(kernel)
    kernel.client.execute("import time; time.sleep(60)")
    time.sleep(1.0)
    kernel.manager.interrupt_kernel()  # as JupyterLab's "Interrupt Kernel" (SIGINT to the kernel's process group)
    time.sleep(1.0)
    assert not _gone(pid)
    assert kernel.run(LIVE_CALL).strip() == "text-embedding-3-large"
