"""Build ``sandbox/data/use_m3_pca_basis.npz``: the fixed principal axes the embeddings stand-in is ordered by.

The sandbox lifts 512-d Universal Sentence Encoder multilingual v3 vectors to 1536/3072 dims with an isometry,
ordered so the leading output dimensions carry the leading principal components (so `dimensions=` truncation
behaves like OpenAI's). This script computes those axes once from a text corpus that exists offline on any machine
with the project's venv:

- prose from Python's own language reference (``pydoc_data.topics``),
- docstrings of the standard library, read with ``ast`` (nothing is imported, so nothing runs),
- everyday sentences composed from fixed word lists below (so the axes are not all about programming),
- everyday Korean sentences composed the same way (the encoder is multilingual and learners write Korean).

The axes are the eigenvectors of the *uncentred* second moment ``E[x xᵀ]`` of unit encoder vectors: truncating to
the first k axes keeps the largest possible share of an average vector's length, which is what a shortened
embedding must do before it is renormalised. Run it again only if the model changes:

    .venv/bin/python scripts/build_embedding_basis.py
"""

from __future__ import annotations

import argparse
import ast
import itertools
import random
import re
import sys
import sysconfig
import time
from pathlib import Path

import numpy as np

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from sandbox.engines.sentence import load_sentence_encoder  # noqa: E402

OUTPUT = PROJECT_ROOT / "sandbox" / "data" / "use_m3_pca_basis.npz"
SEED = 20240125  # the day text-embedding-3 was announced; any fixed number would do
PER_SOURCE = 4000

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_CODE_HINTS = re.compile(r"[{}\[\]=<>|]|>>>|\.\.\.|::|__|\(\)")

SUBJECTS = (
    "My neighbour",
    "The teacher",
    "A young doctor",
    "Our team",
    "The old fisherman",
    "My grandmother",
    "The new manager",
    "A tourist",
    "The farmer",
    "The city council",
    "Her brother",
    "The chef",
    "A student",
    "The pilot",
    "Our landlord",
    "The nurse",
    "A famous singer",
    "The mechanic",
    "The children",
    "The author",
)
ACTIONS = (
    "cooked a large pot of soup for",
    "wrote a long letter about",
    "complained loudly about",
    "spent the whole weekend thinking about",
    "took beautiful photographs of",
    "read a newspaper article on",
    "argued with friends about",
    "saved money for",
    "gave a short speech on",
    "planted flowers near",
    "asked for advice about",
    "forgot to pay for",
    "made a video about",
    "laughed at a joke about",
    "was nervous about",
    "painted a picture of",
    "signed up for a class on",
    "found an old map of",
)
TOPICS = (
    "the summer holiday",
    "the football final",
    "rising rent prices",
    "the village bakery",
    "a broken washing machine",
    "the history of Rome",
    "healthy breakfast ideas",
    "the local election",
    "a stray dog",
    "the mountain trail",
    "electric bicycles",
    "the school concert",
    "a leaking roof",
    "the price of coffee",
    "an upcoming wedding",
    "the night sky",
    "a job interview",
    "the flooded river",
    "winter tyres",
    "the hospital waiting list",
    "tax returns",
    "a birthday cake",
    "the jazz festival",
    "their first apartment",
    "the new train line",
)
ENDINGS = (
    "",
    " yesterday",
    " last winter",
    " before dinner",
    " during the storm",
    " with great enthusiasm",
    " without telling anyone",
    " for the third time",
    " at the market",
    " on a rainy Sunday",
)
QUESTIONS = (
    "How do I",
    "What is the best way to",
    "Is it safe to",
    "Why does it take so long to",
    "Can you explain how to",
    "Where can I learn to",
    "How much does it cost to",
    "When is the right time to",
)
TASKS = (
    "renew a passport",
    "bake sourdough bread",
    "fix a flat tyre",
    "train a puppy",
    "lower my electricity bill",
    "learn a second language",
    "grow tomatoes indoors",
    "prepare for a marathon",
    "back up my photos",
    "write a cover letter",
    "repaint a kitchen",
    "book a cheap flight",
    "treat a mild sunburn",
    "invest in index funds",
    "change a car battery",
    "get rid of ants",
    "negotiate a salary",
    "choose a good mattress",
    "start a podcast",
)

