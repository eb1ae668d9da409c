"""Optional bearer-key check that answers 401 the way OpenAI does."""

from __future__ import annotations

import secrets

from fastapi import Request

from sandbox.errors import NotAuthenticated


def _redact(key: str) -> str:
    return f"{key[:3]}*****{key[-4:]}" if len(key) > 8 else "*****"


def check_api_key(request: Request, expected: str | None) -> None:
    if expected is None:
        return
    header = request.headers.get("authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key:
        raise NotAuthenticated(
            "You didn't provide an API key. You need to provide your API key in an Authorization header using "
            "Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
        )
    if not secrets.compare_digest(key.encode(), expected.encode()):
        raise NotAuthenticated(
            f"Incorrect API key provided: {_redact(key)}. This sandbox was started with a key "
            "(--api-key or SANDBOX_API_KEY); use that key, or restart it without one.",
            code="invalid_api_key",
        )
