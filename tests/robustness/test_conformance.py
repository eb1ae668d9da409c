"""Conformance fuzzing: schemathesis drives a real sandbox process with cases generated from the OpenAPI subset.

The contract every response must keep:
- a 2xx validates against the spec's response schema for that operation, or
- a 4xx carries OpenAI's error body ``{"error": {"message", "type", "param", "code"}}`` with all four keys.
Anything else fails the test: a 5xx, another status, an invalid 2xx body, or no answer within REQUEST_TIMEOUT.

The spec (openai-openapi, Aug 2026) is older than the SDK the notebooks use (openai 3.57.0). Where the two
disagree the SDK wins, and each disagreement is listed in SPEC_VS_SDK with exactly how it is handled here: a
patch to the one schema node concerned, or one check replaced for one operation. Nothing is filtered wholesale.

Quick (default): examples + fuzzing, 4 fuzzed cases per operation (about 65 requests). Full (``--full`` or
``ROBUSTNESS_FULL=1``): the coverage phase too (every boundary and negative case the schema defines) and 40 fuzzed
cases per operation (about 1,300 requests). Hypothesis is derandomised with a fixed seed: every run sends the same
cases, so a failure reproduces and CI is not flaky.
"""

from __future__ import annotations

import base64
import copy
import io
import json
import os
import struct
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx2
import pytest
import requests
import schemathesis
from PIL import Image
from schemathesis.core.transport import Response
from schemathesis.generation import GenerationMode
from schemathesis.generation.case import Case as GenericCase
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.robustness.contract import contract_problem

if TYPE_CHECKING:
    from helpers.sandbox_process import SandboxProcess
    from tests.robustness.conftest import Figures

SPEC_FILE = Path(__file__).with_name("openapi-subset.json")
SEED = 20261125
# The heaviest legal request (10 pictures of 3840x2160 at quality "max") takes ~18 s on two idle cores; a request
# still unanswered after REQUEST_TIMEOUT is a hang.
REQUEST_TIMEOUT = 60.0
FULL = os.environ.get("ROBUSTNESS_FULL") == "1"  # `--full` sets it too (see conftest.py)
FUZZED_PER_OPERATION = 40 if FULL else 4
API_KEY = "sk-sandbox-fuzz"
FINE_TUNED = "ft:text-embedding-3-small:sandbox-org::demo0001"
Case = GenericCase[Any]


# ---- where the Aug-2026 spec and openai 3.57.0 disagree, and what this test does about each


@dataclass(frozen=True)
class Disagreement:
    where: str
    spec: str
    sdk: str
    handling: str


SPEC_VS_SDK = (
    Disagreement(
        "OpenAIFile.expires_at, OpenAIFile.status_details (POST/GET /files, GET /files/{file_id})",
        "integer / string, not nullable",
        "FileObject.expires_at: Optional[int], status_details: Optional[str]; the sandbox sends null",
        "those two schema nodes also accept null",
    ),
    Disagreement(
        "ListFilesResponse.first_id, last_id (GET /files)",
        "required strings",
        "SyncCursorPage declares neither; an empty page has no first or last id, so the sandbox sends null",
        "those two schema nodes also accept null",
    ),
    Disagreement(
        "Embedding.embedding (POST /embeddings)",
        "always an array of numbers",
        "the SDK sends encoding_format='base64' by default and decodes a base64 string of little-endian float32",
        "when the request asked for base64, each string is decoded to its floats, then the spec's schema is checked",
    ),
    Disagreement(
        "GET /files/{file_id}/content",
        "200 is application/json with a string schema",
        "files.content() sends Accept: application/binary and returns the raw bytes (HttpxBinaryResponseContent)",
        "the schema check is replaced for this operation: the body's length must equal its Content-Length",
    ),
    Disagreement(
        "ImagesResponse.quality, .size and the same fields of the image stream events",
        "quality is low/medium/high; size is 1024x1024, 1024x1536 or 1536x1024",
        "quality adds xhigh and max (gpt-image-2.5); size is any 'WIDTHxHEIGHT' string (custom sizes)",
        "those schema nodes take the SDK's values: quality + xhigh, max; size any WIDTHxHEIGHT",
    ),
    Disagreement(
        "CreateImageRequest.model default; response_format, style (POST /images/generations, /images/edits)",
        "model defaults to dall-e-2; response_format and style are usable",
        "'Specify a model explicitly'; response_format and style are unsupported for GPT image models",
        "the sandbox refuses them with an OpenAI-shaped 400; every other positive case is given an explicit "
        "model and loses those two legacy fields (and, for edits, gets a real PNG) so the painter is exercised",
    ),
    Disagreement(
        "POST /images/edits with an application/json body (images referenced by file_id or image_url)",
        "accepted",
        "images.edit() sends multipart/form-data only",
        "none needed: the sandbox refuses JSON edits with an OpenAI-shaped 400 that says so",
    ),
    Disagreement(
        "POST /images/variations",
        "a usable endpoint (dall-e-2 only)",
        "'This endpoint is retired and no longer available'; dall-e-2 was retired on May 12, 2026",
        "none needed: the sandbox answers every request with an OpenAI-shaped 404",
    ),
    Disagreement(
        "OpenAIFile.purpose (POST /files with purpose 'evals')",
        "create accepts 'evals'; the response enum has no 'evals'",
        "FilePurpose accepts 'evals'; FileObject.purpose has no 'evals' either",
        "none needed: the sandbox reports evals uploads as 'user_data', which both accept",
    ),
)


