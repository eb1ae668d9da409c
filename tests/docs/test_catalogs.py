"""The Korean site's words can't go stale silently.

- Guide pages: the current sources' messages (`sphinx-build -b gettext`, then `sphinx-intl update` on a copy of
  docs/locales) must each have a translation that is neither missing nor fuzzy, and no catalog may translate a
  message the sources no longer have. After editing docs/ or a README section the pages include, run
  `scripts/build_docs.py --update-catalogs` and translate what it lists.
- Furo's words (docs/locales/ko/LC_MESSAGES/sphinx.po): each still occurs in Furo's templates (or is a word of
  Sphinx's that Sphinx's own catalog leaves untranslated), each translated.
- The strings the site's own code writes (docs/_ext/site_strings.py): every language has every key.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.pofile import read_po

from tests.docs.conftest import ROOT, _load_script

LOCALES = ROOT / "docs" / "locales"
TRANSLATED = ("ko",)


def _ext(name: str) -> ModuleType:
    """A module of docs/_ext (not a package; its modules import each other by name)."""
    sys.path.insert(0, str(ROOT / "docs" / "_ext"))
    try:
        spec = importlib.util.spec_from_file_location(name, ROOT / "docs" / "_ext" / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(ROOT / "docs" / "_ext"))


build_docs = _load_script("build_docs")


@pytest.fixture(scope="module")
def pot_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The guide pages' messages as the current sources have them."""
    work = tmp_path_factory.mktemp("gettext")
    assert build_docs.extract_messages(work / "pot", work) == 0
    return work / "pot"


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_guide_message_has_a_current_translation(pot_dir: Path, tmp_path: Path, language: str) -> None:
    catalogs = tmp_path / "locales"
    shutil.copytree(LOCALES, catalogs)
    build_docs.update_catalogs(pot_dir, catalogs, [language])
    problems = build_docs.catalog_problems(catalogs, pot_dir, language)
    assert not problems, (
        "the Korean guide pages are out of date; run scripts/build_docs.py --update-catalogs and translate:\n"
        + "\n".join(problems)
    )


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'


def test_the_staleness_check_fails_on_new_changed_and_removed_messages(tmp_path: Path) -> None:
    """An English paragraph edited, one added, one deleted: each is reported; an untouched one is not."""
    pots, locales = tmp_path / "pot", tmp_path / "locales"
    po = 'msgid "Kept."\nmsgstr "유지."\n\nmsgid "The sandbox starts."\nmsgstr "샌드박스가 시작합니다."\n\n'
    po += 'msgid "Removed paragraph."\nmsgstr "삭제된 문단."\n'
    _write(locales / "ko" / "LC_MESSAGES" / "page.po", HEADER + po)
    pot = 'msgid "Kept."\nmsgstr ""\n\nmsgid "The sandbox starts by itself."\nmsgstr ""\n\n'
    pot += 'msgid "A brand new paragraph about something else entirely."\nmsgstr ""\n'
    _write(pots / "page.pot", HEADER + pot)
    _write(pots / "new-page.pot", HEADER + 'msgid "Hello."\nmsgstr ""\n')
    assert "new-page.po: no catalog" in build_docs.catalog_problems(locales, pots, "ko")
    (pots / "new-page.pot").unlink()
    build_docs.update_catalogs(pots, locales, ["ko"])
    problems = build_docs.catalog_problems(locales, pots, "ko")
    assert any("fuzzy" in p and "The sandbox starts by itself." in p for p in problems), problems
    assert any("untranslated" in p and "A brand new paragraph" in p for p in problems), problems
    assert any("no longer in the sources" in p and "Removed paragraph." in p for p in problems), problems
    assert not any("'Kept.'" in p for p in problems), problems


def _furo_template_messages() -> set[str]:
    """Every string Furo's templates translate: _("...") and {% trans %}...{% endtrans %} without variables."""
    import furo

    found: set[str] = set()
    for template in Path(furo.__file__).parent.joinpath("theme", "furo").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        found |= {m.group(2) for m in re.finditer(r"""_\(\s*(["'])(.+?)\1\s*\)""", text)}
        blocks = re.finditer(r"{%-?\s*trans\s*-?%}(.*?){%-?\s*endtrans", text, re.DOTALL)
        found |= {m.group(1).strip() for m in blocks}
    return found


def _sphinx_messages_without_korean(language: str) -> set[str]:
    """Sphinx's own words (its sphinx.pot) that its catalog for `language` leaves untranslated, e.g. the
    "Link to this heading" title of each heading's anchor."""
    import sphinx

    locale = Path(sphinx.__file__).parent / "locale"
    with (locale / "sphinx.pot").open("rb") as handle:
        words = {m.id for m in read_po(handle) if m.id and isinstance(m.id, str)}
    with (locale / language / "LC_MESSAGES" / "sphinx.po").open("rb") as handle:
        translated = {m.id for m in read_po(handle) if m.id and m.string and not m.fuzzy}
    return words - translated


@pytest.mark.parametrize("language", TRANSLATED)
def test_theme_catalog_is_current_and_complete(language: str) -> None:
    with (LOCALES / language / "LC_MESSAGES" / "sphinx.po").open("rb") as handle:
        catalog = read_po(handle)
    messages = [m for m in catalog if m.id]
    furo_words = _furo_template_messages()
    assert {"Back to top", "On this page", "Next", "Previous"} <= furo_words  # the parser finds Furo's words
    assert {"Back to top", "On this page", "Next", "Previous"} <= {m.id for m in messages}
    theirs = furo_words | _sphinx_messages_without_korean(language)
    gone = [m.id for m in messages if m.id.strip() not in theirs]
    assert not gone, f"sphinx.po translates words neither Furo's templates nor Sphinx still lack: {gone}"
    untranslated = [m.id for m in messages if not m.string or m.fuzzy]
    assert not untranslated, f"sphinx.po lacks a translation for {untranslated}"


def test_site_strings_exist_in_every_language() -> None:
    strings = _ext("site_strings").STRINGS
    keys = set(strings["en"])
    for language, table in strings.items():
        assert set(table) == keys, f"{language}: missing {keys - set(table)}, extra {set(table) - keys}"
        empty = [key for key, value in table.items() if not value and key != "untranslated"]
        assert not empty, f"{language}: empty strings {empty}"
    assert strings["ko"]["untranslated"], "a Korean page showing an English notebook must say so"


def test_language_switch_urls_point_to_the_same_page() -> None:
    page_url = _ext("site_languages").page_url
    assert page_url("index", "en", "ko", "index") == "ko/index.html"
    assert page_url("notebooks/01_embeddings", "en", "ko", "notebooks/01_embeddings") == (
        "../ko/notebooks/01_embeddings.html"
    )
    assert page_url("index", "ko", "en", "index") == "../index.html"
    assert page_url("notebooks/01_embeddings", "ko", "en", "notebooks/01_embeddings") == (
        "../../notebooks/01_embeddings.html"
    )
