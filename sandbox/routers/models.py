"""``/v1/models``: list, retrieve, and delete (fine-tuned models only)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Response

from sandbox.labels import label_stand_in
from sandbox.services import Services, get_services

router = APIRouter(tags=["models"])
STAND_IN = "static model catalog (ids from openai 3.57.0; created stamps fixed)"


@router.get("/models")
def list_models(response: Response, services: Services = Depends(get_services)) -> dict[str, Any]:
    label_stand_in(response, STAND_IN)
    return {"object": "list", "data": [card.to_wire() for card in services.catalog.listed()]}


@router.get("/models/{model_id:path}")
def retrieve_model(model_id: str, response: Response, services: Services = Depends(get_services)) -> dict[str, Any]:
    label_stand_in(response, STAND_IN)
    return services.catalog.get(model_id).to_wire()


@router.delete("/models/{model_id:path}")
def delete_model(model_id: str, response: Response, services: Services = Depends(get_services)) -> dict[str, Any]:
    label_stand_in(response, STAND_IN)
    services.catalog.delete(model_id)
    return {"id": model_id, "object": "model", "deleted": True}
