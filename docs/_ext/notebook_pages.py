"""What the site adds to each notebook page, and the API index generated from the notebooks.

- At the top of each notebook page: download the .ipynb (a copy the site ships beside the page) and the whole
  project (the archive build_docs.py packs), how to run it yourself, and — only when the build knows the
  repository's address — its source and its recording in the repository.
- Every picture gets the alt text its notebook output carries (``metadata["image/png"]["alt"]``, written by
  ``helpers.plots``) and links to itself at full size.
- ``{api-index}`` expands to every SDK method the notebooks call (``client.<group>.<method>(...)`` found in the
  code cells with ``ast``), the HTTP request it sends, its page in OpenAI's API reference (``helpers.reference``),
  and a link to each notebook section that calls it.
- On a page in another language than English, all of the above speaks that language (``site_strings``); a notebook
  the build shows untranslated (``untranslated_notebooks``, set by build_docs.py) says so at the top.
"""

from __future__ import annotations

import ast
import base64
import hashlib
import html
import json
import shutil
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from docutils import nodes
from front_door import archive_href, unpack_commands
from site_strings import DEFAULT_LANGUAGE, text
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.docutils import SphinxDirective
from sphinx.util.osutil import relative_uri

from helpers.reference import endpoint_for_sdk  # the one table of reference pages (helpers is installed in .venv)

NOTEBOOKS = "notebooks/"
CLIENT_NAME = "client"
IMAGE_MIME = ("image/png", "image/jpeg")


# --- Which SDK methods a piece of code calls -------------------------------------------------------------------


def sdk_calls(source: str) -> list[str]:
    """``"<group>.<method>"`` for each ``client.<group>[.with_raw_response].<method>(...)`` call, in order."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    found: list[tuple[int, int, str]] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        chain: list[str] = []
        target: ast.expr = node.func
        while isinstance(target, ast.Attribute):
            chain.insert(0, target.attr)
            target = target.value
        if not isinstance(target, ast.Name) or target.id != CLIENT_NAME:
            continue
        chain = [part for part in chain if part not in ("with_raw_response", "with_streaming_response")]
        if len(chain) == 2:
            found.append((node.lineno, node.col_offset, ".".join(chain)))
    return [name for *_, name in sorted(found)]


def _cell_sources(section: nodes.section) -> Iterator[str]:
    """The code of the notebook cells directly in this section (not in its subsections)."""
    for child in section.children:
        if isinstance(child, nodes.container) and child.get("nb_element") == "cell_code":
            for block in child.findall(nodes.literal_block):
                parent = block.parent
                if isinstance(parent, nodes.container) and parent.get("nb_element") == "cell_code_source":
                    yield block.astext()


def _calls_by_section(doctree: nodes.document) -> list[dict[str, Any]]:
    found = []
    for section in doctree.findall(nodes.section):
        names = list(dict.fromkeys(name for source in _cell_sources(section) for name in sdk_calls(source)))
        if names:
            anchor = section["ids"][-1] if section.parent is doctree else section["ids"][0]
            found.append({"anchor": anchor, "title": section[0].astext(), "calls": names})
    return found


# --- Alt texts and full-size links for pictures -------------------------------------------------------------------


def output_pictures(cell: dict[str, Any]) -> list[tuple[bytes, str]]:
    """(bytes, alt text or "") of each picture a notebook cell's outputs show, in order (an output's first image
    type), as the committed .ipynb holds them."""
    found = []
    for output in cell.get("outputs", []):
        for mime in IMAGE_MIME:
            data = output.get("data", {}).get(mime)
            if data:
                payload = "".join(data) if isinstance(data, list) else str(data)
                alt = str(output.get("metadata", {}).get(mime, {}).get("alt", ""))
                found.append((base64.b64decode(payload), alt))
                break
    return found


def _alt_texts(notebook: Path) -> dict[str, str]:
    """sha256 of each picture's bytes (MyST-NB names the image file after it) -> the alt text in its metadata."""
    cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
    return {hashlib.sha256(data).hexdigest(): alt for cell in cells for data, alt in output_pictures(cell) if alt}


