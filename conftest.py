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
import shutil
from pathlib import Path
from typing import Any

import pytest

from helpers.pictures import pixel_difference
from tests.request_log import logging_kernel_env, nbval_logs


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
        from nbval.plugin import IPyNbFile

        if not getattr(IPyNbFile.setup, "_logs_requests", False):
            IPyNbFile.setup = _kernels_log_requests(IPyNbFile.setup)
            IPyNbFile.setup._logs_requests = True  # type: ignore[attr-defined]


def _kernels_log_requests(original: Any) -> Any:
    """nbval's kernel for a notebook starts with tests/request_log.py's start-up file: the request-parity test reads
    the requests nbval's run made instead of running the notebook again (the kernel inherits the environment)."""

    def setup(self: Any) -> None:
        with pytest.MonkeyPatch.context() as patch:
            for name, value in logging_kernel_env(nbval_logs(), Path(str(self.fspath))).items():
                patch.setenv(name, value)
            original(self)

    return setup


def pytest_unconfigure(config: pytest.Config) -> None:
    folder = os.environ.pop("NBVAL_REQUEST_LOGS", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)  # made by nbval_logs() in this process


# Scratch copies of notebooks (tests, the `_work` files notebooks write) are never collected by nbval.
collect_ignore_glob = ["notebooks/_work/*"]


# ---- parallel runs (scripts/test.sh: pytest-xdist, `-n 2 --dist loadgroup`)
#
# The tests are grouped by folder, and a group runs in one worker, in order: the folder's module and package
# fixtures (a docs build, JupyterLab, a sandbox) are made once, and nbval's cells of one notebook run in one kernel
# in turn. Everything that runs the committed notebooks in place (nbval over notebooks/ and notebooks/ko/, and
# tests/notebooks/, whose request-parity tests read what nbval's runs requested and write notebooks/_work/ too) is
# one group. A new folder is a group of its own. In BY_FILE's folders the modules share nothing costlier than the
# session's sandbox, so each file is a group, and the scheduler can fill in around the long groups. Groups start
# heaviest first: the known folders in HEAVY_FIRST's order, then the rest as collected. (Conformance by file and
# docs first measured slower: 407 s against 381 s, its kernel runs then beside the docs' browser visit.)
# (pytest-xdist's own loadgroup reads xdist_group marks through nodeids, which pytest 9 no longer lets it extend,
# so the grouping is a scheduler of our own, through pytest-xdist's pytest_xdist_make_scheduler hook.)
HEAVY_FIRST = ("notebooks", "docs", "conformance", "lab", "robustness", "harness", "sandbox")
BY_FILE = ("harness", "sandbox", "unit")


def parallel_group(nodeid: str) -> str:
    parts = nodeid.split("::", 1)[0].split("/")
    if parts[0] == "notebooks" or parts[:2] == ["tests", "notebooks"]:
        return "notebooks"
    if parts[0] == "tests" and len(parts) > 2:
        return "/".join(parts[1:]) if parts[1] in BY_FILE else parts[1]
    return parts[0] if len(parts) > 1 else "top"


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    if config.getvalue("dist") != "loadgroup":
        return None  # pytest-xdist's own choice
    from xdist.scheduler import LoadScopeScheduling

    class FolderScheduling(LoadScopeScheduling):
        """pytest-xdist's scope scheduling, with our folder groups as the scopes."""

        def _split_scope(self, nodeid: str) -> str:
            return parallel_group(nodeid)

        def _assign_work_unit(self, node: Any) -> None:
            """As pytest-xdist's, but sending every test of the unit: pytest-xdist sends the first of each nodeid,
            and schemathesis under pytest 9 gives all of its operations one nodeid (12 tests would be dropped)."""
            scope, work_unit = self.workqueue.popitem(last=False)
            self.assigned_work.setdefault(node, {})[scope] = work_unit
            collection = self.registered_collections[node]
            node.send_runtest_some([index for index, nodeid in enumerate(collection) if nodeid in work_unit])

    return FolderScheduling(config, log)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked after_nbval after nbval's notebook runs; in a worker, also the heaviest groups first (every worker
    sorts alike; a group's own order is kept otherwise). A plain run keeps pytest's order otherwise."""

    def after_nbval(item: pytest.Item) -> int:
        return 1 if item.get_closest_marker("after_nbval") else 0

    if not os.environ.get("PYTEST_XDIST_WORKER"):
        items.sort(key=after_nbval)
        return

    def rank(item: pytest.Item) -> tuple[int, int]:
        folder = parallel_group(item.nodeid).split("/")[0]
        return (HEAVY_FIRST.index(folder) if folder in HEAVY_FIRST else len(HEAVY_FIRST)), after_nbval(item)

    items.sort(key=rank)
