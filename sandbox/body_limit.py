"""Request-body limits counted as the bytes arrive, whatever the framing (Content-Length or chunked).

A declared Content-Length over the route's limit (``sandbox.limits.body_limit``) is refused before anything is
read; otherwise the bytes are counted as the app reads them, and the read that crosses the limit stops the request:
nothing past the limit is read or written, and the caller gets the route's own OpenAI-shaped error.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sandbox.envelope import error_response
from sandbox.limits import body_limit


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
        rule = body_limit(scope["method"], scope["path"])
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
