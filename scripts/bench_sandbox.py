"""Benchmark (not a test): embeddings throughput through the sandbox's HTTP API vs the same model in-process.

Starts a real sandbox (``helpers.sandbox_process.SandboxProcess``), embeds the same deterministic sentences
in-process with all-MiniLM-L6-v2 (batch 64) and over HTTP with the official client, and prints one table with
the throughput ratio, the sandbox's start-up time and its resident memory. Runs are sequential, so the two sides
never compete for the machine's cores, and interleaved, so a load spike from elsewhere hits every row alike.
Loopback only.

    .venv/bin/python scripts/bench_sandbox.py [--sentences 1024] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import psutil
from openai import OpenAI

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from helpers.sandbox_process import SandboxProcess  # noqa: E402
from sandbox.engines.sentence import load_sentence_encoder  # noqa: E402

BATCH = 64
MODEL = "text-embedding-3-small"

_WHO = ("The committee", "A nurse", "My cousin", "The startup", "An old sailor", "The orchestra", "Our neighbour")
_DID = ("announced", "questioned", "celebrated", "postponed", "explained", "repaired", "photographed", "ignored")
_WHAT = (
    "the budget", "a broken bridge", "the harvest festival", "an unusual comet", "the new library",
    "a delayed train", "the chess final", "a flooded basement", "the museum's reopening", "a lost dog",
)  # fmt: skip
_TAIL = (
    "", " on Monday", " after a long debate", " with some reluctance", " in front of reporters",
    " despite the rain", " for the second time this year",
)  # fmt: skip


def sentences(count: int, seed: int = 7) -> list[str]:
    """Deterministic, varied sentences (same list on every run and machine)."""
    rng = random.Random(seed)
    return [
        f"{rng.choice(_WHO)} {rng.choice(_DID)} {rng.choice(_WHAT)}{rng.choice(_TAIL)} (#{i})." for i in range(count)
    ]


def best_of_interleaved(repeats: int, runs: dict[str, Callable[[], object]]) -> dict[str, float]:
    """Best time per run, with the runs interleaved so a passing load spike hits all of them alike."""
    for run in runs.values():
        run()  # warm-up: first calls pay for lazy initialisation
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(repeats):
        for name, run in runs.items():
            started = time.perf_counter()
            run()
            best[name] = min(best[name], time.perf_counter() - started)
    return best


def peak_rss_mib(pid: int) -> float | None:
    """VmHWM (peak resident set) from /proc; None where the platform has no such field."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sentences", type=int, default=1024, help="how many sentences to embed (default 1024)")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per row; the best is kept (default 3)")
    args = parser.parse_args(argv)
    texts = sentences(args.sentences)
    batches = [texts[i : i + BATCH] for i in range(0, len(texts), BATCH)]

    encoder = load_sentence_encoder()
    load_before = os.getloadavg()[0]

    with tempfile.TemporaryDirectory() as data_dir, SandboxProcess(Path(data_dir)) as sandbox:
        assert sandbox.pid is not None and sandbox.startup_seconds is not None
        server = psutil.Process(sandbox.pid)
        rss_started = server.memory_info().rss / 2**20
        client = OpenAI(base_url=sandbox.base_url, api_key="sk-bench", max_retries=0, timeout=600)

        def per_batch(encoding: str) -> Callable[[], object]:
            def run() -> None:
                for batch in batches:
                    if encoding == "base64":
                        client.embeddings.create(model=MODEL, input=batch)  # the SDK's default
                    else:
                        client.embeddings.create(model=MODEL, input=batch, encoding_format="float")

            return run

        runs: dict[str, tuple[int, Callable[[], object]]] = {
            "in-process encode, batch 64": (1, lambda: encoder.encode(texts, batch_size=BATCH)),
            "HTTP, 64/request, base64 (SDK default)": (len(batches), per_batch("base64")),
            "HTTP, 64/request, float": (len(batches), per_batch("float")),
            f"HTTP, {len(texts)} in one request, base64": (
                1,
                lambda: client.embeddings.create(model=MODEL, input=texts),
            ),
        }
        best = best_of_interleaved(args.repeats, {name: run for name, (_, run) in runs.items()})
        rows = [(name, requests, best[name]) for name, (requests, _) in runs.items()]
        in_process = rows[0][2]
        rss_after = server.memory_info().rss / 2**20
        peak = peak_rss_mib(sandbox.pid)
        startup = sandbox.startup_seconds
    load_after = os.getloadavg()[0]

    width = max(len(name) for name, _, _ in rows)
    print(f"embeddings throughput, {len(texts)} sentences, {MODEL}, best of {args.repeats} (2-core machine)")
    print(f"{'path':<{width}}  requests  seconds  sentences/s  vs in-process")
    for name, requests, seconds in rows:
        ratio = in_process / seconds
        print(f"{name:<{width}}  {requests:>8}  {seconds:>7.2f}  {len(texts) / seconds:>11.0f}  {ratio:>12.2f}x")
    peak_text = f", peak {peak:.0f} MiB" if peak is not None else ""
    print(f"sandbox start-up (spawn to /health ok): {startup:.1f} s")
    print(f"sandbox resident memory: {rss_started:.0f} MiB after start, {rss_after:.0f} MiB after the runs{peak_text}")
    print(f"1-minute load average: {load_before:.1f} before, {load_after:.1f} after (other work skews the figures)")


if __name__ == "__main__":
    main()
