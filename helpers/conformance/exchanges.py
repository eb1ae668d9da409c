"""Recorded exchanges tagged with where they came from, and their pairing with a reference recording."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from helpers.recording.header import RecordingInfo
from helpers.recording.interactions import JsonBody, MultipartBody, RecordedRequest, RecordedResponse
from helpers.recording.persister import read
from helpers.reference import Endpoint, endpoint_for

PROBE_NOTEBOOK = "probe"  # the notebook name of the requests the harness makes itself (probes.py)


@dataclass(frozen=True)
class Exchange:
    """One request a notebook made and the answer it got; ``cell`` is the notebook cell's index (None: unknown)."""

    notebook: str
    cell: int | None
    request: RecordedRequest
    response: RecordedResponse

    @property
    def endpoint(self) -> Endpoint | None:
        return endpoint_for(self.request.method, self.request.path)

    @property
    def group(self) -> str:
        endpoint = self.endpoint
        return endpoint.sdk.split(".")[0] if endpoint else "other"

    @property
    def route(self) -> str:
        endpoint = self.endpoint
        return endpoint.route if endpoint else f"{self.request.method} {self.request.path}"

    @property
    def where(self) -> str:
        if self.notebook == PROBE_NOTEBOOK:
            return "harness probe"
        return f"{self.notebook} · cell {self.cell}" if self.cell is not None else f"{self.notebook} · cell ?"

    @property
    def call(self) -> str:
        query = "&".join(f"{k}={v}" for k, v in self.request.query)
        return f"{self.request.method} {self.request.path}{'?' + query if query else ''}"


@dataclass(frozen=True)
class Recording:
    info: RecordingInfo
    exchanges: tuple[Exchange, ...]


def load_recording(path: Path, cells: dict[str, int] | None = None) -> Recording:
    """A cassette's exchanges; ``cells`` maps the cell hash stored with each response to the cell's index."""
    info, interactions = read(path)
    notebook = path.stem
    found = tuple(Exchange(notebook, (cells or {}).get(i.cell or ""), i.request, i.response) for i in interactions)
    return Recording(info, found)


def _fields(request: RecordedRequest) -> dict[str, str]:
    """What distinguishes two calls to the same route: the query and the body's fields, as comparable text."""
    fields = {f"?{k}": v for k, v in request.query}
    body = request.body
    if isinstance(body, JsonBody) and isinstance(body.data, dict):
        fields.update({k: repr(v) for k, v in body.data.items()})
    elif isinstance(body, MultipartBody):
        fields.update({p.name: p.filename or p.content.decode("utf-8", "replace") for p in body.parts})
    return fields


def _likeness(got: RecordedRequest, reference: RecordedRequest) -> int:
    mine, theirs = _fields(got), _fields(reference)
    same = sum(1 for key, value in mine.items() if theirs.get(key) == value)
    different = len(set(mine) ^ set(theirs)) + sum(1 for k in mine if k in theirs and theirs[k] != mine[k])
    return 4 * same - different + (8 if got.path == reference.path else 0)


def pair(got: Sequence[Exchange], reference: Iterable[Exchange]) -> list[Exchange | None]:
    """For each exchange, the reference exchange of the same call (same route, most alike, earliest), or None."""
    unused = list(reference)
    paired: list[Exchange | None] = []
    for exchange in got:
        candidates = [r for r in unused if r.route == exchange.route]
        if not candidates:
            paired.append(None)
            continue
        best = max(candidates, key=lambda r: (_likeness(exchange.request, r.request), -unused.index(r)))
        unused.remove(best)
        paired.append(best)
    return paired


def same_request(one: RecordedRequest, other: RecordedRequest) -> bool:
    """Same query and body fields (ids in the path may differ between servers)."""
    return _fields(one) == _fields(other)
