"""Scrubbing: what is dropped before anything is written, URI normalisation, and the last-line secret guard.

``scrub_request`` and ``scrub_response`` build vcrpy's ``before_record_request`` / ``before_record_response``
hooks. vcrpy calls them on every loaded interaction and several times per lookup, so both are idempotent: a
scrubbed request or response comes out unchanged.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from urllib.parse import urlsplit

from vcr.request import Request

from helpers.recording.accounts import AccountIds
from helpers.recording.convert import (
    VcrResponse,
    boundary_of,
    from_vcr_request,
    request_body,
    response_body,
    response_headers,
)
from helpers.recording.errors import SecretLeakError
from helpers.recording.interactions import (
    CANONICAL_BASE_URL,
    CANONICAL_ORIGIN,
    REPLAY_BOUNDARY,
    Headers,
    JsonBody,
    body_bytes,
    media_type,
    parse_body,
)

# The environment variables whose values must never be saved (the secret guard watches for them).
SECRET_ENV_VARS = ("OPENAI_API_KEY", "OPENAI_ADMIN_KEY", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID")

# Credentials and account identifiers.
SECRET_REQUEST_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "openai-organization", "openai-project", "cookie", "api-key", "x-api-key"}
)
SECRET_RESPONSE_HEADERS = frozenset({"set-cookie", "openai-organization", "openai-project", "x-request-id", "cf-ray"})
SECRET_RESPONSE_PREFIXES = ("x-ratelimit-",)

# Headers that change from machine to machine or run to run: keeping them would make every re-recording a diff.
# (content-encoding must go too: the stored body is already decoded.)
VOLATILE_REQUEST_HEADERS = frozenset({"host", "user-agent", "content-length", "accept-encoding", "connection"})
VOLATILE_REQUEST_PREFIXES = ("x-stainless-",)
VOLATILE_RESPONSE_HEADERS = frozenset(
    {
        "date",
        "server",
        "content-length",
        "content-encoding",
        "transfer-encoding",
        "connection",
        "keep-alive",
        "openai-processing-ms",
        "x-envoy-upstream-service-time",
        "alt-svc",
        "cf-cache-status",
        "via",
        "strict-transport-security",
    }
)

# Shorter values (e.g. a sandbox key "test") would match ordinary text and carry no secret anyway.
MIN_SECRET_LENGTH = 8


def _kept(name: str, dropped: frozenset[str], prefixes: tuple[str, ...]) -> bool:
    return name not in dropped and not name.startswith(prefixes)


def _collect(
    headers: Iterable[tuple[str, str]], dropped: frozenset[str], prefixes: tuple[str, ...], *, boundary: bool = False
) -> Headers:
    kept: Headers = {}
    for raw_name, value in headers:
        name = raw_name.lower()
        if not _kept(name, dropped, prefixes):
            continue
        if name == "content-type" and media_type(value) == "multipart/form-data" and not boundary:
            value = "multipart/form-data"  # the boundary is random per request
        kept.setdefault(name, []).append(value)
    return dict(sorted(kept.items()))


def request_headers_to_record(headers: Iterable[tuple[str, str]], *, boundary: bool = False) -> Headers:
    """``boundary=True`` keeps a multipart boundary (in memory the body must still parse; the file never has it)."""
    dropped = SECRET_REQUEST_HEADERS | VOLATILE_REQUEST_HEADERS
    return _collect(headers, dropped, VOLATILE_REQUEST_PREFIXES, boundary=boundary)


def response_headers_to_record(headers: Iterable[tuple[str, str]]) -> Headers:
    return _collect(headers, SECRET_RESPONSE_HEADERS | VOLATILE_RESPONSE_HEADERS, SECRET_RESPONSE_PREFIXES)


def base_path(base_url: str) -> str:
    return urlsplit(base_url).path.rstrip("/")


def canonical_path(url_path: str, client_base_url: str) -> str:
    """``http://127.0.0.1:8123/v1/files`` and ``https://api.openai.com/v1/files`` both become ``/v1/files``."""
    prefix = base_path(client_base_url)
    relative = url_path[len(prefix) :] if prefix and url_path.startswith(prefix + "/") else url_path
    return base_path(CANONICAL_BASE_URL) + "/" + relative.lstrip("/")


