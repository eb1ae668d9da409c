"""axe-core in a page: its browser build from the lockfile in tests/docs/axe/ (`npm ci`, run by scripts/setup.sh
--all), run with its default rules (WCAG 2.x A/AA and best practices); the site fails on critical and serious
violations."""

from __future__ import annotations

import os
from typing import Any

import pytest

from tests.docs.conftest import ROOT

AXE = ROOT / "tests" / "docs" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
FAILING_IMPACTS = ("critical", "serious")
IMPACTS = ("critical", "serious", "moderate", "minor")
RUN_AXE_JS = """async () => {
  // label-content-name-mismatch is experimental in axe (off by default): a link's name must contain its text.
  const result = await axe.run(document, {resultTypes: ['violations'],
    rules: {'label-content-name-mismatch': {enabled: true}}});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')), count: v.nodes.length}));
}"""


def axe_installed() -> str | None:
    """axe-core's browser build, or None when npm ci has not installed it."""
    return AXE.read_text(encoding="utf-8") if AXE.is_file() else None


def axe_script() -> str:
    """axe-core's browser build, or a skip (a failure when REQUIRE_BROWSER=1) when npm ci has not installed it."""
    script = axe_installed()
    if script is None:
        message = f"axe-core is not installed at {AXE.relative_to(ROOT)}: run `npm ci --prefix tests/docs/axe`"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return script


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


def summary_line(width_name: str, page: str, violations: list[dict[str, Any]]) -> str:
    """One page's violations, counted by impact (nodes), and the rules that found them."""
    counts = dict.fromkeys(IMPACTS, 0)
    for violation in violations:
        counts[violation["impact"] or "minor"] += violation["count"]
    ids = ",".join(sorted({v["id"] for v in violations})) or "-"
    return f"{width_name:7} {page:36} " + " ".join(f"{k} {v}" for k, v in counts.items()) + f"  [{ids}]"
