"""What the multipart endpoints share: the form (its files spooled on the store's own disk) and checks on its parts.

Starlette spools each file part over 1 MB to a ``SpooledTemporaryFile`` in the process's temporary folder, and
offers no setting for where; ``python -m sandbox`` points that folder (``tempfile.tempdir``, the standard library's
own switch) into the data folder. So an upload needs room only on the disk the sandbox stores files on, and a disk
that fills while the form is read is answered like the store's own disk-full: 413 ``storage_full`` naming the
folder, which the SDK does not retry.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import Request
from starlette.datastructures import FormData, UploadFile

from sandbox.errors import InvalidRequest, storage_refusal
from sandbox.limits import FormParts
from sandbox.params import missing, wrong_type


async def read_form(request: Request, parts: FormParts, *, folder: Path) -> FormData:
    """The parsed form; the caller closes it (``await form.close()``). ``folder`` is named if the disk is full."""
    if not request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
        # Otherwise the form parser finds no fields and the caller hears "missing ..." about fields they sent.
        raise InvalidRequest(
            f"{parts.endpoint} takes multipart/form-data ({parts.content}), as {parts.sent_by} sends it. JSON "
            "bodies are not supported by the sandbox.",
            code="unsupported_content_type",
        )
    try:
        return await request.form(max_files=parts.max_files, max_fields=parts.max_fields)
    except OSError as exc:  # writing a spooled part failed: the disk is full, or the folder cannot be written
        raise storage_refusal(exc, folder) from exc


def file_part(form: FormData, name: str, *, expected: str = "a file upload") -> UploadFile:
    """The file part ``name``: missing or a text field is refused."""
    value = form.get(name)
    if value is None:
        raise missing(name)
    if not isinstance(value, UploadFile):
        raise wrong_type(name, expected, value)
    return value


def text_part(form: FormData, name: str) -> str | None:
    """The text field ``name``, or None; a file in its place is refused."""
    value = form.get(name)
    if isinstance(value, UploadFile):
        raise wrong_type(name, "a text field", value)
    return value


def size_of(upload: UploadFile) -> int:
    handle = upload.file
    handle.seek(0, 2)
    size = handle.tell()
    handle.seek(0)
    return size
