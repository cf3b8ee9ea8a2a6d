"""Writing ApprovalWorkflow snapshots into PostgreSQL, idempotently, and assigning document numbers.

A snapshot may carry notifications: their in-app rows and outbox mails commit with the state they announce.
A projection runs on every workflow action, so it is written as two statements (one read that fetches the
recipients, one write), in autocommit; a final approval adds the counter upsert and runs in one transaction that
locks the document. Those run on the psycopg connection itself (`driver_rows`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple

from sqlalchemy.exc import NoResultFound
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from portal.db.session import driver_rows
from portal.notify import service as notify
from workflows.approval_contracts import FINAL_STATUSES, Projection

# The document, locked, with its template's numbering rule, the people the notifications name and who acts for
# the snapshot's approvers today (whose cached pending boxes the activity then marks stale).
_READ = """
SELECT d.author_id, d.title, d.document_number, d.projection_seq, d.document_type, t.code AS template_code,
       t.numbering_rule,
       (SELECT coalesce(json_agg(json_build_array(u.id, u.name, u.email, u.locale, u.is_active)), '[]')
          FROM users u WHERE u.id = d.author_id OR u.id = ANY(CAST(%(people)s AS bigint[]))) AS people,
       (SELECT coalesce(array_agg(g.delegate_id), '{}') FROM approval_delegations g
         WHERE g.delegator_id = ANY(CAST(%(approvers)s AS bigint[])) AND g.is_active
           AND g.starts_on <= CAST(%(today)s AS date) AND g.ends_on >= CAST(%(today)s AS date)) AS delegates
  FROM approval_documents d LEFT JOIN approval_templates t ON t.id = d.template_id
 WHERE d.id = %(doc)s
   FOR UPDATE OF d
"""

# History rows, state and lines (when `seq` is newer than what is stored; only the lines that differ), in-app
# rows and outbox mails, in one statement. Every insert is keyed: a retried snapshot adds nothing twice.
_WRITE = """
WITH history AS (
    INSERT INTO approval_history (document_id, step_order, action, actor_id, on_behalf_of_id, comment, channel,
                                  ip, user_agent, details, idempotency_key, created_at)
    SELECT %(doc)s, h.step_order, h.action, h.actor_id, h.on_behalf_of_id, h.comment, h.channel, h.ip, h.user_agent,
           h.details, h.idempotency_key, h.created_at
      FROM jsonb_to_recordset(CAST(%(history)s AS jsonb))
           AS h(step_order integer, action text, actor_id bigint, on_behalf_of_id bigint, comment text, channel text,
                ip text, user_agent text, details jsonb, idempotency_key text, created_at timestamptz)
    ON CONFLICT (idempotency_key) DO NOTHING
), moved AS (
    UPDATE approval_documents
       SET projection_seq = %(seq)s, status = %(status)s, current_step = %(current_step)s, updated_at = now(),
           completed_at = CASE WHEN %(final)s THEN coalesce(completed_at, now()) ELSE completed_at END,
           document_number = coalesce(document_number, %(number)s)
     WHERE id = %(doc)s AND projection_seq < %(seq)s
    RETURNING id
), lines AS (
    UPDATE approval_lines AS l
       SET status = v.status, acted_by_id = v.acted_by_id, on_behalf_of_id = v.on_behalf_of_id,
           comment = v.comment, acted_at = v.acted_at
      FROM moved,
           jsonb_to_recordset(CAST(%(lines)s AS jsonb))
           AS v(step_order integer, approver_id bigint, status text, acted_by_id bigint, on_behalf_of_id bigint,
                comment text, acted_at timestamptz)
     WHERE l.document_id = moved.id AND l.line_type IN ('approval', 'agreement')
       AND l.step_order = v.step_order AND l.approver_id = v.approver_id
       AND (l.status, l.acted_by_id, l.on_behalf_of_id, l.comment, l.acted_at)
           IS DISTINCT FROM (v.status, v.acted_by_id, v.on_behalf_of_id, v.comment, v.acted_at)
), inbox AS (
    INSERT INTO notifications (user_id, type, title, body, link, dedupe_key)
    SELECT n.user_id, n.type, n.title, n.body, n.link, n.dedupe_key
      FROM jsonb_to_recordset(CAST(%(inbox)s AS jsonb))
           AS n(user_id bigint, type text, title text, body text, link text, dedupe_key text)
    ON CONFLICT (dedupe_key) DO NOTHING
)
INSERT INTO notify_outbox (dedupe_key, user_id, document_id, event, step, comment, with_action_link, message_id)
SELECT o.dedupe_key, o.user_id, %(doc)s, o.event, o.step, o.comment, o.with_action_link, o.message_id
  FROM jsonb_to_recordset(CAST(%(outbox)s AS jsonb))
       AS o(dedupe_key text, user_id bigint, event text, step integer, comment text, with_action_link boolean,
            message_id text)
