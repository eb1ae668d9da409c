"""``python -m sandbox``: serve the sandbox on loopback."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import signal
import socket
import sys
import tempfile

import uvicorn
from uvicorn.config import STARTUP_FAILURE

from sandbox.app import create_app
from sandbox.config import Settings, resolve
from sandbox.lifetime import TemporaryDataFolder, exit_when_stdin_closes
from sandbox.stores.files import DataFolderInUse


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
    key = "<the key from --api-key or SANDBOX_API_KEY>" if needs_key else "sk-anything"
    return f"Sandbox listening on {url} — export OPENAI_BASE_URL={url} OPENAI_API_KEY={key}"


def main(argv: list[str] | None = None) -> None:
    settings = resolve(argv, os.environ)
    temporary = TemporaryDataFolder() if settings.temporary_data else None
    if temporary is not None:
        # uvicorn re-raises the SIGTERM it caught once it has shut down; with the default handler that would end
        # the process before the folder is removed, so a SIGTERM ends it the ordinary way, through ``finally``.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        settings = dataclasses.replace(settings, data_dir=temporary.path / "data")
    try:
        serve(settings)
    finally:
        if temporary is not None:
            temporary.remove()


def serve(settings: Settings) -> None:
    try:
        app = create_app(settings)
    except DataFolderInUse as exc:  # a clear one-line refusal, exit status 1, no traceback
        raise SystemExit(f"python -m sandbox: {exc}") from None
    # Uploads are spooled on the store's own disk, not in the system's temporary folder (see sandbox.uploads).
    tempfile.tempdir = str(app.state.services.files.tmp_dir)
    # A short graceful shutdown: an idle keep-alive connection must not hold up a stop.
    config = uvicorn.Config(
        app, host=settings.host, port=settings.port, log_level="warning", timeout_graceful_shutdown=2
    )
    server = _AnnouncingServer(config, needs_key=settings.api_key is not None)
    if settings.exit_with_parent:
        exit_when_stdin_closes(lambda: setattr(server, "should_exit", True))
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C: uvicorn has already shut down cleanly
        server.run()
    if not server.started:
        sys.exit(STARTUP_FAILURE)  # as uvicorn.run does


if __name__ == "__main__":
    main()
