"""The two servers of the conformance proof: a fresh reproducible sandbox, and Stoplight Prism (the negative
control) installed from the committed lockfile in tests/conformance/prism_cli and serving the trimmed spec."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from helpers.sandbox_process import SandboxProcess, free_port
from tests.processes import stop

HERE = Path(__file__).resolve().parent
PRISM_DIR = HERE / "prism_cli"
SPEC = HERE.parent / "robustness" / "openapi-subset.json"


def prism_binary() -> Path:
    binary = PRISM_DIR / "node_modules" / ".bin" / "prism"
    if not binary.exists():
        npm = shutil.which("npm")
        if npm is None or shutil.which("node") is None:
            pytest.skip("node and npm are needed for the Prism negative control (scripts/setup.sh --all installs it)")
        subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--prefix", str(PRISM_DIR)], check=True, timeout=300)
    return binary


@pytest.fixture(scope="module")
def prism_url() -> Iterator[str]:
    """Prism on a free loopback port; it ignores the spec's /v1, so the SDK's base URL has none."""
    port = free_port()
    process = subprocess.Popen(
        [str(prism_binary()), "mock", str(SPEC), "--port", str(port), "-h", "127.0.0.1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{url}/models", timeout=1.0)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"Prism did not start (exit {process.poll()})") from None
                time.sleep(0.2)
        yield url
    finally:
        stop(process, grace=10)


@pytest.fixture(scope="module")
def fresh_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    """Reproducible and empty, as the committed recordings were made."""
    with SandboxProcess(tmp_path_factory.mktemp("conformance-sandbox"), reproducible=True) as box:
        yield box
