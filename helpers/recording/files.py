"""Writing to disk: atomic replaces (temp file + fsync + rename) and per-notebook content-addressed side files.

Side files live in ``<cassettes>/<notebook>/<sha256>.<ext>``: one folder per notebook, so re-recording one
notebook can clear its own folder without ever touching another notebook's files.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from pathlib import Path

from helpers.recording.errors import CassetteFormatError

# Base64 strings and raw bodies at least this long go to side files (an image or a 1536-d embedding does;
# a 384-d sandbox embedding of 2 KiB stays inline, where it is easier to read in a diff).
BLOB_THRESHOLD = 4096
_REF = re.compile(r"(?P<folder>[A-Za-z0-9][A-Za-z0-9_.-]*)/(?P<sha>[0-9a-f]{64})\.(?P<ext>[a-z0-9]{1,5})")
_TEMP = re.compile(r"\.[0-9a-f]{64}\.[a-z0-9]{1,5}\..+\.tmp")  # atomic_write's temp name, left by a kill
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpg"),
    (b"GIF8", "gif"),
    (b"%PDF", "pdf"),
)


def atomic_write(path: Path, data: bytes) -> None:
    """After a crash at any moment the file is either the old one or the new one, never half written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        try:
            _write_all(fd, data)
            os.fsync(fd)  # a full disk may only say so here (delayed allocation)
        finally:
            os.close(fd)
        os.chmod(temp_name, 0o644)
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):  # never hide the real error behind a failed clean-up
            os.unlink(temp_name)
        raise
    _fsync_directory(path.parent)


def _write_all(fd: int, data: bytes) -> None:
    """Plain ``os.write`` calls, unbuffered: an error surfaces right here, not at some later flush."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _fsync_directory(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def guess_extension(data: bytes) -> str:
    for magic, ext in _MAGIC:
        if data.startswith(magic):
            return ext
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return "bin"
    # float32 arrays can happen to be valid UTF-8; real text has no control characters besides whitespace
    return "txt" if all(ch.isprintable() or ch in "\t\n\r" for ch in text) else "bin"


class BlobFolder:
    """Side files of one notebook, named by their SHA-256 so each payload is stored once."""

    def __init__(self, cassettes_dir: Path, notebook: str) -> None:
        self.root = cassettes_dir
        self.notebook = notebook
        self.folder = cassettes_dir / notebook

    def ref_for(self, data: bytes) -> str:
        return f"{self.notebook}/{hashlib.sha256(data).hexdigest()}.{guess_extension(data)}"

    def path_of(self, ref: str) -> Path:
        match = _REF.fullmatch(ref)
        if not match or match["folder"] != self.notebook:
            raise CassetteFormatError(f"side file reference {ref!r} is not of the form {self.notebook}/<sha256>.<ext>")
        return self.root / ref

    def write(self, ref: str, data: bytes) -> bool:
        """Whether the file is new (so a failed save can take it away again)."""
        path = self.path_of(ref)
        if path.is_file() and path.stat().st_size == len(data):
            return False  # content-addressed: same name, same bytes
        new = not path.exists()
        atomic_write(path, data)
        return new

    def read(self, ref: str) -> bytes:
        path = self.path_of(ref)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise CassetteFormatError(f"side file {path} is missing") from None
        except OSError as exc:
            raise CassetteFormatError(f"side file {path} is unreadable ({exc.strerror})") from exc
        if hashlib.sha256(data).hexdigest() != _REF.fullmatch(ref)["sha"]:  # type: ignore[index]
            raise CassetteFormatError(f"side file {path} does not match its SHA-256 name (edited or corrupt)")
        return data

    def clear(self) -> None:
        """Forget the previous recording's side files (only this notebook's folder)."""
        if not self.folder.is_dir():
            return
        for path in self.folder.iterdir():  # only files this class writes; anything else is left alone
            ours = _REF.fullmatch(f"{self.notebook}/{path.name}") or _TEMP.fullmatch(path.name)
            if path.is_file() and ours:
                path.unlink()
        with contextlib.suppress(OSError):
            self.folder.rmdir()
