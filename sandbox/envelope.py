"""The one place where a refusal becomes an HTTP answer: OpenAI's status code and error body.

``{"error": {"message", "type", "param", "code"}}``, with the status that makes the SDK raise the exception class
OpenAI's answer would (400 BadRequestError, 404 NotFoundError, ...). Everything that can go wrong on the way in is
answered here too: FastAPI's validation errors (422 becomes OpenAI's 400), Starlette's HTTP errors (unknown URL,
wrong method, malformed multipart) and, as a last resort, an unexpected exception.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from sandbox import errors
from sandbox.params import missing, wrong_type

INVALID_REQUEST = "invalid_request_error"
SERVER_ERROR = "server_error"

# Each kind of refusal: the status and error type OpenAI would answer with. The storage answers are the sandbox's
# own choice (OpenAI has no such condition to report): 4xx outside 408/409/429, so the SDK does not resend an
# upload that cannot fit, and "server_error", since the caller's request is fine.
ANSWERS: dict[type[errors.Refusal], tuple[int, str]] = {
    errors.InvalidRequest: (400, INVALID_REQUEST),
    errors.NotAuthenticated: (401, INVALID_REQUEST),
    errors.NotAllowed: (403, INVALID_REQUEST),
    errors.ModelUnavailable: (403, INVALID_REQUEST),
    errors.NotFound: (404, INVALID_REQUEST),
    errors.AlreadyExists: (409, INVALID_REQUEST),
    errors.BodyTooLarge: (413, INVALID_REQUEST),
    errors.StorageFull: (413, SERVER_ERROR),
    errors.StorageUnavailable: (403, SERVER_ERROR),
    errors.Unexpected: (500, SERVER_ERROR),
}
# Statuses that reach us from Starlette rather than as a refusal (e.g. 400 for malformed multipart).
STATUS_TYPES = {429: "rate_limit_error"}


def status_of(refusal: errors.Refusal) -> int:
    return _answer(refusal)[0]


def _answer(refusal: errors.Refusal) -> tuple[int, str]:
    for kind in type(refusal).__mro__:
        if kind in ANSWERS:
            return ANSWERS[kind]  # type: ignore[index]
    return ANSWERS[errors.InvalidRequest]


def body(message: str, error_type: str, param: str | None = None, code: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": error_type, "param": param, "code": code}}


def error_response(refusal: errors.Refusal) -> JSONResponse:
    status, error_type = _answer(refusal)
    return JSONResponse(body(refusal.message, error_type, refusal.param, refusal.code), status_code=status)


def unexpected(exc: BaseException) -> errors.Unexpected:
    """The answer to a bug: still OpenAI-shaped, so the SDK raises InternalServerError."""
    return errors.Unexpected(f"The sandbox failed unexpectedly ({type(exc).__name__}).")


def _param_from_location(loc: tuple[Any, ...]) -> str | None:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "form")]
    if not parts:
        return None
    head, *rest = parts
    return head + "".join(f"[{p}]" for p in rest)


_EXPECTED = {
    "int_parsing": "an integer",
    "int_type": "an integer",
    "int_from_float": "an integer",
    "string_type": "a string",
    "bool_parsing": "a boolean",
    "bool_type": "a boolean",
    "float_parsing": "a number",
    "float_type": "a number",
    "list_type": "an array",
    "dict_type": "an object",
}


def validation_refusal(exc: RequestValidationError) -> errors.InvalidRequest:
    """FastAPI's first complaint, in the sandbox's one wording."""
    first = exc.errors()[0] if exc.errors() else {}
    param = _param_from_location(tuple(first.get("loc", ())))
    kind = first.get("type", "")
    if kind == "missing" and param is not None:
        return missing(param)
    if kind in ("json_invalid", "model_attributes_type") or param is None:
        return errors.InvalidRequest(
            "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your "
            "HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)"
        )
    if kind in _EXPECTED:
        return wrong_type(param, _EXPECTED[kind], first.get("input"))
    detail = str(first.get("msg", "invalid value"))
    return errors.InvalidRequest(f"Invalid value for '{param}': {detail}.", param=param)


def install_error_handlers(app: FastAPI) -> None:
    """Refusals, validation errors and Starlette's HTTP errors, all in OpenAI's shape. (Unexpected exceptions are
    answered by ``sandbox.labels.LabelMiddleware``, the outermost layer, so that answer is labelled too.)"""

    @app.exception_handler(errors.Refusal)
    async def _refusal(_: Request, exc: errors.Refusal) -> JSONResponse:
        return error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(validation_refusal(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 404:
            message = f"Invalid URL ({request.method} {request.url.path})"
        elif exc.status_code == 405:
            message = f"Method {request.method} is not allowed for {request.url.path}."
        else:
            message = str(exc.detail)
        error_type = STATUS_TYPES.get(exc.status_code, INVALID_REQUEST)
        return JSONResponse(body(message, error_type), status_code=exc.status_code)
