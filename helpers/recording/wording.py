"""What the recording engine says, passed in by whoever uses it: it holds the facts, the host chooses the words.

The engine raises its errors with the facts as data (``Miss``: notebook, cell, request, closest recording, the same
request recorded at another point of the story) and asks a ``Wording`` for the sentence. ``PlainWording`` is plain
English; ``helpers`` passes its own (English or Korean, with advice that fits how the notebook was started).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from helpers.recording.interactions import RecordedRequest
from helpers.recording.matchers import SHOWN_DIFFERENCES, summarize_request
from helpers.recording.story import Cell


@dataclass(frozen=True)
class Closest:
    index: int
    request: RecordedRequest
    differences: list[str]


@dataclass(frozen=True)
class OtherPoint:
    """The same request, recorded when the state it reads was different: which state changes came before it."""

    index: int
    changes_before: list[str]  # summaries of the state changes recorded before it


@dataclass(frozen=True)
class Miss:
    notebook: str
    cassette: str  # its file name
    recordings: int
    cell: Cell | None
    request: RecordedRequest
    closest: Closest | None
    elsewhere: list[OtherPoint] = field(default_factory=list)
    changes_so_far: list[str] = field(default_factory=list)  # the state changes this kernel was answered with


class Wording(Protocol):
    def miss(self, miss: Miss) -> str: ...

    def not_found(self, notebook: str, path: Path) -> str: ...

    def closed(self, notebook: str) -> str: ...

    def unreachable(self, base_url: str, error: Exception) -> str: ...

    def rerecord(self, notebook: str) -> str:
        """How to re-record ``notebook`` (in the cassette's header comment and write errors)."""
        ...

    def unwritable(self, directory: Path) -> str:
        """What to do when the cassette folder cannot be written."""
        ...


class PlainWording:
    """Plain English, for anyone using the engine on its own."""

    def miss(self, miss: Miss) -> str:
        where = f" (cell [{miss.cell.count}])" if miss.cell else ""
        lines = [f"No recording answers {miss.request.method} {miss.request.path} in {miss.notebook}{where}."]
        lines.append(f"  request:  {summarize_request(miss.request)}")
        if miss.elsewhere:
            before = ", ".join(miss.elsewhere[0].changes_before) or "no state change"
            now = ", ".join(miss.changes_so_far) or "no state change"
            lines.append(f"  recorded: only at another point of the notebook (after {before}; this kernel: {now})")
        elif miss.closest is not None:
            lines.append(f"  closest:  #{miss.closest.index + 1} {summarize_request(miss.closest.request)}")
            lines += [f"  differs:  {d}" for d in miss.closest.differences[:SHOWN_DIFFERENCES]]
        return "\n".join(lines)

    def not_found(self, notebook: str, path: Path) -> str:
        return f"notebook {notebook} has no recording yet ({path} does not exist)"

    def closed(self, notebook: str) -> str:
        return f"this client's cassette for {notebook} was closed; use the client of the newer session"

    def unreachable(self, base_url: str, error: Exception) -> str:
        return f"Nothing answered at {base_url} ({type(error).__name__}: {error})."

    def rerecord(self, notebook: str) -> str:
        return f"your recording command for {notebook}"

    def unwritable(self, directory: Path) -> str:
        return f"Make {directory} writable (or record into a writable folder)"


PLAIN = PlainWording()
_current: Wording = PLAIN


def use(wording: Wording | None) -> None:
    """The wording for cassettes opened from now on (``helpers`` sets its own at import)."""
    global _current
    _current = wording or PLAIN


def current() -> Wording:
    return _current
