"""The harness's settings: an argument beats the environment, which beats a line of .env, which beats the default;
.env is read again on every start() and never copied into the environment; the banner and a strict miss say where
the mode came from and how to leave it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import helpers
from helpers.config import Mode
from helpers.recording.errors import CassetteMiss
from helpers.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def cassettes(clean_env: Path) -> Path:
    folder = clean_env / "cassettes"
    folder.mkdir()
    shutil.copy(ROOT / "cassettes" / "04_models.yaml", folder)
    return folder


def test_precedence_and_sources(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings.resolve().mode_source.origin == "default"
    assert Settings.resolve().mode is Mode.EXPLORE
    (clean_env / ".env").write_text("# comment\nOPENAI_API_KEY=sk-from-dotenv-123\nOPENAI_NOTEBOOK_MODE=live\n")
    from_file = Settings.resolve()
    assert from_file.mode is Mode.LIVE and from_file.mode_source.origin == "dotenv"
    assert from_file.mode_source.line == 3 and from_file.mode_source.file == clean_env / ".env"
    assert from_file.api_key == "sk-from-dotenv-123" and "OPENAI_API_KEY" not in os.environ
    monkeypatch.setenv("OPENAI_NOTEBOOK_MODE", "replay")
    from_env = Settings.resolve()
    assert from_env.mode is Mode.REPLAY and from_env.mode_source.origin == "environment"
    from_argument = Settings.resolve(mode="record")
    assert from_argument.mode is Mode.RECORD and from_argument.mode_source.origin == "argument"


def test_every_setting_follows_the_same_order(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (clean_env / ".env").write_text(
        "OPENAI_BASE_URL=http://from-file/v1\nOPENAI_ORG_ID=org-fromfile1\nOPENAI_NOTEBOOK_LANG=ko\n"
        "OPENAI_NOTEBOOK_CASSETTES=file-cassettes\n"
    )
    settings = Settings.resolve()
    assert settings.base_url == "http://from-file/v1" and settings.organization == "org-fromfile1"
    assert settings.lang == "ko" and settings.cassettes == (clean_env / "file-cassettes").resolve()
    monkeypatch.setenv("OPENAI_BASE_URL", "http://from-env/v1")
    monkeypatch.setenv("OPENAI_NOTEBOOK_LANG", "en")
    monkeypatch.setenv("OPENAI_NOTEBOOK_CASSETTES", str(clean_env / "env-cassettes"))
    settings = Settings.resolve(lang="ko", cassettes=clean_env / "arg-cassettes")
    assert settings.base_url == "http://from-env/v1" and settings.lang == "ko"
    assert settings.cassettes == clean_env / "arg-cassettes"
    assert settings.secrets == {"OPENAI_ORG_ID": "org-fromfile1"}


def test_strict_mode_from_dotenv_is_visible_and_left_by_editing_the_file(
    clean_env: Path, cassettes: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dotenv = clean_env / ".env"
    dotenv.write_text("OPENAI_NOTEBOOK_CASSETTES=cassettes\nOPENAI_NOTEBOOK_MODE=replay\n")
    client = helpers.start("04_models")
    banner = capsys.readouterr().out
    assert "Mode: strict replay (replay)" in banner and "set by OPENAI_NOTEBOOK_MODE=replay on line 2 of" in banner
    with pytest.raises(CassetteMiss) as caught:
        client.models.retrieve("text-embedding-3-large")
    advice = str(caught.value)
    assert "delete line 2 of" in advice and "(OPENAI_NOTEBOOK_MODE=replay)" in advice
    assert "run the setup cell again" in advice and "no kernel restart needed" in advice

    dotenv.write_text("OPENAI_NOTEBOOK_CASSETTES=cassettes\n")  # what the message said: delete the line, re-run
    helpers.start("04_models", banner=True)
    banner = capsys.readouterr().out
    assert "Mode: the learner's mode (explore)" in banner and banner.rstrip().endswith("(the default).")


def test_strict_mode_from_the_environment_says_how_to_leave_it(
    cassettes: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_NOTEBOOK_MODE", "replay")
    client = helpers.start("04_models", cassettes=cassettes, banner=False)
    with pytest.raises(CassetteMiss, match=r"run `%env OPENAI_NOTEBOOK_MODE=explore` in a cell"):
        client.models.retrieve("text-embedding-3-large")
