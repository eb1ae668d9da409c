"""``POST /v1/moderations``: classifiers on multilingual sentence vectors (see ``sandbox.engines.moderation``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, ConfigDict, Field

from sandbox import limits
from sandbox.catalog import MODERATION_MODELS, require_model
from sandbox.engines.moderation import (
    DEFAULT_MODEL,
    RESPONSE_MODEL,
    ModerationInput,
    moderation_id,
    parse_moderation_input,
)
from sandbox.errors import InvalidRequest
from sandbox.input_images import check_image_count, check_pixel_budget, header_size
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
        raise InvalidRequest(f"Unrecognized request argument supplied: {name}", param=name)
    model = require_model(body.model or DEFAULT_MODEL, MODERATION_MODELS, "moderations")
    inputs = parse_moderation_input(body.input, model)
    check_image_budget(inputs)
    engine = services.moderation
    results = engine.moderate(inputs)
    label_stand_in(response, engine.stand_in(inputs))
    return {"id": moderation_id(model, body.input), "model": RESPONSE_MODEL.get(model, model), "results": results}


def check_image_budget(inputs: list[ModerationInput]) -> None:
    """Refuse too many images, or too many pixels in all, from the images' headers alone."""
    images = [image for item in inputs for image in item.images]
    check_image_count(
        len(images), limits.MAX_MODERATION_IMAGES, param="input", advice="Split them over several requests."
    )
    sizes = [size for size in (header_size(data, "input") for data in images) if size is not None]
    check_pixel_budget(
        sizes,
        limits.MAX_MODERATION_PIXELS,
        what="the images in input",
        param="input",
        advice="Send smaller images (a few megapixels are plenty for moderation).",
    )
