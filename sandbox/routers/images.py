"""``/v1/images``: generations (JSON), edits (multipart), and the retired variations endpoint.

The parameters are read by ``sandbox.image_request``, the uploaded images by ``sandbox.input_images``; this module
paints (``sandbox.engines.images``) and answers, whole or as server-sent events.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from PIL import Image

from sandbox import limits
from sandbox.catalog import variations_retired
from sandbox.engines.compose import drawn
from sandbox.engines.image_usage import usage
from sandbox.engines.images import STAND_IN, ImagePainter, PaintSpec
from sandbox.errors import InvalidRequest
from sandbox.image_request import ImageRequest, auto_edit_size, parse_image_request
from sandbox.input_images import load_edit_inputs
from sandbox.labels import label_drawn, label_stand_in
from sandbox.params import Params
from sandbox.services import Services, get_services
from sandbox.uploads import read_form

router = APIRouter(tags=["images"])


@router.post("/images/generations")
async def generate_images(request: Request, services: Services = Depends(get_services)) -> Response:
    raw = await request.body()
    try:
        body = json.loads(raw) if raw.strip() else {}
    except (ValueError, RecursionError):  # undecodable, not JSON, integers beyond 4300 digits, absurd nesting
        raise InvalidRequest(
            "We could not parse the JSON body of your request. The images endpoint expects a JSON object such as "
            '{"model": "gpt-image-2", "prompt": "…"}.'
        ) from None
    if not isinstance(body, dict):
        raise InvalidRequest("The request body must be a JSON object.")
    req = parse_image_request(Params(body, form=False), edit=False)
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
    # An oversized body (declared or chunked) is stopped at the limit by sandbox.body_limit.
    painter = services.painter
    form = await read_form(request, limits.EDIT_FORM, folder=services.files.root)
    try:
        values: dict[str, Any] = {key: form.get(key) for key in form}
        req = parse_image_request(Params(values, form=True), edit=True)
        uploads = [*form.getlist("image"), *form.getlist("image[]")]
        images, mask = await run_in_threadpool(load_edit_inputs, uploads, form.get("mask"))
    finally:
        await form.close()
    width, height = req.size or auto_edit_size(images[0].size)
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
    raise variations_retired()  # whatever the body: sandbox.limits answers the same for one over its limit


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
