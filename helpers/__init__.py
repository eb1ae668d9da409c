"""Shared helpers for the notebooks: ``client = helpers.start("01_embeddings")`` at the top of each one.

Importing this package creates no client and reads no key; ``start()`` does the work.
"""

from helpers.config import Mode
from helpers.errors import (
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
]
