"""Fit the moderation stand-in's classifiers from the exemplars and write sandbox/data/moderation_weights.npz.

    .venv/bin/python scripts/fit_moderation.py            # refit and write the weights
    .venv/bin/python scripts/fit_moderation.py --check    # exit 1 if the committed weights are stale

Deterministic: the encoder runs on one BLAS thread here (thread count changes the last bits of its vectors) and
the file is written with fixed timestamps, so the same exemplars give the same bytes. Needs scikit-learn; the
sandbox itself only loads the result.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sandbox.engines import moderation_exemplars as exemplars
from sandbox.engines import moderation_weights
from sandbox.engines.moderation_fit import fit
from sandbox.engines.sentence import load_sentence_encoder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only check that the committed weights are current")
    parser.add_argument("--out", type=Path, default=moderation_weights.WEIGHTS_PATH, help="where to write")
    args = parser.parse_args(argv)
    encoder = load_sentence_encoder(threads=1)
    if args.check:
        problem = moderation_weights.staleness(moderation_weights.load(args.out), encoder.label, encoder.dimensions)
        print(problem or f"{args.out} is current ({moderation_weights.fingerprint(encoder.label)[:12]})")
        return 1 if problem else 0
    started = time.perf_counter()
    weights = fit(encoder)
    seconds = time.perf_counter() - started
    moderation_weights.save(weights, args.out)
    print(
        f"fitted 14 classifiers on {len(exemplars.ALL_HARMFUL)} harmful + {len(exemplars.ALL_BENIGN)} benign "
        f"exemplars in {seconds:.1f} s; wrote {args.out} ({args.out.stat().st_size} bytes, "
        f"fingerprint {weights.fingerprint[:12]})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
