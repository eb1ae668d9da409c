"""Modes, environment variables and paths: every location can be moved (tests use temporary folders)."""

from __future__ import annotations

import enum
import os
import re
from collections.abc import Mapping
from pathlib import Path

from helpers.recording.errors import ConfigError
from helpers.recording.files import BLOB_THRESHOLD
from helpers.recording.filters import SECRET_ENV_VARS
from helpers.recording.interactions import CANONICAL_BASE_URL

__all__ = ["BLOB_THRESHOLD", "CANONICAL_BASE_URL", "SECRET_ENV_VARS", "ConfigError", "Mode"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent

MODE_ENV = "OPENAI_NOTEBOOK_MODE"
CASSETTES_ENV = "OPENAI_NOTEBOOK_CASSETTES"
NOTEBOOKS_ENV = "OPENAI_NOTEBOOK_DIR"

DEFAULT_CASSETTES_DIR = PROJECT_ROOT / "cassettes"
DEFAULT_NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"

# Replay needs no key; the SDK insists on one, so it gets this obviously fake value.
REPLAY_API_KEY = "sk-replay-mode-no-key-needed"
# `python -m helpers record` gives the sandbox it started this key (the sandbox accepts any key).
RECORDING_API_KEY = "sk-sandbox-recording"
# The key the learner's mode sends to the sandbox it starts on demand (the sandbox accepts any key).
EXPLORE_API_KEY = "sk-sandbox-explore"


_NOTEBOOK_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


class Mode(enum.StrEnum):
    """Where responses come from.

    - ``explore`` (the default, the learner's mode): the cassette for what was recorded, a local sandbox started on
      demand for anything new; nothing is written.
    - ``replay``: the cassette only (strict: a request with no recording is an error; no socket is opened).
    - ``record``: the server, saving every exchange into the cassette.
    - ``live``: the server, nothing recorded or replayed.
    """

    EXPLORE = "explore"
    REPLAY = "replay"
    RECORD = "record"
    LIVE = "live"


DEFAULT_MODE = Mode.EXPLORE


def resolve_mode(explicit: Mode | str | None = None, env: Mapping[str, str] | None = None) -> Mode:
    """An explicit argument wins over ``OPENAI_NOTEBOOK_MODE``; the learner's mode (explore) is the default."""
    env = os.environ if env is None else env
    raw = explicit if explicit is not None else env.get(MODE_ENV, "") or DEFAULT_MODE
    try:
        return Mode(str(raw).strip().lower())
    except ValueError:
        choices = ", ".join(m.value for m in Mode)
        raise ConfigError(f"unknown notebook mode {raw!r} (from {MODE_ENV} or mode=); use one of: {choices}") from None


def cassettes_dir(explicit: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    value = explicit if explicit is not None else env.get(CASSETTES_ENV) or DEFAULT_CASSETTES_DIR
    return Path(value).expanduser().resolve()


def notebooks_dir(explicit: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    value = explicit if explicit is not None else env.get(NOTEBOOKS_ENV) or DEFAULT_NOTEBOOKS_DIR
    return Path(value).expanduser().resolve()


def check_notebook_name(name: str) -> str:
    """Cassette names become file names, so they are plain: ``01_embeddings``, not a path."""
    if not isinstance(name, str) or not _NOTEBOOK_NAME.fullmatch(name) or name.endswith((".yaml", ".ipynb")):
        raise ConfigError(
            f"notebook name {name!r} is not usable as a cassette name; pass the notebook's stem, "
            "e.g. helpers.start('01_embeddings')"
        )
    return name


def record_command(notebook: str) -> str:
    return f"make record NOTEBOOKS={notebook}"


def explore_call(notebook: str) -> str:
    return f'helpers.start("{notebook}", mode="explore")'


def load_env_file() -> Path | None:
    """Load the nearest ``.env`` (searching upward from the working directory) without overriding variables."""
    from dotenv import find_dotenv, load_dotenv

    found = find_dotenv(usecwd=True)
    if not found:
        return None
    load_dotenv(found, override=False)
    return Path(found)
