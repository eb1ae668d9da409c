"""Robustness checks: the quick/full switch, one shared sandbox, and the figures printed at the end of the run.

Quick (the default test command) keeps every check small; ``--full`` or ``ROBUSTNESS_FULL=1`` runs the sizes the
brief asks for (``make robustness``). Every test here talks to real sandbox processes on loopback only.
"""

from __future__ import annotations

import os
import threading
from collections import defaultdict
from collections.abc import Iterator

import pytest

from helpers.sandbox_process import SandboxProcess

FIGURES = pytest.StashKey["Figures"]()


def is_full() -> bool:
    return os.environ.get("ROBUSTNESS_FULL") == "1"


class Figures:
    """Named figures per section (``conformance``, ``load``, ``durability``), printed in the terminal summary."""

    def __init__(self) -> None:
        self.sections: dict[str, dict[str, object]] = defaultdict(dict)
        self._lock = threading.Lock()

    def set(self, section: str, name: str, value: object) -> None:
        with self._lock:
            self.sections[section][name] = value

    def add(self, section: str, name: str, amount: int = 1) -> None:
        with self._lock:
            current = self.sections[section].get(name, 0)
            assert isinstance(current, int)
            self.sections[section][name] = current + amount

    def at_least(self, section: str, name: str, value: float) -> None:
        with self._lock:
            current = self.sections[section].get(name, 0.0)
            assert isinstance(current, float | int)
            self.sections[section][name] = max(float(current), value)

    def lines(self) -> list[str]:
        out = []
        for section, values in self.sections.items():
            out.append(f"{section}:")
            out.extend(f"  {name}: {f'{v:.1f}' if isinstance(v, float) else v}" for name, v in values.items())
        return out


def pytest_configure(config: pytest.Config) -> None:
    config.stash[FIGURES] = Figures()
    # The conformance module sizes its schemathesis tests when it is imported, before any fixture exists; the
    # environment is how `--full` reaches it.
    if config.getoption("--full", default=False):
        os.environ["ROBUSTNESS_FULL"] = "1"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    figures = config.stash.get(FIGURES, None)
    if figures is None or not figures.sections:
        return
    terminalreporter.section(f"robustness figures ({'full' if is_full() else 'quick'} run)")
    for line in figures.lines():
        terminalreporter.write_line(line)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """In a pytest-xdist worker, hand the lines to the controller, which prints them (tests/conftest.py)."""
    figures = session.config.stash.get(FIGURES, None)
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None and figures is not None and figures.sections:
        workeroutput["robustness_figures"] = [f"robustness figures ({'full' if is_full() else 'quick'} run)"]
        workeroutput["robustness_figures"] += figures.lines()


@pytest.fixture(scope="session")
def full() -> bool:
    return is_full()


@pytest.fixture(scope="session")
def figures(request: pytest.FixtureRequest) -> Figures:
    return request.config.stash[FIGURES]


@pytest.fixture(scope="package")
def robust_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    """One sandbox with the sentence model for this package; the durability test kills and restarts it."""
    with SandboxProcess(tmp_path_factory.mktemp("robustness-data"), load_models=True) as process:
        yield process
