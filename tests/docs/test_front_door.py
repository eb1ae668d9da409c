"""The site as a front door (issue 24): the gallery home, the learner's reading order, downloads that run, the
description and OpenGraph tags, the 404 page and the build stamp.

Read from the built site (the `site` fixture) without a browser, except the language switch keeping the section.
"""

from __future__ import annotations

import base64
import io
import json
import re
import subprocess
import sys
import tarfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from tests.docs.conftest import ROOT, BuiltSite, _load_script

EXTENSIONS = ROOT / "docs" / "_ext"
LANGUAGE_ROOTS = {"en": "", "ko": "ko/"}
LEARNER_ORDER = [
    "index",
    "getting-started",
    "notebooks/00_setup",
    "notebooks/01_embeddings",
    "notebooks/02_files",
    "notebooks/03_images",
    "notebooks/04_models",
    "notebooks/05_moderations",
    "api-index",
]
CONTRIBUTOR_PAGES = ["sandbox", "contributing", "re-recording"]
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def _extension(name: str) -> ModuleType:
    """Import docs/_ext/<name>.py (the extensions import their neighbours by name)."""
    if str(EXTENSIONS) not in sys.path:
        sys.path.insert(0, str(EXTENSIONS))
    __import__(name)
    return sys.modules[name]


class _Element:
    def __init__(self, tag: str, attrs: dict[str, str]) -> None:
        self.tag, self.attrs = tag, attrs
        self.children: list[_Element] = []
        self.parts: list[str | _Element] = []  # text and children in document order

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    def find_all(self, tag: str | None = None, cls: str | None = None) -> Iterator[_Element]:
        for child in self.children:
            if (tag is None or child.tag == tag) and (cls is None or cls in child.classes):
                yield child
            yield from child.find_all(tag, cls)

    def raw_text(self) -> str:
        return "".join(part if isinstance(part, str) else part.raw_text() for part in self.parts)

    def all_text(self) -> str:
        return re.sub(r"\s+", " ", self.raw_text()).strip()


VOID = {"img", "meta", "link", "br", "hr", "input", "source", "wbr", "area", "base", "col", "embed", "track"}


class _Tree(HTMLParser):
    """Just enough of a DOM: elements with attributes, children and text."""

    def __init__(self) -> None:
        super().__init__()
        self.root = _Element("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = _Element(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(element)
        self.stack[-1].parts.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].parts.append(data)


def parse(page: Path) -> _Element:
    tree = _Tree()
    tree.feed(page.read_text(encoding="utf-8"))
    return tree.root


def resolve(page: Path, href: str) -> Path:
    return (page.parent / unquote(urlsplit(href).path)).resolve()


# --- 1. The gallery home ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGE_ROOTS)
def test_home_has_a_start_button_and_a_card_per_notebook_with_a_thumbnail(site: BuiltSite, language: str) -> None:
    home = site.html / LANGUAGE_ROOTS[language] / "index.html"
    article = next(parse(home).find_all("article"))
    buttons = [a for a in article.find_all("a", "start-button")]
    assert len(buttons) == 1 and resolve(home, buttons[0].attrs["href"]).name == f"{site.notebooks[0].stem}.html"
    cards = list(article.find_all("div", "notebook-card"))
    assert [resolve(home, next(c.find_all("a")).attrs["href"]).stem for c in cards] == [
        n.stem for n in site.notebooks
    ], "one card per notebook, in order, each linking its page"
    from PIL import Image

    gallery = _extension("gallery")
    for card in cards:
        images = list(card.find_all("img", "notebook-card-thumbnail"))
        assert len(images) == 1, card.all_text()
        thumbnail = resolve(home, images[0].attrs["src"])
        with Image.open(thumbnail) as opened:
            assert opened.size == gallery.THUMBNAIL_SIZE
        assert images[0].attrs.get("alt", "").strip()
        learn = next(card.find_all("div", "notebook-card-body")).all_text()
        minutes = next(card.find_all("p", "notebook-card-meta")).all_text()
        assert learn and re.search(r"\d", minutes), card.all_text()
        if language == "ko":
            assert HANGUL.search(learn) and HANGUL.search(minutes), f"a Korean card in English: {card.all_text()}"


def _notebook(*cells: dict[str, Any]) -> dict[str, Any]:
    return {"cells": list(cells)}


