"""Honest labels: headers that say a response came from the sandbox and which stand-in computed it."""

from __future__ import annotations

from fastapi import Response

from sandbox import SANDBOX_HEADER, STAND_IN_HEADER, __version__

SANDBOX_NAME = f"openai-endpoint-notebooks sandbox {__version__}"


def label_stand_in(response: Response, stand_in: str) -> None:
    """Name the computation behind this response (e.g. the sentence model) for cassettes and readers."""
    response.headers[STAND_IN_HEADER] = stand_in


__all__ = ["SANDBOX_HEADER", "SANDBOX_NAME", "STAND_IN_HEADER", "label_stand_in"]
