"""Writing ApprovalWorkflow snapshots into PostgreSQL, idempotently, and assigning document numbers.

A snapshot may carry notifications: their in-app rows and outbox mails commit with the state they announce.
A projection runs on every workflow action, so it is written as two statements (one read that locks the
document and fetches the recipients, one write) plus the commit, and the counter upsert on final approval.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from portal.approval.models import DocumentNumberSequence
from portal.notify import service as notify
from workflows.approval_contracts import FINAL_STATUSES, Projection

# The document, locked, with its template's numbering rule, the people the notifications name and who acts for
# the snapshot's approvers today (whose cached pending boxes the activity then marks stale).
_READ = text("""
SELECT d.author_id, d.title, d.document_number, d.projection_seq, d.document_type, t.code AS template_code,
       t.numbering_rule,
       (SELECT coalesce(json_agg(json_build_array(u.id, u.name, u.email, u.locale, u.is_active)), '[]')
          FROM users u WHERE u.id = d.author_id OR u.id = ANY(CAST(:people AS bigint[]))) AS people,
       (SELECT coalesce(array_agg(g.delegate_id), '{}') FROM approval_delegations g
         WHERE g.delegator_id = ANY(CAST(:approvers AS bigint[])) AND g.is_active
           AND g.starts_on <= CAST(:today AS date) AND g.ends_on >= CAST(:today AS date)) AS delegates
  FROM approval_documents d LEFT JOIN approval_templates t ON t.id = d.template_id
 WHERE d.id = :doc
   FOR UPDATE OF d
""")

# History rows, state and lines (when `seq` is newer than what is stored; only the lines that differ), in-app
# rows and outbox mails, in one statement. Every insert is keyed: a retried snapshot adds nothing twice.
_WRITE = text("""
WITH history AS (
    INSERT INTO approval_history (document_id, step_order, action, actor_id, on_behalf_of_id, comment, channel,
                                  ip, user_agent, details, idempotency_key, created_at)
    SELECT :doc, h.step_order, h.action, h.actor_id, h.on_behalf_of_id, h.comment, h.channel, h.ip, h.user_agent,
           CAST(h.details AS jsonb), h.idempotency_key, h.created_at
      FROM unnest(CAST(:h_step AS integer[]), CAST(:h_action AS text[]), CAST(:h_actor AS bigint[]),
                  CAST(:h_behalf AS bigint[]), CAST(:h_comment AS text[]), CAST(:h_channel AS text[]),
                  CAST(:h_ip AS text[]), CAST(:h_agent AS text[]), CAST(:h_details AS text[]),
                  CAST(:h_key AS text[]), CAST(:h_at AS timestamptz[]))
           AS h(step_order, action, actor_id, on_behalf_of_id, comment, channel, ip, user_agent, details,
                idempotency_key, created_at)
    ON CONFLICT (idempotency_key) DO NOTHING
), moved AS (
    UPDATE approval_documents
       SET projection_seq = :seq, status = :status, current_step = :current_step, updated_at = now(),
           completed_at = CASE WHEN :final THEN coalesce(completed_at, now()) ELSE completed_at END,
           document_number = coalesce(document_number, :number)
     WHERE id = :doc AND projection_seq < :seq
    RETURNING id
), lines AS (
    UPDATE approval_lines AS l
       SET status = v.status, acted_by_id = v.acted_by_id, on_behalf_of_id = v.on_behalf_of_id,
           comment = v.comment, acted_at = v.acted_at
      FROM moved,
           unnest(CAST(:l_step AS integer[]), CAST(:l_approver AS bigint[]), CAST(:l_status AS text[]),
                  CAST(:l_acted_by AS bigint[]), CAST(:l_behalf AS bigint[]), CAST(:l_comment AS text[]),
                  CAST(:l_at AS timestamptz[]))
           AS v(step_order, approver_id, status, acted_by_id, on_behalf_of_id, comment, acted_at)
     WHERE l.document_id = moved.id AND l.line_type IN ('approval', 'agreement')
       AND l.step_order = v.step_order AND l.approver_id = v.approver_id
       AND (l.status, l.acted_by_id, l.on_behalf_of_id, l.comment, l.acted_at)
           IS DISTINCT FROM (v.status, v.acted_by_id, v.on_behalf_of_id, v.comment, v.acted_at)
), inbox AS (
    INSERT INTO notifications (user_id, type, title, body, link, dedupe_key)
    SELECT * FROM unnest(CAST(:n_user AS bigint[]), CAST(:n_type AS text[]), CAST(:n_title AS text[]),
                         CAST(:n_body AS text[]), CAST(:n_link AS text[]), CAST(:n_key AS text[]))
    ON CONFLICT (dedupe_key) DO NOTHING
)
INSERT INTO notify_outbox (dedupe_key, user_id, document_id, event, step, comment, with_action_link, message_id)
SELECT o.dedupe_key, o.user_id, :doc, o.event, o.step, o.comment, o.with_action_link, o.message_id
  FROM unnest(CAST(:o_key AS text[]), CAST(:o_user AS bigint[]), CAST(:o_event AS text[]),
              CAST(:o_step AS integer[]), CAST(:o_comment AS text[]), CAST(:o_link AS boolean[]),
              CAST(:o_message_id AS text[]))
       AS o(dedupe_key, user_id, event, step, comment, with_action_link, message_id)
