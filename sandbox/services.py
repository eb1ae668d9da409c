"""The stateful parts of the sandbox, built once per app and shared by the routers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from fastapi import Request

from sandbox.catalog import ModelCatalog
from sandbox.clock import random_ids, sequential_ids, stepping_clock, system_clock
from sandbox.config import Settings
from sandbox.engines.embeddings import EmbeddingEngine
from sandbox.engines.images import ImagePainter
from sandbox.engines.moderation import ModerationEngine
from sandbox.engines.sentence import SentenceEncoder, load_sentence_encoder
from sandbox.errors import OpenAIError
from sandbox.stores.files import FileStore


@dataclass
class Services:
    settings: Settings
    catalog: ModelCatalog
    files: FileStore
    painter: ImagePainter
    encoder: SentenceEncoder | None
    clock: Callable[[], float] = field(default=system_clock)

    def __post_init__(self) -> None:
        self._embeddings = EmbeddingEngine(self.encoder) if self.encoder else None
        self._moderation = ModerationEngine(self.encoder) if self.encoder else None

    @property
    def embeddings(self) -> EmbeddingEngine:
        if self._embeddings is None:
            raise _models_not_loaded()
        return self._embeddings

    @property
    def moderation(self) -> ModerationEngine:
        if self._moderation is None:
            raise _models_not_loaded()
        return self._moderation


def _models_not_loaded() -> OpenAIError:
    return OpenAIError(
        403,  # the sandbox was started without its sentence model; a person can act on that.
        "This sandbox was started with --no-models, so embeddings and moderations are unavailable. "
        "Restart it without --no-models.",
        code="model_not_loaded",
    )


def build_services(settings: Settings) -> Services:
    clock = stepping_clock() if settings.reproducible else system_clock
    new_file_id = sequential_ids("file-") if settings.reproducible else random_ids("file-")
    return Services(
        settings=settings,
        catalog=ModelCatalog(),
        files=FileStore(settings.data_dir / "files", clock=clock, new_id=new_file_id),
        painter=ImagePainter(),
        encoder=load_sentence_encoder() if settings.load_models else None,
        clock=clock,
    )


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services
