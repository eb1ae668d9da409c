"""The one-line provenance banner: where this notebook's outputs come from.

It is rendered from the cassette header only, never from the current mode, so a recording run and a later
replay run print the same line (the record run updates its banner in place as the header fills in).
"""

from __future__ import annotations

from html import escape

from helpers.recording.header import NEVER_RECORDED, RecordingInfo

# Inline so JupyterLab shows it without our CSS; the docs site restyles `.provenance-banner` as a callout.
_STYLE = (
    "font-family: system-ui, sans-serif; font-size: 0.85em; line-height: 1.4; padding: 4px 10px; "
    "border-left: 4px solid {color}; background: rgba(127, 127, 127, 0.08); color: inherit"
)
_SANDBOX_COLOR = "#b26a00"
_OPENAI_COLOR = "#10a37f"
_NEUTRAL_COLOR = "#888888"
_LIVE_COLOR = "#1f6feb"


def _parts(info: RecordingInfo) -> tuple[str, str, str]:
    """(label, sentence, colour) for the recorded case."""
    if info.recorded_on == NEVER_RECORDED:
        return "No recording", "this notebook has no recordings yet.", _NEUTRAL_COLOR
    when = f"on {info.recorded_on} with openai {info.sdk}"
    if info.target == "sandbox":
        server = f" ({info.server})" if info.server else ""
        parts = _distinct_parts(info.stand_ins)
        stand_ins = f"; stand-ins: {'; '.join(parts)}" if parts else ""
        sentence = f"responses were recorded {when} against the local sandbox{server}, not OpenAI{stand_ins}."
        return "Sandbox recording", sentence, _SANDBOX_COLOR
    if info.target == "openai":
        return "OpenAI recording", f"responses were recorded {when} against OpenAI (api.openai.com).", _OPENAI_COLOR
    if info.target == "other":
        host = f" ({info.host})" if info.host else ""
        sentence = f"responses were recorded {when} against another OpenAI-compatible server{host}, not OpenAI."
        return "Recording from another server", sentence, _NEUTRAL_COLOR
    return "Recording", f"no responses were recorded (recording started {when}).", _NEUTRAL_COLOR


def _distinct_parts(stand_ins: list[str] | tuple[str, ...]) -> list[str]:
    """Stand-in labels share clauses (e.g. text-only vs text+image moderation); name each clause once."""
    seen: dict[str, None] = {}
    for label in stand_ins:
        for part in label.split("; "):
            seen.setdefault(part.strip(), None)
    return [part for part in seen if part]


def banner_text(info: RecordingInfo, cassette_name: str) -> str:
    label, sentence, _ = _parts(info)
    return f"{label}: {sentence} Cassette: {cassette_name}."


def banner_html(info: RecordingInfo, cassette_name: str) -> str:
    label, sentence, color = _parts(info)
    return (
        f'<div class="provenance-banner" role="note" style="{_STYLE.format(color=color)}">'
        f"<strong>{escape(label)}:</strong> {escape(sentence)} Cassette: <code>{escape(cassette_name)}</code>.</div>"
    )


def live_banner_text(base_url: str, sdk: str) -> str:
    return f"Live: responses come from {base_url} as the cells run; nothing is recorded (openai {sdk})."


def live_banner_html(base_url: str, sdk: str) -> str:
    return (
        f'<div class="provenance-banner" role="note" style="{_STYLE.format(color=_NEUTRAL_COLOR)}">'
        "<strong>Live:</strong> responses come "
        f"from <code>{escape(base_url)}</code> as the cells run; nothing is recorded (openai {escape(sdk)}).</div>"
    )


_EXPLORE_NOTE = (
    "recorded requests replay from the cassette; a changed or new request is answered live by a local sandbox "
    "(started for you, stand-in models, not OpenAI) and labelled where it appears. Nothing is recorded."
)


def explore_note_text() -> str:
    return f"Mode explore: {_EXPLORE_NOTE}"


def explore_note_html() -> str:
    return (
        f'<div class="mode-note" role="note" style="{_STYLE.format(color=_LIVE_COLOR)}">'
        f"<strong>Mode explore:</strong> {escape(_EXPLORE_NOTE)}</div>"
    )


def _live_answer_parts(method: str, path: str, status: int, stand_in: str | None) -> tuple[str, str]:
    what = f"{method} {path} → {status}"
    computed = f" Computed by: {stand_in}." if stand_in else ""
    return what, f"live answer from the local sandbox, not from the recording (not OpenAI).{computed}"


def live_answer_text(method: str, path: str, status: int, stand_in: str | None) -> str:
    what, sentence = _live_answer_parts(method, path, status, stand_in)
    return f"Sandbox, live: {what}: {sentence}"


def live_answer_html(method: str, path: str, status: int, stand_in: str | None) -> str:
    what, sentence = _live_answer_parts(method, path, status, stand_in)
    return (
        f'<div class="live-answer" role="note" style="{_STYLE.format(color=_LIVE_COLOR)}">'
        f"<strong>Sandbox, live:</strong> <code>{escape(what)}</code>: {escape(sentence)}</div>"
    )
