"""File downloads (board and approval attachments): an ASCII fallback name plus the RFC 5987 UTF-8 name, never
inline; HEAD answered like GET without the body; one `Range: bytes=...` honoured (RFC 9110 §14).

Objects are read through us, never redirected to a presigned URL, and only after the caller has checked that the
user may read the attachment: a HEAD or Range request gets exactly GET's 403/404. A plain GET reads the whole object;
HEAD asks the storage for the size only, and a range reads just its bytes from the storage (a seek on the
filesystem, a ranged GET on S3), so a PDF viewer paging through a large file does not fetch all of it per page.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from fastapi import Request, Response

from api.errors import error_response
from portal.common.errors import NotFound
from portal.storage.backends import Storage

_ONE_RANGE = re.compile(r"bytes=[ \t]*(\d*)[ \t]*-[ \t]*(\d*)[ \t]*", re.IGNORECASE)
_MAX_DIGITS = 30  # more than any file's size; longer numbers are read as "past the end", never parsed


def download_headers(filename: str) -> dict[str, str]:
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    return {
        "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "private, no-store",
    }


def _number(digits: str) -> int | None:
    """A range bound; None for one too long to mean anything but "beyond any file"."""
    return int(digits) if len(digits) <= _MAX_DIGITS else None


def parse_range(header: str | None, size: int) -> tuple[int, int] | None | bool:
    """The first and last byte (inclusive) of a single satisfiable range; None when the header is absent, names
    several ranges, another unit or is malformed (the whole file is sent, as RFC 9110 allows); False when it is a
    well-formed single range that the file cannot satisfy (416)."""
    if header is None or size == 0:
        return None
    match = _ONE_RANGE.fullmatch(header.strip())
    if match is None:  # another unit, several ranges ("bytes=0-1,5-6") or plain garbage
        return None
    first_text, last_text = match.groups()
    if not first_text:
        if not last_text:
            return None  # "bytes=-"
        suffix = _number(last_text)
        if suffix == 0:
            return False  # a zero-length suffix selects nothing
        return (0 if suffix is None else max(0, size - suffix)), size - 1
    first = _number(first_text)
    last = _number(last_text) if last_text else None  # None: to the end (or a bound beyond any file)
    if first is None:  # a first byte beyond any file: unsatisfiable, unless the last byte is smaller (invalid)
        return None if last is not None else False
    if last is not None and last < first:
        return None  # "bytes=5-2" is invalid, not unsatisfiable: ignored
    if first >= size:
        return False
    return first, size - 1 if last is None else min(last, size - 1)


async def serve_attachment(
    request: Request, storage: Storage, key: str, content_type: str, filename: str
) -> Response:
    """GET or HEAD of a stored file the caller may read: 200 with the whole file, 206 with one range, 416 for a
    range past its end. HEAD carries the same status and headers (Content-Length included) and no body."""
    headers = {**download_headers(filename), "Accept-Ranges": "bytes"}
    ranges = request.headers.getlist("range")
    header = ranges[0] if len(ranges) == 1 else None  # several Range headers: several ranges, ignored
    if request.method != "HEAD" and header is None:
        data = await storage.get(key)
        headers["Content-Length"] = str(len(data))
        return Response(data, status_code=200, media_type=content_type, headers=headers)
    size = await storage.size(key)
    wanted = parse_range(header, size)
    if wanted is False:
        return error_response(416, "RANGE_NOT_SATISFIABLE", "the requested range lies outside the file",
                              {"size": size}, headers={"Content-Range": f"bytes */{size}", "Accept-Ranges": "bytes"})
    status, length = 200, size
    if isinstance(wanted, tuple):
        first, last = wanted
        status, length = 206, last - first + 1
        headers["Content-Range"] = f"bytes {first}-{last}/{size}"
    if request.method == "HEAD":
        headers["Content-Length"] = str(length)
        return Response(b"", status_code=status, media_type=content_type, headers=headers)
    data = await (storage.get_range(key, *wanted) if isinstance(wanted, tuple) else storage.get(key))
    if len(data) != length:  # the object changed between the two reads (keys are never reused: it was deleted)
        raise NotFound("no such object", code="FILE_NOT_FOUND")
    headers["Content-Length"] = str(length)
    return Response(data, status_code=status, media_type=content_type, headers=headers)
