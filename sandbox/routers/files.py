"""``/v1/files``: upload (multipart), list (cursor pages), retrieve, delete, and download the content."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from starlette.datastructures import UploadFile

from sandbox.errors import invalid_request
from sandbox.labels import label_stand_in
from sandbox.services import Services, get_services
from sandbox.stores.files import (
    CHUNK_BYTES,
    MAX_LIST_LIMIT,
    check_expiry,
    check_purpose,
    content_disposition,
)

router = APIRouter(tags=["files"])
STAND_IN = "sandbox file store (SQLite + blobs on local disk)"


@router.post("/files")
async def create_file(request: Request, response: Response, services: Services = Depends(get_services)) -> Any:
    label_stand_in(response, STAND_IN)
    # An oversized body (declared or chunked) is stopped at the limit by sandbox.limits before it lands on disk.
    # Starlette spools file parts to disk beyond 1 MB, so large uploads are never held in memory.
    async with request.form(max_files=4, max_fields=16) as form:
        upload = form.get("file")
        purpose = form.get("purpose")
        if upload is None:
            raise invalid_request(
                "Missing required parameter: 'file'.", param="file", code="missing_required_parameter"
            )
        if not isinstance(upload, UploadFile):
            raise invalid_request(
                "Invalid 'file': expected a file upload (a multipart part with a filename), not a text field.",
                param="file",
                code="invalid_type",
            )
        if purpose is None:
            raise invalid_request(
                "Missing required parameter: 'purpose'.", param="purpose", code="missing_required_parameter"
            )
        for name in ("purpose", "expires_after[anchor]", "expires_after[seconds]"):
            if isinstance(form.get(name), UploadFile):
                raise invalid_request(
                    f"Invalid type for '{name}': expected a text field, but got a file upload.",
                    param=name,
                    code="invalid_type",
                )
        check_purpose(str(purpose))
        seconds = check_expiry(_text(form.get("expires_after[anchor]")), _text(form.get("expires_after[seconds]")))
        stored = await run_in_threadpool(
            services.files.create,
            upload.file,
            filename=upload.filename,
            purpose=str(purpose),
            expires_after_seconds=seconds,
        )
    return stored.to_wire()


@router.get("/files")
def list_files(
    response: Response,
    after: str | None = None,
    limit: int = MAX_LIST_LIMIT,
    order: str = "desc",
    purpose: str | None = None,
    services: Services = Depends(get_services),
) -> dict[str, Any]:
    label_stand_in(response, STAND_IN)
    if not 1 <= limit <= MAX_LIST_LIMIT:
        bound = "below minimum" if limit < 1 else "above maximum"
        expected = ">= 1" if limit < 1 else f"<= {MAX_LIST_LIMIT}"
        raise invalid_request(
            f"Invalid 'limit': integer {bound} value. Expected a value {expected}, but got {limit} instead.",
            param="limit",
            code="integer_below_min_value" if limit < 1 else "integer_above_max_value",
        )
    if order not in ("asc", "desc"):
        raise invalid_request(
            f"Invalid value for 'order': '{order}'. Supported values are: 'asc' and 'desc'.",
            param="order",
            code="invalid_value",
        )
    page = services.files.list(after=after, limit=limit, order=order, purpose=purpose)
    data = [f.to_wire() for f in page.files]
    return {
        "object": "list",
        "data": data,
        "first_id": data[0]["id"] if data else None,
        "last_id": data[-1]["id"] if data else None,
        "has_more": page.has_more,
    }


@router.get("/files/{file_id}")
def retrieve_file(file_id: str, response: Response, services: Services = Depends(get_services)) -> dict[str, Any]:
    label_stand_in(response, STAND_IN)
    return services.files.get(file_id).to_wire()


@router.delete("/files/{file_id}")
def delete_file(file_id: str, response: Response, services: Services = Depends(get_services)) -> dict[str, Any]:
    label_stand_in(response, STAND_IN)
    services.files.delete(file_id)
    return {"id": file_id, "object": "file", "deleted": True}


@router.get("/files/{file_id}/content")
def download_file(file_id: str, services: Services = Depends(get_services)) -> StreamingResponse:
    stored, handle = services.files.open_content(file_id)
    headers = {
        "content-length": str(stored.bytes),
        "content-disposition": content_disposition(stored.filename),
        # Uploads are arbitrary bytes; a browser must not sniff them into something executable.
        "x-content-type-options": "nosniff",
    }
    response = StreamingResponse(_chunks(handle), media_type=stored.content_type, headers=headers)
    label_stand_in(response, STAND_IN)
    return response


def _chunks(handle: IO[bytes]) -> Iterator[bytes]:
    with handle:
        while chunk := handle.read(CHUNK_BYTES):
            yield chunk


def _text(value: object) -> str | None:
    return None if value is None else str(value)
