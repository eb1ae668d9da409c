"""The learner's sandbox: one local sandbox per kernel, started on the first request that has no recording.

It runs as a child process (``python -m sandbox``) on a free loopback port with a private, temporary data folder,
and stops with the kernel: at interpreter exit, and on Linux also when the kernel dies without cleaning up
(``PR_SET_PDEATHSIG``). Nothing here imports the sandbox package.
"""

from __future__ import annotations

import atexit
import shutil
import sys
import tempfile
import threading
from pathlib import Path

from helpers.messages import text
from helpers.recording.errors import SandboxStartError
from helpers.sandbox_process import SandboxProcess

_lock = threading.Lock()
_running: SandboxProcess | None = None
_folder: Path | None = None


def running() -> SandboxProcess | None:
    """The kernel's sandbox if it was started and is still alive."""
    if _running is not None and _running.process is not None and _running.process.poll() is None:
        return _running
    return None


def ensure_running() -> SandboxProcess:
    """Start the sandbox once (a second or two) and return it; later calls return the same process."""
    global _running, _folder
    with _lock:
        alive = running()
        if alive is not None:
            return alive
        if _folder is None:
            _folder = Path(tempfile.mkdtemp(prefix="openai-notebooks-sandbox-"))
            atexit.register(stop)
        sandbox = SandboxProcess(_folder / "data", stop_with_parent=True, startup_timeout=120.0)
        try:
            sandbox.start()
        except (RuntimeError, TimeoutError, OSError) as exc:
            tail = "\n".join(list(sandbox.stderr_tail)[-8:])
            message = text().sandbox_start.format(error=exc.__class__.__name__, tail=tail, python=sys.executable)
            raise SandboxStartError(message) from exc
        _running = sandbox
        return sandbox


def stop() -> None:
    """Stop the sandbox and remove its data folder (what the learner uploaded there is gone)."""
    global _running, _folder
    with _lock:
        if _running is not None:
            _running.stop()
            _running = None
        if _folder is not None:
            shutil.rmtree(_folder, ignore_errors=True)
            _folder = None
