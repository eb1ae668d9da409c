"""The matcher: what counts as the same request, and how a near miss is described."""

from __future__ import annotations

import httpx2
import pytest

from helpers.recording.exchange import recorded_request
from helpers.recording.interactions import JsonBody, MultipartBody, RecordedRequest, parse_body
from helpers.recording.matchers import closest, request_differences, same_request, summarize_request

SANDBOX = "http://127.0.0.1:8123/v1"
OPENAI = "https://api.openai.com/v1"


def json_request(body: bytes, *, base: str = OPENAI, path: str = "/embeddings", **headers: str) -> RecordedRequest:
    request = httpx2.Request("POST", base + path, content=body, headers={"content-type": "application/json", **headers})
    return recorded_request(request, base)


def multipart_request(*, boundary: str, content: bytes = b"hello", purpose: str = "assistants") -> RecordedRequest:
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\n{purpose}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="notes.txt"\r\n'
            "Content-Type: text/plain\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = httpx2.Request(
        "POST", OPENAI + "/files", content=body, headers={"content-type": f"multipart/form-data; boundary={boundary}"}
    )
    return recorded_request(request, OPENAI)


def test_json_key_order_does_not_matter() -> None:
    a = json_request(b'{"model": "m", "input": "cat"}')
    b = json_request(b'{"input":"cat","model":"m"}')
    assert same_request(a, b)


@pytest.mark.parametrize("spelling", [b"1", b"1.0", b"1e0", b"1.000"])
def test_numbers_compare_as_numbers(spelling: bytes) -> None:
    assert same_request(json_request(b'{"temperature": ' + spelling + b"}"), json_request(b'{"temperature": 1.0}'))


def test_true_is_not_one_and_strings_are_not_numbers() -> None:
    assert not same_request(json_request(b'{"x": true}'), json_request(b'{"x": 1}'))
    assert not same_request(json_request(b'{"x": "1"}'), json_request(b'{"x": 1}'))


def test_multipart_matches_whatever_the_boundary() -> None:
    a = multipart_request(boundary="8ac0b4a2b8a4332202f7ccc746f157db")
    b = multipart_request(boundary="0123456789abcdef0123456789abcdef")
    assert isinstance(a.body, MultipartBody)
    assert same_request(a, b)


def test_a_changed_file_byte_does_not_match() -> None:
    a = multipart_request(boundary="aaaa", content=b"hello")
    b = multipart_request(boundary="bbbb", content=b"hellO")
    assert request_differences(a, b) == ["body.file.content: 'hello' != 'hellO'"]


def test_a_changed_purpose_does_not_match() -> None:
    a = multipart_request(boundary="aaaa", purpose="assistants")
    b = multipart_request(boundary="aaaa", purpose="batch")
    assert request_differences(a, b) == ["body.purpose: 'assistants' != 'batch'"]


def test_real_sdk_multipart_matches_across_calls() -> None:
    """Two uploads through the SDK's own encoder (random boundaries) compare equal."""
    sent: list[RecordedRequest] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        sent.append(recorded_request(request, SANDBOX))
        return httpx2.Response(
            200,
            json={"id": "file-1", "object": "file", "bytes": 5, "created_at": 1, "filename": "a.bin"}
            | {"purpose": "assistants", "status": "processed"},
        )

    from openai import DefaultHttpx2Client, OpenAI

    client = OpenAI(
        api_key="k", base_url=SANDBOX, http_client=DefaultHttpx2Client(transport=httpx2.MockTransport(handler))
    )
    for _ in range(2):
        client.files.create(file=("a.bin", bytes(range(256)), "application/octet-stream"), purpose="assistants")
    assert same_request(sent[0], sent[1])


def test_host_user_agent_and_stainless_headers_are_ignored() -> None:
    recorded = json_request(b'{"input": "cat"}', base=SANDBOX, **{"user-agent": "OpenAI/Python 1.0"})
    live = json_request(
        b'{"input": "cat"}', base=OPENAI, **{"user-agent": "OpenAI/Python 3.57.0", "x-stainless-retry-count": "1"}
    )
    assert recorded.path == live.path == "/v1/embeddings"
    assert same_request(live, recorded)


def test_method_path_and_query_are_compared() -> None:
    get = RecordedRequest("GET", "/v1/files", (("limit", "2"), ("order", "asc")))
    assert same_request(get, RecordedRequest("GET", "/v1/files", (("order", "asc"), ("limit", "2"))))
    assert request_differences(get, RecordedRequest("GET", "/v1/files", (("limit", "3"), ("order", "asc")))) == [
        "query.limit: '2' != '3'"
    ]
    assert request_differences(get, RecordedRequest("DELETE", "/v1/files", get.query)) == ["method: GET != DELETE"]
    assert request_differences(get, RecordedRequest("GET", "/v1/models", get.query)) == [
        "path: /v1/files != /v1/models"
    ]


def test_json_differences_name_the_field() -> None:
    live = json_request(b'{"model": "m", "input": ["a", "dog"], "dimensions": 8}')
    recorded = json_request(b'{"model": "m", "input": ["a", "cat"], "user": "u"}')
    assert request_differences(live, recorded) == [
        "body.input[1]: 'dog' != 'cat'",
        "body.dimensions: 8 is sent but was not recorded",
        "body.user: not sent, recorded 'u'",
    ]


def test_closest_prefers_the_same_endpoint() -> None:
    live = json_request(b'{"model": "m", "input": "dog"}')
    candidates = [
        RecordedRequest("GET", "/v1/models"),
        json_request(b'{"model": "m", "input": "cat"}', path="/moderations"),
        json_request(b'{"model": "m", "input": "cat"}'),
    ]
    index, differences = closest(live, candidates) or (None, [])
    assert index == 2
    assert differences == ["body.input: 'dog' != 'cat'"]
    assert closest(live, []) is None


def test_unparseable_json_is_compared_as_bytes() -> None:
    assert parse_body(b"{not json", "application/json") != JsonBody(None)
    assert not same_request(json_request(b"{not json"), json_request(b"{not jsom"))


def test_summary_is_short_and_readable() -> None:
    summary = summarize_request(multipart_request(boundary="b", content=b"x" * 5000))
    assert summary == "POST /v1/files multipart: purpose='assistants', file=<file 'notes.txt', 5000 bytes, text/plain>"
