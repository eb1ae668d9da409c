"""One notebook's recordings: a ``vcr.cassette.Cassette`` (holds, matches, appends) and what vcrpy lacks.

vcrpy does the holding and the matching (with our matchers and filters). Ours, each for one reason:
- saving after every request (vcrpy saves only when the cassette is exited; a killed kernel would lose all),
- which recording answers: the same request at the same point of the notebook's story (``story``; vcrpy plays the
  first unused match, or with ``allow_playback_repeats`` always the first, whatever state it was recorded in),
- a miss names notebook, cell, request and closest recording (vcrpy names only its matchers), in the host's words
  (``wording``),
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
from vcr.matchers import requests_match
from vcr.record_mode import RecordMode
from vcr.request import Request

from helpers.recording import wording as words
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
from helpers.recording.files import BLOB_THRESHOLD, BlobFolder
from helpers.recording.filters import SecretGuard, scrub_request, scrub_response
from helpers.recording.header import NEVER_RECORDED, RecordingInfo
from helpers.recording.interactions import Interaction, RecordedRequest, RecordedResponse
from helpers.recording.matchers import MATCHERS, closest, summarize_request
from helpers.recording.persister import NotebookPersister, SaveFailed
from helpers.recording.story import Cell, Story, state_of

__all__ = ["NEVER_RECORDED", "Cassette", "RecordingInfo"]

_MATCH_ON = tuple(MATCHERS.values())


def _what_to_do(error: OSError, directory: Path, wording: words.Wording) -> str:
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return "Free some disk space"
    if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return wording.unwritable(directory)
    return "Fix the cause above"


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
        wording: words.Wording | None = None,
    ) -> None:
        self.notebook = notebook
        self.wording = wording or words.current()
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
        self._story: Story | None = None
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
    def load(cls, notebook: str, directory: Path, *, wording: words.Wording | None = None) -> Cassette:
        path = directory / f"{notebook}.yaml"
        if not path.is_file():  # vcrpy would start an empty cassette
            raise CassetteNotFoundError((wording or words.current()).not_found(notebook, path))
        accounts = AccountIds()
        # Scrubbed when saved: loading skips the response filter (vcrpy would re-run it on every loaded response).
        options = cls.vcr_options(accounts) | {"record_mode": RecordMode.NONE, "before_record_response": None}
        loaded = VcrCassette.load(path=str(path), **options)  # our persister raises CassetteFormatError
        info = RecordingInfo.from_yaml(loaded.get_metadata("recorded_with", None), notebook)
        return cls(notebook, directory, info, accounts=accounts, vcr_cassette=loaded, wording=wording)

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
        wording: words.Wording | None = None,
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
            wording=wording,
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
            self._story = None  # a story is of a finished recording
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
            f"{f' ({code})' if code else ''}. {after} {_what_to_do(error, self.directory, self.wording)}, then "
            f"re-record with: {self.wording.rerecord(self.notebook)}",
            notebook=self.notebook,
            path=str(self.path),
            reason=reason,
        )

    # --- replaying --------------------------------------------------------------------------------------------

    @property
    def story(self) -> Story:
        """This session's progress through the recording (see ``helpers.recording.story``)."""
        if self._story is None:
            requests = [(str(r.method).upper(), from_vcr_request(r).path) for r in self.vcr.requests]
            responses = self.vcr.responses
            cells = [None if r.get(CELL_KEY) is None else str(r[CELL_KEY]) for r in responses]
            self._story = Story(requests, cells, [int(r["status"]["code"]) for r in responses])
        return self._story

    def play(self, request: RecordedRequest, *, cell: Cell | None = None) -> RecordedResponse:
        return from_vcr_response(self.play_vcr(to_vcr_request(request), cell=cell)[1])

    def play_vcr(self, request: Request, *, cell: Cell | None = None) -> tuple[Request, VcrResponse]:
        """The recording that answers this request at this point of the story (see ``story``), as the scrubbed
        request and the recorded response; otherwise a ``CassetteMiss``."""
        with self._lock:
            self._check_open()
            asked = self.vcr.filter_request(request)
            matching = [i for i, stored in enumerate(self.vcr.requests) if requests_match(asked, stored, _MATCH_ON)]
            story = self.story
            index = story.choose(matching, cell)
            if index is None:
                raise self.miss(from_vcr_request(asked), cell, matching)
            story.answered(index, matching, cell)
            self.vcr.play_counts[index] += 1
            response: VcrResponse = self.vcr.data[index][1]
            return asked, response

    def depends_on_live_state(self, request: Request) -> bool:
        """In the learner's mode, once a kind of state went live, every request on it goes live."""
        state = state_of(from_vcr_request(request).path)
        return state is not None and state in self.story.diverged

    def _summaries(self, indices: tuple[int, ...] | list[int]) -> list[str]:
        requests = self.vcr.requests
        return [summarize_request(from_vcr_request(requests[i]), limit=60) for i in indices]

    def miss(self, request: RecordedRequest, cell: Cell | None, matching: list[int] | None = None) -> CassetteMiss:
        recorded = [from_vcr_request(r) for r in self.vcr.requests]
        story = self.story
        elsewhere = []
        for index in story.elsewhere(matching or []):
            point = story.points[index]
            elsewhere.append(words.OtherPoint(index, self._summaries(point.changes if point else ())))
        state = state_of(request.path)
        nearest = closest(request, recorded)
        miss = words.Miss(
            notebook=self.notebook,
            cassette=self.path.name,
            recordings=len(recorded),
            cell=cell,
            request=request,
            closest=None if nearest is None else words.Closest(nearest[0], recorded[nearest[0]], nearest[1]),
            elsewhere=elsewhere,
            changes_so_far=self._summaries(story.taken.get(state, ())) if state else [],
        )
        return CassetteMiss(self.wording.miss(miss), miss=miss)

    def state_changes(self, indices: tuple[int, ...]) -> list[Interaction]:
        """The recorded state changes ``indices`` name, as data (the learner's mode gives them to its sandbox)."""
        return [from_vcr(self.vcr.requests[i], self.vcr.responses[i]) for i in indices]

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
            raise ClosedCassetteError(self.wording.closed(self.notebook))
