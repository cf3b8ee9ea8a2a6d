"""Reading and checking one uploaded file: bounded size, content judged by its bytes, a safe name."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from fastapi import UploadFile
from sqlalchemy.ext.asyncio import AsyncSession

from portal.common.errors import PayloadTooLarge, ValidationFailed
from portal.settings import Settings
from portal.storage.backends import Storage, new_key
from portal.storage.sniff import detect, safe_filename

CHUNK = 256 * 1024
T = TypeVar("T")


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    content_type: str
    data: bytes
    sha256: str


async def read_bounded(upload: UploadFile, limit: int) -> bytes:
    """The upload's bytes, refusing anything over `limit` without reading much past it."""
    parts: list[bytes] = []
    size = 0
    while chunk := await upload.read(CHUNK):
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge("the file is too large", code="FILE_TOO_LARGE", details={"limit_bytes": limit})
        parts.append(chunk)
    return b"".join(parts)


async def upload_limit(session: AsyncSession, settings: Settings) -> int:
    """Bytes allowed per file: the administrators' setting (uploads are also bounded by the request limit)."""
    from portal.admin import service as system  # local: admin settings build on storage-free modules

    return (await system.effective(session, settings)).uploads.max_upload_mb * 1024 * 1024


async def check(upload: UploadFile, limit: int) -> CheckedFile:
    name = safe_filename(upload.filename or "")
    data = await read_bounded(upload, limit)
    if not data:
        raise ValidationFailed("the file is empty", code="EMPTY_FILE")
    content_type = detect(name, data[:4096])
    if content_type is None:
        raise ValidationFailed("this kind of file is not accepted, or its content does not match its name",
                               code="UNSUPPORTED_FILE_TYPE", details={"filename": name})
    return CheckedFile(name, content_type, data, hashlib.sha256(data).hexdigest())


async def store(
    session: AsyncSession, storage: Storage, file: CheckedFile, *, prefix: str, row: Callable[[str], T]
) -> T:
    """Put the file under a new key and commit its row; if the row cannot be written, no object is left."""
    key = new_key(prefix)
    await storage.put(key, file.data, file.content_type)
    record = row(key)
    session.add(record)
    try:
        await session.commit()
    except Exception:
        await storage.delete(key)
        raise
    return record
