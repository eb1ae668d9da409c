"""``/v1/files``: upload (multipart), list (cursor pages), retrieve, delete, and download the content."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse

from sandbox import limits
from sandbox.labels import label_stand_in
from sandbox.params import missing, not_one_of, out_of_range
from sandbox.services import Services, get_services
from sandbox.stores.files import CHUNK_BYTES, check_expiry, check_purpose, content_disposition
from sandbox.uploads import file_part, read_form, text_part

router = APIRouter(tags=["files"])
STAND_IN = "sandbox file store (SQLite + blobs on local disk)"


@router.post("/files")
async def create_file(request: Request, response: Response, services: Services = Depends(get_services)) -> Any:
    label_stand_in(response, STAND_IN)
    # An oversized body (declared or chunked) is stopped at the limit by sandbox.body_limit before it lands on disk.
    # Starlette spools file parts to disk beyond 1 MB (see sandbox.uploads), so uploads are never held in memory.
    form = await read_form(request, limits.UPLOAD_FORM, folder=services.files.root)
    try:
        upload = file_part(form, "file", expected="a file upload (a multipart part with a filename)")
        purpose = text_part(form, "purpose")
        if purpose is None:
            raise missing("purpose")
        anchor, seconds = text_part(form, "expires_after[anchor]"), text_part(form, "expires_after[seconds]")
        check_purpose(purpose)
        expires_after = check_expiry(anchor, seconds)
        stored = await run_in_threadpool(
            services.files.create,
            upload.file,
            filename=upload.filename,
            purpose=purpose,
            expires_after_seconds=expires_after,
        )
    finally:
        await form.close()
    return stored.to_wire()


@router.get("/files")
def list_files(
    response: Response,
    after: str | None = None,
    limit: int = limits.MAX_LIST_LIMIT,
    order: str = "desc",
    purpose: str | None = None,
    services: Services = Depends(get_services),
) -> dict[str, Any]:
    label_stand_in(response, STAND_IN)
    if not 1 <= limit <= limits.MAX_LIST_LIMIT:
        raise out_of_range("limit", limit, 1, limits.MAX_LIST_LIMIT)
    if order not in ("asc", "desc"):
        raise not_one_of("order", order, ("asc", "desc"))
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
