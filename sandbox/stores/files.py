"""The Files store: SQLite rows for metadata, one blob per file id on local disk.

Crash safety rests on one ordering rule: a blob is written to ``tmp/``, fsynced and renamed into ``blobs/``
*before* its row is committed, and a row is marked deleted *before* its blob is unlinked. So a kill -9 at
any moment leaves at worst an unlisted blob or temp file, which start-up sweeps away; a listed file is
always complete. Deleted and expired rows stay behind as tombstones so a paging cursor naming them still works.

One process owns a store: it holds an exclusive lock on ``store.lock`` for its whole life (the kernel drops it
when the process dies, even by kill -9), and a second process on the same folder is refused. Even so, an id is
reserved by creating its blob path exclusively before anything is renamed onto it, so no writer can replace
another's blob, and a writer that loses an id race moves its own blob to a fresh id.
"""

from __future__ import annotations

import mimetypes
import os
import re
import secrets
import sqlite3
import threading
import time
import unicodedata
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from sandbox import limits
from sandbox.clock import random_ids
from sandbox.errors import AlreadyExists, InvalidRequest, NotFound, storage_refusal
from sandbox.params import FORM_INTEGER, missing, not_one_of, out_of_range, wrong_type

CHUNK_BYTES = 1024 * 1024  # what is read and written at a time: an upload is never whole in memory
_MAX_ID_ATTEMPTS = 1000
# The named steps of create() where a test may pause the process (sandbox.config: SANDBOX_TEST_PAUSE_AT) to kill it.
PAUSE_POINTS = ("blob-written", "blob-published")

# `FilePurpose` in openai 3.57.0 (types/file_purpose.py): what create accepts.
UPLOAD_PURPOSES = ("assistants", "batch", "fine-tune", "vision", "user_data", "evals")
JSONL_ONLY_PURPOSES = ("batch", "fine-tune")
# `FileObject.purpose` has no "evals": echoing it would make strict clients raise APIResponseValidationError,
# so an evals upload is reported as the catch-all "user_data" (it is kept as "evals" for the list filter).
WIRE_PURPOSE = {"evals": "user_data"}

_ID_PATTERN = re.compile(r"^file-[A-Za-z0-9]{22}$")
_EXTRA_CONTENT_TYPES = {".jsonl": "application/jsonl", ".jsonlines": "application/jsonl", ".md": "text/markdown"}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    bytes INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    filename TEXT NOT NULL,
    purpose TEXT NOT NULL,
    expires_at INTEGER,
    deleted_at INTEGER
);
CREATE INDEX IF NOT EXISTS files_by_creation ON files (created_at, seq);
"""


@dataclass(frozen=True)
class StoredFile:
    id: str
    bytes: int
    created_at: int
    filename: str
    purpose: str
    expires_at: int | None

    def to_wire(self) -> dict[str, Any]:
        """The `FileObject` shape of openai 3.57.0 (`status` and `status_details` are deprecated but required)."""
        return {
            "id": self.id,
            "object": "file",
            "bytes": self.bytes,
            "created_at": self.created_at,
            "filename": self.filename,
            "purpose": WIRE_PURPOSE.get(self.purpose, self.purpose),
            "status": "processed",
            "expires_at": self.expires_at,
            "status_details": None,
        }

    @property
    def content_type(self) -> str:
        suffix = Path(self.filename).suffix.lower()
        guessed = _EXTRA_CONTENT_TYPES.get(suffix) or mimetypes.guess_type(self.filename, strict=False)[0]
        return guessed or "application/octet-stream"


@dataclass(frozen=True)
class FilePage:
    files: list[StoredFile]
    has_more: bool


def no_such_file(file_id: str, param: str = "file_id") -> NotFound:
    return NotFound(f"No such File object: {file_id}", param=param)


def display_filename(raw: str | None) -> str:
    """The uploaded name made safe to show: last path segment, no control/format chars, ≤ 255 UTF-8 bytes.

    It is metadata only; blobs are stored under their file id, so no name can reach the filesystem.
    """
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C")).strip()
    if not name.strip("."):
        return "upload"
    if len(name.encode()) <= limits.MAX_FILENAME_BYTES:
        return name
    stem, dot, suffix = name.rpartition(".")
    keep = f".{suffix}" if dot and stem and len(suffix.encode()) <= 16 else ""
    head = (stem if keep else name).encode()[: limits.MAX_FILENAME_BYTES - len(keep.encode())]
    return head.decode(errors="ignore") + keep


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback and the exact UTF-8 name (RFC 6266 / RFC 5987)."""
    fallback = "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\%' else "_" for ch in filename)
    encoded = "".join(
        ch if ch.isascii() and (ch.isalnum() or ch in "-._~") else "".join(f"%{b:02X}" for b in ch.encode())
        for ch in filename
    )
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"


