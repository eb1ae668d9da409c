"""``/v1/images``: generations (JSON), edits (multipart), and the retired variations endpoint.

Parameters are checked the way openai 3.57.0 documents them for GPT image models; where the live API's
answer is not documented, the choice is marked [INFERRED] and errs toward a message a learner can act on.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from PIL import Image, ImageOps
from starlette.datastructures import UploadFile

from sandbox.catalog import IMAGE_MODELS, require_model
from sandbox.engines.compose import drawn
from sandbox.engines.images import STAND_IN, ImagePainter, PaintSpec, usage
from sandbox.errors import OpenAIError, check_unicode_text, invalid_request
from sandbox.labels import label_drawn, label_stand_in
from sandbox.services import Services, get_services

router = APIRouter(tags=["images"])

MB = 1024 * 1024
MAX_PROMPT_CHARS = 32_000
MAX_INPUT_IMAGES = 16
MAX_IMAGE_BYTES = 50 * MB
MAX_MASK_BYTES = 4 * MB
MAX_INPUT_PIXELS = 50_000_000  # refuse decompression bombs long before Pillow's own warning
# Per request, over every input image and the mask (read from their headers before anything is decoded): one
# image at the per-image maximum plus its same-size mask fits, four of them do not.
MAX_REQUEST_PIXELS = 2 * MAX_INPUT_PIXELS
INPUT_FORMATS = {"PNG": "png", "JPEG": "jpg", "MPO": "jpg", "WEBP": "webp"}

STANDARD_SIZES = ("1024x1024", "1536x1024", "1024x1536")
DALLE_SIZES = {"256x256": "dall-e-2", "512x512": "dall-e-2", "1792x1024": "dall-e-3", "1024x1792": "dall-e-3"}
# Custom WIDTHxHEIGHT: the models the SDK's `size` docstring names (gpt-image-2.6-* is not among them).
CUSTOM_SIZE_MODELS = frozenset(
    m for m in IMAGE_MODELS if m.startswith(("gpt-image-2-", "gpt-image-2.5")) or m == "gpt-image-2"
)
EXTENDED_QUALITY_MODELS = frozenset(m for m in CUSTOM_SIZE_MODELS if m.startswith("gpt-image-2.5"))
MAX_LONG_EDGE, MAX_SHORT_EDGE = 3840, 2160
# The SDK only says "the model's current pixel and edge limits"; the sandbox's floor (0.65 MP) is its own choice,
# and it is why the old DALL·E sizes 256x256 and 512x512 fail even on custom-size models.
MIN_CUSTOM_PIXELS = 655_360
# ASCII digits only (str.isdigit() and int() also take "²" or "٣"), and few enough for int() (at most 4300).
_FORM_INTEGER = re.compile(r"-?[0-9]{1,30}")
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


# ---- endpoints


@router.post("/images/generations")
async def generate_images(request: Request, services: Services = Depends(get_services)) -> Response:
    raw = await request.body()
    try:
        body = json.loads(raw) if raw.strip() else {}
    except (ValueError, RecursionError):  # undecodable, not JSON, integers beyond 4300 digits, absurd nesting
        raise invalid_request(
            "We could not parse the JSON body of your request. The images endpoint expects a JSON object such as "
            '{"model": "gpt-image-2", "prompt": "…"}.'
        ) from None
    if not isinstance(body, dict):
        raise invalid_request("The request body must be a JSON object.")
    req = parse_request(Params(body, form=False), edit=False)
    width, height = req.size or (1024, 1024)
    painter = services.painter
    spec = req.spec(width, height)
    if req.stream:
        stream = _stream(painter, req, spec, "image_generation", lambda i: painter.paint(spec, i), (), services.clock)
        return label_drawn(stream, drawn(req.prompt))
    pictures = await run_in_threadpool(lambda: [painter.paint(spec, i) for i in range(req.n)])
    spent = usage(req.prompt, width, height, req.quality, req.n)
    return label_drawn(await _respond(painter, req, pictures, spent, services.clock), drawn(req.prompt))


@router.post("/images/edits")
async def edit_images(request: Request, services: Services = Depends(get_services)) -> Response:
    if not request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
        # Otherwise the form parser finds no fields and the caller hears "missing prompt" about a prompt they sent.
        raise invalid_request(
            "The image edits endpoint takes multipart/form-data (the image files plus text fields), as "
            "client.images.edit(...) sends it. JSON bodies are not supported by the sandbox.",
            code="unsupported_content_type",
        )
    # An oversized body (declared or chunked) is stopped at the limit by sandbox.limits.
    painter = services.painter
    async with request.form(max_files=MAX_INPUT_IMAGES + 4, max_fields=64) as form:
        values: dict[str, Any] = {key: form.get(key) for key in form}
        req = parse_request(Params(values, form=True), edit=True)
        uploads = [*form.getlist("image"), *form.getlist("image[]")]
        images, mask = await run_in_threadpool(_load_inputs, uploads, form.get("mask"))
    width, height = req.size or _auto_edit_size(images[0].size)
    spec = req.spec(width, height)
    sizes = tuple(img.size for img in images)
    # Inputs are converted once for the request, not once for each of the n outputs; then the decoded originals go.
    prepared = await run_in_threadpool(painter.prepare_edit, images, mask, spec)
    del images, mask

    def draw(index: int) -> Image.Image:
        return painter.edit_prepared(prepared, spec, index, high_fidelity=req.high_fidelity)

    shown = drawn(req.prompt, masked_edit=prepared.holes is not None)
    if req.stream:
        return label_drawn(_stream(painter, req, spec, "image_edit", draw, sizes, services.clock), shown)
    pictures = await run_in_threadpool(lambda: [draw(i) for i in range(req.n)])
    spent = usage(req.prompt, width, height, req.quality, req.n, sizes, high_fidelity=req.high_fidelity)
    return label_drawn(await _respond(painter, req, pictures, spent, services.clock), shown)


@router.post("/images/variations")
def create_variation() -> Response:
    # [INFERRED] openai 3.57.0 says "This endpoint is retired and no longer available"; OpenAI has answered retired
    # endpoints with 404 before, so the sandbox does too, and says what replaced it.
    raise OpenAIError(
        404,
        "The image variations endpoint (POST /v1/images/variations) is retired and no longer available: it only "
        "served dall-e-2, which was retired on May 12, 2026. To make a variation, call the image edits endpoint "
        "with a GPT image model and a prompt, e.g. client.images.edit(model='gpt-image-2', image=open('in.png', "
        "'rb'), prompt='Create a variation of this image').",
        code="endpoint_retired",
    )


# ---- responses


async def _respond(
    painter: ImagePainter,
    req: ImageRequest,
    pictures: list[Image.Image],
    spent: dict[str, object],
    clock: Callable[[], float],
) -> Response:
    encoded = await run_in_threadpool(lambda: [painter.encode(p, req.output_format, req.compression) for p in pictures])
    first = pictures[0]
    body: dict[str, Any] = {
        "created": int(clock()),
        "data": [{"b64_json": base64.b64encode(data).decode()} for data in encoded],
        "background": _background_used(first, req.output_format),
        "output_format": req.output_format,
        "quality": req.quality,
        "size": f"{first.width}x{first.height}",
        "usage": spent,
    }
    if req.safety_identifier:
        body["safety_identifier"] = req.safety_identifier
    response = Response(json.dumps(body), media_type="application/json")
    label_stand_in(response, STAND_IN)
    return response


def _stream(
    painter: ImagePainter,
    req: ImageRequest,
    spec: PaintSpec,
    kind: str,
    draw: Callable[[int], Image.Image],
    input_sizes: tuple[tuple[int, int], ...],
    clock: Callable[[], float],
) -> StreamingResponse:
    """Server-sent events: ``partial_images`` coarse previews, then the finished picture, for each image."""

    def events() -> Iterator[bytes]:
        for index in range(req.n):
            picture = draw(index)
            common = {
                "background": _background_used(picture, req.output_format),
                "output_format": req.output_format,
                "quality": req.quality,
                "size": f"{picture.width}x{picture.height}",
            }
            for step in range(req.partial_images):
                preview = painter.preview(picture, step, req.partial_images)
                data = painter.encode(preview, req.output_format, req.compression)
                event = {
                    "type": f"{kind}.partial_image",
                    "b64_json": base64.b64encode(data).decode(),
                    "created_at": int(clock()),
                    "partial_image_index": step,
                    **common,
                }
                yield _sse(event)
            data = painter.encode(picture, req.output_format, req.compression)
            spent = usage(
                req.prompt,
                spec.width,
                spec.height,
                req.quality,
                1,
                input_sizes,
                high_fidelity=req.high_fidelity,
                partial_images=req.partial_images,
            )
            spent.pop("output_tokens_details")  # the streamed `usage` type has no such field
            event = {
                "type": f"{kind}.completed",
                "b64_json": base64.b64encode(data).decode(),
                "created_at": int(clock()),
                "usage": spent,
                **common,
            }
            if req.safety_identifier:
                event["safety_identifier"] = req.safety_identifier
            yield _sse(event)

    response = StreamingResponse(events(), media_type="text/event-stream")
    label_stand_in(response, STAND_IN)
    return response


def _sse(event: dict[str, Any]) -> bytes:
    return f"event: {event['type']}\ndata: {json.dumps(event)}\n\n".encode()


def _background_used(picture: Image.Image, output_format: str) -> str:
    if output_format == "jpeg" or "A" not in picture.getbands():
        return "opaque"
    low, _ = picture.getchannel("A").getextrema()
    return "transparent" if isinstance(low, int) and low < 255 else "opaque"


# ---- parameters


class Params:
    """Typed access to request parameters, from JSON (typed values) or multipart (everything is text)."""

    def __init__(self, values: Mapping[str, Any], *, form: bool) -> None:
        self.values = values
        self.form = form

    def present(self, name: str) -> bool:
        return self.values.get(name) is not None

    def text(self, name: str, *, choices: tuple[str, ...] | None = None) -> str | None:
        value = self.values.get(name)
        if value is None:
            return None
        if not isinstance(value, str):
            raise invalid_request(
                f"Invalid type for '{name}': expected a string, but got {_kind(value)} instead.",
                param=name,
                code="invalid_type",
            )
        check_unicode_text(value, name)
        if choices is not None and value not in choices:
            raise _invalid_value(name, value, choices)
        return value

    def integer(self, name: str, low: int, high: int) -> int | None:
        value = self.values.get(name)
        if value is None:
            return None
        number: int | None = None
        if self.form and isinstance(value, str) and _FORM_INTEGER.fullmatch(value.strip()):
            number = int(value)
        elif isinstance(value, int) and not isinstance(value, bool):
            number = value
        if number is None:
            raise invalid_request(
                f"Invalid type for '{name}': expected an integer, but got {_kind(value)} instead.",
                param=name,
                code="invalid_type",
            )
        if number < low:
            raise invalid_request(
                f"Invalid '{name}': integer below minimum value. Expected a value >= {low}, but got {number} instead.",
                param=name,
                code="integer_below_min_value",
            )
        if number > high:
            raise invalid_request(
                f"Invalid '{name}': integer above maximum value. Expected a value <= {high}, but got {number} instead.",
                param=name,
                code="integer_above_max_value",
            )
        return number

    def flag(self, name: str) -> bool:
        value = self.values.get(name)
        if value is None:
            return False
        if isinstance(value, bool):
            return value
        if self.form and isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise invalid_request(
            f"Invalid type for '{name}': expected a boolean, but got {_kind(value)} instead.",
            param=name,
            code="invalid_type",
        )


def parse_request(params: Params, *, edit: bool) -> ImageRequest:
    allowed = EDIT_PARAMS if edit else GENERATE_PARAMS
    for name in params.values:
        if name not in allowed and not name.startswith("svg["):
            raise invalid_request(f"Unknown parameter: '{name}'.", param=name, code="unknown_parameter")

    prompt = params.text("prompt")
    if prompt is None:
        raise invalid_request(
            "Missing required parameter: 'prompt'.", param="prompt", code="missing_required_parameter"
        )
    if not prompt.strip():
        raise invalid_request(
            "Invalid 'prompt': empty string. Describe the picture you want.", param="prompt", code="empty_string"
        )
    if len(prompt) > MAX_PROMPT_CHARS:
        raise invalid_request(
            f"Invalid 'prompt': string too long. Expected a string with maximum length {MAX_PROMPT_CHARS}, "
            f"but got a string with length {len(prompt)} instead.",
            param="prompt",
            code="string_above_max_length",
        )

    model = params.text("model")
    if model is None:
        if not edit:
            # [INFERRED] The spec's default for generations is dall-e-2, which is retired; the SDK says to always
            # name a model. Saying both is more useful than silently picking one.
            raise invalid_request(
                "No model was given, and this endpoint's default model (dall-e-2) was retired on May 12, 2026. "
                "Pass model= explicitly, e.g. model='gpt-image-2'.",
                param="model",
                code="model_not_supported",
            )
        model = "gpt-image-1.5"  # the edits default in the OpenAPI spec (Aug 2026)
    require_model(model, IMAGE_MODELS, "images")

    # [INFERRED] Both are documented as unsupported for GPT image models; refusing beats silently ignoring them.
    if params.present("response_format"):
        raise invalid_request(
            "Invalid parameter: 'response_format' is unsupported for GPT image models, which always return "
            "base64-encoded images. Remove it and read data[i].b64_json.",
            param="response_format",
            code="unsupported_parameter",
        )
    if params.present("style"):
        raise invalid_request(
            "Invalid parameter: 'style' (vivid/natural) was a dall-e-3 option and is unsupported for GPT image "
            "models. Describe the style in the prompt instead.",
            param="style",
            code="unsupported_parameter",
        )

    n = params.integer("n", 1, 10) or 1
    quality = _quality(params.text("quality"), model)
    output_format = _output_format(params.text("output_format"))
    background = params.text("background", choices=("transparent", "opaque", "auto")) or "auto"
    if background == "transparent" and output_format == "jpeg":
        raise invalid_request(
            "Transparent backgrounds need an output format with an alpha channel: set output_format to 'png' or "
            "'webp' (jpeg has no transparency).",
            param="background",
            code="invalid_value",
        )
    compression = params.integer("output_compression", 0, 100)
    if compression is not None and output_format == "png":
        raise invalid_request(
            "Invalid parameter: 'output_compression' is only supported with output_format 'jpeg' or 'webp' "
            "(png is lossless).",
            param="output_compression",
            code="unsupported_parameter",
        )
    size = _size(params.text("size"), model)

    if not edit:
        params.text("moderation", choices=("low", "auto"))
    high_fidelity = False
    if edit:
        fidelity = params.text("input_fidelity", choices=("high", "low"))
        if fidelity is not None and model in ("gpt-image-2", "gpt-image-2-2026-04-21"):
            raise invalid_request(
                f"Invalid parameter: 'input_fidelity' is not supported for {model}; omit it.",
                param="input_fidelity",
                code="unsupported_parameter",
            )
        if fidelity == "high" and model == "gpt-image-1-mini":
            raise invalid_request(
                "Invalid value for 'input_fidelity': gpt-image-1-mini supports only 'low'.",
                param="input_fidelity",
                code="invalid_value",
            )
        high_fidelity = fidelity == "high"
        if params.present("markup"):
            raise invalid_request(
                "The sandbox does not implement 'markup' (a GPT Image 2.5 preview feature). Use 'mask': its fully "
                "transparent pixels mark the area to repaint.",
                param="markup",
                code="unsupported_parameter",
            )
    for name in ("frame_count", "frame_duration_ms"):
        if params.present(name):
            raise invalid_request(
                f"Invalid parameter: '{name}' is only supported with output_format 'gif'.",
                param=name,
                code="unsupported_parameter",
            )
    if any(name == "svg" or name.startswith("svg[") for name in params.values if params.present(name)):
        raise invalid_request(
            "Invalid parameter: 'svg' is only supported with output_format 'svg'.",
            param="svg",
            code="unsupported_parameter",
        )
    params.text("complexity", choices=("low", "medium", "high"))
    stream = params.flag("stream")
    partial_images = params.integer("partial_images", 0, 3) or 0
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


def _quality(value: str | None, model: str) -> str:
    if value in ("standard", "hd"):
        raise invalid_request(
            f"Invalid value for 'quality': '{value}' was a DALL·E quality. GPT image models take 'low', 'medium', "
            "'high' or 'auto'.",
            param="quality",
            code="invalid_value",
        )
    if value in ("xhigh", "max") and model not in EXTENDED_QUALITY_MODELS:
        raise invalid_request(
            f"Invalid value for 'quality': '{value}' is only supported by the gpt-image-2.5 models (sunburst, "
            f"flare). {model} takes 'low', 'medium', 'high' or 'auto'.",
            param="quality",
            code="invalid_value",
        )
    if value is not None and value not in ("low", "medium", "high", "xhigh", "max", "auto"):
        raise _invalid_value("quality", value, ("low", "medium", "high", "auto"))
    # "auto" lets the model choose; the sandbox always chooses medium, and reports that choice.
    return "medium" if value in (None, "auto") else value


def _output_format(value: str | None) -> str:
    if value in ("gif", "svg"):
        raise invalid_request(
            f"output_format '{value}' needs preview/project access, which the sandbox does not have. Use 'png', "
            "'jpeg' or 'webp'.",
            param="output_format",
            code="unsupported_value",
        )
    if value is not None and value not in ("png", "jpeg", "webp"):
        raise _invalid_value("output_format", value, ("png", "jpeg", "webp"))
    return value or "png"


def _size(value: str | None, model: str) -> tuple[int, int] | None:
    if value is None or value == "auto":
        return None
    custom = model in CUSTOM_SIZE_MODELS
    supported = ", ".join([*STANDARD_SIZES, "auto"]) + (", or a custom WIDTHxHEIGHT" if custom else "")
    match = _SIZE.fullmatch(value)
    if match is None:
        raise invalid_request(
            f"Invalid value for 'size': '{value}'. Use one of {supported}.", param="size", code="invalid_value"
        )
    w, h = int(match[1]), int(match[2])
    if value in STANDARD_SIZES:
        return w, h
    problem = _custom_size_problem(w, h) if custom else "custom sizes are not supported"
    if problem is None:
        return w, h
    if value in DALLE_SIZES:
        raise invalid_request(
            f"Invalid value for 'size': '{value}' was a {DALLE_SIZES[value]} size; DALL·E models were retired on "
            f"May 12, 2026. {model} supports {supported}.",
            param="size",
            code="invalid_value",
        )
    hint = "" if custom else " Custom sizes work with gpt-image-2 and the gpt-image-2.5 models."
    raise invalid_request(
        f"Invalid value for 'size': '{value}': {problem}. {model} supports {supported}.{hint}",
        param="size",
        code="invalid_value",
    )


def _custom_size_problem(w: int, h: int) -> str | None:
    if w < 1 or h < 1:
        return "width and height must both be at least 1"
    if w % 16 or h % 16:
        return "width and height must both be divisible by 16"
    if not 1 / 3 <= w / h <= 3:
        return "the aspect ratio must be between 1:3 and 3:1"
    if max(w, h) > MAX_LONG_EDGE or min(w, h) > MAX_SHORT_EDGE:
        return "the maximum supported resolution is 3840x2160 (either orientation)"
    if w * h < MIN_CUSTOM_PIXELS:
        return f"it has fewer than {MIN_CUSTOM_PIXELS:,} pixels, the sandbox's minimum"
    return None


def _auto_edit_size(size: tuple[int, int]) -> tuple[int, int]:
    """``auto`` keeps the input's size, shrunk (aspect kept) only if it exceeds 3840x2160."""
    w, h = size
    scale = min(1.0, MAX_LONG_EDGE / max(w, h), MAX_SHORT_EDGE / min(w, h))
    return max(1, round(w * scale)), max(1, round(h * scale))


