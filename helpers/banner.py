"""The one-line provenance banner: where this notebook's outputs come from.

It is rendered from the cassette header only, never from the current mode, so a recording run and a later
replay run print the same line (the record run updates its banner in place as the header fills in).
"""

from __future__ import annotations

from html import escape

from helpers.cassette import RecordingInfo

# Inline so JupyterLab shows it without our CSS; the docs site restyles `.provenance-banner` as a callout.
_STYLE = (
    "font-family: system-ui, sans-serif; font-size: 0.85em; line-height: 1.4; padding: 4px 10px; "
    "border-left: 4px solid {color}; background: rgba(127, 127, 127, 0.08); color: inherit"
)
_SANDBOX_COLOR = "#b26a00"
_OPENAI_COLOR = "#10a37f"
_NEUTRAL_COLOR = "#888888"


def _parts(info: RecordingInfo) -> tuple[str, str, str]:
    """(label, sentence, colour) for the recorded case."""
    when = f"on {info.recorded_on} with openai {info.sdk}"
    if info.target == "sandbox":
        server = f" ({info.server})" if info.server else ""
        parts = _distinct_parts(info.stand_ins)
        stand_ins = f"; stand-ins: {'; '.join(parts)}" if parts else ""
        sentence = f"responses were recorded {when} against the local sandbox{server}, not OpenAI{stand_ins}."
        return "Sandbox recording", sentence, _SANDBOX_COLOR
    if info.target == "openai":
        return "OpenAI recording", f"responses were recorded {when} against OpenAI (api.openai.com).", _OPENAI_COLOR
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
