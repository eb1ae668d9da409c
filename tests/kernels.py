"""A Jupyter kernel driven cell by cell from a test (jupyter_client), as JupyterLab drives one."""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

from jupyter_client.manager import KernelManager


class Kernel:
    """So a test can run cells, interrupt, restart, shut down or kill the kernel between them."""

    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self.manager = KernelManager(kernel_name="python3")
        self.manager.start_kernel(env=env, cwd=str(cwd))
        self.client = self.manager.client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=60)

    @property
    def pid(self) -> int:
        return int(self.manager.provisioner.pid)  # type: ignore[union-attr]

    def run(self, code: str, *, ok: bool = True, timeout: float = 120) -> str:
        printed: list[str] = []

        def collect(message: dict[str, Any]) -> None:
            if message["msg_type"] == "stream":
                printed.append(message["content"]["text"])

        reply = self.client.execute_interactive(code, output_hook=collect, timeout=timeout)
        if ok:
            assert reply["content"]["status"] == "ok", reply["content"]
        return "".join(printed)

    def kill(self) -> None:
        os.kill(self.pid, signal.SIGKILL)
        self.manager.provisioner.process.wait(timeout=10)  # type: ignore[union-attr]

    def close(self) -> None:
        self.client.stop_channels()
        if self.manager.is_alive():
            self.manager.shutdown_kernel(now=True)
        self.manager.cleanup_resources()
