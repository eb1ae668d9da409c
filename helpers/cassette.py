"""One notebook's recordings: loaded for replay, or started empty and saved after every request when recording."""

from __future__ import annotations

import datetime as dt
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpers.config import BLOB_THRESHOLD, record_command
from helpers.errors import CassetteFormatError, CassetteMiss, CassetteNotFoundError, ClosedCassetteError
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
            raise CassetteFormatError("the cassette has no 'recorded_with' header")
        return cls(
            notebook=str(data.get("notebook", notebook)),
            recorded_on=str(data.get("recorded_on", "an unknown date")),
            sdk=str(data.get("sdk", "an unknown SDK version")),
            target=data.get("target"),
            server=data.get("server"),
            stand_ins=[str(s) for s in data.get("stand_ins") or []],
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
        try:
            data = load_yaml(path.read_text(encoding="utf-8"))
        except Exception as exc:  # yaml raises many types; all mean the same to the reader
            raise CassetteFormatError(f"{path} is not readable YAML: {exc}") from exc
        if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
            raise CassetteFormatError(f"{path} is not a version-{FORMAT_VERSION} cassette; re-record it")
        blobs = _CachedBlobs(BlobFolder(directory, notebook))
        interactions = [interaction_from_yaml(item, blobs) for item in data.get("interactions") or []]
        return cls(notebook, directory, RecordingInfo.from_yaml(data.get("recorded_with"), notebook), interactions)

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
        cassette._save([], {})
        cassette.blobs.clear()
        for leftover in directory.glob(f".{notebook}.yaml.*.tmp"):  # from a process killed mid-write
            leftover.unlink(missing_ok=True)
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
            try:
                self._save([*self._chunks, chunk], pending.items)
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

    def _save(self, chunks: list[str], blobs: dict[str, bytes]) -> None:
        text = render_cassette(_comment(self.notebook), {"recorded_with": self.info.to_yaml()}, chunks)
        self.guard.check(text, str(self.path))  # check everything first: a refusal writes nothing
        for ref, data in blobs.items():
            self.guard.check(data, f"side file {self.directory / ref}")
        for ref, data in blobs.items():  # side files before the YAML that references them
            self.blobs.write(ref, data)
        atomic_write(self.path, text.encode("utf-8"))

    # --- replaying --------------------------------------------------------------------------------------------

    def play(self, request: RecordedRequest, *, cell: CellRef | None = None) -> RecordedResponse:
        """The first unused recording that matches, in recorded order; once all matching ones are used, the last
        of them again (so re-running a cell in JupyterLab works). Otherwise a ``CassetteMiss``."""
        with self._lock:
            self._check_open()
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

    def miss(self, request: RecordedRequest, cell: CellRef | None) -> CassetteMiss:
        nearest = closest(request, [i.request for i in self.interactions])
        command = record_command(self.notebook)
        where = f" (cell [{cell[0]}])" if cell else ""
        lines = [
            f"notebook:  {self.notebook} (cassette {self.path}, {len(self.interactions)} recordings)",
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
        lines.append(f"re-record: {command}")
        lines.append("Replay never uses the network and did not change the cassette.")
        message = f"{headline} Re-record with: {command}\n" + "\n".join("  " + line for line in lines)
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
