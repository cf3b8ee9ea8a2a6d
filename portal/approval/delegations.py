"""Delegations (대결): a user names a delegate for a date range; while active, the delegate may act."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from portal.approval.models import ApprovalDelegation
from portal.approval.schemas import DelegationIn
from portal.audit import service as audit
from portal.common.context import Actor, ClientInfo
from portal.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from portal.users.models import User


async def get_all(session: AsyncSession, actor: Actor) -> Sequence[ApprovalDelegation]:
    """Delegations I gave and those given to me, newest first."""
    stmt = select(ApprovalDelegation).where(
        ApprovalDelegation.is_active.is_(True),
        (ApprovalDelegation.delegator_id == actor.id) | (ApprovalDelegation.delegate_id == actor.id),
    ).order_by(ApprovalDelegation.starts_on.desc(), ApprovalDelegation.id.desc())
    return (await session.execute(stmt)).scalars().all()


async def create(session: AsyncSession, actor: Actor, data: DelegationIn, client: ClientInfo) -> ApprovalDelegation:
    if data.delegate_id == actor.id:
        raise ValidationFailed("you cannot delegate to yourself", code="SELF_DELEGATION")
    delegate = await session.get(User, data.delegate_id)
    if delegate is None or not delegate.is_active:
        raise ValidationFailed("the delegate does not exist or is inactive", code="UNKNOWN_DELEGATE")
    if data.ends_on < datetime.now(UTC).date():
        raise ValidationFailed("the delegation would already be over", code="DELEGATION_IN_PAST")
    # One delegator's creations take turns (their user row, locked), so two at once cannot both pass the check.
    await session.execute(select(User.id).where(User.id == actor.id).with_for_update())
    overlap = await session.execute(select(ApprovalDelegation.id).where(
        ApprovalDelegation.delegator_id == actor.id, ApprovalDelegation.is_active.is_(True),
        and_(ApprovalDelegation.starts_on <= data.ends_on, ApprovalDelegation.ends_on >= data.starts_on),
    ))
    if overlap.first():
        raise Conflict("you already have a delegation in that period", code="DELEGATION_OVERLAP")
    row = ApprovalDelegation(delegator_id=actor.id, **data.model_dump())
    session.add(row)
    await session.flush()
    audit.record(session, action="approval.delegation_create", client=client, actor=actor,
                 target_type="delegation", target_id=row.id,
                 details={"delegate_id": data.delegate_id, "from": str(data.starts_on), "to": str(data.ends_on)})
    await session.commit()
    return row


async def revoke(session: AsyncSession, actor: Actor, delegation_id: int, client: ClientInfo) -> int:
    """Ends the delegation; answers the delegate's id."""
    row = await session.get(ApprovalDelegation, delegation_id)
    if row is None or not row.is_active:
        raise NotFound("delegation not found", code="DELEGATION_NOT_FOUND")
    if row.delegator_id != actor.id:
        raise Forbidden("only the person who delegated can revoke it", code="NOT_DELEGATOR")
    row.is_active = False
    audit.record(session, action="approval.delegation_revoke", client=client, actor=actor,
                 target_type="delegation", target_id=row.id)
    await session.commit()
    return row.delegate_id
