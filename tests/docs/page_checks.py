"""What the docs tests check on each page of the site in Chromium: the JavaScript that reads a page, and the checks
that say what is wrong with what it read (tests/docs/tour.py runs them on every page; test_site.py proves they can
fail)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from tests.docs.conftest import ROOT

SCREENSHOTS = ROOT / "screenshots"
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
# Page weight budget: the bytes a first visit loads (the page, its CSS, JS, fonts and pictures), uncompressed.
# Text and code (all but pictures): Furo's CSS and JS are ~170 kB and the longest notebook page adds ~60 kB
# (measured 173-232 kB); 300 kB leaves room to grow but catches a bundled library (MathJax alone is ~1 MB) or
# data inlined into a page. The heaviest text is the Korean search page: Furo plus the Korean search index, which
# grows with every guide page (85 kB with docs/compatibility.md: 301 kB in all), hence 320 kB. Everything: the
# heaviest page (03, eight pictures) loads ~660 kB; 1 MB is about 2 s on a slow 4 Mbit/s mobile link, the most we
# ask of a reader on a phone.
PAGE_BUDGET = {"text": 320_000, "total": 1_000_000}
# What a page loaded, from the browser's Resource Timing entries (decoded bytes, so a cached file still counts).
WEIGHT_JS = """() => {
  const entries = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
  return entries.map(e => ({
    kind: e.entryType === 'navigation' ? 'document' : e.initiatorType, size: e.decodedBodySize}));
}"""
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
BANNER_CLASS = "provenance-banner"
SITE_NOTE_WORDS = {"en": "a local practice server", "ko": "로컬 연습 서버"}
# Furo's words as a Korean page must show them (docs/locales/ko/LC_MESSAGES/sphinx.po and Sphinx's own catalog).
FURO_WORDS_KO = {".back-to-top span": "맨 위로", ".toc-title": "이 페이지의 내용", ".next-page .context": "다음"}
SEARCH_PLACEHOLDER_KO = "검색"
# Words the theme and its extensions write outside gettext (attributes, a script's tooltips): Korean on Korean pages.
CHROME_KO_JS = """() => {
  const get = (selector, attribute) => { const el = document.querySelector(selector);
    return el ? el.getAttribute(attribute) : null; };
  return {'theme toggle': get('button.theme-toggle', 'aria-label'),
          'navigation toggle': get('#__navigation', 'aria-label'),
          'heading link': get('a.headerlink', 'title'),
          'copy button': get('button.copybtn', 'data-tooltip')};
}"""
HANGUL = re.compile("[\uac00-\ud7a3]")
# Fonts with Hangul that a test machine may have (scripts/setup.sh installs fonts-nanum).
KOREAN_FONTS = re.compile(r"nanum|noto (sans|serif) (cjk|kr)|apple sd gothic|malgun|source han|unifont|baekmuk", re.I)


class _TextOf(HTMLParser):
    """The text of the first element carrying a class, as a browser's textContent would give it."""

    def __init__(self, wanted_class: str) -> None:
        super().__init__()
        self.wanted_class = wanted_class
        self.depth = 0  # > 0 while inside the wanted element
        self.parts: list[str] = []
        self.done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth:
            self.depth += 1
        elif not self.done and self.wanted_class in (dict(attrs).get("class") or "").split():
            self.depth = 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1
            self.done = self.depth == 0

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.parts.append(data)


def normalized(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def has_outputs(notebook: Path) -> bool:
    return any(cell.get("outputs") for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"])


def banner_text(notebook: Path) -> str | None:
    """The provenance banner's text in the notebook's committed outputs (helpers.start's HTML output)."""
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        for output in cell.get("outputs", []):
            html = output.get("data", {}).get("text/html")
            html = "".join(html) if isinstance(html, list) else html
            if html and BANNER_CLASS in html:
                parser = _TextOf(BANNER_CLASS)
                parser.feed(html)
                return normalized("".join(parser.parts))
    return None


# Thumbnails inside a wire view (the images an HTTP exchange carried) are shown small on purpose: the full picture
# is the cell's own output above them.
IMAGES_JS = """() => Array.from(document.images).map(i => ({
    src: i.currentSrc || i.src, file: i.getAttribute('src') || '', alt: i.getAttribute('alt'), width: i.naturalWidth,
    linked: !!i.closest('.wire-view')
        || (!!i.closest('a[href]') && i.closest('a[href]').getAttribute('href') === i.getAttribute('src'))}))"""
# Elements wider than the viewport that are not inside a box that scrolls on its own: the cause of sideways scrolling.
OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const page = document.documentElement.scrollWidth;
  const culprits = [];
  if (page > width) {
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.right <= width + 1 || r.width === 0) continue;
      let scrolls = false;
      for (let p = el.parentElement; p; p = p.parentElement) {
        const o = getComputedStyle(p).overflowX;
        if ((o === 'auto' || o === 'scroll' || o === 'hidden') && p.getBoundingClientRect().right <= width + 1) {
          scrolls = true; break;
        }
      }
      if (!scrolls) culprits.push(el.tagName.toLowerCase() + '.' + (el.className || '').toString().split(' ')[0]);
      if (culprits.length >= 5) break;
    }
  }
  return {width, page, culprits};
}"""
NOTE_JS = """() => {
  const note = document.querySelector('.announcement');
  const text = document.querySelector('.site-provenance-note');
  if (!note || !text) return null;
  const r = text.getBoundingClientRect();
  return {clipped: note.scrollWidth > note.clientWidth + 1, left: r.left, right: r.right, top: r.top,
          bottom: r.bottom, width: window.innerWidth, height: window.innerHeight, text: text.textContent};
}"""
PATH_LIKE_ALT = re.compile(r"(^|/)[^ ]*\.(png|jpe?g|gif|svg|webp)$|_images/|jupyter_execute", re.IGNORECASE)


def alt_problem(alt: str | None, file: str) -> str | None:
    """Why an image's alt text does not describe it (missing, empty, or a file path), or None."""
    if alt is None or not alt.strip():
        return "no alt text"
    if alt == file or PATH_LIKE_ALT.search(alt.strip()):
        return f"alt text is a file path: {alt!r}"
    return None


