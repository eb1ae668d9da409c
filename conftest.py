"""Root pytest configuration: nbval compares text outputs; this adds the notebooks' pictures.

nbval skips image/png. Each notebook cell that nbval re-executes in replay also has its images compared with the
committed ones, by decoded pixels with a small tolerance (helpers.pictures.pixel_difference).
"""

from __future__ import annotations

import base64
from typing import Any

import pytest

from helpers.pictures import pixel_difference


def _pngs(outputs: list[Any]) -> list[str]:
    return [o["data"]["image/png"] for o in outputs if "image/png" in o.get("data", {})]


def _compare_pictures_too(original: Any) -> Any:
    def compare_outputs(self: Any, test: list[Any], ref: list[Any], skip_compare: Any = None) -> bool:
        if not original(self, test, ref, skip_compare):
            return False
        expected, actual = _pngs(ref), _pngs(test)
        if len(expected) != len(actual):
            self.comparison_traceback.append(f"{len(actual)} image(s) produced, {len(expected)} committed")
            return False
        for index, (want, got) in enumerate(zip(expected, actual, strict=True)):
            why = pixel_difference(base64.b64decode(want), base64.b64decode(got))
            if why is not None:
                self.comparison_traceback.append(f"image {index + 1} differs from the committed one: {why}")
                return False
        return True

    return compare_outputs


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    if config.pluginmanager.hasplugin("nbval"):
        from nbval.plugin import IPyNbCell

        if not getattr(IPyNbCell.compare_outputs, "_compares_pictures", False):
            IPyNbCell.compare_outputs = _compare_pictures_too(IPyNbCell.compare_outputs)
            IPyNbCell.compare_outputs._compares_pictures = True  # type: ignore[attr-defined]


# Scratch copies of notebooks (tests, the `_work` files notebooks write) are never collected by nbval.
collect_ignore_glob = ["notebooks/_work/*"]
