"""The harness's own exceptions: every one says what happened and what to do next.

None of them subclasses ``openai.OpenAIError``, so ``except openai.OpenAIError`` in a notebook never hides a
replay miss, and the SDK neither wraps nor retries them (it only wraps ``httpx2.RequestError`` and friends).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from helpers.recording.interactions import RecordedRequest
    from helpers.recording.story import Cell
    from helpers.recording.wording import Miss


class HarnessError(Exception):
    """Base class for everything the record/replay harness raises.

    In Jupyter it shows as its own message only: IPython asks an exception for ``_render_traceback_`` before it
    formats the stack, so a learner sees what happened and what to do, not 100 lines of SDK and httpx frames.
    """

    def _render_traceback_(self) -> list[str]:
        return [f"\x1b[0;31m{type(self).__name__}\x1b[0m: {self}"]


class ConfigError(HarnessError):
    """A setting is wrong: unknown mode, bad notebook name, missing key for record mode."""


class CassetteNotFoundError(HarnessError):
    """Replay mode, but this notebook has no recording yet."""


class CassetteFormatError(HarnessError):
    """A cassette file or one of its side files is unreadable, of an unknown version, or corrupt."""


class CassetteWriteError(HarnessError):
    """Record mode could not write the cassette (disk full, read-only folder); what was saved before stays valid."""

    def __init__(self, message: str, *, notebook: str, path: str, reason: str) -> None:
        super().__init__(message)
        self.notebook = notebook
        self.path = path
        self.reason = reason


class CassetteMiss(HarnessError):
    """Replay mode: no recording answers the request the notebook just made (at this point of its story).

    ``miss`` holds the facts (notebook, cell, request, closest recording, the same request recorded elsewhere).
    """

    def __init__(self, message: str, *, miss: Miss) -> None:
        super().__init__(message)
        self.miss = miss

    @property
    def notebook(self) -> str:
        return self.miss.notebook

    @property
    def cell(self) -> Cell | None:
        return self.miss.cell

    @property
    def request(self) -> RecordedRequest:
        return self.miss.request

    @property
    def closest(self) -> RecordedRequest | None:
        return None if self.miss.closest is None else self.miss.closest.request

    @property
    def differences(self) -> list[str]:
        return [] if self.miss.closest is None else self.miss.closest.differences


class SandboxStartError(HarnessError):
    """The learner's mode needed the local sandbox for a request with no recording, and it could not start."""


class ServerUnreachableError(HarnessError):
    """Live or record mode: nothing answered at the configured base URL."""


class SecretLeakError(HarnessError):
    """Refused to write a recording because a secret's value would have been saved."""


class ClosedCassetteError(HarnessError):
    """A client from an earlier ``helpers.start()`` was used after a newer one replaced it."""


class NetworkBlockedError(HarnessError, OSError):
    """Replay mode forbids network access; an ``OSError`` so socket-level callers handle it as a failed connect."""
