"""``python -m sandbox``: serve the sandbox on loopback."""

from __future__ import annotations

import argparse
import contextlib
import socket
import sys
from pathlib import Path

import uvicorn
from uvicorn.config import STARTUP_FAILURE

from sandbox.app import create_app
from sandbox.config import DEFAULT_DATA_DIR, Settings
from sandbox.stores.files import DataFolderInUse


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="bind address (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port (default: 8000; 0 picks a free one)")
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="where uploaded files are kept")
    parser.add_argument("--api-key", default=None, help="if set, requests must send this bearer key")
    parser.add_argument(
        "--reproducible", action="store_true", help="fixed clock and id sequence (for reproducible recordings)"
    )
    parser.add_argument("--no-models", action="store_true", help="skip loading the sentence model (fast start)")
    return parser.parse_args(argv)


class _AnnouncingServer(uvicorn.Server):
    """uvicorn's server, plus one line on stdout once it listens: where it is and what to export."""

    def __init__(self, config: uvicorn.Config, *, needs_key: bool) -> None:
        super().__init__(config)
        self.needs_key = needs_key

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.should_exit or not self.servers:
            return  # start-up failed (e.g. the port is taken); uvicorn has said why on stderr
        host, port = self.servers[0].sockets[0].getsockname()[:2]
        print(listening_line(str(host), int(port), needs_key=self.needs_key), flush=True)


def listening_line(host: str, port: int, *, needs_key: bool = False) -> str:
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/v1"
    key = "<the key given to --api-key>" if needs_key else "sk-anything"
    return f"Sandbox listening on {url} — export OPENAI_BASE_URL={url} OPENAI_API_KEY={key}"


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    settings = Settings(
        data_dir=args.data_dir,
        api_key=args.api_key,
        load_models=not args.no_models,
        reproducible=args.reproducible,
    )
    try:
        app = create_app(settings)
    except DataFolderInUse as exc:  # a clear one-line refusal, exit status 1, no traceback
        raise SystemExit(f"python -m sandbox: {exc}") from None
    config = uvicorn.Config(app, host=args.host, port=args.port, log_level="warning")
    server = _AnnouncingServer(config, needs_key=args.api_key is not None)
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C: uvicorn has already shut down cleanly
        server.run()
    if not server.started:
        sys.exit(STARTUP_FAILURE)  # as uvicorn.run does


if __name__ == "__main__":
    main()
