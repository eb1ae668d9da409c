"""What a picture prompt asks to see: its subjects as emoji, read from English or Korean through CLDR's names.

The vocabulary is the Unicode CLDR annotations (every emoji's name and keywords in English and Korean, vendored in
``sandbox/data/emoji/annotations.json`` by ``scripts/vendor_emoji.py``), matched word by word: no model, so a
learner can predict it. A few rules of grammar pick the *main* subject among the matches:

- a noun phrase's last noun is its head ("a baby sea otter" is an otter; "버섯 피자" is a pizza); the words before it
  only modify it;
- English: the first phrase is the main subject; "a bowl of ramen" / "a slice of pizza" is the ramen, the pizza;
- Korean: particles are stripped (고양이가 → 고양이); a prompt that ends in a noun phrase is about that phrase
  (젓가락이 놓인 라면 → 라면); a sentence is about the phrase marked as its subject (고양이가 피아노를 친다 → 고양이);
- whole words only (자 never matches inside 자전거), a compound may end in a known word (김치찌개 → 찌개);
- scene words (beach, night, 숲 …) steer the painter's scene and become subjects only when nothing else matched.

Counts ("two cats", "고양이 두 마리") and colour words ("a red bicycle", "빨간 자전거") are read too.
Pure functions of the prompt, cached: the same prompt always gives the same subjects.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path


def words(text: str) -> frozenset[str]:
    """A word list written as text (easier to read and to extend than a list of strings)."""
    return frozenset(text.split())


ANNOTATIONS_PATH = Path(__file__).resolve().parent.parent / "data" / "emoji" / "annotations.json"
MAX_SUBJECTS = 3
MAX_COUNT = 6

# CLDR has no beret, and the notebooks' own edit asks for one: the nearest hat it has.
_SUPPLEMENT = {"en": {"beret": "👒"}, "ko": {"베레모": "👒"}}

_EN_SKIP = words(
    """
    a an the of and or with without in on at by to from for into onto over under above below near next
    beside behind across through around between against along is are was be being very some this that
    these those its his her their my your our it cute little big small tiny huge giant beautiful lovely
    image picture photo photograph painting drawing illustration sketch portrait render style create
    make variation same version scene view close realistic detailed high quality animal face nature
    object symbol sign food thing things one two three four five six seven eight nine ten
    """
)
_EN_BOUNDARY = words(
    """
    of and or with without in on at by to from for into onto over under above below near next beside
    behind across through around between against along while as that who which is are was wearing
    holding carrying
    """
)
_EN_ATTACH = words(
    """
    with wearing holding carrying add adding riding eating playing
    """
)
_EN_CONTAINERS = words(
    """
    bowl cup mug glass slice piece plate bouquet bunch box basket jar bottle pile group pair couple set
    """
)
_EN_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "pair": 2, "couple": 2, "several": 3}
_EN_IRREGULAR = {"mice": "mouse", "geese": "goose", "children": "child", "people": "person", "men": "man"}
_EN_IRREGULAR |= {"women": "woman", "teeth": "tooth", "feet": "foot", "leaves": "leaf", "knives": "knife"}

_GENERIC_PEOPLE = frozenset("🧑👨👩👥🫂")

COLOURS = {
    "red": "빨간 빨강 빨간색 붉은 빨강색",
    "orange": "주황 주황색 오렌지색",
    "yellow": "노란 노랑 노란색",
    "green": "초록 초록색 녹색 초록빛",
    "blue": "파란 파랑 파란색 푸른",
    "purple": "보라 보라색 자주색",
    "pink": "분홍 분홍색 핑크 핑크색",
    "brown": "갈색",
    "black": "검은 검정 까만 검은색 검정색",
    "white": "하얀 흰 흰색 하얀색",
    "gray": "회색 grey",
    "gold": "금색 황금 황금색 golden",
}
COLOUR_WORDS = {word: colour for colour, words in COLOURS.items() for word in [colour, *words.split()]}

# Scene words: English as the painter knows them, Korean mapped onto them.
SCENE_WORDS_EN = words(
    """
    night moon moonlit star stars starry midnight galaxy space sunset sunrise dusk dawn evening twilight
    sea ocean beach lake river water waves wave coast island harbor harbour forest tree trees woods
    jungle garden park meadow snow snowy winter ice mountain mountains desert sand dune dunes canyon
    city town skyline street village sky clouds cloud rain rainy savanna field
    """
)


@dataclass(frozen=True)
class Emoji:
    char: str  # as CLDR spells it (no U+FE0F)
    name: str  # English CLDR name
    name_ko: str

    @property
    def code_points(self) -> str:
        return " ".join(f"U+{ord(c):04X}" for c in self.char)

    @property
    def file_stem(self) -> str:
        return "-".join(f"{ord(c):x}" for c in self.char)


@dataclass(frozen=True)
class Subject:
    emoji: Emoji
    count: int = 1
    colour: str | None = None
    attached: bool = False  # introduced by "wearing", "with", an object particle …: what an edit adds
    worn: bool = False  # "wearing a beret", "베레모를 쓴": drawn on top of the main subject

    def describe(self) -> str:
        """``U+1F9A6 otter``, plus `` x2`` and `` in red`` when asked; ASCII, for a response header."""
        name = unicodedata.normalize("NFKD", self.emoji.name.replace("\u2019", "'"))
        text = f"{self.emoji.code_points} {name.encode('ascii', 'ignore').decode()}"
        if self.count > 1:
            text += f" x{self.count}"
        return text + (f" in {self.colour}" if self.colour else "")


@dataclass(frozen=True)
class Reading:
    """A prompt's subjects (main first, at most MAX_SUBJECTS) and the English scene words it names."""

    subjects: tuple[Subject, ...]
    scene_words: tuple[str, ...]

    @property
    def main(self) -> Subject | None:
        return self.subjects[0] if self.subjects else None

    def for_edit(self) -> Subject | None:
        """What a masked edit draws: the thing the prompt attaches ("… wearing a beret"), else the main subject."""
        return next((s for s in self.subjects[1:] if s.attached), self.main)

    def header(self) -> str:
        return describe(self.subjects)


