"""The docs tests' shared fixture: the built site. Sample notebooks in fixtures/ are build inputs, not tests."""

from __future__ import annotations

import fcntl
import importlib.util
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.docs.tour import Tour  # tour.py imports this module: only for the annotation

collect_ignore = ["fixtures"]

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@dataclass(frozen=True)
class BuiltSite:
    html: Path
    notebooks: list[Path]


def _load_script(name: str) -> ModuleType:
    """Import scripts/<name>.py (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The built site, and the notebooks it was built from: built (or found current) once per session."""
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    if os.environ.get("DOCS_TEST_NOTEBOOKS"):
        notebooks = sorted(Path(os.environ["DOCS_TEST_NOTEBOOKS"]).glob("*.ipynb"))
        build_dir, args = tmp_path_factory.mktemp("docs-site"), ["--notebooks", *map(str, notebooks)]
    elif notebooks and os.environ.get("DOCS_TEST_SAMPLE") != "1":
        build_dir, args = ROOT / "docs" / "_build", ["--if-stale"]
    else:
        notebooks = sorted(FIXTURES.glob("*.ipynb"))
        build_dir, args = tmp_path_factory.mktemp("docs-site"), ["--notebooks", *map(str, notebooks)]
    build_dir.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, str(ROOT / "scripts" / "build_docs.py"), "--build-dir", str(build_dir), *args]
    # Parallel test workers share docs/_build: one builds while the others wait, then reuse it.
    with open(build_dir / ".build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"docs build failed:\n{result.stdout}\n{result.stderr}"
    return BuiltSite(build_dir / "html", notebooks)


@pytest.fixture(scope="session")
def served(site: BuiltSite) -> Iterator[str]:
    """The site on a free loopback port, served from a thread; yields its base URL."""
    server = _load_script("serve_docs").make_server(site.html, 0)
    thread = threading.Thread(target=server.serve_forever, name="docs-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def tour(site: BuiltSite, served: str) -> Tour:
    """Every page visited once in Chromium at each width (tests/docs/tour.py), for the site and axe tests."""
    from tests.browser import chromium_or_skip
    from tests.docs.tour import visit_every_page

    return visit_every_page(chromium_or_skip(), site, served)
