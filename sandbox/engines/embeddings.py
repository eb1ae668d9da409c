"""Embeddings stand-in: multilingual sentence vectors lifted isometrically to OpenAI's sizes, cl100k_base tokens.

How a vector is made, for ``text-embedding-3-small`` (1536), ``-3-large`` (3072) and ``-ada-002`` (1536):

1. Universal Sentence Encoder multilingual v3 (``sandbox.engines.sentence``) encodes the whole text to a unit
   512-d vector; it reads English, Korean and 14 other languages.
2. A fixed rotation turns it into coordinates on the encoder's principal axes (``sandbox/data/use_m3_pca_basis.npz``,
   built by ``scripts/build_embedding_basis.py``), most energy first.
3. Principal coordinate *i* is spread over its own contiguous block of output dimensions with fixed pseudo-random
   unit weights (one seed per model, so the three models give different vectors). Blocks are disjoint and in
   axis order, so the whole map is an isometry: cosine similarities are exactly the encoder's. Blocks grow along
   the axes (from 1 to ~5 dimensions on -3-small, 1 to ~11 on -3-large), so a short prefix holds many leading
   axes: ``dimensions=256`` keeps the first 149 axes on -3-small and 113 on -3-large. ada-002 cannot be
   shortened (like OpenAI's), so its blocks are all 3 wide.

``dimensions`` then truncates and renormalises, as OpenAI documents for text-embedding-3. Tokens are cl100k_base
tokens, the encoding of OpenAI's embedding models (``sandbox.engines.cl100k``): ``usage``, the 8,192-per-input
and 300,000-per-request limits, and token-array inputs, which are decoded with cl100k_base before the sentence
model reads them.
"""

from __future__ import annotations

import base64
import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from threadpoolctl import threadpool_limits

from sandbox import limits
from sandbox.engines.cl100k import ENCODING_NAME, Cl100k, InvalidTokenError
from sandbox.engines.sentence import NATIVE_DIMENSIONS, SentenceEncoder
from sandbox.errors import InvalidRequest
from sandbox.params import check_unicode_text, not_one_of, out_of_range

BASIS_FILE = Path(__file__).resolve().parent.parent / "data" / "use_m3_pca_basis.npz"

ENCODING_FORMATS = ("float", "base64")
# Linear share of the blocks' growth (the rest is quadratic, see _block_boundaries), as a multiple of the least
# share that still gives the first axis a whole output dimension: 0.4 on 1536 dimensions, 0.2 on 3072.
_LINEAR_MARGIN = 1.2
_TOKENIZER_NOTE = f"counted in {ENCODING_NAME} tokens, as OpenAI's embedding models count them"


@dataclass(frozen=True)
class EmbeddingModelSpec:
    id: str
    native_dimensions: int
    accepts_dimensions: bool
    seed: int


EMBEDDING_SPECS = {
    spec.id: spec
    for spec in (
        EmbeddingModelSpec("text-embedding-3-small", 1536, True, seed=30001),
        EmbeddingModelSpec("text-embedding-3-large", 3072, True, seed=30002),
        EmbeddingModelSpec("text-embedding-ada-002", 1536, False, seed=20002),
    )
}


@dataclass(frozen=True)
class PreparedInputs:
    """What the model reads (text) and what OpenAI would bill (tokens), one entry per input."""

    texts: list[str]
    token_counts: list[int]

    @property
    def total_tokens(self) -> int:
        return sum(self.token_counts)


def load_basis(path: Path = BASIS_FILE) -> NDArray[np.float64]:
    """The 512 principal axes as rows, re-orthonormalised in float64 so the lift is an exact isometry."""
    with np.load(path, allow_pickle=False) as data:
        components = np.asarray(data["components"], dtype=np.float64)
    if components.shape != (NATIVE_DIMENSIONS, NATIVE_DIMENSIONS):
        raise ValueError(f"{path} holds a {components.shape} basis; expected {NATIVE_DIMENSIONS} x {NATIVE_DIMENSIONS}")
    q, r = np.linalg.qr(components.T)
    # QR may flip an axis; undo it so each axis keeps the stored direction.
    q *= np.sign(np.diag(r))
    return np.asarray(q.T)


def _block_boundaries(output_dimensions: int, axes: int, linear_share: float) -> NDArray[np.int64]:
    """Start of each axis's block: floor(D * (a*t + (1-a)*t^2)) with t = i/axes; every block is ≥ 1 wide."""
    t = np.arange(axes + 1, dtype=np.float64) / axes
    bounds = np.floor(output_dimensions * (linear_share * t + (1 - linear_share) * t * t) + 1e-9).astype(np.int64)
    bounds[-1] = output_dimensions
    if np.any(np.diff(bounds) < 1):
        raise ValueError(f"{output_dimensions} output dimensions cannot hold {axes} blocks")
    return bounds


