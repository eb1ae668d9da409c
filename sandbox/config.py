"""The sandbox's settings, resolved once at start: command-line flags beat environment variables, which beat
the defaults. Nothing else in the sandbox reads the environment.

=========================== ===================== =========================================================
Environment variable        Flag                  Setting
=========================== ===================== =========================================================
``SANDBOX_DATA_DIR``        ``--data-dir``        where uploaded files are kept (default ``.sandbox-data``)
``SANDBOX_API_KEY``         ``--api-key``         the bearer key requests must send (``--no-api-key``: none)
``SANDBOX_REPRODUCIBLE``    ``--reproducible``    fixed clock and id sequence (``--no-reproducible``: off)
``SANDBOX_LIMIT_SCALE``     ``--limit-scale``     tests only: multiply every request-body limit
``SANDBOX_TEST_PAUSE_AT``   (none)                tests only: pause the file store at a named step ...
``SANDBOX_TEST_PAUSE_MARKER`` (none)              ... and write the process id to this file there
=========================== ===================== =========================================================

Booleans in the environment are ``1``/``true``/``yes``/``on`` or ``0``/``false``/``no``/``off`` (any case); an
empty variable counts as unset. A value that cannot be read stops the start with a message naming the variable.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DATA_DIR = Path(".sandbox-data")


@dataclass(frozen=True)
class Settings:
    """Everything ``python -m sandbox`` and the app factory need; ``Settings()`` is the defaults, environment unread."""

    host: str = "127.0.0.1"
    port: int = 8000
    data_dir: Path = DEFAULT_DATA_DIR
    api_key: str | None = None
    # Tests and benchmarks may skip the sentence model to start fast; the routes that need it then say so.
    load_models: bool = True
    # Fixed clock and id sequence, so recordings made against a fresh data dir are reproducible.
    reproducible: bool = False
    # Tests only: multiply every request-body limit (e.g. 0.002 turns the 512 MB upload limit into ~1 MB).
    limit_scale: float = 1.0
    # The learner's mode (see sandbox.lifetime and routers/restore): a temporary data folder, stop when the parent
    # does, and /sandbox/* to restore what a recording says exists.
    temporary_data: bool = False
    exit_with_parent: bool = False
    restorable: bool = False
    # Tests only: pause the file store at this step of create() (sandbox.stores.files.PAUSE_POINTS), so a test can
    # kill -9 the process right there; the process id is written to the marker file first.
    test_pause_at: str | None = None
    test_pause_marker: Path | None = None


class SettingsError(ValueError):
    """An environment variable whose value cannot be read."""


def _flag(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ValueError("expected 1/true/yes/on or 0/false/no/off")


def _scale(text: str) -> float:
    value = float(text)
    if not (math.isfinite(value) and value > 0):
        raise ValueError("expected a positive number")
    return value


@dataclass(frozen=True)
class Variable:
    """One environment variable: its name, the setting it gives, and how its text is read."""

    name: str
    setting: str
    read: Callable[[str], object]


ENVIRONMENT = (
    Variable("SANDBOX_DATA_DIR", "data_dir", Path),
    Variable("SANDBOX_API_KEY", "api_key", str),
    Variable("SANDBOX_REPRODUCIBLE", "reproducible", _flag),
    Variable("SANDBOX_LIMIT_SCALE", "limit_scale", _scale),
    Variable("SANDBOX_TEST_PAUSE_AT", "test_pause_at", str),
    Variable("SANDBOX_TEST_PAUSE_MARKER", "test_pause_marker", Path),
)


def from_environment(environ: Mapping[str, str]) -> dict[str, object]:
    """The settings the environment gives (set, non-empty variables only)."""
    found: dict[str, object] = {}
    for variable in ENVIRONMENT:
        text = environ.get(variable.name, "")
        if not text:
            continue
        try:
            found[variable.setting] = variable.read(text)
        except ValueError as exc:
            raise SettingsError(f"{variable.name}={text!r} cannot be used: {exc}.") from None
    return found


def parser() -> argparse.ArgumentParser:
    """Every flag defaults to "not given" (SUPPRESS), so only flags on the command line override anything."""
    quiet = argparse.SUPPRESS
    p = argparse.ArgumentParser(prog="python -m sandbox", argument_default=quiet, description=_DESCRIPTION)
    p.add_argument("--host", help="bind address (default: 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default: 8000; 0 picks a free one)")
    p.add_argument("--data-dir", type=Path, help=f"where uploaded files are kept (default: {DEFAULT_DATA_DIR})")
    key = p.add_mutually_exclusive_group()
    key.add_argument("--api-key", help="requests must send this bearer key (SANDBOX_API_KEY)")
    key.add_argument("--no-api-key", dest="api_key", action="store_const", const=None, help="accept any key")
    p.add_argument(
        "--reproducible",
        action=argparse.BooleanOptionalAction,
        help="fixed clock and id sequence, for reproducible recordings (SANDBOX_REPRODUCIBLE)",
    )
    p.add_argument("--limit-scale", type=_scale, help="tests only: multiply every body limit (SANDBOX_LIMIT_SCALE)")
    p.add_argument(
        "--no-models", dest="load_models", action="store_false", help="skip loading the sentence model (fast start)"
    )
    learner = p.add_argument_group("the sandbox a notebook starts for itself (the learner's mode)")
    learner.add_argument(
        "--temporary-data", action="store_true", help="keep files in a new temporary folder, removed when it stops"
    )
    learner.add_argument("--exit-with-parent", action="store_true", help="stop when stdin closes (the parent ended)")
    learner.add_argument(
        "--restorable", action="store_true", help="serve /sandbox/* to restore a recording's files and reset"
    )
    return p


_DESCRIPTION = "Serve the sandbox on loopback. Flags beat SANDBOX_* environment variables, which beat defaults."


def resolve(argv: Sequence[str] | None, environ: Mapping[str, str]) -> Settings:
    """Defaults, then the environment, then the command line: the last one that says something wins."""
    given = parser().parse_args(argv)
    try:
        from_env = from_environment(environ)
    except SettingsError as exc:
        raise SystemExit(f"python -m sandbox: {exc}") from None
    return dataclasses.replace(Settings(), **{**from_env, **vars(given)})