ON CONFLICT (dedupe_key) DO NOTHING
RETURNING id
""")

# A number assigned by a snapshot that is not newer than the stored state (a retry after the state moved on).
_NUMBER = text("UPDATE approval_documents SET document_number = :number WHERE id = :doc AND document_number IS NULL")

def _ts(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@dataclass
class Applied:
    document_number: str | None
    mails_queued: int = 0
    # Whose pending box may have changed: the snapshot's approvers and whoever acts for one of them today.
    audience: set[int] = field(default_factory=set)


async def apply(session: AsyncSession, snap: Projection) -> Applied:
    """Apply one snapshot in one transaction: state, history, document number (on final approval) and the
    snapshot's notifications."""
    notices = snap.notifications
    approvers = sorted({ln.approver_id for ln in snap.lines})
    doc = (await session.execute(_READ, {
        "doc": snap.document_id, "people": sorted(notify.audience(notices)) if notices else [],
        "approvers": approvers, "today": datetime.now(UTC).date(),
    })).one()
    number = None
    if snap.assign_number and doc.document_number is None:
        code = doc.template_code or doc.document_type
        number = await _next_number(session, code, doc.numbering_rule or "{code}-{yyyy}-{seq:06d}")
    newer = snap.seq > doc.projection_seq
    facts = notify.DocumentFacts(id=snap.document_id, author_id=doc.author_id, title=doc.title,
                                 document_number=doc.document_number or number)
    people = {p[0]: notify.Recipient(*p) for p in doc.people}
    rows = notify.build(facts, people, notices) if notices else notify.Notices({}, {})
    now = datetime.now(UTC)
    history, lines, in_app, mails = snap.history, snap.lines, rows.in_app, rows.mails
    params: dict[str, Any] = {
        "doc": snap.document_id, "seq": snap.seq, "status": snap.status, "current_step": snap.current_step,
        "final": snap.status in FINAL_STATUSES, "number": number,
        "h_step": [h.step for h in history], "h_action": [h.action for h in history],
        "h_actor": [h.actor_id for h in history], "h_behalf": [h.on_behalf_of for h in history],
        "h_comment": [h.comment for h in history], "h_channel": [h.channel for h in history],
        "h_ip": [h.ip for h in history], "h_agent": [h.user_agent for h in history],
        "h_details": [json.dumps(h.details) for h in history], "h_key": [h.key for h in history],
        "h_at": [_ts(h.at) or now for h in history],
        "l_step": [ln.step for ln in lines], "l_approver": [ln.approver_id for ln in lines],
        "l_status": [ln.status for ln in lines], "l_acted_by": [ln.acted_by for ln in lines],
        "l_behalf": [ln.on_behalf_of for ln in lines], "l_comment": [ln.comment for ln in lines],
        "l_at": [_ts(ln.acted_at) for ln in lines],
        **{f"n_{k}": in_app.get(column, []) for k, column in (
            ("user", "user_id"), ("type", "type"), ("title", "title"), ("body", "body"), ("link", "link"),
            ("key", "dedupe_key"))},
        **{f"o_{k}": mails.get(column, []) for k, column in (
            ("key", "dedupe_key"), ("user", "user_id"), ("event", "event"), ("step", "step"),
            ("comment", "comment"), ("link", "with_action_link"), ("message_id", "message_id"))},
    }
    queued = len((await session.execute(_WRITE, params)).all())
    if number is not None and not newer:
        await session.execute(_NUMBER, {"doc": snap.document_id, "number": number})
    await session.commit()
    return Applied(document_number=doc.document_number or number, mails_queued=queued,
                   audience=set(approvers) | set(doc.delegates))


async def _next_number(session: AsyncSession, code: str, rule: str) -> str:
    """`{code}-{yyyy}-{seq:06d}` style numbers from the template's rule; the counter row is locked by the
    upsert, so concurrent final approvals never share a number."""
    year = datetime.now(UTC).year
    value = (
        await session.execute(
            insert(DocumentNumberSequence)
            .values(template_code=code, year=year, last_value=1)
            .on_conflict_do_update(
                index_elements=["template_code", "year"],
                set_={"last_value": DocumentNumberSequence.last_value + 1},
            )
            .returning(DocumentNumberSequence.last_value)
        )
    ).scalar_one()
    return rule.format(code=code, yyyy=year, yy=year % 100, seq=value)
