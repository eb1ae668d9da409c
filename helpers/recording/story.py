"""Where a kernel is in its notebook's story, so a replayed answer agrees with what this kernel did before.

A recording is one run of the notebook: requests in order, some of which change server state (an upload, a delete;
a refused one changes nothing).
An answer that depends on that state (a list, a retrieve, a download) is only true at its point of the story: the
list recorded after the upload is wrong for a kernel that has not uploaded. So every recording that depends on
state carries its *point*: the state changes recorded before it, per kind of state ("files", "models", ...). A
kernel's point is the state changes it has been answered with so far. A recording answers a request only if it is
the same request (vcrpy's matchers) at the kernel's point; answers that depend on no state (embeddings,
moderations, images) match at any point.

Among the recordings that qualify:
1. the running cell's own (by the notebook's cell id, which an edited cell keeps, a Korean twin shares and a new
   cell does not have), in their order within this run of the cell;
2. in a cell that made none of them: the one this kernel was last answered with, else the first — never one
   recorded for a later state;
3. outside Jupyter, or when the front end sends no cell ids (nbval): vcrpy's order — the first one not yet used,
   then the last one again.

Why by hand: vcrpy matches a request against every recording alike; it has no notion of order or state.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

# Endpoint groups whose answers depend on nothing but the request (OpenAI keeps no state between two calls).
STATELESS = frozenset({"embeddings", "moderations", "images", "audio", "completions", "chat"})
# Endpoint groups that share one kind of state: a multipart upload (/v1/uploads) becomes a file.
SHARED_STATE = {"uploads": "files"}
READS = frozenset({"GET", "HEAD", "OPTIONS"})


def state_of(path: str) -> str | None:
    """The kind of server state a request to ``path`` reads or changes (``/v1/files/x`` → ``files``); None if it
    touches none."""
    group = path.strip("/").split("/")[1] if path.count("/") >= 2 else path.strip("/")
    if group in STATELESS:
        return None
    return SHARED_STATE.get(group, group)


def changes_state(method: str, path: str) -> bool:
    return state_of(path) is not None and method.upper() not in READS


@dataclass(frozen=True)
class Cell:
    """The running notebook cell: its execution count, its id (None where the front end sends none) and its first
    line (for messages)."""

    count: int
    id: str | None
    first_line: str = ""


@dataclass(frozen=True)
class Point:
    """The state changes (recording indices, in order) that precede a point of the story, for one kind of state."""

    state: str
    changes: tuple[int, ...] = ()


@dataclass
class Story:
    """One kernel's progress through one recording: ``choose`` picks the answer, ``answered`` moves the story on."""

    requests: Sequence[tuple[str, str]]  # (method, canonical path) of every recording, in recorded order
    cells: Sequence[str | None]  # the cell id that made each recording
    statuses: Sequence[int] | None = None  # each recording's status: a refused change (4xx, 5xx) changed nothing
    points: list[Point | None] = field(init=False)
    taken: dict[str, tuple[int, ...]] = field(init=False, default_factory=dict)  # state -> changes answered so far
    diverged: set[str] = field(init=False, default_factory=set)  # states that went live (the learner's mode)
    _used: list[int] = field(init=False)
    _last: dict[tuple[int, ...], int] = field(init=False, default_factory=dict)  # candidates -> last answered
    _runs: dict[str, tuple[int, list[int]]] = field(init=False, default_factory=dict)  # cell id -> (count, taken)

    def __post_init__(self) -> None:
        changes: dict[str, list[int]] = {}
        self.points = []
        for index, (_, path) in enumerate(self.requests):
            state = state_of(path)
            self.points.append(None if state is None else Point(state, tuple(changes.get(state, ()))))
            if state is not None and self._changed(index):
                changes.setdefault(state, []).append(index)
        self._used = [0] * len(self.requests)

    def _changed(self, index: int) -> bool:
        method, path = self.requests[index]
        succeeded = self.statuses is None or 200 <= self.statuses[index] < 300
        return succeeded and changes_state(method, path)

    def now(self, state: str) -> Point:
        return Point(state, self.taken.get(state, ()))

    def at_this_point(self, index: int) -> bool:
        point = self.points[index]
        return point is None or (point.state not in self.diverged and point == self.now(point.state))

    def choose(self, matching: Sequence[int], cell: Cell | None) -> int | None:
        """Of the recordings that match the request (indices, recorded order), the one that answers it now."""
        qualified = [index for index in matching if self.at_this_point(index)]
        if not qualified:
            return None
        if cell is not None and cell.id is not None:
            own = [index for index in qualified if self.cells[index] == cell.id]
            if own:
                taken = self._run(cell)
                return next((index for index in own if index not in taken), own[-1])
            return self._last.get(tuple(qualified), qualified[0])
        return next((index for index in qualified if not self._used[index]), qualified[-1])

    def _run(self, cell: Cell) -> list[int]:
        assert cell.id is not None
        run = self._runs.get(cell.id)
        if run is None or run[0] != cell.count:  # a new run of this cell starts over at its first recording
            run = self._runs[cell.id] = (cell.count, [])
        return run[1]

    def answered(self, index: int, matching: Sequence[int], cell: Cell | None) -> None:
        """This kernel was answered with recording ``index``: its state changes are now the kernel's too."""
        self._used[index] += 1
        self._last[tuple(i for i in matching if self.at_this_point(i))] = index
        if cell is not None and cell.id is not None:
            self._run(cell).append(index)
        state = state_of(self.requests[index][1])
        if state is not None and self._changed(index):
            self.taken[state] = (*self.taken.get(state, ()), index)

    def used(self, index: int) -> int:
        return self._used[index]

    def elsewhere(self, matching: Sequence[int]) -> list[int]:
        """Recordings of this request that are at another point of the story (for a miss message)."""
        return [index for index in matching if not self.at_this_point(index)]

    def diverge(self, state: str) -> tuple[int, ...]:
        """The learner's mode sent a request on ``state`` live: from now on that state lives in the sandbox, which
        must first be given the state changes this kernel was answered with (returned, in order)."""
        self.diverged.add(state)
        return self.taken.get(state, ())
