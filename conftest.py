"""Root pytest configuration: the harness's mode from ``--record-mode``, and pictures compared by nbval.

``--record-mode`` is pytest-recording's option (vcrpy's vocabulary); nbval's kernels get it as the harness's mode
through OPENAI_NOTEBOOK_MODE, set here before any kernel starts: ``none`` is strict replay, ``rewrite``/``all``
re-record, ``new_episodes``/``once`` the learner's mode (recordings first, a local sandbox for anything new,
nothing written). Without the option the environment decides, as before.

nbval skips image/png. Each notebook cell that nbval re-executes in replay also has its images compared with the
committed ones, by decoded pixels with a small tolerance (helpers.pictures.pixel_difference).
"""

from __future__ import annotations

import base64
import os
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


RECORD_MODE_TO_NOTEBOOK_MODE = {
    "none": "replay",
    "rewrite": "record",
    "all": "record",
    "new_episodes": "explore",
    "once": "explore",
}


def notebook_mode(record_mode: str | None) -> str | None:
    return None if record_mode is None else RECORD_MODE_TO_NOTEBOOK_MODE[record_mode]


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    mode = notebook_mode(config.getoption("--record-mode", default=None))
    if mode is not None:
        os.environ["OPENAI_NOTEBOOK_MODE"] = mode
    if config.pluginmanager.hasplugin("nbval"):
        from nbval.plugin import IPyNbCell

        if not getattr(IPyNbCell.compare_outputs, "_compares_pictures", False):
            IPyNbCell.compare_outputs = _compare_pictures_too(IPyNbCell.compare_outputs)
            IPyNbCell.compare_outputs._compares_pictures = True  # type: ignore[attr-defined]


# Scratch copies of notebooks (tests, the `_work` files notebooks write) are never collected by nbval.
collect_ignore_glob = ["notebooks/_work/*"]
