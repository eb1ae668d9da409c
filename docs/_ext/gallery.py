"""The home page's gallery: a card per notebook with a thumbnail of its figure, what you learn and minutes to read.

    :::{notebook-card} notebooks/01_embeddings
    :figure: cluster
    Turn text into vectors; search, cluster and compare sentences.
    :::

- The thumbnail is made while the site builds, from the committed notebook the page shows (its Korean twin on the
  Korean site): the first picture among the outputs of the cell whose id is ``:figure:``, else the notebook's first
  picture, scaled down and cropped with Pillow to one size for every card. Nothing is drawn by hand.
- The text of the card is the directive's content, a paragraph of the page, so gettext translates it.
- Minutes to read: the words of every cell (prose and code) at ``WORDS_PER_MINUTE``, rounded up.
- The title and link are the notebook page's own, filled in once every page has been read.
"""

from __future__ import annotations

import io
import json
import math
import re
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from notebook_pages import output_pictures
from site_strings import text
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

THUMBNAIL_SIZE = (480, 300)  # twice the card's picture at desktop width, so it stays sharp on 2x screens
THUMBNAIL_FOLDER = "_thumbnails"  # in the staged sources (build_docs.py stages a copy; docs/ is never written)
MOST_CROPPED = 0.6  # crop to the card's shape only when that keeps at least 60% of the picture's width or height
WORDS_PER_MINUTE = 200  # a common figure for reading technical prose


class notebook_card(nodes.General, nodes.Element):
    """One card; its link and title are filled in at doctree-resolved, when every page's title is known."""


def best_figure(notebook: dict[str, Any], cell_id: str | None) -> tuple[bytes, str] | None:
    """(picture bytes, alt text): the first picture of cell `cell_id` if given and present, else the first one."""
    cells = notebook.get("cells", [])
    if cell_id:
        for cell in cells:
            if cell.get("id") == cell_id and output_pictures(cell):
                return output_pictures(cell)[0]
    for cell in cells:
        pictures = output_pictures(cell)
        if pictures:
            return pictures[0]
    return None


def thumbnail(picture: bytes, size: tuple[int, int] = THUMBNAIL_SIZE) -> bytes:
    """The picture on white, scaled down to `size` as a 256-colour PNG: cropped to its shape around the upper middle
    when that keeps most of it, else whole with white margins."""
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(picture)) as opened:
        image = opened.convert("RGBA")
    flat = Image.new("RGB", image.size, "white")
    flat.paste(image, mask=image.getchannel("A"))
    if MOST_CROPPED <= (flat.width / flat.height) / (size[0] / size[1]) <= 1 / MOST_CROPPED:
        fitted = ImageOps.fit(flat, size, method=Image.Resampling.LANCZOS, centering=(0.5, 0.35))
    else:  # cropping would cut off most of it (a strip of pictures, a tall chart): show it whole on white
        fitted = ImageOps.pad(flat, size, method=Image.Resampling.LANCZOS, color="white")
    out = io.BytesIO()
    fitted.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(out, format="PNG", optimize=True)
    return out.getvalue()


def words_in(notebook: dict[str, Any]) -> int:
    """Words in every cell's source: runs of letters or digits, so code counts by its names and numbers."""
    total = 0
    for cell in notebook.get("cells", []):
        source = cell.get("source", "")
        total += len(re.findall(r"\w+", "".join(source) if isinstance(source, list) else str(source)))
    return total


def minutes_to_read(notebook: dict[str, Any]) -> int:
    return max(1, math.ceil(words_in(notebook) / WORDS_PER_MINUTE))


def short_alt(alt: str) -> str:
    """The first sentence of a figure's alt text: enough to say what the thumbnail shows."""
    first = re.split(r"(?<=[.。])\s", alt.strip(), maxsplit=1)[0]
    return first if len(first) <= 160 else first[:157] + "..."


