"""Structural differences between a reference JSON body and the one received: what a client would trip over.

Values are never compared, only the structure: a field missing or retyped is a difference; a field the reference
lacks is reported as ``extra`` but is not a failure (OpenAI adds fields), nor is a missing field the SDK's type
declares optional (``helpers.conformance.checks.optional_in_sdk``); a list's length only when asked (the same
request to both servers, and a call whose length is not the account's state); an id's typed prefix (``file-``,
``modr-``), but not a model's id, which is a name.
"""

from __future__ import annotations

import re
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


def shape_diffs(reference: Any, got: Any, *, lengths: bool, path: str = "$") -> list[str]:
    """``missing``/``extra`` fields, ``retyped`` values (null is compatible with anything: fields are nullable),
    list ``length`` (only when ``lengths``: both requests asked for the same thing) and ``id`` prefixes."""
    if len(path) > 200 or path.count(".") + path.count("[") > _MAX_DEPTH:
        return []
    ref_kind, got_kind = kind(reference), kind(got)
    if "null" in (ref_kind, got_kind):
        return []
    if ref_kind != got_kind:
        return [f"{path}: {ref_kind} → {got_kind}"]
    if isinstance(reference, dict) and isinstance(got, dict):
        diffs = [f"{path}.{key}: missing" for key in reference if key not in got]
        diffs += [f"{path}.{key}: extra" for key in got if key not in reference]
        for key in reference:
            if key in got:
                named = reference.get("object") == "model"
                if key == "id" and not named and isinstance(reference[key], str) and isinstance(got[key], str):
                    expected = id_prefix(reference[key])
                    if expected and not got[key].startswith(expected):
                        diffs.append(f"{path}.id: {got[key][:24]!r} lacks the prefix {expected!r}")
                diffs += shape_diffs(reference[key], got[key], lengths=lengths, path=f"{path}.{key}")
        return diffs
    if isinstance(reference, list) and isinstance(got, list):
        diffs = []
        if lengths and len(reference) != len(got):
            diffs.append(f"{path}: {len(reference)} items → {len(got)}")
        if reference and got:
            diffs += shape_diffs(reference[0], got[0], lengths=lengths, path=f"{path}[0]")
        return diffs
    return []


def is_extra(diff: str) -> bool:
    """A field only the received body has: shown, never a failure."""
    return diff.endswith(": extra")


def missing_field(diff: str) -> str | None:
    """The path of a field the received body lacks (``$.data[0].shutdown_date``), or None."""
    return diff.removesuffix(": missing") if diff.endswith(": missing") else None
