"""Every failure leaves the API in the seed's error envelope with a stable code; nothing internal leaks."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import DataError, DBAPIError, InterfaceError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from portal.common.errors import AppError
from portal.common.logging import describe_exception, request_id_var
from portal.common.schemas import ErrorBody, ErrorEnvelope

log = logging.getLogger("api.errors")

_HTTP_CODES = {
    400: "BAD_REQUEST", 401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED", 406: "NOT_ACCEPTABLE", 409: "CONFLICT", 413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE", 429: "RATE_LIMITED",
}


def error_response(
    status: int, code: str, message: str, details: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = ErrorEnvelope(error=ErrorBody(code=code, message=message, details=details or {}))
    return JSONResponse(jsonable_encoder(body), status_code=status, headers=headers)


def _validation_details(exc: RequestValidationError) -> list[dict[str, Any]]:
    # The offending input is left out on purpose: it may be a password.
    return [
        {"loc": [str(p) for p in err.get("loc", ())], "msg": str(err.get("msg", "")), "type": err.get("type")}
        for err in exc.errors()
    ]


async def _app_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    return error_response(exc.status_code, exc.code, exc.message, exc.details, exc.headers)


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = _validation_details(exc)
    if any(e["type"] == "json_invalid" for e in errors):
        return error_response(400, "MALFORMED_JSON", "request body is not valid JSON")
    return error_response(422, "VALIDATION_ERROR", "request validation failed", {"errors": errors})


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, f"HTTP_{exc.status_code}")
    message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ").lower()
    return error_response(exc.status_code, code, message, headers=getattr(exc, "headers", None))


async def _dependency_down(_: Request, exc: Exception) -> JSONResponse:
    log.error("dependency unavailable", extra={"error": describe_exception(exc)})
    return error_response(503, "DEPENDENCY_UNAVAILABLE", "a backing service is unavailable; try again shortly",
                          headers={"Retry-After": "5"})


async def _refused_value(_: Request, exc: Exception) -> JSONResponse:
    """PostgreSQL refused a value the request carried (a NUL character in text, a number out of its column's
    range): that statement failed, so its transaction rolled back and nothing was written."""
    assert isinstance(exc, DataError)
    log.warning("value refused by the database", extra={"error": type(exc.orig).__name__})
    return error_response(422, "INVALID_VALUE",
                          "a value in the request cannot be stored or searched for (a NUL character, say)")


async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
    log.error("unhandled error", extra={"error": describe_exception(exc)})
    return error_response(500, "INTERNAL_ERROR", "internal error", {"request_id": request_id_var.get()})


def install(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    unavailable = (RedisConnectionError, RedisTimeoutError, OperationalError, InterfaceError, ConnectionError,
                   TimeoutError)
    for exc_type in unavailable:
        app.add_exception_handler(exc_type, _dependency_down)
    # Other database errors carry SQL in their text: answered as a plain 500. Errors nobody handles at all
    # are caught by RequestContextMiddleware, so no traceback reaches uvicorn's log either.
    app.add_exception_handler(DataError, _refused_value)  # the more specific class wins
    app.add_exception_handler(DBAPIError, _unexpected)
