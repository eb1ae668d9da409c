"""Rows of the report, one per request (and one per failing cell), with every failure tied to its root cause.

A root cause is reported once, where it first shows: a later failure of the same kind on the same endpoint
group is "same cause as #n"; a request that uses an id a failing request handed out (``/files/string`` after a
create answered ``"string"``) and a cell error downstream of a failure (the ``NameError`` of a variable an earlier
failing cell should have set) are "cascade of #n".
"""

from __future__ import annotations

import re
from collections.abc import Sequence, Set
from dataclasses import dataclass, field

from helpers.conformance.checks import (
    envelope_problems,
    exception_for,
    json_answer_problem,
    json_of,
    optional_fields,
    sdk_parse_problem,
)
from helpers.conformance.exchanges import Exchange, pair, same_request
from helpers.conformance.invariants import Broken, check_notebook
from helpers.conformance.run import CellError, NotebookRun
from helpers.conformance.shapes import shape_diffs

# Calls whose answer's length is the account's state (how many files, which models): never compared by length.
_ACCOUNT_STATE = frozenset({"files.list", "models.list"})
# Which failure of a row names its root cause when one request breaks several checks (the others are "also").
_SPECIFIC_FIRST = ("envelope", "status", "SDK parses", "shape", "cell error")

_NOT_DEFINED = re.compile(r"name '([A-Za-z_][A-Za-z0-9_]*)' is not defined")


@dataclass(frozen=True)
class Failure:
    kind: str  # "status", "envelope", "shape", "SDK parses", "cell error", or an invariant's name
    key: tuple[str, str]  # what makes two failures the same cause
    detail: str


@dataclass
class Row:
    number: int
    where: str
    call: str
    group: str
    exchange: Exchange | None = None
    reference: Exchange | None = None
    expected_exception: str | None = None
    got_exception: str | None = None
    envelope: list[str] = field(default_factory=list)
    shape: list[str] = field(default_factory=list)
    invariants: list[Broken] = field(default_factory=list)
    sdk_parse: str | None = None
    failures: list[Failure] = field(default_factory=list)
    root_of: list[Failure] = field(default_factory=list)  # the failures first reported here
    attributed_to: int | None = None
    how: str = ""  # "same cause" or "cascade"

    @property
    def verdict(self) -> str:
        if not self.failures:
            return "pass" if self.exchange is None or self.reference is not None else "pass (no reference)"
        if self.root_of:
            return "FAIL"
        return f"↳ #{self.attributed_to} ({self.how})"


@dataclass(frozen=True)
class RootCause:
    row: int
    where: str
    call: str
    group: str
    kind: str
    detail: str
    repeats: int
    kinds: tuple[str, ...] = ()  # every check this request broke first (kind is the most specific)


@dataclass
class Verdicts:
    rows: list[Row]
    roots: list[RootCause]
    unmatched_reference: dict[str, int]  # notebook -> reference calls this run never made
    groups_run: frozenset[str] = frozenset()  # groups the notebooks that ran call (in the run or the reference)


def _exchange_row(number: int, exchange: Exchange, reference: Exchange | None, broken: list[Broken]) -> Row:
    row = Row(number, exchange.where, exchange.call, exchange.group, exchange, reference)
    got = exchange.response.status
    row.got_exception = exception_for(got)
    row.envelope = envelope_problems(exchange)
    row.invariants = broken
    row.sdk_parse = sdk_parse_problem(exchange)
    answer = json_answer_problem(exchange)
    group, route = exchange.group, exchange.route
    if reference is not None:
        expected = reference.response.status
        row.expected_exception = exception_for(expected)
        if expected != got:
            row.failures.append(
                Failure("status", (group, f"status {expected}→{got}"), f"expected {expected}, got {got}")
            )
        ref_json, got_json = json_of(reference), json_of(exchange)
        if expected == got < 400 and ref_json is not None:  # an error's shape is the envelope check's
            account_state = exchange.endpoint is not None and exchange.endpoint.sdk in _ACCOUNT_STATE
            lengths = same_request(exchange.request, reference.request) and not account_state
            row.shape = shape_diffs(ref_json, got_json, lengths=lengths, optional=optional_fields(exchange))
            if row.shape:
                row.failures.append(Failure("shape", (route, "shape"), "; ".join(row.shape[:3])))
    if answer:
        row.failures.append(Failure("JSON answer", (group, "JSON answer"), answer))
    if row.envelope:  # one error handler serves every route: one cause, whichever group shows it first
        row.failures.append(Failure("envelope", ("*", "envelope"), "; ".join(row.envelope)))
    if row.sdk_parse:
        row.failures.append(Failure("SDK parses", (route, "SDK parses"), row.sdk_parse))
    row.failures += [Failure(b.check, (group, b.check), b.detail) for b in broken]
    return row


def _ids_handed_out(exchange: Exchange) -> set[str]:
    data = json_of(exchange)
    found = data.get("id") if isinstance(data, dict) else None
    return {found} if isinstance(found, str) and found else set()


def _uses(exchange: Exchange, ids: set[str]) -> bool:
    parts = set(exchange.request.path.split("/")) | {v for _, v in exchange.request.query}
    return bool(parts & ids)


