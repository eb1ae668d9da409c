"""One notebook's recordings: loaded for replay, or started empty and saved after every request when recording."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpers.config import BLOB_THRESHOLD, CASSETTES_ENV, explore_call, record_command
from helpers.errors import (
    CassetteFormatError,
    CassetteMiss,
    CassetteNotFoundError,
    CassetteWriteError,
    ClosedCassetteError,
)
from helpers.filters import SecretGuard
from helpers.interactions import Interaction, RecordedRequest, RecordedResponse
from helpers.matchers import SHOWN_DIFFERENCES, closest, requests_match, summarize_request
from helpers.persisters import BlobFolder, atomic_write
from helpers.serializers import (
    FORMAT_VERSION,
    dump_interaction_chunk,
    interaction_from_yaml,
    interaction_to_yaml,
    load_yaml,
    render_cassette,
)

SANDBOX_HEADER = "x-sandbox"
STAND_IN_HEADER = "x-sandbox-stand-in"

CellRef = tuple[int, str]  # (execution count, first line of the cell's source)
NEVER_RECORDED = "never"  # recorded_on of an empty stand-in cassette (explore mode, notebook without a recording)


@dataclass
class RecordingInfo:
    """The cassette header: where, when and with what the responses were recorded. The banner shows only this."""

    notebook: str
    recorded_on: str
    sdk: str
    target: str | None = None  # "openai" or "sandbox"; None until the first response
    server: str | None = None  # the sandbox's x-sandbox header
    stand_ins: list[str] = field(default_factory=list)

    def learn_from(self, response: RecordedResponse) -> None:
        server = response.header(SANDBOX_HEADER)
        if server is not None:
            self.target, self.server = "sandbox", self.server or server
        elif self.target is None:
            self.target = "openai"
        stand_in = response.header(STAND_IN_HEADER)
        if stand_in and stand_in not in self.stand_ins:
            self.stand_ins.append(stand_in)

    def to_yaml(self) -> dict[str, Any]:
        data: dict[str, Any] = {"notebook": self.notebook, "recorded_on": self.recorded_on, "sdk": self.sdk}
        data["target"] = self.target
        if self.server is not None:
            data["server"] = self.server
        if self.stand_ins:
            data["stand_ins"] = list(self.stand_ins)
        return data

    @classmethod
    def from_yaml(cls, data: Any, notebook: str) -> RecordingInfo:
        if not isinstance(data, dict):
            raise CassetteFormatError("it has no 'recorded_with' header")
        stand_ins = data.get("stand_ins") or []
        if not isinstance(stand_ins, list):
            raise CassetteFormatError("'recorded_with.stand_ins' is not a list")
        return cls(
            notebook=str(data.get("notebook", notebook)),
            recorded_on=str(data.get("recorded_on", "an unknown date")),
            sdk=str(data.get("sdk", "an unknown SDK version")),
            target=data.get("target"),
            server=data.get("server"),
            stand_ins=[str(s) for s in stand_ins],
        )


class _PendingBlobs:
    """Collects the side files one save needs, so all of them are checked before any is written."""

    def __init__(self, folder: BlobFolder) -> None:
        self.folder = folder
        self.items: dict[str, bytes] = {}

    def put(self, data: bytes) -> str:
        ref = self.folder.ref_for(data)
        self.items[ref] = data
        return ref


class _CachedBlobs:
    def __init__(self, folder: BlobFolder) -> None:
        self.folder = folder
        self.cache: dict[str, bytes] = {}

    def get(self, ref: str) -> bytes:
        if ref not in self.cache:
            self.cache[ref] = self.folder.read(ref)
        return self.cache[ref]


def _interaction_name(number: int, item: Any) -> str:
    """``interaction #3 (GET https://…/v1/models)``: enough to find it in the YAML, even when it is mangled."""
    request = item.get("request") if isinstance(item, dict) else None
    if isinstance(request, dict) and "method" in request and "uri" in request:
        return f"interaction #{number} ({request['method']} {request['uri']})"
    return f"interaction #{number}"


def _what_to_do(error: OSError, directory: Path) -> str:
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return "Free some disk space"
    if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return f"Make {directory} writable (or point {CASSETTES_ENV} at a writable folder)"
    return "Fix the cause above"


def _what_next(notebook: str) -> list[str]:
    """A strict miss: the learner's mode first (it answers changed requests), re-recording second, step by step."""
    return [
        f"try it:    strict replay (OPENAI_NOTEBOOK_MODE=replay) answers only recorded requests. To get an answer, "
        f"use the learner's mode: unset OPENAI_NOTEBOOK_MODE (or call {explore_call(notebook)}) and re-run the "
        "setup cell; a local sandbox then answers changed requests live.",
        f"re-record: to change the committed recording instead: save the notebook, run `{record_command(notebook)}` "
        "in a terminal, then reload the notebook from disk (File > Reload Notebook from Disk) before editing again.",
        "Replay never uses the network and did not change the cassette.",
    ]


