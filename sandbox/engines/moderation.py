"""Moderation stand-in: logistic classifiers on multilingual sentence vectors, plus a colour heuristic for images.

Text. Fourteen logistic regressions over the sentence encoder's 512-d vectors (Universal Sentence Encoder
multilingual v3), fitted at build time by ``scripts/fit_moderation.py`` from the labelled English and Korean
sentences in ``moderation_exemplars*`` (harmful ones across the 13 categories; benign ones with many near misses:
idioms such as "you killed it on stage" or "배고파 죽겠다", cooking, programming, games, support messages) and
loaded from ``sandbox/data/moderation_weights.npz`` at start (see ``moderation_fit`` for what each is fitted on):

- a *gate*, P(harmful | text);
- one *topic* model per category, P(category | harmful text).

Harm to oneself and harm to others compete (``separate_targets``): a sentence vector blurs "kill myself" and
"kill them", so the weaker of the two topic families is scaled down by their ratio.
A category's score is ``(gate * topic) ** gamma``, with gamma chosen so that the score reaches 0.5 exactly when
the product reaches 0.4; ``flagged`` means score >= 0.5. A parent category scores at least as high as its
subcategories. The encoder reads any length, but one vector for a long text dilutes a single harmful sentence, so
texts of more than ``_WINDOW_WORDS`` words are scored sentence by sentence and the highest score per category wins.

Images. No image classifier for these categories could be shipped: the only offline-loadable candidate found,
NudeNet 3.4.2, is AGPL-3.0, needs onnxruntime and OpenCV, and covers nudity only. So images get a documented pixel
heuristic: the share of skin-toned pixels drives ``sexual`` (flagged above ~85% of the frame) and the share of
dark-red pixels drives ``violence`` and ``violence/graphic``; self-harm scores for images are always 0. It flags
an all-beige or dark-red picture whatever it shows and misses most real nudity or gore.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import math
import re
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from sandbox.engines import moderation_exemplars as exemplars
from sandbox.engines import moderation_weights
from sandbox.engines.moderation_weights import PRODUCT_AT_THRESHOLD, ModerationWeights, StaleWeightsWarning
from sandbox.engines.sentence import SentenceEncoder
from sandbox.errors import InvalidRequest
from sandbox.params import check_unicode_text, missing, not_one_of

CATEGORIES = exemplars.CATEGORIES
DEFAULT_MODEL = "omni-moderation-latest"
# What OpenAI names in the response: omni ids are echoed; the text-moderation aliases resolved to this snapshot
# in the API reference's example.
RESPONSE_MODEL = {"text-moderation-latest": "text-moderation-007", "text-moderation-stable": "text-moderation-007"}
TEXT_ONLY_MODELS = frozenset({"text-moderation-latest", "text-moderation-stable"})

FLAG_THRESHOLD = 0.5
_GAMMA = math.log(FLAG_THRESHOLD) / math.log(PRODUCT_AT_THRESHOLD)
_WINDOW_WORDS = 40
_SENTENCE_END = re.compile(r"(?<=[.!?\u3002\uff01\uff1f])\s+|\n+")  # also the CJK full stops
_DATA_URL = re.compile(
    r"^data:(?P<mime>image/[\w.+-]+)?(?P<params>(;[\w-]+=[^;,]*)*)(?P<b64>;base64)?,(?P<data>.*)$", re.S
)

STAND_IN_IMAGES = (
    "images: pixel heuristic (skin-tone share -> sexual, dark-red share -> violence), not a trained classifier"
)


@dataclass(frozen=True)
class ModerationInput:
    """One result's worth of input: OpenAI returns one result per string, one for a whole multimodal list."""

    texts: tuple[str, ...]
    images: tuple[bytes, ...] = ()


@dataclass(frozen=True)
class Verdict:
    scores: dict[str, float]
    applied: dict[str, list[str]]

    def to_wire(self) -> dict[str, Any]:
        flags = {c: self.scores[c] >= FLAG_THRESHOLD and bool(self.applied[c]) for c in CATEGORIES}
        return {
            "flagged": any(flags.values()),
            "categories": flags,
            "category_scores": self.scores,
            "category_applied_input_types": self.applied,
        }


