"""Bytes as sent: a JSON file that is not in compact form (pretty-printed, say) comes back from a recording exactly
as it was uploaded and downloaded; compact JSON, and numbers spelled another way, stay readable data."""

from __future__ import annotations

import json
from pathlib import Path

import httpx2
from openai import DefaultHttpx2Client, OpenAI

from helpers.recording.cassette import Cassette
from helpers.recording.filters import SecretGuard
from helpers.recording.interactions import JsonBody, body_bytes, parse_body
from helpers.recording.record import RecordTransport
from helpers.recording.replay import ReplayTransport
from helpers.recording.serializer import load_yaml

PRETTY = json.dumps({"name": "데이터", "rows": [1, 2.5, {"deep": True}]}, indent=4, ensure_ascii=False).encode()
FILE = {"id": "file-1", "object": "file", "bytes": len(PRETTY), "created_at": 1, "filename": "data.json"}
FILE |= {"purpose": "user_data", "status": "processed"}


def answer(request: httpx2.Request) -> httpx2.Response:
    if request.url.path.endswith("/content"):
        return httpx2.Response(200, content=PRETTY, headers={"content-type": "application/json"})
    return httpx2.Response(200, json=FILE)


def test_a_pretty_json_file_round_trips_byte_for_byte(tmp_path: Path) -> None:
    cassette = Cassette.start_recording("02_files", tmp_path, sdk="3.57.0", guard=SecretGuard())
    base = "http://127.0.0.1:9/v1"
    transport = RecordTransport(cassette, client_base_url=base, upstream=httpx2.MockTransport(answer))
    recording = OpenAI(api_key="sk-x", base_url=base, http_client=DefaultHttpx2Client(transport=transport))
    uploaded = recording.files.create(file=("data.json", PRETTY, "application/json"), purpose="user_data")
    assert recording.files.content(uploaded.id).content == PRETTY  # what the notebook sees while recording
    stored = load_yaml((tmp_path / "02_files.yaml").read_text())["interactions"]
    assert stored[1]["response"]["body"] == {"json_string": PRETTY.decode()}  # kept as sent, readable
    assert stored[0]["response"]["body"]["json"]["id"] == "file-1"  # compact JSON stays data

    replay = ReplayTransport(Cassette.load("02_files", tmp_path))
    replayed = OpenAI(api_key="sk-x", http_client=DefaultHttpx2Client(transport=replay))
    again = replayed.files.create(file=("data.json", PRETTY, "application/json"), purpose="user_data")
    assert replayed.files.content(again.id).content == PRETTY


def test_numbers_spelled_another_way_are_the_same_json() -> None:
    body = parse_body(b'{"v":[-0.000085046515,0.00005596131,1.5]}', "application/json")
    assert isinstance(body, JsonBody) and body.verbatim is None
    indented = parse_body(b'{\n  "v": 1\n}', "application/json")  # OpenAI's layout: data, re-indented on replay
    assert isinstance(indented, JsonBody) and indented.indented and body_bytes(indented) == b'{\n  "v": 1\n}'
    odd = parse_body(b'{ "v" :1}', "application/json")
    assert isinstance(odd, JsonBody) and odd.verbatim == b'{ "v" :1}'
    assert odd == indented == parse_body(b'{"v":1}', "application/json")  # matched as data all the same
