"""Notifications: in-app rows and outbox mails (idempotent by key), approval emails (jinja2, ko/en, HTML + text).

`build` gives the rows the approval projection writes in its own transaction; `portal.notify.dispatcher` sends
the outbox.
`create_in_app` and `send_email` serve NotificationWorkflow runs started before the outbox existed.
"""

from __future__ import annotations

import asyncio
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, make_msgid
from pathlib import Path
from typing import Any, Protocol

from jinja2 import Environment, FileSystemLoader, Template, select_autoescape
from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from portal.approval.models import ApprovalDocument, ApprovalLine
from portal.common.errors import NotFound
from portal.common.pagination import PageParams, paginate
from portal.common.schemas import Pagination
from portal.notify.messages import UI, render_text
from portal.notify.models import Notification
from portal.settings import Settings
from portal.users.models import User
from workflows.approval_contracts import PENDING, NotifyInput

_templates = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html", "j2"], default_for_string=True),
)
_text_templates = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=False)
# Compiled on first use and kept: `get_template` per mail looked the template up and checked the file's mtime.
_compiled: dict[str, Template] = {}


def _template(name: str) -> Template:
    template = _compiled.get(name)
    if template is None:
        env = _templates if name.endswith(".html.j2") else _text_templates
        template = _compiled[name] = env.get_template(name)
    return template


def row_key(inp: NotifyInput, user_id: int) -> str:
    return f"{inp.dedupe_key}:{user_id}"


async def _document_facts(session: AsyncSession, document_id: int) -> tuple[ApprovalDocument, str]:
    doc = await session.get(ApprovalDocument, document_id)
    if doc is None:
        raise NotFound("document not found", code="DOCUMENT_NOT_FOUND")
    drafter = await session.get(User, doc.author_id)
    return doc, drafter.name if drafter else ""


def _in_app_row(
    user_id: int, locale: str, doc: ApprovalDocument, drafter: str, inp: NotifyInput
) -> dict[str, object]:
    title, body = render_text(locale, inp.event, title=doc.title, drafter=drafter, number=doc.document_number,
                              comment=inp.comment)
    return {"user_id": user_id, "type": f"approval.{inp.event}", "title": title[:300], "body": body,
            "link": f"/approval/documents/{doc.id}", "dedupe_key": row_key(inp, user_id)}


@dataclass(frozen=True)
class Recipient:
    id: int
    name: str
    email: str | None
    locale: str
    is_active: bool


@dataclass(frozen=True)
class DocumentFacts:
    """What the notification texts say about a document."""

    id: int
    author_id: int
    title: str
    document_number: str | None


@dataclass
class Notices:
    """In-app rows and outbox mails, as columns (one list per column) ready for one multi-row insert each."""

    in_app: dict[str, list[Any]]
    mails: dict[str, list[Any]]


def audience(notices: Sequence[NotifyInput]) -> set[int]:
    return {uid for n in notices for uid in n.recipients}


def build(doc: DocumentFacts, people: dict[int, Recipient], notices: Sequence[NotifyInput]) -> Notices:
    """The rows `notices` need (keyed, so inserting them twice adds nothing). Inactive recipients get nothing;
    recipients without an address only the in-app row. `people` holds the recipients and the drafter."""
    drafter = people[doc.author_id].name if doc.author_id in people else ""
    in_app: list[dict[str, Any]] = []
    mails: list[dict[str, Any]] = []
    for inp in notices:
        for uid in sorted(set(inp.recipients)):
            person = people.get(uid)
            if person is None or not person.is_active:
                continue
            title, body = render_text(person.locale, inp.event, title=doc.title, drafter=drafter,
                                      number=doc.document_number, comment=inp.comment)
            key = row_key(inp, uid)
            in_app.append({"user_id": uid, "type": f"approval.{inp.event}", "title": title[:300], "body": body,
                           "link": f"/approval/documents/{doc.id}", "dedupe_key": key})
            if person.email:
                mails.append({"dedupe_key": key, "user_id": uid, "event": inp.event, "step": inp.step,
                              "comment": inp.comment, "with_action_link": inp.with_action_links,
                              "message_id": make_msgid(domain="groupware")})
    return Notices(in_app=_columns(in_app, _IN_APP), mails=_columns(mails, _MAIL))


_IN_APP = ("user_id", "type", "title", "body", "link", "dedupe_key")
_MAIL = ("dedupe_key", "user_id", "event", "step", "comment", "with_action_link", "message_id")


def _columns(rows: list[dict[str, Any]], names: tuple[str, ...]) -> dict[str, list[Any]]:
    return {name: [row[name] for row in rows] for name in names}


async def create_in_app(session: AsyncSession, inp: NotifyInput) -> list[int]:
    """Insert one row per active recipient (a repeated call inserts nothing); returns those with an email."""
    doc, drafter = await _document_facts(session, inp.document_id)
    users = (
        await session.execute(select(User).where(User.id.in_(inp.recipients), User.is_active.is_(True)))
    ).scalars().all()
    rows = [_in_app_row(user.id, user.locale, doc, drafter, inp) for user in users]
    if rows:
        await session.execute(insert(Notification).on_conflict_do_nothing(index_elements=["dedupe_key"]), rows)
    await session.commit()
    return sorted(u.id for u in users if u.email)