ON CONFLICT (dedupe_key) DO NOTHING
RETURNING id
"""

# A number assigned by a snapshot that is not newer than the stored state (a retry after the state moved on).
_NUMBER = "UPDATE approval_documents SET document_number = %(number)s WHERE id = %(doc)s AND document_number IS NULL"

# The template's counter for this year, created at 1 or incremented (row-locked until the commit).
_COUNTER = (
    "INSERT INTO document_number_sequences (template_code, year, last_value) VALUES (%(code)s, %(year)s, 1) "
    "ON CONFLICT (template_code, year) DO UPDATE SET last_value = document_number_sequences.last_value + 1 "
    "RETURNING last_value"
)


def _ts(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _records(columns: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """`notify.build`'s columns as one dict per row."""
    return [dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True)]


class _Document(NamedTuple):
    """`_READ`'s row."""

    author_id: int
    title: str
    document_number: str | None
    projection_seq: int
    document_type: str
    template_code: str | None
    numbering_rule: str | None
    people: list[list[Any]]
    delegates: list[int]


@dataclass
class Applied:
    document_number: str | None
    mails_queued: int = 0
    # Whose pending box may have changed: the snapshot's approvers and whoever acts for one of them today.
    audience: set[int] = field(default_factory=set)


async def apply(engine: AsyncEngine, snap: Projection) -> Applied:
    """Apply one snapshot: state, history, document number (on final approval) and the snapshot's notifications.

    Without a number to assign, the write is one statement, atomic by itself, and the read before it only gathers
    names for the notifications: both run in autocommit, which saves the BEGIN and COMMIT round trips. A final
    approval runs in one transaction: the counter row stays locked until its number is written. Straight on a
    connection: the ORM session's bookkeeping was about a sixth of the activity's CPU, for statements it never saw."""
    if snap.assign_number:
        async with engine.begin() as conn:
            return await _apply(conn, snap)
    async with engine.connect() as conn:
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        return await _apply(conn, snap)


async def _apply(conn: AsyncConnection, snap: Projection) -> Applied:
    notices = snap.notifications
    approvers = sorted({ln.approver_id for ln in snap.lines})
    found = await driver_rows(conn, _READ, {
        "doc": snap.document_id, "people": sorted(notify.audience(notices)) if notices else [],
        "approvers": approvers, "today": datetime.now(UTC).date(),
    })
    if not found:
        raise NoResultFound(f"approval document {snap.document_id} not found")
    doc = _Document(*found[0])
    number = None
    if snap.assign_number and doc.document_number is None:
        code = doc.template_code or doc.document_type
        number = await _next_number(conn, code, doc.numbering_rule or "{code}-{yyyy}-{seq:06d}")
    newer = snap.seq > doc.projection_seq
    facts = notify.DocumentFacts(id=snap.document_id, author_id=doc.author_id, title=doc.title,
                                 document_number=doc.document_number or number)
    people = {p[0]: notify.Recipient(*p) for p in doc.people}
    rows = notify.build(facts, people, notices) if notices else notify.Notices({}, {})
    now = datetime.now(UTC)
    # Each set of rows goes as one JSON array (`jsonb_to_recordset`): one parameter each instead of a typed array per
    # column, which psycopg had to inspect value by value on every call.
    params: dict[str, Any] = {
        "doc": snap.document_id, "seq": snap.seq, "status": snap.status, "current_step": snap.current_step,
        "final": snap.status in FINAL_STATUSES, "number": number,
        "history": json.dumps([
            {"step_order": h.step, "action": h.action, "actor_id": h.actor_id, "on_behalf_of_id": h.on_behalf_of,
             "comment": h.comment, "channel": h.channel, "ip": h.ip, "user_agent": h.user_agent,
             "details": h.details, "idempotency_key": h.key, "created_at": (_ts(h.at) or now).isoformat()}
            for h in snap.history]),
        "lines": json.dumps([
            {"step_order": ln.step, "approver_id": ln.approver_id, "status": ln.status, "acted_by_id": ln.acted_by,
             "on_behalf_of_id": ln.on_behalf_of, "comment": ln.comment,
             "acted_at": at.isoformat() if (at := _ts(ln.acted_at)) else None}
            for ln in snap.lines]),
        "inbox": json.dumps(_records(rows.in_app)),
        "outbox": json.dumps(_records(rows.mails)),
    }
    queued = len(await driver_rows(conn, _WRITE, params))
    if number is not None and not newer:
        await driver_rows(conn, _NUMBER, {"doc": snap.document_id, "number": number})
    return Applied(document_number=doc.document_number or number, mails_queued=queued,
                   audience=set(approvers) | set(doc.delegates))


async def _next_number(conn: AsyncConnection, code: str, rule: str) -> str:
    """`{code}-{yyyy}-{seq:06d}` style numbers from the template's rule; the counter row is locked by the
    upsert, so concurrent final approvals never share a number."""
    year = datetime.now(UTC).year
    value = (await driver_rows(conn, _COUNTER, {"code": code, "year": year}))[0][0]
    return rule.format(code=code, yyyy=year, yy=year % 100, seq=value)
