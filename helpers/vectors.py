"""Small, exact vector maths for the embeddings notebook: similarity, ranking, odd-one-out, recall."""

from __future__ import annotations

import base64
from collections.abc import Collection, Sequence

import numpy as np
from numpy.typing import NDArray

Matrix = NDArray[np.float64]


def as_matrix(vectors: Sequence[Sequence[float]] | NDArray[np.floating]) -> Matrix:
    """Stack embeddings into a 2-D float64 array (one row per vector)."""
    matrix: Matrix = np.asarray(vectors, dtype=np.float64).reshape(len(vectors), -1)
    return matrix


def normalise(vectors: Matrix) -> Matrix:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    unit: Matrix = np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)
    return unit


def cosine_matrix(left: Matrix, right: Matrix | None = None) -> Matrix:
    """Pairwise cosine similarity; rows of ``left`` against rows of ``right`` (or itself)."""
    a = normalise(as_matrix(left))
    b = a if right is None else normalise(as_matrix(right))
    return a @ b.T


def rank(query: Sequence[float], documents: Matrix) -> list[tuple[int, float]]:
    """Document indices with their cosine score, best first (ties broken by index, so order is stable)."""
    scores = cosine_matrix(as_matrix([query]), documents)[0]
    order = sorted(range(len(scores)), key=lambda i: (-round(float(scores[i]), 12), i))
    return [(i, float(scores[i])) for i in order]


def odd_one_out(vectors: Matrix) -> tuple[int, NDArray[np.float64]]:
    """The item least similar, on average, to all the others; also every item's mean similarity."""
    sims = cosine_matrix(vectors)
    n = len(sims)
    mean_to_others = (sims.sum(axis=1) - np.diag(sims)) / max(n - 1, 1)
    return int(np.argmin(mean_to_others)), mean_to_others


def truncate(vectors: Matrix, dimensions: int) -> Matrix:
    """What ``dimensions=`` does server-side: keep the leading dimensions, renormalise."""
    return normalise(as_matrix(vectors)[:, :dimensions])


def top1_accuracy(queries: Matrix, documents: Matrix, relevant: Sequence[Collection[int]]) -> float:
    """Share of queries whose best-scoring document is one of that query's relevant documents."""
    best = cosine_matrix(queries, documents).argmax(axis=1)
    return float(np.mean([int(b) in r for b, r in zip(best, relevant, strict=True)]))


def decode_base64_embedding(data: str) -> NDArray[np.float32]:
    """Decode an ``encoding_format="base64"`` embedding: little-endian float32 bytes."""
    return np.frombuffer(base64.b64decode(data), dtype="<f4")
