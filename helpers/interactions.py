"""Moved to ``helpers.recording.interactions`` (kept for code that imports it from here)."""

from helpers.recording.interactions import (
    Interaction,
    JsonBody,
    MultipartBody,
    Part,
    RawBody,
    RecordedRequest,
    RecordedResponse,
)

__all__ = ["Interaction", "JsonBody", "MultipartBody", "Part", "RawBody", "RecordedRequest", "RecordedResponse"]
