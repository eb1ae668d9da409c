"""Run the sandbox as a child process on a free loopback port (for the learner's mode, `record`, tests, benchmarks).

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


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class SandboxProcess:
    """A started sandbox; ``base_url`` is what ``OPENAI_BASE_URL`` should be set to.

    ``data_dir=None`` gives the sandbox a temporary folder of its own, which it removes when it stops. ``for_learner``
    is the sandbox a notebook starts for itself: it stops when this process ends (however it ends: the sandbox
    watches a pipe on its stdin), is not in this process's group (an interrupt of the kernel is not sent to it),
    and serves ``/sandbox/*`` (restore a recording's files, reset).
    """

    def __init__(
        self,
        data_dir: Path | None,
        *,
        port: int | None = None,
        api_key: str | None = None,
        load_models: bool = True,
        reproducible: bool = False,
        startup_timeout: float = 180.0,
        for_learner: bool = False,
    ) -> None:
        self.data_dir = None if data_dir is None else Path(data_dir)
        self.port = port or free_port()
        self.api_key = api_key
        self.load_models = load_models
        self.reproducible = reproducible
        self.startup_timeout = startup_timeout
        self.for_learner = for_learner
        self.process: subprocess.Popen[bytes] | None = None
        self.startup_seconds: float | None = None
        # The child's last stderr lines (this start only), for error messages and tests.
        self.stderr_tail: deque[str] = deque(maxlen=1000)
        self._began = 0.0
        # The sandbox is on loopback: proxy variables (HTTP_PROXY, ALL_PROXY=socks5://...) must never apply.
        self._health = httpx2.Client(trust_env=False, timeout=1.0)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def command(self) -> list[str]:
        cmd = [sys.executable, "-m", "sandbox", "--port", str(self.port)]
        cmd += ["--temporary-data"] if self.data_dir is None else ["--data-dir", str(self.data_dir)]
        # Said either way, so a SANDBOX_API_KEY or SANDBOX_REPRODUCIBLE in the environment never changes our sandbox.
        cmd += ["--api-key", self.api_key] if self.api_key else ["--no-api-key"]
        if not self.load_models:
            cmd.append("--no-models")
        cmd.append("--reproducible" if self.reproducible else "--no-reproducible")
        if self.for_learner:
            cmd += ["--exit-with-parent", "--restorable"]
        return cmd

    def begin(self) -> SandboxProcess:
        """Spawn the process and return at once (``wait_until_ready`` waits for it to answer)."""
        self._began = time.perf_counter()
        env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
        self.process = subprocess.Popen(
            self.command(),
            cwd=PROJECT_ROOT,
            env=env,
            # The learner's sandbox: this end of its stdin pipe stays open for as long as we live.
            stdin=subprocess.PIPE if self.for_learner else subprocess.DEVNULL,
            stdout=subprocess.DEVNULL if self.for_learner else None,
            stderr=subprocess.PIPE,
            start_new_session=self.for_learner,
        )
        self._drain_stderr(self.process)
        return self

    def wait_until_ready(self, timeout: float | None = None) -> SandboxProcess:
        """Until ``/health`` answers; a sandbox that exits or never answers is stopped, and the error says why."""
        assert self.process is not None, "begin() first"
        deadline = time.perf_counter() + (self.startup_timeout if timeout is None else timeout)
        try:
            while time.perf_counter() < deadline:
                if self.process.poll() is not None:
                    time.sleep(0.1)  # the drainer's last lines
                    err = "\n".join(self.stderr_tail)
                    raise RuntimeError(f"the sandbox exited during start-up (code {self.process.returncode}):\n{err}")
                if self._healthy():
                    self.startup_seconds = time.perf_counter() - self._began
                    return self
                time.sleep(0.05)
            raise TimeoutError(f"the sandbox did not answer /health within {self.startup_timeout:.0f}s")
        except BaseException:  # a failed (or interrupted) start leaves no process behind
            self.stop()
            raise

    def start(self) -> SandboxProcess:
        return self.begin().wait_until_ready()

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
            return self._health.get(f"http://127.0.0.1:{self.port}/health").status_code == 200
        except httpx2.HTTPError:
            return False

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float = 15.0) -> None:
        """Stop gracefully (stdin closed, SIGTERM), then force it."""
        if self.process is None or self.process.poll() is not None:
            return
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
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
