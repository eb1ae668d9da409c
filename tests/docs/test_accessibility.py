"""The documentation site passes axe-core: no critical or serious violation on any page, English and Korean, at a
desktop width (1280 px) and a phone width (390 px).

axe-core comes from the lockfile in tests/docs/axe/ (`npm ci`, run by scripts/setup.sh --all); without it, or without
Chromium, the test is skipped (failed when REQUIRE_BROWSER=1). axe runs with its default rules (WCAG 2.x A/AA and best
practices) on each page as the site test's visit loaded it (tests/docs/tour.py: headless Chromium, a loopback port).
The per-page summary goes to screenshots/accessibility/axe-summary.txt; a violation names its rule, impact and the
first elements it found.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import CHROMIUM_ARGS, chromium_or_skip
from tests.docs.axe_checks import axe_script, axe_violations, failing
from tests.docs.conftest import ROOT
from tests.docs.tour import Tour

SUMMARY = ROOT / "screenshots" / "accessibility" / "axe-summary.txt"  # the tour empties screenshots/docs/

pytestmark = pytest.mark.browser


def test_axe_finds_a_violation_it_must_fail_on(tmp_path: Path) -> None:
    """A link inside a <summary> (as the wire views had) is a serious nested-interactive violation."""
    chromium = chromium_or_skip()
    script = axe_script()
    from playwright.sync_api import sync_playwright

    bad = '<details><summary>HTTP <code>GET /v1/models</code> · <a href="#ref">API reference</a></summary></details>'
    good = '<details><summary>HTTP <code>GET /v1/models</code></summary></details><a href="#ref">API reference</a>'
    found = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS)
        try:
            tab = browser.new_page()
            for name, body in (("bad", bad), ("good", good)):
                page = tmp_path / f"{name}.html"
                page.write_text(
                    f'<!doctype html><html lang="en"><head><title>t</title></head><body><main>{body}</main></body>'
                    "</html>",
                    encoding="utf-8",
                )
                tab.goto(page.as_uri())
                found[name] = [v["id"] for v in failing(axe_violations(tab, script))]
        finally:
            browser.close()
    assert "nested-interactive" in found["bad"], found
    assert found["good"] == [], found


def test_every_page_passes_axe(tour: Tour) -> None:
    axe_script()  # a skip, or a failure when REQUIRE_BROWSER=1, when axe-core is not installed
    assert tour.axe_summary is not None
    SUMMARY.parent.mkdir(parents=True, exist_ok=True)
    SUMMARY.write_text("axe-core violations (nodes) per page:\n" + "\n".join(tour.axe_summary) + "\n", encoding="utf-8")
    assert not tour.axe_problems, "\n".join(tour.axe_problems)
