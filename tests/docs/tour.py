"""One visit of every page of the built site in headless Chromium, at each width, collecting what the docs tests
check: the site's own checks (page_checks.py) and axe-core's violations (axe_checks.py), read from the same page
load. test_site.py and test_accessibility.py assert on their parts; visiting once costs half of visiting twice."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tests.browser import CHROMIUM_ARGS
from tests.docs import axe_checks
from tests.docs.conftest import BuiltSite, _load_script
from tests.docs.page_checks import (
    IMAGES_JS,
    LOOPBACK_HOSTS,
    NOTE_JS,
    OVERFLOW_JS,
    SCREENSHOTS,
    WEIGHT_JS,
    WIDTHS,
    alt_problem,
    korean_problems,
    language_problems,
    note_problem,
    notebook_page_problems,
    page_language,
    screenshot_path,
    weight_line,
)

# Pictures decoded and web fonts loaded: boxes have their final widths.
LAID_OUT_JS = "() => document.fonts.status === 'loaded' && Array.from(document.images).every(i => i.complete)"


@dataclass
class Tour:
    """What one visit of every page found."""

    pages: list[str]
    problems: list[str] = field(default_factory=list)  # the site's own checks
    weights: list[str] = field(default_factory=list)  # one line per page and width
    axe_summary: list[str] | None = None  # one line per page and width; None when axe-core is not installed
    axe_problems: list[str] = field(default_factory=list)  # critical and serious violations


def visit_every_page(chromium: Path, site: BuiltSite, served: str) -> Tour:
    """Open every page at each width (requests to other hosts blocked), check it, and take its screenshot."""
    from playwright.sync_api import Request, Response, Route, sync_playwright

    tour = Tour(sorted(path.relative_to(site.html).as_posix() for path in site.html.rglob("*.html")))
    notebook_for_page = {f"notebooks/{notebook.stem}.html": notebook for notebook in site.notebooks}
    build_docs = _load_script("build_docs")
    notebook_for_page |= {f"ko/notebooks/{n.stem}.html": n for n in build_docs.notebooks_for(site.notebooks, "ko")}
    axe = axe_checks.axe_installed()
    if axe is not None:
        tour.axe_summary = []
    problems = tour.problems
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

    def note_uncaught(error: object) -> None:
        problems.append(f"{current['page']}: uncaught: {error}")

    def note_failed(request: Request) -> None:
        problems.append(f"{current['page']}: failed: {request.url} ({request.failure})")

    def note_response(response: Response) -> None:
        if response.status >= 400:
            problems.append(f"{current['page']}: HTTP {response.status} for {response.url}")

    shutil.rmtree(SCREENSHOTS / "docs", ignore_errors=True)  # Korean pages' screenshots go to docs/ko/
    (SCREENSHOTS / "docs").mkdir(parents=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS)
        try:
            for width_name, (width, height) in WIDTHS.items():
                context = browser.new_context(
                    viewport={"width": width, "height": height}, service_workers="block", accept_downloads=True
                )
                context.route("**/*", only_loopback)
                tab = context.new_page()
                cdp = context.new_cdp_session(tab)
                tab.on("console", lambda message: note_console(message.type, message.text))
                tab.on("pageerror", note_uncaught)
                tab.on("requestfailed", note_failed)
                tab.on("response", note_response)
                for page in tour.pages:
                    current["page"] = where = f"{page} @{width}px"
                    response = tab.goto(served + page, wait_until="load")
                    if response is None or not response.ok:
                        problems.append(f"{where}: the page did not load ({response and response.status})")
                        continue
                    tab.wait_for_function(LAID_OUT_JS)  # fonts and pictures in: boxes have their final widths
                    found, images = _read_only_checks(tab, where, page)
                    problems += found
                    if axe is not None and tour.axe_summary is not None:
                        violations = axe_checks.axe_violations(tab, axe)
                        tour.axe_summary.append(axe_checks.summary_line(width_name, page, violations))
                        tour.axe_problems += [axe_checks.describe(where, v) for v in axe_checks.failing(violations)]
                    # Weights once nothing has loaded for 500 ms (usually already so after axe's second): a late
                    # request still counts.
                    tab.wait_for_load_state("networkidle")
                    line, over = weight_line(page, width_name, tab.evaluate(WEIGHT_JS))
                    tour.weights.append(line)
                    problems += over
                    problems += [f"{where}: {p}" for p in language_problems(tab, served, page)]
                    if page_language(page) == "ko":
                        problems += [f"{where}: {p}" for p in korean_problems(tab, cdp)]
                    shot = screenshot_path(page, width_name)
                    shot.parent.mkdir(parents=True, exist_ok=True)
                    tab.screenshot(path=str(shot), full_page=True)
                    notebook = notebook_for_page.get(page)
                    if notebook is not None:
                        unlinked = [i["file"] for i in images if not i["linked"]]
                        if unlinked:
                            problems.append(f"{where}: pictures that do not open full size: {unlinked}")
                        problems += notebook_page_problems(
                            tab, where, notebook, images, download=width_name == "desktop"
                        )
                context.close()
        finally:
            browser.close()
    return tour


def _read_only_checks(tab: Any, where: str, page: str) -> tuple[list[str], list[dict[str, Any]]]:
    """The checks that only read the page as it loaded (before axe adds its script and anything scrolls), and the
    page's pictures as read then."""
    problems = []
    note = note_problem(tab.evaluate(NOTE_JS), page_language(page))
    if note:
        problems.append(f"{where}: {note}")
    overflow = tab.evaluate(OVERFLOW_JS)
    if overflow["page"] > overflow["width"]:
        problems.append(
            f"{where}: the page scrolls sideways ({overflow['page']} px wide in a {overflow['width']}"
            f" px viewport); too wide: {', '.join(overflow['culprits'])}"
        )
    images = tab.evaluate(IMAGES_JS)
    problems += [f"{where}: image did not load: {i['src']}" for i in images if i["width"] == 0]
    for image in images:
        why = alt_problem(image["alt"], image["file"])
        if why:
            problems.append(f"{where}: {image['file']}: {why}")
    return problems, images