_ASSIGNED = re.compile(
    r"^\s*([A-Za-z_][\w, ]*?)\s*(?:\[[^\]]*\])?\s*=[^=]|\bfor\s+([\w, ]+?)\s+in\b|\bas\s+(\w+)", re.M
)
_NAME = re.compile(r"\b[A-Za-z_]\w*\b")


def defined_names(source: str) -> set[str]:
    """Names a cell assigns (``a = …``, ``a, b = …``, ``for a in``, ``with … as a``): what later cells depend on."""
    names: set[str] = set()
    for match in _ASSIGNED.finditer(source):
        names.update(_NAME.findall(next(g for g in match.groups() if g)))
    return names


def judge(
    runs: Sequence[NotebookRun],
    got: dict[str, list[Exchange]],
    reference: dict[str, list[Exchange]],
    unknown: Set[str] = frozenset(),
) -> Verdicts:
    """``unknown``: ids that never existed (the probes'), which must be 404 wherever they are asked for."""
    rows: list[Row] = []
    first: dict[tuple[str, str], int] = {}
    repeats: dict[tuple[str, str], int] = {}
    unmatched: dict[str, int] = {}

    def attribute(row: Row) -> None:
        if row.attributed_to is not None:
            return
        new = [f for f in row.failures if f.key not in first]
        for failure in new:
            first[failure.key] = row.number
        for failure in row.failures:
            if failure.key in first and first[failure.key] != row.number:
                repeats[failure.key] = repeats.get(failure.key, 0) + 1
        row.root_of = new
        if row.failures and not new:
            row.attributed_to, row.how = first[row.failures[0].key], "same cause"

    for run in runs:
        exchanges = got.get(run.notebook, [])
        references = reference.get(run.notebook, [])
        paired = pair(exchanges, references)
        unmatched[run.notebook] = len(references) - sum(1 for p in paired if p is not None)
        broken = check_notebook(exchanges, unknown)
        bad_ids: dict[str, int] = {}
        failing_cells: dict[int, int] = {}  # cell index -> the row its first failure is on
        errors = {e.index: e for e in run.errors}
        cells = sorted({*(e.cell for e in exchanges if e.cell is not None), *errors})
        by_cell: dict[int | None, list[tuple[Exchange, Exchange | None, list[Broken]]]] = {}
        for item in zip(exchanges, paired, broken, strict=True):
            by_cell.setdefault(item[0].cell, []).append(item)
        for cell in [*cells, None]:
            for exchange, ref, found in by_cell.get(cell, []):
                row = _exchange_row(len(rows) + 1, exchange, ref, found)
                rows.append(row)
                if row.failures:
                    culprit = next((n for i, n in bad_ids.items() if _uses(exchange, {i})), None)
                    if culprit is not None:
                        row.attributed_to, row.how = culprit, "cascade"
                    attribute(row)
                    root = row.attributed_to or row.number
                    bad_ids.update({i: root for i in _ids_handed_out(exchange)})
                    if cell is not None:
                        failing_cells.setdefault(cell, root)
            if cell is not None and cell in errors:
                rows.append(_cell_row(len(rows) + 1, run, errors[cell], failing_cells))
                row = rows[-1]
                attribute(row)
                failing_cells.setdefault(cell, row.attributed_to or row.number)
    ran = {run.notebook for run in runs}
    groups = {e.group for name in ran for e in [*got.get(name, []), *reference.get(name, [])]}
    return Verdicts(rows, [_root_cause(r, repeats) for r in rows if r.root_of], unmatched, frozenset(groups))


def _rank(failure: Failure) -> int:
    """An answer that is not JSON first (nothing else can be judged), then the invariants (the most specific
    checks), then the order of ``_SPECIFIC_FIRST``."""
    if failure.kind == "JSON answer":
        return -1
    return _SPECIFIC_FIRST.index(failure.kind) + 1 if failure.kind in _SPECIFIC_FIRST else 0


def _root_cause(row: Row, repeats: dict[tuple[str, str], int]) -> RootCause:
    """One root cause per request: a bug breaks several checks of the answer it spoils (missing ``usage`` fails
    the usage check, the SDK's type and the shape), and is still one bug."""
    first, *also = sorted(row.root_of, key=_rank)
    detail = first.detail + "".join(f"; also {f.kind}: {f.detail}" for f in also)
    count = max(repeats.get(f.key, 0) for f in row.root_of)
    kinds = (first.kind, *(f.kind for f in also))
    return RootCause(row.number, row.where, row.call, row.group, first.kind, detail, count, kinds)


def _cell_row(number: int, run: NotebookRun, error: CellError, failing_cells: dict[int, int]) -> Row:
    where = f"{run.notebook} · cell {error.index}"
    row = Row(number, where, "(cell error)", "cells", got_exception=error.name)
    row.failures.append(Failure("cell error", (run.notebook, f"cell {error.index}"), f"{error.name}: {error.value}"))
    if error.index in failing_cells:  # the cell's own request failed first
        row.attributed_to, row.how = failing_cells[error.index], "cascade"
        return row
    missing = _NOT_DEFINED.search(error.value)
    used = {missing.group(1)} if missing else set(_NAME.findall(run.sources.get(error.index, "")))
    upstream = [c for c in sorted(failing_cells) if c < error.index and used & defined_names(run.sources.get(c, ""))]
    if upstream:  # a value an earlier failing cell made (or failed to make): the failure there is the cause
        row.attributed_to, row.how = failing_cells[upstream[-1]], "cascade"
    return row
