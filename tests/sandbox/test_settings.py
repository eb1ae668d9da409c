"""The sandbox's settings: a flag beats its environment variable, which beats the default, for every variable."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, fields
from pathlib import Path

import httpx2
import pytest

from sandbox.config import ENVIRONMENT, Settings, resolve

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Precedence:
    variable: str
    setting: str
    env_text: str
    from_env: object
    flags: tuple[str, ...]  # empty: the variable has no flag (tests-only hooks)
    from_flags: object


CASES = [
    Precedence(
        "SANDBOX_DATA_DIR", "data_dir", "/from/env", Path("/from/env"), ("--data-dir", "/from/flag"), Path("/from/flag")
    ),
    Precedence(
        "SANDBOX_API_KEY", "api_key", "sk-from-env", "sk-from-env", ("--api-key", "sk-from-flag"), "sk-from-flag"
    ),
    Precedence("SANDBOX_API_KEY", "api_key", "sk-from-env", "sk-from-env", ("--no-api-key",), None),
    Precedence("SANDBOX_REPRODUCIBLE", "reproducible", "1", True, ("--no-reproducible",), False),
    Precedence("SANDBOX_LIMIT_SCALE", "limit_scale", "0.5", 0.5, ("--limit-scale", "0.25"), 0.25),
    Precedence("SANDBOX_TEST_PAUSE_AT", "test_pause_at", "blob-written", "blob-written", (), None),
    Precedence("SANDBOX_TEST_PAUSE_MARKER", "test_pause_marker", "/tmp/m", Path("/tmp/m"), (), None),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.variable}{' '.join(('', *c.flags))}")
def test_a_flag_beats_the_environment_which_beats_the_default(case: Precedence) -> None:
    default = getattr(Settings(), case.setting)
    assert getattr(resolve([], {}), case.setting) == default
    assert default != case.from_env  # so the next line proves the environment was read
    assert getattr(resolve([], {case.variable: case.env_text}), case.setting) == case.from_env
    if case.flags:
        assert case.from_flags != case.from_env
        assert getattr(resolve(list(case.flags), {case.variable: case.env_text}), case.setting) == case.from_flags
        assert getattr(resolve(list(case.flags), {}), case.setting) == case.from_flags


def test_every_variable_has_a_precedence_case_and_names_a_setting() -> None:
    settings = {f.name for f in fields(Settings)}
    assert {v.name for v in ENVIRONMENT} == {c.variable for c in CASES}
    assert all(v.setting in settings for v in ENVIRONMENT)


@pytest.mark.parametrize(("text", "expected"), [("1", True), ("TRUE", True), ("on", True), ("0", False), ("No", False)])
def test_booleans_in_the_environment(text: str, expected: bool) -> None:
    assert resolve([], {"SANDBOX_REPRODUCIBLE": text}).reproducible is expected
    assert resolve(["--reproducible"], {"SANDBOX_REPRODUCIBLE": text}).reproducible is True


def test_an_empty_variable_counts_as_unset_and_unrelated_ones_are_ignored() -> None:
    environ = {v.name: "" for v in ENVIRONMENT} | {"SANDBOX_NOT_A_SETTING": "1", "HOME": "/root"}
    assert resolve([], environ) == Settings()


@pytest.mark.parametrize(
    ("variable", "text"),
    [
        ("SANDBOX_REPRODUCIBLE", "maybe"),
        ("SANDBOX_LIMIT_SCALE", "-1"),
        ("SANDBOX_LIMIT_SCALE", "nan"),
        ("SANDBOX_LIMIT_SCALE", "x"),
    ],
)
def test_an_unreadable_value_stops_the_start_naming_the_variable(variable: str, text: str) -> None:
    with pytest.raises(SystemExit, match=f"{variable}='{text}' cannot be used"):
        resolve([], {variable: text})


def test_the_learners_flags_are_kept() -> None:
    settings = resolve(["--temporary-data", "--exit-with-parent", "--restorable", "--no-models"], {})
    assert (settings.temporary_data, settings.exit_with_parent, settings.restorable) == (True, True, True)
    assert settings.load_models is False
    assert resolve([], {}).restorable is False


def _serve_until_listening(args: list[str], env: dict[str, str]) -> tuple[subprocess.Popen[str], str]:
    command = [sys.executable, "-m", "sandbox", "--port", "0", "--no-models", *args]
    child_env = {k: v for k, v in os.environ.items() if not k.startswith("SANDBOX_")}
    child_env |= {"PYTHONPATH": str(PROJECT_ROOT), **env}
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=child_env, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    url = line.split("export OPENAI_BASE_URL=")[-1].split()[0] if "listening" in line else ""
    if not url:
        process.kill()
        pytest.fail(f"the sandbox did not start: {line!r}")
    return process, url


def test_python_m_sandbox_takes_its_data_folder_and_key_from_the_environment(tmp_path: Path) -> None:
    """The bug this replaced: the CLI's defaults overrode SANDBOX_DATA_DIR and SANDBOX_API_KEY, so the store was
    written into .sandbox-data/ of the working directory and any key was accepted."""
    env = {"SANDBOX_DATA_DIR": str(tmp_path / "from-env"), "SANDBOX_API_KEY": "sk-from-env"}
    process, url = _serve_until_listening([], env)
    try:
        assert (tmp_path / "from-env" / "files" / "files.sqlite3").is_file()
        assert httpx2.get(f"{url}/models", timeout=5).status_code == 401
        authorised = {"Authorization": "Bearer sk-from-env"}
        assert httpx2.get(f"{url}/models", headers=authorised, timeout=5).status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_python_m_sandbox_flags_beat_the_environment(tmp_path: Path) -> None:
    env = {"SANDBOX_DATA_DIR": str(tmp_path / "from-env"), "SANDBOX_API_KEY": "sk-from-env"}
    process, url = _serve_until_listening(["--data-dir", str(tmp_path / "from-flag"), "--no-api-key"], env)
    try:
        assert (tmp_path / "from-flag" / "files" / "files.sqlite3").is_file()
        assert not (tmp_path / "from-env").exists()
        assert httpx2.get(f"{url}/models", timeout=5).status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=20)
