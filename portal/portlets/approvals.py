"""The pending-approvals portlet: documents waiting for the user (the approval "pending" box), in one query,
cached per user as ready JSON (`portal.approval.boxes.pending_cache`, made stale by whatever changes the box)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from pydantic_core import to_json
from redis.asyncio import Redis
from sqlalchemy import Date, Integer, bindparam, func, select

from portal.approval import boxes
from portal.approval.models import ApprovalDocument
from portal.common.context import Actor
from portal.db.session import LazyReads
from portal.portlets.schemas import DocumentBrief
from portal.search.cache import BytesCache, Lookup
from portal.users.models import User

LIMIT = 10
BRIEF_FIELDS = tuple(DocumentBrief.model_fields)

# Built once: a request only binds the user and the date. Only the brief's columns (not the documents' content
# and form data), the longest-waiting first; the window count gives the box total in the same round trip.
_doc = ApprovalDocument
STATEMENT = (
    select(_doc.id, _doc.title, _doc.document_type, _doc.document_number, _doc.status, _doc.current_step,
           _doc.author_id, User.name.label("author_name"), _doc.submitted_at, func.count().over().label("total"))
    .outerjoin(User, User.id == _doc.author_id)
    .where(boxes.pending_condition(bindparam("user_id", type_=Integer), bindparam("today", type_=Date)))
    .order_by(_doc.submitted_at.asc().nulls_last(), _doc.id.asc())
    .limit(LIMIT)
)


def lookup(redis: Redis, actor: Actor) -> tuple[BytesCache, str]:
    c = boxes.pending_cache(redis, actor.id)
    return c, c.key({"kind": "pending-portlet", "today": _today().isoformat(), "l": LIMIT})


def _today() -> date:
    return datetime.now(UTC).date()  # the date `active_delegators` compares with


async def pending(db: LazyReads, redis: Redis, *, actor: Actor, cached: Lookup | None = None) -> bytes:
    """The portlet's JSON (`{"type", "total", "items"}`), from the cache or from one query. `cached` is this
    portlet's lookup when the caller fetched it with others."""
    c, key = lookup(redis, actor)
    found = cached if cached is not None else await c.get(key)
    if found.body is not None:
        return found.body
    rows = (await db.execute(STATEMENT, {"user_id": actor.id, "today": _today()})).mappings().all()
    items = [{f: r[f] for f in BRIEF_FIELDS} for r in rows]
    body = to_json({"type": "pending-approvals", "total": rows[0]["total"] if rows else 0, "items": items})
    await c.set(key, found.version, body)
    return body
