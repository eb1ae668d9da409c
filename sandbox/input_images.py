"""Images a request brings (edit uploads, moderation data URLs): checked from their headers before any pixel is
decoded, then decoded. Holds the sandbox's one "too many pixels in one request" check."""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from typing import Any

from PIL import Image, ImageOps
from starlette.datastructures import UploadFile

from sandbox import limits
from sandbox.errors import InvalidRequest
from sandbox.params import missing, wrong_type
from sandbox.uploads import size_of

EDIT_FORMATS = {"PNG": "png", "JPEG": "jpg", "MPO": "jpg", "WEBP": "webp"}
MASK_FORMATS = {"PNG": "png"}

Opened = tuple[Image.Image, str]  # the lazily opened image (header read, pixels not) and the name to report


def check_image_count(count: int, limit: int, *, param: str, advice: str) -> None:
    if count > limit:
        raise InvalidRequest(
            f"Too many images: got {count}, but at most {limit} per request. {advice}",
            param=param,
            code="too_many_images",
        )


def check_pixel_budget(sizes: Iterable[tuple[int, int]], budget: int, *, what: str, param: str, advice: str) -> None:
    """Refuse a request whose images add up to more than ``budget`` pixels (sizes from headers, nothing decoded)."""
    total = sum(width * height for width, height in sizes)
    if total > budget:
        raise InvalidRequest(
            f"Too many pixels in one request: {what} add up to {total:,} pixels, over the sandbox's budget of "
            f"{budget:,} pixels per request. {advice}",
            param=param,
            code="too_many_pixels",
        )


def header_size(data: bytes, param: str) -> tuple[int, int] | None:
    """Width and height from an encoded image's header; None if it is not an image Pillow can read."""
    try:
        with Image.open(io.BytesIO(data)) as opened:  # reads the header only
            return opened.width, opened.height
    except Image.DecompressionBombError:
        raise InvalidRequest(
            f"An image in {param} has too many pixels to decode safely (its header claims a decompression bomb).",
            param=param,
            code="image_too_large",
        ) from None
    except Exception:  # undecodable: whoever decodes it answers with its own message for that image
        return None


def load_edit_inputs(uploads: list[Any], mask_upload: Any) -> tuple[list[Image.Image], Image.Image | None]:
    """The edit's images and mask, decoded; every header is checked (and the pixel budget) before any decoding."""
    if not uploads:
        raise missing("image")
    check_image_count(len(uploads), limits.MAX_INPUT_IMAGES, param="image", advice="Edit the rest in another request.")
    params = ["image" if len(uploads) == 1 else f"image[{i}]" for i in range(len(uploads))]
    opened = [
        open_upload(upload, param, limits.MAX_IMAGE_BYTES, EDIT_FORMATS)
        for upload, param in zip(uploads, params, strict=True)
    ]
    mask_opened = None if mask_upload is None else open_upload(mask_upload, "mask", limits.MAX_MASK_BYTES, MASK_FORMATS)
    check_pixel_budget(
        [image.size for image, _ in opened] + ([mask_opened[0].size] if mask_opened else []),
        limits.MAX_REQUEST_PIXELS,
        what="the images and the mask" if mask_opened else "the images",
        param="image",
        advice=f"Send fewer or smaller images (the output is at most {limits.MAX_LONG_EDGE}x{limits.MAX_SHORT_EDGE} "
        "anyway).",
    )
    images = [decode(image, param, EDIT_FORMATS) for image, param in zip(opened, params, strict=True)]
    if mask_opened is None:
        return images, None
    mask = decode(mask_opened, "mask", MASK_FORMATS)
    _check_mask(mask, images[0])
    return images, mask


def _check_mask(mask: Image.Image, first: Image.Image) -> None:
    if mask.size != first.size:
        raise InvalidRequest(
            f"Invalid mask: the mask is {mask.width}x{mask.height} but the (first) image is "
            f"{first.width}x{first.height}. The mask must have the same dimensions as the image it edits.",
            param="mask",
            code="invalid_image_dimensions",
        )
    if "A" not in mask.getbands() and "transparency" not in mask.info:
        raise InvalidRequest(
            f"Invalid mask: it has no alpha channel (mode {mask.mode}). The mask must be a PNG with transparency; "
            "its fully transparent pixels (alpha = 0) mark where the image is edited.",
            param="mask",
            code="invalid_image_format",
        )


def open_upload(upload: Any, param: str, limit: int, formats: Mapping[str, str]) -> Opened:
    """Check the upload's bytes, format and pixel count from its header; decode nothing yet."""
    if not isinstance(upload, UploadFile):
        raise wrong_type(param, "an image file upload", upload)
    size = size_of(upload)
    name = upload.filename or param
    if size >= limit:
        raise InvalidRequest(
            f"Invalid '{param}' ({name}): {size / limits.MB:.1f} MB is too large; it must be smaller than "
            f"{limit // limits.MB} MB.",
            param=param,
            code="image_too_large",
        )
    try:
        image = Image.open(upload.file)
    except Exception:  # Pillow raises many kinds (UnidentifiedImageError, OSError, SyntaxError …) for bad bytes
        raise _unreadable(param, name, formats) from None
    if image.format not in formats:
        raise InvalidRequest(
            f"Invalid '{param}' ({name}): unsupported image format '{image.format}'. Supported formats: "
            f"{_listed(formats)}.",
            param=param,
            code="invalid_image_format",
        )
    if image.width * image.height > limits.MAX_INPUT_PIXELS:
        raise InvalidRequest(
            f"Invalid '{param}' ({name}): {image.width}x{image.height} has too many pixels "
            f"(max {limits.MAX_INPUT_PIXELS:,}).",
            param=param,
            code="image_too_large",
        )
    return image, name


def decode(opened: Opened, param: str, formats: Mapping[str, str]) -> Image.Image:
    image, name = opened
    try:
        image.load()
        return ImageOps.exif_transpose(image) if image.format != "PNG" else image
    except Exception:
        raise _unreadable(param, name, formats) from None


def _unreadable(param: str, name: str, formats: Mapping[str, str]) -> InvalidRequest:
    return InvalidRequest(
        f"Invalid '{param}' ({name}): the file could not be read as an image. Upload a {_listed(formats)} file.",
        param=param,
        code="invalid_image",
    )


def _listed(formats: Mapping[str, str]) -> str:
    return ", ".join(dict.fromkeys(formats.values()))
