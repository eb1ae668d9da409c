"""Debian's Chromium for the browser tests: where it is, how it is started here, and a skip when it is missing."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# As root in a closed network: no sandbox, no GPU, and none of Chromium's own background traffic.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_or_skip() -> Path:
    """Debian's Chromium, or a skip (a failure when REQUIRE_BROWSER=1, as in CI)."""
    missing = ""
    if not CHROMIUM.is_file():
        missing = f"Chromium is not installed at {CHROMIUM}"
    elif importlib.util.find_spec("playwright") is None:
        missing = "Playwright for Python is not installed in .venv"
    if missing:
        message = f"{missing}: install it with `sudo apt-get install chromium` or `make setup-all`"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"{message} (REQUIRE_BROWSER=1 makes the browser tests mandatory)")
        pytest.skip(message)
    return CHROMIUM
