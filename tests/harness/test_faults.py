"""Faults around the cassette files: a full disk or read-only folder while recording, and corrupt cassettes.

Every fault must end in a ``HarnessError`` that names the file and says what to do, and must leave what was saved
before valid and replayable. Most tests simulate the fault in-process; the ``real_*`` ones use a real 64 KiB tmpfs
and a real read-only bind mount in a private mount namespace (``unshare -m``, needs root) and run this file as a
child process for the part that needs the mount (``python test_faults.py <scenario> <folder>``).
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import errno
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from openai import OpenAI

import helpers
from helpers import runner
from helpers.config import PROJECT_ROOT
from helpers.recording.cassette import Cassette
from helpers.recording.errors import CassetteFormatError, CassetteWriteError, HarnessError
from helpers.recording.filters import SecretGuard
from helpers.recording.interactions import Interaction, JsonBody, RecordedRequest, RecordedResponse
from helpers.recording.serializer import dump_yaml, load_yaml
from helpers.runner import CassetteBackup

Recorder = Callable[..., tuple[OpenAI, Cassette]]
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 32
OTHER_PNG = b"\x89PNG\r\n\x1a\n" + bytes(reversed(range(256))) * 32


def _files(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file under ``folder`` with its SHA-256 and mtime: equal before and after means untouched."""
    return {
        str(p.relative_to(folder)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _temp_files(folder: Path) -> list[str]:
    return [str(p) for p in folder.rglob("*.tmp")]


def _record_earlier_session(client: OpenAI) -> None:
    """Three requests, one of them with a side file (the PNG, uploaded)."""
    client.models.list()
    client.files.create(file=("pixels.png", PNG, "image/png"), purpose="vision")
    client.files.list()


def _assert_replays_earlier_session(replay_client: Recorder, cassettes: Path, notebook: str) -> None:
    client, cassette = replay_client(cassettes, notebook)
    assert len(cassette.interactions) == 3
    client.models.list()
    assert client.files.create(file=("pixels.png", PNG, "image/png"), purpose="vision").bytes == len(PNG)
    assert len(client.files.list().data) == 1
    assert cassette.unused == 0


# --- a full disk or read-only folder, simulated in-process ---------------------------------------------------


class _FailingCalls:
    """Stands in for ``os.write`` or ``os.fsync``: the ``fail_on``-th call (and every later one) raises."""

    def __init__(self, real: Callable[..., Any], fail_on: int, code: int) -> None:
        self.real, self.fail_on, self.code, self.calls = real, fail_on, code, 0

    def __call__(self, *args: Any) -> Any:
        self.calls += 1
        if self.calls >= self.fail_on:
            raise OSError(self.code, os.strerror(self.code))
        return self.real(*args)


@pytest.mark.parametrize(
    ("call", "fail_on", "fails"),
    [("write", 1, "the side file"), ("write", 2, "the YAML, after the side file"), ("fsync", 1, "at fsync")],
)
def test_a_full_disk_mid_recording_keeps_what_was_saved(
    tmp_path: Path,
    recording_client: Recorder,
    replay_client: Recorder,
    monkeypatch: pytest.MonkeyPatch,
    call: str,
    fail_on: int,
    fails: str,
) -> None:
    cassettes = tmp_path / "cassettes"
    client, cassette = recording_client("02_files")
    _record_earlier_session(client)
    before = _files(cassettes)

    failing = _FailingCalls(getattr(os, call), fail_on, errno.ENOSPC)
    monkeypatch.setattr(f"helpers.recording.files.os.{call}", failing)
    with pytest.raises(CassetteWriteError) as caught:  # not wrapped in openai.APIConnectionError
        client.files.create(file=("other.png", OTHER_PNG, "image/png"), purpose="vision")
    assert failing.calls >= fail_on, f"the fault ({fails}) was never reached"
    message = str(caught.value)
    assert message.startswith("Could not save the recording of notebook 02_files: writing ")
    assert "failed: No space left on device (ENOSPC)." in message
    assert "still holds the 3 request(s) recorded before this one" in message
    assert "(POST /v1/files) reached the server but was not recorded" in message
    assert message.endswith("Free some disk space, then re-record with: make record NOTEBOOKS=02_files")
    assert caught.value.notebook == "02_files" and caught.value.path == str(cassette.path)

    assert _files(cassettes) == before  # no half-written YAML, no orphan side file of the failed save
    assert _temp_files(cassettes) == []
    _assert_replays_earlier_session(replay_client, cassettes, "02_files")

    monkeypatch.undo()  # space again: recording simply carries on
    client.files.create(file=("other.png", OTHER_PNG, "image/png"), purpose="vision")
    assert len(Cassette.load("02_files", cassettes).interactions) == 4


def test_a_read_only_folder_fails_at_start_and_changes_nothing(
    clean_env: Path,
    tmp_path: Path,
    recording_client: Recorder,
    replay_client: Recorder,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cassettes = tmp_path / "cassettes"
    client, _ = recording_client("02_files")
    _record_earlier_session(client)
    before = _files(cassettes)

    def read_only(*args: Any, dir: str, **kwargs: Any) -> Any:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), dir)

    monkeypatch.setattr("helpers.recording.files.tempfile.mkstemp", read_only)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-key-for-record-mode")
    with pytest.raises(CassetteWriteError) as caught:
        helpers.start("02_files", mode="record", cassettes=cassettes, banner=False)
    message = str(caught.value)
    assert message == (
        f"Could not start recording notebook 02_files: writing {cassettes / '02_files.yaml'} failed: "
        "Read-only file system (EROFS). The previous recording was left as it was. "
        f"Make {cassettes} writable (or point OPENAI_NOTEBOOK_CASSETTES at a writable folder), then re-record with: "
        "make record NOTEBOOKS=02_files"
    )
    assert helpers.current() is None
    monkeypatch.undo()
    assert _files(cassettes) == before
    _assert_replays_earlier_session(replay_client, cassettes, "02_files")


def test_restoring_an_unchanged_cassette_writes_nothing(
    tmp_path: Path, recording_client: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The runner restores a failed re-recording; after a refused start there is nothing to restore (or to fail)."""
    client, _ = recording_client("02_files")
    _record_earlier_session(client)
    backup = CassetteBackup(tmp_path / "cassettes", "02_files")

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    for name in ("shutil.rmtree", "shutil.copy2", "shutil.copytree"):
        monkeypatch.setattr(f"helpers.runner.{name}", refuse)
    monkeypatch.setattr(Path, "unlink", refuse)
    assert backup.restore() is False
    monkeypatch.undo()
    backup.discard()


def test_the_runner_keeps_its_backup_when_it_cannot_restore(
    tmp_path: Path, recording_client: Recorder, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    cassettes, notebooks = tmp_path / "cassettes", tmp_path / "notebooks"
    notebooks.mkdir()
    (notebooks / "02_files.ipynb").write_text("{}")
    client, _ = recording_client("02_files")
    _record_earlier_session(client)
    earlier = (cassettes / "02_files.yaml").read_bytes()

    def partial_then_full_disk(*args: Any, **kwargs: Any) -> None:
        recording_client("02_files")  # the re-recording empties the cassette, then the disk fills up
        monkeypatch.setattr(runner.shutil, "copy2", full_disk)  # (after the backup was made)
        raise CassetteWriteError("disk full", notebook="02_files", path="", reason="No space left on device")

    def full_disk(*args: Any, **kwargs: Any) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(runner, "recording_server", lambda notebook: contextlib.nullcontext({}))
    monkeypatch.setattr(runner, "execute_notebook", partial_then_full_disk)
    assert runner.record(["02_files"], notebooks, cassettes, timeout=5, keep_partial=False) == 1
    monkeypatch.undo()
    report = capsys.readouterr().err
    assert "FAILED 02_files (could NOT restore the previous recording ([Errno 28] No space left on device)" in report
    kept = Path(report.split("; it is in ", 1)[1].split(";", 1)[0])
    assert (kept / "cassette.yaml").read_bytes() == earlier
    shutil.rmtree(kept)


# --- a full disk and a read-only folder, for real (private mount namespace) -----------------------------------


def _can_mount() -> str | None:
    """Why the real-mount tests cannot run here, or None when they can."""
    if shutil.which("unshare") is None or shutil.which("mount") is None:
        return "needs unshare(1) and mount(8)"
    if os.geteuid() != 0:
        return "needs root to mount inside a private mount namespace"
    with tempfile.TemporaryDirectory() as folder:
        probe = ["unshare", "-m", "--propagation", "private", "mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", folder]
        result = subprocess.run(probe, capture_output=True, text=True, timeout=30)
    return f"cannot mount in a private namespace: {result.stderr.strip()}" if result.returncode else None


@pytest.fixture(scope="module")
def mountable() -> None:
    reason = _can_mount()
    if reason:
        pytest.skip(reason)


def _run_child(scenario: str, folder: Path) -> dict[str, Any]:
    command = ["unshare", "-m", "--propagation", "private", sys.executable, __file__, scenario, str(folder)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    env |= {"PYTHONPATH": str(PROJECT_ROOT), "OPENAI_API_KEY": "sk-test-key-for-record-mode"}
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env, cwd=folder)
    assert result.returncode == 0, result.stderr
    answer: dict[str, Any] = json.loads(result.stdout.splitlines()[-1])
    return answer


@pytest.mark.usefixtures("mountable")
def test_real_full_disk_mid_recording(tmp_path: Path) -> None:
    outcome = _run_child("full-disk", tmp_path)
    assert outcome["error"] == "CassetteWriteError", outcome
    assert "No space left on device (ENOSPC)" in outcome["message"]
    assert "Free some disk space, then re-record with: make record NOTEBOOKS=01_embeddings" in outcome["message"]
    assert outcome["saved"] >= 2  # the disk filled up mid-recording, not at start
    assert outcome["replayable"] == outcome["saved"]
    assert outcome["temp_files"] == [] and outcome["unreferenced_side_files"] == []


@pytest.mark.usefixtures("mountable")
def test_real_read_only_folder_at_start(tmp_path: Path, recording_client: Recorder, replay_client: Recorder) -> None:
    cassettes = tmp_path / "cassettes"
    client, _ = recording_client("02_files")
    _record_earlier_session(client)
    before = _files(cassettes)
    outcome = _run_child("read-only-at-start", cassettes)
    assert outcome["error"] == "CassetteWriteError", outcome
    assert "Could not start recording notebook 02_files" in outcome["message"]
    assert "Read-only file system (EROFS). The previous recording was left as it was." in outcome["message"]
    assert _files(cassettes) == before
    _assert_replays_earlier_session(replay_client, cassettes, "02_files")


@pytest.mark.usefixtures("mountable")
def test_real_read_only_folder_mid_recording(tmp_path: Path) -> None:
    cassettes = tmp_path / "cassettes"
    cassettes.mkdir()
    outcome = _run_child("read-only-mid-recording", cassettes)
    assert outcome["error"] == "CassetteWriteError", outcome
    assert "Read-only file system (EROFS). The cassette still holds the 2 request(s)" in outcome["message"]
    assert f"Make {cassettes} writable" in outcome["message"]
    loaded = Cassette.load("03_images", cassettes)
    assert [i.response.body for i in loaded.interactions] == [_payload(1), _payload(2)]
    assert _temp_files(cassettes) == []


# --- the child process's side of the real-mount tests ------------------------------------------------------------


def _payload(number: int) -> JsonBody:
    """A response with a unique 8 KiB base64 payload, which goes to its own side file."""
    return JsonBody({"data": [{"b64_json": base64.b64encode(bytes([number]) * 8192).decode()}]})


def _interaction(number: int) -> Interaction:
    request = RecordedRequest("POST", "/v1/images/generations", body=JsonBody({"prompt": f"picture {number}"}))
    return Interaction(request, RecordedResponse(200, {"content-type": ["application/json"]}, _payload(number)))


def _mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True)


def _recording(notebook: str, folder: Path) -> Cassette:
    return Cassette.start_recording(notebook, folder, sdk="3.57.0", guard=SecretGuard(), today=dt.date(2026, 11, 25))


def _failure(exc: BaseException) -> dict[str, Any]:
    return {"error": type(exc).__name__, "message": str(exc)}


def _child_full_disk(folder: Path) -> dict[str, Any]:
    _mount("-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder))
    cassette, outcome = _recording("01_embeddings", folder), {"error": None}
    for number in range(1, 100):
        try:
            cassette.record(_interaction(number))
        except HarnessError as exc:
            outcome = _failure(exc)
            break
    loaded = Cassette.load("01_embeddings", folder)  # checks every side file's SHA-256 too
    side_files = folder / "01_embeddings"
    present = {p.name for p in side_files.iterdir()} if side_files.is_dir() else set()
    text = (folder / "01_embeddings.yaml").read_text()
    return outcome | {
        "saved": len(cassette.interactions),
        "replayable": len(loaded.interactions),
        "temp_files": _temp_files(folder),
        "unreferenced_side_files": sorted(name for name in present if name not in text),
    }


def _child_read_only_at_start(folder: Path) -> dict[str, Any]:
    _mount("--bind", str(folder), str(folder))
    _mount("-o", "remount,ro,bind", str(folder))
    try:
        helpers.start("02_files", mode="record", cassettes=folder, banner=False)
    except HarnessError as exc:
        return _failure(exc)
    return {"error": None}


def _child_read_only_mid_recording(folder: Path) -> dict[str, Any]:
    _mount("--bind", str(folder), str(folder))
    cassette = _recording("03_images", folder)
    cassette.record(_interaction(1))
    cassette.record(_interaction(2))
    _mount("-o", "remount,ro,bind", str(folder))
    try:
        cassette.record(_interaction(3))
    except HarnessError as exc:
        return _failure(exc)
    return {"error": None}


CHILD_SCENARIOS = {
    "full-disk": _child_full_disk,
    "read-only-at-start": _child_read_only_at_start,
    "read-only-mid-recording": _child_read_only_mid_recording,
}


# --- corrupt cassettes -----------------------------------------------------------------------------------------


def _edit_yaml(change: Callable[[dict[str, Any]], None]) -> Callable[[Path], Path]:
    def edit(cassettes: Path) -> Path:
        path = cassettes / "02_files.yaml"
        data = load_yaml(path.read_text())
        change(data)
        path.write_text(dump_yaml(data))
        return path

    return edit


def _replace_text(old: str, new: str) -> Callable[[Path], Path]:
    def edit(cassettes: Path) -> Path:
        path = cassettes / "02_files.yaml"
        text = path.read_text()
        assert old in text
        path.write_text(text.replace(old, new, 1))
        return path

    return edit


def _write(content: bytes) -> Callable[[Path], Path]:
    def edit(cassettes: Path) -> Path:
        path = cassettes / "02_files.yaml"
        path.write_bytes(content)
        return path

    return edit


def _cut_after(marker: str) -> Callable[[Path], Path]:
    """The file as a failed copy would leave it. (A cut inside an interaction's last field, its response body, or
    exactly between two interactions still parses: YAML has no end marker. Atomic saves never leave such a file.)"""

    def edit(cassettes: Path) -> Path:
        path = cassettes / "02_files.yaml"
        text = path.read_text()
        path.write_text(text[: text.index(marker) + len(marker)])
        return path

    return edit


def _side_file(change: Callable[[Path], None]) -> Callable[[Path], Path]:
    def edit(cassettes: Path) -> Path:
        (path,) = (cassettes / "02_files").glob("*.png")
        change(path)
        return path

    return edit


def _make_directory(path: Path) -> None:
    path.unlink()
    path.mkdir()


def _second(data: dict[str, Any]) -> dict[str, Any]:
    interaction: dict[str, Any] = data["interactions"][1]
    return interaction


CORRUPTIONS: dict[str, tuple[Callable[[Path], Path], str]] = {
    "not YAML": (_write(b"interactions: [\n  - {request: "), "is not readable YAML"),
    "not UTF-8": (_write(b"version: 1\n\xff\xfe\x00garbage"), "is not readable YAML"),
    "unsafe YAML tag": (_write(b"!!python/object/apply:os.system ['true']\n"), "is not readable YAML"),
    "cut in the header": (_cut_after("  sdk: 3.57.0\n"), "it has no 'interactions' list (cut off?)"),
    "cut in a request": (
        _cut_after("uri: https://api.openai.com/v1/files\n"),
        "interaction #2 (POST https://api.openai.com/v1/files): a field is missing or mangled (KeyError('response'))",
    ),
    "cut before a response body": (
        _cut_after("      message: OK\n"),
        "interaction #1 (GET https://api.openai.com/v1/models): a field is missing or mangled (KeyError('body'))",
    ),
    "empty": (_write(b""), "is not a version-1 cassette (found an empty file)"),
    "a list": (_write(b"- 1\n- 2\n"), "is not a version-1 cassette (found a YAML list)"),
    "version 2": (_replace_text("\nversion: 1\n", "\nversion: 2\n"), "(found version 2)"),
    "no version": (_replace_text("\nversion: 1\n", "\n"), "(found version None)"),
    "no header": (_edit_yaml(lambda d: d.pop("recorded_with")), "it has no 'recorded_with' header"),
    "stand-ins not a list": (
        _edit_yaml(lambda d: d["recorded_with"].update(stand_ins=3)),
        "'recorded_with.stand_ins' is not a list",
    ),
    "interactions not a list": (_edit_yaml(lambda d: d.update(interactions=5)), "it has no 'interactions' list"),
    "an interaction not a mapping": (
        _edit_yaml(lambda d: d["interactions"].append("oops")),
        "interaction #4: a field is missing or mangled",
    ),
    "no response": (
        _edit_yaml(lambda d: _second(d).pop("response")),
        "interaction #2 (POST https://api.openai.com/v1/files): a field is missing or mangled (KeyError('response'))",
    ),
    "headers a list": (
        _edit_yaml(lambda d: _second(d)["request"].update(headers=["a", "b"])),
        "interaction #2 (POST https://api.openai.com/v1/files): a field is missing or mangled",
    ),
    "status not a number": (
        _edit_yaml(lambda d: _second(d)["response"]["status"].update(code="two hundred")),
        "interaction #2 (POST https://api.openai.com/v1/files): a field is missing or mangled",
    ),
    "multipart part not a mapping": (
        _edit_yaml(lambda d: _second(d)["request"]["body"]["multipart"].append("oops")),
        "interaction #2 (POST https://api.openai.com/v1/files): a field is missing or mangled",
    ),
    "body not a mapping": (
        _edit_yaml(lambda d: _second(d)["response"].update(body=[1, 2])),
        "a body must be a mapping or null, found list",
    ),
    "bad side-file reference": (
        _replace_text("blob: 02_files/", "blob: ../02_files/"),
        "side file reference '../02_files/",
    ),
    "side file missing": (_side_file(Path.unlink), "is missing"),
    "side file altered": (_side_file(lambda p: p.write_bytes(PNG + b"!")), "does not match its SHA-256 name"),
    "side file truncated": (_side_file(lambda p: p.write_bytes(PNG[:100])), "does not match its SHA-256 name"),
    "side file a directory": (_side_file(_make_directory), "is unreadable (Is a directory)"),
}


@pytest.fixture()
def recorded(tmp_path: Path, recording_client: Recorder) -> Iterator[Path]:
    client, _ = recording_client("02_files")
    _record_earlier_session(client)
    yield tmp_path / "cassettes"


@pytest.mark.parametrize("corruption", CORRUPTIONS, ids=list(CORRUPTIONS))
def test_a_corrupt_cassette_is_named_and_left_alone(clean_env: Path, recorded: Path, corruption: str) -> None:
    corrupt, expected = CORRUPTIONS[corruption]
    named = corrupt(recorded)
    before = _files(recorded)
    with pytest.raises(CassetteFormatError) as caught:
        helpers.start("02_files", cassettes=recorded, banner=False)
    message = str(caught.value)
    assert message.startswith(f"cassette {recorded / '02_files.yaml'} "), message
    assert str(named) in message and expected in message
    assert "Restore the cassette's files from version control, or re-record with: make record NOTEBOOKS=02_files" in (
        message
    )
    assert helpers.current() is None
    assert _files(recorded) == before  # nothing rewritten, not even touched


if __name__ == "__main__":  # the child process of the real-mount tests, inside its own mount namespace
    scenario, target = sys.argv[1], Path(sys.argv[2])
    print(json.dumps(CHILD_SCENARIOS[scenario](target)))
