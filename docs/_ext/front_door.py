"""The site as a front door: what a newcomer needs to go from reading to running.

- **Reading order.** The learner's pages (``learner_pages``: Getting started, the notebooks, the API index) form
  the Next/Previous chain; the last of them has no Next, so the contributor pages that follow in the sidebar are
  never reached by paging through the course.
- **The project archive.** build_docs.py packs the commit (``git archive``) into the site; ``project_archive`` is
  its path from the site's root (empty when the build made none). The ``{project-archive}`` role links it from a
  guide page, and ``archive_href`` gives the link for generated HTML (the notebook pages' bar).
- **The repository.** ``repository_url`` must be a real ``https://`` address or empty; a placeholder (OWNER, ``<...>``)
  stops the build, and with none the site shows no source or clone links at all.
- **The build stamp.** The footer says when the site was built and from which commit: ``git`` when the sources are a
  checkout, else ``DOCS_BUILD_COMMIT``, else "unknown" (e.g. a build from the archive, which has no ``.git``).
- **Language switch keeps the section.** ``_static/language-switch.js`` carries ``#section`` to the other language.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import subprocess
from pathlib import Path
from typing import Any

from docutils import nodes
from site_strings import DEFAULT_LANGUAGE, text
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError
from sphinx.util.docutils import SphinxDirective

# What a repository URL must look like; anything with a placeholder word or angle brackets is refused.
REPOSITORY_URL = re.compile(r"https://[^\s<>]+/[^\s<>]+")
PLACEHOLDER = re.compile(r"\bOWNER\b|\bUSER(NAME)?\b|<[^>]*>|example\.(com|org)|your[-_]?(name|org)", re.IGNORECASE)


def repository_problem(url: str) -> str | None:
    """Why `url` cannot be published as the project's repository, or None (an empty URL means: no links)."""
    if not url:
        return None
    if PLACEHOLDER.search(url):
        return f"repository_url {url!r} is a placeholder, not a repository"
    if not REPOSITORY_URL.fullmatch(url):
        return f"repository_url {url!r} is not an https:// address of a repository"
    return None


def to_site_root(config: Config, pagename: str) -> str:
    """The relative URL from `pagename` of this build to the root of the whole site (above html/ko/)."""
    up = "../" * pagename.count("/")
    if str(config.language or DEFAULT_LANGUAGE) != DEFAULT_LANGUAGE:
        up += "../"
    return up


def archive_href(config: Config, pagename: str) -> str:
    """The link from `pagename` to the project archive, or "" when this build has none."""
    archive = str(config.project_archive)
    return f"{to_site_root(config, pagename)}{archive}" if archive else ""


# --- The {project-archive} role and the {clone-commands} directive ---------------------------------------------


def project_archive_role(
    name: str, rawtext: str, text_: str, lineno: int, inliner: Any, options: Any = None, content: Any = None
) -> tuple[list[nodes.Node], list[nodes.system_message]]:
    """``{project-archive}`label``: a download link to the archive, or the label alone when there is none."""
    env = inliner.document.settings.env
    label = text_.strip()
    href = archive_href(env.config, env.docname)
    if not href:
        return [nodes.emphasis(label, label)], []
    name_ = Path(str(env.config.project_archive)).name
    markup = f'<a class="project-archive" href="{html.escape(href)}" download="{html.escape(name_)}">'
    return [nodes.raw("", f"{markup}{html.escape(label)}</a>", format="html")], []


def unpack_commands(config: Config) -> str:
    """The shell lines that turn the downloaded archive into a running JupyterLab."""
    archive = Path(str(config.project_archive)).name or "openai-endpoint-notebooks.tar.gz"
    folder = archive.removesuffix(".tar.gz")
    return f"tar -xzf {archive}\ncd {folder}\nmake lab"


class UnpackCommands(SphinxDirective):
    """The commands after downloading the archive, as a copyable shell block."""

    def run(self) -> list[nodes.Node]:
        block = nodes.literal_block(text=unpack_commands(self.config), language="bash")
        return [block]


class CloneCommands(SphinxDirective):
    """With a repository configured: "or clone it" and the commands; without one, nothing at all."""

    def run(self) -> list[nodes.Node]:
        repo = str(self.config.repository_url).rstrip("/")
        if not repo:
            return []
        folder = repo.rsplit("/", 1)[-1]
        lead = nodes.paragraph(text=text(self.config.language, "or_clone"))
        block = nodes.literal_block(text=f"git clone {repo}.git\ncd {folder}\nmake lab", language="bash")
        return [lead, block]


