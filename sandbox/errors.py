"""What the sandbox refuses, and why: domain errors raised anywhere (stores, engines, routers, middleware).

None of them knows about HTTP. ``sandbox.envelope`` is the one place that turns each kind into a status code and
OpenAI's error body, so the same refusal always reaches the SDK as the same exception class.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path


class Refusal(Exception):
    """A request the sandbox will not carry out: a message a person can act on, the parameter at fault, a code."""

    def __init__(self, message: str, *, param: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.param = param
        self.code = code


class InvalidRequest(Refusal):
    """Something in the request itself is wrong (OpenAI: 400)."""


class NotAuthenticated(Refusal):
    """No API key, or not the one the sandbox was started with (401)."""


class NotAllowed(Refusal):
    """A valid request for something the caller may not do (403), e.g. deleting a base model."""


class NotFound(Refusal):
    """No such file, model, URL or (retired) endpoint (404)."""


class AlreadyExists(Refusal):
    """The id is taken (409)."""


class BodyTooLarge(Refusal):
    """The request body is over the endpoint's limit (413)."""


class ModelUnavailable(Refusal):
    """The sentence model is not loaded (started with --no-models, or its load failed): a person must act (403)."""


class StorageFull(Refusal):
    """No room on the disk that holds the sandbox's data (413, a server-side condition)."""


class StorageUnavailable(Refusal):
    """The sandbox cannot write its data folder at all (403, a server-side condition)."""


class Unexpected(Refusal):
    """A bug in the sandbox, never the caller's fault (500)."""


def storage_refusal(exc: OSError | sqlite3.Error, folder: Path) -> StorageFull | StorageUnavailable:
    """What the caller can act on when the sandbox cannot write: which folder, and why.

    Neither is OpenAI's to report, so the statuses are the sandbox's choice (see ``sandbox.envelope``): no room for
    the upload, or a folder that cannot be written at all. Neither is retried by the SDK; the message says it is
    not the caller's request that is wrong.
    """
    code = exc.errno if isinstance(exc, OSError) else None
    if code in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG) or "full" in str(exc).lower():
        return StorageFull(
            f"The sandbox's disk is full: there is no room to store this upload under {folder} "
            f"({os.strerror(code) if code else exc}). Free some space there (or start the sandbox with another "
            "--data-dir), then upload again. Your request itself is fine.",
            param="file",
            code="storage_full",
        )
    reason = os.strerror(code) if code else str(exc)
    return StorageUnavailable(
        f"The sandbox cannot write its file store under {folder} ({reason}). Make that folder writable (or start "
        "the sandbox with another --data-dir), then upload again. Your request itself is fine.",
        param="file",
        code="storage_unavailable",
    )
