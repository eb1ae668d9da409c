"""What an image request reports in ``usage``: plausible, deterministic token counts (not OpenAI's billing)."""

from __future__ import annotations

import math
import re

# Output tokens for one 1024x1024 image at each quality, scaled by pixel count for other sizes. The low/medium/high
# figures follow the published GPT Image 1 pricing table; xhigh and max are the sandbox's own extrapolation.
_OUTPUT_TOKENS_1024 = {"low": 272, "medium": 1056, "high": 4160, "xhigh": 6240, "max": 8320}
# Streamed partial images are billed on top of the final image: OpenAI's image generation guide gives 100 image
# output tokens for each (neither the API reference nor the SDK states a figure).
PARTIAL_IMAGE_OUTPUT_TOKENS = 100


def text_tokens(prompt: str) -> int:
    """About one token per word or punctuation mark: stable, cheap, and the right order of magnitude."""
    return len(re.findall(r"\w+|[^\w\s]", prompt))


def image_input_tokens(width: int, height: int, *, high_fidelity: bool = False) -> int:
    """Vision-style tiling: fit in 2048², shortest side to 768, then 85 + 170 per 512-pixel tile."""
    scale = min(1.0, 2048 / max(width, height))
    w, h = width * scale, height * scale
    scale = min(1.0, 768 / min(w, h))
    tiles = math.ceil(w * scale / 512) * math.ceil(h * scale / 512)
    tokens = 85 + 170 * tiles
    return tokens * 2 if high_fidelity else tokens


def usage(
    prompt: str,
    width: int,
    height: int,
    quality: str,
    n: int,
    input_sizes: tuple[tuple[int, int], ...] = (),
    *,
    high_fidelity: bool = False,
    partial_images: int = 0,
) -> dict[str, object]:
    """Token counts for ``n`` images; each streamed image also pays for its ``partial_images`` previews."""
    text = text_tokens(prompt)
    images_in = sum(image_input_tokens(w, h, high_fidelity=high_fidelity) for w, h in input_sizes)
    per_image = round(_OUTPUT_TOKENS_1024[quality] * width * height / (1024 * 1024))
    per_image += PARTIAL_IMAGE_OUTPUT_TOKENS * partial_images
    output = per_image * n
    return {
        "input_tokens": text + images_in,
        "input_tokens_details": {"image_tokens": images_in, "text_tokens": text},
        "output_tokens": output,
        "output_tokens_details": {"image_tokens": output, "text_tokens": 0},
        "total_tokens": text + images_in + output,
    }
