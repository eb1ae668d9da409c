"""On the site, a notebook's wire view renders collapsed, opens at phone width, and shows the request JSON."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import CHROMIUM, CHROMIUM_ARGS, chromium_or_skip

PHONE = {"width": 390, "height": 844}

pytestmark = pytest.mark.browser


def test_a_wire_view_opens_at_phone_width_and_shows_the_request_json(served: str) -> None:
    chromium_or_skip()
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True)
        page.goto(served + "notebooks/01_embeddings.html")
        views = page.locator("details.wire-exchange")
        assert views.count() >= 5
        first = views.first
        body = first.locator("pre").first
        expect(body).to_be_hidden()  # collapsed by default
        first.locator("summary").scroll_into_view_if_needed()
        expect(first.locator("summary")).to_contain_text("POST /v1/embeddings")
        first.locator("summary").click()
        expect(body).to_be_visible()
        text = body.inner_text()
        assert '"model": "text-embedding-3-small"' in text and '"input": "The food was delicious' in text
        link = first.locator("a").first  # under the summary, not inside it (nested-interactive)
        assert link.get_attribute("href") == "https://platform.openai.com/docs/api-reference/embeddings/create"
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, f"the page scrolls sideways by {overflow}px with a wire view open"
        shots = Path(__file__).resolve().parents[2] / "screenshots" / "docs" / "phone"
        shots.mkdir(parents=True, exist_ok=True)
        first.screenshot(path=str(shots / "wire-view-open.png"))
        browser.close()
