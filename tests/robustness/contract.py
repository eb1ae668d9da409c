"""The contract every sandbox answer keeps, as plain checks shared by the robustness tests."""

from __future__ import annotations

import json
from typing import Any

ERROR_KEYS = frozenset({"message", "type", "param", "code"})


def openai_error_problem(status: int, content: bytes) -> str | None:
    """Why a 4xx body is not OpenAI's error shape, or None if it is."""
    try:
        body: Any = json.loads(content)
    except ValueError:
        return f"{status} with a body that is not JSON: {content[:200]!r}"
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return f"{status} without an 'error' object: {content[:300]!r}"
    missing = ERROR_KEYS - error.keys()
    if missing:
        return f"{status} error body lacks {sorted(missing)}: {content[:300]!r}"
    if not (isinstance(error["message"], str) and error["message"]):
        return f"{status} error message empty or not a string: {content[:300]!r}"
    if not (isinstance(error["type"], str) and error["type"]):
        return f"{status} error type empty or not a string: {content[:300]!r}"
    for key in ("param", "code"):
        if error[key] is not None and not isinstance(error[key], str):
            return f"{status} error {key} is neither null nor a string: {content[:300]!r}"
    return None


def contract_problem(status: int, content: bytes) -> str | None:
    """Status-level contract: 2xx (its body is checked elsewhere) or an OpenAI-shaped 4xx; anything else fails."""
    if 200 <= status < 300:
        return None
    if 400 <= status < 500:
        return openai_error_problem(status, content)
    return f"status {status} is neither 2xx nor 4xx: {content[:300]!r}"