def _picture_cell(cell_id: str, colour: str, size: tuple[int, int] = (800, 500)) -> dict[str, Any]:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    data = {"image/png": base64.b64encode(out.getvalue()).decode()}
    return {
        "id": cell_id,
        "cell_type": "code",
        "source": "plot()",
        "outputs": [{"output_type": "display_data", "data": data, "metadata": {"image/png": {"alt": f"{colour}."}}}],
    }


def test_thumbnail_comes_from_the_chosen_cell_or_else_the_first_picture() -> None:
    from PIL import Image

    gallery = _extension("gallery")
    notebook = _notebook({"id": "intro", "cell_type": "markdown", "source": "# T"}, _picture_cell("a", "red"))
    notebook["cells"].append(_picture_cell("b", "blue"))
    assert gallery.best_figure(notebook, "b")[1] == "blue."
    assert gallery.best_figure(notebook, None)[1] == "red."
    assert gallery.best_figure(notebook, "no-such-cell")[1] == "red."
    assert gallery.best_figure(_notebook({"id": "x", "cell_type": "markdown", "source": ""}), None) is None
    for size in ((800, 500), (3000, 1000), (400, 1200)):  # cropped, and whole on white for a strip or a tall chart
        picture = gallery.best_figure(_notebook(_picture_cell("c", "blue", size)), None)[0]
        with Image.open(io.BytesIO(gallery.thumbnail(picture))) as made:
            assert made.size == gallery.THUMBNAIL_SIZE
            assert made.convert("RGB").getpixel((240, 150)) == (0, 0, 255)


def test_minutes_to_read_follow_the_word_count() -> None:
    gallery = _extension("gallery")
    words = " ".join(["word"] * (gallery.WORDS_PER_MINUTE * 3 + 1))
    assert gallery.minutes_to_read(_notebook({"cell_type": "markdown", "source": words})) == 4
    assert gallery.minutes_to_read(_notebook({"cell_type": "markdown", "source": "short"})) == 1


# --- 2. The learner's reading order -------------------------------------------------------------------------------


def _next_page(page: Path) -> Path | None:
    links = [a for a in parse(page).find_all("a", "next-page")]
    return resolve(page, links[0].attrs["href"]) if links else None


@pytest.mark.parametrize("language", LANGUAGE_ROOTS)
def test_next_leads_through_the_course_and_stops_before_the_contributor_pages(site: BuiltSite, language: str) -> None:
    root = (site.html / LANGUAGE_ROOTS[language]).resolve()
    chain, page = [], root / "index.html"
    while page is not None and len(chain) < 30:
        chain.append(page.relative_to(root).with_suffix("").as_posix())
        page = _next_page(page)
    notebooks = [f"notebooks/{n.stem}" for n in site.notebooks]
    assert chain == ["index", "getting-started", *notebooks, "api-index"]
    if site.notebooks[0].parent == ROOT / "notebooks":
        assert chain == LEARNER_ORDER
    sidebar = [
        resolve(root / "index.html", a.attrs["href"]).relative_to(root).with_suffix("").as_posix()
        for a in next(parse(root / "index.html").find_all("div", "sidebar-tree")).find_all("a")
    ]
    assert [p for p in sidebar if p in CONTRIBUTOR_PAGES] == CONTRIBUTOR_PAGES
    assert sidebar.index("api-index") < sidebar.index(CONTRIBUTOR_PAGES[0]), "contributor pages come after the course"


# --- 3. Downloads that run -----------------------------------------------------------------------------------------


def test_a_placeholder_repository_is_refused() -> None:
    front_door = _extension("front_door")
    for url in (
        "https://github.com/OWNER/openai-endpoint-notebooks",
        "<repository URL>",
        "github.com/x/y",
        "http://a/b",
    ):
        assert front_door.repository_problem(url), url
    assert front_door.repository_problem("") is None  # none: no links at all
    assert front_door.repository_problem("https://github.com/someone/openai-endpoint-notebooks") is None


