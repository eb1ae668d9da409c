"""Run the sandbox as a child process on a free loopback port (for `record`, tests and benchmarks).

It starts ``python -m sandbox`` as a separate process; nothing here imports the sandbox package.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import deque
from pathlib import Path
from types import TracebackType

import httpx2

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _die_with_parent() -> None:
    """In the child before exec (Linux): SIGTERM when the parent dies, so a killed kernel leaves no sandbox behind."""
    if sys.platform != "linux":
        return
    import ctypes

    pr_set_pdeathsig = 1
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(pr_set_pdeathsig, signal.SIGTERM, 0, 0, 0)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class SandboxProcess:
    """A started sandbox; ``base_url`` is what ``OPENAI_BASE_URL`` should be set to."""

    def __init__(
        self,
        data_dir: Path,
        *,
        port: int | None = None,
        api_key: str | None = None,
        load_models: bool = True,
        reproducible: bool = False,
        startup_timeout: float = 180.0,
        stop_with_parent: bool = False,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.port = port or free_port()
        self.api_key = api_key
        self.load_models = load_models
        self.reproducible = reproducible
        self.startup_timeout = startup_timeout
        self.stop_with_parent = stop_with_parent
        self.process: subprocess.Popen[bytes] | None = None
        self.startup_seconds: float | None = None
        # The child's last stderr lines (this start only), for error messages and tests.
        self.stderr_tail: deque[str] = deque(maxlen=1000)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def command(self) -> list[str]:
        cmd = [sys.executable, "-m", "sandbox", "--port", str(self.port), "--data-dir", str(self.data_dir)]
        if self.api_key:
            cmd += ["--api-key", self.api_key]
        if not self.load_models:
            cmd.append("--no-models")
        if self.reproducible:
            cmd.append("--reproducible")
        return cmd

    def start(self) -> SandboxProcess:
        started = time.perf_counter()
        env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
        self.process = subprocess.Popen(
            self.command(),
            cwd=PROJECT_ROOT,
            env=env,
            stdout=subprocess.DEVNULL if self.stop_with_parent else None,
            stderr=subprocess.PIPE,
            preexec_fn=_die_with_parent if self.stop_with_parent else None,
        )
        drainer = self._drain_stderr(self.process)
        deadline = started + self.startup_timeout
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                drainer.join(timeout=5)
                err = "\n".join(self.stderr_tail)
                raise RuntimeError(f"the sandbox exited during start-up (code {self.process.returncode}):\n{err}")
            if self._healthy():
                self.startup_seconds = time.perf_counter() - started
                return self
            time.sleep(0.1)
        self.stop()
        raise TimeoutError(f"the sandbox did not answer /health within {self.startup_timeout:.0f}s")

    def _drain_stderr(self, process: subprocess.Popen[bytes]) -> threading.Thread:
        """Read the child's stderr as it comes: left unread, the pipe fills (~64 KB, some 1,600 warning lines
        such as uvicorn's "Invalid HTTP request received.") and the server then blocks on its next log line."""
        tail: deque[str] = deque(maxlen=1000)
        self.stderr_tail = tail

        def drain() -> None:
            if process.stderr is not None:
                for line in process.stderr:
                    tail.append(line.decode(errors="replace").rstrip("\n"))

        thread = threading.Thread(target=drain, name=f"sandbox-{self.port}-stderr", daemon=True)
        thread.start()
        return thread

    def _healthy(self) -> bool:
        try:
            return httpx2.get(f"http://127.0.0.1:{self.port}/health", timeout=1.0).status_code == 200
        except httpx2.HTTPError:
            return False

    def stop(self) -> None:
        """Stop gracefully (SIGTERM), then force it."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def kill(self) -> None:
        """SIGKILL: for durability tests, no chance to clean up."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def restart(self) -> SandboxProcess:
        self.stop()
        return self.start()

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def __enter__(self) -> SandboxProcess:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