def build_lift(basis: NDArray[np.float64], spec: EmbeddingModelSpec) -> NDArray[np.float32]:
    """The (512, D) map with orthonormal rows: encoder vector → principal coordinates → spread blocks."""
    output_dimensions = spec.native_dimensions
    bounds = _block_boundaries(output_dimensions, basis.shape[0], _linear_share(spec, basis.shape[0]))
    rng = np.random.default_rng(spec.seed)
    lift = np.empty((basis.shape[1], output_dimensions), dtype=np.float32)
    for axis, (start, stop) in enumerate(itertools.pairwise(bounds)):
        weights = rng.standard_normal(int(stop - start))
        # basisᵀ @ spread, one block at a time: axis i's row of the spread is zero outside its block, so the
        # block's columns are an outer product (no 512 x 512 x D matrix product at start-up).
        lift[:, start:stop] = np.outer(basis[axis], weights / np.linalg.norm(weights))
    return lift


def _linear_share(spec: EmbeddingModelSpec, axes: int) -> float:
    if not spec.accepts_dimensions:
        return 1.0  # equal blocks: nothing is ever truncated
    return min(1.0, _LINEAR_MARGIN * axes / spec.native_dimensions)


class EmbeddingEngine:
    """Validates embeddings requests and computes the vectors; built once per app."""

    def __init__(
        self, encoder: SentenceEncoder, tokens: Cl100k | None = None, basis: NDArray[np.float64] | None = None
    ) -> None:
        self.encoder = encoder
        self.tokens = Cl100k() if tokens is None else tokens
        # One BLAS thread for the start-up QR: on a busy 2-core machine two spinning BLAS threads took seconds.
        with threadpool_limits(limits=1, user_api="blas"):
            basis = load_basis() if basis is None else basis
            self._lifts = {spec.id: build_lift(basis, spec) for spec in EMBEDDING_SPECS.values()}

    @property
    def stand_in(self) -> str:
        return (
            f"{self.encoder.label}: {NATIVE_DIMENSIONS}-d multilingual vectors lifted isometrically to the "
            f"model's size (fixed PCA-ordered map); tokens counted in {self.tokens.label}, as OpenAI's embedding "
            "models count them"
        )

    def prepare(self, raw: Any) -> PreparedInputs:
        """Check ``input`` against OpenAI's rules and turn every form into text plus a token count."""
        inputs = _as_input_list(raw)
        if inputs.texts is not None:
            texts = inputs.texts
            for index, text in enumerate(texts):
                if text == "":
                    raise _bad_input(f"input[{index}] is an empty string; every input must contain at least one token")
                check_unicode_text(text, "input", where=f"input[{index}]")  # the tokenizer raises TypeError on it
            counts = [self._count(text, index) for index, text in enumerate(texts)]
        else:
            texts = [self._decode(ids, index, nested=inputs.nested) for index, ids in enumerate(inputs.token_arrays)]
            counts = [len(ids) for ids in inputs.token_arrays]
            for index, count in enumerate(counts):
                if count > limits.MAX_TOKENS_PER_INPUT:
                    raise _too_long(f"{count}", index)
        prepared = PreparedInputs(texts, counts)
        if prepared.total_tokens > limits.MAX_TOKENS_PER_REQUEST:
            raise InvalidRequest(
                f"Requested {prepared.total_tokens:,} tokens, max {limits.MAX_TOKENS_PER_REQUEST:,} tokens per request "
                f"summed over all inputs ({_TOKENIZER_NOTE}). Split the inputs over several requests.",
                param="input",
                code="max_tokens_per_request",
            )
        return prepared

    def _count(self, text: str, index: int) -> int:
        count = self.tokens.count(text, limits.MAX_TOKENS_PER_INPUT)
        if count is None:
            raise _too_long(f"more than {limits.MAX_TOKENS_PER_INPUT}", index)
        if count > limits.MAX_TOKENS_PER_INPUT:
            raise _too_long(f"{count}", index)
        return count

    def _decode(self, ids: list[int], index: int, *, nested: bool) -> str:
        where = f"input[{index}]" if nested else "input"
        if not ids:
            raise _bad_input(f"{where} is an empty token array; every input must contain at least one token")
        try:
            return self.tokens.decode(ids)
        except InvalidTokenError as exc:
            raise InvalidRequest(
                f"Invalid token id {exc.token} at {where}[{exc.position}]: token arrays are read as "
                f"{ENCODING_NAME} token ids (the encoding of OpenAI's embedding models), and {ENCODING_NAME} has no "
                f"token {exc.token} (its ids run from 0 to {self.tokens.max_token_value}, with a few unused).",
                param="input",
                code="invalid_token_id",
            ) from None

    def embed(self, model: str, texts: list[str], dimensions: int | None = None) -> NDArray[np.float32]:
        """Unit vectors of the model's native size, or of ``dimensions`` (truncated, then renormalised)."""
        lift = self._lifts[model]
        if dimensions is not None:
            lift = lift[:, :dimensions]  # truncating the map first is the same as truncating its product
        lifted = self.encoder.encode_projected(texts, lift)
        norms = np.linalg.norm(lifted, axis=1, keepdims=True)
        # A prefix can in principle be all zeros; leave such a row as zeros rather than divide by zero.
        vectors: NDArray[np.float32] = (lifted / np.where(norms > 0, norms, 1.0)).astype(np.float32)
        return vectors


