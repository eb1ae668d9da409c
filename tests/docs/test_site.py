"""The documentation site: it builds with no warning, and every page works offline in a real browser.

The site is built from notebooks/*.ipynb (reusing docs/_build when nothing changed since the last build); while no
notebook exists yet (or with DOCS_TEST_SAMPLE=1), from the sample under tests/docs/fixtures/ into a temporary
folder. Each page is opened in
headless Chromium (Debian's package, driven by Playwright) served from a loopback port; any request to another
host is blocked and counted as a failure. Full-page screenshots of the notebook pages go to screenshots/ for a
person to look at; they are not compared.
"""

from __future__ import annotations

import fcntl
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SCREENSHOTS = ROOT / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
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
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
BANNER_CLASS = "provenance-banner"
SITE_NOTE_WORDS = "sandbox's stand-ins"

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class BuiltSite:
    html: Path
    notebooks: list[Path]


def _load_script(name: str) -> ModuleType:
    """Import scripts/<name>.py (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The built site, and the notebooks it was built from."""
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    if notebooks and os.environ.get("DOCS_TEST_SAMPLE") != "1":
        build_dir, args = ROOT / "docs" / "_build", ["--if-stale"]
    else:
        notebooks = sorted(FIXTURES.glob("*.ipynb"))
        build_dir, args = tmp_path_factory.mktemp("docs-site"), ["--notebooks", *map(str, notebooks)]
    build_dir.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, str(ROOT / "scripts" / "build_docs.py"), "--build-dir", str(build_dir), *args]
    # Parallel test workers share docs/_build: one builds while the others wait, then reuse it.
    with open(build_dir / ".build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"docs build failed:\n{result.stdout}\n{result.stderr}"
    return BuiltSite(build_dir / "html", notebooks)


def test_site_builds_with_every_notebook(site: BuiltSite) -> None:
    pages = {path.stem for path in (site.html / "notebooks").glob("*.html")}
    assert pages == {notebook.stem for notebook in site.notebooks}
    assert (site.html / "index.html").is_file()


def _chromium_or_skip() -> Path:
    """Debian's Chromium, or a skip (a failure when REQUIRE_BROWSER=1, as in CI)."""
    missing = ""
    if not CHROMIUM.is_file():
        missing = f"Chromium is not installed at {CHROMIUM}"
    elif importlib.util.find_spec("playwright") is None:
        missing = "Playwright for Python is not installed in .venv"
    if missing:
        message = f"{missing}: install it with `sudo apt-get install chromium` or `make setup-all`"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"{message} (REQUIRE_BROWSER=1 makes the browser test mandatory)")
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture(scope="module")
def served(site: BuiltSite) -> Iterator[str]:
    """The site on a free loopback port, served from a thread; yields its base URL."""
    server = _load_script("serve_docs").make_server(site.html, 0)
    thread = threading.Thread(target=server.serve_forever, name="docs-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


class _TextOf(HTMLParser):
    """The text of the first element carrying a class, as a browser's textContent would give it."""

    def __init__(self, wanted_class: str) -> None:
        super().__init__()
        self.wanted_class = wanted_class
        self.depth = 0  # > 0 while inside the wanted element
        self.parts: list[str] = []
        self.done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth:
            self.depth += 1
        elif not self.done and self.wanted_class in (dict(attrs).get("class") or "").split():
            self.depth = 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1
            self.done = self.depth == 0

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.parts.append(data)


def _normalized(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def has_outputs(notebook: Path) -> bool:
    return any(cell.get("outputs") for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"])


def banner_text(notebook: Path) -> str | None:
    """The provenance banner's text in the notebook's committed outputs (helpers.start's HTML output)."""
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        for output in cell.get("outputs", []):
            html = output.get("data", {}).get("text/html")
            html = "".join(html) if isinstance(html, list) else html
            if html and BANNER_CLASS in html:
                parser = _TextOf(BANNER_CLASS)
                parser.feed(html)
                return _normalized("".join(parser.parts))
    return None


IMAGES_JS = "() => Array.from(document.images).map(i => ({src: i.currentSrc || i.src, width: i.naturalWidth}))"
IMAGES_DONE_JS = "() => Array.from(document.images).every(i => i.complete)"


def test_every_page_works_offline_in_chromium(site: BuiltSite, served: str) -> None:
    chromium = _chromium_or_skip()
    from playwright.sync_api import Request, Route, sync_playwright

    pages = sorted(path.relative_to(site.html).as_posix() for path in site.html.rglob("*.html"))
    notebook_for_page = {f"notebooks/{notebook.stem}.html": notebook for notebook in site.notebooks}
    problems: list[str] = []
    current = {"page": ""}

    def only_loopback(route: Route, request: Request) -> None:
        host = urlsplit(request.url).hostname
        if request.url.startswith(("data:", "blob:")) or host in LOOPBACK_HOSTS:
            route.continue_()
        else:
            problems.append(f"{current['page']}: request to another host blocked: {request.url}")
            route.abort("blockedbyclient")

    def note_console(kind: str, text: str) -> None:
        if kind == "error":
            problems.append(f"{current['page']}: console error: {text}")

    def note_status(status: int, url: str) -> None:
        if status >= 400:
            problems.append(f"{current['page']}: HTTP {status} for {url}")

    shutil.rmtree(SCREENSHOTS / "docs", ignore_errors=True)
    (SCREENSHOTS / "docs").mkdir(parents=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
            context.route("**/*", only_loopback)
            tab = context.new_page()
            tab.on("console", lambda message: note_console(message.type, message.text))
            tab.on("pageerror", lambda error: problems.append(f"{current['page']}: uncaught: {error}"))
            tab.on("requestfailed", lambda r: problems.append(f"{current['page']}: failed: {r.url} ({r.failure})"))
            tab.on("response", lambda response: note_status(response.status, response.url))
            for page in pages:
                current["page"] = page
                response = tab.goto(served + page, wait_until="load")
                assert response is not None and response.ok, f"{page}: {response and response.status}"
                tab.wait_for_function(IMAGES_DONE_JS)
                note = tab.locator(".announcement")
                if not (note.is_visible() and SITE_NOTE_WORDS in note.inner_text()):
                    problems.append(f"{page}: the site-wide note about the sandbox's stand-ins is not visible")
                images = tab.evaluate(IMAGES_JS)
                problems += [f"{page}: image did not load: {i['src']}" for i in images if i["width"] == 0]
                notebook = notebook_for_page.get(page)
                if notebook is None:
                    continue
                tab.screenshot(path=str(SCREENSHOTS / "docs" / f"{notebook.stem}.png"), full_page=True)
                if not has_outputs(notebook):
                    problems.append(f"{page}: {notebook.name} has no outputs (commit notebooks with outputs)")
                    continue
                expected = banner_text(notebook)
                shown = [_normalized(text) for text in tab.locator(f".{BANNER_CLASS}").all_text_contents()]
                if expected is None:
                    problems.append(f"{page}: {notebook.name} has no provenance banner among its outputs")
                elif expected not in shown:
                    problems.append(f"{page}: provenance banner {expected!r} not shown (page has {shown!r})")
                elif not tab.locator(f".{BANNER_CLASS}").first.is_visible():
                    problems.append(f"{page}: the provenance banner is hidden")
                if not any(image["width"] > 0 for image in images):
                    problems.append(f"{page}: no image with non-zero naturalWidth")
        finally:
            browser.close()
    assert not problems, "\n".join(problems)