def describe(subjects: tuple[Subject, ...] | list[Subject]) -> str:
    """The ``x-sandbox-drawn`` value: subjects joined by ``, ``, or ``none`` when nothing was drawn."""
    return ", ".join(s.describe() for s in subjects) or "none"


@dataclass(frozen=True)
class Span:
    """A run of prompt tokens that named an emoji."""

    start: int
    end: int
    emoji: Emoji
    score: float
    minor: bool  # a scene word or a verb: a subject only when nothing else is
    particle: str = ""  # Korean: the particle its last word carried (가, 를, 의 …)


class Vocabulary:
    """Term -> emoji maps for English and Korean, scored: a full name beats a keyword, a rare keyword a common one,
    and a keyword that is also the last word of the emoji's name ("apple" for "red apple") beats one that is not."""

    def __init__(self, path: Path = ANNOTATIONS_PATH) -> None:
        entries: dict[str, list[object]] = json.loads(path.read_text(encoding="utf-8"))["emoji"]
        self.emoji: dict[str, Emoji] = {}
        self.terms: dict[str, dict[str, dict[str, float]]] = {"en": {}, "ko": {}}
        self._keywords: dict[str, dict[str, set[str]]] = {"en": {}, "ko": {}}
        self._heads: dict[str, dict[str, set[str]]] = {"en": {}, "ko": {}}
        for char, (name, keywords, name_ko, keywords_ko) in entries.items():
            assert isinstance(name, str) and isinstance(name_ko, str)
            assert isinstance(keywords, list) and isinstance(keywords_ko, list)
            self.emoji[char] = Emoji(char, name, name_ko)
            self._add("en", char, name, keywords)
            self._add("ko", char, name_ko, keywords_ko)
        self._score()
        for lang, supplement in _SUPPLEMENT.items():
            for word, char in supplement.items():
                self.terms[lang].setdefault(word, {})[char] = 4.0
        self.longest = {lang: max(len(t.split()) for t in terms) for lang, terms in self.terms.items()}

    def _add(self, lang: str, char: str, name: str, keywords: list[object]) -> None:
        key = name.lower()
        self.terms[lang].setdefault(key, {})[char] = 10.0 - 0.5 * ("\u200d" in char)  # plain emoji first
        if lang == "ko" and " " in key:  # Korean names are often spelled both ways: 생일 케이크, 생일케이크
            self.terms[lang].setdefault(key.replace(" ", ""), {})[char] = 9.0
        for keyword in keywords:
            if isinstance(keyword, str) and keyword.lower() != key:
                self._keywords[lang].setdefault(keyword.lower(), set()).add(char)
        if " " in key and lang == "en":  # the head noun: "apple" in "red apple", "bridge" in "bridge at night"
            head = re.split(r" (?:at|with|of|in|on|for|from|and|without) ", key)[0].rsplit(" ", 1)[-1]
            self._heads[lang].setdefault(head, set()).add(char)

    def _score(self) -> None:
        """Weights fall with how many emoji share a word (``animal`` says little, ``otter`` a lot); the man/woman
        variants of one emoji (sequences with U+200D) do not count as more emoji."""

        def weight(chars: set[str], top: float) -> float:
            shared = sum(1 for c in chars if "\u200d" not in c) or 1
            return top / (1.0 + math.log2(shared))

        for lang in ("en", "ko"):
            terms, keywords, heads = self.terms[lang], self._keywords[lang], self._heads[lang]
            for term in keywords.keys() | heads.keys():
                in_keywords, in_heads = keywords.get(term, set()), heads.get(term, set())
                scores = terms.setdefault(term, {})
                for char in in_keywords | in_heads:
                    if char not in scores:
                        scores[char] = weight(in_keywords, 6.0) * (char in in_keywords) + weight(in_heads, 3.0) * (
                            char in in_heads
                        )

    def best(self, lang: str, term: str) -> tuple[Emoji, float] | None:
        chars = self.terms[lang].get(term)
        if not chars:
            return None
        char = max(chars, key=lambda c: (chars[c], "\u200d" not in c, -len(self.emoji[c].name), c))
        return self.emoji[char], chars[char]


