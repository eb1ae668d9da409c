"""Where OpenAI documents each call the notebooks make: one table from SDK method to HTTP route to reference page.

    >>> reference_url("POST", "/v1/embeddings")
    'https://platform.openai.com/docs/api-reference/embeddings/create'
    >>> reference_url("GET", "/v1/files/file-abc123/content")   # a concrete path matches its route
    'https://platform.openai.com/docs/api-reference/files/retrieve-contents'
    >>> endpoint_for_sdk("models.retrieve").route
    'GET /v1/models/{model}'

The pages are the ones the original 2024 tutorial linked for each call, under OpenAI's API reference.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

REFERENCE_BASE = "https://platform.openai.com/docs/api-reference/"


@dataclass(frozen=True)
class Endpoint:
    """One API operation: how the SDK calls it, the HTTP route it sends, and its reference page."""

    sdk: str  # "<group>.<method>" as in client.<group>.<method>(...)
    method: str  # HTTP method, upper case
    path: str  # route under /v1, with {placeholders}
    page: str  # the reference page's path under REFERENCE_BASE

    @property
    def url(self) -> str:
        return REFERENCE_BASE + self.page

    @property
    def route(self) -> str:
        return f"{self.method} {self.path}"

    def matches(self, method: str, path: str) -> bool:
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(self.path)) + "$"
        return method.upper() == self.method and re.match(pattern, path) is not None


ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("embeddings.create", "POST", "/v1/embeddings", "embeddings/create"),
    Endpoint("files.create", "POST", "/v1/files", "files/create"),
    Endpoint("files.list", "GET", "/v1/files", "files/list"),
    Endpoint("files.retrieve", "GET", "/v1/files/{file_id}", "files/retrieve"),
    Endpoint("files.delete", "DELETE", "/v1/files/{file_id}", "files/delete"),
    Endpoint("files.content", "GET", "/v1/files/{file_id}/content", "files/retrieve-contents"),
    # The deprecated method sends the same request as files.content().
    Endpoint("files.retrieve_content", "GET", "/v1/files/{file_id}/content", "files/retrieve-contents"),
    Endpoint("images.generate", "POST", "/v1/images/generations", "images/create"),
    Endpoint("images.edit", "POST", "/v1/images/edits", "images/createEdit"),
    Endpoint("images.create_variation", "POST", "/v1/images/variations", "images/createVariation"),
    Endpoint("models.list", "GET", "/v1/models", "models/list"),
    Endpoint("models.retrieve", "GET", "/v1/models/{model}", "models/retrieve"),
    Endpoint("models.delete", "DELETE", "/v1/models/{model}", "models/delete"),
    Endpoint("moderations.create", "POST", "/v1/moderations", "moderations/create"),
)


def _normalise(path: str) -> str:
    """'/v1/files?limit=1', 'files', 'https://host/v1/files/' -> '/v1/files'."""
    path = urlsplit(path).path.rstrip("/") or "/"
    if not path.startswith("/"):
        path = "/" + path
    return path if path.startswith("/v1/") or path == "/v1" else "/v1" + path


def endpoint_for(method: str, path: str) -> Endpoint | None:
    """The operation a request (method, path or URL; with or without /v1 and a query) belongs to."""
    wanted = _normalise(path)
    return next((e for e in ENDPOINTS if e.matches(method, wanted)), None)


def reference_url(method: str, path: str) -> str | None:
    """OpenAI's API reference page for a request, or None for a route this project does not call."""
    endpoint = endpoint_for(method, path)
    return endpoint.url if endpoint else None


def endpoint_for_sdk(name: str) -> Endpoint | None:
    """The operation behind an SDK method named "<group>.<method>" (e.g. "files.content")."""
    return next((e for e in ENDPOINTS if e.sdk == name), None)
