"""Shared helpers for the notebooks: ``client = helpers.start("01_embeddings")`` at the top of each one.

Importing this package creates no client and reads no key; ``start()`` does the work. ``helpers.vcr`` is a
``vcr.VCR`` over the project's cassettes, for replaying them in your own code or tests (see
``helpers.recording.library``); it is built on first use.
"""

from typing import TYPE_CHECKING, Any

from helpers.config import Mode
from helpers.recording.errors import (
    CassetteFormatError,
    CassetteMiss,
    CassetteNotFoundError,
    CassetteWriteError,
    ConfigError,
    HarnessError,
    NetworkBlockedError,
    SecretLeakError,
)
from helpers.session import current, start, stop

if TYPE_CHECKING:
    from vcr import VCR

    vcr: VCR

__all__ = [
    "CassetteFormatError",
    "CassetteMiss",
    "CassetteNotFoundError",
    "CassetteWriteError",
    "ConfigError",
    "HarnessError",
    "Mode",
    "NetworkBlockedError",
    "SecretLeakError",
    "current",
    "start",
    "stop",
    "vcr",
]


def __getattr__(name: str) -> Any:
    if name == "vcr":  # built on first use: importing helpers does not import vcrpy
        from helpers.config import cassettes_dir
        from helpers.recording.library import make_vcr

        globals()["vcr"] = built = make_vcr(cassettes_dir())
        return built
    raise AttributeError(f"module 'helpers' has no attribute {name!r}")
