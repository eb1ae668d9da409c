"""The site's script (docs/_static/readable.js) gives every box that scrolls sideways the keyboard focus, even one
that overflows by a single pixel: with classic scroll bars (Windows, Linux) that pixel puts up a bar."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import CHROMIUM, CHROMIUM_ARGS, chromium_or_skip

READABLE_JS = Path(__file__).resolve().parents[2] / "docs" / "_static" / "readable.js"

pytestmark = pytest.mark.browser


def _box(name: str, content_width: int) -> str:
    style = "overflow-x: auto; width: 100px; margin: 0; padding: 0; border: 0"
    return (
        f'<pre id="{name}" style="{style}"><span style="display: inline-block; width: {content_width}px">x</span></pre>'
    )


@pytest.mark.parametrize("overflow", [1, 40])
def test_a_box_that_scrolls_by_any_amount_takes_the_focus_and_one_that_fits_does_not(overflow: int) -> None:
    chromium_or_skip()
    from playwright.sync_api import sync_playwright

    page_html = f"<!doctype html><html lang='en'><body><article>{_box('wide', 100 + overflow)}{_box('fits', 100)}"
    page_html += f"</article><script>{READABLE_JS.read_text(encoding='utf-8')}</script></body></html>"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 400, "height": 300})
            page.set_content(page_html)
            wide, fits = page.locator("#wide"), page.locator("#fits")
            assert wide.evaluate("e => e.scrollWidth - e.clientWidth") >= overflow
            assert wide.get_attribute("tabindex") == "0" and wide.get_attribute("role") == "region"
            assert wide.get_attribute("aria-label") == "Scrollable content (1)"
            assert fits.get_attribute("tabindex") is None
        finally:
            browser.close()
