"""A small keep-alive HTTP/1.1 JSON client for load generators.

A benchmark's own client shares the two cores with what it measures. httpx spent about 4 ms of CPU per request
in the approval benchmark (its pool, its async-library detection, response streaming), more than the API's
approve route itself; this client writes the request and reads a `Content-Length` body on asyncio streams,
with one connection per request in flight, reused. It speaks only what our API answers (no chunked bodies, no
redirects); anything else is an error.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any


class HttpError(RuntimeError):
    """The server's answer could not be read as this client expects it."""


class JsonClient:
    def __init__(self, host: str, port: int, *, timeout: float = 60.0) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self._idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []

    @classmethod
    def for_url(cls, base_url: str, *, timeout: float = 60.0) -> JsonClient:
        scheme, _, rest = base_url.partition("://")
        host, _, port = rest.rstrip("/").rpartition(":")
        if scheme != "http" or not host or not port.isdigit():
            raise ValueError(f"expected http://host:port, got {base_url!r}")
        return cls(host, int(port), timeout=timeout)

    async def post(self, path: str, headers: dict[str, str], body: Any = None) -> tuple[int, bytes]:
        """POST `body` as JSON (an empty body for None); the status and the raw body of the answer."""
        payload = b"" if body is None else json.dumps(body, separators=(",", ":")).encode()
        lines = [f"POST {path} HTTP/1.1", f"Host: {self.host}:{self.port}", f"Content-Length: {len(payload)}"]
        if body is not None:
            lines.append("Content-Type: application/json")
        lines += [f"{name}: {value}" for name, value in headers.items()]
        request = ("\r\n".join(lines) + "\r\n\r\n").encode() + payload
        return await asyncio.wait_for(self._exchange(request), self.timeout)

    async def _exchange(self, request: bytes) -> tuple[int, bytes]:
        reused = bool(self._idle)
        reader, writer = self._idle.pop() if reused else await asyncio.open_connection(self.host, self.port)
        try:
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
        except (ConnectionError, asyncio.IncompleteReadError):
            writer.close()
            if not reused:
                raise
            return await self._exchange(request)  # the server closed an idle connection: once more, on a new one
        status_line, *fields = head[:-4].split(b"\r\n")
        parts = status_line.split(b" ", 2)
        if len(parts) < 2 or not parts[1].isdigit():
            writer.close()
            raise HttpError(f"not an HTTP status line: {status_line[:80]!r}")
        length, close = None, False
        for field in fields:
            name, _, value = field.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"connection":
                close = value.strip().lower() == b"close"
            elif name == b"transfer-encoding":
                writer.close()
                raise HttpError("chunked answers are not supported by this client")
        if length is None:
            writer.close()
            raise HttpError("an answer without Content-Length")
        data = await reader.readexactly(length)
        if close:
            writer.close()
        else:
            self._idle.append((reader, writer))
        return int(parts[1]), data

    async def aclose(self) -> None:
        for _, writer in self._idle:
            writer.close()
        self._idle.clear()
