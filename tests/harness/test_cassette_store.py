"""Cassettes in-process (through a fake API): format, side files, ordering, per-request saving, isolation."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from openai import OpenAI

import helpers
from helpers.banner import banner_text
from helpers.config import PROJECT_ROOT, Mode, resolve_mode
from helpers.recording.cassette import Cassette, RecordingInfo
from helpers.recording.errors import CassetteFormatError, CassetteNotFoundError, ConfigError
from helpers.recording.filters import SecretGuard
from helpers.recording.interactions import Interaction, JsonBody, RawBody, RecordedRequest, RecordedResponse
from helpers.recording.serializer import load_yaml
from helpers.recording.story import Cell
from helpers.runner import CassetteBackup, resolve_notebooks

Recorder = Callable[..., tuple[OpenAI, Cassette]]
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 32


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*") if p.is_file()
    }


def _record_files_session(client: OpenAI) -> str:
    client.models.list()
    client.files.list()
    uploaded = client.files.create(file=("pixels.png", PNG, "image/png"), purpose="vision")
    client.files.list()
    client.files.content(uploaded.id)
    return uploaded.id


def test_layout_is_vcrpy_like_with_structured_json(tmp_path: Path, recording_client: Recorder) -> None:
    client, cassette = recording_client("02_files")
    client.models.list()
    data = load_yaml(cassette.path.read_text())
    assert data["version"] == 1
    assert data["recorded_with"] == {
        "notebook": "02_files",
        "recorded_on": "2026-11-25",
        "sdk": "3.57.0",
        "target": "sandbox",
        "server": "fake sandbox 0.0",
        "stand_ins": ["fake model catalog"],
    }
    (interaction,) = data["interactions"]
    assert interaction["request"] == {
        "method": "GET",
        "uri": "https://api.openai.com/v1/models",
        "body": None,
        "headers": {"accept": ["application/json"]},
    }
    response = interaction["response"]
    assert response["status"] == {"code": 200, "message": "OK"}
    assert response["body"] == {
        "json": {
            "object": "list",
            "data": [{"id": "gpt-4o-mini", "object": "model"} | {"created": 1, "owned_by": "system"}],
        }
    }


def test_large_payloads_are_side_files_stored_once(tmp_path: Path, recording_client: Recorder) -> None:
    client, cassette = recording_client("02_files")
    _record_files_session(client)
    client.embeddings.create(model="text-embedding-3-small", input="cat")
    side_files = sorted((tmp_path / "cassettes" / "02_files").iterdir())
    # the PNG (uploaded, then downloaded: one file) and the 1536-d base64 embedding
    assert sorted(p.suffix for p in side_files) == [".bin", ".png"]
    png = next(p for p in side_files if p.suffix == ".png")
    assert png.read_bytes() == PNG and png.stem == hashlib.sha256(PNG).hexdigest()
    text = cassette.path.read_text()
    assert text.count(f"02_files/{png.name}") == 2
    assert "$blob: 02_files/" in text  # the embedding, inside the structured JSON


def test_replay_serves_identical_requests_in_recorded_order(
    tmp_path: Path, recording_client: Recorder, replay_client: Recorder
) -> None:
    client, _ = recording_client("02_files")
    _record_files_session(client)
    replayed, cassette = replay_client(tmp_path / "cassettes", "02_files")
    assert len(replayed.files.list().data) == 0
    uploaded = replayed.files.create(file=("pixels.png", PNG, "image/png"), purpose="vision")
    assert len(replayed.files.list().data) == 1
    assert replayed.files.content(uploaded.id).content == PNG
    assert replayed.models.list().data[0].id == "gpt-4o-mini"
    assert cassette.unused == 0
    assert len(replayed.files.list().data) == 1  # used up: the last matching recording again (a re-run cell)


def test_each_request_is_saved_as_it_happens(tmp_path: Path, recording_client: Recorder) -> None:
    client, cassette = recording_client("02_files")
    assert load_yaml(cassette.path.read_text())["interactions"] == []
    calls: list[Callable[[], object]] = [client.models.list, client.files.list, client.models.list]
    for count, call in enumerate(calls, start=1):
        call()
        on_disk = Cassette.load("02_files", tmp_path / "cassettes")
        assert len(on_disk.interactions) == count
    assert not [p for p in (tmp_path / "cassettes").iterdir() if p.name.endswith(".tmp")]


def test_rerecording_one_notebook_leaves_others_alone(tmp_path: Path, recording_client: Recorder) -> None:
    first, _ = recording_client("02_files")
    _record_files_session(first)
    other, _ = recording_client("03_images")
    _record_files_session(other)
    others_before = {k: v for k, v in _digests(tmp_path / "cassettes").items() if k.startswith("03_images")}

    again, cassette = recording_client("02_files")  # re-record from scratch: old side files go
    assert load_yaml(cassette.path.read_text())["interactions"] == []
    assert not (tmp_path / "cassettes" / "02_files").exists()
    again.models.list()
    after = _digests(tmp_path / "cassettes")
    assert {k: v for k, v in after.items() if k.startswith("03_images")} == others_before


def test_banner_is_the_same_when_recording_and_replaying(
    tmp_path: Path, recording_client: Recorder, replay_client: Recorder
) -> None:
    client, recording = recording_client("02_files")
    assert banner_text(recording.info, "02_files.yaml").startswith("Recording: no responses were recorded")
    _record_files_session(client)
    _, replaying = replay_client(tmp_path / "cassettes", "02_files")
    text = banner_text(replaying.info, replaying.path.name)
    assert text == banner_text(recording.info, recording.path.name)
    assert text == (
        "Sandbox recording: responses were recorded on 2026-11-25 with openai 3.57.0 against the local sandbox "
        "(fake sandbox 0.0), not OpenAI; in place of OpenAI's models it uses: fake model catalog. Recording file: "
        "02_files.yaml."
    )


@pytest.mark.parametrize(
    "value",
    [
        "multi\nline\ntext with trailing spaces   \n\n",
        "windows\r\nline\r\n",
        "  leading space",
        "yes",
        "null",
        "1.0",
        "0x1F",
        "2026-11-25",
        "émoji 🙂 and \u2028 separator",
        "tab\there",
        "",
        "# not a comment",
        "key: value",
        "control \x00\x07\x1b bytes and a \ufeff BOM",
    ],
)
def test_strings_round_trip_exactly(tmp_path: Path, value: str) -> None:
    _assert_round_trip(tmp_path, {"text": value, "list": [value], "as_key": {value or "k": 1}})
    _assert_round_trip(tmp_path, None, raw=value.encode())


@pytest.mark.parametrize(
    "data", [[1e-05, -0.0, 0.1 + 0.2, 1.0, 3, 12345678901234567890], {"$blob": "x"}, {"$literal": 1}]
)
def test_json_values_round_trip_exactly(tmp_path: Path, data: object) -> None:
    _assert_round_trip(tmp_path, {"value": data})


def _assert_round_trip(tmp_path: Path, data: object, raw: bytes | None = None) -> None:
    body = RawBody(raw) if raw is not None else JsonBody(data)
    interaction = Interaction(RecordedRequest("POST", "/v1/x", body=body), RecordedResponse(200, body=body))
    cassette = Cassette.start_recording("rt", tmp_path, sdk="x", guard=SecretGuard())
    cassette.record(interaction)
    loaded = Cassette.load("rt", tmp_path).interactions[0]
    assert loaded.response.body == body
    assert loaded.request.body == (body if body != RawBody(b"") else RawBody(b""))


def test_paths_with_odd_characters_round_trip(tmp_path: Path) -> None:
    request = RecordedRequest("GET", "/v1/models/ft:gpt-4o-mini:acme::a?b#c%d", (("after", "x&y=z"),))
    cassette = Cassette.start_recording("rt", tmp_path, sdk="x", guard=SecretGuard())
    cassette.record(Interaction(request, RecordedResponse(200)))
    assert "uri: https://api.openai.com/v1/models/ft:gpt-4o-mini:acme::a%3Fb%23c%25d?after=x%26y%3Dz" in (
        cassette.path.read_text()
    )
    assert Cassette.load("rt", tmp_path).interactions[0].request == request


def test_an_edited_side_file_is_reported(tmp_path: Path, recording_client: Recorder) -> None:
    client, _ = recording_client("02_files")
    _record_files_session(client)
    png = next((tmp_path / "cassettes" / "02_files").glob("*.png"))
    png.write_bytes(PNG + b"!")
    with pytest.raises(CassetteFormatError, match="does not match its SHA-256"):
        Cassette.load("02_files", tmp_path / "cassettes")


def test_replay_without_a_cassette_says_how_to_record(clean_env: Path) -> None:
    with pytest.raises(CassetteNotFoundError, match="make record NOTEBOOKS=05_missing"):  # strict replay only
        helpers.start("05_missing", mode="replay", cassettes=clean_env)


def test_replay_needs_no_key_and_ignores_the_environment(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, recording_client: Recorder
) -> None:
    client, _ = recording_client("02_files")
    client.models.list()
    monkeypatch.setenv("OPENAI_API_KEY", "sk-must-not-be-used-0000")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:1/v1")
    replayed = helpers.start("02_files", cassettes=tmp_path / "cassettes", banner=False)
    assert replayed.api_key != "sk-must-not-be-used-0000"
    assert str(replayed.base_url) == "https://api.openai.com/v1/"
    assert replayed.models.list().data[0].id == "gpt-4o-mini"


def test_start_prints_the_banner_outside_jupyter(
    clean_env: Path, tmp_path: Path, recording_client: Recorder, capsys: pytest.CaptureFixture[str]
) -> None:
    client, _ = recording_client("02_files")
    client.models.list()
    helpers.start("02_files", cassettes=tmp_path / "cassettes")
    assert capsys.readouterr().out.startswith("Sandbox recording: responses were recorded on 2026-11-25")


def test_modes(monkeypatch: pytest.MonkeyPatch) -> None:
    assert resolve_mode(None, {}) is Mode.EXPLORE  # the learner's mode
    assert resolve_mode(None, {"OPENAI_NOTEBOOK_MODE": "Record"}) is Mode.RECORD
    assert resolve_mode("live", {"OPENAI_NOTEBOOK_MODE": "record"}) is Mode.LIVE
    with pytest.raises(ConfigError, match="explore, replay, record, live"):
        resolve_mode("playback", {})
    with pytest.raises(ConfigError):
        helpers.start("../escape")


def test_record_mode_without_a_key_explains_itself(clean_env: Path) -> None:
    with pytest.raises(ConfigError, match="make record NOTEBOOKS=02_files"):
        helpers.start("02_files", mode="record", cassettes=clean_env)
    assert not (clean_env / "02_files.yaml").exists()


def test_importing_helpers_creates_no_client_and_reads_no_key() -> None:
    code = (
        "import sys\n"
        "import helpers, helpers.session, helpers.runner, helpers.recording.cassette\n"
        "import helpers.recording.replay, helpers.recording.explore, helpers.recording.record\n"
        "assert 'openai' not in sys.modules, 'helpers imported the SDK at import time'\n"
        "assert helpers.current() is None\n"
    )
    env = {"PYTHONPATH": str(PROJECT_ROOT), "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=PROJECT_ROOT)


def test_a_failed_rerecording_gets_the_previous_cassette_back(tmp_path: Path, recording_client: Recorder) -> None:
    client, _ = recording_client("02_files")
    _record_files_session(client)
    before = _digests(tmp_path / "cassettes")
    backup = CassetteBackup(tmp_path / "cassettes", "02_files")
    partial, _ = recording_client("02_files")  # the re-recording starts (and empties the cassette) ...
    partial.models.list()
    backup.restore()  # ... then its notebook fails
    backup.discard()
    assert _digests(tmp_path / "cassettes") == before


def test_notebook_names_resolve_to_files(tmp_path: Path) -> None:
    for name in ("01_embeddings", "02_files", "_scratch"):
        (tmp_path / f"{name}.ipynb").write_text("{}")
    assert [p.stem for p in resolve_notebooks([], tmp_path)] == ["01_embeddings", "02_files"]
    assert [p.stem for p in resolve_notebooks(["02_files 01_embeddings.ipynb"], tmp_path)] == [
        "02_files",
        "01_embeddings",
    ]
    with pytest.raises(ConfigError, match="available: 01_embeddings, 02_files"):
        resolve_notebooks(["03_images"], tmp_path)


def test_rerunning_an_earlier_cell_answers_for_the_state_this_kernel_is_in(tmp_path: Path) -> None:
    """List (cell A), upload (cell B), list again (cell C). Re-running A after the upload shows the upload: the list
    recorded for that state (C's), never the empty list recorded before it — the kernel did upload."""
    listing = RecordedRequest("GET", "/v1/files")
    empty = RecordedResponse(200, {"content-type": ["application/json"]}, JsonBody({"object": "list", "data": []}))
    one = RecordedResponse(200, {"content-type": ["application/json"]}, JsonBody({"object": "list", "data": [1]}))
    upload = RecordedRequest("POST", "/v1/files", body=JsonBody({"x": 1}))
    cassette = Cassette(
        "02_files",
        tmp_path,
        RecordingInfo("02_files", "2026-11-25", "3.57.0"),
        [
            Interaction(listing, empty, cell="aaaa"),
            Interaction(upload, one, cell="bbbb"),
            Interaction(listing, one, cell="cccc"),
        ],
    )
    assert cassette.play(listing, cell=Cell(1, "aaaa")) == empty
    cassette.play(upload, cell=Cell(2, "bbbb"))
    assert cassette.play(listing, cell=Cell(3, "cccc")) == one
    assert cassette.play(listing, cell=Cell(4, "aaaa")) == one  # re-run of A: the state after the upload
    assert cassette.play(listing, cell=Cell(5, "dddd")) == one  # a new cell: the same


def test_printed_text_split_by_timing_is_saved_as_one_output() -> None:
    from helpers.runner import join_printed_text

    outputs = [
        {"output_type": "stream", "name": "stdout", "text": "deleted: True\n"},
        {"output_type": "stream", "name": "stdout", "text": "gone\n"},
        {"output_type": "display_data", "data": {"text/plain": "x"}, "metadata": {}},
        {"output_type": "stream", "name": "stdout", "text": "a\n"},
        {"output_type": "stream", "name": "stderr", "text": "b\n"},
    ]
    joined = join_printed_text(outputs)
    assert [o.get("text") for o in joined] == ["deleted: True\ngone\n", None, "a\n", "b\n"]
