"""Stopping a server a test started: SIGTERM, a grace period, then SIGKILL (what subprocess leaves to its caller)."""

from __future__ import annotations

import subprocess


def stop(process: subprocess.Popen[bytes] | subprocess.Popen[str], grace: float) -> None:
    """Ask the process to end; kill it if it has not within ``grace`` seconds."""
    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
