"""Runtime settings for the sandbox, read from CLI flags or environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_DATA_DIR = Path(".sandbox-data")


@dataclass(frozen=True)
class Settings:
    """Everything the app factory needs; nothing here touches the network."""

    data_dir: Path = field(default_factory=lambda: Path(os.environ.get("SANDBOX_DATA_DIR", DEFAULT_DATA_DIR)))
    api_key: str | None = field(default_factory=lambda: os.environ.get("SANDBOX_API_KEY") or None)
    # Tests and benchmarks may skip the sentence model to start fast; the routes that need it then say so.
    load_models: bool = True
    # Fixed clock and id sequence, so recordings made against a fresh data dir are reproducible.
    reproducible: bool = field(default_factory=lambda: os.environ.get("SANDBOX_REPRODUCIBLE") == "1")
    # Tests only: multiply every request-body limit (e.g. 0.002 turns the 512 MB upload limit into ~1 MB).
    limit_scale: float = field(default_factory=lambda: float(os.environ.get("SANDBOX_LIMIT_SCALE") or 1.0))
    # The learner's mode only: mount /sandbox/* (restore what a recording says exists; reset), see routers/restore.
    restorable: bool = False
