"""``helpers.vcr`` / ``make_vcr(record_mode=...)`` record as the notebooks do: no key, no account id, and a header
that names the server that really answered."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import openai
import pytest

from helpers.recording.errors import SecretLeakError
from helpers.recording.library import make_vcr
from helpers.recording.serializer import load_yaml

TOKEN = uuid.uuid4().hex
KEY, ORG, PROJECT = f"sk-canary-{TOKEN}", f"org-canary{TOKEN[:10]}", f"proj_canary{TOKEN[10:20]}"


class Server(BaseHTTPRequestHandler):
    """Another OpenAI-compatible server: it names the account in headers and bodies, and may echo the key."""

    echo_key = False

    def do_GET(self) -> None:
        model = {"id": f"ft:gpt-4o-mini:{ORG}::x1", "object": "model", "created": 1, "owned_by": ORG}
        if Server.echo_key:
            model["note"] = self.headers.get("authorization", "")
        body = json.dumps({"object": "list", "data": [model]}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("openai-organization", ORG)
        self.send_header("openai-project", PROJECT)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Server)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()
    Server.echo_key = False


def _client(base_url: str) -> openai.OpenAI:
    return openai.OpenAI(api_key=KEY, organization=ORG, project=PROJECT, base_url=base_url, max_retries=0)


def test_recording_scrubs_ids_and_names_the_server(server: str, tmp_path: Path) -> None:
    vcr = make_vcr(tmp_path, record_mode="all", environ={})
    with vcr.use_cassette("04_models"):
        listed = _client(server).models.list().data[0]
    text = (tmp_path / "04_models.yaml").read_text()
    assert KEY not in text and ORG not in text and PROJECT not in text
    assert "org-REDACTED" in text
    header = load_yaml(text)["recorded_with"]
    assert header["target"] == "other" and header["host"] == "localhost"
    assert listed.owned_by == ORG  # the caller got the server's answer (it is the saved copy that is scrubbed)


def test_the_secret_guard_refuses_a_key_the_server_echoes(server: str, tmp_path: Path) -> None:
    Server.echo_key = True
    vcr = make_vcr(tmp_path, record_mode="all", environ={})
    with pytest.raises(SecretLeakError), vcr.use_cassette("04_models"):
        _client(server).models.list()
    assert not (tmp_path / "04_models.yaml").exists()
