"""The harness's settings, read in one place and once per ``helpers.start()``.

Each setting comes from the first of: an argument of ``helpers.start()``, the process environment, a line of the
nearest ``.env`` file (searching upward from the working directory, with python-dotenv), a default. The ``.env``
file is read again on every ``start()`` and never copied into the environment, so editing it and re-running the
setup cell is enough to change a setting; and each setting remembers where it came from, so the banner and the
error messages can say how to change it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from helpers.config import (
    CANONICAL_BASE_URL,
    CASSETTES_ENV,
    DEFAULT_CASSETTES_DIR,
    MODE_ENV,
    PROJECT_ROOT,
    Mode,
    resolve_mode,
)
from helpers.recording.filters import SECRET_ENV_VARS

LANG_ENV = "OPENAI_NOTEBOOK_LANG"
STATS_ENV = "OPENAI_NOTEBOOK_STATS"
# "off": read no .env file (kernels the conformance harness starts against a server under test: the learner's
# .env holds keys and account ids meant for OpenAI only).
DOTENV_ENV = "OPENAI_NOTEBOOK_DOTENV"

Origin = Literal["argument", "environment", "dotenv", "default"]


@dataclass(frozen=True)
class Source:
    """Where a setting's value came from: ``dotenv`` with the file and line that set it."""

    origin: Origin
    name: str = ""  # the argument or variable
    value: str = ""
    file: Path | None = None
    line: int | None = None

    @property
    def shown_file(self) -> str:
        """The ``.env`` file as a reader should see it: relative to the project when inside it (no machine path)."""
        if self.file is None:
            return ".env"
        try:
            return str(self.file.relative_to(PROJECT_ROOT))
        except ValueError:
            return str(self.file)


@dataclass(frozen=True)
class DotEnv:
    """The nearest ``.env`` file's values, and on which line each is set."""

    path: Path | None
    values: Mapping[str, str]
    lines: Mapping[str, int]

    @classmethod
    def find(cls, *, enabled: bool = True) -> DotEnv:
        from dotenv import dotenv_values, find_dotenv

        found = find_dotenv(usecwd=True) if enabled else None
        if not found:
            return cls(None, {}, {})
        path = Path(found)
        values = {k: v for k, v in dotenv_values(path).items() if v is not None}
        return cls(path, values, _line_numbers(path, values))


_ASSIGNMENT = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=")


def _line_numbers(path: Path, names: Mapping[str, str]) -> dict[str, int]:
    """The last line that sets each name (python-dotenv keeps the last one, and does not say where it was)."""
    lines: dict[str, int] = {}
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return lines
    for number, line in enumerate(text.splitlines(), start=1):
        match = _ASSIGNMENT.match(line)
        if match and match.group(1) in names:
            lines[match.group(1)] = number
    return lines


@dataclass(frozen=True)
class Settings:
    mode: Mode
    mode_source: Source
    cassettes: Path
    lang: str | None  # "en"/"ko" when asked for; None: from the notebook's folder (helpers.messages)
    api_key: str | None
    base_url: str
    base_url_set: bool
    organization: str | None
    project: str | None
    secrets: Mapping[str, str]  # every secret variable that is set, for the secret guard
    dotenv: Path | None

    @property
    def account_ids(self) -> dict[str, str]:
        """The organisation and project ids in play, under their variables' names (for ``AccountIds``)."""
        return {"OPENAI_ORG_ID": self.organization or "", "OPENAI_PROJECT_ID": self.project or ""}

    @classmethod
    def resolve(
        cls,
        *,
        mode: Mode | str | None = None,
        cassettes: str | os.PathLike[str] | None = None,
        lang: str | None = None,
        environ: Mapping[str, str] | None = None,
        dotenv: DotEnv | None = None,
    ) -> Settings:
        env = os.environ if environ is None else environ
        file = dotenv if dotenv is not None else DotEnv.find(enabled=env.get(DOTENV_ENV) != "off")

        def get(name: str) -> str | None:
            return env.get(name) or file.values.get(name) or None

        chosen, source = _mode(mode, env, file)
        folder = cassettes if cassettes is not None else get(CASSETTES_ENV) or DEFAULT_CASSETTES_DIR
        return cls(
            mode=chosen,
            mode_source=source,
            cassettes=Path(folder).expanduser().resolve(),
            lang=lang if lang is not None else get(LANG_ENV),
            api_key=get("OPENAI_API_KEY"),
            base_url=get("OPENAI_BASE_URL") or CANONICAL_BASE_URL,
            base_url_set=get("OPENAI_BASE_URL") is not None,
            organization=get("OPENAI_ORG_ID"),
            project=get("OPENAI_PROJECT_ID"),
            secrets={name: value for name in SECRET_ENV_VARS if (value := get(name))},
            dotenv=file.path,
        )


def _mode(explicit: Mode | str | None, env: Mapping[str, str], file: DotEnv) -> tuple[Mode, Source]:
    if explicit is not None:
        return resolve_mode(explicit), Source("argument", "mode", str(explicit))
    if env.get(MODE_ENV):
        return resolve_mode(env[MODE_ENV]), Source("environment", MODE_ENV, env[MODE_ENV])
    if file.values.get(MODE_ENV):
        value = file.values[MODE_ENV]
        return resolve_mode(value), Source("dotenv", MODE_ENV, value, file.path, file.lines.get(MODE_ENV))
    return resolve_mode(None, {}), Source("default")


def stats_file(environ: Mapping[str, str] | None = None) -> Path | None:
    """Where ``make bench`` wants the harness's timings (``helpers.stats``), if anywhere."""
    value = (os.environ if environ is None else environ).get(STATS_ENV)
    return Path(value) if value else None
