"""The learner's sandbox: one local sandbox per kernel, for requests the recording cannot answer.

``begin()`` spawns it when a notebook starts in the learner's mode (it answers about a second later and loads its
sentence model in the background), so the first changed request rarely waits; ``ensure_running()`` waits for it
(starting it again if it died). It runs as a child process on a free loopback port, in a temporary data folder the
sandbox itself creates and removes, in a process group of its own (interrupting a cell does not reach it), and it
stops when this process ends however it ends: it watches a pipe from us (see ``sandbox_process``). Nothing here
imports the sandbox package.
"""

from __future__ import annotations

import atexit
import sys
import threading
from dataclasses import dataclass

from helpers.messages import text
from helpers.recording.errors import SandboxStartError
from helpers.sandbox_process import SandboxProcess

STARTUP_TIMEOUT = 120.0
_lock = threading.Lock()
_sandbox: SandboxProcess | None = None
_generation = 0
_exit_hook = False


@dataclass(frozen=True)
class LocalSandbox:
    base_url: str
    generation: int  # changes whenever a new process had to be started: its state starts empty again


def begin() -> None:
    """Spawn the sandbox now (if it is not running) and return at once."""
    with _lock:
        _spawn_if_needed()


def _spawn_if_needed() -> SandboxProcess:
    global _sandbox, _generation, _exit_hook
    if _sandbox is not None and _sandbox.alive():
        return _sandbox
    if not _exit_hook:
        atexit.register(stop)
        _exit_hook = True
    _sandbox = SandboxProcess(None, for_learner=True, startup_timeout=STARTUP_TIMEOUT)
    _generation += 1
    try:
        return _sandbox.begin()
    except OSError as exc:
        _sandbox = None
        raise _start_error(exc, "") from exc


def ensure_running() -> LocalSandbox:
    """The running sandbox, once it answers; started (again) if needed."""
    with _lock:
        sandbox = _spawn_if_needed()
        try:
            sandbox.wait_until_ready()
        except Exception as exc:  # stopped by wait_until_ready; say why in a few lines
            tail = "\n".join(list(sandbox.stderr_tail)[-8:])
            raise _start_error(exc, tail) from exc
        return LocalSandbox(sandbox.base_url, _generation)


def _start_error(exc: BaseException, tail: str) -> SandboxStartError:
    message = text().sandbox_start.format(error=exc.__class__.__name__, tail=tail, python=sys.executable)
    return SandboxStartError(message)


def running() -> SandboxProcess | None:
    """The kernel's sandbox if it was started and is still alive."""
    return _sandbox if _sandbox is not None and _sandbox.alive() else None


def stop() -> None:
    """Stop the sandbox (it removes its own data folder: what was uploaded there is gone)."""
    global _sandbox
    with _lock:
        if _sandbox is not None:
            _sandbox.stop(timeout=3.0)
            _sandbox = None