# --- Reading order ------------------------------------------------------------------------------------------------


def _on_page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: object) -> None:
    learner = list(app.config.learner_pages)
    if learner and pagename == learner[-1]:
        context["next"] = None  # the course ends here; contributor pages are in the sidebar, not the Next chain
    first_other = _first_page_after(app, learner[-1]) if learner else None
    if first_other is not None and pagename == first_other:
        context["prev"] = None
    if pagename == app.config.root_doc:
        # The home's description (OpenGraph and <meta name="description">): its first paragraph is the cards' text.
        description = text(app.config.language, "site_description")
        context["meta"] = {**(context.get("meta") or {}), "og:description": description}
        context["metatags"] = (
            context.get("metatags", "") + f'<meta name="description" content="{html.escape(description)}" />\n'
        )

    context["build_stamp"] = build_stamp_text(app)
    context["archive_href"] = archive_href(app.config, pagename)


def _first_page_after(app: Sphinx, docname: str) -> str | None:
    """The page the toctree puts after `docname` (what Sphinx would link as its Next)."""
    relations = app.env.collect_relations()
    entry = relations.get(docname)
    return entry[2] if entry else None


def _on_not_found_page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: object
) -> None:
    """The 404 page is served at any depth: its language switch (site_languages) must be absolute, as its links are."""
    if pagename != app.config.notfound_pagename:
        return
    for link in context.get("language_links", []):
        folder = "" if link["lang"] == DEFAULT_LANGUAGE else f"{link['lang']}/"
        link["href"] = f"{app.config.site_base_path}{folder}{pagename}.html"


# --- The build stamp ----------------------------------------------------------------------------------------------


def source_commit(folder: Path) -> str:
    """The commit the sources are at: git when `folder` is in a checkout, else $DOCS_BUILD_COMMIT, else "unknown"."""
    from_env = os.environ.get("DOCS_BUILD_COMMIT", "").strip()
    if from_env:
        return from_env
    try:
        result = subprocess.run(
            ["git", "-C", str(folder), "rev-parse", "--short=12", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    commit = result.stdout.strip()
    return commit if result.returncode == 0 and re.fullmatch(r"[0-9a-f]{7,40}", commit) else "unknown"


def build_stamp_text(app: Sphinx) -> str:
    stamp: dict[str, str] = app.config.build_stamp
    return text(app.config.language, "build_stamp").format(date=stamp["date"], commit=stamp["commit"])


def _on_config_inited(app: Sphinx, config: Config) -> None:
    problem = repository_problem(str(config.repository_url))
    if problem:
        raise ConfigError(f"{problem}; set DOCS_REPOSITORY_URL to the real one, or leave it unset for no links")
    if str(config.language or DEFAULT_LANGUAGE) != DEFAULT_LANGUAGE and hasattr(config, "notfound_urls_prefix"):
        # The other language's site is in a folder named after it; its 404 page links within it.
        config.notfound_urls_prefix = f"{config.site_base_path}{config.language}/"
    if not config.build_stamp:
        # build_docs.py passes the commit of the repository (the staged sources are not a checkout).
        folder = Path(os.environ.get("DOCS_SOURCE_ROOT", app.srcdir))
        date = os.environ.get("DOCS_BUILD_DATE") or dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
        config.build_stamp = {"date": date, "commit": source_commit(folder)}


def setup(app: Sphinx) -> dict[str, Any]:
    # Which pages a learner reads in order; the last has no Next.
    app.add_config_value("learner_pages", [], "html", types=frozenset({list}))
    # The project archive's path from the site's root, e.g. "downloads/openai-endpoint-notebooks.tar.gz" ("": none).
    app.add_config_value("project_archive", "", "env", types=frozenset({str}))
    app.add_config_value("build_stamp", {}, "html", types=frozenset({dict}))
    app.add_config_value("site_base_path", "/", "html", types=frozenset({str}))
    app.add_role("project-archive", project_archive_role)
    app.add_directive("unpack-commands", UnpackCommands)
    app.add_directive("clone-commands", CloneCommands)
    app.add_js_file("language-switch.js", loading_method="defer")
    app.connect("config-inited", _on_config_inited)
    app.connect("html-page-context", _on_page_context, priority=400)  # before sphinxext-opengraph reads "meta"
    app.connect("html-page-context", _on_not_found_page_context, priority=600)  # after site_languages' links
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
