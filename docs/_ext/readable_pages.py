"""What makes every written page accessible and in its own language, where the theme's templates cannot be reached.

- Sidebar and page captions: Sphinx writes ``<p class="caption" role="heading">`` with no ``aria-level``, which
  ARIA requires (axe: aria-required-attr, critical); each gets ``aria-level="2"``, under the page's one h1.
- Furo writes a few English words as plain attributes, not through gettext (the theme toggle's and the sidebar
  toggles' labels): on a page in another language they are replaced with that language's words (``CHROME``).
- sphinx-copybutton's button and tooltips have no Korean; ``_static/readable.js`` adds it (and makes boxes that
  scroll sideways reachable by keyboard), with its words passed from ``CHROME`` in ``DOCUMENTATION_OPTIONS``-style
  data on ``<html>``.

The pages are rewritten once written (``build-finished``): the strings sit in Furo's page.html body, where only a
copy of the whole template could change them.

``_static/readable.css`` and ``readable.js`` (kept small: they load on every page, the Korean search page included,
which is near the 300 kB text budget):

- charts are PNGs drawn at 2x (``helpers.plots``) and shown at their own width, shrunk to the column;
- links and buttons of the site's own (language switch, notebook bar, footer, copy buttons, wire-view summaries)
  are at least 24 x 24 px (WCAG 2.5.8); links inside running text are exempt, as WCAG allows;
- a box that scrolls sideways (a wide output, a long code line) gets ``tabindex=0``, ``role=region`` and a numbered
  name, so a keyboard can scroll it (WCAG 2.1.1; axe: scrollable-region-focusable);
- inline code in Korean text keeps its words whole (``keep-all``; ``overflow-wrap: anywhere`` had let table columns
  shrink to one letter: ``explor|e``);
- at phone width a guide table (the modes, the stand-ins) stacks as cards, each cell under its column's name, and so
  does an output table wider than the column; narrower output tables stay tables, their long headers wrapped.
"""

from __future__ import annotations

import json
import re
from html import escape
from pathlib import Path
from typing import Any

from site_strings import DEFAULT_LANGUAGE
from sphinx.application import Sphinx

CAPTION_HEADING = re.compile(r'(<p class="caption" role="heading")(?! aria-level)')

# Furo's hard-coded English (attribute values in page.html), and the words the page's scripts show, per language.
CHROME: dict[str, dict[str, str]] = {
    "ko": {
        "Toggle Light / Dark / Auto color theme": "밝게 / 어둡게 / 자동 색 테마 바꾸기",
        "Toggle site navigation sidebar": "사이트 목차 열고 닫기",
        "Toggle table of contents sidebar": "이 페이지의 목차 열고 닫기",
    },
}
SCRIPT_WORDS: dict[str, dict[str, str]] = {
    "en": {"scroll_box": "Scrollable content: use the arrow keys to scroll sideways"},
    "ko": {
        "scroll_box": "가로로 스크롤되는 내용: 화살표 키로 옆으로 움직일 수 있습니다",
        "copy": "복사",
        "copy_to_clipboard": "클립보드에 복사",
        "copy_success": "복사했습니다!",
        "copy_failure": "복사하지 못했습니다",
    },
}


def rewrite_page(page: str, language: str) -> str:
    """One written page with captions given a heading level and the theme's English in `language`."""
    page = CAPTION_HEADING.sub(r'\1 aria-level="2"', page)
    for english, translated in CHROME.get(language, {}).items():
        page = page.replace(f'"{english}"', f'"{escape(translated)}"')
    if "<html data-site-words=" in page:  # written by an earlier build and left as it was (an incremental build)
        return page
    words = json.dumps(SCRIPT_WORDS.get(language, SCRIPT_WORDS[DEFAULT_LANGUAGE]), ensure_ascii=False)
    return page.replace("<html ", f'<html data-site-words="{escape(words, quote=True)}" ', 1)


def _on_build_finished(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    language = str(app.config.language or DEFAULT_LANGUAGE)
    for path in Path(app.outdir).rglob("*.html"):
        if language == DEFAULT_LANGUAGE and path.relative_to(app.outdir).parts[0] in SCRIPT_WORDS:
            continue  # another language's site, moved in under this one
        text = path.read_text(encoding="utf-8")
        path.write_text(rewrite_page(text, language), encoding="utf-8")


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("build-finished", _on_build_finished)
    app.add_js_file("readable.js")
    app.add_css_file("readable.css")
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
