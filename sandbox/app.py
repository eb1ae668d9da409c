"""The app factory: one FastAPI app, one router per endpoint group, OpenAI-shaped errors everywhere."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response

from sandbox import __version__
from sandbox.auth import check_api_key
from sandbox.config import Settings
from sandbox.errors import OpenAIError, error_response, install_error_handlers
from sandbox.labels import SANDBOX_HEADER, SANDBOX_NAME
from sandbox.routers import embeddings, files, images, models, moderations
from sandbox.services import Services, build_services


def create_app(settings: Settings | None = None, *, services: Services | None = None) -> FastAPI:
    settings = settings or Settings()
    app = FastAPI(title="OpenAI endpoint sandbox", version=__version__, docs_url="/docs", redoc_url=None)
    app.state.services = services or build_services(settings)
    install_error_handlers(app)

    @app.middleware("http")
    async def _label_and_authorise(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        try:
            if request.url.path.startswith("/v1/"):
                check_api_key(request, settings.api_key)
            response = await call_next(request)
        except OpenAIError as exc:
            response = error_response(exc)
        response.headers[SANDBOX_HEADER] = SANDBOX_NAME
        return response

    @app.get("/health", include_in_schema=False)
    def health() -> dict[str, str]:
        return {"status": "ok", "sandbox": SANDBOX_NAME}

    for group in (embeddings, files, images, models, moderations):
        app.include_router(group.router, prefix="/v1")
    return app