def test_the_build_check_finds_a_placeholder_link(tmp_path: Path) -> None:
    build_docs = _load_script("build_docs")
    (tmp_path / "good.html").write_text('<a href="https://example.net/real/repo">x</a>', encoding="utf-8")
    assert build_docs.placeholder_problems(tmp_path) == []
    (tmp_path / "bad.html").write_text('<a href="https://github.com/OWNER/repo/blob/main/x">x</a>', encoding="utf-8")
    assert len(build_docs.placeholder_problems(tmp_path)) == 1


def test_no_page_links_a_placeholder_or_a_repository_that_was_not_configured(site: BuiltSite) -> None:
    build_docs = _load_script("build_docs")
    assert build_docs.placeholder_problems(site.html) == []
    repository = re.compile(r'href="https://github\.com/[^"]*/blob/')
    hits = [p.relative_to(site.html).as_posix() for p in site.html.rglob("*.html") if repository.search(p.read_text())]
    assert not hits, f"source links without DOCS_REPOSITORY_URL set: {hits}"


def _archive_links(page: Path) -> list[str]:
    return [a.attrs["href"] for a in parse(page).find_all("a", "project-archive")]


def test_every_notebook_page_and_getting_started_link_the_project_archive(site: BuiltSite) -> None:
    build_docs = _load_script("build_docs")
    if build_docs.source_commit() is None:
        pytest.skip("not a git checkout: the build makes no archive")
    archive = (site.html / build_docs.ARCHIVE).resolve()
    assert archive.is_file(), "the site does not serve the project archive"
    pages = [site.html / LANGUAGE_ROOTS[lang] / "getting-started.html" for lang in LANGUAGE_ROOTS]
    pages += [
        site.html / LANGUAGE_ROOTS[lang] / "notebooks" / f"{n.stem}.html"
        for lang in LANGUAGE_ROOTS
        for n in site.notebooks
    ]
    for page in pages:
        links = _archive_links(page)
        assert links, f"{page.relative_to(site.html)} does not link the project archive"
        assert {resolve(page, href) for href in links} == {archive}, page
    getting_started = parse(site.html / "getting-started.html").all_text()
    assert "tar -xzf openai-endpoint-notebooks.tar.gz" in getting_started and "make lab" in getting_started
    assert "git clone" not in getting_started, "a clone command without a configured repository"


def test_the_archive_holds_the_commit_with_its_notebooks_and_makefile(site: BuiltSite) -> None:
    build_docs = _load_script("build_docs")
    commit = build_docs.source_commit()
    if commit is None:
        pytest.skip("not a git checkout: the build makes no archive")
    folder = build_docs.ARCHIVE_FOLDER
    with tarfile.open(site.html / build_docs.ARCHIVE) as archive:
        members = {member.name: member for member in archive.getmembers()}
        assert archive.pax_headers.get("comment") == commit, "the archive is not of the commit the site was built from"
    tracked = subprocess.run(
        ["git", "-C", str(ROOT), "ls-tree", "-r", "--name-only", commit], capture_output=True, text=True, check=True
    ).stdout.split()
    assert {name.removeprefix(f"{folder}/") for name, m in members.items() if m.isfile()} == set(tracked)
    for needed in ["Makefile", "scripts/setup.sh", "requirements.txt", "helpers/__init__.py"]:
        assert f"{folder}/{needed}" in members, needed
    assert members[f"{folder}/scripts/setup.sh"].mode & 0o111, "setup.sh must stay executable (make lab runs it)"
    notebooks = {Path(name).name for name in members if re.fullmatch(rf"{folder}/notebooks/\d\d_\w+\.ipynb", name)}
    assert {n.name for n in sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))} <= notebooks


@pytest.mark.parametrize("notebook", sorted((ROOT / "notebooks").glob("[0-9]*.ipynb")), ids=lambda p: p.stem)
def test_a_downloaded_notebook_says_first_what_it_needs(notebook: Path) -> None:
    for path, words in ((notebook, ("make lab", "openai-endpoint-notebooks.tar.gz", "import helpers")),):
        first = json.loads(path.read_text(encoding="utf-8"))["cells"][0]
        text = "".join(first["source"])
        assert first["cell_type"] == "markdown" and all(w in text for w in words), f"{path.name}: {text[-300:]}"
    twin = notebook.parent / "ko" / notebook.name
    if twin.is_file():
        text = "".join(json.loads(twin.read_text(encoding="utf-8"))["cells"][0]["source"])
        said = [p for p in text.split("\n\n") if "openai-endpoint-notebooks.tar.gz" in p and "make lab" in p]
        assert said and HANGUL.search(said[0].replace("`", "")), f"ko/{twin.name} does not say it in Korean"