def _comment(notebook: str) -> str:
    return (
        f"HTTP recorded for the notebook {notebook} (vcrpy cassette layout, version {FORMAT_VERSION}; JSON bodies "
        "as data,\nlarge payloads in side files under "
        f"{notebook}/). Written by helpers; re-record with: {record_command(notebook)}"
    )


class Cassette:
    def __init__(
        self,
        notebook: str,
        directory: Path,
        info: RecordingInfo,
        interactions: list[Interaction] | None = None,
        *,
        threshold: int = BLOB_THRESHOLD,
        guard: SecretGuard | None = None,
    ) -> None:
        self.notebook = notebook
        self.directory = directory
        self.path = directory / f"{notebook}.yaml"
        self.blobs = BlobFolder(directory, notebook)
        self.info = info
        self.interactions: list[Interaction] = list(interactions or [])
        self.threshold = threshold
        self.guard = guard or SecretGuard()
        self.listeners: list[Callable[[Cassette], None]] = []
        self.closed = False
        self._played = [False] * len(self.interactions)
        self._cell_runs: dict[str, tuple[int, set[int]]] = {}  # cell hash -> (its current run, recordings used)
        self._chunks: list[str] = []
        self._lock = threading.Lock()

    # --- opening ----------------------------------------------------------------------------------------------

    @classmethod
    def load(cls, notebook: str, directory: Path) -> Cassette:
        path = directory / f"{notebook}.yaml"
        if not path.is_file():
            raise CassetteNotFoundError(
                f"notebook {notebook} has no recording yet ({path} does not exist). "
                f"Record it with: {record_command(notebook)}  (or set OPENAI_NOTEBOOK_MODE=live)"
            )
        fix = f"Restore the cassette's files from version control, or re-record with: {record_command(notebook)}"
        try:
            data = load_yaml(path.read_text(encoding="utf-8"))
        except Exception as exc:  # yaml raises many types; all mean the same to the reader
            raise CassetteFormatError(f"cassette {path} is not readable YAML: {exc}\n{fix}") from exc
        if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
            if isinstance(data, dict):
                found = f"version {data.get('version')!r}"
            else:
                found = "an empty file" if data is None else f"a YAML {type(data).__name__}"
            raise CassetteFormatError(
                f"cassette {path} is not a version-{FORMAT_VERSION} cassette (found {found}). {fix}"
            )
        blobs = _CachedBlobs(BlobFolder(directory, notebook))  # every side file is read and checked right now
        try:
            info = RecordingInfo.from_yaml(data.get("recorded_with"), notebook)
            items = data.get("interactions")  # always written, last: missing means a cut-off file
            if not isinstance(items, list):
                raise CassetteFormatError("it has no 'interactions' list (cut off?)")
            interactions = []
            for number, item in enumerate(items, start=1):
                try:
                    interactions.append(interaction_from_yaml(item, blobs))
                except CassetteFormatError as exc:
                    raise CassetteFormatError(f"{_interaction_name(number, item)}: {exc}") from exc
        except CassetteFormatError as exc:
            raise CassetteFormatError(f"cassette {path} cannot be replayed: {exc}. {fix}") from exc
        return cls(notebook, directory, info, interactions)

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
    ) -> Cassette:
        """Re-record from scratch: the old recording is replaced by an empty one *now*, then grows per request.

        The empty cassette is written before the old side files are removed, so at every moment the YAML only
        references side files that exist; a killed kernel leaves a valid cassette of what it recorded.
        """
        recorded_on = (today or dt.datetime.now(dt.UTC).date()).isoformat()
        cassette = cls(notebook, directory, RecordingInfo(notebook, recorded_on, sdk), threshold=threshold, guard=guard)
        cassette._save([], {}, after="The previous recording was left as it was.")
        try:
            cassette.blobs.clear()
            for leftover in directory.glob(f".{notebook}.yaml.*.tmp"):  # from a process killed mid-write
                leftover.unlink(missing_ok=True)
        except OSError as exc:
            after = f"The cassette was emptied, but old side files may be left in {cassette.blobs.folder}."
            failed = f"removing {exc.filename or cassette.blobs.folder}"
            raise cassette._write_error("start recording", failed, exc, after) from exc
        return cassette

    # --- recording --------------------------------------------------------------------------------------------

    def record(self, interaction: Interaction) -> None:
        """Append one (already scrubbed) interaction and save the whole cassette atomically."""
        with self._lock:
            self._check_open()
            pending = _PendingBlobs(self.blobs)
            chunk = dump_interaction_chunk(interaction_to_yaml(interaction, pending, self.threshold))
            previous = RecordingInfo(**{**self.info.__dict__, "stand_ins": list(self.info.stand_ins)})
            self.info.learn_from(interaction.response)
            saved = len(self._chunks)
            after = (
                f"The cassette still holds the {saved} request(s) recorded before this one; this request "
                f"({interaction.request.method} {interaction.request.path}) reached the server but was not recorded."
            )
            try:
                self._save([*self._chunks, chunk], pending.items, after=after)
            except BaseException:
                self.info = previous
                raise
            self._chunks.append(chunk)
            self.interactions.append(interaction)
            self._played.append(True)
        for listener in list(self.listeners):
            try:
                listener(self)
            except Exception as exc:  # a banner refresh must never fail the request that was just saved
                warnings.warn(f"could not refresh the recording banner: {exc!r}", RuntimeWarning, stacklevel=2)

    def _save(self, chunks: list[str], blobs: dict[str, bytes], *, after: str) -> None:
        """All or nothing: if any write fails, the files on disk are the previous save's (``after`` says so)."""
        text = render_cassette(_comment(self.notebook), {"recorded_with": self.info.to_yaml()}, chunks)
        self.guard.check(text, str(self.path))  # check everything first: a refusal writes nothing
        for ref, data in blobs.items():
            self.guard.check(data, f"side file {self.directory / ref}")
        created: list[Path] = []
        target = self.path
        try:
            for ref, data in blobs.items():  # side files before the YAML that references them
                target = self.blobs.path_of(ref)
                if self.blobs.write(ref, data):
                    created.append(target)
            target = self.path
            atomic_write(self.path, text.encode("utf-8"))
        except OSError as exc:
            for path in created:  # referenced by no saved YAML: take them away again
                with contextlib.suppress(OSError):
                    path.unlink()
            doing = "start recording" if not chunks else "save the recording of"
            raise self._write_error(doing, f"writing {target}", exc, after) from exc

    def _write_error(self, doing: str, failed: str, error: OSError, after: str) -> CassetteWriteError:
        reason = error.strerror or str(error)
        code = errno.errorcode.get(error.errno or 0)
        return CassetteWriteError(
            f"Could not {doing} notebook {self.notebook}: {failed} failed: {reason}"
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
        """The recording for this request.

        ``run`` is (execution count, cell hash) of the running cell. Recordings made by the same cell come first,
        in their order, and a new run of that cell starts over at its first recording, so re-running an earlier
        cell shows that cell's answers again, not a later cell's. Without a match there (or outside Jupyter): the
        first unused recording that matches, in recorded order; once all matching ones are used, the last of them
        again. Otherwise a ``CassetteMiss``.
        """
        with self._lock:
            self._check_open()
            own = self._play_own(request, run)
            if own is not None:
                return own
            last_used: int | None = None
            for index, interaction in enumerate(self.interactions):
                if not requests_match(request, interaction.request):
                    continue
                if not self._played[index]:
                    self._played[index] = True
                    return interaction.response
                last_used = index
            if last_used is not None:
                return self.interactions[last_used].response
            raise self.miss(request, cell)

    def _play_own(self, request: RecordedRequest, run: CellRef | None) -> RecordedResponse | None:
        if run is None:
            return None
        count, key = run
        taken = self._cell_runs.get(key)
        if taken is None or taken[0] != count:  # the first request of a new run of this cell: start over
            taken = self._cell_runs[key] = (count, set())
        for index, interaction in enumerate(self.interactions):
            if interaction.cell == key and index not in taken[1] and requests_match(request, interaction.request):
                taken[1].add(index)
                self._played[index] = True
                return interaction.response
        return None

    def miss(self, request: RecordedRequest, cell: CellRef | None) -> CassetteMiss:
        nearest = closest(request, [i.request for i in self.interactions])
        where = f" (cell [{cell[0]}])" if cell else ""
        lines = [
            f"notebook:  {self.notebook} (cassette {self.path.name}, {len(self.interactions)} recordings)",
            f"cell:      {f'[{cell[0]}] {cell[1]}' if cell else None}",
            f"request:   {summarize_request(request)}",
        ]
        if nearest is None:
            headline = f"No recording matches {request.method} {request.path} in notebook {self.notebook}{where}: "
            headline += "the cassette holds no recordings."
            lines.append("closest:   none (the cassette is empty)")
        else:
            index, differences = nearest
            first = differences[0] if differences else "nothing"
            headline = (
                f"No recording matches {request.method} {request.path} in notebook {self.notebook}{where}; "
                f"closest recording differs in {first}."
            )
            lines.append(f"closest:   #{index + 1} {summarize_request(self.interactions[index].request)}")
            shown = differences[:SHOWN_DIFFERENCES]
            more = len(differences) - len(shown)
            lines.append("differs:   " + (shown[0] if shown else "") + "   (this request != recording)")
            lines += [f"           {d}" for d in shown[1:]]
            if more > 0:
                lines.append(f"           … and {more} more")
        lines += _what_next(self.notebook)
        message = f"{headline}\n" + "\n".join("  " + line for line in lines)
        return CassetteMiss(
            message,
            notebook=self.notebook,
            cell=cell,
            request=request,
            closest=None if nearest is None else self.interactions[nearest[0]].request,
            differences=[] if nearest is None else nearest[1],
        )

    @property
    def unused(self) -> int:
        return self._played.count(False)

    # --- lifetime ---------------------------------------------------------------------------------------------

    def close(self) -> None:
        self.closed = True

    def ensure_open(self) -> None:
        with self._lock:
            self._check_open()

    def _check_open(self) -> None:
        if self.closed:
            raise ClosedCassetteError(
                f"this client's cassette for {self.notebook} was replaced by a later helpers.start(); "
                "use the client that call returned"
            )