def _invalid_value(name: str, value: str, choices: tuple[str, ...]) -> OpenAIError:
    listed = ", ".join(f"'{c}'" for c in choices[:-1]) + f", and '{choices[-1]}'" if len(choices) > 1 else choices[0]
    return invalid_request(
        f"Invalid value: '{value}'. Supported values are: {listed}.", param=name, code="invalid_value"
    )


def _kind(value: object) -> str:
    if isinstance(value, UploadFile):
        return "a file"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return f"the string '{value}'"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return "a value of another type"


# ---- input images


def _load_inputs(uploads: list[Any], mask_upload: Any) -> tuple[list[Image.Image], Image.Image | None]:
    if not uploads:
        raise invalid_request("Missing required parameter: 'image'.", param="image", code="missing_required_parameter")
    if len(uploads) > MAX_INPUT_IMAGES:
        raise invalid_request(
            f"Too many images: got {len(uploads)}, but at most {MAX_INPUT_IMAGES} can be edited together.",
            param="image",
            code="too_many_images",
        )
    # First every header (format and size, no pixels decoded), so the request's pixel budget is checked before
    # any image costs memory; then the pixels.
    params = ["image" if len(uploads) == 1 else f"image[{i}]" for i in range(len(uploads))]
    opened = [
        _open(upload, param, MAX_IMAGE_BYTES, INPUT_FORMATS) for upload, param in zip(uploads, params, strict=True)
    ]
    mask_opened = None if mask_upload is None else _open(mask_upload, "mask", MAX_MASK_BYTES, {"PNG": "png"})
    _check_pixel_budget(opened, mask_opened)
    images = [_decode(image, param) for image, param in zip(opened, params, strict=True)]
    if mask_opened is None:
        return images, None
    mask = _decode(mask_opened, "mask")
    if mask.size != images[0].size:
        raise invalid_request(
            f"Invalid mask: the mask is {mask.width}x{mask.height} but the (first) image is "
            f"{images[0].width}x{images[0].height}. The mask must have the same dimensions as the image it edits.",
            param="mask",
            code="invalid_image_dimensions",
        )
    if "A" not in mask.getbands() and "transparency" not in mask.info:
        raise invalid_request(
            f"Invalid mask: it has no alpha channel (mode {mask.mode}). The mask must be a PNG with transparency; "
            "its fully transparent pixels (alpha = 0) mark where the image is edited.",
            param="mask",
            code="invalid_image_format",
        )
    return images, mask


