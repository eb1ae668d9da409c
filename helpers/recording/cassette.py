"""One notebook's recordings: a ``vcr.cassette.Cassette`` (holds, matches, plays, appends) and what vcrpy lacks.

vcrpy does the holding and the matching (with our matchers and filters). Ours, each for one reason:
- saving after every request (vcrpy saves only when the cassette is exited; a killed kernel would lose all),
- per-cell replay order and "the last match again once all are used" (vcrpy plays the first unused, or with
  ``allow_playback_repeats`` always the first),
- the miss message naming notebook, cell, request and closest recording (vcrpy names only its matchers),
- a missing or corrupt cassette is an error here (vcrpy starts empty: issues #501, #1022).
"""

from __future__ import annotations

import copy
import datetime as dt
import errno
import threading
import warnings
from collections.abc import Callable
from pathlib import Path

from vcr.cassette import Cassette as VcrCassette
from vcr.errors import UnhandledHTTPRequestError
from vcr.matchers import requests_match
from vcr.record_mode import RecordMode
from vcr.request import Request

from helpers.config import BLOB_THRESHOLD, CASSETTES_ENV, explore_call, record_command
from helpers.messages import Messages, columns, text
from helpers.recording.accounts import AccountIds
from helpers.recording.convert import (
    CELL_KEY,
    VcrResponse,
    from_vcr,
    from_vcr_request,
    from_vcr_response,
    to_vcr,
    to_vcr_request,
)
from helpers.recording.errors import CassetteMiss, CassetteNotFoundError, CassetteWriteError, ClosedCassetteError
from helpers.recording.files import BlobFolder
from helpers.recording.filters import SecretGuard, scrub_request, scrub_response
from helpers.recording.header import NEVER_RECORDED, RecordingInfo
from helpers.recording.interactions import Interaction, RecordedRequest, RecordedResponse
from helpers.recording.matchers import MATCHERS, SHOWN_DIFFERENCES, closest, summarize_request
from helpers.recording.persister import NotebookPersister, SaveFailed

__all__ = ["NEVER_RECORDED", "Cassette", "RecordingInfo"]

CellRef = tuple[int, str]  # (execution count, first line of the cell's source)
_MATCH_ON = tuple(MATCHERS.values())


def _what_to_do(error: OSError, directory: Path) -> str:
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return "Free some disk space"
    if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return f"Make {directory} writable (or point {CASSETTES_ENV} at a writable folder)"
    return "Fix the cause above"


def _what_next(notebook: str, say: Messages) -> list[tuple[str, str]]:
    """A strict miss: the learner's mode first (it answers changed requests), re-recording second, step by step."""
    return [
        (say.miss_try, say.miss_try_value.format(explore_call=explore_call(notebook))),
        (say.miss_rerecord, say.miss_rerecord_value.format(command=record_command(notebook))),
    ]


