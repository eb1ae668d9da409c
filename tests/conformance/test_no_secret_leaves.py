"""No secret leaves for a server under test: a capture proxy in front of the sandbox sees, during a conformance
run started from a folder whose ``.env`` holds a canary key, organisation and project (and an admin key in the
environment), only the dummy key, and no account id; the learner's key is sent to api.openai.com alone."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers.config import PROJECT_ROOT
from helpers.conformance.run import DUMMY_KEY, choose_key, conformance_env
from helpers.sandbox_process import SandboxProcess
from tests.conformance.mutating_proxy import MutatingProxy

CANARIES = {
    "OPENAI_API_KEY": "sk-proj-CANARYkeyCANARYkeyCANARYkey0001",
    "OPENAI_ORG_ID": "org-CANARYorgCANARY0001",
    "OPENAI_PROJECT_ID": "proj_CANARYprojectCANARY0001",
}
ADMIN = {"OPENAI_ADMIN_KEY": "sk-admin-CANARYadminCANARY0001"}


@pytest.fixture(scope="module")
def capture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MutatingProxy]:
    sandbox = SandboxProcess(tmp_path_factory.mktemp("capture-sandbox"), reproducible=True)
    with sandbox as box, MutatingProxy(box.base_url.removesuffix("/v1")).running() as running:
        yield running


def test_a_conformance_run_sends_no_secret(capture: MutatingProxy, tmp_path: Path) -> None:
    project = tmp_path / "learner"
    project.mkdir()
    (project / ".env").write_text("".join(f"{k}={v}\n" for k, v in CANARIES.items()), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in (*CANARIES, *ADMIN)}
    env |= ADMIN | {"PYTHONPATH": str(PROJECT_ROOT)}
    scratch = project / "conformance-scratch"  # outside the checkout; below the .env, which kernels must not read
    command = [sys.executable, "-m", "helpers.conformance", "--base-url", capture.base_url, "--no-progress"]
    done = subprocess.run(
        [*command, "--scratch", str(scratch), "00_setup"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"Key sent: a dummy key ({DUMMY_KEY})" in done.stdout
    seen = capture.seen_headers
    assert len(seen) >= 5  # 00_setup's three calls and the two model probes
    print("\n".join(f"{name}: {value}" for name, value in seen[0]))
    secrets = [*CANARIES.values(), *ADMIN.values()]
    leaked = [(name, value) for headers in seen for name, value in headers if any(s in value for s in secrets)]
    assert leaked == []
    assert {value for headers in seen for name, value in headers if name == "authorization"} == {f"Bearer {DUMMY_KEY}"}
    assert not [name for headers in seen for name, _ in headers if name in ("openai-organization", "openai-project")]
    recorded = "".join(p.read_text(encoding="utf-8") for p in scratch.rglob("*.yaml"))
    assert recorded and not any(s in recorded for s in secrets)


def test_the_learners_key_goes_to_openai_only() -> None:
    learner = {"OPENAI_API_KEY": "sk-learner"}
    assert choose_key("https://api.openai.com/v1", None, learner).value == "sk-learner"
    assert "your OPENAI_API_KEY" in choose_key("https://api.openai.com/v1", None, learner).said
    for other in ("http://127.0.0.1:8000/v1", "https://api.openai.com.evil.example/v1", "http://openai.internal/v1"):
        assert choose_key(other, None, learner).value == DUMMY_KEY
    assert choose_key("http://127.0.0.1:8000/v1", "sk-given", learner).value == "sk-given"


def test_kernels_get_account_ids_for_openai_only(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name, value in (CANARIES | ADMIN).items():
        monkeypatch.setenv(name, value)
    other = conformance_env("http://127.0.0.1:8000/v1", DUMMY_KEY, tmp_path)
    assert not set(CANARIES.values()) & set(other.values()) and ADMIN["OPENAI_ADMIN_KEY"] not in other.values()
    assert other["OPENAI_NOTEBOOK_DOTENV"] == "off"
    openai = conformance_env("https://api.openai.com/v1", "sk-learner", tmp_path)
    assert openai["OPENAI_ORG_ID"] == CANARIES["OPENAI_ORG_ID"] and "OPENAI_ADMIN_KEY" not in openai