# Korean: each subject carries its topic particle and each topic takes "에 대해" (about), so no particle depends on
# the next word's final consonant.
KO_SUBJECTS = (
    "제 이웃은",
    "선생님은",
    "젊은 의사는",
    "우리 팀은",
    "할머니는",
    "새로 온 팀장은",
    "관광객 한 명이",
    "시의회는",
    "그녀의 오빠는",
    "요리사는",
    "대학생들은",
    "집주인은",
    "간호사는",
    "유명한 가수가",
    "아이들은",
)
KO_TOPICS = (
    "여름휴가",
    "축구 결승전",
    "오르는 월세",
    "동네 빵집",
    "고장 난 세탁기",
    "로마의 역사",
    "건강한 아침 식사",
    "지방 선거",
    "길 잃은 강아지",
    "등산로",
    "전기 자전거",
    "학교 음악회",
    "새는 지붕",
    "커피 가격",
    "다가오는 결혼식",
    "밤하늘",
    "취업 면접",
    "연말정산",
    "생일 케이크",
    "새 지하철 노선",
)
KO_ACTIONS = (
    "에 대해 오래 이야기했다",
    "에 대해 크게 불평했다",
    "에 대해 주말 내내 고민했다",
    "에 대한 신문 기사를 읽었다",
    "에 대해 친구들과 논쟁했다",
    "에 대해 짧은 연설을 했다",
    "에 대해 조언을 구했다",
    "에 대한 영상을 만들었다",
    "에 대해 걱정하고 있다",
    "에 대한 글을 블로그에 올렸다",
)
KO_ENDINGS = ("", " 어제", " 지난겨울에", " 저녁 먹기 전에", " 비 오는 일요일에")
KO_QUESTIONS = (
    "{}하는 방법을 알려 주세요.",
    "{}하려면 비용이 얼마나 드나요?",
    "{}하기 가장 좋은 때는 언제인가요?",
    "혼자서 {}해도 괜찮을까요?",
)
KO_TASKS = (
    "여권을 갱신",
    "빵 굽기를 연습",
    "강아지를 훈련",
    "전기 요금을 절약",
    "제2외국어를 공부",
    "마라톤을 준비",
    "사진을 백업",
    "자기소개서를 작성",
    "부엌을 다시 칠",
    "싼 항공권을 예약",
    "연봉을 협상",
    "팟캐스트를 시작",
)


def reference_sentences() -> list[str]:
    import pydoc_data.topics as topics

    text = " ".join(str(value) for value in topics.topics.values())
    return [s for s in _split(text) if not _CODE_HINTS.search(s)]


def docstring_sentences() -> list[str]:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    sentences: list[str] = []
    for path in sorted(stdlib.glob("*.py")) + sorted(stdlib.glob("*/*.py")):
        if "test" in path.parts or "idlelib" in path.parts:
            continue
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (SyntaxError, UnicodeDecodeError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                doc = ast.get_docstring(node)
                if doc:
                    sentences.extend(s for s in _split(doc.split("\n\n")[0]) if not _CODE_HINTS.search(s))
    return sentences


def everyday_sentences() -> list[str]:
    statements = [
        f"{who} {did} {what}{when}." for who, did, what, when in itertools.product(SUBJECTS, ACTIONS, TOPICS, ENDINGS)
    ]
    questions = [f"{q} {task}?" for q, task in itertools.product(QUESTIONS, TASKS)]
    return statements + questions


def korean_sentences() -> list[str]:
    statements = [
        f"{who}{when} {what}{did}."
        for who, what, did, when in itertools.product(KO_SUBJECTS, KO_TOPICS, KO_ACTIONS, KO_ENDINGS)
    ]
    questions = [q.format(task) for q, task in itertools.product(KO_QUESTIONS, KO_TASKS)]
    return statements + questions


def _split(text: str) -> list[str]:
    flat = " ".join(text.split())
    return [s for s in _SENTENCE_END.split(flat) if 30 <= len(s) <= 300]


def corpus(rng: random.Random) -> list[str]:
    chosen: list[str] = []
    for source in (reference_sentences(), docstring_sentences(), everyday_sentences(), korean_sentences()):
        unique = sorted(set(source))
        chosen.extend(rng.sample(unique, min(PER_SOURCE, len(unique))))
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()

    rng = random.Random(SEED)
    sentences = corpus(rng)
    encoder = load_sentence_encoder()
    started = time.perf_counter()
    vectors = encoder.encode(sentences).astype(np.float64)
    print(f"encoded {len(sentences)} sentences in {time.perf_counter() - started:.1f}s")

    second_moment = vectors.T @ vectors / len(vectors)
    eigenvalues, eigenvectors = np.linalg.eigh(second_moment)
    order = np.argsort(eigenvalues)[::-1]
    eigenvalues, components = eigenvalues[order], eigenvectors[:, order].T
    # Fix each axis's sign (eigh's is arbitrary) so a rebuild from the same corpus gives the same file.
    components *= np.sign(components.sum(axis=1, keepdims=True) + 1e-12)
    share = eigenvalues / eigenvalues.sum()

    args.output.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        args.output,
        components=components.astype(np.float32),  # rows are axes, most energy first
        energy_share=share.astype(np.float32),
        corpus_size=np.int64(len(sentences)),
        model=np.str_(encoder.label),
    )
    cumulative = np.cumsum(share)
    marks = ", ".join(f"{k}: {cumulative[k - 1]:.2f}" for k in (8, 32, 64, 128, 256, 512))
    print(f"wrote {args.output.relative_to(PROJECT_ROOT)} ({args.output.stat().st_size // 1024} KiB)")
    print(f"share of E[|x|²] kept by the first k axes: {marks}")


if __name__ == "__main__":
    main()
