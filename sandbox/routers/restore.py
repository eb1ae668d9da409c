"""``/sandbox/*``: what the learner's mode needs to make this sandbox hold what a recording says exists.

Mounted only with ``--restorable`` (the sandbox a notebook starts for itself): not part of OpenAI's API, so an
ordinary sandbox answers these paths with a 404 like any unknown path.
"""

from __future__ import annotations

import io
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel

from sandbox.services import Services, get_services

router = APIRouter(tags=["restore"], include_in_schema=False)


@router.put("/files/{file_id}")
async def restore_file(
    file_id: str,
    request: Request,
    filename: str,
    purpose: str,
    created_at: int,
    expires_at: int | None = None,
    services: Services = Depends(get_services),
) -> dict[str, Any]:
    """Store the body as file ``file_id`` with the recorded name, purpose and times."""
    body = await request.body()  # bounded by sandbox.limits, as an upload is
    stored = await run_in_threadpool(
        services.files.restore,
        io.BytesIO(body),
        file_id=file_id,
        filename=filename,
        purpose=purpose,
        created_at=created_at,
        expires_at=expires_at,
    )
    return stored.to_wire()


class ResetRequest(BaseModel):
    # Which kinds of state to reset ("files", "models"); all of them when omitted.
    states: list[str] | None = None


@router.post("/reset")
def reset(body: ResetRequest | None = None, services: Services = Depends(get_services)) -> dict[str, bool]:
    """Forget uploads and deletions (of the given kinds of state), as if the sandbox had just started."""
    services.reset(None if body is None else body.states)
    return {"reset": True}
