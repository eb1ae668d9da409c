"""``python -m helpers.conformance --base-url URL [--api-key KEY] [--reference DIR] [NAMES...]``.

Runs copies of the notebooks live against the server (record mode, into a scratch folder), compares every
exchange with the reference recordings (default: the committed cassettes) and prints the report; a Markdown copy
is written next to the scratch recordings. Exit status 0 when no root cause was found, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from helpers.config import PROJECT_ROOT, cassettes_dir, load_env_file, notebooks_dir
from helpers.conformance.harness import evaluate
from helpers.conformance.report import render_markdown, render_text
from helpers.conformance.run import choose_key
from helpers.conformance.scratch import MARKER, refusal
from helpers.recording.errors import HarnessError
from helpers.runner import DEFAULT_TIMEOUT, resolve_notebooks

DEFAULT_SCRATCH = PROJECT_ROOT / "build" / "conformance"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m helpers.conformance", description=__doc__)
    parser.add_argument("names", nargs="*", help="notebook stems (default: all)")
    parser.add_argument("--base-url", required=True, help="the server's base URL, e.g. http://127.0.0.1:8000/v1")
    parser.add_argument(
        "--api-key", default=None, help="bearer key (default: a dummy; $OPENAI_API_KEY only for api.openai.com)"
    )
    parser.add_argument("--reference", default=None, help="reference cassette folder (default: the committed ones)")
    parser.add_argument("--notebooks", default=None, help="notebook folder (default: notebooks/)")
    parser.add_argument(
        "--scratch",
        default=str(DEFAULT_SCRATCH),
        help="where copies and recordings go: under build/ or outside the checkout; emptied only if this tool made"
        f" it ({MARKER} inside)",
    )
    parser.add_argument("--report", default=None, help="Markdown report path (default: SCRATCH/report.md)")
    parser.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT, help="seconds per cell")
    parser.add_argument("--no-progress", action="store_true", help="no progress bars")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    scratch = Path(args.scratch).resolve()
    reference_dir = Path(args.reference).resolve() if args.reference else cassettes_dir(None)
    why = refusal(scratch, PROJECT_ROOT)
    if why is None and reference_dir.is_relative_to(scratch):
        why = f"{scratch} holds the reference recordings ({reference_dir})"
    if why is not None:
        print(f"error: --scratch refused: {why}", file=sys.stderr)
        return 2
    load_env_file()  # for OPENAI_API_KEY, sent to api.openai.com only (choose_key)
    key = choose_key(args.base_url, args.api_key, os.environ)
    try:
        sources = resolve_notebooks(args.names, notebooks_dir(args.notebooks))
    except HarnessError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    context, verdicts = evaluate(
        sources,
        scratch,
        base_url=args.base_url,
        api_key=key.value,
        key_said=key.said,
        reference_dir=reference_dir,
        timeout=args.timeout,
        progress=not args.no_progress,
    )
    print(render_text(context, verdicts))
    report = Path(args.report) if args.report else scratch / "report.md"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(render_markdown(context, verdicts), encoding="utf-8")
    print(f"\nMarkdown report: {report}")
    return 1 if verdicts.roots else 0


if __name__ == "__main__":
    sys.exit(main())
