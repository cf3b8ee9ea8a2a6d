"""What an uploaded file really is, judged by its first bytes, and a safe name to store and serve it under."""

from __future__ import annotations

import re
import unicodedata

# (content type, extensions it may carry, magic prefix)
_MAGIC: list[tuple[str, frozenset[str], bytes]] = [
    ("application/pdf", frozenset({"pdf"}), b"%PDF-"),
    ("image/png", frozenset({"png"}), b"\x89PNG\r\n\x1a\n"),
    ("image/jpeg", frozenset({"jpg", "jpeg"}), b"\xff\xd8\xff"),
    ("image/gif", frozenset({"gif"}), b"GIF8"),
    # ZIP containers: OOXML documents and HWPX (한글), and plain archives.
    ("application/zip", frozenset({"zip", "docx", "xlsx", "pptx", "hwpx"}), b"PK\x03\x04"),
    # OLE2 compound files: legacy Office documents and HWP (한글).
    ("application/x-ole-storage", frozenset({"doc", "xls", "ppt", "hwp"}), b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),
]
_TEXT_EXTENSIONS = frozenset({"txt", "csv", "md"})
_SPECIFIC = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
             "hwpx": "application/hwp+zip", "hwp": "application/x-hwp", "doc": "application/msword",
             "xls": "application/vnd.ms-excel", "ppt": "application/vnd.ms-powerpoint",
             "csv": "text/csv", "md": "text/markdown", "txt": "text/plain"}


def safe_filename(name: str) -> str:
    """The last path component, without control or reserved characters, at most 200 characters."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = re.sub(r'[<>:"|?*]', "_", name).strip(" .")
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 200 - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else name[:200]
    return name or "file"


def detect(filename: str, head: bytes) -> str | None:
    """The content type if the bytes match an allowed kind that fits the extension, else None."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    for content_type, extensions, magic in _MAGIC:
        if head.startswith(magic):
            return _SPECIFIC.get(ext, content_type) if ext in extensions else None
    if ext in _TEXT_EXTENSIONS and b"\x00" not in head:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.start < len(head) - 4:  # a multi-byte character cut at the end of the sample is fine
                return None
        return _SPECIFIC[ext] + "; charset=utf-8"
    return None
