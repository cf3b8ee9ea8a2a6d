"""Development only: the SMTP catcher's mail as web pages, so email action links can be clicked locally.

Mounted only when `GW_ENV=development`, `GW_DEV_OUTBOX` is on and mail goes to the embedded catcher.
"""

from __future__ import annotations

import email
import re
from email import policy
from email.message import EmailMessage
from pathlib import Path

from fastapi import APIRouter, FastAPI, HTTPException
from fastapi.responses import HTMLResponse
from markupsafe import escape

from portal.settings import Settings

_NAME = re.compile(r"^[0-9]+-[0-9a-f]{8}\.eml$")
_LINK = re.compile(r"(https?://[^\s<>\"']+)")
_PAGE = """<!doctype html><html lang="ko"><head><meta charset="utf-8"><title>Dev outbox</title>
<style>body{{font-family:sans-serif;margin:24px}}td,th{{padding:4px 8px;border-bottom:1px solid #ddd;text-align:left}}
pre{{white-space:pre-wrap}}</style></head><body><h1>Dev outbox</h1>{body}</body></html>"""


def _read(path: Path) -> EmailMessage:
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def mount(app: FastAPI, settings: Settings) -> None:
    if settings.env != "development" or not settings.dev_outbox or settings.smtp_host not in (None, "127.0.0.1"):
        return
    maildir = settings.data_dir.resolve() / "mail"
    router = APIRouter(prefix="/dev/outbox", include_in_schema=False)

    @router.get("", response_class=HTMLResponse)
    async def outbox() -> HTMLResponse:
        rows = []
        for path in sorted(maildir.glob("*.eml"), reverse=True)[:200]:
            msg = _read(path)
            rows.append(f'<tr><td>{escape(str(msg["Date"] or ""))}</td><td>{escape(str(msg["To"]))}</td>'
                        f'<td><a href="/dev/outbox/{path.name}">{escape(str(msg["Subject"]))}</a></td></tr>')
        table = "<table><tr><th>Date</th><th>To</th><th>Subject</th></tr>" + "".join(rows) + "</table>"
        return HTMLResponse(_PAGE.format(body=table if rows else "<p>No mail yet.</p>"))

    @router.get("/{name}", response_class=HTMLResponse)
    async def message(name: str) -> HTMLResponse:
        path = maildir / name
        if not _NAME.match(name) or not path.is_file():
            raise HTTPException(404)
        msg = _read(path)
        part = msg.get_body(("plain",))
        text = str(escape(part.get_content() if part else ""))
        linked = _LINK.sub(r'<a href="\1">\1</a>', text)
        head = f"<p><b>{escape(str(msg['Subject']))}</b><br>To: {escape(str(msg['To']))}</p>"
        return HTMLResponse(_PAGE.format(body=f'{head}<pre>{linked}</pre><p><a href="/dev/outbox">back</a></p>'))

    app.include_router(router)
