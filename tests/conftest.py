"""Shared fixtures: a real sandbox process on a free loopback port."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from openai import OpenAI

from helpers.sandbox_process import SandboxProcess
from tests.clients import strict_client


def pytest_addoption(parser: pytest.Parser) -> None:
    # Here rather than in tests/robustness/conftest.py, so `pytest tests --full` is understood too.
    parser.addoption("--full", action="store_true", help="run the full robustness checks (also: ROBUSTNESS_FULL=1)")


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    """One sandbox for the session (loading the sentence model once)."""
    data_dir: Path = tmp_path_factory.mktemp("sandbox-data")
    with SandboxProcess(data_dir) as process:
        yield process


@pytest.fixture(scope="module")
def light_sandbox(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[SandboxProcess]:
    """This test module's own sandbox without the sentence model (starts in about a second), for tests that
    restart, kill or change it without touching the shared one."""
    with SandboxProcess(tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1]), load_models=False) as box:
        yield box


@pytest.fixture()
def client(sandbox: SandboxProcess) -> OpenAI:
    return strict_client(sandbox)


# Lines that pytest-xdist workers hand back for the summary (tests/robustness/conftest.py: the robustness figures).
WORKER_LINES = pytest.StashKey[list[list[str]]]()


@pytest.hookimpl(optionalhook=True)  # a pytest-xdist hook: called in the controller as each worker stops
def pytest_testnodedown(node: object, error: object) -> None:
    lines = getattr(node, "workeroutput", {}).get("robustness_figures")
    if lines:
        config: pytest.Config = node.config  # type: ignore[attr-defined]
        config.stash.setdefault(WORKER_LINES, []).append(lines)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    for title, *lines in config.stash.get(WORKER_LINES, []):
        terminalreporter.section(title)
        for line in lines:
            terminalreporter.write_line(line)


# Notebooks under tests/ are fixtures run by the tests themselves, not by nbval's collection.
collect_ignore_glob = ["harness/notebooks/*", "docs/fixtures/*"]
