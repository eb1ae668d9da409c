"""What a reader sees, checked without a browser: words, reference links, the API index, links, machine paths.

These read the committed notebooks and the built site (the same `site` fixture as the browser test builds it).
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from helpers.reference import endpoint_for_sdk
from tests.docs.conftest import ROOT, BuiltSite

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
# The project's old name for the original tutorial; "seeded" (a random seed) is another word.
JARGON = re.compile(r"\bseeds?\b", re.IGNORECASE)
# Where the machine that ran a notebook shows through: absolute paths, the venv, kernel temp files.
MACHINE_PATH = re.compile(r"(/(?:home|root|tmp|work|Users|var/folders)/[^\s'\"]*|site-packages|\.venv/|ipykernel_\d+)")


def _ensure_sdk_calls():  # type: ignore[no-untyped-def]
    import importlib.util
    import sys

    extensions = str(ROOT / "docs" / "_ext")  # the extension imports its neighbour site_strings by name
    spec = importlib.util.spec_from_file_location("notebook_pages", ROOT / "docs" / "_ext" / "notebook_pages.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, extensions)
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(extensions)
    return module.sdk_calls


sdk_calls = _ensure_sdk_calls()


def _cells(notebook: Path) -> list[dict[str, object]]:
    return json.loads(notebook.read_text(encoding="utf-8"))["cells"]  # type: ignore[no-any-return]


def _text(value: object) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def output_texts(notebook: Path) -> list[tuple[str, str]]:
    """(cell id, text) of every textual output: streams, errors, text/plain, text/html."""
    found = []
    for cell in _cells(notebook):
        for output in cell.get("outputs", []):  # type: ignore[attr-defined]
            parts = [_text(output.get("text", ""))]
            parts += [_text(line) for line in output.get("traceback", [])]
            parts += [_text(output.get("evalue", ""))]
            data = output.get("data", {})
            parts += [_text(data.get(mime, "")) for mime in ("text/plain", "text/html", "text/markdown")]
            found.append((str(cell.get("id")), "\n".join(parts)))
    return found


def sections(notebook: Path) -> list[tuple[str, str, list[str]]]:
    """(heading, markdown of the section, SDK methods its code cells call), one per markdown heading."""
    found: list[tuple[str, str, list[str]]] = []
    for cell in _cells(notebook):
        source = _text(cell["source"])
        if cell["cell_type"] == "markdown":
            heading = next((line for line in source.splitlines() if line.startswith("#")), None)
            if heading or not found:
                found.append((heading or "(top)", "", []))
            title, markdown, calls = found[-1]
            found[-1] = (title, markdown + "\n" + source, calls)
        elif cell["cell_type"] == "code" and found:
            found[-1][2].extend(name for name in sdk_calls(source) if name not in found[-1][2])
    return found


def test_sdk_calls_finds_client_calls_only() -> None:
    code = "x = client.files.list()\nclient.models.with_raw_response.retrieve('m')\nother.files.create()\nprint(1)"
    assert sdk_calls(code) == ["files.list", "models.retrieve"]
    assert sdk_calls("client.embeddings.create(input=client.files.retrieve('f'))") == [
        "embeddings.create",
        "files.retrieve",
    ]
    assert sdk_calls("this is not python (") == []


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_jargon_in_markdown_or_outputs(notebook: Path) -> None:
    hits = [
        f"markdown {c['id']}"
        for c in _cells(notebook)
        if c["cell_type"] == "markdown" and JARGON.search(_text(c["source"]))
    ]
    hits += [f"output of {cid}" for cid, text in output_texts(notebook) if JARGON.search(text)]
    assert not hits, f"'seed' (say 'the original tutorial') in {notebook.name}: {hits}"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_section_that_calls_the_api_links_its_reference_page(notebook: Path) -> None:
    missing = []
    for heading, markdown, calls in sections(notebook):
        for name in calls:
            endpoint = endpoint_for_sdk(name)
            assert endpoint is not None, f"{notebook.name} calls client.{name}(), which helpers/reference.py lacks"
            if endpoint.url not in markdown:
                missing.append(f"{heading!r} calls client.{name}() but does not link {endpoint.url}")
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_outputs_do_not_depend_on_where_the_repository_lives(notebook: Path) -> None:
    """No absolute path, venv path or kernel temp file in any output (fails until `make record` after a fix)."""
    hits = [f"{cid}: {match.group(0)}" for cid, text in output_texts(notebook) for match in MACHINE_PATH.finditer(text)]
    assert not hits, f"machine-dependent output in {notebook.name}: {hits}"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        if tag == "a" and values.get("name"):
            self.ids.add(str(values["name"]))
        if tag in ("a", "link") and values.get("href"):
            self.hrefs.append(str(values["href"]))


def _parse(page: Path) -> _Links:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def test_every_internal_link_and_anchor_resolves(site: BuiltSite) -> None:
    pages = {page: _parse(page) for page in sorted(site.html.rglob("*.html"))}
    broken = []
    for page, links in pages.items():
        for href in links.hrefs:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or href.startswith(("mailto:", "javascript:")):
                continue
            if parts.path.startswith("/"):  # the 404 pages' links are absolute: they are served at any depth
                target = (site.html / unquote(parts.path).lstrip("/")).resolve()
            else:
                target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            where = f"{page.relative_to(site.html)}: {href}"
            if not target.is_file():
                broken.append(f"{where} (no such file)")
            elif parts.fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else _parse(target).ids
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{where} (no such anchor)")
    assert not broken, "\n".join(broken)


def test_no_jargon_on_any_page(site: BuiltSite) -> None:
    hits = [p.relative_to(site.html).as_posix() for p in site.html.rglob("*.html") if JARGON.search(p.read_text())]
    assert not hits, f"'seed' appears on: {hits}"


def test_api_index_lists_every_method_the_notebooks_call(site: BuiltSite) -> None:
    called = {name for notebook in site.notebooks for _, _, calls in sections(notebook) for name in calls}
    page = (site.html / "api-index.html").read_text(encoding="utf-8")
    listed = set(re.findall(r"client\.(\w+\.\w+)\(\)", page))
    assert listed == called
    for name in called:
        endpoint = endpoint_for_sdk(name)
        assert endpoint is not None and endpoint.url in page, name
    assert page.count('href="notebooks/') >= len(called)