# --- 7. Description, OpenGraph, the 404 page, the build stamp -------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGE_ROOTS)
def test_pages_carry_a_description_and_opengraph_tags(site: BuiltSite, language: str) -> None:
    root = site.html / LANGUAGE_ROOTS[language]
    pages = [root / "index.html", root / "getting-started.html", *(root / "notebooks").glob("*.html")]
    for page in pages:
        metas = list(parse(page).find_all("meta"))
        by_name = {m.attrs.get("name") or m.attrs.get("property"): m.attrs.get("content", "") for m in metas}
        for key in ("description", "og:title", "og:description", "og:type", "og:site_name"):
            assert by_name.get(key, "").strip(), f"{page.relative_to(site.html)} lacks {key}"
    home = {m.attrs.get("name"): m.attrs.get("content", "") for m in parse(root / "index.html").find_all("meta")}
    assert (HANGUL.search(home["description"]) is not None) == (language == "ko")


@pytest.mark.parametrize("language", LANGUAGE_ROOTS)
def test_a_404_page_exists_and_is_served_for_a_missing_page(site: BuiltSite, served: str, language: str) -> None:
    page = site.html / LANGUAGE_ROOTS[language] / "404.html"
    assert page.is_file()
    title = next(parse(page).find_all("h1")).all_text()
    assert title
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(f"{served}{LANGUAGE_ROOTS[language]}no/such/page.html", timeout=10)
    assert raised.value.code == 404 and title in raised.value.read().decode("utf-8")
    for href in [a.attrs["href"] for a in parse(page).find_all("a") if a.attrs.get("href", "").startswith("/")]:
        assert (site.html / unquote(urlsplit(href).path).lstrip("/")).is_file(), f"404 page links {href}"


def test_the_footer_says_when_and_from_which_commit(site: BuiltSite) -> None:
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    for page in [site.html / "index.html", site.html / "ko" / "index.html", site.html / "api-index.html"]:
        stamps = [p.all_text() for p in parse(page).find_all("p", "build-stamp")]
        assert len(stamps) == 1 and re.search(r"\d{4}-\d\d-\d\d", stamps[0]), page
        assert (commit or "unknown") in stamps[0], stamps[0]


def test_the_stamp_without_git_is_the_environment_or_unknown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    front_door = _extension("front_door")
    monkeypatch.delenv("DOCS_BUILD_COMMIT", raising=False)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    assert front_door.source_commit(tmp_path) == "unknown"
    monkeypatch.setenv("DOCS_BUILD_COMMIT", "abc1234")
    assert front_door.source_commit(tmp_path) == "abc1234"


# --- 2. Switching language keeps the section (a browser runs the page's script) -----------------------------------


@pytest.mark.browser
def test_switching_language_keeps_the_section(site: BuiltSite, served: str) -> None:
    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM_ARGS, chromium_or_skip

    chromium = chromium_or_skip()
    notebook = site.notebooks[min(1, len(site.notebooks) - 1)].stem
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS)
        try:
            tab = browser.new_page()
            # A guide page: the same ids in both languages.
            tab.goto(f"{served}getting-started.html#the-four-modes")
            tab.click("a.language-switch")
            tab.wait_for_url(f"{served}ko/getting-started.html#the-four-modes")
            # A notebook: the Korean headings have other ids; the third section is the third section.
            tab.goto(f"{served}notebooks/{notebook}.html")
            ids = tab.eval_on_selector_all("article section[id]", "s => s.map(e => e.id)")
            tab.goto(f"{served}notebooks/{notebook}.html#{ids[2]}")
            tab.click("a.language-switch")
            tab.wait_for_load_state("load")
            korean_ids = tab.eval_on_selector_all("article section[id]", "s => s.map(e => e.id)")
            assert tab.url == f"{served}ko/notebooks/{notebook}.html#{korean_ids[2]}"
            top = tab.eval_on_selector(f"[id='{korean_ids[2]}']", "e => e.getBoundingClientRect().top")
            assert abs(top) < 100, f"the section is not at the top of the window ({top} px)"
        finally:
            browser.close()