def check_purpose(purpose: str) -> str:
    if purpose not in UPLOAD_PURPOSES:
        raise not_one_of("purpose", purpose, UPLOAD_PURPOSES)
    return purpose


def check_expiry(anchor: str | None, seconds: str | int | None) -> int | None:
    """Validate ``expires_after[anchor]`` / ``expires_after[seconds]``; returns the seconds or None."""
    if anchor is None and seconds is None:
        return None
    if anchor is None:
        raise missing("expires_after[anchor]")
    if seconds is None:
        raise missing("expires_after[seconds]")
    if anchor != "created_at":
        raise not_one_of("expires_after[anchor]", anchor, ("created_at",))
    if isinstance(seconds, int) or FORM_INTEGER.fullmatch(seconds.strip()):
        value = int(seconds)
    else:
        raise wrong_type("expires_after[seconds]", "an integer", seconds)
    low, high = limits.MIN_EXPIRY_SECONDS, limits.MAX_EXPIRY_SECONDS
    if not low <= value <= high:
        advice = f"It must be between {low} (1 hour) and {high} (30 days)."
        raise out_of_range("expires_after[seconds]", value, low, high, advice=advice)
    return value


def check_extension(filename: str, purpose: str) -> None:
    if purpose in JSONL_ONLY_PURPOSES and not filename.lower().endswith(".jsonl"):
        raise InvalidRequest(
            f"Invalid file format for purpose '{purpose}': '{filename}'. Files for {purpose} must be JSON Lines "
            "with a .jsonl extension (one JSON object per line).",
            param="file",
            code="invalid_file_format",
        )


def size_limit(purpose: str) -> int:
    return limits.MAX_BATCH_BYTES if purpose == "batch" else limits.MAX_FILE_BYTES


class DataFolderInUse(Exception):
    """Another live process owns this store; two sandboxes must not share one data folder."""

    def __init__(self, root: Path, holder: str) -> None:
        super().__init__(
            f"The sandbox data folder {root} is already in use by another sandbox process ({holder}). One data "
            "folder serves one sandbox at a time: stop the other one, or start this one with another --data-dir."
        )
        self.root = root
        self.holder = holder


