"""The moderation classifiers' fitted weights: a fingerprint of what they were fitted from, and a byte-stable file.

``scripts/fit_moderation.py`` fits the weights once (``moderation_fit``) and writes
``sandbox/data/moderation_weights.npz``; the sandbox only loads them (a few milliseconds, no scikit-learn).
The file carries a fingerprint of the exemplars, the category setup, the hyperparameters and the encoder's label;
when the current ones differ, the loaded weights are stale and the sandbox says so at start-up.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from sandbox.engines import moderation_exemplars as exemplars

WEIGHTS_PATH = Path(__file__).resolve().parent.parent / "data" / "moderation_weights.npz"
REFIT_COMMAND = ".venv/bin/python scripts/fit_moderation.py"

# Inverse regularisation strengths and operating point (see moderation_fit); part of the fingerprint.
GATE_C = 16.0
TOPIC_C = 16.0
PRODUCT_AT_THRESHOLD = 0.4

_ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed member timestamps: the same weights give the same bytes


class StaleWeightsWarning(UserWarning):
    """The committed weights were fitted from other exemplars or another encoder than the ones installed."""


@dataclass(frozen=True)
class ModerationWeights:
    """Row 0 of ``weights`` is the gate P(harmful | text); rows 1..13 the topics P(category | harmful)."""

    weights: NDArray[np.float64]  # (14, dimensions)
    biases: NDArray[np.float64]  # (14,)
    fingerprint: str
    encoder: str

    def probabilities(self, vectors: NDArray[np.float32]) -> NDArray[np.float64]:
        """(n, 14) logistic probabilities for unit sentence vectors of shape (n, dimensions)."""
        logits = vectors.astype(np.float64) @ self.weights.T + self.biases
        result: NDArray[np.float64] = 1.0 / (1.0 + np.exp(-logits))
        return result


def fingerprint(encoder_label: str) -> str:
    """sha256 over everything the fit depends on, in a canonical JSON form."""
    source = {
        "encoder": encoder_label,
        "categories": exemplars.CATEGORIES,
        "implies": exemplars.IMPLIES,
        "descriptions": exemplars.DESCRIPTIONS,
        "harmful": exemplars.ALL_HARMFUL,
        "benign": exemplars.ALL_BENIGN,
        "hyperparameters": [GATE_C, TOPIC_C, PRODUCT_AT_THRESHOLD],
    }
    canonical = json.dumps(source, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def save(weights: ModerationWeights, path: Path = WEIGHTS_PATH) -> None:
    """An .npz numpy can load, written with fixed timestamps and order so equal weights give equal bytes."""
    arrays = {
        "weights": weights.weights.astype(np.float64),
        "biases": weights.biases.astype(np.float64),
        "fingerprint": np.array(weights.fingerprint),
        "encoder": np.array(weights.encoder),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        for name, array in arrays.items():
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, array, allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, buffer.getvalue())


def load(path: Path = WEIGHTS_PATH) -> ModerationWeights:
    if not path.exists():
        raise FileNotFoundError(f"The moderation weights {path} are missing: run `{REFIT_COMMAND}`.")
    with np.load(path, allow_pickle=False) as stored:
        return ModerationWeights(
            weights=np.asarray(stored["weights"], dtype=np.float64),
            biases=np.asarray(stored["biases"], dtype=np.float64),
            fingerprint=str(stored["fingerprint"]),
            encoder=str(stored["encoder"]),
        )


def staleness(weights: ModerationWeights, encoder_label: str, dimensions: int) -> str | None:
    """Why these weights do not belong to the current exemplars and encoder, or None when they do."""
    if weights.weights.shape != (len(exemplars.CATEGORIES) + 1, dimensions):
        return (
            f"the moderation weights have shape {weights.weights.shape}, but the encoder gives {dimensions}-d "
            f"vectors: run `{REFIT_COMMAND}`"
        )
    if weights.fingerprint == fingerprint(encoder_label):
        return None
    if weights.encoder != encoder_label:
        what = f"were fitted on {weights.encoder!r} vectors, but the encoder is {encoder_label!r}"
    else:
        what = "were fitted from other exemplars or settings than those in sandbox/engines/moderation_exemplars*.py"
    return f"the moderation weights in {WEIGHTS_PATH.name} {what}: run `{REFIT_COMMAND}` and commit the result"
