"""Every limit the sandbox enforces, in one place, and what a caller is told when a request body crosses one.

Where OpenAI documents a limit, the number is OpenAI's; where it does not, the choice is the sandbox's own and says
so. Routers, stores and engines read their limits from here; nothing here imports them (only the catalog, for a
retired endpoint's answer).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sandbox.catalog import variations_retired
from sandbox.errors import BodyTooLarge, InvalidRequest, Refusal

MB = 1024 * 1024

# ---- files (openai 3.57.0: 512 MB per file, 200 MB for batch input; expiry between 1 hour and 30 days)
MAX_FILE_BYTES = 512 * MB
MAX_BATCH_BYTES = 200 * MB
MIN_EXPIRY_SECONDS = 3600
MAX_EXPIRY_SECONDS = 2_592_000
BATCH_DEFAULT_EXPIRY_SECONDS = 30 * 24 * 3600
MAX_LIST_LIMIT = 10_000
MAX_FILENAME_BYTES = 255

# ---- images
MAX_PROMPT_CHARS = 32_000
MAX_IMAGES_PER_REQUEST = 10  # n
MAX_PARTIAL_IMAGES = 3
MAX_INPUT_IMAGES = 16
MAX_IMAGE_BYTES = 50 * MB
MAX_MASK_BYTES = 4 * MB
MAX_INPUT_PIXELS = 50_000_000  # refuse decompression bombs long before Pillow's own warning
# Per request, over every input image and the mask (read from their headers before anything is decoded): one
# image at the per-image maximum plus its same-size mask fits, four of them do not.
MAX_REQUEST_PIXELS = 2 * MAX_INPUT_PIXELS
MAX_LONG_EDGE, MAX_SHORT_EDGE = 3840, 2160
# The SDK only says "the model's current pixel and edge limits"; the sandbox's floor (0.65 MP) is its own choice,
# and it is why the old DALL·E sizes 256x256 and 512x512 fail even on custom-size models.
MIN_CUSTOM_PIXELS = 655_360

# ---- embeddings (OpenAI's: 2,048 inputs, 8,192 tokens each, 300,000 tokens per request)
MAX_EMBEDDING_INPUTS = 2048
MAX_TOKENS_PER_INPUT = 8192
MAX_TOKENS_PER_REQUEST = 300_000

# ---- moderations
# [INFERRED] OpenAI documents no image count or pixel limit for moderations; the sandbox's budget keeps one request
# from decoding more than an edit may (50 MP, ~150 MB of RGB), read from the headers before any pixel is decoded.
MAX_MODERATION_IMAGES = 16
MAX_MODERATION_PIXELS = 50_000_000


# ---- multipart forms: how many parts a request may have (and how the endpoint is named when it gets no form)
@dataclass(frozen=True)
class FormParts:
    max_files: int
    max_fields: int
    endpoint: str
    content: str
    sent_by: str


UPLOAD_FORM = FormParts(4, 16, "The files endpoint", "the file plus its purpose", "client.files.create(...)")
EDIT_FORM = FormParts(
    MAX_INPUT_IMAGES + 4, 64, "The image edits endpoint", "the image files plus text fields", "client.images.edit(...)"
)


# ---- request bodies, counted as they arrive (sandbox.body_limit)


def file_too_large(limit: int) -> InvalidRequest:
    scope = "batch input files (purpose 'batch')" if limit == MAX_BATCH_BYTES else "each file"
    return InvalidRequest(
        f"File is too large: the limit for {scope} is {limit // MB} MB.", param="file", code="file_too_large"
    )


def edit_too_large() -> InvalidRequest:
    return InvalidRequest(
        f"The request is too large: up to {MAX_INPUT_IMAGES} images of under {MAX_IMAGE_BYTES // MB} MB each, plus a "
        f"mask under {MAX_MASK_BYTES // MB} MB.",
        code="request_too_large",
    )


def json_too_large(limit: int) -> Callable[[], Refusal]:
    # [INFERRED] OpenAI's front end answers an oversized body with 413; the SDK does not retry it.
    def error() -> Refusal:
        return BodyTooLarge(
            f"The request body is too large: this endpoint accepts at most {limit // MB} MB of JSON. Send fewer "
            "or smaller inputs per request.",
            code="request_too_large",
        )

    return error


@dataclass(frozen=True)
class BodyLimit:
    bytes: int
    error: Callable[[], Refusal]


# Multipart framing around a file is small; a little slack keeps a maximal valid upload valid.
ENVELOPE_SLACK = 1 * MB
UPLOAD_LIMIT = BodyLimit(MAX_FILE_BYTES + ENVELOPE_SLACK, lambda: file_too_large(MAX_FILE_BYTES))
ROUTE_LIMITS: dict[tuple[str, str], BodyLimit] = {
    # Uploads keep the 400s they answered before for an oversized Content-Length.
    ("POST", "/v1/files"): UPLOAD_LIMIT,
    ("POST", "/v1/images/edits"): BodyLimit(
        MAX_INPUT_IMAGES * MAX_IMAGE_BYTES + MAX_MASK_BYTES + ENVELOPE_SLACK, edit_too_large
    ),
    # JSON: 2048 inputs of 8192 tokens fit in 16 MB; moderations carry base64 images; a prompt is ≤ 32,000 chars.
    ("POST", "/v1/embeddings"): BodyLimit(16 * MB, json_too_large(16 * MB)),
    ("POST", "/v1/moderations"): BodyLimit(32 * MB, json_too_large(32 * MB)),
    ("POST", "/v1/images/generations"): BodyLimit(1 * MB, json_too_large(1 * MB)),
    # Retired: whatever the body, the answer is the endpoint's 404 (a body limit must not answer first).
    ("POST", "/v1/images/variations"): BodyLimit(1 * MB, variations_retired),
}
RESTORE_PREFIX = "/sandbox/files/"  # a restored file may be as large as an upload
DEFAULT_LIMIT = BodyLimit(1 * MB, json_too_large(1 * MB))


def body_limit(method: str, path: str) -> BodyLimit:
    """The limit on a request's body, and the refusal when it is crossed."""
    if path.startswith(RESTORE_PREFIX):
        return UPLOAD_LIMIT
    return ROUTE_LIMITS.get((method, path.rstrip("/")), DEFAULT_LIMIT)
