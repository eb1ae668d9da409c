"""Hand-written hostile requests the generator does not make: malformed bodies, absurd sizes, lying headers.

Each must keep the contract: a 2xx or an OpenAI-shaped 4xx, within the timeout. (The cases that once broke it are
also pinned down, with the exact answer expected, in tests/sandbox/test_hostile_inputs.py.)
"""

from __future__ import annotations

import base64
import socket
from typing import TYPE_CHECKING, Any

import httpx2
import pytest

from tests.robustness.contract import contract_problem
from tests.sample_images import png, png_claiming

if TYPE_CHECKING:
    from helpers.sandbox_process import SandboxProcess

REQUEST_TIMEOUT = 60.0


def raw(body: str | bytes, content_type: str = "application/json") -> dict[str, Any]:
    return {"content": body, "headers": {"content-type": content_type}}


def case(name: str, method: str, path: str, request: dict[str, Any]) -> Any:
    return pytest.param(method, path, request, id=name)


def embed(input: Any, **extra: Any) -> dict[str, Any]:
    return {"json": {"model": "text-embedding-3-small", "input": input, **extra}}


def moderate(*parts: dict[str, Any]) -> dict[str, Any]:
    return {"json": {"input": list(parts)}}


def image_part(url: str) -> dict[str, Any]:
    return {"type": "image_url", "image_url": {"url": url}}


def upload(name: str, content: bytes, purpose: str = "user_data") -> dict[str, Any]:
    return {"files": {"file": (name, content)}, "data": {"purpose": purpose}}


def edit(files: Any) -> dict[str, Any]:
    return {"files": files, "data": {"model": "gpt-image-2", "prompt": "x"}}


DEEP = "[" * 100_000 + "]" * 100_000
BOMB_URL = "data:image/png;base64," + base64.b64encode(png_claiming(60_000, 60_000)).decode()
TRUNCATED_FORM = (
    b'--xyz\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nuser_data\r\n'
    b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhel'
)
MULTIPART_XYZ = "multipart/form-data; boundary=xyz"
CASES: list[Any] = [
    # embeddings
    case("embeddings-deep-json", "POST", "/embeddings", raw(DEEP)),
    case("embeddings-nan-dimensions", "POST", "/embeddings", raw('{"model": "m", "input": "x", "dimensions": NaN}')),
    case("embeddings-huge-float", "POST", "/embeddings", raw('{"model": "text-embedding-3-small", "input": [1e400]}')),
    case("embeddings-5000-digit-int", "POST", "/embeddings", raw('{"model": "m", "input": [1' + "0" * 5000 + "]}")),
    case("embeddings-token-out-of-range", "POST", "/embeddings", embed([[10**30]])),
    case("embeddings-negative-token", "POST", "/embeddings", embed([-1])),
    case("embeddings-empty-list", "POST", "/embeddings", embed([])),
    case("embeddings-2049-inputs", "POST", "/embeddings", embed(["x"] * 2049)),
    case("embeddings-mixed-types", "POST", "/embeddings", embed(["x", 1, [2]])),
    case("embeddings-null-input", "POST", "/embeddings", embed(None)),
    case("embeddings-model-number", "POST", "/embeddings", {"json": {"model": 3, "input": "x"}}),
    case("embeddings-unknown-field", "POST", "/embeddings", embed("x", temperature=0.2)),
    case("embeddings-body-array", "POST", "/embeddings", raw("[]")),
    case("embeddings-not-utf8", "POST", "/embeddings", raw(b"\xff\xfe{}")),
    case("embeddings-text-plain", "POST", "/embeddings", raw('{"model": "m", "input": "x"}', "text/plain")),
    case("embeddings-no-body", "POST", "/embeddings", {}),
    case("embeddings-over-8192-tokens", "POST", "/embeddings", embed("otter " * 9000)),
    case(
        "embeddings-lone-surrogate",
        "POST",
        "/embeddings",
        raw('{"model": "text-embedding-3-small", "input": "\\ud800"}'),
    ),
    # moderations
    case("moderations-deep-json", "POST", "/moderations", raw(DEEP)),
    case("moderations-bad-data-url", "POST", "/moderations", moderate(image_part("data:image/png;base64,@@@"))),
    case("moderations-remote-url", "POST", "/moderations", moderate(image_part("http://127.0.0.1:9/x.png"))),
    case("moderations-text-part-without-text", "POST", "/moderations", moderate({"type": "text"})),
    case("moderations-unknown-part-type", "POST", "/moderations", moderate({"type": "audio", "audio": "x"})),
    case("moderations-empty-list", "POST", "/moderations", moderate()),
    case("moderations-unknown-model", "POST", "/moderations", {"json": {"input": "x", "model": "omni-9000"}}),
    case("moderations-image-bomb", "POST", "/moderations", moderate(image_part(BOMB_URL))),
    case(
        "moderations-lone-surrogate",
        "POST",
        "/moderations",
        raw('{"input": "\\ud800"}'),
    ),
    # files
    case("files-no-boundary", "POST", "/files", raw(b"garbage", "multipart/form-data")),
    case("files-garbage-multipart", "POST", "/files", raw(b"garbage", MULTIPART_XYZ)),
    case("files-truncated-multipart", "POST", "/files", raw(TRUNCATED_FORM, MULTIPART_XYZ)),
    case("files-json-body", "POST", "/files", {"json": {"file": "x", "purpose": "user_data"}}),
    case("files-too-many-parts", "POST", "/files", {"files": [("file", ("a.txt", b"x"))] * 6}),
    case("files-purpose-nul", "POST", "/files", upload("a.txt", b"x", purpose="user_data\x00")),
    case("files-hostile-filename", "POST", "/files", upload("../../\x00\u202egnp.exe", b"x")),
    case("files-list-huge-limit", "GET", "/files?limit=99999999999999999999999", {}),
    case("files-list-bad-order", "GET", "/files?order=sideways", {}),
    case("files-list-nul-cursor", "GET", "/files?after=%00", {}),
    case("files-get-nul", "GET", "/files/%00", {}),
    case("files-content-unknown", "GET", "/files/file-aaaaaaaaaaaaaaaaaaaaaa/content", {}),
    case("files-delete-traversal", "DELETE", "/files/..%2F..%2Ffiles.sqlite3", {}),
    # models
    case("models-traversal", "GET", "/models/%2e%2e%2f%2e%2e%2f", {}),
    case("models-long-id", "GET", "/models/" + "m" * 5000, {}),
    case("models-delete-base", "DELETE", "/models/text-embedding-3-small", {}),
    # images
    case("images-deep-json", "POST", "/images/generations", raw(DEEP)),
    case("images-n-float", "POST", "/images/generations", {"json": {"model": "gpt-image-2", "prompt": "x", "n": 1.5}}),
    case(
        "images-stream-partials",
        "POST",
        "/images/generations",
        {"json": {"model": "gpt-image-1-mini", "prompt": "x", "stream": True, "partial_images": 3, "quality": "low"}},
    ),
    case("images-edit-bomb", "POST", "/images/edits", edit({"image": ("bomb.png", png_claiming(60_000, 60_000))})),
    case("images-edit-many-pixels", "POST", "/images/edits", edit({"image": ("big.png", png_claiming(9_000, 9_000))})),
    case("images-edit-truncated-png", "POST", "/images/edits", edit({"image": ("cut.png", png()[:40])})),
    case(
        "images-edit-mask-mismatch",
        "POST",
        "/images/edits",
        edit({"image": ("a.png", png((32, 32))), "mask": ("m.png", png((16, 16), "RGBA"))}),
    ),
    case("images-edit-17-images", "POST", "/images/edits", edit([("image[]", ("a.png", png((8, 8))))] * 17)),
    case("images-variations", "POST", "/images/variations", {"files": {"image": ("a.png", png())}}),
    # anywhere
    case("unknown-path", "GET", "/nothing-here", {}),
    case("wrong-method", "PATCH", "/files", {}),
    case("head-request", "HEAD", "/models", {}),
]


