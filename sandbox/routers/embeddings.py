"""``POST /v1/embeddings``: multilingual sentence vectors lifted to OpenAI's sizes (``sandbox.engines.embeddings``)."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import APIRouter, Depends
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, StrictInt

from sandbox.catalog import EMBEDDING_MODELS, require_model
from sandbox.engines.embeddings import check_model_options, encode_vector
from sandbox.errors import InvalidRequest
from sandbox.labels import label_stand_in
from sandbox.services import Services, get_services

router = APIRouter(tags=["embeddings"])


class EmbeddingRequest(BaseModel):
    # `input` is checked by the engine, which can say precisely which item is wrong and why.
    model_config = ConfigDict(extra="allow")

    input: Any = Field(...)
    model: str
    # Strict, as OpenAI (and our images router) are: true, "256" and 256.0 are refused, not coerced.
    dimensions: StrictInt | None = None
    encoding_format: str | None = None
    user: str | None = None


@router.post("/embeddings")
def create_embeddings(body: EmbeddingRequest, services: Services = Depends(get_services)) -> Response:
    if body.model_extra:
        name = next(iter(body.model_extra))
        raise InvalidRequest(f"Unrecognized request argument supplied: {name}", param=name)
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
    # Serialised here with orjson, which writes float32 arrays natively: FastAPI's encoder (and the json module)
    # would walk millions of Python floats one by one, and that was most of an HTTP request's time.
    response = Response(orjson.dumps(payload, option=orjson.OPT_SERIALIZE_NUMPY), media_type="application/json")
    label_stand_in(response, engine.stand_in)
    return response
