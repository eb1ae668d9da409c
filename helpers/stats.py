"""How long the harness itself takes: setup, loading recordings, matching and rebuilding responses.

The benchmark (``make bench``) sets ``OPENAI_NOTEBOOK_STATS`` to a file path; the kernel then keeps that file
up to date with the seconds spent in each phase, so the share of a notebook's run spent inside the harness can be
read from outside the kernel. Without the variable nothing is written.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager

from helpers.settings import STATS_ENV, stats_file

__all__ = ["STATS_ENV", "reset", "snapshot", "timed"]


_seconds: defaultdict[str, float] = defaultdict(float)
_counts: defaultdict[str, int] = defaultdict(int)


@contextmanager
def timed(phase: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        _seconds[phase] += time.perf_counter() - started
        _counts[phase] += 1
        _write()


def snapshot() -> dict[str, dict[str, float]]:
    return {phase: {"seconds": _seconds[phase], "count": _counts[phase]} for phase in sorted(_seconds)}


def reset() -> None:
    _seconds.clear()
    _counts.clear()


def _write() -> None:
    target = stats_file()
    if target is not None:
        target.write_text(json.dumps(snapshot()))
