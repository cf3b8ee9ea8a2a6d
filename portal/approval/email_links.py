"""Email action links: one HMAC-signed token per (document, step, approver), stored only as a hash.

The token is derived from a random nonce kept in the row and a key derived from `GW_ENCRYPTION_KEY`, so
the same link is produced again if a send is retried, and a database dump alone cannot forge one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from portal.approval.models import ApprovalActionToken
from portal.settings import Settings


def _key(settings: Settings, purpose: bytes) -> bytes:
    return hmac.new(settings.encryption_key_bytes, b"groupware:" + purpose, hashlib.sha256).digest()


def _token(settings: Settings, row_id: int, nonce: str) -> str:
    mac = hmac.new(_key(settings, b"email-action-link"), f"{row_id}.{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def csrf_for(settings: Settings, token: str) -> str:
    """The form's CSRF value: bound to this link, unguessable without the server key."""
    return hmac.new(_key(settings, b"email-action-csrf"), token.encode(), hashlib.sha256).hexdigest()


Target = tuple[int, int, int]  # document id, step, approver id

_tokens = ApprovalActionToken.__table__
assert isinstance(_tokens, Table)
# A new row gets a fresh nonce; an existing one keeps its own (the no-op update makes RETURNING report it too).
_ENSURE = (
    insert(_tokens)
    .on_conflict_do_update(constraint="uq_approval_action_tokens_target", set_={"nonce": _tokens.c.nonce})
    .returning(_tokens.c.id, _tokens.c.document_id, _tokens.c.step_order, _tokens.c.approver_id, _tokens.c.nonce,
               _tokens.c.token_hash)
)
_SET_HASH = update(_tokens).where(_tokens.c.id == bindparam("b_id")).values(token_hash=bindparam("b_hash"))


async def issue(session: AsyncSession, settings: Settings, *, document_id: int, step: int, approver_id: int) -> str:
    """The link token for this approver and step; the same one on every call (retries, reminders)."""
    return (await issue_many(session, settings, [(document_id, step, approver_id)]))[(document_id, step, approver_id)]


async def issue_many(session: AsyncSession, settings: Settings, targets: Iterable[Target]) -> dict[Target, str]:
    """`issue` for several links at once, in three round trips whatever their number; commits."""
    tokens = await _issue(session, settings, targets)
    if tokens:
        await session.commit()
    return tokens


async def issue_many_autocommit(conn: AsyncConnection, settings: Settings, targets: Iterable[Target]
                                ) -> dict[Target, str]:
    """`issue_many` on a connection in autocommit: two statements, each its own commit. A link row left with its
    placeholder hash (a crash between them) is finished by the next issue of the same target; until then no token
    matches it, and no mail carrying it has been sent."""
    return await _issue(conn, settings, targets)


async def _issue(db: AsyncSession | AsyncConnection, settings: Settings, targets: Iterable[Target]
                 ) -> dict[Target, str]:
    wanted = sorted(set(targets))  # one order everywhere: concurrent issuers lock rows alike
    if not wanted:
        return {}
    expires = datetime.now(UTC) + timedelta(seconds=settings.email_link_ttl_seconds)
    rows = (await db.execute(_ENSURE, [
        {"document_id": d, "step_order": s, "approver_id": a, "nonce": (nonce := secrets.token_hex(16)),
         "token_hash": f"pending-{nonce}", "expires_at": expires}
        for d, s, a in wanted
    ])).all()
    tokens: dict[Target, str] = {}
    new_hashes: list[dict[str, object]] = []
    for row in rows:
        token = _token(settings, row.id, row.nonce)
        tokens[(row.document_id, row.step_order, row.approver_id)] = token
        if row.token_hash != (digest := token_hash(token)):
            new_hashes.append({"b_id": row.id, "b_hash": digest})
    if new_hashes:
        await db.execute(_SET_HASH, new_hashes)
    return tokens


async def find(session: AsyncSession, token: str) -> ApprovalActionToken | None:
    if not token or len(token) > 100:
        return None
    return (
        await session.execute(select(ApprovalActionToken).where(ApprovalActionToken.token_hash == token_hash(token)))
    ).scalar_one_or_none()
