#!/usr/bin/env python3
"""The learner's sandbox, timed (part of `make bench`): how long until it answers, and what a learner waits for.

1. Start-up of the sandbox a notebook starts for itself: spawn → /health answers, and spawn → the first embeddings
   answer (the sentence model loads in the background after /health); median of a few starts.
2. In a real kernel: the setup cell (`helpers.start("01_embeddings")`, which spawns the sandbox in the background),
   then a changed embeddings call run right away, and again after a 2 s pause (a learner typing).
3. The alternative that was not chosen: the sandbox app inside the kernel's own process (an in-process ASGI
   transport) — import + app factory, the first embeddings answer, and the memory it adds to the kernel.

    .venv/bin/python scripts/bench_learner.py [--starts 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import httpx2
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from helpers.sandbox_process import SandboxProcess  # noqa: E402

CHANGED = 'r = client.embeddings.create(model="text-embedding-3-small", input="오늘 점심은 정말 맛있었어요")'
EMBED = {"model": "text-embedding-3-small", "input": "오늘 점심은 정말 맛있었어요"}


def child_process_starts(starts: int) -> tuple[list[float], list[float], float]:
    health, answer, rss = [], [], 0.0
    for _ in range(starts):
        began = time.perf_counter()
        box = SandboxProcess(None, for_learner=True).begin()
        try:
            box.wait_until_ready()
            health.append(time.perf_counter() - began)
            with httpx2.Client(trust_env=False, timeout=120) as http:
                assert http.post(f"{box.base_url}/embeddings", json=EMBED).status_code == 200
            answer.append(time.perf_counter() - began)
            assert box.pid is not None
            rss = psutil.Process(box.pid).memory_info().rss / 2**20
        finally:
            box.stop()
    return health, answer, rss


def in_a_kernel() -> dict[str, float]:
    """Seconds of the setup cell and of a changed call right after it and after a pause, in a fresh kernel each."""
    from jupyter_client.manager import KernelManager

    figures: dict[str, float] = {}
    for pause in (0.0, 2.0):
        with tempfile.TemporaryDirectory() as cwd:
            env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")} | {"PYTHONPATH": str(ROOT)}
            manager = KernelManager(kernel_name="python3")
            manager.start_kernel(env=env, cwd=cwd)
            client = manager.client()
            client.start_channels()
            try:
                client.wait_for_ready(timeout=60)
                quiet = {"timeout": 120, "output_hook": lambda message: None}
                client.execute_interactive("import openai", **quiet)  # the SDK's import is not ours
                started = time.perf_counter()
                client.execute_interactive('import helpers\nclient = helpers.start("01_embeddings")', **quiet)
                figures["setup cell"] = time.perf_counter() - started
                time.sleep(pause)
                started = time.perf_counter()
                reply = client.execute_interactive(CHANGED, **quiet)
                assert reply["content"]["status"] == "ok", reply["content"]
                figures[f"first live answer, {pause:.0f} s after the setup cell"] = time.perf_counter() - started
            finally:
                client.stop_channels()
                manager.shutdown_kernel(now=False)
    return figures


IN_PROCESS = textwrap.dedent(
    """
    import asyncio, json, time, tempfile, pathlib, psutil, httpx2
    me = psutil.Process()
    before = me.memory_info().rss
    began = time.perf_counter()
    from sandbox.app import create_app
    from sandbox.config import Settings
    app = create_app(Settings(data_dir=pathlib.Path(tempfile.mkdtemp()) / "data"))
    ready = time.perf_counter() - began

    async def first() -> int:
        async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://sandbox") as http:
            answer = await http.post("/v1/embeddings", json={EMBED})
            return answer.status_code

    assert asyncio.run(first()) == 200
    print(json.dumps({{"ready": ready, "answer": time.perf_counter() - began,
                      "added": (me.memory_info().rss - before) / 2**20}}))
    """
)


def in_process() -> dict[str, float]:
    code = IN_PROCESS.format(EMBED=json.dumps(EMBED))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--starts", type=int, default=5, help="sandbox starts to time (default 5)")
    args = parser.parse_args(argv)
    health, answer, rss = child_process_starts(args.starts)
    print(f"the learner's sandbox, {args.starts} starts (median, min-max):")
    print(
        f"  spawn → /health answers:          {statistics.median(health):.2f} s ({min(health):.2f}-{max(health):.2f})"
    )
    print(
        f"  spawn → first embeddings answer:  {statistics.median(answer):.2f} s ({min(answer):.2f}-{max(answer):.2f})"
    )
    print(f"  its resident memory:              {rss:.0f} MiB (a process of its own, not the kernel's)")
    print("in a real kernel (helpers.start spawns the sandbox in the background):")
    for name, seconds in in_a_kernel().items():
        print(f"  {name + ':':<46} {seconds:.2f} s")
    hosted = in_process()
    print("not chosen — the sandbox app inside the kernel (in-process ASGI transport):")
    print(f"  import + app factory:            {hosted['ready']:.2f} s (blocks the setup cell unless threaded)")
    print(f"  to the first embeddings answer:  {hosted['answer']:.2f} s")
    print(f"  memory added to the kernel:      {hosted['added']:.0f} MiB")


if __name__ == "__main__":
    main()