def canonical_uri(uri: str, client_base_url: str) -> str:
    """The URI as recorded: OpenAI's origin and base path; a URI already in that form is returned unchanged."""
    if uri.startswith(CANONICAL_ORIGIN + "/"):
        return uri
    parts = urlsplit(uri)
    query = f"?{parts.query}" if parts.query else ""
    return f"{CANONICAL_ORIGIN}{canonical_path(parts.path, client_base_url)}{query}"


RequestFilter = Callable[[Request], Request]
ResponseFilter = Callable[[VcrResponse], VcrResponse]


def scrub_request(accounts: AccountIds | None = None, client_base_url: str = CANONICAL_BASE_URL) -> RequestFilter:
    """vcrpy's ``before_record_request``: canonical URI, no secret or volatile header, account ids replaced."""

    def scrub(request: Request) -> Request:
        headers = request_headers_to_record(request.headers.items(), boundary=True)
        uri, body = canonical_uri(str(request.uri), client_base_url), request_body(request)
        if accounts:
            before = from_vcr_request(Request(request.method, uri, body, headers))
            after = accounts.scrub_request(before)
            if after != before:
                uri, body = after.uri, body_bytes(after.body, boundary_of(headers) or REPLAY_BOUNDARY)
        flat = {name: values[0] for name, values in headers.items()}
        return Request(str(request.method).upper(), uri, body or None, flat)

    return scrub


def scrub_response(accounts: AccountIds | None = None) -> ResponseFilter:
    """vcrpy's ``before_record_response``: no secret or volatile header, account ids replaced, JSON compact."""

    def scrub(response: VcrResponse) -> VcrResponse:
        raw = response_headers(response)
        headers = response_headers_to_record((k, v) for k, values in raw.items() for v in values)
        headers = accounts.scrub_headers(headers) if accounts else headers
        content = response_body(response)
        kinds = headers.get("content-type") or []
        body = parse_body(content, kinds[0] if kinds else None)
        if isinstance(body, JsonBody):  # stored as data: hand on exactly what replay will rebuild
            body = accounts.scrub_response_body(body) if accounts else body
            content = body_bytes(body)
        elif accounts:
            content = body_bytes(accounts.scrub_response_body(body))
        return response | {"headers": headers, "body": {"string": content}}

    return scrub


class SecretGuard:
    """Knows the secret values in play and refuses any text or bytes that contain one.

    Scrubbing removes the headers that carry secrets; this guard is the backstop for everything else
    (a key echoed in an error body, an organisation id in a file name, ...).
    """

    def __init__(self, secrets: Mapping[str, str | None] | None = None) -> None:
        self._secrets: dict[str, str] = {}
        for label, value in (secrets or {}).items():
            self.add(label, value)

    @classmethod
    def from_environment(cls, env: Mapping[str, str] | None = None) -> SecretGuard:
        env = os.environ if env is None else env
        return cls({name: env.get(name) for name in SECRET_ENV_VARS})

    def add(self, label: str, value: str | None) -> None:
        value = (value or "").strip()
        if len(value) >= MIN_SECRET_LENGTH and value not in self._secrets.values():
            self._secrets[label] = value

    def add_request_headers(self, headers: Iterable[tuple[str, str]]) -> None:
        """Learn the values actually sent, whatever their source (env, .env, constructor arguments)."""
        for raw_name, value in headers:
            name = raw_name.lower()
            if name in ("authorization", "proxy-authorization"):
                scheme, _, credential = value.partition(" ")
                self.add(f"the {name} header", credential if scheme.lower() == "bearer" else value)
            elif name in SECRET_REQUEST_HEADERS:
                self.add(f"the {name} header", value)

    @property
    def labels(self) -> list[str]:
        return list(self._secrets)

    def check(self, content: str | bytes, where: str) -> None:
        """Raise ``SecretLeakError`` naming the secret's source and position, never its value."""
        data = content.encode("utf-8") if isinstance(content, str) else content
        for label, value in self._secrets.items():
            position = data.find(value.encode("utf-8"))
            if position >= 0:
                line = data.count(b"\n", 0, position) + 1
                raise SecretLeakError(
                    f"refusing to write {where}: it would contain the value of {label} (line {line}). "
                    "Nothing was written. Find out why the server echoed it (or why the notebook sent it in a "
                    "body) and remove it before recording."
                )
