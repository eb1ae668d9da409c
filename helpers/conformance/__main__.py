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
from helpers.recording.errors import HarnessError
from helpers.runner import DEFAULT_TIMEOUT, resolve_notebooks

DEFAULT_SCRATCH = PROJECT_ROOT / "build" / "conformance"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m helpers.conformance", description=__doc__)
    parser.add_argument("names", nargs="*", help="notebook stems (default: all)")
    parser.add_argument("--base-url", required=True, help="the server's base URL, e.g. http://127.0.0.1:8000/v1")
    parser.add_argument("--api-key", default=None, help="bearer key (default: $OPENAI_API_KEY or a dummy)")
    parser.add_argument("--reference", default=None, help="reference cassette folder (default: the committed ones)")
    parser.add_argument("--notebooks", default=None, help="notebook folder (default: notebooks/)")
    parser.add_argument("--scratch", default=str(DEFAULT_SCRATCH), help="where copies and recordings go (emptied)")
    parser.add_argument("--report", default=None, help="Markdown report path (default: SCRATCH/report.md)")
    parser.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT, help="seconds per cell")
    parser.add_argument("--no-progress", action="store_true", help="no progress bars")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    load_env_file()
    api_key = args.api_key or os.environ.get("OPENAI_API_KEY") or "sk-conformance-no-key"
    scratch = Path(args.scratch).resolve()
    reference_dir = Path(args.reference).resolve() if args.reference else cassettes_dir(None)
    if scratch in (cassettes_dir(None), reference_dir, notebooks_dir(None)) or scratch == PROJECT_ROOT:
        print(f"error: --scratch {scratch} would overwrite committed files", file=sys.stderr)
        return 2
    try:
        sources = resolve_notebooks(args.names, notebooks_dir(args.notebooks))
    except HarnessError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    context, verdicts = evaluate(
        sources,
        scratch,
        base_url=args.base_url,
        api_key=api_key,
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
