"""vcrpy's persister plug-in (``VCR.register_persister``): our YAML layout, side files, atomic writes.

A registered vcrpy serializer never sees the file path, so the layout lives here, where side files can be
written next to the cassette: ``<cassettes>/<notebook>.yaml`` and ``<cassettes>/<notebook>/<sha256>.<ext>``.
Loading checks everything (YAML, version, header, every interaction, every side file's SHA-256) and raises a
``CassetteFormatError`` naming the file: vcrpy would treat a broken cassette as empty (vcrpy issues #501, #1022).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vcr.persisters.filesystem import CassetteNotFoundError as VcrCassetteNotFound
from vcr.request import Request

from helpers.recording import wording
from helpers.recording.convert import CELL_KEY, VcrResponse, from_vcr, request_body, response_body, to_vcr
from helpers.recording.errors import CassetteFormatError, CassetteWriteError
from helpers.recording.files import BLOB_THRESHOLD, BlobFolder, atomic_write
from helpers.recording.filters import SecretGuard, request_headers_to_record
from helpers.recording.header import METADATA_KEY, RecordingInfo
from helpers.recording.interactions import Interaction
from helpers.recording.serializer import (
    FORMAT_VERSION,
    dump_interaction_chunk,
    interaction_from_yaml,
    interaction_to_yaml,
    load_yaml,
    render_cassette,
)

Pair = tuple[Request, VcrResponse]


class SaveFailed(Exception):
    """Writing ``target`` failed; nothing of this save is left on disk."""

    def __init__(self, target: Path, error: OSError) -> None:
        super().__init__(f"writing {target} failed: {error}")
        self.target, self.error = target, error


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


@dataclass(frozen=True)
class _Chunk:
    text: str
    blobs: dict[str, bytes]


def notebook_of(path: Path) -> str:
    return path.name.removesuffix(".yaml")


def _comment(notebook: str) -> str:
    return (
        f"HTTP recorded for the notebook {notebook} (vcrpy cassette layout, version {FORMAT_VERSION}; JSON bodies "
        "as data,\nlarge payloads in side files under "
        f"{notebook}/). Written by helpers; re-record with: {wording.current().rerecord(notebook)}"
    )


def _interaction_name(number: int, item: Any) -> str:
    """``interaction #3 (GET https://…/v1/models)``: enough to find it in the YAML, even when it is mangled."""
    request = item.get("request") if isinstance(item, dict) else None
    if isinstance(request, dict) and "method" in request and "uri" in request:
        return f"interaction #{number} ({request['method']} {request['uri']})"
    return f"interaction #{number}"


def read(path: Path) -> tuple[RecordingInfo, list[Interaction]]:
    """Everything in one cassette, checked; a ``CassetteFormatError`` says what is wrong and how to fix it."""
    notebook = notebook_of(path)
    fix = (
        f"Restore the cassette's files from version control, or re-record with: {wording.current().rerecord(notebook)}"
    )
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except Exception as exc:  # yaml raises many types; all mean the same to the reader
        raise CassetteFormatError(f"cassette {path} is not readable YAML: {exc}\n{fix}") from exc
    if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
        if isinstance(data, dict):
            found = f"version {data.get('version')!r}"
        else:
            found = "an empty file" if data is None else f"a YAML {type(data).__name__}"
        raise CassetteFormatError(f"cassette {path} is not a version-{FORMAT_VERSION} cassette (found {found}). {fix}")
    blobs = _CachedBlobs(BlobFolder(path.parent, notebook))  # every side file is read and checked right now
    try:
        info = RecordingInfo.from_yaml(data.get(METADATA_KEY), notebook)
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
    return info, interactions


