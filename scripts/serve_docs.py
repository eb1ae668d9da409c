#!/usr/bin/env python3
"""Serve the built documentation site (docs/_build/html) on this machine only.

    scripts/serve_docs.py              # http://127.0.0.1:8800/
    scripts/serve_docs.py --port 9000 --dir docs/_build/html

Binds to 127.0.0.1, never to all interfaces. Build first with `make docs` (or scripts/build_docs.py).
"""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Sequence
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SITE = ROOT / "docs" / "_build" / "html"
DEFAULT_PORT = 8800
NOT_FOUND_PAGE = "404.html"  # written by sphinx-notfound-page, in each language's folder


class SiteHandler(SimpleHTTPRequestHandler):
    """Static files; a missing one gets the site's 404 page (the Korean one under /ko/), as a web host serves it."""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = self._not_found_page() if code == HTTPStatus.NOT_FOUND else None
        if page is None:
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(code, message)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _not_found_page(self) -> Path | None:
        site = Path(self.directory).resolve()
        folder = self.path.lstrip("/").split("/", 1)[0]
        localized = (site / folder / NOT_FOUND_PAGE).resolve()
        if folder and localized.parent.parent == site and localized.is_file():
            return localized
        page = site / NOT_FOUND_PAGE
        return page if page.is_file() else None


class QuietHandler(SiteHandler):
    """Static files with no per-request log line (the test serves dozens of files)."""

    def log_message(self, format: str, *args: Any) -> None:
        pass


def make_server(site: Path, port: int = 0, *, quiet: bool = True) -> ThreadingHTTPServer:
    """A loopback HTTP server for `site`; port 0 picks a free port (read it from server.server_address)."""
    if not (site / "index.html").is_file():
        raise FileNotFoundError(f"no built site at {site}: run `make docs` first")
    handler = functools.partial(QuietHandler if quiet else SiteHandler, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    return server


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port on 127.0.0.1 (default {DEFAULT_PORT})")
    parser.add_argument("--dir", type=Path, default=DEFAULT_SITE, help="the built site (default docs/_build/html)")
    args = parser.parse_args(argv)
    try:
        server = make_server(args.dir.resolve(), args.port, quiet=False)
    except (FileNotFoundError, OSError) as error:
        print(error, file=sys.stderr)
        return 1
    print(f"serving {args.dir} at http://127.0.0.1:{server.server_port}/ (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
