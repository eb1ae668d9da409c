"""``POST /v1/embeddings``: MiniLM vectors lifted to OpenAI's sizes (see ``sandbox.engines.embeddings``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from sandbox.catalog import EMBEDDING_MODELS, require_model
from sandbox.engines.embeddings import check_model_options, encode_vector
from sandbox.errors import invalid_request
from sandbox.labels import label_stand_in
from sandbox.services import Services, get_services

router = APIRouter(tags=["embeddings"])


class EmbeddingRequest(BaseModel):
    # `input` is checked by the engine, which can say precisely which item is wrong and why.
    model_config = ConfigDict(extra="allow")

    input: Any = Field(...)
    model: str
    dimensions: int | None = None
    encoding_format: str | None = None
    user: str | None = None


@router.post("/embeddings")
def create_embeddings(body: EmbeddingRequest, services: Services = Depends(get_services)) -> JSONResponse:
    if body.model_extra:
        name = next(iter(body.model_extra))
        raise invalid_request(f"Unrecognized request argument supplied: {name}", param=name)
    model = require_model(body.model, EMBEDDING_MODELS, "embeddings")
    encoding = check_model_options(model, body.dimensions, body.encoding_format)
    engine = services.embeddings
    prepared = engine.prepare(body.input)
    vectors = engine.embed(model, prepared.texts, body.dimensions)
    payload = {
        "object": "list",
        "data": [
            {"object": "embedding", "index": index, "embedding": encode_vector(vector, encoding)}
            for index, vector in enumerate(vectors)
        ],
        "model": model,
        "usage": {"prompt_tokens": prepared.total_tokens, "total_tokens": prepared.total_tokens},
    }
    # Returned as a ready JSONResponse: FastAPI's generic encoder would walk millions of floats one by one.
    response = JSONResponse(payload)
    label_stand_in(response, engine.stand_in)
    return response