@pytest.mark.parametrize(("method", "path", "request_kwargs"), CASES)
def test_hostile_request_keeps_the_contract(
    robust_sandbox: SandboxProcess,
    request: pytest.FixtureRequest,
    method: str,
    path: str,
    request_kwargs: dict[str, Any],
) -> None:
    name = request.node.callspec.id
    try:
        response = httpx2.request(method, robust_sandbox.base_url + path, timeout=REQUEST_TIMEOUT, **request_kwargs)
    except httpx2.TimeoutException:
        pytest.fail(f"{name}: no answer within {REQUEST_TIMEOUT:.0f} s")
    if method == "HEAD":  # no body to check, by definition
        assert response.status_code < 500, f"{name}: status {response.status_code}"
        return
    problem = contract_problem(response.status_code, response.content)
    assert problem is None, f"{name}: {problem}"


def test_a_lying_content_length_is_refused_before_the_body_arrives(robust_sandbox: SandboxProcess) -> None:
    """A client announcing ~1 TB and sending 10 bytes gets its 400 at once; nothing waits for the rest."""
    head = (
        "POST /v1/files HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=xyz\r\n"
        "Content-Length: 999999999999\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", robust_sandbox.port), timeout=REQUEST_TIMEOUT) as sock:
        sock.sendall(head.encode() + b"x" * 10)
        answer = b""
        while b"\r\n\r\n" not in answer or len(answer.partition(b"\r\n\r\n")[2]) < _content_length(answer):
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
    headers, _, body = answer.partition(b"\r\n\r\n")
    status = int(headers.split()[1])
    assert contract_problem(status, body) is None and status == 400, answer[:300]


def _content_length(answer: bytes) -> int:
    for line in answer.partition(b"\r\n\r\n")[0].split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    return 0
