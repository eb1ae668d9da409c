"""The outermost middleware: every response carries ``x-sandbox``, including the last-resort 500.

Starlette runs the catch-all ``Exception`` handler in its ServerErrorMiddleware, outside every user middleware,
so a response made there would never pass a labelling middleware. This one therefore answers unexpected
exceptions itself (OpenAI-shaped, labelled) and logs them, so nothing reaches that outer handler.
"""

from __future__ import annotations

import logging

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sandbox.errors import OpenAIError, error_response
from sandbox.labels import SANDBOX_HEADER, SANDBOX_NAME

log = logging.getLogger("sandbox")


def unexpected_error(exc: BaseException) -> OpenAIError:
    # A bug, never the caller's fault: still OpenAI-shaped so the SDK raises InternalServerError.
    return OpenAIError(500, f"The sandbox failed unexpectedly ({type(exc).__name__}).", type="server_error")


class LabelMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def labelled_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                MutableHeaders(scope=message)[SANDBOX_HEADER] = SANDBOX_NAME
            await send(message)

        try:
            await self.app(scope, receive, labelled_send)
        except Exception as exc:
            log.exception("unexpected error in %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise  # the response is under way; the server closes the connection
            await error_response(unexpected_error(exc))(scope, receive, labelled_send)