class NotebookCardDirective(SphinxDirective):
    required_arguments = 1
    has_content = True
    option_spec: ClassVar[dict[str, Any]] = {"figure": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        docname = self.arguments[0].strip().removesuffix(".ipynb").lstrip("/")
        source = Path(self.env.srcdir) / f"{docname}.ipynb"
        card = notebook_card(classes=["notebook-card"], docname=docname)
        if not source.is_file():
            # A build of some notebooks only (the test sample; extracting messages, which stages none): no card, just
            # its text (so that gettext sees it). A test checks that the site's home has a card per notebook.
            logger.info("notebook-card: %s is not among this build's notebooks; no card", source.name)
            body = nodes.container(classes=["notebook-card-body"])
            self.state.nested_parse(self.content, self.content_offset, body)
            return [body]
        notebook = json.loads(source.read_text(encoding="utf-8"))
        self.env.note_dependency(str(source))
        figure = best_figure(notebook, self.options.get("figure"))
        if figure is not None:
            picture, alt = figure
            stem = Path(docname).name
            target = Path(self.env.srcdir) / THUMBNAIL_FOLDER / f"{stem}.png"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(thumbnail(picture))
            image = nodes.image(
                uri=f"/{THUMBNAIL_FOLDER}/{stem}.png",
                alt=short_alt(alt) or stem,
                classes=["notebook-card-thumbnail"],  # sized by front-door.css: the card's width, 16:10
            )
            card += image
        body = nodes.container(classes=["notebook-card-body"])
        self.state.nested_parse(self.content, self.content_offset, body)
        card += body
        minutes = minutes_to_read(notebook)
        meta = nodes.paragraph(classes=["notebook-card-meta"])
        meta += nodes.Text(text(self.config.language, "minutes_to_read").format(minutes=minutes))
        card += meta
        return [card]


class start_button(nodes.General, nodes.Element):
    """The home's "Start with 00 →": a link styled as a button, to a page that must be in this build."""


class StartButtonDirective(SphinxDirective):
    """``{start-button} notebooks/00_setup`` with the label as content (a paragraph, so gettext translates it)."""

    required_arguments = 1
    has_content = True

    def run(self) -> list[nodes.Node]:
        node = start_button(docname=self.arguments[0].strip().removesuffix(".ipynb").lstrip("/"))
        self.state.nested_parse(self.content, self.content_offset, node)
        return [node]


class NotebookGalleryDirective(SphinxDirective):
    """A grid of cards."""

    has_content = True

    def run(self) -> list[nodes.Node]:
        grid = nodes.container(classes=["notebook-gallery"])
        self.state.nested_parse(self.content, self.content_offset, grid)
        return [grid]


def _on_doctree_resolved(app: Sphinx, doctree: nodes.document, fromdocname: str) -> None:
    for button in list(doctree.findall(start_button)):
        if button["docname"] not in app.env.all_docs:  # not in this build: gettext still needs the words
            button.replace_self(button.children if app.builder.name == "gettext" else [])
            continue
        link = nodes.reference("", button.astext(), internal=True, classes=["start-button"])
        link["refuri"] = app.builder.get_relative_uri(fromdocname, button["docname"])
        button.replace_self(nodes.paragraph("", "", link, classes=["start-button-line"]))
    for card in list(doctree.findall(notebook_card)):
        docname = card["docname"]
        link = nodes.reference("", "", internal=True, classes=["notebook-card-link"])
        link["refuri"] = app.builder.get_relative_uri(fromdocname, docname)
        images = [child for child in card.children if isinstance(child, nodes.image)]
        for image in images:
            card.remove(image)
            link += image
        title = app.env.titles[docname].astext() if docname in app.env.titles else docname
        link += nodes.inline("", title, classes=["notebook-card-title"])
        box = nodes.container(classes=card["classes"])
        box += nodes.paragraph("", "", link, classes=["notebook-card-head"])  # a link holds inline nodes only
        box.extend(card.children)
        card.replace_self(box)


def _visit_card(self: Any, node: nodes.Element) -> None:
    raise nodes.SkipNode  # replaced before writing; never reaches a writer


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_node(notebook_card, html=(_visit_card, None), text=(_visit_card, None))
    app.add_node(start_button, html=(_visit_card, None), text=(_visit_card, None))
    app.add_directive("start-button", StartButtonDirective)
    app.add_directive("notebook-card", NotebookCardDirective)
    app.add_directive("notebook-gallery", NotebookGalleryDirective)
    app.connect("doctree-resolved", _on_doctree_resolved)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