@cache
def vocabulary() -> Vocabulary:
    return Vocabulary()


_WORD = re.compile(r"[0-9]+|[^\W\d_]+")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")


def language(prompt: str) -> str:
    hangul = len(_HANGUL.findall(prompt))
    return "ko" if hangul and hangul >= len(re.findall(r"[A-Za-z]", prompt)) / 3 else "en"


@lru_cache(maxsize=512)
def read_prompt(prompt: str) -> Reading:
    """The subjects a prompt asks for, main first, and its scene words (English)."""
    if language(prompt) == "ko":
        from sandbox.engines.subjects_ko import read_korean

        return read_korean(prompt, vocabulary())
    return _read_english(prompt, vocabulary())


def scene_words(prompt: str) -> list[str]:
    """English scene words for the painter, Korean ones translated (밤 → night)."""
    return list(read_prompt(prompt).scene_words)


def _verb(word: str) -> bool:
    """An -ing form (playing, eating): it ends a noun phrase, and names a subject only when nothing else does."""
    return word.endswith("ing") and len(word) > 4 and word not in ("ring", "king", "wing", "building", "painting")


def _singular(word: str) -> str:
    if word in _EN_IRREGULAR:
        return _EN_IRREGULAR[word]
    for ending, replacement in (("ies", "y"), ("ves", "f"), ("ches", "ch"), ("shes", "sh"), ("xes", "x")):
        if word.endswith(ending) and len(word) > len(ending) + 2:
            return word[: -len(ending)] + replacement
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def _english_spans(words: list[str], vocab: Vocabulary) -> list[Span]:
    spans: list[Span] = []
    i = 0
    while i < len(words):
        found = None
        for length in range(min(vocab.longest["en"], len(words) - i), 0, -1):
            phrase = words[i : i + length]
            if length == 1 and (phrase[0] in _EN_SKIP or phrase[0] in COLOUR_WORDS or phrase[0].isdigit()):
                break
            for term in (" ".join(phrase), " ".join([*phrase[:-1], _singular(phrase[-1])])):
                hit = vocab.best("en", term)
                if hit is not None and (found is None or hit[1] > found[1]):
                    found = hit
            if found is not None:
                scene = length == 1 and (phrase[0] in SCENE_WORDS_EN or _singular(phrase[0]) in SCENE_WORDS_EN)
                minor = scene or (length == 1 and _verb(phrase[0]) and found[1] < 9.5)  # unless a full name
                spans.append(Span(i, i + length, found[0], found[1], minor))
                i += length
                break
        else:
            i += 1
            continue
        if found is None:
            i += 1
    return [s for s in spans if s.score >= 1.5]


