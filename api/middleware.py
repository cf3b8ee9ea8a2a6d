"""One pure-ASGI middleware for every request: request id, body size limit, security headers, access log."""

from __future__ import annotations

import json
import logging
import os
import re
import time
from datetime import UTC, datetime

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from portal.common.logging import describe_exception, request_id_var

log = logging.getLogger("api.access")
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
# Paths that carry a credential (an email action link's token): logged with the credential replaced.
_SECRET_PATH = re.compile(r"(/approval/email-actions/)[^/]+")
_SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
]


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, *, max_body_bytes: int) -> None:
        self.app = app
        self.max_body = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        supplied = headers.get(b"x-request-id", b"").decode("latin-1")
        request_id = supplied if supplied and _VALID_ID.match(supplied) else os.urandom(16).hex()
        token = request_id_var.set(request_id)
        start = time.perf_counter()
        status = 500

        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                started = True
                status = message["status"]
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(n, v) for n, v in _SECURITY_HEADERS if n not in present]  # routes may set stricter
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id.encode()), *extra]
            await send(message)

        try:
            declared = headers.get(b"content-length")
            if declared is not None and declared.isdigit() and int(declared) > self.max_body:
                await self._send_json(send_with_headers, 413, {
                    "code": "PAYLOAD_TOO_LARGE", "message": "request body is too large",
                    "details": {"limit_bytes": self.max_body},
                })
                return
            received = 0

            async def limited_receive() -> Message:
                nonlocal received
                message = await receive()
                if message["type"] == "http.request":
                    received += len(message.get("body", b""))
                    if received > self.max_body:
                        # An HTTPException, because FastAPI turns any other error while reading into 400.
                        raise HTTPException(413, "request body is too large")
                return message

            await self.app(scope, limited_receive, send_with_headers)
        except Exception as exc:  # the last line of defence: an envelope, a one-line log, no traceback
            log.error("unhandled error", extra={"error": describe_exception(exc), "request_id": request_id})
            if not started:
                await self._send_json(send_with_headers, 500, {
                    "code": "INTERNAL_ERROR", "message": "internal error", "details": {"request_id": request_id}
                })
        finally:
            if log.isEnabledFor(logging.INFO):
                log.info(
                    "request",
                    extra={"request_id": request_id, "method": scope["method"],
                           "path": _SECRET_PATH.sub(r"\1[redacted]", scope["path"]),
                           "status": status, "duration_ms": round((time.perf_counter() - start) * 1000, 2)},
                )
            request_id_var.reset(token)

    @staticmethod
    async def _send_json(send: Send, status: int, error: dict[str, object]) -> None:
        body = json.dumps(
            {"success": False, "error": error, "timestamp": datetime.now(UTC).isoformat()}
        ).encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
