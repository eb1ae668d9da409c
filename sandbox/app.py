"""The app factory: one FastAPI app, one router per endpoint group, OpenAI-shaped errors everywhere."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response

from sandbox import __version__
from sandbox.auth import check_api_key
from sandbox.body_limit import BodyLimitMiddleware
from sandbox.config import Settings
from sandbox.envelope import error_response, install_error_handlers
from sandbox.errors import Refusal
from sandbox.labels import SANDBOX_NAME, LabelMiddleware
from sandbox.routers import embeddings, files, images, models, moderations, restore
from sandbox.services import Services, build_services


def create_app(settings: Settings | None = None, *, services: Services | None = None) -> FastAPI:
    settings = settings or Settings()
    app = FastAPI(title="OpenAI endpoint sandbox", version=__version__, docs_url="/docs", redoc_url=None)
    app.state.services = services or build_services(settings)
    install_error_handlers(app)
    # Added innermost first: label (outermost, so every response is labelled) → key check → body limits → app.
    app.add_middleware(BodyLimitMiddleware, scale=settings.limit_scale)

    @app.middleware("http")
    async def _authorise(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        try:
            if request.url.path.startswith("/v1/"):
                check_api_key(request, settings.api_key)
            return await call_next(request)
        except Refusal as exc:
            return error_response(exc)

    app.add_middleware(LabelMiddleware)

    @app.get("/health", include_in_schema=False)
    def health() -> dict[str, str]:
        services: Services = app.state.services
        loaded = "none" if services.models is None else "ready" if services.models.ready else "loading"
        return {"status": "ok", "sandbox": SANDBOX_NAME, "models": loaded}

    for group in (embeddings, files, images, models, moderations):
        app.include_router(group.router, prefix="/v1")
    if settings.restorable:
        app.include_router(restore.router, prefix="/sandbox")
    return app
