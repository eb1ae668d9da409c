"""Shared fixtures: a real sandbox process on a free loopback port."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from openai import OpenAI

from helpers.sandbox_process import SandboxProcess


def pytest_addoption(parser: pytest.Parser) -> None:
    # Here rather than in tests/robustness/conftest.py, so `pytest tests --full` is understood too.
    parser.addoption("--full", action="store_true", help="run the full robustness checks (also: ROBUSTNESS_FULL=1)")


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    """One sandbox for the session (loading the sentence model once)."""
    data_dir: Path = tmp_path_factory.mktemp("sandbox-data")
    with SandboxProcess(data_dir) as process:
        yield process


@pytest.fixture()
def client(sandbox: SandboxProcess) -> OpenAI:
    """The official client with strict response validation: a wire-format slip fails the test."""
    return OpenAI(base_url=sandbox.base_url, api_key="sk-sandbox-test", max_retries=0, _strict_response_validation=True)


# Notebooks under tests/ are fixtures run by the tests themselves, not by nbval's collection.
collect_ignore_glob = ["harness/notebooks/*", "docs/fixtures/*"]
