"""Time and ids for the sandbox: real ones by default, a reproducible sequence for recordings.

With ``--reproducible`` (what ``python -m helpers record`` uses) the same requests against a fresh data dir give
the same file ids and timestamps, so re-recording a notebook changes its cassette only where behaviour changed.
"""

from __future__ import annotations

import hashlib
import itertools
import secrets
import string
import threading
import time
from collections.abc import Callable

ID_ALPHABET = string.ascii_letters + string.digits
# 2026-11-01T00:00:00Z: the reproducible clock's first tick.
REPRODUCIBLE_EPOCH = 1_793_491_200


def system_clock() -> float:
    return time.time()


def stepping_clock(start: float = REPRODUCIBLE_EPOCH, step: float = 1.0) -> Callable[[], float]:
    """A clock that starts at a fixed instant and advances ``step`` seconds each time it is read."""
    ticks = itertools.count()
    lock = threading.Lock()

    def now() -> float:
        with lock:
            return start + step * next(ticks)

    return now


def random_ids(prefix: str, length: int = 22) -> Callable[[], str]:
    return lambda: prefix + "".join(secrets.choice(ID_ALPHABET) for _ in range(length))


def sequential_ids(prefix: str, length: int = 22) -> Callable[[], str]:
    """Ids that look random but follow a fixed sequence (callers skip ids already taken)."""
    counter = itertools.count()
    lock = threading.Lock()

    def new_id() -> str:
        with lock:
            n = next(counter)
        digest = int.from_bytes(hashlib.sha256(f"{prefix}{n}".encode()).digest(), "big")
        chars = []
        for _ in range(length):
            digest, index = divmod(digest, len(ID_ALPHABET))
            chars.append(ID_ALPHABET[index])
        return prefix + "".join(chars)

    return new_id
