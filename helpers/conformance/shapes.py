"""Structural differences between a reference JSON body and the one received: what a client would trip over."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

_ID_PREFIX = re.compile(r"^([a-z]+)[-_]")  # OpenAI's ids carry a typed prefix: file-…, modr-…, chatcmpl-…
_MAX_DEPTH = 8


def kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def id_prefix(value: str) -> str | None:
    match = _ID_PREFIX.match(value)
    return match.group(0) if match else None


def _required(_path: str) -> bool:
    return False


def shape_diffs(
    reference: Any, got: Any, *, lengths: bool, path: str = "$", optional: Callable[[str], bool] = _required
) -> list[str]:
    """``missing`` fields (but not those ``optional(path)`` says OpenAI's type may leave out), ``retyped`` values
    (null is compatible with anything: fields are nullable), list ``length`` (only when ``lengths``: both requests
    asked for the same thing) and ``id`` prefixes. A field the reference lacks is no difference: OpenAI's schemas
    allow more (no ``additionalProperties: false``) and its SDK keeps them."""
    if len(path) > 200 or path.count(".") + path.count("[") > _MAX_DEPTH:
        return []
    ref_kind, got_kind = kind(reference), kind(got)
    if "null" in (ref_kind, got_kind):
        return []
    if ref_kind != got_kind:
        return [f"{path}: {ref_kind} → {got_kind}"]
    if isinstance(reference, dict) and isinstance(got, dict):
        diffs = [f"{path}.{key}: missing" for key in reference if key not in got and not optional(f"{path}.{key}")]
        for key in reference:
            if key in got:
                # a model's id is its name (text-embedding-3-small, gpt-4.1), not a typed id like file-…
                typed = reference.get("object") != "model"
                if key == "id" and typed and isinstance(reference[key], str) and isinstance(got[key], str):
                    expected = id_prefix(reference[key])
                    if expected and not got[key].startswith(expected):
                        diffs.append(f"{path}.id: {got[key][:24]!r} lacks the prefix {expected!r}")
                diffs += shape_diffs(reference[key], got[key], lengths=lengths, path=f"{path}.{key}", optional=optional)
        return diffs
    if isinstance(reference, list) and isinstance(got, list):
        diffs = []
        if lengths and len(reference) != len(got):
            diffs.append(f"{path}: {len(reference)} items → {len(got)}")
        if reference and got:
            diffs += shape_diffs(reference[0], got[0], lengths=lengths, path=f"{path}[0]", optional=optional)
        return diffs
    return []