class FileStore:
    """Durable uploads under ``root``: ``files.sqlite3`` (WAL, synchronous=FULL), ``blobs/``, ``tmp/``."""

    def __init__(
        self,
        root: Path,
        *,
        clock: Callable[[], float] = time.time,
        new_id: Callable[[], str] = random_ids("file-"),
        pause: Callable[[str], None] | None = None,
    ) -> None:
        self.root = Path(root)
        self._new_id = new_id
        self._pause = pause or _no_pause
        self.blob_dir = self.root / "blobs"
        self.tmp_dir = self.root / "tmp"
        self._clock = clock
        self._lock = threading.Lock()
        self.blob_dir.mkdir(parents=True, exist_ok=True)
        self.tmp_dir.mkdir(parents=True, exist_ok=True)
        # One process per store: a second one on the same folder is refused here, before it touches anything.
        owner = _claim(self.root / "store.lock")
        # Released by close(), or when the store is garbage-collected, or when the process ends (even by kill -9).
        self._release = weakref.finalize(self, os.close, owner) if owner >= 0 else None
        self._db = sqlite3.connect(self.root / "files.sqlite3", check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        with self._db:
            self._db.executescript(_SCHEMA)
        self._recover()

    # ---- start-up and housekeeping

    def _recover(self) -> None:
        """Remove what a crash can leave behind: temp files, blobs without a live row, expired blobs."""
        for leftover in self.tmp_dir.iterdir():
            leftover.unlink(missing_ok=True)
        self.sweep_expired()
        with self._lock:
            live = {row[0] for row in self._db.execute("SELECT id FROM files WHERE deleted_at IS NULL")}
        for blob in self.blob_dir.iterdir():
            if blob.name not in live:
                blob.unlink(missing_ok=True)

    def sweep_expired(self) -> int:
        """Tombstone expired files and free their blobs; returns how many were swept."""
        now = self._now()
        with self._lock, self._db:
            expired = [
                row[0]
                for row in self._db.execute(
                    "SELECT id FROM files WHERE deleted_at IS NULL AND expires_at IS NOT NULL AND expires_at <= ?",
                    (now,),
                )
            ]
            self._db.executemany("UPDATE files SET deleted_at = expires_at WHERE id = ?", [(i,) for i in expired])
        for file_id in expired:
            self._blob(file_id).unlink(missing_ok=True)
        return len(expired)

    def close(self) -> None:
        with self._lock:
            self._db.close()
        if self._release is not None:
            self._release()  # closing the lock file's descriptor releases the lock

    def _unused_id(self) -> str:
        # A reproducible id sequence restarts with the process; skip the ids an earlier run already used.
        while True:
            file_id = self._new_id()
            with self._lock:
                taken = self._db.execute("SELECT 1 FROM files WHERE id = ?", (file_id,)).fetchone()
            if taken is None:
                return file_id

    def _reserve_id(self) -> str:
        """An id no row uses, reserved by creating its (empty) blob exclusively: a blob already there is never
        replaced, whoever wrote it."""
        for _ in range(_MAX_ID_ATTEMPTS):
            file_id = self._unused_id()
            try:
                os.close(os.open(self._blob(file_id), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            except FileExistsError:
                continue
            return file_id
        raise RuntimeError(f"no free file id after {_MAX_ID_ATTEMPTS} attempts")  # pragma: no cover

    def _commit(
        self, file_id: str, size: int, created_at: int, name: str, purpose: str, expires_at: int | None
    ) -> StoredFile:
        """Insert the row for the blob published as ``file_id``; if the id was taken meanwhile, move our blob (and
        only ours) to a fresh id and try again. On any other failure our blob is removed, nobody else's."""
        for _ in range(_MAX_ID_ATTEMPTS):
            stored = StoredFile(file_id, size, created_at, name, purpose, expires_at)
            try:
                with self._lock, self._db:
                    self._db.execute(
                        f"INSERT INTO files ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
                        (stored.id, size, created_at, name, purpose, expires_at),
                    )
                return stored
            except sqlite3.IntegrityError:
                try:
                    fresh = self._reserve_id()
                    os.replace(self._blob(file_id), self._blob(fresh))
                    _fsync_dir(self.blob_dir)
                except BaseException:
                    self._blob(file_id).unlink(missing_ok=True)
                    raise
                file_id = fresh
            except BaseException:
                self._blob(file_id).unlink(missing_ok=True)
                raise
        self._blob(file_id).unlink(missing_ok=True)  # pragma: no cover
        raise RuntimeError(f"no free file id after {_MAX_ID_ATTEMPTS} attempts")  # pragma: no cover

    # ---- operations

    def create(
        self, source: IO[bytes], *, filename: str | None, purpose: str, expires_after_seconds: int | None = None
    ) -> StoredFile:
        """Copy ``source`` to disk in chunks (never whole in memory), then publish it atomically."""
        check_purpose(purpose)
        name = display_filename(filename)
        check_extension(name, purpose)
        if expires_after_seconds is None and purpose == "batch":
            expires_after_seconds = limits.BATCH_DEFAULT_EXPIRY_SECONDS
        limit = size_limit(purpose)

        tmp_path = self.tmp_dir / f"upload.{secrets.token_hex(8)}.part"
        size = 0
        try:
            with open(tmp_path, "xb") as sink:
                while chunk := source.read(CHUNK_BYTES):
                    size += len(chunk)
                    if size > limit:
                        raise limits.file_too_large(limit)
                    sink.write(chunk)
                sink.flush()
                os.fsync(sink.fileno())
            if size == 0:
                raise InvalidRequest(
                    f"File '{name}' is empty. Upload a file with at least one byte.", param="file", code="empty_file"
                )
            self._pause("blob-written")
            file_id = self._reserve_id()
            try:
                os.replace(tmp_path, self._blob(file_id))  # onto our own reservation, never onto another's blob
                _fsync_dir(self.blob_dir)
            except BaseException:
                self._blob(file_id).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise storage_refusal(exc, self.root) from exc
        finally:
            tmp_path.unlink(missing_ok=True)
        self._pause("blob-published")

        created_at = int(self._now())
        expires_at = created_at + expires_after_seconds if expires_after_seconds is not None else None
        try:
            stored = self._commit(file_id, size, created_at, name, purpose, expires_at)
        except (OSError, sqlite3.OperationalError) as exc:
            raise storage_refusal(exc, self.root) from exc
        self.sweep_expired()
        return stored

    def restore(
        self, source: IO[bytes], *, file_id: str, filename: str, purpose: str, created_at: int, expires_at: int | None
    ) -> StoredFile:
        """Store a file under the id and creation time a recording gave it (the learner's mode: what the recording
        says exists is made to exist here, so ids printed from the recording stay valid). An id already taken is a
        409; nothing is replaced."""
        if not _ID_PATTERN.match(file_id):
            raise InvalidRequest(f"Invalid file id {file_id!r}: expected 'file-' and 22 letters or digits.")
        check_purpose(purpose)
        blob = self._blob(file_id)
        with self._lock:
            taken = self._db.execute("SELECT 1 FROM files WHERE id = ?", (file_id,)).fetchone()
        try:
            if taken is not None:
                raise FileExistsError(file_id)
            with open(blob, "xb") as sink:  # exclusive: never onto another file's blob
                size = 0
                while chunk := source.read(CHUNK_BYTES):
                    size += len(chunk)
                    sink.write(chunk)
                sink.flush()
                os.fsync(sink.fileno())
            _fsync_dir(self.blob_dir)
            with self._lock, self._db:
                self._db.execute(
                    f"INSERT INTO files ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
                    (file_id, size, created_at, display_filename(filename), purpose, expires_at),
                )
        except FileExistsError:
            raise AlreadyExists(f"A file with id {file_id} already exists.", param="file_id") from None
        except (OSError, sqlite3.Error) as exc:
            blob.unlink(missing_ok=True)
            raise storage_refusal(exc, self.root) from exc
        return self.get(file_id)

    def clear(self) -> None:
        """Forget every file, tombstones included: the store of a fresh data folder."""
        with self._lock, self._db:
            self._db.execute("DELETE FROM files")
        for blob in self.blob_dir.iterdir():
            blob.unlink(missing_ok=True)

    def get(self, file_id: str) -> StoredFile:
        row = self._live_row(file_id) if _ID_PATTERN.match(file_id) else None
        if row is None:
            raise no_such_file(file_id)
        return _to_stored(row)

    def open_content(self, file_id: str) -> tuple[StoredFile, IO[bytes]]:
        """The metadata and an open handle (so a concurrent delete cannot cut the download short)."""
        stored = self.get(file_id)
        try:
            return stored, open(self._blob(file_id), "rb")
        except FileNotFoundError:
            raise no_such_file(file_id) from None

    def delete(self, file_id: str) -> None:
        self.get(file_id)
        with self._lock, self._db:
            self._db.execute(
                "UPDATE files SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL", (int(self._now()), file_id)
            )
        self._blob(file_id).unlink(missing_ok=True)

    def list(
        self,
        *,
        after: str | None = None,
        limit: int = limits.MAX_LIST_LIMIT,
        order: str = "desc",
        purpose: str | None = None,
    ) -> FilePage:
        """Newest first by default; ``after`` may name a deleted or expired file (its position is kept)."""
        descending = order == "desc"
        clauses = ["deleted_at IS NULL", "(expires_at IS NULL OR expires_at > ?)"]
        params: list[Any] = [self._now()]
        if purpose is not None:
            # An evals upload shows as "user_data", so either name finds it.
            wire_aliases = [stored for stored, wire in WIRE_PURPOSE.items() if wire == purpose]
            names = [purpose, *wire_aliases]
            clauses.append(f"purpose IN ({', '.join('?' for _ in names)})")
            params.extend(names)
        if after is not None:
            with self._lock:
                cursor = self._db.execute("SELECT created_at, seq FROM files WHERE id = ?", (after,)).fetchone()
            if cursor is None:
                raise no_such_file(after, param="after")
            clauses.append(f"(created_at, seq) {'<' if descending else '>'} (?, ?)")
            params.extend(cursor)
        direction = "DESC" if descending else "ASC"
        sql = (
            f"SELECT {_COLUMNS} FROM files WHERE {' AND '.join(clauses)} "
            f"ORDER BY created_at {direction}, seq {direction} LIMIT ?"
        )
        params.append(limit + 1)
        with self._lock:
            rows = self._db.execute(sql, params).fetchall()
        return FilePage([_to_stored(r) for r in rows[:limit]], has_more=len(rows) > limit)

    # ---- internals

    def _now(self) -> float:
        return self._clock()

    def _blob(self, file_id: str) -> Path:
        if not _ID_PATTERN.match(file_id):  # defence in depth: only our own ids ever become paths
            raise no_such_file(file_id)
        return self.blob_dir / file_id

    def _live_row(self, file_id: str) -> tuple[Any, ...] | None:
        with self._lock:
            row: tuple[Any, ...] | None = self._db.execute(
                f"SELECT {_COLUMNS} FROM files WHERE id = ? AND deleted_at IS NULL "
                "AND (expires_at IS NULL OR expires_at > ?)",
                (file_id, self._now()),
            ).fetchone()
        return row


_COLUMNS = "id, bytes, created_at, filename, purpose, expires_at"


def _to_stored(row: tuple[Any, ...]) -> StoredFile:
    return StoredFile(*row)


def _claim(lock_path: Path) -> int:
    """An exclusive, non-blocking lock on ``lock_path`` for the store's lifetime, with our pid written in it.

    Returns the descriptor that holds it (-1 where there is no ``fcntl``: no cross-process lock there). Raises
    DataFolderInUse, naming the holder's pid, if another open store holds it.
    """
    try:
        import fcntl
    except ImportError:  # not POSIX
        return -1
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        holder = os.read(fd, 64).decode(errors="replace").strip()
        os.close(fd)
        raise DataFolderInUse(lock_path.parent, f"pid {holder}" if holder.isdigit() else "pid unknown") from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    return fd


def _no_pause(point: str) -> None:
    pass


def pause_for_tests(point: str, marker: Path | None) -> Callable[[str], None]:
    """Fault injection: at step ``point`` of create(), write our pid to ``marker`` and wait there, so a test can
    kill -9 the process at exactly that step."""

    def pause(reached: str) -> None:
        if reached != point:
            return
        if marker is not None:
            marker.write_text(str(os.getpid()))
        time.sleep(3600)

    return pause


def _fsync_dir(path: Path) -> None:
    """Make a rename durable: the directory entry itself must reach the disk."""
    if os.name == "nt":  # Windows cannot open a directory; its renames are journaled by NTFS
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