class TextModerator:
    """The gate and the 13 topic models, with weights fitted at build time."""

    def __init__(self, encoder: SentenceEncoder, weights: ModerationWeights | None = None) -> None:
        self.encoder = encoder
        self.weights = weights if weights is not None else moderation_weights.load()
        problem = moderation_weights.staleness(self.weights, encoder.label, encoder.dimensions)
        if problem is not None and self.weights.weights.shape[1] != encoder.dimensions:
            raise RuntimeError(problem)  # cannot score at all
        self.stale = problem
        if problem is not None:
            warnings.warn(problem, StaleWeightsWarning, stacklevel=2)

    def score(self, texts: list[str]) -> NDArray[np.float64]:
        """(len(texts), 13) calibrated scores, long texts scored per window (max per category)."""
        if not texts:
            return np.zeros((0, len(CATEGORIES)))
        pieces, owners = _windows(texts)
        probabilities = separate_targets(self.weights.probabilities(self.encoder.encode(pieces)))
        product = probabilities[:, :1] * probabilities[:, 1:]
        piece_scores = np.clip(product, 0.0, 1.0) ** _GAMMA
        scores = np.zeros((len(texts), len(CATEGORIES)))
        np.maximum.at(scores, owners, piece_scores)
        for child, parents in exemplars.IMPLIES.items():
            for parent in parents:
                j, k = CATEGORIES.index(parent), CATEGORIES.index(child)
                if parent != "violence":  # a threat implies violence, but violence need not score as high
                    scores[:, j] = np.maximum(scores[:, j], scores[:, k])
        return scores


_SELF = [1 + CATEGORIES.index(c) for c in ("self-harm", "self-harm/instructions", "self-harm/intent")]
_OTHERS = [1 + CATEGORIES.index(c) for c in ("harassment/threatening", "violence")]


def separate_targets(probabilities: NDArray[np.float64]) -> NDArray[np.float64]:
    """Harm to oneself and harm to others are told apart by the target ("kill myself" / "kill them"), which one
    sentence vector blurs, so the two topic families compete: the weaker is scaled down by the ratio of the
    strongest topic of each. A sentence that clearly says one keeps the other low; one that says both (threat and
    self-harm alike strong) keeps both. Columns are the gate then the 13 topics, as ``ModerationWeights`` gives."""
    out = probabilities.copy()
    own = probabilities[:, _SELF].max(axis=1)
    others = probabilities[:, _OTHERS].max(axis=1)
    ratio = np.minimum(own, others) / np.maximum(np.maximum(own, others), 1e-9)
    out[:, _SELF] *= np.where(own < others, ratio, 1.0)[:, None]
    out[:, _OTHERS] *= np.where(others < own, ratio, 1.0)[:, None]
    return out


def _windows(texts: list[str]) -> tuple[list[str], NDArray[np.intp]]:
    """Texts of up to _WINDOW_WORDS words are read whole, as the exemplars were; a longer text is read sentence by
    sentence (a sentence longer than _WINDOW_WORDS is cut every _WINDOW_WORDS words), since one vector for many
    sentences drowns a single harmful one. Words are whitespace-separated runs, which suits English and Korean
    alike and needs no tokenizer."""
    pieces: list[str] = []
    owners: list[int] = []
    for index, text in enumerate(texts):
        words = text.split()
        if len(words) <= _WINDOW_WORDS:
            pieces.append(text)
            owners.append(index)
            continue
        for sentence in _SENTENCE_END.split(text):
            sentence_words = sentence.split()
            for start in range(0, len(sentence_words), _WINDOW_WORDS):
                pieces.append(" ".join(sentence_words[start : start + _WINDOW_WORDS]))
                owners.append(index)
    return pieces, np.asarray(owners, dtype=np.intp)


def image_scores(image: bytes) -> dict[str, float]:
    """Heuristic scores for the image categories from colour shares (documented above; not a classifier)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(image)) as opened:
            opened.draft("RGB", (256, 256))  # JPEG: decode at reduced size, it is only colour shares
            picture = opened.convert("RGB")
    except Image.DecompressionBombError as exc:  # not an OSError: Pillow refuses > 2x MAX_IMAGE_PIXELS outright
        raise InvalidRequest(
            "The image in input has too many pixels to decode safely (its header claims a decompression bomb).",
            param="input",
            code="image_too_large",
        ) from exc
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise InvalidRequest(
            "The image in input could not be decoded. Send a PNG, JPEG, GIF or WebP image as a base64 data URL.",
            param="input",
            code="invalid_image",
        ) from exc
    picture.thumbnail((256, 256))
    rgb = np.asarray(picture, dtype=np.float64)
    ycbcr = np.asarray(picture.convert("YCbCr"), dtype=np.float64)
    cb, cr = ycbcr[..., 1], ycbcr[..., 2]
    # Chai & Ngan's skin-tone box in the CbCr plane.
    skin = float(np.mean((cb >= 77) & (cb <= 127) & (cr >= 133) & (cr <= 173)))
    red, green, blue = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    dark_red = float(np.mean((red >= 70) & (red <= 200) & (green < 0.35 * red) & (blue < 0.35 * red)))
    # Centred high: sand, wood and sunsets are skin-toned too (painter desert scenes reach 0.69).
    sexual = _logistic(20.0 * (skin - 0.85))
    graphic = _logistic(12.0 * (dark_red - 0.45))
    violence = _logistic(12.0 * (dark_red - 0.35))
    return {
        "sexual": sexual,
        "violence": max(violence, graphic),
        "violence/graphic": graphic,
        "self-harm": 0.0,
        "self-harm/instructions": 0.0,
        "self-harm/intent": 0.0,
    }


def _logistic(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


class ModerationEngine:
    """Turns a request's ``input`` into results; built once per app."""

    def __init__(self, encoder: SentenceEncoder, weights: ModerationWeights | None = None) -> None:
        self.text = TextModerator(encoder, weights)

    def stand_in(self, inputs: list[ModerationInput]) -> str:
        label = (
            f"text: logistic regressions (a harmful/benign gate x 13 categories) on {self.text.encoder.label} "
            f"vectors, fitted on {len(exemplars.ALL_HARMFUL)} harmful and {len(exemplars.ALL_BENIGN)} benign "
            "English and Korean example sentences written for this project (sandbox/engines/moderation_exemplars*.py)"
        )
        if any(item.images for item in inputs):
            label += f"; {STAND_IN_IMAGES}"
        return label

    def moderate(self, inputs: list[ModerationInput]) -> list[dict[str, Any]]:
        joined = ["\n".join(item.texts) for item in inputs]
        has_text = [any(t for t in item.texts) or not item.images for item in inputs]
        text_scores = self.text.score(joined)
        results: list[dict[str, Any]] = []
        for index, item in enumerate(inputs):
            scores = dict.fromkeys(CATEGORIES, 0.0)
            applied: dict[str, list[str]] = {c: [] for c in CATEGORIES}
            if has_text[index]:
                for j, category in enumerate(CATEGORIES):
                    scores[category] = float(text_scores[index, j])
                    applied[category].append("text")
            for image in item.images:
                for category, value in image_scores(image).items():
                    scores[category] = max(scores[category], value)
                    if "image" not in applied[category]:
                        applied[category].append("image")
            results.append(Verdict(scores, applied).to_wire())
        return results


