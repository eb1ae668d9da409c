"""``python -m sandbox``: serve the sandbox on loopback."""

from __future__ import annotations

import argparse
from pathlib import Path

import uvicorn

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
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
