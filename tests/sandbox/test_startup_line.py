"""`python -m sandbox` says where it listens: exactly one line on stdout, once it accepts connections."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import httpx2

PROJECT_ROOT = Path(__file__).resolve().parents[2]
LINE = re.compile(
    r"Sandbox listening on (http://127\.0\.0\.1:(\d+)/v1) — "
    r"export OPENAI_BASE_URL=\1 OPENAI_API_KEY=sk-anything"
)


def test_one_line_with_the_url_and_the_variables_once_it_answers(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "sandbox", "--port", "0", "--no-models", "--data-dir", str(tmp_path)]
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    with subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, text=True) as process:
        watchdog = threading.Timer(30, process.kill)  # no line at all: readline() returns "" and the test fails
        watchdog.start()
        try:
            assert process.stdout is not None
            line = process.stdout.readline().rstrip("\n")
            match = LINE.fullmatch(line)
            assert match, line
            # The line comes after the socket is listening (port 0 is resolved to the real one).
            assert httpx2.get(match.group(1).removesuffix("/v1") + "/health", timeout=5).status_code == 200
        finally:
            watchdog.cancel()
            process.terminate()
        rest, _ = process.communicate(timeout=20)
    assert rest == ""  # nothing else on stdout (uvicorn's own logs stay quiet)
