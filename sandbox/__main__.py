"""``python -m sandbox``: serve the sandbox on loopback."""

from __future__ import annotations

import argparse
import contextlib
import signal
import socket
import sys
from pathlib import Path

import uvicorn
from uvicorn.config import STARTUP_FAILURE

from sandbox.app import create_app
from sandbox.config import DEFAULT_DATA_DIR, Settings
from sandbox.lifetime import TemporaryDataFolder, exit_when_stdin_closes
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
    learner = parser.add_argument_group("the sandbox a notebook starts for itself (the learner's mode)")
    learner.add_argument(
        "--temporary-data", action="store_true", help="keep files in a new temporary folder, removed when it stops"
    )
    learner.add_argument("--exit-with-parent", action="store_true", help="stop when stdin closes (the parent ended)")
    learner.add_argument(
        "--restorable", action="store_true", help="serve /sandbox/* to restore a recording's files and reset"
    )
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
    temporary = TemporaryDataFolder() if args.temporary_data else None
    if temporary is not None:
        # uvicorn re-raises the SIGTERM it caught once it has shut down; with the default handler that would end
        # the process before the folder is removed, so a SIGTERM ends it the ordinary way, through ``finally``.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        serve(args, temporary.path / "data" if temporary else args.data_dir)
    finally:
        if temporary is not None:
            temporary.remove()


def serve(args: argparse.Namespace, data_dir: Path) -> None:
    settings = Settings(
        data_dir=data_dir,
        api_key=args.api_key,
        load_models=not args.no_models,
        reproducible=args.reproducible,
        restorable=args.restorable,
    )
    try:
        app = create_app(settings)
    except DataFolderInUse as exc:  # a clear one-line refusal, exit status 1, no traceback
        raise SystemExit(f"python -m sandbox: {exc}") from None
    # A short graceful shutdown: an idle keep-alive connection must not hold up a stop.
    config = uvicorn.Config(app, host=args.host, port=args.port, log_level="warning", timeout_graceful_shutdown=2)
    server = _AnnouncingServer(config, needs_key=args.api_key is not None)
    if args.exit_with_parent:
        exit_when_stdin_closes(lambda: setattr(server, "should_exit", True))
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C: uvicorn has already shut down cleanly
        server.run()
    if not server.started:
        sys.exit(STARTUP_FAILURE)  # as uvicorn.run does


if __name__ == "__main__":
    main()
