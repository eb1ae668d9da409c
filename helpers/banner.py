"""The one-line provenance banner: where this notebook's outputs come from.

It is rendered from the cassette header only, never from the current mode, so a recording run and a later
replay run print the same line (the record run updates its banner in place as the header fills in). Its words come
from ``helpers.messages`` in the notebook's language; the stand-in labels are the server's and stay as recorded.
"""

from __future__ import annotations

import re
from html import escape

from helpers.messages import CATALOGS, Lang, Messages, html, stand_in_parts, stand_in_words, text
from helpers.recording.header import NEVER_RECORDED, RecordingInfo
from helpers.settings import Source

# Inline so JupyterLab shows it without our CSS; the docs site restyles `.provenance-banner` as a callout.
_STYLE = (
    "font-family: system-ui, sans-serif; font-size: 0.85em; line-height: 1.4; padding: 4px 10px; "
    "border-left: 4px solid {color}; background: rgba(127, 127, 127, 0.08); color: inherit"
)
_SANDBOX_COLOR = "#b26a00"
_OPENAI_COLOR = "#10a37f"
_NEUTRAL_COLOR = "#888888"
_LIVE_COLOR = "#1f6feb"


def _lang_of(say: Messages) -> Lang:
    return next(lang for lang, catalog in CATALOGS.items() if catalog is say)


def _parts(info: RecordingInfo, say: Messages) -> tuple[str, str, str]:
    """(label, sentence, colour) for the recorded case."""
    say_lang = _lang_of(say)
    if info.recorded_on == NEVER_RECORDED:
        return say.no_recording_label, say.no_recording, _NEUTRAL_COLOR
    when = say.banner_when.format(date=info.recorded_on, sdk=info.sdk)
    if info.target == "sandbox":
        server = f" ({info.server})" if info.server else ""
        parts = _distinct_parts(info.stand_ins)  # the server's own labels (English), in the notebook's language
        stand_ins = say.stand_ins.format(labels="; ".join(stand_in_words(p, say_lang) for p in parts)) if parts else ""
        sentence = say.sandbox_recorded.format(when=when, server=server, stand_ins=stand_ins)
        return say.sandbox_label, sentence, _SANDBOX_COLOR
    if info.target == "openai":
        return say.openai_label, say.openai_recorded.format(when=when), _OPENAI_COLOR
    if info.target == "other":
        host = f" ({info.host})" if info.host else ""
        return say.other_label, say.other_recorded.format(when=when, host=host), _NEUTRAL_COLOR
    return say.empty_label, say.empty_recorded.format(when=when), _NEUTRAL_COLOR


def _distinct_parts(stand_ins: list[str] | tuple[str, ...]) -> list[str]:
    """Stand-in labels share clauses (e.g. text-only vs text+image moderation); name each clause once."""
    seen: dict[str, None] = {}
    for label in stand_ins:
        for part in stand_in_parts(label):
            seen.setdefault(part, None)
    return [part for part in seen if part]


def banner_text(info: RecordingInfo, cassette_name: str, lang: Lang | None = None) -> str:
    say = text(lang)
    label, sentence, _ = _parts(info, say)
    return f"{label}: {sentence} {say.cassette.format(name=cassette_name)}"


def banner_html(info: RecordingInfo, cassette_name: str, lang: Lang | None = None) -> str:
    say = text(lang)
    label, sentence, color = _parts(info, say)
    cassette = html(say.cassette, name=f"<code>{escape(cassette_name)}</code>")
    return (
        f'<div class="provenance-banner" role="note" style="{_STYLE.format(color=color)}">'
        f"<strong>{escape(label)}:</strong> {escape(sentence)} {cassette}</div>"
    )


def live_banner_text(base_url: str, sdk: str, lang: Lang | None = None) -> str:
    say = text(lang)
    return f"{say.live_label}: {say.live_sentence.format(base_url=base_url, sdk=sdk)}"


