"""``POST /v1/moderations``: classifiers on multilingual sentence vectors (see ``sandbox.engines.moderation``)."""

from __future__ import annotations

import io
from typing import Any

from fastapi import APIRouter, Depends, Response
from PIL import Image
from pydantic import BaseModel, ConfigDict, Field

from sandbox.catalog import MODERATION_MODELS, require_model
from sandbox.engines.moderation import (
    DEFAULT_MODEL,
    RESPONSE_MODEL,
    ModerationInput,
    moderation_id,
    parse_moderation_input,
)
from sandbox.errors import invalid_request
from sandbox.labels import label_stand_in
from sandbox.services import Services, get_services

router = APIRouter(tags=["moderations"])
# [INFERRED] OpenAI documents no image count or pixel limit for moderations; the sandbox's budget keeps one request
# from decoding more than an edit may (50 MP, ~150 MB of RGB), read from the headers before any pixel is decoded.
MAX_MODERATION_IMAGES = 16
MAX_MODERATION_PIXELS = 50_000_000


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
    check_image_budget(inputs)
    engine = services.moderation
    results = engine.moderate(inputs)
    label_stand_in(response, engine.stand_in(inputs))
    return {"id": moderation_id(model, body.input), "model": RESPONSE_MODEL.get(model, model), "results": results}


def check_image_budget(inputs: list[ModerationInput]) -> None:
    """Refuse too many images, or too many pixels in all, from the images' headers alone."""
    images = [image for item in inputs for image in item.images]
    if len(images) > MAX_MODERATION_IMAGES:
        raise invalid_request(
            f"Too many images: input has {len(images)}, but the sandbox moderates at most {MAX_MODERATION_IMAGES} "
            "per request. Split them over several requests.",
            param="input",
            code="too_many_images",
        )
    total = 0
    for data in images:
        try:
            with Image.open(io.BytesIO(data)) as opened:  # reads the header only
                total += opened.width * opened.height
        except Image.DecompressionBombError:
            raise invalid_request(
                "An image in input has too many pixels to decode safely (its header claims a decompression bomb).",
                param="input",
                code="image_too_large",
            ) from None
        except Exception:  # undecodable: the engine answers with its own message for that image
            continue
    if total > MAX_MODERATION_PIXELS:
        raise invalid_request(
            f"The images in input have too many pixels: {total:,} in all, over the sandbox's budget of "
            f"{MAX_MODERATION_PIXELS:,} per request. Send smaller images (a few megapixels are plenty for "
            "moderation).",
            param="input",
            code="too_many_pixels",
        )
