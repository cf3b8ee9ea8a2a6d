"""Object storage behind one interface: the local filesystem by default, S3 (or MinIO) via boto3."""

from __future__ import annotations

import asyncio
import stat
import uuid
from pathlib import Path
from typing import Any, Protocol

from portal.common.errors import NotFound
from portal.settings import Settings


class Storage(Protocol):
    async def put(self, key: str, data: bytes, content_type: str) -> None: ...
    async def get(self, key: str) -> bytes: ...
    async def size(self, key: str) -> int: ...
    async def get_range(self, key: str, first: int, last: int) -> bytes: ...  # bytes first..last, inclusive
    async def delete(self, key: str) -> None: ...


def new_key(prefix: str) -> str:
    """Keys are ours, never derived from user input: no traversal, no collisions."""
    u = uuid.uuid4().hex
    return f"{prefix}/{u[:2]}/{u}"


class FilesystemStorage:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root):
            raise NotFound("no such object", code="FILE_NOT_FOUND")
        return path

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)

        def write() -> None:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".part")
            tmp.write_bytes(data)
            tmp.replace(path)  # readers never see half a file

        await asyncio.to_thread(write)

    async def get(self, key: str) -> bytes:
        path = self._path(key)
        if not path.is_file():
            raise NotFound("no such object", code="FILE_NOT_FOUND")
        return await asyncio.to_thread(path.read_bytes)

    async def size(self, key: str) -> int:
        path = self._path(key)

        def regular_size() -> int:
            info = path.stat()
            if not stat.S_ISREG(info.st_mode):
                raise FileNotFoundError(key)
            return info.st_size

        try:
            return await asyncio.to_thread(regular_size)
        except (FileNotFoundError, NotADirectoryError):
            raise NotFound("no such object", code="FILE_NOT_FOUND") from None

    async def get_range(self, key: str, first: int, last: int) -> bytes:
        path = self._path(key)

        def read() -> bytes:
            with path.open("rb") as f:
                f.seek(first)
                return f.read(last - first + 1)

        try:
            return await asyncio.to_thread(read)
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            raise NotFound("no such object", code="FILE_NOT_FOUND") from None

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._path(key).unlink, True)


class S3Storage:
    def __init__(self, settings: Settings) -> None:
        import boto3

        self.bucket = settings.s3_bucket
        self.client: Any = boto3.client(
            "s3", endpoint_url=settings.s3_endpoint_url, region_name=settings.s3_region,
            aws_access_key_id=settings.s3_access_key,
            aws_secret_access_key=settings.s3_secret_key.get_secret_value() if settings.s3_secret_key else None,
        )

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        await asyncio.to_thread(self.client.put_object, Bucket=self.bucket, Key=key, Body=data,
                                ContentType=content_type)

    async def get(self, key: str) -> bytes:
        return await self._read(key)

    async def size(self, key: str) -> int:
        from botocore.exceptions import ClientError

        try:
            head = await asyncio.to_thread(self.client.head_object, Bucket=self.bucket, Key=key)
        except ClientError as exc:
            raise _missing_or_raise(exc) from exc
        return int(head["ContentLength"])

    async def get_range(self, key: str, first: int, last: int) -> bytes:
        """Only those bytes cross the network (a PDF viewer reads a large file in many small ranges)."""
        return await self._read(key, Range=f"bytes={first}-{last}")

    async def _read(self, key: str, **options: str) -> bytes:
        from botocore.exceptions import ClientError

        try:
            response = await asyncio.to_thread(self.client.get_object, Bucket=self.bucket, Key=key, **options)
        except ClientError as exc:
            raise _missing_or_raise(exc) from exc
        body: bytes = await asyncio.to_thread(response["Body"].read)
        return body

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self.client.delete_object, Bucket=self.bucket, Key=key)


def _missing_or_raise(exc: Exception) -> NotFound:
    """A missing object is a 404; any other S3 error (access denied, throttling, an outage) goes on as it is, an
    internal error that is logged, not a "file not found" that would hide it."""
    code = str(getattr(exc, "response", {}).get("Error", {}).get("Code", ""))
    if code in ("NoSuchKey", "NotFound", "404"):
        return NotFound("no such object", code="FILE_NOT_FOUND")
    raise exc


def build_storage(settings: Settings) -> Storage:
    if settings.storage_backend == "s3":
        return S3Storage(settings)
    return FilesystemStorage(settings.data_dir / "files")