def live_banner_html(base_url: str, sdk: str, lang: Lang | None = None) -> str:
    say = text(lang)
    sentence = html(say.live_sentence, base_url=f"<code>{escape(base_url)}</code>", sdk=escape(sdk))
    return (
        f'<div class="provenance-banner" role="note" style="{_STYLE.format(color=_NEUTRAL_COLOR)}">'
        f"<strong>{escape(say.live_label)}:</strong> {sentence}</div>"
    )


def _mode_parts(mode: str, source: Source, say: Messages) -> tuple[str, str]:
    described = {
        "explore": say.mode_explore,
        "replay": say.mode_replay,
        "record": say.mode_record,
        "live": say.mode_live,
    }[mode]
    fields = {"name": source.name, "value": source.value, "file": source.shown_file, "line": source.line}
    set_by = {
        "argument": say.mode_by_argument,
        "environment": say.mode_by_environment,
        "dotenv": say.mode_by_dotenv,
        "default": say.mode_by_default,
    }[source.origin].format(**fields)
    return say.mode_label, f"{described} ({set_by})."


def mode_text(mode: str, source: Source, lang: Lang | None = None) -> str:
    """The mode in effect and where it was set: a second banner line in every mode."""
    label, sentence = _mode_parts(mode, source, text(lang))
    return f"{label}: {sentence}"


def mode_html(mode: str, source: Source, lang: Lang | None = None) -> str:
    label, sentence = _mode_parts(mode, source, text(lang))
    color = _LIVE_COLOR if mode == "explore" else _NEUTRAL_COLOR
    return (
        f'<div class="mode-note" role="note" style="{_STYLE.format(color=color)}">'
        f"<strong>{escape(label)}:</strong> {escape(sentence)}</div>"
    )


_DRAWN_ITEM = re.compile(r"((?:U\+[0-9A-Fa-f]{4,6} ?)+)(.*?)(?=, U\+|$)")


def drawn_words(drawn: str | None, lang: Lang | None = None) -> str | None:
    """The sandbox's ``x-sandbox-drawn`` header in words, emoji included: "the sandbox drew 🦦 otter (…)"."""
    return _drawn_sentence(drawn, text(lang))


def _drawn_sentence(drawn: str | None, say: Messages) -> str | None:
    if not drawn:
        return None
    items = [
        "".join(chr(int(point[2:], 16)) for point in match.group(1).split()) + f" {match.group(2).strip()}"
        for match in _DRAWN_ITEM.finditer(drawn)
    ]
    return say.drawn.format(subjects=", ".join(items)) if items else say.drawn_nothing


def _live_answer_parts(
    method: str, path: str, status: int, stand_in: str | None, say: Messages, drawn: str | None = None
) -> tuple[str, str]:
    what = f"{method} {path} → {status}"
    computed = say.computed_by.format(stand_in=stand_in_words(stand_in, _lang_of(say))) if stand_in else ""
    shown = _drawn_sentence(drawn, say)
    return what, say.live_answer.format(computed=computed) + (f" {shown[0].upper()}{shown[1:]}." if shown else "")


def live_answer_text(
    method: str, path: str, status: int, stand_in: str | None, lang: Lang | None = None, drawn: str | None = None
) -> str:
    say = text(lang)
    what, sentence = _live_answer_parts(method, path, status, stand_in, say, drawn)
    return f"{say.live_answer_label}: {what}: {sentence}"


def live_answer_html(
    method: str, path: str, status: int, stand_in: str | None, lang: Lang | None = None, drawn: str | None = None
) -> str:
    say = text(lang)
    what, sentence = _live_answer_parts(method, path, status, stand_in, say, drawn)
    return (
        f'<div class="live-answer" role="note" style="{_STYLE.format(color=_LIVE_COLOR)}">'
        f"<strong>{escape(say.live_answer_label)}:</strong> <code>{escape(what)}</code>: {escape(sentence)}</div>"
    )
