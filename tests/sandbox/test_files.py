"""Files endpoints through the official SDK (strict validation) against a real sandbox process."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx2
import openai
import pytest
from openai import OpenAI

from helpers.sandbox_process import SandboxProcess, free_port
from tests.clients import strict_client

THIRTY_DAYS = 30 * 24 * 3600


@pytest.fixture()
def client(light_sandbox: SandboxProcess) -> OpenAI:
    return strict_client(light_sandbox)


def store_dir(process: SandboxProcess) -> Path:
    return process.data_dir / "files"


def test_upload_retrieve_download_delete(client: OpenAI) -> None:
    payload = b'{"custom_id": "r1", "method": "POST", "url": "/v1/embeddings", "body": {}}\n'
    created = client.files.create(file=("requests.jsonl", payload), purpose="batch")
    assert created.id.startswith("file-") and 22 <= len(created.id) - 5 <= 24
    assert created.id[5:].isalnum()
    assert (created.object, created.status, created.status_details) == ("file", "processed", None)
    assert (created.bytes, created.filename, created.purpose) == (len(payload), "requests.jsonl", "batch")
    assert created.expires_at == created.created_at + THIRTY_DAYS  # batch files expire after 30 days by default

    assert client.files.retrieve(created.id) == created
    assert client.files.content(created.id).content == payload

    deleted = client.files.delete(created.id)
    assert (deleted.id, deleted.object, deleted.deleted) == (created.id, "file", True)
    with pytest.raises(openai.NotFoundError, match=f"No such File object: {created.id}"):
        client.files.retrieve(created.id)
    with pytest.raises(openai.NotFoundError):
        client.files.content(created.id)
    with pytest.raises(openai.NotFoundError):
        client.files.delete(created.id)


def test_other_files_never_expire_unless_asked(client: OpenAI) -> None:
    kept = client.files.create(file=("notes.txt", b"hello"), purpose="user_data")
    assert kept.expires_at is None
    brief = client.files.create(
        file=("notes.txt", b"hello"), purpose="assistants", expires_after={"anchor": "created_at", "seconds": 3600}
    )
    assert brief.expires_at == brief.created_at + 3600


def test_evals_upload_is_reported_as_user_data(client: OpenAI) -> None:
    # FileObject.purpose (openai 3.57.0) has no "evals"; echoing it would fail strict validation.
    uploaded = client.files.create(file=("cases.jsonl", b'{"input": "hi"}\n'), purpose="evals")
    assert uploaded.purpose == "user_data"
    assert uploaded.id in {f.id for f in client.files.list(purpose="evals")}


def test_list_pages_orders_and_filters(client: OpenAI) -> None:
    ours = [client.files.create(file=(f"page-{i}.png", b"\x89PNG" + bytes([i])), purpose="vision").id for i in range(5)]

    first = client.files.list(purpose="vision", order="asc", limit=2)
    assert [f.id for f in first.data] == ours[:2]
    assert {k: first.to_dict()[k] for k in ("first_id", "last_id", "has_more")} == {
        "first_id": ours[0],
        "last_id": ours[1],
        "has_more": True,
    }
    second = client.files.list(purpose="vision", order="asc", limit=2, after=ours[1])
    assert [f.id for f in second.data] == ours[2:4]

    ascending = [f.id for f in client.files.list(purpose="vision", order="asc", limit=2)]  # auto-pagination
    assert ascending == ours
    descending = [f.id for f in client.files.list(purpose="vision", limit=3)]  # default order: newest first
    assert descending == ours[::-1]

    last = client.files.list(purpose="vision", order="asc", after=ours[-1])
    assert (last.data, last.has_more) == ([], False)
    assert last.to_dict(exclude_none=False)["first_id"] is None
    everything = client.files.list()
    assert set(ours) <= {f.id for f in everything.data}
    assert all(f.purpose == "vision" for f in client.files.list(purpose="vision"))


def test_a_deleted_file_still_works_as_a_cursor(client: OpenAI) -> None:
    ids = [client.files.create(file=(f"c{i}.txt", b"x"), purpose="assistants").id for i in range(3)]
    client.files.delete(ids[1])
    page = client.files.list(purpose="assistants", order="asc", after=ids[1])
    assert ids[2] in [f.id for f in page.data] and ids[0] not in [f.id for f in page.data]


def test_everything_survives_a_restart(client: OpenAI, light_sandbox: SandboxProcess) -> None:
    kept = client.files.create(file=("keep.txt", b"still here"), purpose="user_data")
    gone = client.files.create(file=("gone.txt", b"bye"), purpose="user_data")
    client.files.delete(gone.id)
    before = [f.id for f in client.files.list(order="asc")]

    light_sandbox.restart()

    assert [f.id for f in client.files.list(order="asc")] == before
    assert client.files.retrieve(kept.id) == kept
    assert client.files.content(kept.id).content == b"still here"
    with pytest.raises(openai.NotFoundError):
        client.files.retrieve(gone.id)


def _wait_for(path: Path, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.exists():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize("point", ["blob-written", "blob-published"])
def test_kill_inside_the_stores_write_never_lists_a_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, point: str
) -> None:
    """kill -9 while the store itself is writing (the process pauses at a named step of create(), then dies).

    This fails if create() committed the row before the blob is complete and published: the row would survive
    the kill and list a file whose content is gone.
    """
    pause_at, pause_marker = "SANDBOX_TEST_PAUSE_AT", "SANDBOX_TEST_PAUSE_MARKER"  # sandbox.config

    box = SandboxProcess(tmp_path / "data", load_models=False)
    with box:
        kept = strict_client(box).files.create(file=("kept.txt", b"kept"), purpose="user_data")
    marker = tmp_path / "paused-here"
    monkeypatch.setenv(pause_at, point)
    monkeypatch.setenv(pause_marker, str(marker))
    box.start()
    try:
        outcome: list[BaseException] = []

        def upload() -> None:
            try:
                strict_client(box).files.create(file=("big.bin", b"x" * 3_000_000), purpose="user_data")
            except BaseException as exc:  # the connection dies with the process; that is the point
                outcome.append(exc)

        worker = threading.Thread(target=upload)
        worker.start()
        assert _wait_for(marker, 30), f"the store never paused at {point!r}"
        box.kill()
        worker.join(timeout=60)
        assert outcome and isinstance(outcome[0], openai.APIConnectionError)

        monkeypatch.delenv(pause_at)
        box.start()
        client = strict_client(box)
        assert [f.id for f in client.files.list()] == [kept.id]
        assert client.files.content(kept.id).content == b"kept"
        assert list((store_dir(box) / "tmp").iterdir()) == []
        assert [p.name for p in (store_dir(box) / "blobs").iterdir()] == [kept.id]
    finally:
        box.stop()


CRASH_SCRIPT = """
import io, os, sys
from pathlib import Path
from sandbox.stores import files

