"""Email action links: one HMAC-signed token per (document, step, approver), stored only as a hash.

The token is derived from a random nonce kept in the row and a key derived from `GW_ENCRYPTION_KEY`, so
the same link is produced again if a send is retried, and a database dump alone cannot forge one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

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


async def issue(session: AsyncSession, settings: Settings, *, document_id: int, step: int, approver_id: int) -> str:
    """The link token for this approver and step; the same one on every call (retries, reminders)."""
    nonce = secrets.token_hex(16)
    expires = datetime.now(UTC) + timedelta(seconds=settings.email_link_ttl_seconds)
    await session.execute(
        insert(ApprovalActionToken)
        .values(document_id=document_id, step_order=step, approver_id=approver_id, nonce=nonce,
                token_hash=f"pending-{nonce}", expires_at=expires)
        .on_conflict_do_nothing(constraint="uq_approval_action_tokens_target")
    )
    row = (
        await session.execute(
            select(ApprovalActionToken).where(
                ApprovalActionToken.document_id == document_id, ApprovalActionToken.step_order == step,
                ApprovalActionToken.approver_id == approver_id,
            )
        )
    ).scalar_one()
    token = _token(settings, row.id, row.nonce)
    row.token_hash = token_hash(token)
    await session.commit()
    return token


async def find(session: AsyncSession, token: str) -> ApprovalActionToken | None:
    if not token or len(token) > 100:
        return None
    return (
        await session.execute(select(ApprovalActionToken).where(ApprovalActionToken.token_hash == token_hash(token)))
    ).scalar_one_or_none()
