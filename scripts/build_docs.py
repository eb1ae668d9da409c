#!/usr/bin/env python3
"""Build the documentation site into docs/_build/html (English) and docs/_build/html/ko (Korean), offline, failing
on any Sphinx warning.

    scripts/build_docs.py                     # docs/ + README sections + notebooks/*.ipynb (committed outputs)
    scripts/build_docs.py --if-stale          # skip when nothing that goes into the site has changed
    scripts/build_docs.py --notebooks tests/docs/fixtures/*.ipynb --build-dir /tmp/site
    scripts/build_docs.py --update-catalogs   # after editing docs/ or README.md: refresh docs/locales/ko/*.po

Two Sphinx builds from one source tree, the second with `-D language=ko` into html/ko: the Korean site can never lack
a page or a section the English one has, and its guide text comes from gettext catalogs that a test keeps current
(docs/locales/ko/LC_MESSAGES/*.po, written with sphinx-intl). The Korean build renders notebooks/ko/NAME.ipynb where
it exists and otherwise the English notebook under the same address with Korean chrome and a note saying the
notebook is not translated yet: /ko/notebooks/NAME.html never moves, so links and the language switcher stay valid
when a translation arrives.

The site also serves the project itself: downloads/openai-endpoint-notebooks.tar.gz is `git archive` of the commit
(none when the sources are not a git checkout, e.g. an unpacked archive), linked from Getting started and every
notebook page. Settings from the environment: DOCS_REPOSITORY_URL (source and clone links; unset, there are none, and
a placeholder stops the build), DOCS_SITE_URL (absolute OpenGraph URLs), DOCS_BASE_PATH (the path the site is served
at, for the 404 page's links), DOCS_BUILD_COMMIT and DOCS_BUILD_DATE (the footer's stamp where git cannot say).

Sphinx reads a staged copy (BUILD_DIR/src: docs/ plus the notebooks under notebooks/, and README.md beside it so
the pages' `{include}` of ../README.md still resolves), so the source tree is never written to. After the build,
every page is checked for resources that would be fetched from another host or that are missing.
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from html.parser import HTMLParser
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
DEFAULT_BUILD_DIR = DOCS / "_build"
DEFAULT_NOTEBOOKS = str(ROOT / "notebooks" / "*.ipynb")
# Anything that changes the site's output when its version changes.
TOOL_PACKAGES = (
    "sphinx",
    "myst-nb",
    "myst-parser",
    "furo",
    "sphinx-copybutton",
    "docutils",
    "sphinxext-opengraph",
    "sphinx-notfound-page",
    "pillow",
)
# conf.py points mathjax_path here so that a page with math is caught rather than sent to a CDN.
MATHJAX_PLACEHOLDER = "mathjax-is-not-available-offline.js"
NOT_STAGED = ("_build", "dev", "notebooks", "__pycache__", ".ipynb_checkpoints", "*.mo")
# The site's languages: the first at the root of the site, each other one in a folder named after it.
LANGUAGES = ("en", "ko")
TRANSLATIONS = "ko"  # where a notebook's translations live, beside it: notebooks/ko/NAME.ipynb
LOCALES = DOCS / "locales"
# The project archive the site serves (what `git archive` of the commit holds), from the site's root.
ARCHIVE = "downloads/openai-endpoint-notebooks.tar.gz"
ARCHIVE_FOLDER = "openai-endpoint-notebooks"  # the folder the archive unpacks into
# Text that would send a reader to a repository that does not exist (conf.py once fell back to github.com/OWNER).
PLACEHOLDER_LINK = re.compile(r"""(href|src)=["'][^"']*(\bOWNER\b|%3Crepository|<repository)""", re.IGNORECASE)


def source_commit() -> str | None:
    """The commit the repository is at, or None when this is not a git checkout (e.g. an unpacked archive)."""
    try:
        result = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    commit = result.stdout.strip()
    return commit if result.returncode == 0 and re.fullmatch(r"[0-9a-f]{40}", commit) else None


def write_archive(commit: str, target: Path) -> None:
    """`git archive` of `commit` as a .tar.gz whose files unpack into ARCHIVE_FOLDER/."""
    target.parent.mkdir(parents=True, exist_ok=True)
    command = ["git", "-C", str(ROOT), "archive", "--format=tar.gz", f"--prefix={ARCHIVE_FOLDER}/"]
    subprocess.run([*command, "-o", str(target), commit], check=True, capture_output=True, timeout=300)


def placeholder_problems(site: Path) -> list[str]:
    """Links on any page that point at a placeholder repository instead of a real one."""
    problems = []
    for page in sorted(site.rglob("*.html")):
        for match in PLACEHOLDER_LINK.finditer(page.read_text(encoding="utf-8")):
            problems.append(f"{page.relative_to(site)}: links to a placeholder: {match.group(0)!r}")
    return problems


def find_notebooks(patterns: Sequence[str]) -> list[Path]:
    """The notebooks to render: paths or globs, relative to the current folder."""
    found = {Path(match).resolve() for pattern in patterns for match in glob.glob(pattern)}
    return sorted((path for path in found if path.suffix == ".ipynb" and path.is_file()), key=lambda p: p.name)


def translated_notebook(notebook: Path, language: str) -> Path | None:
    """The notebook's translation into `language` (LANG/NAME.ipynb beside it), if there is one."""
    twin = notebook.parent / language / notebook.name
    return twin if language != LANGUAGES[0] and twin.is_file() else None


def notebooks_for(notebooks: Sequence[Path], language: str) -> list[Path]:
    """What the build in `language` renders: each notebook's translation where it exists, else the notebook."""
    return [translated_notebook(notebook, language) or notebook for notebook in notebooks]


def source_files() -> list[Path]:
    """Every file of docs/ that goes into the site, in a stable order."""
    files = []
    for path in sorted(DOCS.rglob("*")):
        relative = path.relative_to(DOCS)
        if path.is_file() and not any(part in NOT_STAGED for part in relative.parts):
            files.append(path)
    return files


def inputs_digest(notebooks: Sequence[Path]) -> str:
    """A fingerprint of everything the site is built from: sources, notebooks, this script and the tools' versions."""
    digest = hashlib.sha256()
    for path in [*source_files(), ROOT / "README.md", Path(__file__).resolve()]:
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    for language in LANGUAGES:
        for notebook in notebooks_for(notebooks, language):
            name = f"{language}/{notebook.name}".encode()
            digest.update(b"notebook:" + name + b"\0" + notebook.read_bytes() + b"\0")
    for package in TOOL_PACKAGES:
        digest.update(f"{package}=={metadata.version(package)}\0".encode())
    digest.update(f"commit:{source_commit()}\0".encode())  # the archive and the footer's stamp follow the commit
    return digest.hexdigest()


def stage(notebooks: Sequence[Path], build_dir: Path, language: str = LANGUAGES[0]) -> Path:
    """Copy docs/, README.md and the notebooks into build_dir; return the staged Sphinx source folder.

    Each language gets its own copy (Sphinx compiles the catalogs next to the sources), all beside README.md.
    """
    source = build_dir / ("src" if language == LANGUAGES[0] else f"src-{language}")
    shutil.rmtree(source, ignore_errors=True)
    shutil.copytree(DOCS, source, ignore=shutil.ignore_patterns(*NOT_STAGED))
    shutil.copy2(ROOT / "README.md", build_dir / "README.md")
    (source / "notebooks").mkdir()
    for notebook in notebooks_for(notebooks, language):
        shutil.copy2(notebook, source / "notebooks" / notebook.name)
    return source


class _ResourceCollector(HTMLParser):
    """Collects the URLs a browser fetches on its own when showing a page (not the links a reader may follow)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag in ("script", "img", "iframe", "source", "video", "audio", "embed", "track") and values.get("src"):
            self.urls.append(values["src"])
        elif tag == "link" and values.get("href"):
            rel = values.get("rel", "").lower().split()
            if {"stylesheet", "preload", "modulepreload", "icon", "prefetch", "manifest"} & set(rel):
                self.urls.append(values["href"])
        elif tag == "object" and values.get("data"):
            self.urls.append(values["data"])


def offline_problems(site: Path) -> list[str]:
    """Resources the site would fetch from another host, or local ones that are missing."""
    problems: list[str] = []
    checks: list[tuple[Path, str]] = []
    for page in sorted(site.rglob("*.html")):
        collector = _ResourceCollector()
        collector.feed(page.read_text(encoding="utf-8"))
        checks += [(page, url) for url in collector.urls]
    for sheet in sorted(site.rglob("*.css")):
        text = sheet.read_text(encoding="utf-8", errors="replace")
        checks += [(sheet, url) for url in re.findall(r"""url\(\s*['"]?([^'")]+)""", text)]
        checks += [(sheet, url) for url in re.findall(r"""@import\s+['"]([^'"]+)""", text)]
    for origin, url in checks:
        parts = urlsplit(url)
        where = origin.relative_to(site)
        if parts.scheme == "data" or url.startswith("#"):
            continue
        if parts.scheme or parts.netloc:
            problems.append(f"{where}: loads {url} from another host (the site must view offline)")
            continue
        target = resolve_local(site, origin, unquote(parts.path))
        if target.name == MATHJAX_PLACEHOLDER:
            problems.append(f"{where}: has math (e.g. a text/latex output), which needs MathJax, not bundled offline")
        elif not target.is_file():
            problems.append(f"{where}: refers to {url}, which is not in the site")
    return problems


def resolve_local(site: Path, origin: Path, path: str) -> Path:
    """The file a local URL names: relative to the page, or to the site's root when it starts with / (the 404 pages,
    whose links must work at any depth, start with DOCS_BASE_PATH)."""
    if path.startswith("/"):
        base = "/" + os.environ.get("DOCS_BASE_PATH", "").strip("/")
        return (site / path.removeprefix(base.rstrip("/")).lstrip("/")).resolve()
    return (origin.parent / path).resolve()


def site_size(site: Path, *, skip: Sequence[str] = ()) -> tuple[int, int]:
    """(bytes, files) of the built site, leaving out the top-level folders named in `skip`."""
    files = [p for p in site.rglob("*") if p.is_file() and p.relative_to(site).parts[0] not in skip]
    return sum(path.stat().st_size for path in files), len(files)


# --- Translations of the guide pages (gettext catalogs, kept with sphinx-intl) ---------------------------------


def extract_messages(pot_dir: Path, build_dir: Path) -> int:
    """Write the guide pages' translatable messages (.pot) to pot_dir; the notebooks are translated as notebooks."""
    from sphinx.cmd.build import build_main

    source = stage([], build_dir / "gettext-src")
    shutil.rmtree(pot_dir, ignore_errors=True)
    excluded = "_build,_ext,_templates,locales,dev,notebooks"
    argv = ["-b", "gettext", "-q", "-E", "-D", f"exclude_patterns={excluded}", "-D", "language=en"]
    argv += ["-d", str(build_dir / "gettext-doctrees"), str(source), str(pot_dir)]
    if build_main(argv) != 0:
        return 1
    # Strings in our templates would land in sphinx.pot; the theme's words (locales/*/sphinx.po) are kept by hand.
    (pot_dir / "sphinx.pot").unlink(missing_ok=True)
    return 0


def update_catalogs(pot_dir: Path, locale_dir: Path, languages: Sequence[str] = LANGUAGES[1:]) -> None:
    """Merge the .pot files into locale_dir/LANG/LC_MESSAGES/*.po (new messages empty, changed ones fuzzy)."""
    command = [sys.executable, "-m", "sphinx_intl", "update", "-p", str(pot_dir), "-d", str(locale_dir), "-w", "0"]
    for language in languages:
        command += ["-l", language]
    subprocess.run(command, check=True, capture_output=True, text=True)


def catalog_problems(locale_dir: Path, pot_dir: Path, language: str) -> list[str]:
    """Messages of the current sources without a current translation, and translations of messages that are gone.

    Run on a copy of the catalogs after update_catalogs: what sphinx-intl had to add (empty), mark fuzzy (the
    English changed) or move to obsolete (the English is gone) is exactly what a translator has to look at.
    """
    from babel.messages.pofile import read_po

    problems: list[str] = []
    folder = locale_dir / language / "LC_MESSAGES"
    for pot in sorted(pot_dir.rglob("*.pot")):
        relative = pot.relative_to(pot_dir).with_suffix(".po")
        po = folder / relative
        if not po.is_file():
            problems.append(f"{relative}: no catalog")
            continue
        with po.open("rb") as handle:
            catalog = read_po(handle)
        for message in catalog:
            if not message.id:
                continue
            text = message.id if isinstance(message.id, str) else message.id[0]
            short = text if len(text) <= 70 else text[:67] + "..."
            if message.fuzzy:
                problems.append(f"{relative}: outdated (fuzzy) translation of {short!r}")
            elif not message.string or (not isinstance(message.string, str) and not all(message.string)):
                problems.append(f"{relative}: untranslated {short!r}")
        for message_id in catalog.obsolete:
            text = message_id if isinstance(message_id, str) else message_id[0]
            problems.append(f"{relative}: translation of a message no longer in the sources: {text[:67]!r}")
    return problems


def language_options(notebooks: Sequence[Path], language: str) -> list[str]:
    """Sphinx overrides for one language's build: the language, and which notebooks it shows untranslated."""
    if language == LANGUAGES[0]:
        return []
    untranslated = [n.stem for n in notebooks if translated_notebook(n, language) is None]
    options = ["-D", f"language={language}"]
    return options + (["-D", f"untranslated_notebooks={','.join(untranslated)}"] if untranslated else [])


def build_language(
    notebooks: Sequence[Path], build_dir: Path, language: str, *, jobs: str = "1", archive: bool = False
) -> int:
    """One language's Sphinx build into html/ (the first language) or html/LANG/; 0 when it has no warning.

    Another language is built beside html/ and moved in afterwards: MyST-NB writes its scratch folder next to the
    output folder, which inside html/ would become part of the English site.
    """
    from sphinx.cmd.build import build_main

    html = build_dir / "html" if language == LANGUAGES[0] else build_dir / f"html-{language}"
    shutil.rmtree(build_dir / f"html-{language}", ignore_errors=True)
    source = stage(notebooks, build_dir, language)
    argv = ["-b", "html", "-W", "--keep-going", "-n", "-q", "-E", "-j", jobs, *language_options(notebooks, language)]
    argv += ["-D", f"project_archive={ARCHIVE}"] if archive else []
    argv += ["-d", str(build_dir / "doctrees" / language), str(source), str(html)]
    status = build_main(argv)
    if status != 0:
        print(f"\nSphinx reported problems in the {language} build (paths under {source} are staged copies).")
        return 1
    if language != LANGUAGES[0]:
        shutil.move(html, build_dir / "html" / language)
    return 0


def build(notebooks: Sequence[Path], build_dir: Path, *, jobs: str = "1") -> int:
    """Stage and build; return a process exit status (0 only with no warning and nothing fetched from outside)."""
    html = build_dir / "html"
    stamp = build_dir / "inputs.sha256"
    stamp.unlink(missing_ok=True)
    shutil.rmtree(html, ignore_errors=True)  # a page removed from the sources must leave the site too
    commit = source_commit()
    if commit is None:
        print("not a git checkout: the site gets no project archive (build from a clone to include one)")
    os.environ.setdefault("DOCS_SOURCE_ROOT", str(ROOT))  # the footer's commit is the repository's, not the staging's
    for language in LANGUAGES:
        if build_language(notebooks, build_dir, language, jobs=jobs, archive=commit is not None) != 0:
            return 1
    if commit is not None:
        write_archive(commit, html / ARCHIVE)
    problems = offline_problems(html) + placeholder_problems(html)
    for problem in problems:
        print(f"site check: {problem}", file=sys.stderr)
    if problems:
        return 1
    stamp.write_text(inputs_digest(notebooks) + "\n")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--notebooks", nargs="+", default=[DEFAULT_NOTEBOOKS], help="paths or globs (default: notebooks/*.ipynb)"
    )
    parser.add_argument("--build-dir", type=Path, default=DEFAULT_BUILD_DIR, help="the site goes to BUILD_DIR/html")
    parser.add_argument("--if-stale", action="store_true", help="do nothing when the last build is still current")
    parser.add_argument("-j", "--jobs", default="1", help="Sphinx's parallel jobs (default 1: the site is small)")
    parser.add_argument(
        "--update-catalogs", action="store_true", help="refresh docs/locales/*/LC_MESSAGES/*.po from the sources"
    )
    args = parser.parse_args(argv)

    build_dir: Path = args.build_dir.resolve()
    if args.update_catalogs:
        pot_dir = build_dir / "gettext"
        if extract_messages(pot_dir, build_dir) != 0:
            return 1
        update_catalogs(pot_dir, LOCALES)
        problems = [p for language in LANGUAGES[1:] for p in catalog_problems(LOCALES, pot_dir, language)]
        print("\n".join([f"catalogs updated in {LOCALES.relative_to(ROOT)}; to translate:", *problems]))
        return 0
    notebooks = find_notebooks(args.notebooks)
    if not notebooks:
        print(f"no notebooks match {' '.join(args.notebooks)}; the site needs at least one", file=sys.stderr)
        print("(to try the build on the sample: --notebooks tests/docs/fixtures/*.ipynb)", file=sys.stderr)
        return 2
    html = build_dir / "html"
    stamp = build_dir / "inputs.sha256"
    if args.if_stale and stamp.is_file() and stamp.read_text().strip() == inputs_digest(notebooks):
        print(f"docs are up to date: {html}")
        return 0

    started = time.perf_counter()
    status = build(notebooks, build_dir, jobs=args.jobs)
    elapsed = time.perf_counter() - started
    if status != 0:
        print(f"docs build FAILED after {elapsed:.1f} s", file=sys.stderr)
        return status
    print(f"built {len(notebooks)} notebook(s) in {len(LANGUAGES)} languages into {html} in {elapsed:.1f} s")
    for language in LANGUAGES:
        folder = html if language == LANGUAGES[0] else html / language
        size, count = site_size(folder, skip=LANGUAGES[1:] if language == LANGUAGES[0] else ())
        print(f"site size ({language}): {size} bytes in {count} files ({size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
