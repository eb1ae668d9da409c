"""A learner tinkers in a real JupyterLab: change a cell, run it, get a labelled live answer; strict mode stays short.

JupyterLab runs as `make lab` runs it (the core install, no OPENAI_NOTEBOOK_MODE), on a free loopback port, over a
copy of the notebooks so nothing committed can be saved over; headless Chromium drives it with the keyboard.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest

from tests.browser import CHROMIUM, CHROMIUM_ARGS, chromium_or_skip

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "screenshots" / "lab"
TOKEN = "tinkering-test-token"
NOTEBOOK = "01_embeddings.ipynb"
CHANGED_CALL = (
    'response = client.embeddings.create(model="text-embedding-3-small", input="오늘 점심은 정말 맛있었어요")\n'
    'print("dimensions:", len(response.data[0].embedding), "tokens:", response.usage.prompt_tokens)'
)

pytestmark = pytest.mark.browser


def _digests(*folders: Path) -> dict[str, str]:
    return {
        str(path.relative_to(ROOT)): hashlib.sha256(path.read_bytes()).hexdigest()
        for folder in folders
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """JupyterLab on a copy of the notebooks, as `make lab` starts it; yields the notebook's URL."""
    chromium_or_skip()
    work = tmp_path_factory.mktemp("lab")
    shutil.copy(ROOT / "notebooks" / NOTEBOOK, work / NOTEBOOK)
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}  # the learner's defaults
    env |= {"JUPYTER_CONFIG_DIR": str(work / ".jupyter"), "JUPYTER_RUNTIME_DIR": str(work / ".runtime")}
    command = [
        str(Path(sys.executable).parent / "jupyter"),
        "lab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        f"--IdentityProvider.token={TOKEN}",
        f"--ServerApp.root_dir={work}",
        "--LabApp.news_url=",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if os.getuid() == 0:
        command.append("--allow-root")  # as the Makefile does for root
    log = (work / "lab.log").open("wb")
    server = subprocess.Popen(command, cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert server.poll() is None, (work / "lab.log").read_text()
            try:
                if httpx2.get(f"http://127.0.0.1:{port}/api/status?token={TOKEN}", timeout=1).status_code == 200:
                    break
            except httpx2.HTTPError:
                pass
            time.sleep(0.3)
        else:
            pytest.fail("JupyterLab did not start in 90 s:\n" + (work / "lab.log").read_text())
        yield f"http://127.0.0.1:{port}/lab/tree/{NOTEBOOK}?token={TOKEN}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def _cell(page: object, first_line: str) -> object:
    """The notebook cell whose source starts with ``first_line``."""
    return page.locator(".jp-CodeCell").filter(has=page.locator(".cm-line", has_text=first_line)).first  # type: ignore[attr-defined]


def _replace_source_and_run(page: object, cell: object, source: str) -> None:
    cell.locator(".cm-content").click()  # type: ignore[attr-defined]
    page.keyboard.press("Control+A")  # type: ignore[attr-defined]
    page.keyboard.insert_text(source)  # inserted as text: no auto-closed brackets  # type: ignore[attr-defined]
    page.keyboard.press("Shift+Enter")  # type: ignore[attr-defined]


def _run(page: object, cell: object) -> None:
    cell.locator(".cm-content").click()  # type: ignore[attr-defined]
    page.keyboard.press("Shift+Enter")  # type: ignore[attr-defined]


def test_a_changed_cell_gets_a_labelled_live_answer_and_strict_mode_a_short_miss(lab: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    committed = _digests(ROOT / "notebooks", ROOT / "cassettes")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(lab)
        page.locator(".jp-Notebook .jp-CodeCell").first.wait_for(timeout=60_000)
        # Run nothing before the kernel is connected and idle: a cell run earlier is silently dropped.
        expect(page.locator(".jp-StatusBar-TextItem", has_text="| Idle").first).to_be_visible(timeout=90_000)

        setup = _cell(page, "import helpers")
        _run(page, setup)
        try:
            expect(setup.locator(".jp-OutputArea")).to_contain_text("Mode explore", timeout=60_000)
        finally:
            page.screenshot(path=str(SCREENSHOTS / "setup.png"), full_page=False)

        call = _cell(page, "response = client.embeddings.create(")
        _replace_source_and_run(page, call, CHANGED_CALL)
        output = call.locator(".jp-OutputArea")
        expect(output).to_contain_text("Sandbox, live: POST /v1/embeddings → 200", timeout=120_000)
        expect(output).to_contain_text("not from the recording")
        expect(output).to_contain_text("dimensions: 1536")
        page.screenshot(path=str(SCREENSHOTS / "live-answer.png"), full_page=False)

        # Strict replay: the same changed call is a short error that says what to do.
        _replace_source_and_run(page, setup, 'import helpers\n\nclient = helpers.start("01_embeddings", mode="replay")')
        expect(setup.locator(".jp-OutputArea")).not_to_contain_text("Mode explore", timeout=30_000)
        _run(page, call)
        error = call.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").last
        expect(error).to_contain_text("CassetteMiss", timeout=60_000)
        text = error.inner_text()
        assert "No recording matches POST /v1/embeddings in notebook 01_embeddings" in text
        assert "try it:" in text and 'mode="explore"' in text
        assert "Traceback" not in text and "site-packages" not in text, text
        assert len([line for line in text.splitlines() if line.strip()]) <= 14, text
        page.screenshot(path=str(SCREENSHOTS / "strict-miss.png"), full_page=False)
        browser.close()

    assert _digests(ROOT / "notebooks", ROOT / "cassettes") == committed
    assert re.search(r"\d", lab)  # the URL had a real port
