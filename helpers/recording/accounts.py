"""Organisation and project ids: learned from the headers, replaced by stable placeholders wherever they appear.

OpenAI answers with ``openai-organization`` / ``openai-project`` headers (dropped when recording), but the same ids
also sit inside bodies: a fine-tuned model's ``owned_by: org-…`` or its id ``ft:gpt-4o:org-…:name:abc``. Each
value is replaced, as a substring, by a fixed placeholder in paths, headers, JSON bodies and text form fields before
anything is saved (file contents stay byte-exact: there the secret guard refuses to save instead), and
the response handed to the notebook is the scrubbed one, so recording and replay print the same thing and a
replayed id sent back in a later request still matches its recording. When recording, an outgoing request gets
the real ids back (``restore``) so the server still understands it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

import httpx2

from helpers.recording.interactions import (
    Body,
    Headers,
    JsonBody,
    MultipartBody,
    RecordedRequest,
    RecordedResponse,
)

ORG_PLACEHOLDER = "org-REDACTED"
PROJECT_PLACEHOLDER = "proj_REDACTED"
_HEADER_PLACEHOLDERS = {"openai-organization": ORG_PLACEHOLDER, "openai-project": PROJECT_PLACEHOLDER}
_ENV_PLACEHOLDERS = {"OPENAI_ORG_ID": ORG_PLACEHOLDER, "OPENAI_PROJECT_ID": PROJECT_PLACEHOLDER}
MIN_ID_LENGTH = 8  # shorter values would match ordinary text


class AccountIds:
    """The account ids seen so far and their placeholders; ``scrub`` replaces every occurrence."""

    def __init__(self) -> None:
        self._placeholders: dict[str, str] = {}

    @classmethod
    def from_environment(cls, env: Mapping[str, str]) -> AccountIds:
        ids = cls()
        for name, placeholder in _ENV_PLACEHOLDERS.items():
            ids.add(env.get(name), placeholder)
        return ids

    def add(self, value: str | None, placeholder: str) -> None:
        value = (value or "").strip()
        if len(value) >= MIN_ID_LENGTH and value != placeholder:
            self._placeholders[value] = placeholder

    def merge(self, other: AccountIds) -> None:
        self._placeholders.update(other._placeholders)

    def learn_from_headers(self, headers: Iterable[tuple[str, str]]) -> None:
        for raw_name, value in headers:
            placeholder = _HEADER_PLACEHOLDERS.get(raw_name.lower())
            if placeholder is not None:
                self.add(value, placeholder)

    def restore(self, request: httpx2.Request) -> httpx2.Request:
        """The outgoing request with placeholders turned back into the real ids (in the URL and a JSON body).

        The notebook only ever sees placeholders, so an id it got from an earlier answer must be made real again
        before it reaches the server; what is recorded is the request before this step.
        """
        if not self:
            return request
        real = {placeholder: value for value, placeholder in self._placeholders.items()}  # the latest wins
        url = str(request.url)
        content = request.read()
        json_body = "json" in request.headers.get("content-type", "")
        for placeholder, value in real.items():
            url = url.replace(placeholder, value)
            if json_body:
                content = content.replace(placeholder.encode(), value.encode())
        if url == str(request.url) and content == request.read():
            return request
        headers = [(k, v) for k, v in request.headers.multi_items() if k.lower() != "content-length"]
        return httpx2.Request(request.method, url, headers=headers, content=content, extensions=request.extensions)

    def __bool__(self) -> bool:
        return bool(self._placeholders)

    def scrub_text(self, text: str) -> str:
        for value in sorted(self._placeholders, key=len, reverse=True):  # longest first: no partial overlaps
            text = text.replace(value, self._placeholders[value])
        return text

    def _scrub_bytes(self, data: bytes) -> bytes:
        for value in sorted(self._placeholders, key=len, reverse=True):
            data = data.replace(value.encode(), self._placeholders[value].encode())
        return data

    def _scrub_data(self, data: Any) -> Any:
        if isinstance(data, str):
            return self.scrub_text(data)
        if isinstance(data, list):
            return [self._scrub_data(item) for item in data]
        if isinstance(data, dict):
            return {self.scrub_text(str(k)): self._scrub_data(v) for k, v in data.items()}
        return data

    def scrub_headers(self, headers: Headers) -> Headers:
        return {name: [self.scrub_text(v) for v in values] for name, values in headers.items()}

    def _scrub_body(self, body: Body) -> Body:
        """JSON data and text form fields; file contents and raw bytes stay exact (the secret guard refuses those)."""
        if isinstance(body, JsonBody):
            verbatim = None if body.verbatim is None else self._scrub_bytes(body.verbatim)
            return JsonBody(self._scrub_data(body.data), verbatim, body.indented)
        if isinstance(body, MultipartBody):
            parts = tuple(
                part
                if part.filename is not None
                else dataclasses.replace(part, content=self._scrub_bytes(part.content))
                for part in body.parts
            )
            return MultipartBody(parts)
        return body

    def scrub_request(self, request: RecordedRequest) -> RecordedRequest:
        if not self:
            return request
        return dataclasses.replace(
            request,
            path=self.scrub_text(request.path),
            query=tuple((k, self.scrub_text(v)) for k, v in request.query),
            headers=self.scrub_headers(request.headers),
            body=self._scrub_body(request.body),
        )

    def scrub_response_body(self, body: Body) -> Body:
        return self._scrub_body(body) if self else body

    def scrub_response(self, response: RecordedResponse) -> RecordedResponse:
        if not self:
            return response
        return dataclasses.replace(
            response, headers=self.scrub_headers(response.headers), body=self._scrub_body(response.body)
        )
