"""The model ids the sandbox serves, with OpenAI's metadata, and what each group accepts."""

from __future__ import annotations

from dataclasses import dataclass

from sandbox.errors import InvalidRequest, NotAllowed, NotFound


@dataclass(frozen=True)
class ModelCard:
    id: str
    created: int
    owned_by: str = "system"
    shutdown_date: str | None = None
    # Retired ids stay listed nowhere but are known, so requests naming them get a precise 400.
    retired: bool = False

    def to_wire(self) -> dict[str, object]:
        return {
            "id": self.id,
            "object": "model",
            "created": self.created,
            "owned_by": self.owned_by,
            "shutdown_date": self.shutdown_date,
        }


EMBEDDING_MODELS = ("text-embedding-3-small", "text-embedding-3-large", "text-embedding-ada-002")
MODERATION_MODELS = (
    "omni-moderation-latest",
    "omni-moderation-2024-09-26",
    "text-moderation-latest",
    "text-moderation-stable",
)
IMAGE_MODELS = (
    "gpt-image-1.5",
    "gpt-image-1-mini",
    "gpt-image-2",
    "gpt-image-2-2026-04-21",
    "gpt-image-2.5-sunburst",
    "gpt-image-2.5-sunburst-2026-09-08",
    "gpt-image-2.5-flare",
    "gpt-image-2.5-flare-2026-09-08",
    "gpt-image-2.6-sunburst",
    "gpt-image-2.6-flare",
    "chatgpt-image-latest",
)
# From the SDK's docstrings (openai 3.57.0, types/image_model.py).
RETIRED_IMAGE_MODELS = {
    "dall-e-2": "This model was retired on May 12, 2026. Use a GPT image model instead (e.g. gpt-image-2).",
    "dall-e-3": "This model was retired on May 12, 2026. Use a GPT image model instead (e.g. gpt-image-2).",
    "gpt-image-1": "GPT Image 1 was shut down on October 23, 2026. Use gpt-image-2.5-sunburst or gpt-image-2.5-flare.",
}

# `created` stamps are fixed so listings are deterministic (recordings and plots must not drift).
_CARDS = (
    ModelCard("text-embedding-ada-002", 1671217299, "openai-internal"),
    ModelCard("text-embedding-3-small", 1705948997),
    ModelCard("text-embedding-3-large", 1705953180),
    ModelCard("omni-moderation-2024-09-26", 1727308800),
    ModelCard("omni-moderation-latest", 1731689265),
    ModelCard("text-moderation-latest", 1687828800, "openai-internal"),
    ModelCard("text-moderation-stable", 1687828800, "openai-internal"),
    ModelCard("gpt-image-1-mini", 1759536000),
    ModelCard("gpt-image-1.5", 1765497600),
    ModelCard("chatgpt-image-latest", 1765497600),
    ModelCard("gpt-image-2", 1776729600),
    ModelCard("gpt-image-2-2026-04-21", 1776729600),
    ModelCard("gpt-image-2.5-sunburst", 1788825600),
    ModelCard("gpt-image-2.5-sunburst-2026-09-08", 1788825600),
    ModelCard("gpt-image-2.5-flare", 1788825600),
    ModelCard("gpt-image-2.5-flare-2026-09-08", 1788825600),
    ModelCard("gpt-image-2.6-sunburst", 1792972800),
    ModelCard("gpt-image-2.6-flare", 1792972800),
    # A fine-tuned model owned by the caller's (pretend) organisation, so `models.delete` has a legal target.
    ModelCard("ft:text-embedding-3-small:sandbox-org::demo0001", 1793000000, "sandbox-org"),
    ModelCard("gpt-image-1", 1745366400, shutdown_date="2026-10-23", retired=True),
    ModelCard("dall-e-3", 1698785189, shutdown_date="2026-05-12", retired=True),
    ModelCard("dall-e-2", 1698798177, shutdown_date="2026-05-12", retired=True),
)


class ModelCatalog:
    """Listing, lookup and the one mutation OpenAI allows: deleting your own fine-tuned models."""

    def __init__(self) -> None:
        self._cards = {card.id: card for card in _CARDS}
        self._deleted: set[str] = set()

    def listed(self) -> list[ModelCard]:
        """Served models, oldest first; retired ids are not listed (they no longer appear in /v1/models)."""
        cards = [c for c in self._cards.values() if not c.retired and c.id not in self._deleted]
        return sorted(cards, key=lambda c: (c.created, c.id))

    def get(self, model_id: str) -> ModelCard:
        card = self._cards.get(model_id)
        if card is None or card.retired or model_id in self._deleted:
            raise model_not_found(model_id)
        return card

    def reset(self) -> None:
        """Every deleted model back: the catalogue of a freshly started sandbox."""
        self._deleted.clear()

    def delete(self, model_id: str) -> None:
        card = self.get(model_id)
        if not card.id.startswith("ft:"):
            # Inferred from the API reference ("Delete a fine-tuned model"): base models are refused with 403.
            raise NotAllowed(
                f"You cannot delete `{model_id}`: only fine-tuned models (ids starting with 'ft:') "
                "owned by your organization can be deleted.",
                param="model",
                code="model_not_deletable",
            )
        self._deleted.add(model_id)


def require_model(model: str, allowed: tuple[str, ...], group: str) -> str:
    """Check a request's ``model`` for one endpoint group; unknown ⇒ 404, wrong group ⇒ 400."""
    if model in allowed:
        return model
    if model in RETIRED_IMAGE_MODELS:
        raise InvalidRequest(
            f"The model `{model}` is not supported. {RETIRED_IMAGE_MODELS[model]}",
            param="model",
            code="model_not_supported",
        )
    if model in {c.id for c in _CARDS}:
        raise InvalidRequest(
            f"The model `{model}` cannot be used with the {group} endpoint. Use one of: {', '.join(allowed)}.",
            param="model",
            code="invalid_model",
        )
    raise model_not_found(model)


def model_not_found(model: str) -> NotFound:
    return NotFound(
        f"The model `{model}` does not exist or you do not have access to it.", param="model", code="model_not_found"
    )


def variations_retired() -> NotFound:
    # [INFERRED] openai 3.57.0 says "This endpoint is retired and no longer available"; OpenAI has answered retired
    # endpoints with 404 before, so the sandbox does too, and says what replaced it.
    return NotFound(
        "The image variations endpoint (POST /v1/images/variations) is retired and no longer available: it only "
        "served dall-e-2, which was retired on May 12, 2026. To make a variation, call the image edits endpoint "
        "with a GPT image model and a prompt, e.g. client.images.edit(model='gpt-image-2', image=open('in.png', "
        "'rb'), prompt='Create a variation of this image').",
        code="endpoint_retired",
    )