async def _is_pending_approver(session: AsyncSession, document_id: int, step: int, user_id: int) -> bool:
    found = await session.execute(
        select(ApprovalLine.id).where(
            ApprovalLine.document_id == document_id, ApprovalLine.step_order == step,
            ApprovalLine.approver_id == user_id, ApprovalLine.status == PENDING,
        )
    )
    return found.first() is not None


class MailRecipient(Protocol):
    """What a mail needs of its recipient (a `User`, or the dispatcher's row)."""

    @property
    def name(self) -> str: ...
    @property
    def email(self) -> str | None: ...
    @property
    def locale(self) -> str: ...


class MailDocument(Protocol):
    """What a mail needs of its document (an `ApprovalDocument`, or the dispatcher's row)."""

    @property
    def id(self) -> int: ...
    @property
    def title(self) -> str: ...
    @property
    def document_number(self) -> str | None: ...


def compose(
    settings: Settings, *, user: MailRecipient, doc: MailDocument, drafter: str, inp: NotifyInput,
    action_url: str | None, message_id: str | None = None,
) -> Message:
    locale = user.locale if user.locale in UI else "ko"
    subject, body = render_text(locale, inp.event, title=doc.title, drafter=drafter,
                                number=doc.document_number, comment=inp.comment)
    values = {
        "locale": locale, "subject": subject, "body": body, "name": user.name, "ui": UI[locale],
        "document_url": f"{settings.public_base_url.rstrip('/')}/approval/documents/{doc.id}",
        "action_url": action_url,
    }
    # The compat32 MIME classes, not EmailMessage: the same multipart/alternative with RFC 2047 headers, at
    # about a tenth of the CPU (EmailMessage parses and refolds every header it is given).
    msg = MIMEMultipart("alternative")
    # One line each: a line break in a title or a name (ASCII ones are not RFC 2047-encoded) made flattening raise,
    # and that mail held up every mail queued behind it.
    msg["Subject"] = " ".join(subject.split())  # compat32 encodes non-ASCII as RFC 2047 words when flattened
    msg["From"] = settings.smtp_from
    msg["To"] = formataddr((" ".join(user.name.split()), user.email or ""), charset="utf-8")
    msg["Message-ID"] = message_id or make_msgid(domain="groupware")
    msg["X-Groupware-Event"] = f"approval.{inp.event}"
    msg["X-Groupware-Document"] = str(doc.id)
    msg.attach(MIMEText(_template("email.txt.j2").render(**values), "plain", "utf-8"))
    msg.attach(MIMEText(_template("email.html.j2").render(**values), "html", "utf-8"))
    return msg


async def send_email(session: AsyncSession, settings: Settings, inp: NotifyInput, user_id: int) -> bool:
    """Send one notification mail unless it already went out; SMTP errors propagate (the activity retries)."""
    from portal.approval import email_links  # local: approval imports notify models

    key = row_key(inp, user_id)
    sent = (await session.execute(select(Notification.email_sent_at).where(Notification.dedupe_key == key))).first()
    if sent is not None and sent[0] is not None:
        return False
    user = await session.get(User, user_id)
    if user is None or not user.email or not user.is_active:
        return False
    doc, drafter = await _document_facts(session, inp.document_id)
    action_url = None
    if inp.with_action_links and inp.step is not None and await _is_pending_approver(
        session, doc.id, inp.step, user_id
    ):
        token = await email_links.issue(session, settings, document_id=doc.id, step=inp.step, approver_id=user_id)
        action_url = f"{settings.public_base_url.rstrip('/')}/api/v1/approval/email-actions/{token}"
    message = compose(settings, user=user, doc=doc, drafter=drafter, inp=inp, action_url=action_url)
    host, port = settings.effective_smtp
    await asyncio.to_thread(_deliver, host, port, message)
    await session.execute(update(Notification).where(Notification.dedupe_key == key)
                          .values(email_sent_at=datetime.now(UTC)))
    await session.commit()
    return True


def _deliver(host: str, port: int, message: Message) -> None:
    with smtplib.SMTP(host, port, timeout=20) as smtp:
        smtp.send_message(message)


# --- the in-app list ----------------------------------------------------------------------------------

async def get_all(
    session: AsyncSession, user_id: int, params: PageParams, *, unread_only: bool = False
) -> tuple[Sequence[Notification], Pagination, int]:
    # One snapshot for the page, its total and the unread count: under READ COMMITTED each statement sees its
    # own, and a notification committed between them made the answer disagree (an unread count, no row).
    await session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    stmt = select(Notification).where(Notification.user_id == user_id)
    if unread_only:
        stmt = stmt.where(Notification.is_read.is_(False))
    rows, page = await paginate(session, stmt, params, sortable={"created_at": Notification.created_at},
                                default_sort="created_at", tiebreaker=Notification.id.desc())
    unread = (await session.execute(
        select(func.count()).where(Notification.user_id == user_id, Notification.is_read.is_(False))
    )).scalar_one()
    return rows, page, unread


async def mark_read(session: AsyncSession, user_id: int, ids: list[int] | None) -> int:
    """Mark the given notifications (or all) of this user read; others' rows are never touched."""
    stmt = update(Notification).where(Notification.user_id == user_id, Notification.is_read.is_(False))
    if ids is not None:
        stmt = stmt.where(Notification.id.in_(ids))
    result = await session.execute(stmt.values(is_read=True, read_at=datetime.now(UTC)))
    await session.commit()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