_Opened = tuple[Image.Image, str]  # the lazily opened image (header read, pixels not) and the name to report


def _check_pixel_budget(opened: list[_Opened], mask: _Opened | None) -> None:
    parts = [image for image, _ in opened] + ([mask[0]] if mask else [])
    total = sum(image.width * image.height for image in parts)
    if total > MAX_REQUEST_PIXELS:
        what = "the images and the mask" if mask else "the images"
        raise invalid_request(
            f"Too many pixels in one request: {what} add up to {total:,} pixels, over the sandbox's budget of "
            f"{MAX_REQUEST_PIXELS:,} pixels per request. Send fewer or smaller images (the output is at most "
            f"{MAX_LONG_EDGE}x{MAX_SHORT_EDGE} anyway).",
            param="image",
            code="too_many_pixels",
        )


def _unreadable(param: str, name: str, formats: Mapping[str, str]) -> OpenAIError:
    allowed = ", ".join(dict.fromkeys(formats.values()))
    return invalid_request(
        f"Invalid '{param}' ({name}): the file could not be read as an image. Upload a {allowed} file.",
        param=param,
        code="invalid_image",
    )


def _open(upload: Any, param: str, limit: int, formats: Mapping[str, str]) -> _Opened:
    """Check the upload's bytes, format and pixel count from its header; decode nothing yet."""
    if not isinstance(upload, UploadFile):
        raise invalid_request(
            f"Invalid '{param}': expected an image file upload, but got a text field.", param=param, code="invalid_type"
        )
    handle = upload.file
    handle.seek(0, 2)
    size = handle.tell()
    handle.seek(0)
    name = upload.filename or param
    allowed = ", ".join(dict.fromkeys(formats.values()))
    if size >= limit:
        raise invalid_request(
            f"Invalid '{param}' ({name}): {size / MB:.1f} MB is too large; it must be smaller than {limit // MB} MB.",
            param=param,
            code="image_too_large",
        )
    try:
        image = Image.open(handle)
    except Exception:  # Pillow raises many kinds (UnidentifiedImageError, OSError, SyntaxError …) for bad bytes
        raise _unreadable(param, name, formats) from None
    if image.format not in formats:
        raise invalid_request(
            f"Invalid '{param}' ({name}): unsupported image format '{image.format}'. Supported formats: {allowed}.",
            param=param,
            code="invalid_image_format",
        )
    if image.width * image.height > MAX_INPUT_PIXELS:
        raise invalid_request(
            f"Invalid '{param}' ({name}): {image.width}x{image.height} has too many pixels (max {MAX_INPUT_PIXELS:,}).",
            param=param,
            code="image_too_large",
        )
    return image, name


def _decode(opened: _Opened, param: str) -> Image.Image:
    image, name = opened
    try:
        image.load()
        return ImageOps.exif_transpose(image) if image.format != "PNG" else image
    except Exception:
        raise _unreadable(param, name, INPUT_FORMATS if param != "mask" else {"PNG": "png"}) from None
