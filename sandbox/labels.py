"""Honest labels: headers that say a response came from the sandbox and which stand-in computed it.

``LabelMiddleware`` is the outermost middleware: every response carries ``x-sandbox``, including the last-resort
500. Starlette runs the catch-all ``Exception`` handler in its ServerErrorMiddleware, outside every user
middleware, so a response made there would never pass a labelling middleware; this one therefore answers
unexpected exceptions itself (OpenAI-shaped, labelled) and logs them, so nothing reaches that outer handler.
"""

from __future__ import annotations

import logging
from typing import TypeVar

from fastapi import Response
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sandbox import DRAWN_HEADER, SANDBOX_HEADER, STAND_IN_HEADER, __version__
from sandbox.envelope import error_response, unexpected

SANDBOX_NAME = f"openai-endpoint-notebooks sandbox {__version__}"


def label_stand_in(response: Response, stand_in: str) -> None:
    """Name the computation behind this response (e.g. the sentence model) for cassettes and readers."""
    response.headers[STAND_IN_HEADER] = stand_in


def label_drawn(response: R, drawn: str) -> R:
    """Say what an image answer shows (``U+1F9A6 otter``, main subject first, or ``none``); returns ``response``."""
    response.headers[DRAWN_HEADER] = drawn
    return response


R = TypeVar("R", bound=Response)
log = logging.getLogger("sandbox")


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
            await error_response(unexpected(exc))(scope, receive, labelled_send)


__all__ = [
    "DRAWN_HEADER",
    "SANDBOX_HEADER",
    "SANDBOX_NAME",
    "STAND_IN_HEADER",
    "LabelMiddleware",
    "label_drawn",
    "label_stand_in",
]
