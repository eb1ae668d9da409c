"""Shape verdicts a real OpenAI-compatible server can pass: what OpenAI's schema leaves optional, allows extra, or
leaves to the account (which models, in which order) is no failure; what it requires still is."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from helpers.conformance.exchanges import Exchange
from helpers.conformance.run import NotebookRun
from helpers.conformance.verdict import Verdicts, judge
from helpers.recording.interactions import JsonBody, RawBody, RecordedRequest, RecordedResponse

MODEL = {"id": "text-embedding-3-small", "object": "model", "created": 1705948997, "owned_by": "system"}
MODEL_WITH_DATE = MODEL | {"shutdown_date": None}


def _exchange(method: str, path: str, body: Any, status: int, answer: Any) -> Exchange:
    request = RecordedRequest(method, path, body=JsonBody(body) if body is not None else RawBody())
    return Exchange(
        "nb", 1, request, RecordedResponse(status, {"content-type": ["application/json"]}, JsonBody(answer))
    )


def _judge(method: str, path: str, body: Any, reference: Any, got: Any, status: int = 200) -> Verdicts:
    run = NotebookRun("nb", Path("unused"), {}, {}, (), 1, 0.0)
    return judge(
        [run],
        {"nb": [_exchange(method, path, body, status, got)]},
        {"nb": [_exchange(method, path, body, status, reference)]},
    )


def _kinds(verdicts: Verdicts) -> list[tuple[str, str]]:
    return [(r.kind, r.detail) for r in verdicts.roots]


def _shape(verdicts: Verdicts) -> list[str]:
    """Every shape difference of every row, one by one."""
    return [diff for row in verdicts.rows for diff in row.shape]


def test_a_field_the_sdk_type_leaves_optional_may_be_missing() -> None:
    assert _kinds(_judge("GET", "/v1/models/text-embedding-3-small", None, MODEL_WITH_DATE, MODEL)) == []
    image = {"created": 1, "data": [{"b64_json": "aGk="}], "background": "opaque", "quality": "low"}
    image |= {"output_format": "png", "size": "1024x1024"}
    body = {"model": "gpt-image-2", "prompt": "p"}
    lean = {"created": 1, "data": [{"b64_json": "aGk="}]}
    assert [k for k in _kinds(_judge("POST", "/v1/images/generations", body, image, lean)) if k[0] == "shape"] == []


def test_a_field_the_sdk_type_requires_is_still_missing() -> None:
    no_created = {k: v for k, v in MODEL.items() if k != "created"}
    assert _shape(_judge("GET", "/v1/models/text-embedding-3-small", None, MODEL_WITH_DATE, no_created)) == [
        "$.created: missing"
    ]
    moderation = {"flagged": False, "categories": {"hate": False, "hate/threatening": False}}
    reference = {"id": "modr-1", "model": "m", "results": [moderation | {"category_applied_input_types": {}}]}
    short = {"id": "modr-1", "model": "m", "results": [{"flagged": False, "categories": {"hate": False}}]}
    assert _shape(_judge("POST", "/v1/moderations", {"input": "x"}, reference, short)) == [
        "$.results[0].category_applied_input_types: missing",
        "$.results[0].categories.hate/threatening: missing",
    ]


def test_an_error_answer_still_needs_every_field_of_the_envelope() -> None:
    reference = {"error": {"message": "m", "type": "invalid_request_error", "param": None, "code": "model_not_found"}}
    got = {"error": {"message": "m", "type": "invalid_request_error", "code": None}}
    verdicts = _judge("GET", "/v1/models/gpt-imaginary", None, reference, got, status=404)
    assert _kinds(verdicts) == [("envelope", "error.param missing")]  # once, as the envelope's: not again as shape
    assert _shape(verdicts) == []


def test_an_extra_field_is_no_failure() -> None:
    reference = {"object": "list", "data": [], "model": "m", "usage": {"prompt_tokens": 1, "total_tokens": 1}}
    got = reference | {"usage": {"prompt_tokens": 1, "total_tokens": 1, "completion_tokens": 0}, "x_server": "y"}
    assert _kinds(_judge("POST", "/v1/embeddings", {"model": "m", "input": []}, reference, got)) == []


def test_which_models_an_account_has_and_their_order_is_no_failure() -> None:
    reference = {"object": "list", "data": [MODEL, MODEL | {"id": "dall-e-3"}, MODEL | {"id": "whisper-1"}]}
    got = {"object": "list", "data": [MODEL | {"id": "gpt-4.1"}, MODEL]}
    assert _shape(_judge("GET", "/v1/models", None, reference, got)) == []
    assert _shape(_judge("GET", "/v1/models/text-embedding-3-small", None, MODEL, MODEL | {"id": "gpt-4.1"})) == []


def test_a_typed_id_and_the_length_of_what_was_asked_for_are_still_compared() -> None:
    file = {"id": "file-abc", "object": "file", "bytes": 3, "created_at": 1, "filename": "a.txt"}
    file |= {"purpose": "user_data", "status": "processed"}
    assert _shape(_judge("GET", "/v1/files/file-abc", None, file, file | {"id": "abc"})) == [
        "$.id: 'abc' lacks the prefix 'file-'"
    ]
    one = {"object": "embedding", "index": 0, "embedding": [0.5, 0.5]}
    answer = {"object": "list", "data": [one], "model": "m", "usage": {"prompt_tokens": 1, "total_tokens": 1}}
    short = answer | {"data": [one | {"embedding": [0.5]}]}
    assert _shape(_judge("POST", "/v1/embeddings", {"model": "m", "input": "a"}, answer, short)) == [
        "$.data[0].embedding: 2 items → 1"
    ]
