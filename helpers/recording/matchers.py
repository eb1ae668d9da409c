"""Request matching: method, path, query and body compared as data; everything else is ignored.

JSON is compared as values (key order and number spelling do not matter, ``true`` is not ``1``); multipart is
compared field by field (name, filename, content type, bytes), so the random boundary never matters. Headers
(host, user-agent, ``x-stainless-*``, auth) are not compared at all.

vcrpy plug-in: ``MATCHERS`` are registered with ``VCR.register_matcher`` under ``MATCH_ON``'s names; each raises
``AssertionError`` naming the difference, as vcrpy's own matchers do. vcrpy's stock ``body`` matcher compares
multipart bytes (random boundary: never equal) and its default ``match_on`` ignores bodies.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from typing import Any

from vcr.request import Request

from helpers.recording.convert import from_vcr_request, request_path, request_query
from helpers.recording.interactions import Body, JsonBody, MultipartBody, Part, RawBody, RecordedRequest

SHOWN_DIFFERENCES = 5
_SHORT = 60


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _short(value: Any, limit: int = _SHORT) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def json_differences(live: Any, recorded: Any, where: str) -> list[str]:
    """Human-readable differences ``"<where>: <live> != <recorded>"``; empty when equal as data."""
    if _is_number(live) and _is_number(recorded):
        return [] if live == recorded else [f"{where}: {_short(live)} != {_short(recorded)}"]
    if isinstance(live, dict) and isinstance(recorded, dict):
        found: list[str] = []
        for key in live:
            if key not in recorded:
                found.append(f"{where}.{key}: {_short(live[key])} is sent but was not recorded")
            else:
                found += json_differences(live[key], recorded[key], f"{where}.{key}")
        found += [f"{where}.{key}: not sent, recorded {_short(recorded[key])}" for key in recorded if key not in live]
        return found
    if isinstance(live, list) and isinstance(recorded, list):
        if len(live) != len(recorded):
            return [f"{where}: {len(live)} items != {len(recorded)} items ({_short(live)} != {_short(recorded)})"]
        found = []
        for index, (a, b) in enumerate(zip(live, recorded, strict=True)):
            found += json_differences(a, b, f"{where}[{index}]")
        return found
    if type(live) is type(recorded) and live == recorded:
        return []
    return [f"{where}: {_short(live)} != {_short(recorded)}"]


def describe_bytes(content: bytes) -> str:
    if len(content) <= _SHORT:
        try:
            return repr(content.decode("utf-8"))
        except UnicodeDecodeError:
            pass
    return f"sha256 {hashlib.sha256(content).hexdigest()[:12]}… ({len(content)} bytes)"


def _group(parts: Sequence[Part]) -> dict[str, list[Part]]:
    groups: dict[str, list[Part]] = {}
    for part in parts:
        groups.setdefault(part.name, []).append(part)
    return groups


def multipart_differences(live: Sequence[Part], recorded: Sequence[Part]) -> list[str]:
    """Fields are compared by name (order between names is free; repeated names keep their order)."""
    sent, kept = _group(live), _group(recorded)
    found: list[str] = []
    for name in [*sent, *(n for n in kept if n not in sent)]:
        a, b = sent.get(name, []), kept.get(name, [])
        where = f"body.{name}"
        if not a or not b:
            found.append(f"{where}: {'sent but not recorded' if a else 'not sent but recorded'}")
            continue
        if len(a) != len(b):
            found.append(f"{where}: {len(a)} parts sent != {len(b)} recorded")
            continue
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            label = where if len(a) == 1 else f"{where}[{index}]"
            if x.filename != y.filename:
                found.append(f"{label}.filename: {_short(x.filename)} != {_short(y.filename)}")
            if x.content_type != y.content_type:
                found.append(f"{label}.content_type: {_short(x.content_type)} != {_short(y.content_type)}")
            if x.content != y.content:
                suffix = ".content" if x.filename is not None or y.filename is not None else ""
                found.append(f"{label}{suffix}: {describe_bytes(x.content)} != {describe_bytes(y.content)}")
    return found


def _kind(body: Body) -> str:
    if isinstance(body, JsonBody):
        return "JSON"
    if isinstance(body, MultipartBody):
        return "multipart form"
    return "no body" if not body.content else "raw bytes"


def body_differences(live: Body, recorded: Body) -> list[str]:
    if isinstance(live, JsonBody) and isinstance(recorded, JsonBody):
        return json_differences(live.data, recorded.data, "body")
    if isinstance(live, MultipartBody) and isinstance(recorded, MultipartBody):
        return multipart_differences(live.parts, recorded.parts)
    if isinstance(live, RawBody) and isinstance(recorded, RawBody):
        if live.content == recorded.content:
            return []
        return [f"body: {describe_bytes(live.content)} != {describe_bytes(recorded.content)}"]
    return [f"body: {_kind(live)} != {_kind(recorded)}"]


def query_differences(live: Sequence[tuple[str, str]], recorded: Sequence[tuple[str, str]]) -> list[str]:
    if sorted(live) == sorted(recorded):
        return []
    sent, kept = dict(live), dict(recorded)
    found = [f"query.{k}: {v!r} != {kept[k]!r}" for k, v in sent.items() if k in kept and kept[k] != v]
    found += [f"query.{k}: {v!r} is sent but was not recorded" for k, v in sent.items() if k not in kept]
    found += [f"query.{k}: not sent, recorded {v!r}" for k, v in kept.items() if k not in sent]
    return found or [f"query: {sorted(live)!r} != {sorted(recorded)!r}"]


def request_differences(live: RecordedRequest, recorded: RecordedRequest) -> list[str]:
    """Everything that keeps ``recorded`` from answering ``live``; an empty list is a match."""
    found: list[str] = []
    if live.method.upper() != recorded.method.upper():
        found.append(f"method: {live.method} != {recorded.method}")
    if live.path != recorded.path:
        found.append(f"path: {live.path} != {recorded.path}")
    found += query_differences(live.query, recorded.query)
    found += body_differences(live.body, recorded.body)
    return found


def same_request(live: RecordedRequest, recorded: RecordedRequest) -> bool:
    """Whether ``recorded`` answers ``live`` (vcrpy's own ``requests_match`` compares ``vcr.request.Request``s)."""
    return not request_differences(live, recorded)


def distance(differences: Sequence[str]) -> int:
    """A different endpoint is farther than a different argument."""
    weights = {"method": 1000, "path": 100, "query": 10}
    return sum(weights.get(d.split(":", 1)[0].split(".", 1)[0], 1) for d in differences)


def closest(live: RecordedRequest, recorded: Sequence[RecordedRequest]) -> tuple[int, list[str]] | None:
    """Index of the nearest recorded request and how it differs; ``None`` for an empty cassette."""
    best: tuple[int, list[str]] | None = None
    for index, candidate in enumerate(recorded):
        differences = request_differences(live, candidate)
        if best is None or distance(differences) < distance(best[1]):
            best = (index, differences)
    return best


def summarize_body(body: Body, limit: int = 120) -> str:
    if isinstance(body, JsonBody):
        text = json.dumps(body.data, ensure_ascii=False, sort_keys=True)
    elif isinstance(body, MultipartBody):
        fields = []
        for part in body.parts:
            if part.filename is None:
                fields.append(f"{part.name}={describe_bytes(part.content)}")
            else:
                kind = f", {part.content_type}" if part.content_type else ""
                fields.append(f"{part.name}=<file {part.filename!r}, {len(part.content)} bytes{kind}>")
        text = "multipart: " + ", ".join(fields)
    else:
        text = describe_bytes(body.content) if body.content else ""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def summarize_request(request: RecordedRequest, limit: int = 120) -> str:
    query = "?" + "&".join(f"{k}={v}" for k, v in request.query) if request.query else ""
    body = summarize_body(request.body, limit)
    return f"{request.method} {request.path}{query}" + (f" {body}" if body else "")


# --- vcrpy matchers ----------------------------------------------------------------------------------------------


def _fail_on(found: list[str]) -> None:
    if found:
        raise AssertionError("; ".join(found))


def method(r1: Request, r2: Request) -> None:
    _fail_on([] if str(r1.method).upper() == str(r2.method).upper() else [f"method: {r1.method} != {r2.method}"])


def path(r1: Request, r2: Request) -> None:
    """The decoded path; the host is never compared (a sandbox recording answers a request to OpenAI)."""
    a, b = request_path(r1), request_path(r2)
    _fail_on([] if a == b else [f"path: {a} != {b}"])


def query(r1: Request, r2: Request) -> None:
    _fail_on(query_differences(request_query(r1), request_query(r2)))


def body(r1: Request, r2: Request) -> None:
    """JSON as data, multipart part by part (boundary-free), anything else as bytes."""
    _fail_on(body_differences(from_vcr_request(r1).body, from_vcr_request(r2).body))


MATCHERS: dict[str, Callable[[Request, Request], None]] = {
    "openai_method": method,
    "openai_path": path,
    "openai_query": query,
    "openai_body": body,
}
MATCH_ON = tuple(MATCHERS)
