"""Moderation stand-in: few-shot classifiers on MiniLM sentence vectors, plus a colour heuristic for images.

Text. Logistic regressions are fitted at start-up on the labelled sentences in ``moderation_exemplars``
(about 150 harmful sentences across the 13 categories, 130 benign ones with many near misses, and the SDK's
category descriptions):

- a *gate*, P(harmful | text), trained on every harmful sentence against every benign one, so the hard part
  (telling "kill the process" from "kill them") gets all the data;
- one *topic* model per category, P(category | harmful text), trained on the harmful sentences only.

A category's score is ``(gate * topic) ** gamma``, with gamma chosen so that the score reaches 0.5 exactly when
the product reaches 0.4, the operating point picked by leave-one-out validation on the exemplars; ``flagged``
means score >= 0.5. A parent category scores at least as high as its subcategories. Texts longer than MiniLM's
256-token window are scored in windows of whole sentences and the highest score per category wins.

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
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from sandbox.engines import moderation_exemplars as exemplars
from sandbox.engines.sentence import SentenceEncoder
from sandbox.errors import OpenAIError, check_unicode_text, invalid_request

CATEGORIES = exemplars.CATEGORIES
DEFAULT_MODEL = "omni-moderation-latest"
# What OpenAI names in the response: omni ids are echoed; the text-moderation aliases resolved to this snapshot
# in the API reference's example.
RESPONSE_MODEL = {"text-moderation-latest": "text-moderation-007", "text-moderation-stable": "text-moderation-007"}
TEXT_ONLY_MODELS = frozenset({"text-moderation-latest", "text-moderation-stable"})

FLAG_THRESHOLD = 0.5
_PRODUCT_AT_THRESHOLD = 0.4
_GAMMA = math.log(FLAG_THRESHOLD) / math.log(_PRODUCT_AT_THRESHOLD)
_GATE_C = 16.0  # inverse regularisation strengths, picked by leave-one-out on the exemplars
_TOPIC_C = 16.0
_WINDOW_TOKENS = 128
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
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


class _LogisticRegression:
    """The fitted weights of an sklearn LogisticRegression, applied with numpy."""

    def __init__(self, features: NDArray[np.float32], labels: NDArray[np.bool_], c: float) -> None:
        from sklearn.linear_model import LogisticRegression

        model = LogisticRegression(C=c, class_weight="balanced", max_iter=5000)
        model.fit(features, labels)
        self.weights = np.asarray(model.coef_[0], dtype=np.float64)
        self.bias = float(model.intercept_[0])

    def probability(self, features: NDArray[np.float32]) -> NDArray[np.float64]:
        # Multiply-and-sum rather than `@`: a BLAS call would wake numpy's threads, which then spin against
        # torch's (see EmbeddingEngine.embed).
        logits = (features.astype(np.float64) * self.weights).sum(axis=1) + self.bias
        result: NDArray[np.float64] = 1.0 / (1.0 + np.exp(-logits))
        return result


def _with_parents(categories: tuple[str, ...]) -> set[str]:
    labelled = set(categories)
    for category in categories:
        labelled.update(exemplars.IMPLIES.get(category, ()))
    return labelled


class TextModerator:
    """The gate and the 13 topic models, fitted once from the exemplars."""

    def __init__(self, encoder: SentenceEncoder) -> None:
        self.encoder = encoder
        harmful = [text for text, _ in exemplars.HARMFUL]
        descriptions = [exemplars.DESCRIPTIONS[c] for c in CATEGORIES]
        vectors = encoder.encode(harmful + descriptions + list(exemplars.BENIGN))
        n_harmful, n_labelled = len(harmful), len(harmful) + len(descriptions)
        # The gate learns harmful speech against benign speech; the descriptions talk *about* harm, so they only
        # anchor the topic models.
        gate_vectors = np.vstack([vectors[:n_harmful], vectors[n_labelled:]])
        self._gate = _LogisticRegression(gate_vectors, np.arange(len(gate_vectors)) < n_harmful, _GATE_C)
        labels = [_with_parents(cats) for _, cats in exemplars.HARMFUL] + [_with_parents((c,)) for c in CATEGORIES]
        self._topics = [
            _LogisticRegression(vectors[:n_labelled], np.array([c in row for row in labels]), _TOPIC_C)
            for c in CATEGORIES
        ]

    def score(self, texts: list[str]) -> NDArray[np.float64]:
        """(len(texts), 13) calibrated scores, each text scored over its 128-token windows (max per category)."""
        if not texts:
            return np.zeros((0, len(CATEGORIES)))
        pieces, owners = self._windows(texts)
        vectors = self.encoder.encode(pieces)
        product = self._gate.probability(vectors)[:, None] * np.stack(
            [topic.probability(vectors) for topic in self._topics], axis=1
        )
        piece_scores = np.clip(product, 0.0, 1.0) ** _GAMMA
        scores = np.zeros((len(texts), len(CATEGORIES)))
        np.maximum.at(scores, owners, piece_scores)
        for child, parents in exemplars.IMPLIES.items():
            for parent in parents:
                j, k = CATEGORIES.index(parent), CATEGORIES.index(child)
                if parent != "violence":  # a threat implies violence, but violence need not score as high
                    scores[:, j] = np.maximum(scores[:, j], scores[:, k])
        return scores

    def _windows(self, texts: list[str]) -> tuple[list[str], NDArray[np.intp]]:
        """Short texts are read whole; longer ones in windows of whole sentences up to ~128 tokens."""
        counts = self.encoder.count_tokens(texts)
        pieces: list[str] = []
        owners: list[int] = []
        for index, (text, count) in enumerate(zip(texts, counts, strict=True)):
            if count <= self.encoder.max_seq_length - 2:
                pieces.append(text)
                owners.append(index)
                continue
            sentences = [s for s in _SENTENCE_END.split(text) if s.strip()]
            window: list[str] = []
            size = 0
            for sentence, length in zip(sentences, self.encoder.count_tokens(sentences), strict=True):
                if window and size + length > _WINDOW_TOKENS:
                    pieces.append(" ".join(window))
                    owners.append(index)
                    window, size = [], 0
                window.append(sentence)
                size += length
            if window:
                pieces.append(" ".join(window))
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
        raise invalid_request(
            "The image in input has too many pixels to decode safely (its header claims a decompression bomb).",
            param="input",
            code="image_too_large",
        ) from exc
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise invalid_request(
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

    def __init__(self, encoder: SentenceEncoder) -> None:
        self.text = TextModerator(encoder)

    def stand_in(self, inputs: list[ModerationInput]) -> str:
        label = (
            f"{self.text.encoder.label}: few-shot logistic classifiers over hand-written exemplars "
            "(sandbox/engines/moderation_exemplars.py)"
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
                raise invalid_request(
                    f"Missing required parameter: 'input[{index}].text'.", param=f"input[{index}].text"
                )
            check_unicode_text(text, f"input[{index}].text")
            texts.append(text)
        elif kind == "image_url":
            if model in TEXT_ONLY_MODELS:
                raise invalid_request(
                    f"The model `{model}` only accepts text, but input[{index}] is an image. "
                    "Use omni-moderation-latest to moderate images.",
                    param="input",
                    code="invalid_value",
                )
            images.append(_image_bytes(item.get("image_url"), index))
        else:
            raise invalid_request(
                f"Invalid value for 'input[{index}].type': {kind!r}. Supported values are: 'text' and 'image_url'.",
                param=f"input[{index}].type",
                code="invalid_value",
            )
    return [ModerationInput(tuple(texts), tuple(images))]


def _image_bytes(image_url: Any, index: int) -> bytes:
    url = image_url.get("url") if isinstance(image_url, dict) else None
    if not isinstance(url, str):
        raise invalid_request(
            f"Missing required parameter: 'input[{index}].image_url.url'.", param=f"input[{index}].image_url.url"
        )
    if url.startswith(("http://", "https://")):
        raise invalid_request(
            f"input[{index}] points to {url[:60]!r}, but the sandbox runs offline and cannot download images. "
            "Send the image inline as a base64 data URL instead, e.g. 'data:image/png;base64,iVBORw0KGgo...'.",
            param="input",
            code="image_url_unreachable",
        )
    match = _DATA_URL.match(url)
    if match is None or not match.group("b64"):
        raise invalid_request(
            f"input[{index}].image_url.url must be a base64 data URL ('data:image/png;base64,...') or an http(s) URL.",
            param="input",
            code="invalid_image_url",
        )
    try:
        return base64.b64decode(match.group("data"), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise invalid_request(
            f"input[{index}].image_url.url is a data URL whose base64 payload does not decode.",
            param="input",
            code="invalid_image_url",
        ) from exc


def _invalid_input_type(raw: Any) -> OpenAIError:
    return invalid_request(
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