def note_problem(note: dict[str, object] | None, language: str = "en") -> str | None:
    """Why the site-wide provenance note is not fully readable in the viewport, or None."""
    if note is None:
        return "the site-wide provenance note is missing"
    if SITE_NOTE_WORDS[language] not in str(note["text"]):
        return "the site-wide provenance note lacks its text"
    inside = (
        float(note["left"]) >= 0  # type: ignore[arg-type]
        and float(note["right"]) <= float(note["width"]) + 1  # type: ignore[arg-type]
        and float(note["top"]) >= 0  # type: ignore[arg-type]
        and float(note["bottom"]) <= float(note["height"])  # type: ignore[arg-type]
    )
    if note["clipped"] or not inside:
        return f"the site-wide provenance note is cut off or outside the viewport ({note})"
    return None


def weight_line(page: str, width_name: str, entries: list[dict[str, Any]]) -> tuple[str, list[str]]:
    total = sum(int(e["size"]) for e in entries)
    text = total - sum(int(e["size"]) for e in entries if e["kind"] == "img")
    line = f"{width_name:7} {page:32} text {text / 1000:7.1f} kB   total {total / 1000:7.1f} kB"
    over = []
    if text > PAGE_BUDGET["text"]:
        over.append(f"{page} ({width_name}): {text} bytes of text and code, budget {PAGE_BUDGET['text']}")
    if total > PAGE_BUDGET["total"]:
        over.append(f"{page} ({width_name}): {total} bytes in all, budget {PAGE_BUDGET['total']}")
    return line, over


def page_language(page: str) -> str:
    """The language of a page of the site: Korean under ko/, English at the root."""
    return "ko" if page.startswith("ko/") else "en"


def other_language_page(page: str) -> str:
    """The same page in the other language."""
    return page.removeprefix("ko/") if page_language(page) == "ko" else f"ko/{page}"


def screenshot_path(page: str, width_name: str) -> Path:
    """screenshots/docs/<width>/<page>.png, Korean pages under screenshots/docs/ko/<width>/."""
    folder = SCREENSHOTS / "docs"
    if page_language(page) == "ko":
        folder, page = folder / "ko", page.removeprefix("ko/")
    return folder / width_name / (page.replace("/", "__").removesuffix(".html") + ".png")


SWITCH_JS = """() => {
  const links = [...document.querySelectorAll('a.language-switch')];
  return {lang: document.documentElement.lang, links: links.map(a => {
    const r = a.getBoundingClientRect();
    return {href: a.href, hreflang: a.hreflang, text: a.textContent.trim(),
            visible: r.width > 0 && r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight};
  })};
}"""


def language_problems(tab: Any, served: str, page: str) -> list[str]:
    """<html lang> and the language switcher: visible, pointing at this page in the other language, which loads."""
    found = tab.evaluate(SWITCH_JS)
    language, target = page_language(page), other_language_page(page)
    problems = [] if found["lang"] == language else [f'<html lang="{found["lang"]}">, expected "{language}"']
    if len(found["links"]) != 1:
        return [*problems, f"expected one language switcher, found {len(found['links'])}"]
    link = found["links"][0]
    if not link["visible"]:
        problems.append("the language switcher is not visible at the top of the page")
    if link["href"] != served + target:
        problems.append(f"the language switcher links to {link['href']}, not {served + target}")
    elif not tab.request.get(link["href"]).ok:
        problems.append(f"the language switcher's page {link['href']} does not load")
    if link["hreflang"] != page_language(target):
        problems.append(f"the language switcher's hreflang is {link['hreflang']!r}")
    return problems


