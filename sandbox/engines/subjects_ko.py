"""Korean prompts: particles, head-final noun phrases and counters (see ``sandbox.engines.subjects`` for the rules)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sandbox.engines.subjects import COLOUR_WORDS, MAX_COUNT, Emoji, Reading, Span, Subject, Vocabulary, distinct, words

# Longest first, so 에서 is stripped before 서 could be.
_KO_PARTICLES = tuple(
    sorted(
        words(
            "에서는 에게서 으로는 이랑 에서 에게 한테 으로 처럼 까지 부터 하고 보다 이나 이며 "
            "과 와 의 이 가 은 는 을 를 에 랑 로 도 만"
        ),
        key=lambda p: (-len(p), p),
    )
)
_KO_SUBJECT_PARTICLES = words(
    """
    이 가 은 는
    """
)
_KO_OBJECT_PARTICLES = words(
    """
    을 를
    """
)
_KO_JOINING_PARTICLES = words(
    """
    과 와 이랑 랑 하고
    """
)
_KO_NUMBERS = {"한": 1, "하나": 1, "두": 2, "둘": 2, "세": 3, "셋": 3, "석": 3, "네": 4, "넷": 4, "다섯": 5}
_KO_NUMBERS |= {"여섯": 6, "여러": 3}
_KO_COUNTERS = tuple(sorted(words("마리 개 대 명 잔 그릇 조각 송이 그루 척 권 켤레 장 병 채 접시")))
_KO_SKIP = words(
    """
    귀여운 작은 큰 아름다운 사진 그림 이미지 동물 얼굴 음식 위 아래 옆 속 안 밖 앞 뒤
    """
)

_KO_SCENE = {
    "밤": "night", "밤하늘": "night", "밤거리": "night city", "별": "stars", "달": "moon", "노을": "sunset",
    "석양": "sunset", "일몰": "sunset", "저녁": "sunset", "새벽": "dawn", "바다": "sea", "밤바다": "night sea",
    "바닷속": "sea", "해변": "beach", "바닷가": "beach", "호수": "lake", "강": "river", "파도": "waves", "섬": "island",
    "숲": "forest", "숲속": "forest", "정글": "jungle", "공원": "park", "정원": "garden", "초원": "meadow",
    "눈": "snow", "눈밭": "snow", "겨울": "winter", "얼음": "ice", "빙산": "ice", "산": "mountain", "산속": "mountain",
    "사막": "desert", "모래": "sand", "도시": "city", "거리": "street", "마을": "village", "하늘": "sky", "비": "rain",
    "빗속": "rain", "구름": "clouds",
}  # fmt: skip

# Verbs of wearing (쓴 모자, 입은 옷, 낀 장갑 …): what they take is drawn on the main subject.
_KO_WEARING = tuple(sorted(words("쓴 쓰고 입은 입고 낀 끼고 신은 신고 두른 걸친 맨 메고 착용한")))
_TOKEN = re.compile(r"[0-9]+|[^\W\d_]+")
# Endings that are particles only when what is left is a known word (있는, 치는 end in 는 but are verbs).
_RELIABLE_PARTICLES = words(
    """
    에서 에게 한테 으로 의 을 를 이 가 와 과 에
    """
)


@dataclass(frozen=True)
class _Token:
    text: str
    stem: str  # without its particle
    particle: str


def _split(token: str, vocab: Vocabulary) -> _Token:
    terms = vocab.terms["ko"]
    if token in terms or token in _KO_SCENE:
        return _Token(token, token, "")
    for particle in _KO_PARTICLES:
        stem = token[: -len(particle)]
        if token.endswith(particle) and stem and (stem in terms or stem in _KO_SCENE or _compound(stem, vocab)):
            return _Token(token, stem, particle)
    for particle in _KO_PARTICLES:
        if particle in _RELIABLE_PARTICLES and token.endswith(particle) and len(token) > len(particle) + 1:
            return _Token(token, token[: -len(particle)], particle)
    return _Token(token, token, "")


def _compound(word: str, vocab: Vocabulary) -> str | None:
    """The longest known word (two syllables or more) that ends ``word``: 김치찌개 → 찌개 (Korean compounds are
    head-final). Never a prefix or a single syllable, so 자 is not found in 자전거."""
    for cut in range(1, len(word) - 1):
        tail = word[cut:]
        if tail in vocab.terms["ko"] and tail not in _KO_SKIP:
            return tail
    return None


def _lookup(term: str, vocab: Vocabulary) -> tuple[Emoji, float] | None:
    if term in _KO_SKIP or term in COLOUR_WORDS or term in _KO_NUMBERS or term.isdigit():
        return None
    hit = vocab.best("ko", term)
    if hit is None and (tail := _compound(term, vocab)) is not None:
        emoji, score = vocab.best("ko", tail) or (None, 0.0)
        return (emoji, score * 0.8) if emoji is not None else None
    return hit


def _is_counter(tokens: list[_Token], i: int) -> bool:
    """세 대, 두 마리, 3개: a counter after a number is never a subject (대 is also 🆚's Korean name)."""
    text = tokens[i].text
    after_number = i > 0 and (tokens[i - 1].text in _KO_NUMBERS or tokens[i - 1].text.isdigit())
    return (after_number and text.startswith(_KO_COUNTERS)) or any(
        text.endswith(c) and (text[: -len(c)] in _KO_NUMBERS or text[: -len(c)].isdigit()) for c in _KO_COUNTERS
    )


def _spans(tokens: list[_Token], vocab: Vocabulary) -> list[Span]:
    spans: list[Span] = []
    i = 0
    while i < len(tokens):
        if _is_counter(tokens, i):
            i += 1
            continue
        for length in range(min(3, len(tokens) - i), 0, -1):
            words = [t.text for t in tokens[i : i + length - 1]] + [tokens[i + length - 1].stem]
            hit = vocab.best("ko", " ".join(words)) if length > 1 else _lookup(words[0], vocab)
            hit = hit or (vocab.best("ko", "".join(words)) if length > 1 else None)
            if hit is not None and hit[1] >= 1.5:
                last = tokens[i + length - 1]
                scene = length == 1 and last.stem in _KO_SCENE
                spans.append(Span(i, i + length, hit[0], hit[1], scene, last.particle))
                i += length
                break
        else:
            i += 1
    return spans


def _count(tokens: list[_Token], span: Span) -> tuple[int, int]:
    """The count after (두 마리, 3개, 두마리) or before (두 고양이) a noun phrase, and how many tokens it takes."""
    rest = [t.text for t in tokens[span.end : span.end + 2]]
    if rest and rest[0] in _KO_NUMBERS and len(rest) > 1 and rest[1].startswith(_KO_COUNTERS):
        return _KO_NUMBERS[rest[0]], 2
    if rest:
        for counter in _KO_COUNTERS:
            number = rest[0][: -len(counter)] if rest[0].endswith(counter) else ""
            if number in _KO_NUMBERS or number.isdigit():
                return (_KO_NUMBERS.get(number) or int(number)), 1
        if rest[0].isdigit() and len(rest) > 1 and rest[1].startswith(_KO_COUNTERS):
            return int(rest[0]), 2
    before = [t.stem for t in tokens[max(0, span.start - 2) : span.start]]  # 두 고양이, 두 마리(의) 고양이
    if before and before[-1].startswith(_KO_COUNTERS) and len(before) == 2:
        before = before[:1]
    number = before[-1] if before else ""
    return (_KO_NUMBERS.get(number) or (int(number) if number.isdigit() else 1)), 0


def _colour(tokens: list[_Token], start: int) -> str | None:
    for token in reversed(tokens[max(0, start - 2) : start]):
        if token.stem in COLOUR_WORDS:
            return COLOUR_WORDS[token.stem]
    return None


def _phrases(tokens: list[_Token], spans: list[Span]) -> list[tuple[Span, int]]:
    """Each noun phrase's head (its last noun) and where the phrase starts; a particle other than 의 ends a phrase."""
    heads: list[tuple[Span, int]] = []
    for span in spans:
        if heads:
            previous, start = heads[-1]
            between = tokens[previous.end : span.start]
            if previous.particle in ("", "의") and not any(t.particle and t.particle != "의" for t in between):
                heads[-1] = (span, start)
                continue
        heads.append((span, span.start))
    return heads


def read_korean(prompt: str, vocab: Vocabulary) -> Reading:
    tokens = [_split(word, vocab) for word in _TOKEN.findall(prompt)]
    scenes = tuple(dict.fromkeys(w for t in tokens for w in _KO_SCENE.get(t.stem, "").split()))
    spans = _spans(tokens, vocab)
    things = [s for s in spans if not s.minor] or [s for s in spans if s.score >= 9.0]
    heads = _phrases(tokens, things)
    if not heads:
        return Reading((), scenes)
    last, _ = heads[-1]
    _, taken = _count(tokens, last)
    ends_in_phrase = last.end + taken >= len(tokens) and last.particle in ("", "도", "만")
    if ends_in_phrase:  # 젓가락이 놓인 라면 (한 그릇): the phrase at the end, and what is joined to it (사과와 바나나)
        main = len(heads) - 1
        while main > 0 and heads[main - 1][0].particle in _KO_JOINING_PARTICLES:
            main -= 1
    else:  # a sentence: the phrase marked as its subject (고양이가 피아노를 친다)
        main = next((i for i, (s, _) in enumerate(heads) if s.particle in _KO_SUBJECT_PARTICLES), 0)
    order = [main, *(i for i in range(len(heads)) if i != main)]
    subjects = []
    for position, index in enumerate(order):
        span, start = heads[index]
        number, _ = _count(tokens, span)
        attached = position > 0 and span.particle in _KO_OBJECT_PARTICLES
        verb = tokens[span.end].text if span.end < len(tokens) else ""
        worn = attached and verb.startswith(_KO_WEARING)
        colour = _colour(tokens, start)
        subjects.append(Subject(span.emoji, max(1, min(number, MAX_COUNT)), colour, attached, worn))
    return Reading(distinct(subjects), scenes)
