#!/usr/bin/env python3
"""Build the documentation site into docs/_build/html, offline, failing on any Sphinx warning.

    scripts/build_docs.py                     # docs/ + README sections + notebooks/*.ipynb (committed outputs)
    scripts/build_docs.py --if-stale          # skip when nothing that goes into the site has changed
    scripts/build_docs.py --notebooks tests/docs/fixtures/*.ipynb --build-dir /tmp/site

Sphinx reads a staged copy (BUILD_DIR/src: docs/ plus the notebooks under notebooks/, and README.md beside it so
the pages' `{include}` of ../README.md still resolves), so the source tree is never written to. After the build,
every page is checked for resources that would be fetched from another host or that are missing.
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import re
import shutil
import sys
import time
from collections.abc import Iterable, Sequence
from html.parser import HTMLParser
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
DEFAULT_BUILD_DIR = DOCS / "_build"
DEFAULT_NOTEBOOKS = str(ROOT / "notebooks" / "*.ipynb")
# Anything that changes the site's output when its version changes.
TOOL_PACKAGES = ("sphinx", "myst-nb", "myst-parser", "furo", "sphinx-copybutton", "docutils")
# conf.py points mathjax_path here so that a page with math is caught rather than sent to a CDN.
MATHJAX_PLACEHOLDER = "mathjax-is-not-available-offline.js"
NOT_STAGED = ("_build", "dev", "notebooks", "__pycache__", ".ipynb_checkpoints")


def find_notebooks(patterns: Sequence[str]) -> list[Path]:
    """The notebooks to render: paths or globs, relative to the current folder."""
    found = {Path(match).resolve() for pattern in patterns for match in glob.glob(pattern)}
    return sorted((path for path in found if path.suffix == ".ipynb" and path.is_file()), key=lambda p: p.name)


def source_files() -> list[Path]:
    """Every file of docs/ that goes into the site, in a stable order."""
    files = []
    for path in sorted(DOCS.rglob("*")):
        relative = path.relative_to(DOCS)
        if path.is_file() and not any(part in NOT_STAGED for part in relative.parts):
            files.append(path)
    return files


def inputs_digest(notebooks: Iterable[Path]) -> str:
    """A fingerprint of everything the site is built from: sources, notebooks, this script and the tools' versions."""
    digest = hashlib.sha256()
    for path in [*source_files(), ROOT / "README.md", Path(__file__).resolve()]:
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    for notebook in notebooks:
        digest.update(b"notebook:" + notebook.name.encode() + b"\0" + notebook.read_bytes() + b"\0")
    for package in TOOL_PACKAGES:
        digest.update(f"{package}=={metadata.version(package)}\0".encode())
    return digest.hexdigest()


def stage(notebooks: Sequence[Path], build_dir: Path) -> Path:
    """Copy docs/, README.md and the notebooks into build_dir; return the staged Sphinx source folder."""
    source = build_dir / "src"
    shutil.rmtree(source, ignore_errors=True)
    shutil.copytree(DOCS, source, ignore=shutil.ignore_patterns(*NOT_STAGED))
    shutil.copy2(ROOT / "README.md", build_dir / "README.md")
    (source / "notebooks").mkdir()
    for notebook in notebooks:
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
        target = (origin.parent / unquote(parts.path)).resolve()
        if target.name == MATHJAX_PLACEHOLDER:
            problems.append(f"{where}: has math (e.g. a text/latex output), which needs MathJax, not bundled offline")
        elif not target.is_file():
            problems.append(f"{where}: refers to {url}, which is not in the site")
    return problems


def site_size(site: Path) -> tuple[int, int]:
    """(bytes, files) of the built site."""
    files = [path for path in site.rglob("*") if path.is_file()]
    return sum(path.stat().st_size for path in files), len(files)


def build(notebooks: Sequence[Path], build_dir: Path, *, jobs: str = "1") -> int:
    """Stage and build; return a process exit status (0 only with no warning and nothing fetched from outside)."""
    from sphinx.cmd.build import build_main

    html = build_dir / "html"
    stamp = build_dir / "inputs.sha256"
    stamp.unlink(missing_ok=True)
    shutil.rmtree(html, ignore_errors=True)  # a page removed from the sources must leave the site too
    source = stage(notebooks, build_dir)
    argv = ["-b", "html", "-W", "--keep-going", "-n", "-q", "-E", "-j", jobs]
    argv += ["-d", str(build_dir / "doctrees"), str(source), str(html)]
    status = build_main(argv)
    if status != 0:
        print(f"\nSphinx reported problems (paths under {source} are staged copies of docs/ and the notebooks).")
        return 1
    problems = offline_problems(html)
    for problem in problems:
        print(f"offline check: {problem}", file=sys.stderr)
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
    args = parser.parse_args(argv)

    build_dir: Path = args.build_dir.resolve()
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
    size, count = site_size(html)
    print(f"built {len(notebooks)} notebook(s) into {html} in {elapsed:.1f} s")
    print(f"site size: {size} bytes in {count} files ({size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