def parse_moderation_input(raw: Any, model: str) -> list[ModerationInput]:
    """A string or list of strings gives one result each; a list of typed items gives one result in all."""
    if isinstance(raw, str):
        check_unicode_text(raw, "input")  # the tokenizer raises TypeError on a lone surrogate
        return [ModerationInput((raw,))]
    if not isinstance(raw, list) or not raw:
        raise _invalid_input_type(raw)
    if all(isinstance(item, str) for item in raw):
        for index, item in enumerate(raw):
            check_unicode_text(item, "input", where=f"input[{index}]")
        return [ModerationInput((item,)) for item in raw]
    if not all(isinstance(item, dict) for item in raw):
        raise _invalid_input_type(raw)
    texts: list[str] = []
    images: list[bytes] = []
    for index, item in enumerate(raw):
        kind = item.get("type")
        if kind == "text":
            text = item.get("text")
            if not isinstance(text, str):
                raise missing(f"input[{index}].text")
            check_unicode_text(text, f"input[{index}].text")
            texts.append(text)
        elif kind == "image_url":
            if model in TEXT_ONLY_MODELS:
                raise InvalidRequest(
                    f"The model `{model}` only accepts text, but input[{index}] is an image. "
                    "Use omni-moderation-latest to moderate images.",
                    param="input",
                    code="invalid_value",
                )
            images.append(_image_bytes(item.get("image_url"), index))
        else:
            raise not_one_of(f"input[{index}].type", kind, ("text", "image_url"))
    return [ModerationInput(tuple(texts), tuple(images))]


def _image_bytes(image_url: Any, index: int) -> bytes:
    url = image_url.get("url") if isinstance(image_url, dict) else None
    if not isinstance(url, str):
        raise missing(f"input[{index}].image_url.url")
    if url.startswith(("http://", "https://")):
        raise InvalidRequest(
            f"input[{index}] points to {url[:60]!r}, but the sandbox runs offline and cannot download images. "
            "Send the image inline as a base64 data URL instead, e.g. 'data:image/png;base64,iVBORw0KGgo...'.",
            param="input",
            code="image_url_unreachable",
        )
    match = _DATA_URL.match(url)
    if match is None or not match.group("b64"):
        raise InvalidRequest(
            f"input[{index}].image_url.url must be a base64 data URL ('data:image/png;base64,...') or an http(s) URL.",
            param="input",
            code="invalid_image_url",
        )
    try:
        return base64.b64decode(match.group("data"), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidRequest(
            f"input[{index}].image_url.url is a data URL whose base64 payload does not decode.",
            param="input",
            code="invalid_image_url",
        ) from exc


def _invalid_input_type(raw: Any) -> InvalidRequest:
    return InvalidRequest(
        "Invalid type for 'input': expected a string, an array of strings, or an array of objects with "
        "type 'text' or 'image_url'"
        + (" (the array is empty)" if raw == [] else "")
        + ". Arrays may not mix strings and objects.",
        param="input",
        code="invalid_type",
    )


def moderation_id(model: str, raw_input: Any) -> str:
    """Deterministic from model and input, so recordings of the same request match."""
    digest = hashlib.sha256(json.dumps([model, raw_input], sort_keys=True).encode()).hexdigest()
    return f"modr-{digest[:32]}"
