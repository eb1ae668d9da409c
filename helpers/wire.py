"""The wire view: under each cell that talks to the API, the HTTP it sent and received.

One line per request — method, path, status and the endpoint's page in OpenAI's API reference — that opens (an HTML
``<details>``, collapsed) to the request body and the response body: JSON pretty-printed with long arrays and
base64 strings shortened (their length stated), multipart forms as their parts with sizes, images as thumbnails.
It shows what the recording holds, already scrubbed (no headers at all), so it reads the same in record and replay
and committed outputs stay deterministic. The learner's sandbox answers are marked as live.

``helpers.start(..., wire=False)`` switches it off for a notebook.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from typing import Any

from helpers.banner import drawn_words
from helpers.messages import Lang, html, text
from helpers.recording import events
from helpers.recording.interactions import Body, JsonBody, MultipartBody, RawBody, RecordedRequest, RecordedResponse
from helpers.reference import reference_url

SHOWN_ITEMS = 3  # of a long array
LONG_ARRAY = 8
LONG_STRING = 120
SHOWN_CHARACTERS = 48
SHOWN_TEXT = 600  # of a plain-text body
THUMBNAIL = 64  # pixels, longest side: a reminder of the picture, which the cell's own output shows in full
_BASE64_RUN = re.compile(rf"[A-Za-z0-9+/=]{{{LONG_STRING},}}")


def source_note(source: str, lang: Lang | None = None) -> str:
    """What the summary line adds about where an answer came from: nothing for a recording."""
    say = text(lang)
    return {"sandbox": say.wire_sandbox, "live": say.wire_live}.get(source, "")


_STYLE = "font-family: system-ui, sans-serif; font-size: 0.8em; line-height: 1.35; margin: 2px 0"
_PRE = (
    "font-size: 0.95em; max-height: 24em; overflow: auto; white-space: pre-wrap; word-break: break-word; "
    "margin: 2px 0 6px; padding: 4px 6px; background: rgba(127, 127, 127, 0.08)"
)


@dataclass(frozen=True)
class Exchange:
    """One request and its answer, as recorded (scrubbed), plus where the answer came from."""

    method: str
    path: str
    status: int
    request: Body
    request_type: str | None
    response: Body
    response_type: str | None
    source: str = "cassette"
    drawn: str | None = None  # the sandbox's x-sandbox-drawn header: what its picture shows


def exchange_from(request: RecordedRequest, response: RecordedResponse, source: str) -> Exchange:
    query = "&".join(f"{k}={v}" for k, v in request.query)
    return Exchange(
        method=request.method,
        path=f"{request.path}?{query}" if query else request.path,
        status=response.status,
        request=request.body,
        request_type=request.headers.get("content-type", [None])[0],
        response=response.body,
        response_type=response.header("content-type"),
        source=source,
        drawn=response.header("x-sandbox-drawn"),
    )


# --- shortening -------------------------------------------------------------------------------------------------


def shorten(data: Any, lang: Lang | None = None) -> Any:
    """JSON data with long number arrays, long lists and long (base64) strings cut, saying how long they were."""
    say = text(lang)
    if isinstance(data, dict):
        return {key: shorten(value, lang) for key, value in data.items()}
    if isinstance(data, list):
        more = len(data) - SHOWN_ITEMS
        if len(data) > LONG_ARRAY and all(isinstance(v, int | float) and not isinstance(v, bool) for v in data):
            return [*data[:SHOWN_ITEMS], say.wire_more_numbers.format(more=more, total=len(data))]
        if len(data) > 2 * LONG_ARRAY:
            shown = (shorten(v, lang) for v in data[:SHOWN_ITEMS])
            return [*shown, say.wire_more_items.format(more=more, total=len(data))]
        return [shorten(v, lang) for v in data]
    if isinstance(data, str) and len(data) > LONG_STRING:
        kind = "base64, " if _BASE64_RUN.fullmatch(data) else ""
        return say.wire_cut.format(head=data[:SHOWN_CHARACTERS], kind=kind, length=len(data))
    return data


def _shorten_text(body: str, lang: Lang | None) -> str:
    say = text(lang)
    cut = _BASE64_RUN.sub(
        lambda m: say.wire_cut.format(head=m.group(0)[:SHOWN_CHARACTERS], kind="", length=len(m.group(0))), body
    )
    if len(cut) > SHOWN_TEXT:
        cut = say.wire_cut_text.format(head=cut[:SHOWN_TEXT], length=len(cut))
    return cut


def _pretty(data: Any, lang: Lang | None) -> str:
    return json.dumps(shorten(data, lang), indent=2, ensure_ascii=False)


# --- images -----------------------------------------------------------------------------------------------------


def thumbnail(data: bytes) -> str | None:
    """A small JPEG of an image (on white) as a data URI, the same bytes every time; None if ``data`` is no image.

    JPEG, not PNG: a page of a notebook that uploads and downloads a dozen pictures stays light (about 1.5 KB each).
    """
    try:
        from PIL import Image

        with Image.open(io.BytesIO(data)) as image:
            image.thumbnail((THUMBNAIL, THUMBNAIL))
            rgba = image.convert("RGBA")
            small = Image.new("RGB", rgba.size, "white")
            small.paste(rgba, mask=rgba.getchannel("A"))
            out = io.BytesIO()
            small.save(out, format="JPEG", quality=70, optimize=False, progressive=False)
    except Exception:  # not an image, or one Pillow cannot read: show no thumbnail
        return None
    return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def _images_in(data: Any) -> list[bytes]:
    """Decoded ``b64_json`` images anywhere in a JSON body (images.generate / edit answers)."""
    found: list[bytes] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "b64_json" and isinstance(value, str):
                with contextlib.suppress(binascii.Error, ValueError):
                    found.append(base64.b64decode(value, validate=True))
            else:
                found += _images_in(value)
    elif isinstance(data, list):
        for value in data:
            found += _images_in(value)
    return found


# --- bodies -----------------------------------------------------------------------------------------------------


def _body_text(body: Body, content_type: str | None, lang: Lang | None = None) -> str:
    say = text(lang)
    if isinstance(body, JsonBody):
        return _pretty(body.data, lang)
    if isinstance(body, MultipartBody):
        lines = ["multipart/form-data:"]
        for part in body.parts:
            if part.filename is None:
                lines.append(f"  {part.name}: {_shorten_text(part.content.decode('utf-8', 'replace'), lang)}")
            else:
                kind = f"{part.content_type}, " if part.content_type else ""
                file = say.wire_file_part.format(filename=part.filename, kind=kind, size=len(part.content))
                lines.append(f"  {part.name}: {file}")
        return "\n".join(lines)
    if not body.content:
        return say.wire_empty
    kind = content_type or "application/octet-stream"
    if kind.startswith(("text/", "application/json", "application/jsonl", "application/x-ndjson")):
        return f"{kind}:\n{_shorten_text(body.content.decode('utf-8', 'replace'), lang)}"
    return say.wire_bytes.format(kind=kind, size=len(body.content))


def _body_images(body: Body) -> list[str]:
    if isinstance(body, JsonBody):
        raw = _images_in(body.data)
    elif isinstance(body, MultipartBody):
        raw = [part.content for part in body.parts if part.filename is not None]
    else:
        raw = [body.content] if isinstance(body, RawBody) and body.content else []
    return [uri for uri in (thumbnail(data) for data in raw) if uri is not None]


# --- rendering --------------------------------------------------------------------------------------------------


def summary_line(exchange: Exchange, lang: Lang | None = None) -> str:
    line = f"{exchange.method} {exchange.path} → {exchange.status}"
    notes = [n for n in (source_note(exchange.source, lang), drawn_words(exchange.drawn, lang)) if n]
    return f"{line} ({'; '.join(notes)})" if notes else line


def render_text(exchanges: list[Exchange], lang: Lang | None = None) -> str:
    """The plain-text fallback: one line per request, with its reference page."""
    lines = []
    for exchange in exchanges:
        url = reference_url(exchange.method, exchange.path)
        lines.append(f"HTTP: {summary_line(exchange, lang)}" + (f"  [{url}]" if url else ""))
    return "\n".join(lines)


def _section(title: str, body: Body, content_type: str | None, lang: Lang | None) -> str:
    alt = text(lang).wire_image_alt
    pictures = "".join(
        f'<img src="{uri}" alt="{html(alt, title=escape(title), number=str(n))}" '
        f'style="max-width:{THUMBNAIL}px;margin:2px 4px 2px 0">'
        for n, uri in enumerate(_body_images(body), start=1)
    )
    return (
        f"<div><strong>{escape(title)}</strong></div>"
        f'<pre style="{_PRE}">{escape(_body_text(body, content_type, lang))}</pre>{pictures}'
    )


def render_html(exchanges: list[Exchange], lang: Lang | None = None) -> str:
    say = text(lang)
    items = []
    for exchange in exchanges:
        url = reference_url(exchange.method, exchange.path)
        reference = escape(say.wire_reference)
        # The link goes under the summary, not in it: a link inside <summary> is a control inside a control, which
        # screen readers and keyboards cannot reach on its own (axe: nested-interactive).
        link = (
            f'<div class="wire-reference"><a href="{escape(url)}" target="_blank" rel="noopener">{reference}</a></div>'
            if url
            else ""
        )
        notes = [n for n in (source_note(exchange.source, lang), drawn_words(exchange.drawn, lang)) if n]
        live = "".join(f" · <em>{escape(note)}</em>" for note in notes)
        items.append(
            f'<details class="wire-exchange" style="{_STYLE}"><summary>HTTP <code>{escape(exchange.method)} '
            f"{escape(exchange.path)}</code> → {exchange.status}{live}</summary>{link}"
            f"{_section(say.wire_request_body, exchange.request, exchange.request_type, lang)}"
            f"{_section(say.wire_response_body, exchange.response, exchange.response_type, lang)}</details>"
        )
    return f'<div class="wire-view">{"".join(items)}</div>'


# --- the IPython hooks ------------------------------------------------------------------------------------------


class WireView:
    """Collects a cell's exchanges and shows them when the cell has run (an IPython ``post_run_cell`` hook)."""

    def __init__(self, show: Callable[[str, str], None]) -> None:
        self._show = show
        self.enabled = True
        self.pending: list[Exchange] = []

    def note(self, exchange: Exchange) -> None:
        if self.enabled:
            self.pending.append(exchange)

    def listen(self, request: RecordedRequest, response: RecordedResponse, source: str) -> None:
        """An ``on_exchange`` listener."""
        self.note(exchange_from(request, response, source))

    def before_cell(self, *_: Any) -> None:
        self.pending = []

    def after_cell(self, *_: Any) -> None:
        exchanges, self.pending = self.pending, []
        if exchanges and self.enabled:
            self._show(render_text(exchanges), render_html(exchanges))


_installed: WireView | None = None


def install(show: Callable[[str, str], None]) -> WireView | None:
    """Register the cell hooks and the exchange listener once per kernel (None outside Jupyter); later calls return
    the same view."""
    global _installed
    from helpers.jupyter import in_jupyter

    if not in_jupyter():
        return None
    if _installed is None:
        from IPython import get_ipython

        shell = get_ipython()
        view = WireView(show)
        shell.events.register("pre_run_cell", view.before_cell)
        shell.events.register("post_run_cell", view.after_cell)
        events.on_exchange(view.listen)
        _installed = view
    return _installed
