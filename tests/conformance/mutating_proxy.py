"""A proxy in front of the sandbox that injects one realistic bug at a time (the mutation suite's server).

Written small with starlette and httpx (both already in the venv): no proxy library injects OpenAI-specific bugs.
``MUTATIONS`` names each bug; ``proxy.mutation`` chooses the one in force (None: the clean proxy).
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

import httpx
import uvicorn
from PIL import Image
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from helpers.sandbox_process import free_port


@dataclass
class Answer:
    status: int
    content_type: str
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body) if self.content_type.startswith("application/json") else None

    def with_json(self, data: Any) -> Answer:
        return Answer(self.status, self.content_type, json.dumps(data).encode())


@dataclass(frozen=True)
class Seen:
    method: str
    path: str  # without the /v1 prefix, e.g. "/embeddings"
    query: str
    body: Any  # the request's JSON, or None


Rewrite = Callable[[Seen, Answer], Answer]


def _embeddings(seen: Seen) -> bool:
    return seen.method == "POST" and seen.path == "/embeddings"


def _no_usage(seen: Seen, answer: Answer) -> Answer:
    data = answer.json()
    if not _embeddings(seen) or answer.status != 200 or data is None:
        return answer
    return answer.with_json({k: v for k, v in data.items() if k != "usage"})


def _short_results(seen: Seen, answer: Answer) -> Answer:
    data = answer.json()
    if seen.path != "/moderations" or answer.status != 200 or data is None or len(data["results"]) < 2:
        return answer
    return answer.with_json({**data, "results": data["results"][:-1]})


def _dropped_item(seen: Seen, answer: Answer) -> Answer:
    data = answer.json()
    if seen.method != "GET" or seen.path != "/files" or "limit" in seen.query or data is None or not data["data"]:
        return answer
    return answer.with_json({**data, "data": data["data"][1:]})  # the newest: a file this run uploaded


def _trimmed_content(seen: Seen, answer: Answer) -> Answer:
    if seen.method != "GET" or not seen.path.endswith("/content") or answer.status != 200:
        return answer
    return Answer(answer.status, answer.content_type, answer.body[:-1])


def _wrong_model(seen: Seen, answer: Answer) -> Answer:
    data = answer.json()
    if not _embeddings(seen) or answer.status != 200 or data is None:
        return answer
    return answer.with_json({**data, "model": "text-embedding-ada-002"})


def _fastapi_404(seen: Seen, answer: Answer) -> Answer:
    if answer.status != 404:
        return answer
    return Answer(404, "application/json", b'{"detail":"Not Found"}')


def _half_size(seen: Seen, answer: Answer) -> Answer:
    data = answer.json()
    if not seen.path.startswith("/images/") or answer.status != 200 or data is None:
        return answer
    items = []
    for item in data.get("data") or []:
        if isinstance(item.get("b64_json"), str):
            with Image.open(BytesIO(base64.b64decode(item["b64_json"]))) as image:
                out = BytesIO()
                kind = image.format or "PNG"
                image.resize((image.width // 2, image.height // 2)).save(out, format=kind)
            item = {**item, "b64_json": base64.b64encode(out.getvalue()).decode()}
        items.append(item)
    return answer.with_json({**data, "data": items})


def _deletes_anything(seen: Seen, answer: Answer) -> Answer:
    if seen.method != "DELETE" or not seen.path.startswith("/files/") or answer.status != 404:
        return answer
    deleted = {"id": seen.path.rsplit("/", 1)[-1], "object": "file", "deleted": True}
    return Answer(200, "application/json", json.dumps(deleted).encode())


def _html(seen: Seen, answer: Answer) -> Answer:
    if seen.method != "GET" or not seen.path.startswith("/models/") or answer.status != 200:
        return answer
    return Answer(200, "text/html; charset=utf-8", b"<!doctype html><html><body><h1>Models</h1></body></html>")


def _text_plain(seen: Seen, answer: Answer) -> Answer:
    if seen.path != "/moderations" or answer.status != 200:
        return answer
    return Answer(answer.status, "text/plain; charset=utf-8", answer.body)


def _ignore_dimensions(body: Any) -> Any:
    return {k: v for k, v in body.items() if k != "dimensions"} if isinstance(body, dict) else body


@dataclass(frozen=True)
class Mutation:
    name: str
    response: Rewrite = lambda seen, answer: answer
    request: Callable[[Any], Any] | None = None  # rewrites the JSON request body before it is forwarded


MUTATIONS = {
    m.name: m
    for m in (
        Mutation("ignored dimensions", request=_ignore_dimensions),
        Mutation("missing usage", _no_usage),
        Mutation("short moderation results", _short_results),
        Mutation("dropped list item", _dropped_item),
        Mutation("trimmed file content", _trimmed_content),
        Mutation("wrong model id", _wrong_model),
        Mutation("FastAPI's {detail} 404", _fastapi_404),
        Mutation("wrong image size", _half_size),
        Mutation("200 for deleting an unknown id", _deletes_anything),
        Mutation("HTML 2xx", _html),
        Mutation("JSON served as text/plain", _text_plain),
    )
}


def _another_account(seen: Seen, answer: Answer) -> Answer:
    data = answer.json()
    if seen.method != "GET" or seen.path != "/models" or answer.status != 200 or data is None:
        return answer
    extra = {"id": "ft:gpt-4o-mini-2024-07-18:another-org::Zx9", "object": "model", "created": 1790000000}
    extra |= {"owned_by": "another-org"}
    return answer.with_json({**data, "data": [extra, *reversed(data["data"])]})


# Not a bug: what another account's catalogue looks like (one more model, another order), for the harness to pass.
ANOTHER_ACCOUNT = Mutation("another account's models", _another_account)


@dataclass
class MutatingProxy:
    upstream: str  # the sandbox's origin, e.g. http://127.0.0.1:8123
    mutation: Mutation | None = None
    port: int = field(default_factory=free_port)
    seen_headers: list[list[tuple[str, str]]] = field(default_factory=list)  # every request's, as received

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    async def forward(self, request: Request) -> Response:
        body = await request.body()
        self.seen_headers.append(list(request.headers.items()))
        path = request.url.path.removeprefix("/v1")
        is_json = request.headers.get("content-type", "").startswith("application/json")
        seen_json = json.loads(body) if body and is_json else None
        if self.mutation and self.mutation.request and _embeddings(Seen(request.method, path, "", None)):
            seen_json = self.mutation.request(seen_json)
            body = json.dumps(seen_json).encode()
        headers = {k: v for k, v in request.headers.items() if k.lower() not in ("host", "content-length")}
        async with httpx.AsyncClient(timeout=120) as client:
            url = self.upstream + request.url.path
            got = await client.request(request.method, url, params=request.url.query, headers=headers, content=body)
        answer = Answer(got.status_code, got.headers.get("content-type", ""), got.content)
        if self.mutation is not None:
            answer = self.mutation.response(Seen(request.method, path, request.url.query, seen_json), answer)
        return Response(answer.body, status_code=answer.status, media_type=answer.content_type or None)

    @contextmanager
    def running(self) -> Iterator[MutatingProxy]:
        methods = ["GET", "POST", "DELETE"]
        app = Starlette(routes=[Route("/{path:path}", self.forward, methods=methods)])
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 20
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("the mutating proxy did not start")
            time.sleep(0.05)
        try:
            yield self
        finally:
            server.should_exit = True
            thread.join(timeout=10)
