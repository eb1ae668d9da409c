"""The documentation site passes axe-core: no critical or serious violation on any page, English and Korean, at a
desktop width (1280 px) and a phone width (390 px).

axe-core comes from the lockfile in tests/docs/axe/ (`npm ci`, run by scripts/setup.sh --all); without it, or without
Chromium, the test is skipped (failed when REQUIRE_BROWSER=1). Each page is opened in headless Chromium from a
loopback port and axe runs with its default rules (WCAG 2.x A/AA and best practices). The per-page summary goes to
screenshots/accessibility/axe-summary.txt; a violation names its rule, impact and the first elements it found.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.browser import CHROMIUM_ARGS, chromium_or_skip
from tests.docs.conftest import ROOT, BuiltSite

AXE = ROOT / "tests" / "docs" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
FAILING_IMPACTS = ("critical", "serious")
SUMMARY = ROOT / "screenshots" / "accessibility" / "axe-summary.txt"  # test_site.py empties screenshots/docs/
RUN_AXE_JS = """async () => {
  // label-content-name-mismatch is experimental in axe (off by default): a link's name must contain its text.
  const result = await axe.run(document, {resultTypes: ['violations'],
    rules: {'label-content-name-mismatch': {enabled: true}}});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')), count: v.nodes.length}));
}"""

pytestmark = pytest.mark.browser


def axe_script() -> str:
    """axe-core's browser build, or a skip (a failure when REQUIRE_BROWSER=1) when npm ci has not installed it."""
    if not AXE.is_file():
        message = f"axe-core is not installed at {AXE.relative_to(ROOT)}: run `npm ci --prefix tests/docs/axe`"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return AXE.read_text(encoding="utf-8")


def failing(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The violations this site does not accept: critical and serious ones."""
    return [v for v in violations if v["impact"] in FAILING_IMPACTS]


def describe(where: str, violation: dict[str, Any]) -> str:
    targets = ", ".join(violation["targets"])
    return f"{where}: {violation['impact']} {violation['id']} ({violation['help']}) x{violation['count']}: {targets}"


def axe_violations(tab: Any, script: str) -> list[dict[str, Any]]:
    """Every axe-core violation on the page open in `tab`."""
    tab.add_script_tag(content=script)
    return list(tab.evaluate(RUN_AXE_JS))


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


def test_every_page_passes_axe(site: BuiltSite, served: str) -> None:
    chromium = chromium_or_skip()
    script = axe_script()
    from playwright.sync_api import sync_playwright

    pages = sorted(path.relative_to(site.html).as_posix() for path in site.html.rglob("*.html"))
    problems: list[str] = []
    summary: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS)
        try:
            for width_name, (width, height) in WIDTHS.items():
                context = browser.new_context(viewport={"width": width, "height": height}, service_workers="block")
                tab = context.new_page()
                for page in pages:
                    tab.goto(served + page, wait_until="load")
                    tab.wait_for_load_state("networkidle")  # fonts and pictures in: boxes have their final widths
                    violations = axe_violations(tab, script)
                    counts = {impact: 0 for impact in ("critical", "serious", "moderate", "minor")}
                    for violation in violations:
                        counts[violation["impact"] or "minor"] += violation["count"]
                    ids = ",".join(sorted({v["id"] for v in violations})) or "-"
                    summary.append(
                        f"{width_name:7} {page:36} " + " ".join(f"{k} {v}" for k, v in counts.items()) + f"  [{ids}]"
                    )
                    problems += [describe(f"{page} @{width}px", v) for v in failing(violations)]
                context.close()
        finally:
            browser.close()
    SUMMARY.parent.mkdir(parents=True, exist_ok=True)
    SUMMARY.write_text("axe-core violations (nodes) per page:\n" + "\n".join(summary) + "\n", encoding="utf-8")
    assert not problems, "\n".join(problems)
