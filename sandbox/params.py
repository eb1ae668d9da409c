"""One validation layer: typed access to request parameters, and the four refusals every endpoint words alike.

``missing``, ``not_one_of``, ``out_of_range`` and ``wrong_type`` are the only places those messages are written;
``Params`` reads JSON (typed values) and multipart forms (everything is text) with them. Endpoint-specific rules
(which sizes a model takes, ...) live with the endpoint and raise ``InvalidRequest`` with their own advice.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Any

from starlette.datastructures import UploadFile

from sandbox.errors import InvalidRequest

# ASCII digits only (str.isdigit() and int() also take "²" or "٣"), and few enough for int() (at most 4300).
FORM_INTEGER = re.compile(r"-?[0-9]{1,30}")


def missing(name: str) -> InvalidRequest:
    return InvalidRequest(f"Missing required parameter: '{name}'.", param=name, code="missing_required_parameter")


def not_one_of(name: str, value: object, choices: Collection[str], *, advice: str = "") -> InvalidRequest:
    listed = ", ".join(f"'{choice}'" for choice in choices)
    return InvalidRequest(
        f"Invalid value for '{name}': {_quoted(value)}. Supported values are: {listed}.{_space(advice)}",
        param=name,
        code="invalid_value",
    )


def out_of_range(name: str, value: int, low: int | None, high: int | None, *, advice: str = "") -> InvalidRequest:
    if low is not None and value < low:
        bound, expected, code = "below minimum", f">= {low}", "integer_below_min_value"
    else:
        bound, expected, code = "above maximum", f"<= {high}", "integer_above_max_value"
    return InvalidRequest(
        f"Invalid '{name}': integer {bound} value. Expected a value {expected}, but got {value} instead."
        f"{_space(advice)}",
        param=name,
        code=code,
    )


def wrong_type(name: str, expected: str, value: object) -> InvalidRequest:
    return InvalidRequest(
        f"Invalid type for '{name}': expected {expected}, but got {describe(value)} instead.",
        param=name,
        code="invalid_type",
    )


def check_unicode_text(text: str, param: str, *, where: str | None = None) -> None:
    """Refuse a lone UTF-16 surrogate: JSON may escape one (``"\\ud800"``), and the str Python then holds cannot be
    encoded, so tokenizers, hashes and Pillow all fail on it further down."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidRequest(
            f"Invalid '{where or param}': the string contains a lone UTF-16 surrogate (an unpaired \\ud800-\\udfff "
            "escape), which is not Unicode text.",
            param=param,
            code="invalid_value",
        ) from None


# bool before int: True is an int to isinstance.
_KINDS: tuple[tuple[type, str], ...] = (
    (UploadFile, "a file upload"),
    (bool, "a boolean"),
    (int, "an integer"),
    (float, "a number"),
    (list, "an array"),
    (dict, "an object"),
)


def describe(value: object) -> str:
    """A value as a message names it: its kind, and a string's text."""
    if value is None:
        return "null"
    if isinstance(value, str):
        return f"the string {_quoted(value)}"
    return next((label for kind, label in _KINDS if isinstance(value, kind)), "a value of another type")


def _quoted(value: object) -> str:
    text = str(value)
    return f"'{text[:60]}…'" if len(text) > 60 else f"'{text}'"


def _space(advice: str) -> str:
    return f" {advice}" if advice else ""


class Params:
    """Typed access to request parameters, from JSON (typed values) or a multipart form (everything is text)."""

    def __init__(self, values: Mapping[str, Any], *, form: bool) -> None:
        self.values = values
        self.form = form

    def present(self, name: str) -> bool:
        return self.values.get(name) is not None

    def reject_unknown(self, allowed: Collection[str], *, prefixes: tuple[str, ...] = ()) -> None:
        for name in self.values:
            if name not in allowed and not name.startswith(prefixes or ("\0",)):
                raise InvalidRequest(f"Unknown parameter: '{name}'.", param=name, code="unknown_parameter")

    def text(self, name: str, *, choices: Collection[str] | None = None) -> str | None:
        value = self.values.get(name)
        if value is None:
            return None
        if not isinstance(value, str):
            raise wrong_type(name, "a string", value)
        check_unicode_text(value, name)
        if choices is not None and value not in choices:
            raise not_one_of(name, value, choices)
        return value

    def required_text(self, name: str) -> str:
        value = self.text(name)
        if value is None:
            raise missing(name)
        return value

    def integer(self, name: str, low: int | None = None, high: int | None = None) -> int | None:
        value = self.values.get(name)
        if value is None:
            return None
        number: int | None = None
        if self.form and isinstance(value, str) and FORM_INTEGER.fullmatch(value.strip()):
            number = int(value)
        elif isinstance(value, int) and not isinstance(value, bool):
            number = value
        if number is None:
            raise wrong_type(name, "an integer", value)
        if (low is not None and number < low) or (high is not None and number > high):
            raise out_of_range(name, number, low, high)
        return number

    def flag(self, name: str) -> bool:
        value = self.values.get(name)
        if value is None:
            return False
        if isinstance(value, bool):
            return value
        if self.form and isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise wrong_type(name, "a boolean", value)
