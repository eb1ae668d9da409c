"""``python -m helpers record|replay [NAMES...]``: re-record notebooks, or run them against their recordings.

record  Executes each notebook in record mode and writes it back with its outputs. With neither OPENAI_BASE_URL
        nor OPENAI_API_KEY set (after loading .env) it starts a fresh sandbox per notebook; otherwise it records
        against the configured server. A notebook that fails gets its previous cassette back. Its translations
        (ko/NAME.ipynb beside it) are then run in strict replay against the fresh cassette and written back with
        their outputs: a translation makes exactly the requests of its English twin.
replay  Executes each notebook and its translations in replay mode (no key, no network) and reports failures;
        nothing is written.
workspace
        Brings my-notebooks/ (the learner's copies, which `make lab` opens) up to date; --reset NAME... puts copies
        back as committed (the learner's version is kept in my-notebooks/.previous/).
"""

from __future__ import annotations

import argparse
import sys

from helpers import runner
from helpers.config import cassettes_dir, load_env_file, notebooks_dir
from helpers.recording.errors import HarnessError


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m helpers", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name, summary in (("record", "re-record notebooks"), ("replay", "run notebooks against their recordings")):
        command = commands.add_parser(name, help=summary)
        command.add_argument("names", nargs="*", help="notebook stems, e.g. 01_embeddings (default: all)")
        command.add_argument("--notebooks", help="notebook folder (default: $OPENAI_NOTEBOOK_DIR or notebooks/)")
        command.add_argument("--cassettes", help="cassette folder (default: $OPENAI_NOTEBOOK_CASSETTES or cassettes/)")
        command.add_argument("--timeout", type=int, default=runner.DEFAULT_TIMEOUT, help="seconds per cell")
        if name == "record":
            command.add_argument(
                "--keep-partial", action="store_true", help="keep what a failing notebook recorded (default: restore)"
            )
    workspace = commands.add_parser("workspace", help="bring my-notebooks/ (the copies make lab opens) up to date")
    workspace.add_argument("--reset", nargs="*", metavar="NAME", help="put these (default: all) back as committed")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.command == "workspace":
        return _workspace(args.reset)
    load_env_file()  # first, so .env can also set OPENAI_NOTEBOOK_CASSETTES and friends
    notebooks, cassettes = notebooks_dir(args.notebooks), cassettes_dir(args.cassettes)
    try:
        if args.command == "record":
            return runner.record(args.names, notebooks, cassettes, timeout=args.timeout, keep_partial=args.keep_partial)
        return runner.replay(args.names, notebooks, cassettes, timeout=args.timeout)
    except HarnessError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _workspace(reset: list[str] | None) -> int:
    from helpers.workspace import Workspace, describe

    try:
        report = Workspace().sync() if reset is None else Workspace().reset(reset)
    except HarnessError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(describe(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
