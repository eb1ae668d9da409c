"""A local OpenAI-compatible server whose answers come from real stand-in computation.

It is not OpenAI: every response carries headers naming the sandbox and the stand-in behind it.
"""

__version__ = "0.1.0"

SANDBOX_HEADER = "x-sandbox"
STAND_IN_HEADER = "x-sandbox-stand-in"
DRAWN_HEADER = "x-sandbox-drawn"  # what an image answer shows: "U+1F9A6 otter", main subject first, or "none"