class Cassette:
    """``vcr`` is the vcrpy cassette; ``accounts`` the account ids its filters replace."""

    def __init__(
        self,
        notebook: str,
        directory: Path,
        info: RecordingInfo,
        interactions: list[Interaction] | None = None,
        *,
        threshold: int = BLOB_THRESHOLD,
        guard: SecretGuard | None = None,
        accounts: AccountIds | None = None,
        client_base_url: str | None = None,
        vcr_cassette: VcrCassette | None = None,
    ) -> None:
        self.notebook = notebook
        self.directory = directory
        self.path = directory / f"{notebook}.yaml"
        self.blobs = BlobFolder(directory, notebook)
        self.info = info
        self.persister = NotebookPersister(guard, threshold)
        self.accounts = accounts if accounts is not None else AccountIds()
        self._scrub_response = scrub_response(self.accounts)
        self.vcr = vcr_cassette or VcrCassette(path=str(self.path), **self.vcr_options(self.accounts, client_base_url))
        for interaction in interactions or []:
            self.vcr.append(*to_vcr(interaction))
        self.listeners: list[Callable[[Cassette], None]] = []
        self.closed = False
        self._cell_runs: dict[str, tuple[int, set[int]]] = {}  # cell hash -> (its current run, recordings used)
        self._lock = threading.Lock()

    @staticmethod
    def vcr_options(accounts: AccountIds | None = None, client_base_url: str | None = None) -> dict[str, object]:
        """What ``vcr.VCR(...).use_cassette`` would pass to ``Cassette``: our matchers, filters and persister."""
        return {
            "persister": NotebookPersister(),
            "match_on": tuple(MATCHERS.values()),
            "before_record_request": scrub_request(accounts, *([client_base_url] if client_base_url else [])),
            "before_record_response": scrub_response(accounts),
            "record_mode": RecordMode.NEW_EPISODES,
        }

    @property
    def guard(self) -> SecretGuard:
        return self.persister.guard

    @property
    def interactions(self) -> list[Interaction]:
        return [from_vcr(request, response) for request, response in self.vcr.data]

    # --- opening ----------------------------------------------------------------------------------------------

    @classmethod
    def load(cls, notebook: str, directory: Path) -> Cassette:
        path = directory / f"{notebook}.yaml"
        if not path.is_file():  # vcrpy would start an empty cassette
            message = text().not_found.format(notebook=notebook, path=path, command=record_command(notebook))
            raise CassetteNotFoundError(message)
        accounts = AccountIds()
        # Scrubbed when saved: loading skips the response filter (vcrpy would re-run it on every loaded response).
        options = cls.vcr_options(accounts) | {"record_mode": RecordMode.NONE, "before_record_response": None}
        loaded = VcrCassette.load(path=str(path), **options)  # our persister raises CassetteFormatError
        info = RecordingInfo.from_yaml(loaded.get_metadata("recorded_with", None), notebook)
        return cls(notebook, directory, info, accounts=accounts, vcr_cassette=loaded)

    @classmethod
    def start_recording(
        cls,
        notebook: str,
        directory: Path,
        *,
        sdk: str,
        guard: SecretGuard,
        threshold: int = BLOB_THRESHOLD,
        today: dt.date | None = None,
        accounts: AccountIds | None = None,
        client_base_url: str | None = None,
    ) -> Cassette:
        """Re-record from scratch: the old recording is replaced by an empty one *now*, then grows per request.

        The empty cassette is written before the old side files are removed, so at every moment the YAML only
        references side files that exist; a killed kernel leaves a valid cassette of what it recorded.
        """
        recorded_on = (today or dt.datetime.now(dt.UTC).date()).isoformat()
        info = RecordingInfo(notebook, recorded_on, sdk)
        cassette = cls(
            notebook,
            directory,
            info,
            threshold=threshold,
            guard=guard,
            accounts=accounts,
            client_base_url=client_base_url,
        )
        try:
            cassette.persister.save(cassette.path, info, [])
        except SaveFailed as exc:
            raise cassette._write_error("start recording", exc, "The previous recording was left as it was.") from exc
        try:
            cassette.blobs.clear()
            for leftover in directory.glob(f".{notebook}.yaml.*.tmp"):  # from a process killed mid-write
                leftover.unlink(missing_ok=True)
        except OSError as exc:
            after = f"The cassette was emptied, but old side files may be left in {cassette.blobs.folder}."
            failed = SaveFailed(Path(exc.filename or cassette.blobs.folder), exc)
            raise cassette._write_error("start recording", failed, after, doing_what="removing") from exc
        return cassette

    # --- recording --------------------------------------------------------------------------------------------

    def record(self, interaction: Interaction) -> None:
        """Append one interaction and save the whole cassette atomically."""
        self.record_vcr(*to_vcr(interaction))

    def record_vcr(self, request: Request, response: VcrResponse) -> tuple[Request, VcrResponse]:
        """Scrub (vcrpy's filters), save everything atomically, then append; returns the scrubbed pair.

        Saved before it is appended: a failed save leaves both the file and the cassette in memory as they were.
        """
        with self._lock:
            self._check_open()
            request = self.vcr.filter_request(request)
            response = self._scrub_response(copy.deepcopy(response))
            info = self.info.copy()
            info.learn_from(from_vcr_response(response))
            try:
                self.persister.save(self.path, info, [*self.vcr.data, (request, response)])
            except SaveFailed as exc:
                saved, recorded = len(self.vcr), from_vcr_request(request)
                after = (
                    f"The cassette still holds the {saved} request(s) recorded before this one; this request "
                    f"({recorded.method} {recorded.path}) reached the server but was not recorded."
                )
                raise self._write_error("save the recording of", exc, after) from exc
            self.vcr.append(request, response)  # vcrpy runs the (idempotent) filters again
            self.vcr.play_counts[len(self.vcr) - 1] += 1  # what is recorded now counts as used
            self.info = info
        for listener in list(self.listeners):
            try:
                listener(self)
            except Exception as exc:  # a banner refresh must never fail the request that was just saved
                warnings.warn(f"could not refresh the recording banner: {exc!r}", RuntimeWarning, stacklevel=2)
        return request, response

    def _write_error(
        self, doing: str, failure: SaveFailed, after: str, *, doing_what: str = "writing"
    ) -> CassetteWriteError:
        error = failure.error
        reason = error.strerror or str(error)
        code = errno.errorcode.get(error.errno or 0)
        return CassetteWriteError(
            f"Could not {doing} notebook {self.notebook}: {doing_what} {failure.target} failed: {reason}"
            f"{f' ({code})' if code else ''}. {after} {_what_to_do(error, self.directory)}, then re-record with: "
            f"{record_command(self.notebook)}",
            notebook=self.notebook,
            path=str(self.path),
            reason=reason,
        )

    # --- replaying --------------------------------------------------------------------------------------------

    def play(
        self, request: RecordedRequest, *, cell: CellRef | None = None, run: CellRef | None = None
    ) -> RecordedResponse:
        return from_vcr_response(self.play_vcr(to_vcr_request(request), cell=cell, run=run))

    def play_vcr(self, request: Request, *, cell: CellRef | None = None, run: CellRef | None = None) -> VcrResponse:
        """The recording for this request.

        ``run`` is (execution count, cell hash) of the running cell. Recordings made by the same cell come first,
        in their order, and a new run of that cell starts over at its first recording, so re-running an earlier
        cell shows that cell's answers again, not a later cell's. Without a match there (or outside Jupyter): the
        first unused recording that matches, in recorded order (vcrpy's ``play_response``); once all matching ones
        are used, the last of them again. Otherwise a ``CassetteMiss``.
        """
        with self._lock:
            self._check_open()
            own = self._play_own(request, run)
            if own is not None:
                return own
            try:  # an unused match
                response: VcrResponse = self.vcr.play_response(request)
                return response
            except UnhandledHTTPRequestError:
                pass
            try:
                last: VcrResponse = self.vcr.responses_of(request)[-1]
                return last
            except UnhandledHTTPRequestError:
                raise self.miss(from_vcr_request(self.vcr.filter_request(request)), cell) from None

    def _play_own(self, request: Request, run: CellRef | None) -> VcrResponse | None:
        if run is None:
            return None
        count, key = run
        taken = self._cell_runs.get(key)
        if taken is None or taken[0] != count:  # the first request of a new run of this cell: start over
            taken = self._cell_runs[key] = (count, set())
        wanted = None
        for index, (stored, response) in enumerate(self.vcr.data):
            if response.get(CELL_KEY) != key or index in taken[1]:
                continue
            wanted = wanted or self.vcr.filter_request(request)
            if requests_match(wanted, stored, _MATCH_ON):
                taken[1].add(index)
                self.vcr.play_counts[index] += 1
                return response  # type: ignore[no-any-return]
        return None

    def miss(self, request: RecordedRequest, cell: CellRef | None) -> CassetteMiss:
        say = text()
        recorded = [from_vcr_request(r) for r in self.vcr.requests]
        nearest = closest(request, recorded)
        asked = {"method": request.method, "path": request.path, "notebook": self.notebook}
        asked["where"] = say.miss_where.format(count=cell[0]) if cell else ""
        value = say.miss_notebook_value.format(notebook=self.notebook, cassette=self.path.name, count=len(recorded))
        rows = [
            (say.miss_notebook, value),
            (say.miss_cell, f"[{cell[0]}] {cell[1]}" if cell else say.miss_no_cell),
            (say.miss_request, summarize_request(request)),
        ]
        if nearest is None:
            headline = say.miss_empty.format(**asked)
            rows.append((say.miss_closest, say.miss_closest_none))
        else:
            index, differences = nearest
            headline = say.miss_closest_differs.format(
                **asked, first=differences[0] if differences else say.miss_nothing
            )
            rows.append((say.miss_closest, f"#{index + 1} {summarize_request(recorded[index])}"))
            shown = differences[:SHOWN_DIFFERENCES]
            more = len(differences) - len(shown)
            rows.append((say.miss_differs, (shown[0] if shown else "") + say.miss_differs_note))
            rows += [("", d) for d in shown[1:]]
            if more > 0:
                rows.append(("", say.miss_more.format(more=more)))
        lines = [*columns(rows + _what_next(self.notebook, say)), say.miss_unchanged]
        message = f"{headline}\n" + "\n".join("  " + line for line in lines)
        return CassetteMiss(
            message,
            notebook=self.notebook,
            cell=cell,
            request=request,
            closest=None if nearest is None else recorded[nearest[0]],
            differences=[] if nearest is None else nearest[1],
        )

    @property
    def unused(self) -> int:
        return sum(1 for index in range(len(self.vcr)) if self.vcr.play_counts[index] == 0)

    # --- lifetime ---------------------------------------------------------------------------------------------

    def close(self) -> None:
        self.closed = True

    def ensure_open(self) -> None:
        with self._lock:
            self._check_open()

    def _check_open(self) -> None:
        if self.closed:
            raise ClosedCassetteError(text().closed.format(notebook=self.notebook))