def _nullable(schema: dict[str, Any]) -> None:
    kind = schema["type"]
    schema["type"] = [kind, "null"] if isinstance(kind, str) else [*kind, "null"]


def follow_sdk(spec: dict[str, Any]) -> dict[str, Any]:
    """The spec with the schema patches SPEC_VS_SDK lists, and only those."""
    spec = copy.deepcopy(spec)
    schemas = spec["components"]["schemas"]
    for name in ("expires_at", "status_details"):
        _nullable(schemas["OpenAIFile"]["properties"][name])
    for name in ("first_id", "last_id"):
        _nullable(schemas["ListFilesResponse"]["properties"][name])
    image_results = ["ImagesResponse"] + [n for n in schemas if n.startswith(("ImageGen", "ImageEdit"))]
    for name in image_results:
        properties = schemas[name].get("properties", {})
        if "enum" in properties.get("quality", {}):
            properties["quality"]["enum"] = [*properties["quality"]["enum"], "xhigh", "max"]
        if "enum" in properties.get("size", {}):
            del properties["size"]["enum"]
            properties["size"]["pattern"] = r"^[0-9]+x[0-9]+$"
    return spec


def send_edit_images_as_files(spec: dict[str, Any]) -> dict[str, Any]:
    """Not a disagreement: a hint for schemathesis, which sends a form property as a file part (with a filename)
    only when the property itself says ``format: binary``; ``image`` is ``anyOf`` binary | array of binary, so it
    would go out as a text field, which no client sends and which stops every edit case at "not a file".
    The added keywords are annotations on the same node: what validates is unchanged."""
    image = spec["components"]["schemas"]["CreateImageEditRequest"]["properties"]["image"]
    image["format"] = "binary"
    image["items"] = {"type": "string", "format": "binary"}
    return spec


# ---- the schema, sized once at import (Hypothesis settings are fixed when the tests are collected)


schema = schemathesis.openapi.from_dict(
    send_edit_images_as_files(follow_sdk(json.loads(SPEC_FILE.read_text()))),
    config=schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "suppress-health-check": ["too_slow", "filter_too_much", "data_too_large", "large_base_example"],
            "headers": {"Authorization": f"Bearer {API_KEY}"},
            "request-timeout": REQUEST_TIMEOUT,
            "generation": {
                "max-examples": FUZZED_PER_OPERATION,
                "deterministic": True,
                "database": "none",
                "no-shrink": True,  # report the case as found; shrinking would multiply the requests
            },
            "phases": {
                "examples": {"enabled": True},
                "fuzzing": {"enabled": True},
                "coverage": {"enabled": FULL},
                "stateful": {"enabled": False},
            },
        }
    ),
)


# ---- reaching past the first refusal