real_replace, real_fsync = os.replace, os.fsync

def fsync_then_die(fd):
    real_fsync(fd)
    os._exit(137)

def rename_then_die(src, dst):
    real_replace(src, dst)
    os._exit(137)

if sys.argv[2] == "blob-written":
    os.fsync = fsync_then_die  # dies after the temp blob is complete, before the rename
else:
    os.replace = rename_then_die  # dies after the rename, before the row is committed
store = files.FileStore(Path(sys.argv[1]))
store.create(io.BytesIO(b"x" * 3_000_000), filename="a.bin", purpose="user_data")
"""


@pytest.mark.parametrize(("point", "leftover_dir"), [("blob-written", "tmp"), ("blob-renamed", "blobs")])
def test_store_recovers_from_a_crash_at_each_step(tmp_path: Path, point: str, leftover_dir: str) -> None:

    from sandbox.stores.files import FileStore

    root = Path(__file__).resolve().parents[2]
    first = FileStore(tmp_path)
    kept = first.create(io.BytesIO(b"committed earlier"), filename="ok.txt", purpose="user_data")
    first.close()
    crashed = subprocess.run(
        [sys.executable, "-c", CRASH_SCRIPT, str(tmp_path), point],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": ""},
        check=False,
    )
    assert crashed.returncode == 137
    assert len(list((tmp_path / leftover_dir).iterdir())) == (1 if leftover_dir == "tmp" else 2)

    store = FileStore(tmp_path)  # what start-up does
    assert [f.id for f in store.list().files] == [kept.id]
    assert list((tmp_path / "tmp").iterdir()) == []
    assert [p.name for p in (tmp_path / "blobs").iterdir()] == [kept.id]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"file": ("a.txt", b"x"), "purpose": "responses"}, "Supported values are: 'assistants', 'batch'"),
        ({"file": ("requests.txt", b"{}\n"), "purpose": "batch"}, r"\.jsonl"),
        ({"file": ("train.csv", b"a,b\n"), "purpose": "fine-tune"}, r"\.jsonl"),
        ({"file": ("empty.txt", b""), "purpose": "user_data"}, "is empty"),
        (
            {"file": ("a.txt", b"x"), "purpose": "user_data", "expires_after": {"anchor": "created_at", "seconds": 60}},
            "between 3600",
        ),
        (
            {
                "file": ("a.txt", b"x"),
                "purpose": "user_data",
                "expires_after": {"anchor": "last_used", "seconds": 3600},
            },
            "created_at",
        ),
    ],
    ids=["unknown-purpose", "batch-not-jsonl", "fine-tune-not-jsonl", "empty", "expiry-too-short", "bad-anchor"],
)
def test_bad_uploads_are_refused_with_a_helpful_message(
    client: OpenAI, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(openai.BadRequestError, match=message) as caught:
        client.files.create(**kwargs)  # type: ignore[arg-type]
    assert caught.value.status_code == 400


def test_bad_list_parameters_and_unknown_ids(client: OpenAI) -> None:
    with pytest.raises(openai.BadRequestError, match="Expected a value >= 1"):
        client.files.list(limit=0)
    with pytest.raises(openai.BadRequestError, match="Supported values are: 'asc', 'desc'"):
        client.files.list(order="sideways")  # type: ignore[arg-type]
    with pytest.raises(openai.NotFoundError, match="No such File object: file-doesnotexist"):
        client.files.retrieve("file-doesnotexist")
    with pytest.raises(openai.NotFoundError, match="No such File object"):
        client.files.list(after="file-AAAAAAAAAAAAAAAAAAAAAA")


HOSTILE_NAMES = [
    "../../../../etc/passwd",
    "..\\..\\windows\\win.ini",
    "..",
    "/",
    "bad\x00name.txt",
    "line\r\nX-Injected: yes.txt",
    "\u202egnp.exe",  # right-to-left override
    "x" * 1000 + ".txt",
    "résumé 履歴書 🦦.txt",
    'quote"and;semicolon.txt',
]


def test_hostile_filenames_stay_metadata(client: OpenAI, light_sandbox: SandboxProcess) -> None:
    before = set(store_dir(light_sandbox).rglob("*"))
    for name in HOSTILE_NAMES:
        body = f"content of {name!r}".encode()
        uploaded = client.files.create(file=(name, body), purpose="user_data")
        shown = uploaded.filename
        assert "/" not in shown and "\\" not in shown
        assert not any(ord(ch) < 32 or ch == "\u202e" for ch in shown)
        assert shown not in ("", ".", "..") and len(shown.encode()) <= 255
        download = client.files.with_raw_response.content(uploaded.id)
        assert download.content == body
        disposition = download.headers["content-disposition"]
        assert disposition.isascii() and "\r" not in disposition and "\n" not in disposition
    created = set(store_dir(light_sandbox).rglob("*")) - before
    assert {p.parent.name for p in created} <= {"blobs", "tmp", "files"}
    assert all(p.name.startswith("file-") for p in created if p.parent.name == "blobs")
    assert not (light_sandbox.data_dir.parent / "passwd").exists()


def test_raw_multipart_with_control_bytes_in_the_filename(light_sandbox: SandboxProcess) -> None:
    """The SDK escapes names; a hand-made request can carry raw NUL/backslash bytes, which must be dropped too."""
    boundary = "sandboxboundary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nuser_data\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="..\\\\a\x00b\x07c.txt"\r\n'
        f"Content-Type: text/plain\r\n\r\nraw\r\n--{boundary}--\r\n"
    ).encode()
    response = httpx2.post(
        f"{light_sandbox.base_url}/files",
        content=body,
        headers={"content-type": f"multipart/form-data; boundary={boundary}"},
    )
    assert response.status_code == 200, response.text
    name = response.json()["filename"]
    assert "\x00" not in name and "\x07" not in name and "\\" not in name and "/" not in name
    assert response.headers["x-sandbox-stand-in"] == "sandbox file store (SQLite + blobs on local disk)"


def test_content_type_follows_the_filename(client: OpenAI) -> None:
    jsonl = client.files.create(file=("data.jsonl", b"{}\n"), purpose="user_data")
    png = client.files.create(file=("pic.png", b"\x89PNG\r\n"), purpose="vision")
    assert client.files.with_raw_response.content(jsonl.id).headers["content-type"] == "application/jsonl"
    assert client.files.with_raw_response.content(png.id).headers["content-type"] == "image/png"


# ---- the store itself, in-process (limits and expiry need a small limit and a fake clock)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def test_store_limits_are_enforced_while_streaming(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sandbox import limits
    from sandbox.envelope import status_of
    from sandbox.errors import InvalidRequest
    from sandbox.stores import files as files_store

    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 3 * files_store.CHUNK_BYTES)
    monkeypatch.setattr(limits, "MAX_BATCH_BYTES", 2 * files_store.CHUNK_BYTES)
    store = files_store.FileStore(tmp_path)
    too_big = b"x" * (3 * files_store.CHUNK_BYTES + 1)
    with pytest.raises(InvalidRequest, match="limit for each file is 3 MB") as caught:
        store.create(io.BytesIO(too_big), filename="big.bin", purpose="user_data")
    assert status_of(caught.value) == 400
    with pytest.raises(InvalidRequest, match="batch input files"):
        store.create(io.BytesIO(b"{}\n" * files_store.CHUNK_BYTES), filename="big.jsonl", purpose="batch")
    assert list((tmp_path / "tmp").iterdir()) == [] and list((tmp_path / "blobs").iterdir()) == []
    assert store.list().files == []


def test_store_expiry_hides_then_sweeps(tmp_path: Path) -> None:
    from sandbox.errors import NotFound
    from sandbox.stores.files import FileStore

    clock = FakeClock()
    store = FileStore(tmp_path, clock=clock)
    brief = store.create(io.BytesIO(b"soon gone"), filename="a.txt", purpose="user_data", expires_after_seconds=3600)
    kept = store.create(io.BytesIO(b"kept"), filename="b.txt", purpose="user_data")
    clock.now += 3599
    assert store.get(brief.id) == brief
    clock.now += 1  # expires_at reached: gone
    with pytest.raises(NotFound, match=f"No such File object: {brief.id}"):
        store.get(brief.id)
    assert [f.id for f in store.list().files] == [kept.id]
    assert store.sweep_expired() == 1
    assert not (tmp_path / "blobs" / brief.id).exists()
    store.close()
    reopened = FileStore(tmp_path, clock=clock)
    assert [f.id for f in reopened.list().files] == [kept.id]


def test_display_filename_rules() -> None:
    from sandbox.stores.files import content_disposition, display_filename

    assert display_filename("../../etc/passwd") == "passwd"
    assert display_filename("C:\\Users\\me\\notes.txt") == "notes.txt"
    assert display_filename("..") == display_filename("") == display_filename(None) == "upload"
    assert display_filename("a\x00b\tc\u200bd.txt") == "abcd.txt"
    long = display_filename("é" * 300 + ".jsonl")
    assert long.endswith(".jsonl") and len(long.encode()) <= 255
    assert (
        content_disposition('a"b 🦦.txt')
        == "attachment; filename=\"a_b _.txt\"; filename*=UTF-8''a%22b%20%F0%9F%A6%A6.txt"
    )


def test_a_second_store_on_the_same_folder_is_refused(tmp_path: Path) -> None:
    from sandbox.stores.files import DataFolderInUse, FileStore

    first = FileStore(tmp_path)
    in_flight = tmp_path / "tmp" / "upload.inflight.part"
    in_flight.write_bytes(b"being written by the first store")
    with pytest.raises(DataFolderInUse, match=f"pid {os.getpid()}") as refused:
        FileStore(tmp_path)  # e.g. `make sandbox` and a notebook's sandbox sharing .sandbox-data
    assert str(tmp_path) in str(refused.value)
    assert in_flight.exists()
    first.close()
    FileStore(tmp_path).close()  # the next sole owner cleans up
    assert not in_flight.exists()


def test_a_second_sandbox_on_the_same_folder_is_refused_and_kill_9_frees_the_folder(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    with SandboxProcess(tmp_path, load_models=False) as first:
        kept = strict_client(first).files.create(file=("kept.txt", b"kept"), purpose="user_data")
        second = [sys.executable, "-m", "sandbox", "--port", str(free_port()), "--data-dir", str(tmp_path)]
        try:
            refused = subprocess.run(
                [*second, "--no-models"],
                cwd=root,
                env={**os.environ, "PYTHONPATH": str(root)},
                capture_output=True,
                text=True,
                timeout=30,
            )
        except subprocess.TimeoutExpired:
            pytest.fail("a second sandbox on the same data folder started (it must be refused)")
        assert refused.returncode == 1, refused.stderr
        assert str(tmp_path) in refused.stderr and f"pid {first.pid}" in refused.stderr, refused.stderr
        assert "Traceback" not in refused.stderr, refused.stderr

        first.kill()  # kill -9: the kernel drops the lock with the process
        first.start()
        assert strict_client(first).files.content(kept.id).content == b"kept"


def test_an_id_race_never_replaces_another_writers_blob(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two writers on one folder (the lock bypassed) that picked the same id: neither loses anything."""
    from sandbox.stores import files as files_store

    monkeypatch.setattr(files_store, "_claim", lambda path: -1)
    a = files_store.FileStore(tmp_path)
    b = files_store.FileStore(tmp_path)
    mine = a.create(io.BytesIO(b"A's content"), filename="a.txt", purpose="user_data")
    # b chose its id before a committed: the same id (as two --reproducible sandboxes would).
    candidates = iter([mine.id, "file-" + "B" * 22])
    monkeypatch.setattr(b, "_unused_id", lambda: next(candidates))
    theirs = b.create(io.BytesIO(b"B's content"), filename="b.txt", purpose="user_data")
    assert theirs.id != mine.id
    assert a.open_content(mine.id)[1].read() == b"A's content"
    assert b.open_content(theirs.id)[1].read() == b"B's content"


