"""The report: one row per request, the root causes, a summary per endpoint group; as terminal text and Markdown."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from helpers.conformance.verdict import Row, Verdicts

GROUPS = ("embeddings", "files", "images", "models", "moderations")
_MAX = 70


@dataclass(frozen=True)
class Context:
    server: str  # base URL
    target: str  # provenance wording of the run's recordings
    reference: str  # which recording was the reference, and its provenance
    seconds: float
    scratch: str
    key: str = ""  # which bearer key was sent, in words (never the key)


@dataclass(frozen=True)
class GroupSummary:
    group: str
    reachable: str
    status: str
    envelope: str
    shapes: str
    invariants: str
    sdk: str
    verdict: str


def _ratio(ok: int, total: int) -> str:
    return "n/a" if total == 0 else f"{'✓' if ok == total else '✗'} {ok}/{total}"


def summarise(verdicts: Verdicts) -> list[GroupSummary]:
    out = []
    for group in GROUPS:
        rows = [r for r in verdicts.rows if r.group == group and r.exchange is not None]
        ex = [r.exchange for r in rows if r.exchange is not None]
        paired = [r for r in rows if r.reference is not None and r.exchange is not None]
        status_ok = sum(
            1
            for r in paired
            if r.exchange and r.reference and r.exchange.response.status == r.reference.response.status
        )
        errors = [r for r in rows if r.exchange and r.exchange.response.status >= 400]
        shaped = [
            r
            for r in paired
            if r.exchange and r.reference and r.exchange.response.status == r.reference.response.status
        ]
        parsed = [r for r in rows if r.exchange and r.exchange.response.status < 300]
        parts = [
            "yes" if any(e.response.status < 300 for e in ex) else ("no" if ex else "not called"),
            _ratio(status_ok, len(paired)),
            _ratio(sum(1 for r in errors if not r.envelope), len(errors)),
            _ratio(sum(1 for r in shaped if not any(f.kind == "shape" for f in r.failures)), len(shaped)),
            _ratio(sum(1 for r in rows if not r.invariants), len(rows)),
            _ratio(sum(1 for r in parsed if r.sdk_parse is None), len(parsed)),
        ]
        failing = any(p.startswith("✗") for p in parts[1:]) or parts[0] != "yes"
        reachable, status, envelope, shapes, invariants, sdk = parts
        verdict = "FAIL" if failing else "pass"
        if not ex and group not in verdicts.groups_run:  # no notebook that calls it ran: nothing to judge
            reachable, verdict = "not run", "not run"
        out.append(GroupSummary(group, reachable, status, envelope, shapes, invariants, sdk, verdict))
    return out


def _clip(text: str, width: int = _MAX) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _cells(row: Row) -> list[str]:
    ex, ref = row.exchange, row.reference
    status = "—" if ex is None else f"{ref.response.status if ref else '·'} → {ex.response.status}"
    exception = f"{row.expected_exception or '-'} → {row.got_exception or '-'}" if ex else (row.got_exception or "")
    envelope = (
        "—"
        if ex is None or ex.response.status < 400
        else ("ok" if not row.envelope else "✗ " + "; ".join(row.envelope))
    )
    shape = "; ".join(row.shape[:3]) + (f" (+{len(row.shape) - 3})" if len(row.shape) > 3 else "") if row.shape else ""
    invariants = "; ".join(f"{b.check}: {b.detail}" for b in row.invariants)
    if ex is None:
        invariants = next((f.detail for f in row.failures), "")
    return [
        str(row.number),
        row.where,
        _clip(row.call, 60),
        status,
        exception,
        _clip(envelope, 40),
        _clip(shape, 60),
        _clip(invariants),
        row.verdict,
    ]


REQUEST_HEADER = [
    "#",
    "notebook · cell",
    "call",
    "ref → got",
    "exception (expected → got)",
    "envelope",
    "shape diffs",
    "invariants",
    "verdict",
]
GROUP_HEADER = ["group", "reachable", "status codes", "error envelope", "shapes", "invariants", "SDK parses", "verdict"]


def _score(verdicts: Verdicts) -> tuple[int, int]:
    exchanges = [r for r in verdicts.rows if r.exchange is not None]
    return sum(1 for r in exchanges if not r.failures), len(exchanges)


def _text_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows, strict=True)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def _md_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:

    def esc(c: str) -> str:
        return str(c).replace("|", "\\|")

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(esc(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _root_lines(verdicts: Verdicts) -> list[str]:
    if not verdicts.roots:
        return ["none"]
    return [
        f"#{r.row} {r.group} · {r.kind}: {_clip(r.detail, 90)} ({r.where}, {_clip(r.call, 50)})"
        + (f"; {r.repeats} more of the same cause" if r.repeats else "")
        for r in verdicts.roots
    ]


def _intro(context: Context, verdicts: Verdicts) -> list[str]:
    ok, total = _score(verdicts)
    missing = {k: v for k, v in verdicts.unmatched_reference.items() if v}
    lines = [
        f"Server: {context.server} — recorded as {context.target}",
        f"Reference: {context.reference}",
        *([f"Key sent: {context.key}"] if context.key else []),
        f"Requests passing every check: {ok}/{total}; root causes: {len(verdicts.roots)}; "
        f"run time: {context.seconds:.1f} s; scratch recordings: {context.scratch}",
    ]
    if missing:
        lines.append("Reference calls this run never made: " + ", ".join(f"{k} {v}" for k, v in missing.items()))
    return lines


def _tables(verdicts: Verdicts) -> tuple[list[list[str]], list[list[str]]]:
    """The per-request rows and the per-group rows, as both renderings show them."""
    groups = [
        [g.group, g.reachable, g.status, g.envelope, g.shapes, g.invariants, g.sdk, g.verdict]
        for g in summarise(verdicts)
    ]
    return [_cells(r) for r in verdicts.rows], groups


def render_text(context: Context, verdicts: Verdicts) -> str:
    rows, groups = _tables(verdicts)
    return "\n".join(
        [
            *_intro(context, verdicts),
            "",
            "Per request",
            _text_table(REQUEST_HEADER, rows),
            "",
            "Root causes (each reported once)",
            *(f"  {line}" for line in _root_lines(verdicts)),
            "",
            "Per endpoint group",
            _text_table(GROUP_HEADER, groups),
        ]
    )


def render_markdown(context: Context, verdicts: Verdicts) -> str:
    rows, groups = _tables(verdicts)
    return "\n".join(
        [
            "# Conformance report",
            "",
            *(f"- {line}" for line in _intro(context, verdicts)),
            "",
            "## Per endpoint group",
            "",
            _md_table(GROUP_HEADER, groups),
            "",
            "## Root causes (each reported once)",
            "",
            *(f"- {line}" for line in _root_lines(verdicts)),
            "",
            "## Per request",
            "",
            _md_table(REQUEST_HEADER, rows),
            "",
        ]
    )