# Draws two Hangul syllables in the font of the element and compares the pictures: a missing glyph is drawn as the
# same box whatever the character, so identical (or empty) pictures mean Hangul has no font.
GLYPHS_JS = """(selector) => {
  const el = document.querySelector(selector);
  if (!el) return null;
  const style = getComputedStyle(el);
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 48;
  const g = canvas.getContext('2d', {willReadFrequently: true});
  g.font = `${style.fontWeight} 32px ${style.fontFamily}`;
  const draw = (ch) => {
    g.clearRect(0, 0, 48, 48); g.fillStyle = '#000'; g.textBaseline = 'top'; g.fillText(ch, 4, 4);
    return Array.from(g.getImageData(0, 0, 48, 48).data.filter((_, i) => i % 4 === 3)).join(',');
  };
  const a = draw('\uac00'), b = draw('\ud7a3'), c = draw('\ub9d0');  // 가 힣 말
  return {family: style.fontFamily, wordBreak: style.wordBreak, synthesis: style.fontSynthesis,
          blank: !/[1-9]/.test(a), distinct: a !== b && b !== c && a !== c, text: el.textContent.slice(0, 40)};
}"""
KOREAN_TEXT = ".site-provenance-note"  # Korean on every Korean page, whatever the page's own text


def glyph_problem(glyphs: dict[str, Any] | None) -> str | None:
    """Why Hangul is not drawn with real glyphs, or None."""
    if glyphs is None:
        return "no Korean text to check the font with"
    if glyphs["blank"] or not glyphs["distinct"]:
        return f"Hangul renders as missing glyphs (boxes) in font-family {glyphs['family']}"
    return None


def platform_fonts(cdp: Any, selector: str) -> list[str]:
    """The fonts Chromium actually used to draw the element's text."""
    root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    if not node:
        return []
    return [font["familyName"] for font in cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]]


def korean_problems(tab: Any, cdp: Any) -> list[str]:
    """A Korean page: Furo's words in Korean, whole-word wrapping, no fake italics, Hangul in a real font."""
    problems: list[str] = []
    for selector, word in FURO_WORDS_KO.items():
        shown = tab.locator(selector)
        if shown.count() and normalized(shown.first.text_content() or "") != word:
            problems.append(f"{selector} reads {shown.first.text_content()!r}, expected {word!r}")
    for what, words in tab.evaluate(CHROME_KO_JS).items():
        if words is not None and not HANGUL.search(words):
            problems.append(f"the {what} says {words!r}, not Korean")
    placeholder = tab.locator("input.sidebar-search").first.get_attribute("placeholder")
    if placeholder != SEARCH_PLACEHOLDER_KO:
        problems.append(f"the search box says {placeholder!r}, expected {SEARCH_PLACEHOLDER_KO!r}")
    glyphs = tab.evaluate(GLYPHS_JS, KOREAN_TEXT)
    why = glyph_problem(glyphs)
    if why:
        problems.append(why)
    elif glyphs["wordBreak"] != "keep-all" or glyphs["synthesis"] != "none":
        problems.append(f"Korean text has word-break {glyphs['wordBreak']}, font-synthesis {glyphs['synthesis']}")
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    fonts = platform_fonts(cdp, KOREAN_TEXT)
    if not any(KOREAN_FONTS.search(font) for font in fonts):
        problems.append(f"the Korean text is drawn with {fonts}, none of them a Korean font")
    return problems


def notebook_page_problems(
    tab: Any, where: str, notebook: Path, images: list[dict[str, Any]], *, download: bool
) -> list[str]:
    problems: list[str] = []
    if not has_outputs(notebook):
        return [f"{where}: {notebook.name} has no outputs (commit notebooks with outputs)"]
    expected = banner_text(notebook)
    shown = [normalized(text) for text in tab.locator(f".{BANNER_CLASS}").all_text_contents()]
    if expected is None:
        problems.append(f"{where}: {notebook.name} has no provenance banner among its outputs")
    elif expected not in shown:
        problems.append(f"{where}: provenance banner {expected!r} not shown (page has {shown!r})")
    elif not tab.locator(f".{BANNER_CLASS}").first.is_visible():
        problems.append(f"{where}: the provenance banner is hidden")
    if not any(image["width"] > 0 for image in images):
        problems.append(f"{where}: no image with non-zero naturalWidth")
    actions = tab.locator(".notebook-actions")
    if actions.count() != 1 or not actions.first.is_visible():
        problems.append(f"{where}: no download / source / run-it-yourself bar at the top")
    elif download:
        with tab.expect_download() as info:
            actions.locator("a.notebook-download").click()
        saved = Path(info.value.path())
        if info.value.suggested_filename != notebook.name or saved.read_bytes() != notebook.read_bytes():
            problems.append(f"{where}: the download link does not give {notebook.name}")
    return problems
