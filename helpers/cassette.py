"""Moved to ``helpers.recording.cassette`` (kept for code that imports it from here)."""

from helpers.recording.cassette import NEVER_RECORDED, Cassette, RecordingInfo

__all__ = ["NEVER_RECORDED", "Cassette", "RecordingInfo"]