class NotebookPersister:
    """Registered with ``VCR.register_persister`` (an instance: it carries the secret guard and the threshold)."""

    def __init__(self, guard: SecretGuard | None = None, threshold: int = BLOB_THRESHOLD) -> None:
        self.guard = guard or SecretGuard()
        self.threshold = threshold
        # helpers.vcr: the host its requests went to (vcrpy's persister interface does not carry it).
        self.answered_by: Callable[[], str | None] = lambda: None
        self._chunks: dict[tuple[Any, ...], _Chunk] = {}

    # --- vcrpy's persister interface ---------------------------------------------------------------------

    def load_cassette(self, cassette_path: str | Path, serializer: object = None) -> tuple[Any, ...]:
        path = Path(cassette_path)
        if not path.is_file():
            raise VcrCassetteNotFound(str(path))  # vcrpy: start empty (and record, if its record mode allows)
        info, interactions = read(path)
        pairs = [to_vcr(interaction) for interaction in interactions]
        return [r for r, _ in pairs], [s for _, s in pairs], {METADATA_KEY: info.to_yaml()}

    def save_cassette(
        self, cassette_path: str | Path, cassette_dict: dict[str, Any], serializer: object = None
    ) -> None:
        path = Path(cassette_path)
        pairs = list(zip(cassette_dict["requests"], cassette_dict["responses"], strict=True))
        header = (cassette_dict.get("metadata") or {}).get(METADATA_KEY)
        host = self.answered_by()
        if header and host is None:
            info = RecordingInfo.from_yaml(header, notebook_of(path))
        else:  # something was recorded now: the header says who answered it
            info = self.new_info(path, pairs, host)
        try:
            self.save(path, info, pairs)
        except SaveFailed as exc:
            raise CassetteWriteError(
                f"Could not save {path}: {exc}", notebook=notebook_of(path), path=str(path), reason=str(exc.error)
            ) from exc.error

    # --- ours ----------------------------------------------------------------------------------------------

    @staticmethod
    def new_info(path: Path, pairs: list[Pair], host: str | None = None) -> RecordingInfo:
        from importlib.metadata import version

        info = RecordingInfo(notebook_of(path), dt.datetime.now(dt.UTC).date().isoformat(), version("openai"))
        if host is not None:
            info.called(host)
        for request, response in pairs:
            info.learn_from(from_vcr(request, response).response)
        return info

    def _chunk(self, request: Request, response: VcrResponse, folder: BlobFolder) -> _Chunk:
        key = (  # a save per request re-dumps only what is new
            folder.folder,
            request.method,
            request.uri,
            request_body(request),
            repr(sorted(request.headers.items())),
            repr(response.get("status")),
            repr(response.get("headers")),
            response_body(response),
            response.get(CELL_KEY),
        )
        if key in self._chunks:
            return self._chunks[key]
        interaction = from_vcr(request, response)
        headers = request_headers_to_record((k, v) for k, vs in interaction.request.headers.items() for v in vs)
        stored = dataclasses.replace(interaction, request=dataclasses.replace(interaction.request, headers=headers))
        pending = _PendingBlobs(folder)
        chunk = _Chunk(dump_interaction_chunk(interaction_to_yaml(stored, pending, self.threshold)), pending.items)
        self._chunks[key] = chunk
        return chunk

    def save(self, path: Path, info: RecordingInfo, pairs: list[Pair]) -> None:
        """All or nothing: if any write fails (``SaveFailed``), the files on disk are the previous save's.

        Refuses (``SecretLeakError``) before writing anything if a known secret's value would be saved.
        """
        folder = BlobFolder(path.parent, notebook_of(path))
        chunks = [self._chunk(request, response, folder) for request, response in pairs]
        blobs = {ref: data for chunk in chunks for ref, data in chunk.blobs.items()}
        text = render_cassette(_comment(notebook_of(path)), {METADATA_KEY: info.to_yaml()}, [c.text for c in chunks])
        self.guard.check(text, str(path))  # check everything first: a refusal writes nothing
        for ref, data in blobs.items():
            self.guard.check(data, f"side file {path.parent / ref}")
        created: list[Path] = []
        target = path
        try:
            for ref, data in blobs.items():  # side files before the YAML that references them
                target = folder.path_of(ref)
                if folder.write(ref, data):
                    created.append(target)
            target = path
            atomic_write(path, text.encode("utf-8"))
        except OSError as exc:
            for created_path in created:  # referenced by no saved YAML: take them away again
                with contextlib.suppress(OSError):
                    created_path.unlink()
            raise SaveFailed(target, exc) from exc
