"""The documentation site: it builds with no warning, and every page works offline in a real browser.

The site is built from notebooks/*.ipynb (reusing docs/_build when nothing changed since the last build); while no
notebook exists yet (or with DOCS_TEST_SAMPLE=1), from the sample under tests/docs/fixtures/ into a temporary
folder; DOCS_TEST_NOTEBOOKS=DIR builds from DIR/*.ipynb instead (e.g. freshly executed copies, to preview the site
before re-recording). Each page is opened in headless Chromium (Debian's package, driven by Playwright) served
from a loopback port, at a desktop width (1280 px) and a phone width (390 px); any request to another host is
blocked and counted as a failure. At both widths: no page scrolls sideways, the site-wide provenance note is
readable in the viewport without scrolling, every picture has an alt text that is not a file path. Each notebook
page's download link gives that notebook. Page weights are reported against PAGE_BUDGET. Full-page screenshots at
both widths go to screenshots/docs/ (Korean pages: screenshots/docs/ko/) for a person to look at; not compared.

Both languages: every page of the English site (root) and of the Korean site (/ko/) is checked the same way, and
also: <html lang> is the page's language; the language switcher is visible without opening a menu and links to the
same page in the other language, which loads; on Korean pages Furo's own words are Korean (also those it writes
outside gettext: the theme toggle's label, heading links, the copy button), words wrap whole
(word-break: keep-all), no synthetic italics, and Hangul is drawn with a real font: two different syllables must
come out as different pictures on a canvas in the page's font (missing glyphs all draw the same box), and Chromium
must report a Korean font for the Korean text (CDP CSS.getPlatformFontsForNode).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser import CHROMIUM_ARGS, chromium_or_skip
from tests.docs.conftest import BuiltSite
from tests.docs.page_checks import (
    GLYPHS_JS,
    KOREAN_TEXT,
    SCREENSHOTS,
    SITE_NOTE_WORDS,
    alt_problem,
    glyph_problem,
    note_problem,
)
from tests.docs.tour import Tour

pytestmark = pytest.mark.browser


def test_site_builds_with_every_notebook(site: BuiltSite) -> None:
    pages = {path.stem for path in (site.html / "notebooks").glob("*.html")}
    assert pages == {notebook.stem for notebook in site.notebooks}
    assert (site.html / "index.html").is_file()


def test_alt_and_note_checks_can_fail() -> None:
    assert alt_problem(None, "a.png") and alt_problem(" ", "a.png")
    assert alt_problem("../_images/d33b.png", "../_images/d33b.png")
    assert alt_problem("d33bcc.png", "x")
    assert alt_problem("Bar chart: Models by owner. 3 bars: system: 15.", "x.png") is None
    base = {"text": SITE_NOTE_WORDS["en"], "clipped": False, "left": 0, "right": 390, "top": 0, "bottom": 60}
    assert note_problem({**base, "width": 390, "height": 844}) is None
    assert note_problem({**base, "clipped": True, "width": 390, "height": 844})
    assert note_problem({**base, "right": 900, "width": 390, "height": 844})
    assert note_problem({**base, "width": 390, "height": 844}, "ko")  # an English note on a Korean page


def test_every_page_works_offline_in_chromium(tour: Tour) -> None:
    assert any(page.startswith("ko/") for page in tour.pages), "the Korean site (html/ko/) was not built"
    report = "\n".join(
        ["page weights (bytes a first visit loads, uncompressed; text = all but pictures):", *tour.weights]
    )
    print("\n" + report)
    (SCREENSHOTS / "docs" / "page-weights.txt").write_text(report + "\n", encoding="utf-8")
    assert not tour.problems, "\n".join(tour.problems)


def test_glyph_check_fails_without_a_korean_font(tmp_path: Path) -> None:
    """Chromium with fontconfig limited to a Latin-only font draws Hangul as boxes; the check must say so."""
    chromium = chromium_or_skip()
    latin = sorted(Path("/usr/share/fonts").rglob("DejaVuSans.ttf"))
    if not latin:
        pytest.skip("no DejaVu Sans to build a Latin-only font configuration from")
    from playwright.sync_api import sync_playwright

    (tmp_path / "cache").mkdir()
    config = tmp_path / "fonts.conf"
    config.write_text(
        f'<?xml version="1.0"?><fontconfig><dir>{latin[0].parent}</dir>'
        f"<cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>"
    )
    page = tmp_path / "ko.html"
    page.write_text(
        '<!doctype html><html lang="ko"><body><p class="site-provenance-note">한국어 문장입니다</p></body></html>',
        encoding="utf-8",
    )
    with sync_playwright() as playwright:
        env = {**os.environ, "FONTCONFIG_FILE": str(config)}
        for latin_only in (True, False):
            browser = playwright.chromium.launch(
                executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS, env=env if latin_only else None
            )
            try:
                tab = browser.new_page()
                tab.goto(page.as_uri())
                why = glyph_problem(tab.evaluate(GLYPHS_JS, KOREAN_TEXT))
            finally:
                browser.close()
            if latin_only:
                assert why and "missing glyphs" in why, why
            else:
                assert why is None, f"{why} (is fonts-nanum installed? scripts/setup.sh installs it)"
