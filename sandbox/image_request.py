"""The images endpoints' parameters: one ``ImageRequest`` from a JSON body (generations) or a form (edits).

Parameters are checked the way openai 3.57.0 documents them for GPT image models; where the live API's
answer is not documented, the choice is marked [INFERRED] and errs toward a message a learner can act on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sandbox import limits
from sandbox.catalog import IMAGE_MODELS, require_model
from sandbox.engines.images import PaintSpec
from sandbox.errors import InvalidRequest
from sandbox.params import Params, not_one_of

STANDARD_SIZES = ("1024x1024", "1536x1024", "1024x1536")
DALLE_SIZES = {"256x256": "dall-e-2", "512x512": "dall-e-2", "1792x1024": "dall-e-3", "1024x1792": "dall-e-3"}
# Custom WIDTHxHEIGHT: the models the SDK's `size` docstring names (gpt-image-2.6-* is not among them).
CUSTOM_SIZE_MODELS = frozenset(
    m for m in IMAGE_MODELS if m.startswith(("gpt-image-2-", "gpt-image-2.5")) or m == "gpt-image-2"
)
EXTENDED_QUALITY_MODELS = frozenset(m for m in CUSTOM_SIZE_MODELS if m.startswith("gpt-image-2.5"))
_SIZE = re.compile(r"([0-9]{1,30})x([0-9]{1,30})")

COMMON_PARAMS = frozenset(
    {
        "prompt", "model", "n", "size", "quality", "background", "output_format", "output_compression", "stream",
        "partial_images", "response_format", "style", "safety_identifier", "user", "complexity", "frame_count",
        "frame_duration_ms", "svg",
    }
)  # fmt: skip
GENERATE_PARAMS = COMMON_PARAMS | {"moderation"}
EDIT_PARAMS = COMMON_PARAMS | {"image", "image[]", "mask", "markup", "input_fidelity"}


@dataclass(frozen=True)
class ImageRequest:
    prompt: str
    model: str
    n: int
    size: tuple[int, int] | None  # None: "auto"
    quality: str  # resolved: low | medium | high | xhigh | max
    background: str  # transparent | opaque | auto
    output_format: str
    compression: int
    stream: bool
    partial_images: int
    safety_identifier: str | None
    high_fidelity: bool = False

    def spec(self, width: int, height: int) -> PaintSpec:
        return PaintSpec(self.prompt, self.model, width, height, self.quality, self.background == "transparent")


def parse_image_request(params: Params, *, edit: bool) -> ImageRequest:
    """Every parameter checked, in the order a person reads them; the first problem is the one reported."""
    params.reject_unknown(EDIT_PARAMS if edit else GENERATE_PARAMS, prefixes=("svg[",))
    prompt = _prompt(params)
    model = _model(params, edit=edit)
    _refuse_dalle_options(params)
    n = params.integer("n", 1, limits.MAX_IMAGES_PER_REQUEST) or 1
    quality = _quality(params.text("quality"), model)
    output_format = _output_format(params.text("output_format"))
    background = _background(params, output_format)
    compression = _compression(params, output_format)
    size = _size(params.text("size"), model)
    if not edit:
        params.text("moderation", choices=("low", "auto"))
    high_fidelity = _input_fidelity(params, model) if edit else False
    _refuse_preview_features(params, edit=edit)
    params.text("complexity", choices=("low", "medium", "high"))
    stream = params.flag("stream")
    partial_images = params.integer("partial_images", 0, limits.MAX_PARTIAL_IMAGES) or 0
    safety_identifier = params.text("safety_identifier") or params.text("user") or None
    return ImageRequest(
        prompt=prompt,
        model=model,
        n=n,
        size=size,
        quality=quality,
        background=background,
        output_format=output_format,
        compression=100 if compression is None else compression,
        stream=stream,
        partial_images=partial_images,
        safety_identifier=safety_identifier,
        high_fidelity=high_fidelity,
    )


def _prompt(params: Params) -> str:
    prompt = params.required_text("prompt")
    if not prompt.strip():
        raise InvalidRequest(
            "Invalid 'prompt': empty string. Describe the picture you want.", param="prompt", code="empty_string"
        )
    if len(prompt) > limits.MAX_PROMPT_CHARS:
        raise InvalidRequest(
            f"Invalid 'prompt': string too long. Expected a string with maximum length {limits.MAX_PROMPT_CHARS}, "
            f"but got a string with length {len(prompt)} instead.",
            param="prompt",
            code="string_above_max_length",
        )
    return prompt


def _model(params: Params, *, edit: bool) -> str:
    model = params.text("model")
    if model is None:
        if not edit:
            # [INFERRED] The spec's default for generations is dall-e-2, which is retired; the SDK says to always
            # name a model. Saying both is more useful than silently picking one.
            raise InvalidRequest(
                "No model was given, and this endpoint's default model (dall-e-2) was retired on May 12, 2026. "
                "Pass model= explicitly, e.g. model='gpt-image-2'.",
                param="model",
                code="model_not_supported",
            )
        model = "gpt-image-1.5"  # the edits default in the OpenAPI spec (Aug 2026)
    return require_model(model, IMAGE_MODELS, "images")


def _refuse_dalle_options(params: Params) -> None:
    # [INFERRED] Both are documented as unsupported for GPT image models; refusing beats silently ignoring them.
    if params.present("response_format"):
        raise _unsupported(
            "response_format",
            "'response_format' is unsupported for GPT image models, which always return base64-encoded images. "
            "Remove it and read data[i].b64_json.",
        )
    if params.present("style"):
        raise _unsupported(
            "style",
            "'style' (vivid/natural) was a dall-e-3 option and is unsupported for GPT image models. Describe the "
            "style in the prompt instead.",
        )


def _background(params: Params, output_format: str) -> str:
    background = params.text("background", choices=("transparent", "opaque", "auto")) or "auto"
    if background == "transparent" and output_format == "jpeg":
        raise InvalidRequest(
            "Transparent backgrounds need an output format with an alpha channel: set output_format to 'png' or "
            "'webp' (jpeg has no transparency).",
            param="background",
            code="invalid_value",
        )
    return background


def _compression(params: Params, output_format: str) -> int | None:
    compression = params.integer("output_compression", 0, 100)
    if compression is not None and output_format == "png":
        raise _unsupported(
            "output_compression",
            "'output_compression' is only supported with output_format 'jpeg' or 'webp' (png is lossless).",
        )
    return compression


def _input_fidelity(params: Params, model: str) -> bool:
    fidelity = params.text("input_fidelity", choices=("high", "low"))
    if fidelity is not None and model in ("gpt-image-2", "gpt-image-2-2026-04-21"):
        raise _unsupported("input_fidelity", f"'input_fidelity' is not supported for {model}; omit it.")
    if fidelity == "high" and model == "gpt-image-1-mini":
        raise not_one_of("input_fidelity", fidelity, ("low",), advice="gpt-image-1-mini supports only 'low'.")
    return fidelity == "high"


def _refuse_preview_features(params: Params, *, edit: bool) -> None:
    if edit and params.present("markup"):
        raise InvalidRequest(
            "The sandbox does not implement 'markup' (a GPT Image 2.5 preview feature). Use 'mask': its fully "
            "transparent pixels mark the area to repaint.",
            param="markup",
            code="unsupported_parameter",
        )
    for name in ("frame_count", "frame_duration_ms"):
        if params.present(name):
            raise _unsupported(name, f"'{name}' is only supported with output_format 'gif'.")
    if any(name == "svg" or name.startswith("svg[") for name in params.values if params.present(name)):
        raise _unsupported("svg", "'svg' is only supported with output_format 'svg'.")


def _unsupported(name: str, reason: str) -> InvalidRequest:
    return InvalidRequest(f"Invalid parameter: {reason}", param=name, code="unsupported_parameter")


def _quality(value: str | None, model: str) -> str:
    if value in ("standard", "hd"):
        raise not_one_of("quality", value, ("low", "medium", "high", "auto"), advice=f"'{value}' was a DALL·E quality.")
    if value in ("xhigh", "max") and model not in EXTENDED_QUALITY_MODELS:
        raise not_one_of(
            "quality",
            value,
            ("low", "medium", "high", "auto"),
            advice=f"'{value}' is only supported by the gpt-image-2.5 models (sunburst, flare), not {model}.",
        )
    if value is not None and value not in ("low", "medium", "high", "xhigh", "max", "auto"):
        raise not_one_of("quality", value, ("low", "medium", "high", "auto"))
    # "auto" lets the model choose; the sandbox always chooses medium, and reports that choice.
    return "medium" if value in (None, "auto") else value


def _output_format(value: str | None) -> str:
    if value in ("gif", "svg"):
        raise InvalidRequest(
            f"output_format '{value}' needs preview/project access, which the sandbox does not have. Use 'png', "
            "'jpeg' or 'webp'.",
            param="output_format",
            code="unsupported_value",
        )
    if value is not None and value not in ("png", "jpeg", "webp"):
        raise not_one_of("output_format", value, ("png", "jpeg", "webp"))
    return value or "png"


def _size(value: str | None, model: str) -> tuple[int, int] | None:
    if value is None or value == "auto":
        return None
    custom = model in CUSTOM_SIZE_MODELS
    supported = ", ".join([*STANDARD_SIZES, "auto"]) + (", or a custom WIDTHxHEIGHT" if custom else "")
    match = _SIZE.fullmatch(value)
    if match is None:
        raise _bad_size(f"'{value}'. Use one of {supported}.")
    w, h = int(match[1]), int(match[2])
    if value in STANDARD_SIZES:
        return w, h
    problem = _custom_size_problem(w, h) if custom else "custom sizes are not supported"
    if problem is None:
        return w, h
    if value in DALLE_SIZES:
        raise _bad_size(
            f"'{value}' was a {DALLE_SIZES[value]} size; DALL·E models were retired on May 12, 2026. "
            f"{model} supports {supported}."
        )
    hint = "" if custom else " Custom sizes work with gpt-image-2 and the gpt-image-2.5 models."
    raise _bad_size(f"'{value}': {problem}. {model} supports {supported}.{hint}")


def _bad_size(detail: str) -> InvalidRequest:
    return InvalidRequest(f"Invalid value for 'size': {detail}", param="size", code="invalid_value")


def _custom_size_problem(w: int, h: int) -> str | None:
    if w < 1 or h < 1:
        return "width and height must both be at least 1"
    if w % 16 or h % 16:
        return "width and height must both be divisible by 16"
    if not 1 / 3 <= w / h <= 3:
        return "the aspect ratio must be between 1:3 and 3:1"
    if max(w, h) > limits.MAX_LONG_EDGE or min(w, h) > limits.MAX_SHORT_EDGE:
        return (
            f"the maximum supported resolution is {limits.MAX_LONG_EDGE}x{limits.MAX_SHORT_EDGE} (either orientation)"
        )
    if w * h < limits.MIN_CUSTOM_PIXELS:
        return f"it has fewer than {limits.MIN_CUSTOM_PIXELS:,} pixels, the sandbox's minimum"
    return None


def auto_edit_size(size: tuple[int, int]) -> tuple[int, int]:
    """``auto`` keeps the input's size, shrunk (aspect kept) only if it exceeds the largest output."""
    w, h = size
    scale = min(1.0, limits.MAX_LONG_EDGE / max(w, h), limits.MAX_SHORT_EDGE / min(w, h))
    return max(1, round(w * scale)), max(1, round(h * scale))
