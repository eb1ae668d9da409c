"""Request-body limits counted as the bytes arrive, whatever the framing (Content-Length or chunked).

A declared Content-Length over the route's limit is refused before anything is read; otherwise the bytes are
counted as the app reads them, and the read that crosses the limit stops the request: nothing past the limit
is read or written, and the caller gets the route's own OpenAI-shaped error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sandbox.errors import OpenAIError, error_response, invalid_request
from sandbox.routers.images import MAX_IMAGE_BYTES, MAX_INPUT_IMAGES, MAX_MASK_BYTES
from sandbox.stores.files import MAX_FILE_BYTES, MB, too_large

# Multipart framing around a file is small; a little slack keeps a maximal valid upload valid.
ENVELOPE_SLACK = 1 * MB


def _edit_too_large() -> OpenAIError:
    return invalid_request(
        f"The request is too large: up to {MAX_INPUT_IMAGES} images of under {MAX_IMAGE_BYTES // MB} MB each, plus a "
        f"mask under {MAX_MASK_BYTES // MB} MB.",
        code="request_too_large",
    )


def _json_too_large(limit: int) -> Callable[[], OpenAIError]:
    # [INFERRED] OpenAI's front end answers an oversized body with 413; the SDK does not retry it.
    def error() -> OpenAIError:
        return OpenAIError(
            413,
            f"The request body is too large: this endpoint accepts at most {limit // MB} MB of JSON. Send fewer "
            "or smaller inputs per request.",
            code="request_too_large",
        )

    return error


@dataclass(frozen=True)
class BodyLimit:
    bytes: int
    error: Callable[[], OpenAIError]


ROUTE_LIMITS: dict[tuple[str, str], BodyLimit] = {
    # Uploads keep the 400s they answered before for an oversized Content-Length.
    ("POST", "/v1/files"): BodyLimit(MAX_FILE_BYTES + ENVELOPE_SLACK, lambda: too_large(MAX_FILE_BYTES)),
    ("POST", "/v1/images/edits"): BodyLimit(
        MAX_INPUT_IMAGES * MAX_IMAGE_BYTES + MAX_MASK_BYTES + ENVELOPE_SLACK, _edit_too_large
    ),
    # JSON: 2048 inputs of 8192 tokens fit in 16 MB; moderations carry base64 images; a prompt is ≤ 32,000 chars.
    ("POST", "/v1/embeddings"): BodyLimit(16 * MB, _json_too_large(16 * MB)),
    ("POST", "/v1/moderations"): BodyLimit(32 * MB, _json_too_large(32 * MB)),
    ("POST", "/v1/images/generations"): BodyLimit(1 * MB, _json_too_large(1 * MB)),
}
RESTORE_PREFIX = "/sandbox/files/"
DEFAULT_LIMIT = BodyLimit(1 * MB, _json_too_large(1 * MB))


class _TooLarge(Exception):
    """Raised into the app from ``receive`` so it stops reading; never leaves this middleware."""


class BodyLimitMiddleware:
    """Pure ASGI: wraps ``receive`` to count body bytes per request against the route's limit."""

    def __init__(self, app: ASGIApp, scale: float = 1.0) -> None:
        self.app = app
        self.scale = scale

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rule = ROUTE_LIMITS.get((scope["method"], scope["path"].rstrip("/")), DEFAULT_LIMIT)
        if scope["path"].startswith(RESTORE_PREFIX):  # a restored file may be as large as an upload
            rule = ROUTE_LIMITS[("POST", "/v1/files")]
        limit = max(1, int(rule.bytes * self.scale))
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await error_response(rule.error())(scope, receive, send)
            return

        received = 0
        refused = False
        started = False

        async def counted_receive() -> Message:
            nonlocal received, refused
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    refused = True
                    raise _TooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused:
                return  # whatever the app says about a body cut short is replaced by the limit's error
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except Exception:
            if not refused:
                raise
        if refused and not started:
            await error_response(rule.error())(scope, receive, send)
