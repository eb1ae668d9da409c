"""OpenAI-shaped errors: ``{"error": {"message", "type", "param", "code"}}`` with the status OpenAI uses."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

STATUS_TYPES = {
    400: "invalid_request_error",
    401: "invalid_request_error",
    403: "invalid_request_error",
    404: "invalid_request_error",
    405: "invalid_request_error",
    409: "invalid_request_error",
    413: "invalid_request_error",
    415: "invalid_request_error",
    429: "rate_limit_error",
}


class OpenAIError(Exception):
    """Raise anywhere in the sandbox to answer with OpenAI's error body."""

    def __init__(
        self,
        status_code: int,
        message: str,
        *,
        param: str | None = None,
        code: str | None = None,
        type: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message
        self.param = param
        self.code = code
        self.type = type or STATUS_TYPES.get(status_code, "invalid_request_error")

    def body(self) -> dict[str, Any]:
        return {"error": {"message": self.message, "type": self.type, "param": self.param, "code": self.code}}


def invalid_request(message: str, *, param: str | None = None, code: str | None = None) -> OpenAIError:
    return OpenAIError(400, message, param=param, code=code)


def check_unicode_text(text: str, param: str, *, where: str | None = None) -> None:
    """Refuse a lone UTF-16 surrogate: JSON may escape one (``"\\ud800"``), and the str Python then holds cannot be
    encoded, so tokenizers, hashes and Pillow all fail on it further down."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise invalid_request(
            f"Invalid '{where or param}': the string contains a lone UTF-16 surrogate (an unpaired \\ud800-\\udfff "
            "escape), which is not Unicode text.",
            param=param,
            code="invalid_value",
        ) from None


def model_not_found(model: str) -> OpenAIError:
    return OpenAIError(
        404,
        f"The model `{model}` does not exist or you do not have access to it.",
        param="model",
        code="model_not_found",
    )


def error_response(error: OpenAIError) -> JSONResponse:
    return JSONResponse(error.body(), status_code=error.status_code)


def _param_from_location(loc: tuple[Any, ...]) -> str | None:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "form")]
    if not parts:
        return None
    head, *rest = parts
    return head + "".join(f"[{p}]" for p in rest)


def _validation_message(exc: RequestValidationError) -> tuple[str, str | None]:
    first = exc.errors()[0] if exc.errors() else {}
    param = _param_from_location(tuple(first.get("loc", ())))
    kind = first.get("type", "")
    if kind == "missing":
        return f"Missing required parameter: '{param}'.", param
    if kind in ("json_invalid", "model_attributes_type") or param is None:
        return (
            "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your "
            "HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
            None,
        )
    detail = str(first.get("msg", "invalid value"))
    return f"Invalid value for '{param}': {detail}.", param


def install_error_handlers(app: FastAPI) -> None:
    """Every error path answers in OpenAI's shape; FastAPI's 422 becomes OpenAI's 400."""

    @app.exception_handler(OpenAIError)
    async def _openai_error(_: Request, exc: OpenAIError) -> JSONResponse:
        return error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        message, param = _validation_message(exc)
        return error_response(invalid_request(message, param=param))

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 404:
            message = f"Invalid URL ({request.method} {request.url.path})"
        elif exc.status_code == 405:
            message = f"Method {request.method} is not allowed for {request.url.path}."
        else:
            message = str(exc.detail)
        return error_response(OpenAIError(exc.status_code, message))

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        # A bug, never the caller's fault: still OpenAI-shaped so the SDK raises InternalServerError.
        error = OpenAIError(500, f"The sandbox failed unexpectedly ({type(exc).__name__}).", type="server_error")
        return error_response(error)