def check_model_options(model: str, dimensions: int | None, encoding_format: str | None) -> str:
    """Validate ``dimensions`` and ``encoding_format`` for a known model; return the encoding to use."""
    spec = EMBEDDING_SPECS[model]
    encoding = "float" if encoding_format is None else encoding_format
    if encoding not in ENCODING_FORMATS:
        raise not_one_of("encoding_format", encoding, ENCODING_FORMATS)
    if dimensions is not None:
        if not spec.accepts_dimensions:
            raise InvalidRequest(
                f"This model does not support specifying dimensions. `dimensions` works with text-embedding-3-small "
                f"and text-embedding-3-large only; {model} always returns {spec.native_dimensions} dimensions.",
                param="dimensions",
                code="unsupported_parameter",
            )
        if not 1 <= dimensions <= spec.native_dimensions:
            raise out_of_range(
                "dimensions",
                dimensions,
                1,
                spec.native_dimensions,
                advice=f"{model} supports 1 to {spec.native_dimensions} dimensions.",
            )
    return encoding


def encode_vector(vector: NDArray[np.float32], encoding: str) -> NDArray[np.float32] | str:
    """``float``: the float32 row itself, for orjson to write as a JSON list of shortest float32 decimals (the style
    of OpenAI's own responses); ``base64``: little-endian float32 bytes, as the SDK decodes them."""
    if encoding == "base64":
        return base64.b64encode(vector.astype("<f4").tobytes()).decode("ascii")
    row: NDArray[np.float32] = np.ascontiguousarray(vector, dtype=np.float32)
    return row


@dataclass(frozen=True)
class _InputList:
    """Either strings or token arrays; ``nested`` tells a list of token arrays from a single one."""

    texts: list[str] | None = None
    token_arrays: list[list[int]] = field(default_factory=list)
    nested: bool = False


def _as_input_list(raw: Any) -> _InputList:
    """Normalise the four accepted forms to a list of strings or a list of token arrays."""
    if isinstance(raw, str):
        return _InputList(texts=[raw])
    if not isinstance(raw, list):
        raise _wrong_type(raw)
    if not raw:
        raise _bad_input("input is an empty array; send at least one string or token")
    if all(isinstance(x, str) for x in raw):
        _check_count(len(raw))
        return _InputList(texts=list(raw))
    if all(_is_token(x) for x in raw):
        return _InputList(token_arrays=[list(raw)])  # one token array is one input
    if all(isinstance(x, list) and all(_is_token(t) for t in x) for x in raw):
        _check_count(len(raw))
        return _InputList(token_arrays=[list(x) for x in raw], nested=True)
    raise _wrong_type(raw)


def _is_token(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_count(count: int) -> None:
    if count > limits.MAX_EMBEDDING_INPUTS:
        raise _bad_input(
            f"input has {count} items; at most {limits.MAX_EMBEDDING_INPUTS} inputs are allowed per request"
        )


def _too_long(count: str, index: int) -> InvalidRequest:
    return InvalidRequest(
        f"This model's maximum context length is {limits.MAX_TOKENS_PER_INPUT} tokens, however you requested {count} "
        f"tokens in input[{index}] ({_TOKENIZER_NOTE}). Please reduce the length of the input.",
        param="input",
        code="context_length_exceeded",
    )


def _bad_input(detail: str) -> InvalidRequest:
    return InvalidRequest(f"'$.input' is invalid: {detail}.", param="input", code="invalid_value")


def _wrong_type(raw: Any) -> InvalidRequest:
    return InvalidRequest(
        "Invalid type for 'input': expected a string, an array of strings, an array of integers (one token array) "
        f"or an array of arrays of integers, but got {_describe(raw)}. Arrays may not mix strings and tokens.",
        param="input",
        code="invalid_type",
    )


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, list):
        kinds = sorted({type(x).__name__ for x in value})
        return f"an array containing {', '.join(kinds)}"
    return f"a value of type {type(value).__name__}"
