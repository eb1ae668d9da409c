"""``POST /v1/moderations``: few-shot text classifiers on MiniLM (see ``sandbox.engines.moderation``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, ConfigDict, Field

from sandbox.catalog import MODERATION_MODELS, require_model
from sandbox.engines.moderation import DEFAULT_MODEL, RESPONSE_MODEL, moderation_id, parse_moderation_input
from sandbox.errors import invalid_request
from sandbox.labels import label_stand_in
from sandbox.services import Services, get_services

router = APIRouter(tags=["moderations"])


class ModerationRequest(BaseModel):
    # `input` is checked by the engine, which can name the offending item.
    model_config = ConfigDict(extra="allow")

    input: Any = Field(...)
    model: str | None = None


@router.post("/moderations")
def create_moderation(
    body: ModerationRequest, response: Response, services: Services = Depends(get_services)
) -> dict[str, Any]:
    if body.model_extra:
        name = next(iter(body.model_extra))
        raise invalid_request(f"Unrecognized request argument supplied: {name}", param=name)
    model = require_model(body.model or DEFAULT_MODEL, MODERATION_MODELS, "moderations")
    inputs = parse_moderation_input(body.input, model)
    engine = services.moderation
    results = engine.moderate(inputs)
    label_stand_in(response, engine.stand_in(inputs))
    return {"id": moderation_id(model, body.input), "model": RESPONSE_MODEL.get(model, model), "results": results}