def _set_alt_texts(app: Sphinx, doctree: nodes.document) -> None:
    alts = _alt_texts(Path(app.env.doc2path(app.env.docname)))
    for image in doctree.findall(nodes.image):
        alt = alts.get(Path(image["uri"]).stem)
        if alt and not image.get("alt"):
            image["alt"] = alt


def _link_full_size(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Wrap each picture in a link to the image file itself, so a reader on a phone can open it full size."""
    to_images = relative_uri(app.builder.get_target_uri(docname), "_images")
    for image in list(doctree.findall(nodes.image)):
        if isinstance(image.parent, nodes.reference):
            continue
        key = image.get("candidates", {}).get("*", image["uri"])
        if key not in app.env.images:
            continue
        link = nodes.reference("", "", internal=True, classes=["full-size-image"])
        link["refuri"] = f"{to_images}/{app.env.images[key][1]}"
        link["reftitle"] = text(app.config.language, "full_size")
        image.replace_self(link)
        link.append(image)


# --- The bar at the top of each notebook page --------------------------------------------------------------------


def _notebook_path(app: Sphinx, stem: str) -> str:
    """The notebook's path in the repository: its translation (notebooks/LANG/) when the page shows one."""
    language = str(app.config.language or DEFAULT_LANGUAGE)
    if language == DEFAULT_LANGUAGE or stem in app.config.untranslated_notebooks:
        return f"notebooks/{stem}.ipynb"
    return f"notebooks/{language}/{stem}.ipynb"


def _actions_html(app: Sphinx, stem: str) -> str:
    """The bar: download this notebook and the whole project, how to run it; source links only with a repository."""
    language = app.config.language
    repo = str(app.config.repository_url).rstrip("/")
    branch = app.config.repository_branch
    e = html.escape
    path = _notebook_path(app, stem)
    links = [
        f'<a class="notebook-download" href="{e(stem)}.ipynb" download="{e(stem)}.ipynb">'
        f"{e(text(language, 'download'))}</a>"
    ]
    archive = archive_href(app.config, f"{NOTEBOOKS}{stem}")
    if archive:
        name = archive.rsplit("/", 1)[-1]
        links.append(
            f'<a class="project-archive" href="{e(archive)}" download="{e(name)}">'
            f"{e(text(language, 'download_project'))}</a>"
        )
    if repo:  # no repository configured: no source links at all, rather than links to nowhere
        links.append(f'<a href="{e(f"{repo}/blob/{branch}/{path}")}">{e(text(language, "view_source"))}</a>')
        cassette = f"{repo}/blob/{branch}/cassettes/{stem}.yaml"
        links.append(f'<a href="{e(cassette)}">{e(text(language, "view_cassette"))}</a>')
    guide = f'<a class="reference internal" href="../getting-started.html">{text(language, "getting_started")}</a>'
    untranslated = ""
    if stem in app.config.untranslated_notebooks and text(language, "untranslated"):
        untranslated = f'<p class="notebook-untranslated">{e(text(language, "untranslated"))}</p>'
    if archive:
        run = f'<p class="notebook-actions-run">{text(language, "run_from_archive")}</p>'
        run += f'<pre class="notebook-actions-command">{e(unpack_commands(app.config))}</pre>'
    elif repo:
        clone = f"git clone {repo}.git\ncd {repo.rsplit('/', 1)[-1]}\nmake lab"
        run = f'<p class="notebook-actions-run">{text(language, "run_yourself")}</p>'
        run += f'<pre class="notebook-actions-command">{e(clone)}</pre>'
    else:
        run = ""
    return (
        f'<div class="notebook-actions" lang="{e(str(language or DEFAULT_LANGUAGE))}">'
        f"{untranslated}"
        f'<p class="notebook-actions-links">{"".join(links)}</p>'
        f"{run}"
        f"<p>{text(language, 'then_open').format(path=e(path.removeprefix(NOTEBOOKS)), link=guide)}</p>"
        "</div>"
    )


def _add_actions(app: Sphinx, doctree: nodes.document) -> None:
    docname = app.env.docname
    sections = [s for s in doctree.children if isinstance(s, nodes.section)]
    if not sections:
        return
    stem = docname.removeprefix(NOTEBOOKS)
    sections[0].insert(1, nodes.raw("", _actions_html(app, stem), format="html"))


# --- The API index ---------------------------------------------------------------------------------------------


class api_index(nodes.General, nodes.Element):
    """Where the generated index goes; replaced once every notebook has been read."""


class ApiIndexDirective(SphinxDirective):
    def run(self) -> list[nodes.Node]:
        return [api_index()]


def _env_calls(env: BuildEnvironment) -> dict[str, list[dict[str, Any]]]:
    if not hasattr(env, "notebook_calls"):
        env.notebook_calls = {}  # type: ignore[attr-defined]
    return env.notebook_calls  # type: ignore[attr-defined,no-any-return]


def _index_nodes(app: Sphinx, fromdocname: str) -> list[nodes.Node]:
    callers: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for docname in sorted(_env_calls(app.env)):
        for section in _env_calls(app.env)[docname]:
            for name in section["calls"]:
                callers[name].append((docname, section["anchor"], section["title"]))
    items = nodes.bullet_list(classes=["api-index"])
    for name in sorted(callers):
        endpoint = endpoint_for_sdk(name)
        head = nodes.paragraph()
        head += nodes.literal(text=f"client.{name}()")
        if endpoint is not None:
            head += nodes.Text(text(app.config.language, "sends"))
            ref = nodes.reference("", "", refuri=endpoint.url)
            ref += nodes.literal(text=endpoint.route)
            head += ref
        sections = nodes.bullet_list()
        for docname, anchor, title in callers[name]:
            page_title = app.env.titles[docname].astext()
            link = nodes.reference("", "", internal=True)
            link["refuri"] = app.builder.get_relative_uri(fromdocname, docname) + "#" + anchor
            link += nodes.Text(f"{page_title}: {title}" if title != page_title else page_title)
            sections += nodes.list_item("", nodes.paragraph("", "", link))
        items += nodes.list_item("", head, sections)
    return [items]


# --- Events ----------------------------------------------------------------------------------------------------


def _on_doctree_read(app: Sphinx, doctree: nodes.document) -> None:
    docname = app.env.docname
    if not docname.startswith(NOTEBOOKS):
        return
    _set_alt_texts(app, doctree)
    _env_calls(app.env)[docname] = _calls_by_section(doctree)
    _add_actions(app, doctree)


def _on_doctree_resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if docname.startswith(NOTEBOOKS):
        _link_full_size(app, doctree, docname)
    for placeholder in list(doctree.findall(api_index)):
        placeholder.replace_self(_index_nodes(app, docname))


def _on_purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _env_calls(env).pop(docname, None)


def _on_merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    _env_calls(env).update({d: c for d, c in _env_calls(other).items() if d in docnames})


def _on_build_finished(app: Sphinx, exception: Exception | None) -> None:
    """Ship each notebook beside its page, so the download link is a file of the site."""
    if exception is not None or app.builder.format != "html":
        return
    for docname in sorted(app.env.found_docs):
        if docname.startswith(NOTEBOOKS):
            source = Path(app.env.doc2path(docname))
            if source.suffix == ".ipynb":
                target = Path(app.outdir) / f"{docname}.ipynb"
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("repository_url", "", "html", types=frozenset({str}))
    app.add_config_value("repository_branch", "main", "html", types=frozenset({str}))
    # Notebooks a translated build shows in English (no notebooks/LANG/NAME.ipynb yet); set by build_docs.py.
    app.add_config_value("untranslated_notebooks", [], "env", types=frozenset({list}))
    app.add_node(api_index)
    app.add_directive("api-index", ApiIndexDirective)
    app.connect("doctree-read", _on_doctree_read)
    app.connect("doctree-resolved", _on_doctree_resolved)
    app.connect("env-purge-doc", _on_purge)
    app.connect("env-merge-info", _on_merge)
    app.connect("build-finished", _on_build_finished)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
