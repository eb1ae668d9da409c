"""The site in several languages: one Sphinx build per language from the same sources (see build_docs.py).

- Every page gets a link to the same page in the other language (`language_switch` in the template context, drawn
  by _templates/page.html in Furo's announcement bar, which is at the top of every page at every width) and
  ``<link rel="alternate" hreflang>`` tags.
- The site-wide note and the site's title come in the page's language.
- The first language is at the root of the site; each other language in a folder named after it (html/ko/).
"""

from __future__ import annotations

from typing import Any

from site_strings import DEFAULT_LANGUAGE, text
from sphinx.application import Sphinx
from sphinx.config import Config

SITE_LANGUAGES = (DEFAULT_LANGUAGE, "ko")


def page_url(pagename: str, from_language: str, to_language: str, current_page: str) -> str:
    """The relative URL, from `current_page` in `from_language`, of `pagename` in `to_language`."""
    up = "../" * current_page.count("/")
    if from_language != DEFAULT_LANGUAGE:
        up += "../"  # out of html/<language>/ to the site's root
    folder = "" if to_language == DEFAULT_LANGUAGE else f"{to_language}/"
    return f"{up}{folder}{pagename}.html"


def _language(app: Sphinx) -> str:
    return str(app.config.language or DEFAULT_LANGUAGE)


def _on_page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: object) -> None:
    current = _language(app)
    others = [language for language in SITE_LANGUAGES if language != current]
    context["site_note"] = text(current, "site_note")
    context["language_links"] = [
        {
            "lang": language,
            "href": page_url(pagename, current, language, pagename),
            "name": text(language, "language_name"),
            "label": text(language, "switch_label"),
        }
        for language in others
    ]
    # A notebook this build shows untranslated: its text is English, so say so to browsers and screen readers.
    stem = pagename.removeprefix("notebooks/")
    untranslated = pagename.startswith("notebooks/") and stem in app.config.untranslated_notebooks
    context["content_lang"] = DEFAULT_LANGUAGE if untranslated else current


def _on_config_inited(app: Sphinx, config: Config) -> None:
    """The site's title in the build's language (the sidebar's brand, the tab titles)."""
    config.html_title = text(str(config.language or DEFAULT_LANGUAGE), "site_title")


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", _on_config_inited)
    app.connect("html-page-context", _on_page_context)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