def _read_english(prompt: str, vocab: Vocabulary) -> Reading:
    words = [w.lower() for w in _WORD.findall(prompt)]
    scenes = tuple(dict.fromkeys(w for w in words if w in SCENE_WORDS_EN or _singular(w) in SCENE_WORDS_EN))
    spans = _english_spans(words, vocab)
    things = [s for s in spans if not s.minor] or [s for s in spans if s.score >= 9.0]  # a castle, not a night
    heads: list[tuple[Span, int]] = []  # the head of each noun phrase, with where its phrase starts
    for span in things:
        between = words[heads[-1][0].end : span.start] if heads else []
        if heads and not any(w in _EN_BOUNDARY or _verb(w) for w in between):
            heads[-1] = (span, heads[-1][1])  # same phrase: the later noun is the head
        else:
            heads.append((span, span.start))
    kept: list[tuple[Span, int]] = []
    for index, (span, start) in enumerate(heads):
        follows_of = words[span.end : span.end + 1] == ["of"] and index + 1 < len(heads)
        if follows_of and words[span.start] in _EN_CONTAINERS | {"group", "bunch", "piece"}:
            continue  # "a bowl of ramen": the ramen
        if follows_of and span.end - span.start == 1 and words[span.start] in _EN_CONTAINERS:
            continue
        kept.append((span, start))
    subjects = [_english_subject(words, span, start, index > 0) for index, (span, start) in enumerate(kept)]
    return Reading(distinct(subjects), scenes)


def _english_subject(words: list[str], span: Span, start: int, secondary: bool) -> Subject:
    before = words[max(0, start - 3) : span.start]
    count = next((_EN_NUMBERS.get(w) or (int(w) if w.isdigit() else 0) for w in reversed(before) if w in _EN_NUMBERS
                  or w.isdigit()), 1)  # fmt: skip
    colour = next((COLOUR_WORDS[w] for w in reversed(before) if w in COLOUR_WORDS), None)
    lead = words[max(0, start - 3) : start]
    attached = secondary and any(w in _EN_ATTACH or _verb(w) for w in lead)
    worn = attached and any(w in ("wearing", "wears", "wear") for w in lead)
    return Subject(span.emoji, max(1, min(count or 1, MAX_COUNT)), colour, attached, worn)


def distinct(subjects: list[Subject]) -> tuple[Subject, ...]:
    """One entry per emoji (the first, which is the more important), at most MAX_SUBJECTS; a bare "person" is the
    main subject only when nothing else is named ("자전거를 탄 사람" draws the bicycle first)."""
    seen: dict[str, Subject] = {}
    for subject in subjects:
        seen.setdefault(subject.emoji.char, subject)
    ordered = sorted(seen.values(), key=lambda s: s.emoji.char in _GENERIC_PEOPLE)  # stable: keeps the order
    return tuple(ordered[:MAX_SUBJECTS])
