"""Fitting the moderation classifiers from the exemplars (build time only: needs scikit-learn, the sandbox does not).

- The *gate*, P(harmful | text), is trained on every harmful sentence (both languages) against every benign one,
  so the hard part (telling "kill the process" from "kill them", "배고파 죽겠다" from "죽여버릴 거야") gets all
  the data.
- One *topic* model per category, P(category | harmful text), is trained on the harmful sentences only, with the
  SDK's category descriptions as extra positives for their own category (they talk *about* harm, so they stay out
  of the gate).
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from sandbox.engines import moderation_exemplars as exemplars
from sandbox.engines.moderation_weights import GATE_C, TOPIC_C, ModerationWeights, fingerprint


class Encoder(Protocol):
    @property
    def label(self) -> str: ...

    def encode(self, texts: list[str]) -> NDArray[np.float32]: ...


def with_parents(categories: tuple[str, ...]) -> set[str]:
    labelled = set(categories)
    for category in categories:
        labelled.update(exemplars.IMPLIES.get(category, ()))
    return labelled


def _logistic(features: NDArray[np.float32], labels: NDArray[np.bool_], c: float) -> tuple[NDArray[np.float64], float]:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, class_weight="balanced", max_iter=5000)
    model.fit(features.astype(np.float64), labels)
    return np.asarray(model.coef_[0], dtype=np.float64), float(model.intercept_[0])


def fit(encoder: Encoder) -> ModerationWeights:
    harmful = [text for text, _ in exemplars.ALL_HARMFUL]
    descriptions = [exemplars.DESCRIPTIONS[c] for c in exemplars.CATEGORIES]
    benign = list(exemplars.ALL_BENIGN)
    vectors = encoder.encode(harmful + descriptions + benign)
    n_harmful, n_labelled = len(harmful), len(harmful) + len(descriptions)
    gate_vectors = np.vstack([vectors[:n_harmful], vectors[n_labelled:]])
    rows = [_logistic(gate_vectors, np.arange(len(gate_vectors)) < n_harmful, GATE_C)]
    labels = [with_parents(cats) for _, cats in exemplars.ALL_HARMFUL]
    labels += [with_parents((c,)) for c in exemplars.CATEGORIES]
    for category in exemplars.CATEGORIES:
        rows.append(_logistic(vectors[:n_labelled], np.array([category in row for row in labels]), TOPIC_C))
    return ModerationWeights(
        weights=np.stack([w for w, _ in rows]),
        biases=np.array([b for _, b in rows]),
        fingerprint=fingerprint(encoder.label),
        encoder=encoder.label,
    )
