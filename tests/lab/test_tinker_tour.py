"""A learner's tinker tour in a real JupyterLab (headless Chromium, the network cut), as `make lab` runs it.

JupyterLab opens the learner's own copies (``helpers.workspace``, here in a temporary folder) with the learner's
defaults (no OPENAI_* variables: the learner's mode). The tour:

1. 02_files with an own upload: every answer after it is live and agrees with the others (list, paging, retrieve of
   both files, content, both deletes, an empty list afterwards).
2. An unchanged 02_files after a restart: an edited retrieve cell and a new cell repeating it before the delete get
   the recorded answer, never the 404 recorded after the delete; nothing is live.
3. The Korean twin, run as it is: no live answer at all.
4. Strict mode from ``.env``: the banner says so; a changed call is a short miss saying to delete that line and
   re-run the setup cell; doing exactly that brings the learner's mode back.
5. 01_embeddings: a changed call gets a labelled live answer; interrupting a cell leaves the sandbox answering;
   restarting and shutting down the kernel leave no process, folder or port.
Throughout, the committed notebooks and recordings stay byte for byte as they were (``git status`` clean), though
JupyterLab saved the copies.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2
import pytest

from helpers.sandbox_process import free_port
from helpers.workspace import Workspace
from tests.browser import CHROMIUM, CHROMIUM_ARGS, chromium_or_skip
from tests.processes import stop

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "screenshots" / "lab"
TOKEN = "tinker-tour-token"
LIVE = "Sandbox, live:"

pytestmark = pytest.mark.browser


def _digests(*folders: Path) -> dict[str, str]:
    return {
        str(path.relative_to(ROOT)): hashlib.sha256(path.read_bytes()).hexdigest()
        for folder in folders
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "_work" not in path.parts and ".ipynb_checkpoints" not in path.parts
    }


@dataclass
class Lab:
    url: str
    server: subprocess.Popen[bytes]
    copies: Path

    def notebook(self, name: str) -> str:
        return f"{self.url}/lab/tree/{name}?reset&token={TOKEN}"  # reset: only this notebook open

    def sandboxes(self) -> dict[int, Path]:
        """The learner's sandboxes under this JupyterLab's kernels: pid -> its temporary folder."""
        import psutil

        found = {}
        for process in psutil.Process(self.server.pid).children(recursive=True):
            try:
                command = process.cmdline()
            except psutil.Error:
                continue
            if "sandbox" in command and "--restorable" in command:
                found[process.pid] = _folder_of(process.pid)
        return found


def _folder_of(pid: int) -> Path:
    for _ in range(50):
        for marker in Path(tempfile.gettempdir()).glob("openai-notebooks-sandbox-*/sandbox-owner.pid"):
            if marker.read_text().strip() == str(pid):
                return marker.parent
        time.sleep(0.1)
    raise AssertionError(f"no temporary folder for sandbox {pid}")


def _gone(pid: int, folder: Path, within: float = 20.0) -> bool:
    import psutil

    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        alive = psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
        if not alive and not folder.exists():
            return True
        time.sleep(0.2)
    return False


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    chromium_or_skip()
    home = tmp_path_factory.mktemp("tour")
    copies = home / "my-notebooks"
    Workspace(copies, ROOT / "notebooks").sync()  # what `make lab` does first
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}  # the learner's defaults
    env |= {"JUPYTER_CONFIG_DIR": str(home / ".jupyter"), "JUPYTER_RUNTIME_DIR": str(home / ".runtime")}
    command = [
        str(Path(sys.executable).parent / "jupyter"),
        "lab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        f"--IdentityProvider.token={TOKEN}",
        f"--ServerApp.root_dir={copies}",
        "--LabApp.news_url=",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if os.getuid() == 0:
        command.append("--allow-root")  # as the Makefile does for root
    log = (home / "lab.log").open("wb")
    server = subprocess.Popen(command, cwd=copies, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert server.poll() is None, (home / "lab.log").read_text()
            try:
                if httpx2.get(f"http://127.0.0.1:{port}/api/status?token={TOKEN}", timeout=1).status_code == 200:
                    break
            except httpx2.HTTPError:
                pass
            time.sleep(0.3)
        else:
            pytest.fail("JupyterLab did not start in 90 s:\n" + (home / "lab.log").read_text())
        yield Lab(f"http://127.0.0.1:{port}", server, copies)
    finally:
        stop(server, grace=20)
        log.close()


@pytest.fixture(scope="module")
def browser(lab: Lab) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _git_status() -> str:
    command = ["git", "status", "--porcelain", "--", "notebooks", "cassettes"]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module", autouse=True)
def committed_files_stay_as_they_were() -> Iterator[None]:
    before, status = _digests(ROOT / "notebooks", ROOT / "cassettes"), _git_status()  # clean in CI's fresh clone
    yield
    assert _digests(ROOT / "notebooks", ROOT / "cassettes") == before
    assert _git_status() == status


# --- driving JupyterLab ----------------------------------------------------------------------------------------


class Notebook:
    def __init__(self, browser: Any, url: str, shots: str) -> None:
        from playwright.sync_api import expect

        self.expect = expect
        self.page = browser.new_page(viewport={"width": 1280, "height": 1000})
        self.shots = shots
        self.page.goto(url)
        self.page.locator(".jp-Notebook .jp-CodeCell").first.wait_for(timeout=60_000)
        self.idle()
        news = self.page.locator(".jp-toast-button", has_text="No")  # "notified about Jupyter news?": no
        if news.count():
            news.first.click()

    def idle(self, timeout: float = 120_000) -> None:
        # Run nothing before the kernel is connected and idle: a cell run earlier is silently dropped.
        self.expect(self.page.locator(".jp-StatusBar-TextItem", has_text="| Idle").first).to_be_visible(timeout=timeout)

    def cell(self, line_start: str) -> Any:
        """The first code cell with a line that starts with ``line_start`` (indentation included)."""
        line = self.page.locator(".cm-line", has_text=re.compile("^" + re.escape(line_start)))
        return self.page.locator(".jp-CodeCell").filter(has=line).first

    def output(self, cell: Any) -> Any:
        return cell.locator(".jp-OutputArea")

    def run(self, cell: Any) -> Any:
        cell.locator(".cm-content").click()
        self.page.keyboard.press("Shift+Enter")
        return self.output(cell)

    def replace(self, cell: Any, source: str) -> Any:
        cell.locator(".cm-content").click()
        self.page.keyboard.press("Control+A")
        self.page.keyboard.insert_text(source)  # as text: no auto-closed brackets
        self.page.keyboard.press("Shift+Enter")
        return self.output(cell)

    def add_below(self, cell: Any, source: str) -> Any:
        """A new cell (a new cell id) under ``cell``, run; returns its output area."""
        cell.locator(".cm-content").click()
        self.page.keyboard.press("Escape")
        self.page.keyboard.press("b")
        cells = self.page.locator(".jp-Notebook .jp-Cell")
        index = cells.evaluate_all("all => all.findIndex(c => c.classList.contains('jp-mod-selected'))")
        new = cells.nth(int(index))  # by position: after running it, another cell is the selected one
        new.locator(".cm-content").click()
        self.page.keyboard.insert_text(source)
        self.page.keyboard.press("Shift+Enter")
        return self.output(new)

    def run_all(self) -> None:
        """Clear every output first, so that finished means run now (the committed outputs have counts too)."""
        self.menu("Edit", "Clear Outputs of All Cells")
        self.menu("Run", "Run All Cells")
        self.wait_done()

    def wait_done(self, timeout: float = 240.0) -> None:
        """Until no cell is queued or running ("[*]") and the last code cell has run."""
        prompts = self.page.locator(".jp-CodeCell .jp-InputPrompt")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            texts = [str(t) for t in prompts.all_inner_texts()]
            if texts and not any("*" in t for t in texts) and re.search(r"\d", texts[-1]):
                return
            time.sleep(0.5)
        raise AssertionError(f"cells still running after {timeout:.0f} s")

    def menu(self, top: str, item: str) -> None:
        self.page.locator(".lm-MenuBar-itemLabel", has_text=top).first.click()
        self.page.locator(".lm-Menu-itemLabel", has_text=item).first.click()

    def confirm(self, button: str) -> None:
        self.page.locator(".jp-Dialog-button", has_text=button).first.click(timeout=10_000)

    def restart(self, item: str = "Restart Kernel and Clear") -> None:
        """Restart the kernel and wait until the new one is idle (a cell run before that is dropped)."""
        self.menu("Kernel", item)
        self.confirm("Restart")
        time.sleep(3.0)
        self.idle()

    def start(self) -> None:
        """Run the setup cell and wait for its banner."""
        self.expect(self.run(self.cell("import helpers"))).to_contain_text("Mode:", timeout=60_000)

    def save(self) -> None:
        self.page.keyboard.press("Control+s")
        time.sleep(1.0)

    def shot(self, name: str) -> None:
        self.page.screenshot(path=str(SCREENSHOTS / f"{self.shots}-{name}.png"), full_page=False)

    def close(self) -> None:
        self.page.close()

    def text(self, first_line: str) -> str:
        # textContent: cells out of view are not rendered (content-visibility), and innerText skips them.
        return str(self.output(self.cell(first_line)).text_content())


# --- the tour --------------------------------------------------------------------------------------------------

OWN_FILE = 'train_csv = work / "my_cities.csv"\ntrain_csv.write_text("city,country\\nSeoul,Korea\\nParis,France\\n")'


def test_1_an_own_upload_and_everything_after_it_agrees(browser: Any, lab: Lab) -> None:
    book = Notebook(browser, lab.notebook("02_files.ipynb"), "02-own-upload")
    try:
        make = book.cell("import json")
        source = str(make.locator(".cm-content").inner_text())
        assert 'train_csv = work / "train.csv"' in source
        lines = source.splitlines()
        start = next(i for i, line in enumerate(lines) if line.startswith("train_csv = work"))
        edited = "\n".join([*lines[:start], *OWN_FILE.splitlines(), *lines[start + 2 :]])
        book.replace(make, edited)
        book.run_all()
        book.expect(book.output(book.cell("my_file = client.files.create("))).to_contain_text(LIVE)
        book.shot("after-run-all")
        table = book.text("files = client.files.list()")
        assert "my_cities.csv" in table and "chat.jsonl" in table and "train.csv" not in table
        paging = book.text("page = client.files.list(limit=1")
        assert "['chat.jsonl', 'my_cities.csv']" in paging or "['my_cities.csv', 'chat.jsonl']" in paging
        assert "'filename': 'my_cities.csv'" in book.text("file = client.files.retrieve(my_file.id)")
        assert "same bytes as uploaded: True" in book.text("content = client.files.content(my_file.id)")
        deleted = book.text("deleted = client.files.delete(my_file.id)")
        assert "'deleted': True" in deleted, deleted
        gone = "    client.files.retrieve(my_file.id)"
        assert "NotFoundError 404" in book.text(gone)
        both = book.add_below(book.cell(gone), "print([f.filename for f in client.files.list().data])")
        book.expect(both).to_contain_text("[]", timeout=60_000)
        book.shot("done")
        for line in ("files = client.files.list()", "deleted = client.files.delete(my_file.id)"):
            assert LIVE in book.text(line), line  # live, and labelled so
        book.save()
    finally:
        book.close()


def test_2_an_edited_and_a_new_retrieve_before_the_delete_get_the_recorded_answer(browser: Any, lab: Lab) -> None:
    Workspace(lab.copies, ROOT / "notebooks").reset(["02_files"])  # the committed version again
    book = Notebook(browser, lab.notebook("02_files.ipynb"), "02-edited")
    try:
        book.restart()
        book.start()
        for line in ("import json", "my_file = client.files.create(", "chat_file = client"):
            book.run(book.cell(line))
            book.idle()
        retrieve = book.cell("file = client.files.retrieve(my_file.id)")
        out = book.replace(retrieve, 'file = client.files.retrieve(my_file.id)\nprint("edited:", file.filename)')
        book.expect(out).to_contain_text("edited: train.csv", timeout=60_000)
        again = book.add_below(retrieve, "print(client.files.retrieve(my_file.id).filename)")
        book.expect(again).to_contain_text("train.csv", timeout=60_000)
        book.shot("before-delete")
        assert "404" not in str(again.text_content()) and LIVE not in str(again.text_content())
        assert LIVE not in book.text("file = client.files.retrieve(my_file.id)")
    finally:
        book.close()


def test_3_the_korean_twin_gets_no_live_answer(browser: Any, lab: Lab) -> None:
    book = Notebook(browser, lab.notebook("ko/02_files.ipynb"), "ko-02")
    try:
        book.run_all()
        book.shot("done")
        everything = str(book.page.locator(".jp-Notebook").text_content())
        assert "샌드박스 실시간 응답" not in everything and LIVE not in everything
        assert "NotFoundError 404" in everything  # the last cell ran, with the recorded answer
    finally:
        book.close()


def test_4_strict_mode_from_dotenv_is_visible_and_left_as_the_message_says(browser: Any, lab: Lab) -> None:
    dotenv = lab.copies / ".env"
    dotenv.write_text("# my settings\nOPENAI_NOTEBOOK_MODE=replay\n")
    book = Notebook(browser, lab.notebook("01_embeddings.ipynb"), "01-strict")
    try:
        setup = book.cell("import helpers")
        banner = book.run(setup)
        book.expect(banner).to_contain_text("Mode: strict replay (replay)", timeout=60_000)
        book.expect(banner).to_contain_text("set by OPENAI_NOTEBOOK_MODE=replay on line 2 of")
        call = book.cell("sentence = ")
        book.replace(
            call,
            'sentence = "오늘 점심은 정말 맛있었어요"\nresponse = client.embeddings.create(\n'
            '    model="text-embedding-3-small", input=sentence\n)\nprint(len(response.data[0].embedding))',
        )
        error = call.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").last
        book.expect(error).to_contain_text("CassetteMiss", timeout=60_000)
        message = str(error.inner_text())
        assert "delete line 2 of" in message and "run the setup cell again" in message, message
        assert "Traceback" not in message and "site-packages" not in message
        assert len([line for line in message.splitlines() if line.strip()]) <= 14, message
        book.shot("miss")
        dotenv.write_text("# my settings\n")  # what the message said: delete that line ...
        book.expect(book.run(setup)).to_contain_text("Mode: the learner's mode (explore)", timeout=60_000)
        answer = book.run(call)  # ... and run the setup cell again: no restart
        book.expect(answer).to_contain_text(LIVE, timeout=120_000)
        book.expect(answer).to_contain_text("1536")
        book.shot("live")
    finally:
        dotenv.unlink(missing_ok=True)
        book.close()


def test_5_interrupt_restart_and_shutdown_leave_nothing_behind(browser: Any, lab: Lab) -> None:
    book = Notebook(browser, lab.notebook("01_embeddings.ipynb"), "01-kernel")
    try:
        book.restart()
        others = lab.sandboxes()  # of the other notebooks' kernels, still running
        book.start()
        ((pid, folder),) = (item for item in lab.sandboxes().items() if item[0] not in others)  # just started
        slow = book.add_below(book.cell("import helpers"), "import time\ntime.sleep(60)")
        time.sleep(2)
        book.menu("Kernel", "Interrupt Kernel")
        book.expect(slow).to_contain_text("KeyboardInterrupt", timeout=30_000)
        assert lab.sandboxes().get(pid) == folder, "the interrupt reached the sandbox"
        call = book.cell("sentence = ")
        book.replace(  # the first line stays "sentence = ...": the cell is found by it
            call,
            'sentence = "고양이"\nresponse = client.embeddings.create(model="text-embedding-3-small", input=sentence)\n'
            "print(len(response.data[0].embedding))",
        )
        book.expect(book.output(call)).to_contain_text(LIVE, timeout=120_000)

        book.restart("Restart Kernel…")
        assert _gone(pid, folder), "a restart left the old sandbox or its folder"
        others = lab.sandboxes()
        book.start()
        ((pid, folder),) = (item for item in lab.sandboxes().items() if item[0] not in others)
        book.menu("Kernel", "Shut Down Kernel")  # JupyterLab 4 asks nothing here
        assert _gone(pid, folder), "a shutdown left the sandbox or its folder"
        book.shot("after-shutdown")
        book.save()
    finally:
        book.close()
    assert (lab.copies / "01_embeddings.ipynb").read_bytes() != (
        ROOT / "notebooks" / "01_embeddings.ipynb"
    ).read_bytes()
