"""Who an action is really for: the actor themself, or an absent approver whose delegate they are (대결)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import BigInteger, BindParameter, Date, String, Table, and_, bindparam, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from portal.approval.documents import DRAFT, active_delegators
from portal.approval.models import ApprovalDelegation, ApprovalDocument, ApprovalLine
from portal.auth.permissions import Perm
from portal.common.context import Actor
from portal.common.errors import Conflict, Forbidden, NotFound
from workflows.approval_contracts import APPROVED, APPROVED_LINE, FINAL_STATUSES, PENDING

# Which line status the acting approver has for each action.
LINE_STATUS_FOR = {"approve": PENDING, "reject": PENDING, "hold": PENDING, "resume": PENDING,
                   "cancel_approval": APPROVED_LINE}


async def resolve_on_behalf(session: AsyncSession, actor_id: int, doc: ApprovalDocument, action: str) -> int | None:
    """None when the actor acts for themself; else the delegator they stand in for on this document."""
    status = LINE_STATUS_FOR.get(action)
    if status is None:
        return None
    base = select(ApprovalLine.approver_id).where(
        ApprovalLine.document_id == doc.id, ApprovalLine.line_type.in_(("approval", "agreement")),
        ApprovalLine.status == status,
    )
    if (await session.execute(base.where(ApprovalLine.approver_id == actor_id))).first():
        return None
    delegator = (
        await session.execute(base.where(ApprovalLine.approver_id.in_(active_delegators(actor_id)))
                              .order_by(ApprovalLine.step_order).limit(1))
    ).scalar_one_or_none()
    return delegator


# --- the action routes' one read ------------------------------------------------------------------------

def _table(model: type) -> Table:
    table = model.__table__  # type: ignore[attr-defined]
    assert isinstance(table, Table)
    return table


_doc, _line, _deleg = _table(ApprovalDocument), _table(ApprovalLine), _table(ApprovalDelegation)
_ACTOR: BindParameter[int] = bindparam("actor", type_=BigInteger())
_TODAY: BindParameter[date] = bindparam("today", type_=Date())
_DELEGATORS = select(_deleg.c.delegator_id).where(  # as documents.active_delegators, with bind parameters
    _deleg.c.delegate_id == _ACTOR, _deleg.c.is_active.is_(True), _deleg.c.starts_on <= _TODAY,
    _deleg.c.ends_on >= _TODAY,
)
_ACTING = select(_line.c.approver_id).where(  # the line rows an action could be taken from
    _line.c.document_id == _doc.c.id, or_(_line.c.line_type == "approval", _line.c.line_type == "agreement"),
    _line.c.status == bindparam("line_status", type_=String()),
)
# Everything `act` needs to decide, in one statement (statement built once, compiled once per process): the
# document's state, whether the actor may read it (documents.visible_to) and whom they act for (resolve_on_behalf).
_TARGET = select(
    _doc.c.status, _doc.c.workflow_id, _doc.c.author_id,
    exists().where(
        _line.c.document_id == _doc.c.id,
        or_(_line.c.approver_id == _ACTOR, _line.c.approver_id.in_(_DELEGATORS)),
        or_(_line.c.line_type.in_(("approval", "agreement", "reference")),
            and_(_line.c.line_type == "receiver", _doc.c.status == APPROVED)),
    ).label("on_line"),
    exists(_ACTING.where(_line.c.approver_id == _ACTOR)).label("own_turn"),
    _ACTING.where(_line.c.approver_id.in_(_DELEGATORS)).order_by(_line.c.step_order).limit(1)
    .scalar_subquery().label("delegator"),
).where(_doc.c.id == bindparam("document_id"))


@dataclass(frozen=True)
class Target:
    workflow_id: str
    on_behalf_of: int | None


async def target(conn: AsyncConnection, actor: Actor, document_id: int, action: str,
                 today: date | None = None) -> Target:
    """The run to send `action` to and whom the actor acts for, after the same checks (and error codes) as
    `documents.get_visible` followed by the submitted/finished checks and `resolve_on_behalf`."""
    row = (await conn.execute(_TARGET, {
        "document_id": document_id, "actor": actor.id, "today": today or datetime.now(UTC).date(),
        "line_status": LINE_STATUS_FOR.get(action),
    })).first()
    if row is None:
        raise NotFound("document not found", code="DOCUMENT_NOT_FOUND", details={"id": document_id})
    visible = actor.can(Perm.APPROVAL_ADMIN) or row.author_id == actor.id or (row.status != DRAFT and row.on_line)
    if not visible:
        raise Forbidden("you may not read this document", code="DOCUMENT_FORBIDDEN")
    if row.status == DRAFT:
        raise Conflict("the document has not been submitted", code="NOT_SUBMITTED")
    if row.status in FINAL_STATUSES:
        raise Conflict(f"the document is already {row.status}", code="DOCUMENT_FINISHED")
    if row.workflow_id is None:
        raise Conflict("the document has no approval run", code="NOT_SUBMITTED")
    acts_for_self = action not in LINE_STATUS_FOR or row.own_turn
    return Target(workflow_id=row.workflow_id, on_behalf_of=None if acts_for_self else row.delegator)
