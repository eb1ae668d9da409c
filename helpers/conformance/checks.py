"""Checks of one exchange: its status against the reference, the SDK exception it raises, OpenAI's error envelope,
and whether the SDK's response type parses the body."""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import re
import types
import typing
from array import array
from collections.abc import Callable
from typing import Any

from helpers.conformance.exchanges import Exchange
from helpers.recording.interactions import JsonBody, RawBody, is_json_type

# What the openai SDK raises for a status (openai.OpenAI._make_status_error); None: no exception.
_EXCEPTIONS = {
    400: "BadRequestError",
    401: "AuthenticationError",
    403: "PermissionDeniedError",
    404: "NotFoundError",
    409: "ConflictError",
    422: "UnprocessableEntityError",
    429: "RateLimitError",
}

# The SDK type each call's 2xx body is parsed into; "list" routes hold items of the type under "data".
_TYPES: dict[str, tuple[str, bool]] = {
    "embeddings.create": ("CreateEmbeddingResponse", False),
    "files.create": ("FileObject", False),
    "files.list": ("FileObject", True),
    "files.retrieve": ("FileObject", False),
    "files.delete": ("FileDeleted", False),
    "images.generate": ("ImagesResponse", False),
    "images.edit": ("ImagesResponse", False),
    "images.create_variation": ("ImagesResponse", False),
    "models.list": ("Model", True),
    "models.retrieve": ("Model", False),
    "models.delete": ("ModelDeleted", False),
    "moderations.create": ("ModerationCreateResponse", False),
}


def exception_for(status: int) -> str | None:
    if status < 400:
        return None
    if status >= 500:
        return "InternalServerError"
    return _EXCEPTIONS.get(status, "APIStatusError")


def json_of(exchange: Exchange) -> Any:
    """The answer's JSON whatever its content type says (a body served as text/plain is still checked); None when
    it is not JSON at all."""
    body = exchange.response.body
    if isinstance(body, JsonBody):
        return body.data
    if isinstance(body, RawBody) and body.content.lstrip()[:1] in (b"{", b"["):
        with contextlib.suppress(ValueError):
            return json.loads(body.content)
    return None


def promises_json(exchange: Exchange) -> bool:
    """A 2xx of this call is a JSON object (not a file's bytes, not an event stream)."""
    endpoint = exchange.endpoint
    if endpoint is None or endpoint.sdk not in _TYPES or exchange.response.status >= 300:
        return False
    return "event-stream" not in (exchange.response.header("content-type") or "")


def json_answer_problem(exchange: Exchange) -> str | None:
    """A 2xx where JSON is promised must be JSON, served as ``application/json`` (a strict client checks both)."""
    if not promises_json(exchange):
        return None
    content_type = exchange.response.header("content-type") or "no content type"
    if json_of(exchange) is None:
        return f"a 2xx that is not JSON ({content_type})"
    if not is_json_type(content_type):
        return f"JSON served as {content_type}, not application/json"
    return None


def envelope_problems(exchange: Exchange) -> list[str]:
    """An error answer must be JSON ``{"error": {"message": str, "type": str, "param": str|null, "code": ...}}``."""
    if exchange.response.status < 400:
        return []
    content_type = exchange.response.header("content-type") or "none"
    data = json_of(exchange)
    if not isinstance(data, dict):
        return [f"not JSON ({content_type})"]
    error = data.get("error")
    if not isinstance(error, dict):
        return [f"no 'error' object (keys: {', '.join(sorted(data)) or 'none'}; {content_type})"]
    problems = [f"error.{key} missing" for key in ("message", "type", "param", "code") if key not in error]
    if "message" in error and not isinstance(error["message"], str):
        problems.append("error.message is not a string")
    if error.get("type") is not None and not isinstance(error["type"], str):
        problems.append("error.type is not a string")
    return problems


def _as_sdk_decodes(data: Any) -> Any:
    """The SDK asks for base64 embeddings by default and decodes them before parsing; do the same."""
    if not isinstance(data, dict) or not isinstance(data.get("data"), list):
        return data
    items = []
    for item in data["data"]:
        vector = item.get("embedding") if isinstance(item, dict) else None
        if isinstance(vector, str):
            with contextlib.suppress(binascii.Error, ValueError):  # else left a string: the SDK fails the same way
                item = {**item, "embedding": array("f", base64.b64decode(vector, validate=True)).tolist()}
        items.append(item)
    return {**data, "data": items}


def sdk_parse_problem(exchange: Exchange) -> str | None:
    """Validate a 2xx JSON body with the SDK's own pydantic type (the check a strict client would make)."""
    endpoint = exchange.endpoint
    data = json_of(exchange)
    if endpoint is None or endpoint.sdk not in _TYPES or exchange.response.status >= 300 or data is None:
        return None
    import openai.types
    import pydantic

    name, listed = _TYPES[endpoint.sdk]
    if endpoint.sdk == "embeddings.create":
        data = _as_sdk_decodes(data)
    model: type[pydantic.BaseModel] = getattr(openai.types, name)
    items = data.get("data") if listed and isinstance(data, dict) else [data] if not listed else None
    if not isinstance(items, list):
        return f"no 'data' list for {name} items"
    for item in items:
        try:
            model.model_validate(item)
        except pydantic.ValidationError as exc:
            first = exc.errors()[0]
            return f"{name}: {'.'.join(str(p) for p in first['loc'])}: {first['msg']}"
    return None


_STEP = re.compile(r"\.([^.\[]+)|\[\d+\]")


def _inner(annotation: Any) -> Any:
    """``X`` of ``Optional[X]`` (the SDK's optional fields), else the annotation as it is."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else annotation
    return annotation


def _optional_in(model: Any, path: str) -> bool:
    """Whether the field at ``path`` ($.results[0].categories.hate) is one ``model`` may leave out: declared
    optional, or not declared at all. A path the walk cannot follow (a dict of any keys) counts as required."""
    import pydantic

    current: Any = model
    steps = list(_STEP.finditer(path))
    for n, step in enumerate(steps):
        key = step.group(1)
        if key is None:  # [i]: the items' type
            args = typing.get_args(current)
            if typing.get_origin(current) is not list or not args:
                return False
            current = _inner(args[0])
            continue
        if not (isinstance(current, type) and issubclass(current, pydantic.BaseModel)):
            return False
        found = next((f for name, f in current.model_fields.items() if key in (name, f.alias)), None)
        if found is None:
            return True
        if n == len(steps) - 1:
            return not found.is_required()
        current = _inner(found.annotation)
    return False


def optional_fields(exchange: Exchange) -> Callable[[str], bool]:
    """For a 2xx answer, which JSON paths the SDK's type of it leaves optional (OpenAI's schema does the same:
    ``Model.shutdown_date``, ``ImagesResponse.quality``…); an error answer's fields are all required."""
    endpoint = exchange.endpoint
    if endpoint is None or endpoint.sdk not in _TYPES or exchange.response.status >= 300:
        return lambda _path: False
    import openai.types

    name, listed = _TYPES[endpoint.sdk]
    model = getattr(openai.types, name)
    if not listed:
        return lambda path: _optional_in(model, path)
    return lambda path: path.startswith("$.data[0].") and _optional_in(model, "$" + path[len("$.data[0]") :])
