"""How long a sandbox process lives and what it leaves behind: for the sandbox a notebook starts for itself.

- ``TemporaryDataFolder``: a data folder the process creates and removes when it ends, however it is asked to end
  (Ctrl-C, SIGTERM, its parent gone). A folder left by a process that was killed outright (SIGKILL) is removed by
  the next one: each holds a marker with its owner's pid, and only folders with a marker of a dead owner go.
- ``exit_when_stdin_closes``: the parent keeps a pipe to our stdin open for as long as it lives; when it ends, in
  whatever way, the pipe closes and we stop. Unlike ``PR_SET_PDEATHSIG`` this does not depend on which of the
  parent's threads started us, and it works on every POSIX system.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

PREFIX = "openai-notebooks-sandbox-"
MARKER = "sandbox-owner.pid"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


class TemporaryDataFolder:
    def __init__(self, parent: Path | None = None) -> None:
        self.parent = Path(parent or tempfile.gettempdir())
        self.removed_stale = self._remove_stale()
        self.path = Path(tempfile.mkdtemp(prefix=PREFIX, dir=self.parent))
        (self.path / MARKER).write_text(f"{os.getpid()}\n")

    def _remove_stale(self) -> int:
        """Folders of ours (marker inside) whose owner process is gone; nothing else is touched."""
        removed = 0
        for folder in self.parent.glob(f"{PREFIX}*"):
            try:
                owner = int((folder / MARKER).read_text().strip())
            except (OSError, ValueError):
                continue  # no marker: not one of ours, or still being created
            if not _alive(owner):
                shutil.rmtree(folder, ignore_errors=True)
                removed += 1
        return removed

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def exit_when_stdin_closes(stop: Callable[[], None]) -> threading.Thread:
    """Call ``stop`` once stdin reaches end of file (the parent closed its end of the pipe, or died)."""

    def watch() -> None:
        try:  # the raw descriptor: a thread blocked in sys.stdin's buffered reader would abort the interpreter's exit
            while os.read(0, 4096):
                pass
        except OSError:
            pass
        stop()

    thread = threading.Thread(target=watch, name="sandbox-parent-watch", daemon=True)
    thread.start()
    return thread