def test_an_insert_conflict_moves_only_the_losers_blob(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The id's blob path was free but its row was taken meanwhile: the loser renames its own blob, answers 200."""
    from sandbox.stores import files as files_store

    store = files_store.FileStore(tmp_path)
    gone = store.create(io.BytesIO(b"deleted"), filename="a.txt", purpose="user_data")
    store.delete(gone.id)  # the row stays (a tombstone), the blob goes
    kept = store.create(io.BytesIO(b"kept"), filename="k.txt", purpose="user_data")
    candidates = iter([gone.id, "file-" + "C" * 22])
    monkeypatch.setattr(store, "_unused_id", lambda: next(candidates))
    late = store.create(io.BytesIO(b"late"), filename="l.txt", purpose="user_data")
    assert late.id == "file-" + "C" * 22
    assert store.open_content(late.id)[1].read() == b"late"
    assert store.open_content(kept.id)[1].read() == b"kept"
    assert sorted(p.name for p in (tmp_path / "blobs").iterdir()) == sorted([kept.id, late.id])


def test_reproducible_sandbox_gives_the_same_ids_and_times_on_a_fresh_data_dir(tmp_path: Path) -> None:
    """What `python -m helpers record` relies on: same requests, same answers, so cassettes only change on purpose."""
    seen = []
    for run in ("first", "second"):
        with SandboxProcess(tmp_path / run, load_models=False, reproducible=True) as box:
            c = OpenAI(base_url=box.base_url, api_key="sk-test", max_retries=0, _strict_response_validation=True)
            uploaded = [c.files.create(file=(f"{i}.txt", b"x"), purpose="user_data") for i in range(3)]
            seen.append([(f.id, f.created_at) for f in uploaded])
        if run == "first":  # a restart on the same data dir must not reuse ids
            with SandboxProcess(tmp_path / run, load_models=False, reproducible=True) as box:
                c = OpenAI(base_url=box.base_url, api_key="sk-test", max_retries=0)
                again = c.files.create(file=("3.txt", b"x"), purpose="user_data")
                assert again.id not in {i for i, _ in seen[0]}
    assert seen[0] == seen[1]
    assert len({i for i, _ in seen[0]}) == 3
