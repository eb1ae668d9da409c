"""Sphinx configuration for the documentation site.

Built by `scripts/build_docs.py`, which stages this folder and the notebooks into docs/_build/ and runs Sphinx with
warnings as errors. The site must build and be viewed with no network: nothing here may load from another host.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "_ext"))

project = "OpenAI Endpoint Notebooks"
author = "OpenAI Endpoint Notebooks contributors"

extensions = ["myst_nb", "sphinx_copybutton", "notebook_pages", "site_languages"]
# Readable on phones, accessible, and the theme's own English in the page's language (issue 24, items 4-6).
extensions += ["readable_pages"]

# --- Languages: English here; build_docs.py builds the Korean site from the same sources with -D language=ko.
# The guide pages' translations are gettext catalogs in locales/<language>/LC_MESSAGES/<page>.po (sphinx-intl);
# locales/ko/LC_MESSAGES/sphinx.po adds Korean for Furo's own words ("On this page", "Back to top"...), which Furo's
# templates look up with _() in Sphinx's catalog, where Sphinx chains ours after its own.
language = "en"
locale_dirs = ["locales"]
gettext_compact = False
gettext_uuid = False
gettext_location = False  # the .po files stay stable when a line moves
templates_path = ["_templates"]

# --- Where the repository lives, for each notebook page's "view its source / recording" links and the clone command.
# No public home is published yet: set DOCS_REPOSITORY_URL (or -D repository_url=...) when building for one. Unset,
# the site shows no source or clone links at all (front_door.py refuses a placeholder such as OWNER).
repository_url = os.environ.get("DOCS_REPOSITORY_URL", "")
repository_branch = os.environ.get("DOCS_REPOSITORY_BRANCH", "main")

# The staged source tree holds only what the site shows; dev notes stay out of it.
exclude_patterns = ["_build", "_ext", "_templates", "locales", "dev", "**/.ipynb_checkpoints", "notebooks/_work"]
nitpicky = True
# README sections are written for the repository page, whose heading levels need not fit a docs page.
suppress_warnings = ["myst.header"]

# --- Notebooks: show the committed outputs, never run anything.
nb_execution_mode = "off"
# myst-nb would add require.js and the widget manager from public CDNs for notebooks with widget state.
nb_ipywidgets_js: dict[str, dict[str, str]] = {}
# Markdown cells are plain MyST; no extension here pulls in MathJax (whose default path is a CDN).
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

# --- HTML: Furo uses the system font stack and ships all of its assets.
html_theme = "furo"
html_title = project
html_static_path = ["_static"]
html_favicon = "_static/favicon.svg"
html_css_files = ["provenance.css", "languages.css"]
html_copy_source = False  # the notebooks themselves are in the repository
html_show_sourcelink = False
html_last_updated_fmt = None
html_show_copyright = False
html_theme_options = {
    # Shown on every page: the honesty rule for everything the notebooks display, and the language switcher.
    # _templates/page.html fills the bar in the page's language (the text is in _ext/site_strings.py).
    "announcement": "site-note",
    "top_of_page_buttons": [],
}
# Sphinx adds MathJax from a CDN on any page with math; fail loudly instead (build_docs.py also checks the HTML).
mathjax_path = "mathjax-is-not-available-offline.js"

# --- Copy button: code cells and shell snippets, not the outputs under them.
copybutton_selector = "div:not(.output) > div.highlight pre"
copybutton_prompt_text = r"\$ "
copybutton_prompt_is_regexp = True

# --- The front door (issue 24): the gallery home, the learner's reading order, the project archive, OpenGraph and
# description tags, the 404 page and the build stamp in the footer (_ext/front_door.py, _ext/gallery.py).
extensions += ["front_door", "gallery", "sphinxext.opengraph", "notfound.extension"]
html_css_files += ["front-door.css"]
# The reader's path, in order; the last page has no Next (contributor pages follow in the sidebar only).
_NOTEBOOK_NAMES = ("00_setup", "01_embeddings", "02_files", "03_images", "04_models", "05_moderations")
learner_pages = ["index", "getting-started", *[f"notebooks/{name}" for name in _NOTEBOOK_NAMES], "api-index"]
# build_docs.py sets project_archive (the archive's path from the site's root) when it has packed one.
# Where the site is published: absolute URLs in OpenGraph tags need it; the 404 page needs the path it is served at.
site_url = os.environ.get("DOCS_SITE_URL", "")
_base = os.environ.get("DOCS_BASE_PATH", "").strip("/")
site_base_path = f"/{_base}/" if _base else "/"
ogp_site_url = site_url
ogp_site_name = project
ogp_type = "website"
ogp_enable_meta_description = True
ogp_description_length = 200
ogp_social_cards = {"enable": False}  # cards are drawn with matplotlib and need a site URL; the thumbnails suffice
# sphinx-notfound-page: its links are absolute (a 404 can be served at any depth); each language's under its folder.
notfound_urls_prefix = site_base_path
