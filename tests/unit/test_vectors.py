import base64

import numpy as np
import pytest

from helpers import vectors


def test_cosine_matrix_is_one_on_the_diagonal_and_symmetric() -> None:
    m = np.random.default_rng(0).normal(size=(5, 8))
    sims = vectors.cosine_matrix(m)
    assert np.allclose(np.diag(sims), 1.0)
    assert np.allclose(sims, sims.T)


def test_rank_orders_by_similarity_and_breaks_ties_by_index() -> None:
    docs = vectors.as_matrix([[1, 0], [0, 1], [1, 0], [1, 1]])
    ranked = vectors.rank([1, 0], docs)
    assert [i for i, _ in ranked] == [0, 2, 3, 1]
    assert ranked[0][1] == pytest.approx(1.0)


def test_odd_one_out_finds_the_outlier() -> None:
    group = [[1, 0.1, 0], [1, 0, 0.1], [0.9, 0.1, 0.1], [0, 0, 1]]
    index, means = vectors.odd_one_out(vectors.as_matrix(group))
    assert index == 3
    assert means.shape == (4,)


def test_truncate_keeps_leading_dimensions_and_renormalises() -> None:
    v = vectors.as_matrix([[3.0, 4.0, 12.0]])
    short = vectors.truncate(v, 2)
    assert np.allclose(short, [[0.6, 0.8]])


def test_top1_accuracy_counts_hits_in_the_relevant_sets() -> None:
    docs = vectors.as_matrix([[1, 0], [0, 1]])
    queries = vectors.as_matrix([[1, 0.1], [1, 0]])
    assert vectors.top1_accuracy(queries, docs, [{0}, {1}]) == 0.5


def test_decode_base64_embedding_reads_little_endian_float32() -> None:
    values = np.array([0.25, -0.5, 1.0], dtype="<f4")
    assert np.array_equal(vectors.decode_base64_embedding(base64.b64encode(values.tobytes()).decode()), values)
