"""What the multipart endpoints share: reading the form, and checks on its parts."""

from __future__ import annotations

from fastapi import Request
from starlette.datastructures import FormData, UploadFile

from sandbox.errors import InvalidRequest
from sandbox.limits import FormParts
from sandbox.params import missing, wrong_type


async def read_form(request: Request, parts: FormParts) -> FormData:
    """The parsed form; the caller closes it (``await form.close()``)."""
    if not request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
        # Otherwise the form parser finds no fields and the caller hears "missing ..." about fields they sent.
        raise InvalidRequest(
            f"{parts.endpoint} takes multipart/form-data ({parts.content}), as {parts.sent_by} sends it. JSON "
            "bodies are not supported by the sandbox.",
            code="unsupported_content_type",
        )
    return await request.form(max_files=parts.max_files, max_fields=parts.max_fields)


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