def _png(size: tuple[int, int], mode: str = "RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, (90, 140, 200, 0) if mode == "RGBA" else (90, 140, 200)).save(buffer, "PNG")
    return buffer.getvalue()


class Deepener:
    """Every other case on an operation is made to reach deeper code than a generated value would.

    Ids in paths name live objects (otherwise nearly every case stops at "not found"), and positive image cases
    follow the SDK (explicit model, no legacy DALL·E fields, a real PNG) so that the painter itself runs.
    Odd turns keep the generated case untouched, so refusals are exercised just as much.
    """

    def __init__(self, sandbox: SandboxProcess) -> None:
        self.sandbox = sandbox
        self.turns: Counter[str] = Counter()
        self.started = time.perf_counter()
        self.kept_file = self.upload(b"kept for the whole fuzzing run\n")

    def upload(self, content: bytes) -> str:
        response = httpx2.post(
            f"{self.sandbox.base_url}/files",
            files={"file": ("fuzz.txt", content)},
            data={"purpose": "user_data"},
            headers={"Authorization": f"Bearer {API_KEY}"},
            timeout=REQUEST_TIMEOUT,
        )
        response.raise_for_status()
        file_id: str = response.json()["id"]
        return file_id

    def apply(self, case: Case) -> None:
        label = case.operation.label
        self.turns[label] += 1
        if self.turns[label] % 2:
            return
        params = case.path_parameters or {}
        if "file_id" in params:
            params["file_id"] = self.upload(b"to be deleted\n") if case.method == "DELETE" else self.kept_file
        elif "model" in params:
            params["model"] = FINE_TUNED if case.method == "DELETE" else "text-embedding-3-small"
        positive = case.meta is not None and case.meta.generation.mode == GenerationMode.POSITIVE
        if positive and isinstance(case.body, dict) and case.path.startswith("/images/"):
            self._follow_the_sdk(case, case.body)

    @staticmethod
    def _follow_the_sdk(case: Case, body: dict[str, Any]) -> None:
        if body.get("model") is None:
            body["model"] = "gpt-image-1-mini"
        for legacy in ("response_format", "style"):
            body.pop(legacy, None)
        if case.path == "/images/edits" and case.media_type == "multipart/form-data":
            for name in [name for name, value in body.items() if value is None]:
                del body[name]  # the SDK leaves unset fields out of a form; a form cannot say null
            body["image"] = _png((64, 48))
            if "mask" in body:
                body["mask"] = _png((64, 48), "RGBA")


@pytest.fixture(scope="module")
def deepener(robust_sandbox: SandboxProcess, figures: Figures) -> Deepener:
    for name in ("cases tried", "2xx", "4xx", "5xx", "other statuses", "hangs", "errors"):
        figures.set("conformance", name, 0)
    figures.set("conformance", "slowest request (s)", 0.0)
    return Deepener(robust_sandbox)


# ---- checking one response


def _base64_embeddings_decoded(case: Case, response: Response) -> Response:
    """SPEC_VS_SDK: base64 embeddings become the float lists the spec describes; the schema check follows."""
    if not (isinstance(case.body, dict) and case.body.get("encoding_format") == "base64"):
        return response
    body = json.loads(response.content)
    for item in body.get("data", []):
        raw = base64.b64decode(item["embedding"], validate=True)
        assert len(raw) % 4 == 0, f"a base64 embedding of {len(raw)} bytes is not a run of float32s"
        item["embedding"] = list(struct.unpack(f"<{len(raw) // 4}f", raw))
    return Response(
        status_code=response.status_code,
        headers=response.headers,
        content=json.dumps(body).encode(),
        request=response.request,
        elapsed=response.elapsed,
        verify=response.verify,
        message=response.message,
        http_version=response.http_version,
        encoding=response.encoding,
    )


def check_success(case: Case, response: Response) -> None:
    operation_id = case.operation.definition.raw.get("operationId")
    if operation_id == "downloadFile":  # SPEC_VS_SDK: raw bytes, not a JSON string
        declared = response.headers.get("content-length", [""])[0]
        assert declared == str(len(response.content)), f"Content-Length {declared}, body {len(response.content)} B"
        return
    if operation_id == "createEmbedding":
        response = _base64_embeddings_decoded(case, response)
    case.validate_response(response, checks=[response_schema_conformance])


# ---- the test: one per operation, each running its generated cases


@schema.parametrize()
def test_every_response_keeps_the_contract(
    case: Case, robust_sandbox: SandboxProcess, deepener: Deepener, figures: Figures
) -> None:
    deepener.apply(case)
    started = time.perf_counter()
    try:
        response = case.call(base_url=robust_sandbox.base_url, timeout=REQUEST_TIMEOUT)
    except requests.Timeout:
        figures.add("conformance", "hangs")
        figures.add("conformance", "errors")
        raise AssertionError(f"no answer within {REQUEST_TIMEOUT:.0f} s:\n{case.as_curl_command()}") from None
    except requests.ConnectionError as exc:
        figures.add("conformance", "errors")
        raise AssertionError(f"the connection broke ({exc}); did the sandbox die?\n{case.as_curl_command()}") from None
    figures.add("conformance", "cases tried")
    status_class = response.status_code // 100
    figures.add("conformance", f"{status_class}xx" if status_class in (2, 4, 5) else "other statuses")
    figures.at_least("conformance", "slowest request (s)", time.perf_counter() - started)
    figures.set("conformance", "duration (s)", time.perf_counter() - deepener.started)
    try:
        problem = contract_problem(response.status_code, response.content)
        assert problem is None, problem
        if 200 <= response.status_code < 300:
            check_success(case, response)
    except BaseException:
        figures.add("conformance", "errors")
        print(f"Reproduce with:\n{case.as_curl_command()}")
        raise
