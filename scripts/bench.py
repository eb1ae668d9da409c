"""`make bench`: the project's speed and size figures, measured in one run and printed as ratios.

1. Per notebook: the nbval replay run (`pytest --nbval`, as the test command runs it) and the share of it spent
   inside the harness (`helpers.start()` with loading the recordings, and matching/rebuilding each request), read
   from the kernel through OPENAI_NOTEBOOK_STATS.
2. Cassette bytes per notebook (YAML + side files).
3. The sandbox: embeddings throughput over HTTP vs the same model in-process, start-up time, resident memory
   (scripts/bench_sandbox.py).

    .venv/bin/python scripts/bench.py [--skip-sandbox] [NOTEBOOK ...]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tqdm import tqdm

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))


def replay_notebook(name: str) -> tuple[float, dict[str, dict[str, float]], bool]:
    """Wall time of one nbval replay run, the harness's own seconds by phase, and whether it passed."""
    with tempfile.TemporaryDirectory() as scratch:
        stats = Path(scratch) / "stats.json"
        env = {**os.environ, "OPENAI_NOTEBOOK_MODE": "replay", "OPENAI_NOTEBOOK_STATS": str(stats)}
        for secret in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
            env.pop(secret, None)
        command = [sys.executable, "-m", "pytest", "--nbval", f"notebooks/{name}.ipynb", "-q", "-p", "no:cacheprovider"]
        command += ["--nbval-sanitize-with", "tests/nbval_sanitize.cfg"]
        started = time.perf_counter()
        run = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - started
        phases = json.loads(stats.read_text()) if stats.exists() else {}
    return seconds, phases, run.returncode == 0


def cassette_bytes(name: str) -> tuple[int, int]:
    yaml_file = ROOT / "cassettes" / f"{name}.yaml"
    side = ROOT / "cassettes" / name
    side_bytes = sum(p.stat().st_size for p in side.rglob("*") if p.is_file()) if side.is_dir() else 0
    return (yaml_file.stat().st_size if yaml_file.exists() else 0), side_bytes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", help="notebook names (default: all under notebooks/)")
    parser.add_argument("--skip-sandbox", action="store_true", help="skip the sandbox throughput part")
    args = parser.parse_args()
    names = args.notebooks or sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))

    rows = []
    for name in tqdm(names, desc="replaying notebooks", unit="notebook"):
        seconds, phases, passed = replay_notebook(name)
        harness = sum(phase["seconds"] for phase in phases.values())
        requests = int(phases.get("replay", {}).get("count", 0))
        rows.append((name, seconds, harness, requests, passed, *cassette_bytes(name)))

    print()
    print("notebook          nbval replay  harness  share  requests  passed  cassette YAML  side files")
    for name, seconds, harness, requests, passed, yaml_size, side in rows:
        print(
            f"{name:<16}  {seconds:>10.2f}s  {harness:>6.3f}s  {harness / seconds:>5.1%}  {requests:>8}"
            f"  {'yes' if passed else 'NO':>6}  {yaml_size / 1024:>10.1f} KiB  {side / 1024:>7.1f} KiB"
        )
    total, total_harness = sum(r[1] for r in rows), sum(r[2] for r in rows)
    total_bytes = sum(r[5] + r[6] for r in rows)
    print(
        f"{'all':<16}  {total:>10.2f}s  {total_harness:>6.3f}s  {total_harness / total:>5.1%}"
        f"  {sum(r[3] for r in rows):>8}  {'':>6}  {total_bytes / 1024:>10.1f} KiB in all"
    )
    print("(nbval replay includes pytest and kernel start-up; harness = start() + matching and rebuilding;")
    print(" importing the openai SDK itself, about 0.3 s a kernel, is not counted as harness time)")
    if not args.skip_sandbox:
        import bench_sandbox

        print()
        with tqdm(total=1, desc="sandbox throughput", unit="run") as bar:
            bench_sandbox.main(["--sentences", "1024", "--repeats", "3"])
            bar.update()


if __name__ == "__main__":
    main()
