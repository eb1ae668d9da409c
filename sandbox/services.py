"""The stateful parts of the sandbox, built once per app and shared by the routers."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from fastapi import Request

from sandbox.catalog import ModelCatalog
from sandbox.clock import random_ids, sequential_ids, stepping_clock, system_clock
from sandbox.config import Settings
from sandbox.engines.cl100k import Cl100k
from sandbox.engines.embeddings import EmbeddingEngine
from sandbox.engines.images import ImagePainter
from sandbox.engines.moderation import ModerationEngine
from sandbox.engines.sentence import SentenceEncoder, load_sentence_encoder
from sandbox.errors import ModelUnavailable
from sandbox.stores.files import FileStore, pause_for_tests


@dataclass(frozen=True)
class Engines:
    """What the sentence encoder powers."""

    embeddings: EmbeddingEngine
    moderation: ModerationEngine

    @classmethod
    def on(cls, encoder: SentenceEncoder, tokens: Cl100k | None = None) -> Engines:
        return cls(EmbeddingEngine(encoder, tokens), ModerationEngine(encoder))

    @classmethod
    def load(cls) -> Engines:
        """The encoder, then the tokenizer (loading them on two threads was no faster: both hold the GIL)."""
        return cls.on(load_sentence_encoder(), Cl100k())


class ModelLoader:
    """Loads the encoder and its engines on a thread of its own, so the server answers while they load (about
    two seconds); a request that needs them waits for them, and a failed load is reported on every such request."""

    def __init__(self, load: Callable[[], Engines]) -> None:
        self._load = load
        self._done = threading.Event()
        self._engines: Engines | None = None
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None

    @classmethod
    def of(cls, encoder: SentenceEncoder) -> ModelLoader:
        """A loader that is already done (tests and scripts that hold an encoder)."""
        loader = cls(lambda: Engines.on(encoder))
        loader.start().wait()
        return loader

    def start(self) -> ModelLoader:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="sandbox-models", daemon=True)
            self._thread.start()
        return self

    def _run(self) -> None:
        try:
            self._engines = self._load()
        except BaseException as exc:  # reported to every request that needs the models, never lost
            self._error = exc
        finally:
            self._done.set()

    @property
    def ready(self) -> bool:
        return self._done.is_set() and self._engines is not None

    def wait(self) -> Engines:
        self.start()
        self._done.wait()
        if self._engines is None:
            raise ModelUnavailable(  # a server-side condition a person must fix, not one the SDK should retry
                f"The sandbox could not load its sentence model ({self._error!r}). Reinstall with "
                "`scripts/setup.sh`, then restart the sandbox.",
                code="model_not_loaded",
            )
        return self._engines


@dataclass
class Services:
    settings: Settings
    catalog: ModelCatalog
    files: FileStore
    painter: ImagePainter
    models: ModelLoader | None
    clock: Callable[[], float] = field(default=system_clock)

    @property
    def embeddings(self) -> EmbeddingEngine:
        return self._engines().embeddings

    @property
    def moderation(self) -> ModerationEngine:
        return self._engines().moderation

    def _engines(self) -> Engines:
        if self.models is None:
            raise _models_not_loaded()
        return self.models.wait()

    def reset(self, states: list[str] | None = None) -> None:
        """Forget uploads ("files") and deletions ("models"): the state of a freshly started sandbox (the learner's
        mode only); ``None`` resets both."""
        if states is None or "files" in states:
            self.files.clear()
        if states is None or "models" in states:
            self.catalog.reset()


def _models_not_loaded() -> ModelUnavailable:
    return ModelUnavailable(  # the sandbox was started without its sentence model; a person can act on that.
        "This sandbox was started with --no-models, so embeddings and moderations are unavailable. "
        "Restart it without --no-models.",
        code="model_not_loaded",
    )


def build_services(settings: Settings) -> Services:
    clock = stepping_clock() if settings.reproducible else system_clock
    new_file_id = sequential_ids("file-") if settings.reproducible else random_ids("file-")
    pause = pause_for_tests(settings.test_pause_at, settings.test_pause_marker) if settings.test_pause_at else None
    return Services(
        settings=settings,
        catalog=ModelCatalog(),
        files=FileStore(settings.data_dir / "files", clock=clock, new_id=new_file_id, pause=pause),
        painter=ImagePainter(),
        models=ModelLoader(Engines.load).start() if settings.load_models else None,
        clock=clock,
    )


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services
