"""Every recorded response validates against the SDK's types for its endpoint (what a strict client would check).

The cassettes are what learners see in replay; if the sandbox (or OpenAI) ever answered with a shape the SDK does
not declare, this catches it even where the notebook's non-strict client would silently accept it.
"""

from __future__ import annotations

import base64
import copy
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from openai.pagination import SyncCursorPage, SyncPage
from openai.types import (
    CreateEmbeddingResponse,
    FileDeleted,
    FileObject,
    ImageEditStreamEvent,
    ImageGenStreamEvent,
    ImagesResponse,
    Model,
    ModelDeleted,
    ModerationCreateResponse,
)
from pydantic import BaseModel, TypeAdapter

from helpers.recording.cassette import Cassette
from helpers.recording.interactions import Interaction, JsonBody, RawBody

CASSETTES = Path(__file__).resolve().parents[2] / "cassettes"
NOTEBOOKS = sorted(p.stem for p in CASSETTES.glob("*.yaml"))

# (method, path pattern) -> the SDK type of a 2xx body; None: not JSON (file content).
RESPONSE_TYPES: list[tuple[str, str, type[BaseModel] | None]] = [
    ("POST", r"/v1/embeddings", CreateEmbeddingResponse),
    ("POST", r"/v1/files", FileObject),
    ("GET", r"/v1/files", SyncCursorPage[FileObject]),
    ("GET", r"/v1/files/[^/]+", FileObject),
    ("DELETE", r"/v1/files/[^/]+", FileDeleted),
    ("GET", r"/v1/files/[^/]+/content", None),
    ("POST", r"/v1/images/(generations|edits|variations)", ImagesResponse),
    ("GET", r"/v1/models", SyncPage[Model]),
    ("GET", r"/v1/models/.+", Model),
    ("DELETE", r"/v1/models/.+", ModelDeleted),
    ("POST", r"/v1/moderations", ModerationCreateResponse),
]


STREAM_EVENTS = {"generations": TypeAdapter(ImageGenStreamEvent), "edits": TypeAdapter(ImageEditStreamEvent)}


def stream_events(content: bytes) -> list[dict[str, Any]]:
    """The JSON ``data:`` payloads of a server-sent event stream, in order."""
    return [
        json.loads(line[len("data:") :])
        for line in content.decode("utf-8").splitlines()
        if line.startswith("data:") and line[len("data:") :].strip() not in ("", "[DONE]")
    ]


def response_type(method: str, path: str) -> type[BaseModel] | None:
    for want_method, pattern, model in RESPONSE_TYPES:
        if method == want_method and re.fullmatch(pattern, path):
            return model
    raise AssertionError(f"no SDK type known for {method} {path}: add it to RESPONSE_TYPES")


def as_client_sees_it(interaction: Interaction, body: Any) -> Any:
    """Base64 embeddings are decoded by the SDK before its types apply (float32, little-endian). On a copy: parsed
    bodies are shared (helpers.recording.interactions.parse_body caches them)."""
    body = copy.deepcopy(body)
    request = interaction.request.body
    if isinstance(request, JsonBody) and request.data.get("encoding_format", "base64") == "base64":
        for item in body.get("data", []):
            if isinstance(item.get("embedding"), str):
                item["embedding"] = np.frombuffer(base64.b64decode(item["embedding"]), "<f4").tolist()
    return body


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_every_recorded_response_matches_the_sdk_types(notebook: str) -> None:
    cassette = Cassette.load(notebook, CASSETTES)
    assert cassette.interactions, f"{notebook} has no recordings"
    for number, interaction in enumerate(cassette.interactions, start=1):
        request, response = interaction.request, interaction.response
        where = f"{notebook} #{number}: {request.method} {request.path} -> {response.status}"
        model = response_type(request.method, request.path.split("?")[0])
        if response.status >= 400:
            assert isinstance(response.body, JsonBody), where
            error = response.body.data["error"]
            assert set(error) == {"message", "type", "param", "code"}, where
            assert isinstance(error["message"], str) and error["message"], where
            continue
        assert 200 <= response.status < 300, where
        if model is None:
            assert isinstance(response.body, RawBody) and response.body.content, where
            continue
        if (response.header("content-type") or "").startswith("text/event-stream"):
            assert isinstance(response.body, RawBody), where
            events = stream_events(response.body.content)
            assert events and events[-1]["type"].endswith(".completed"), where
            adapter = STREAM_EVENTS["edits" if request.path.endswith("/edits") else "generations"]
            for event in events:
                adapter.validate_python(event)
            continue
        assert isinstance(response.body, JsonBody), where
        model.model_validate(as_client_sees_it(interaction, response.body.data))


def test_a_shape_the_sdk_does_not_declare_is_caught() -> None:
    """The check above can fail: a file object without its required `bytes` does not validate."""
    with pytest.raises(ValueError):
        FileObject.model_validate(
            {"id": "file-1", "object": "file", "created_at": 0, "filename": "a", "purpose": "batch"}
        )
