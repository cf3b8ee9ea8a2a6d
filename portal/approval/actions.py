"""Who an action is really for: the actor themself, or an absent approver whose delegate they are (대결)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import BigInteger, BindParameter, Date, String, Table, bindparam, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from portal.approval.documents import DRAFT, active_delegators, reads_through_line
from portal.approval.models import ApprovalDocument, ApprovalLine
from portal.auth.permissions import Perm
from portal.common.context import Actor
from portal.common.errors import Conflict, Forbidden, NotFound
from workflows.approval_contracts import APPROVED_LINE, FINAL_STATUSES, PENDING

# Which line status the acting approver has for each action.
LINE_STATUS_FOR = {"approve": PENDING, "reject": PENDING, "hold": PENDING, "resume": PENDING,
                   "cancel_approval": APPROVED_LINE}


# --- the action routes' one read ------------------------------------------------------------------------

def _table(model: type) -> Table:
    table = model.__table__  # type: ignore[attr-defined]
    assert isinstance(table, Table)
    return table


_doc, _line = _table(ApprovalDocument), _table(ApprovalLine)
_ACTOR: BindParameter[int] = bindparam("actor", type_=BigInteger())
_TODAY: BindParameter[date] = bindparam("today", type_=Date())
_DELEGATORS = active_delegators(_ACTOR, _TODAY)
_ACTING = select(_line.c.approver_id).where(  # the line rows an action could be taken from
    _line.c.document_id == _doc.c.id, or_(_line.c.line_type == "approval", _line.c.line_type == "agreement"),
    _line.c.status == bindparam("line_status", type_=String()),
)
# Everything `act` needs to decide, in one statement (statement built once, compiled once per process): the
# document's state, whether the actor may read it (documents.visible_to) and whom they act for (대결).
_TARGET = select(
    _doc.c.status, _doc.c.workflow_id, _doc.c.author_id,
    reads_through_line(_ACTOR, _TODAY).label("on_line"),
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
    """The run to send `action` to and whom the actor acts for (None: themself; else the delegator whose line
    they act on), after the same checks and error codes as `documents.get_visible` and the submitted and
    finished checks."""
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
