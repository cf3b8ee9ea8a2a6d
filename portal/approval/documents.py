"""Approval documents in PostgreSQL: drafts, visibility, detail views, submission bookkeeping, resubmission."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import and_, bindparam, delete, exists, or_, select, text, update
from sqlalchemy.dialects.postgresql.psycopg import PGDialectAsync_psycopg
from sqlalchemy.ext.asyncio import AsyncSession

from portal.admin.schemas import SystemSettings
from portal.approval import forms, lines, templates
from portal.approval.models import (
    ApprovalAttachment,
    ApprovalDelegation,
    ApprovalDocument,
    ApprovalLine,
    ApprovalTemplate,
)
from portal.approval.schemas import (
    AttachmentOut,
    DocumentCreate,
    DocumentOut,
    DocumentUpdate,
    HistoryOut,
    LineIn,
    LineOut,
)
from portal.auth.permissions import Perm
from portal.common.context import Actor, ClientInfo
from portal.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from portal.db.session import driver_rows
from portal.settings import Settings
from portal.storage.backends import Storage
from workflows.approval_contracts import (
    APPROVED,
    APPROVED_LINE,
    IN_PROGRESS,
    ON_HOLD,
    PENDING,
    REJECTED,
    REJECTED_LINE,
    WAITING,
    WITHDRAWN,
    ApprovalInput,
    SlaPolicy,
    history_key,
)

log = logging.getLogger("portal.approval.documents")

DRAFT = "draft"
OPEN = (IN_PROGRESS, ON_HOLD)


async def get(session: AsyncSession, document_id: int, *, lock: bool = False) -> ApprovalDocument:
    stmt = select(ApprovalDocument).where(ApprovalDocument.id == document_id)
    doc = (await session.execute(stmt.with_for_update() if lock else stmt)).scalar_one_or_none()
    if doc is None:
        raise NotFound("document not found", code="DOCUMENT_NOT_FOUND", details={"id": document_id})
    return doc


def active_delegators(actor_id: Any, today: Any = None) -> Any:
    """Subquery: users who currently delegate their approvals to `actor_id` (a value or an SQL expression, as is
    `today`)."""
    today = today if today is not None else datetime.now(UTC).date()
    return select(ApprovalDelegation.delegator_id).where(
        ApprovalDelegation.delegate_id == actor_id, ApprovalDelegation.is_active.is_(True),
        ApprovalDelegation.starts_on <= today, ApprovalDelegation.ends_on >= today,
    )


def reads_through_line(actor_id: Any, today: Any = None) -> Any:
    """SQL condition: the actor, or someone they stand in for `today`, holds a line of the document that lets
    them read it: 결재, 합의 and 참조 always, 수신 once the document is approved (values or SQL expressions)."""
    return exists().where(
        ApprovalLine.document_id == ApprovalDocument.id,
        or_(ApprovalLine.approver_id == actor_id,
            ApprovalLine.approver_id.in_(active_delegators(actor_id, today))),
        or_(
            ApprovalLine.line_type.in_(("approval", "agreement", "reference")),
            and_(ApprovalLine.line_type == "receiver", ApprovalDocument.status == APPROVED),
        ),
    )


def visible_to(actor: Actor) -> Any:
    """SQL condition: the actor may read the document (author, on its line, delegate of someone on it)."""
    if actor.can(Perm.APPROVAL_ADMIN):
        return ApprovalDocument.id.is_not(None)
    return or_(ApprovalDocument.author_id == actor.id,
               and_(ApprovalDocument.status != DRAFT, reads_through_line(actor.id)))


async def get_visible(session: AsyncSession, actor: Actor, document_id: int) -> ApprovalDocument:
    doc = await get(session, document_id)
    allowed = (
        await session.execute(select(ApprovalDocument.id).where(ApprovalDocument.id == doc.id, visible_to(actor)))
    ).first()
    if allowed is None:
        raise Forbidden("you may not read this document", code="DOCUMENT_FORBIDDEN")
    return doc


def own_draft(doc: ApprovalDocument, actor: Actor) -> None:
    if doc.author_id != actor.id:
        raise Forbidden("only the drafter can change this document", code="NOT_DRAFTER")
    if doc.status != DRAFT:
        raise Conflict("only drafts can be changed", code="NOT_A_DRAFT", details={"status": doc.status})


async def create_draft(session: AsyncSession, actor: Actor, data: DocumentCreate) -> ApprovalDocument:
    template = await templates.get_by_code(session, data.template_code)
    if not template.is_active:
        raise ValidationFailed("this template is retired", code="TEMPLATE_INACTIVE")
    form_data = forms.validate_data(template.form_schema, data.form_data, complete=False)
    line = data.line or await lines.default_line(session, actor.id, template)
    if data.line is not None:
        await lines.check_known(session, data.line)
    doc = ApprovalDocument(
        template_id=template.id, author_id=actor.id, document_type=template.code, title=data.title,
        content=data.content, form_data=form_data, line_spec=lines.collapse(line).model_dump(), status=DRAFT,
    )
    session.add(doc)
    await session.commit()
    return doc


async def update_draft(session: AsyncSession, actor: Actor, document_id: int, data: DocumentUpdate) -> ApprovalDocument:
    doc = await get(session, document_id, lock=True)
    own_draft(doc, actor)
    template = await templates.get(session, doc.template_id) if doc.template_id else None
    if data.title is not None:
        doc.title = data.title
    if data.content is not None:
        doc.content = data.content
    if data.form_data is not None and template is not None:
        doc.form_data = forms.validate_data(template.form_schema, data.form_data, complete=False)
    if data.line is not None:
        await lines.check_known(session, data.line)
        doc.line_spec = lines.collapse(data.line).model_dump()
    await session.commit()
    return doc


async def delete_draft(session: AsyncSession, storage: Storage, actor: Actor, document_id: int) -> None:
    """The draft and its attachments: rows first (committed), then the stored files, whose removal a failing
    store only logs (an orphaned file is garbage, a half-deleted draft would be an error)."""
    doc = await get(session, document_id, lock=True)
    own_draft(doc, actor)
    keys = (await session.execute(
        select(ApprovalAttachment.storage_key).where(ApprovalAttachment.document_id == doc.id))).scalars().all()
    await session.delete(doc)
    await session.commit()
    for key in keys:
        try:
            await storage.delete(key)
        except Exception:  # noqa: BLE001 (any store error: the draft is gone either way)
            log.warning("could not remove a deleted draft's attachment from the store", extra={"key": key},
                        exc_info=True)


# A submission's line rows, in the line's order (ids ascending as the detail lists them), and its history row.
_SUBMITTED = text("""
WITH history AS (
    INSERT INTO approval_history (document_id, action, actor_id, channel, ip, user_agent, details, idempotency_key)
    VALUES (:doc, 'submitted', :actor, :channel, :ip, :agent, CAST('{}' AS jsonb), :key)
)
INSERT INTO approval_lines (document_id, step_order, line_type, approver_id, group_rule, required_count, status)
SELECT :doc, v.step_order, v.line_type, v.approver_id, v.group_rule, v.required_count, v.status
  FROM unnest(CAST(:l_step AS integer[]), CAST(:l_type AS text[]), CAST(:l_approver AS bigint[]),
              CAST(:l_rule AS text[]), CAST(:l_required AS integer[]), CAST(:l_status AS text[]))
       WITH ORDINALITY AS v(step_order, line_type, approver_id, group_rule, required_count, status, n)
 ORDER BY v.n
""")


async def prepare_submission(
    session: AsyncSession, actor: Actor, document_id: int, *, workflow_id: str, client: ClientInfo,
    settings: Settings,
) -> ApprovalInput:
    """Validate a draft completely, write its line rows and in-progress status (not yet committed: the
    caller commits only once the workflow has started). The document row stays locked meanwhile."""
    from portal.admin import service as system  # local: admin builds on approval for statistics

    found = (await session.execute(  # the draft, locked, its template and the system settings in one round trip
        select(ApprovalDocument, ApprovalTemplate, system.stored_value())
        .outerjoin(ApprovalTemplate, ApprovalTemplate.id == ApprovalDocument.template_id)
        .where(ApprovalDocument.id == document_id).with_for_update(of=ApprovalDocument)
    )).first()
    if found is None:
        raise NotFound("document not found", code="DOCUMENT_NOT_FOUND", details={"id": document_id})
    doc, template, stored_settings = found
    own_draft(doc, actor)
    if template is None or not template.is_active:
        raise ValidationFailed("this template is retired", code="TEMPLATE_INACTIVE")
    form_data = forms.validate_data(template.form_schema, doc.form_data, complete=True)
    line, finalizing = await lines.validate(session, actor.id, LineIn.model_validate(doc.line_spec), template)
    steps = lines.workflow_steps(line, finalizing)
    await session.execute(delete(ApprovalLine).where(ApprovalLine.document_id == doc.id))
    rows: list[tuple[int, str, int, str | None, int | None, str]] = [  # step, kind, approver, rule, required, status
        (index, step.kind, approver, step.rule if step.kind == "agreement" else None,
         step.required if step.kind == "agreement" else None, PENDING if index == 0 else WAITING)
        for index, step in enumerate(line.steps) for approver in step.approvers
    ]
    rows += [(0, kind, uid, None, None, "notified")
             for kind, members in (("reference", line.references), ("receiver", line.receivers))
             for uid in dict.fromkeys(members)]
    # The line rows and the `submitted` history row in one statement. The workflow projects the same history row
    # under the same key; whichever comes second inserts nothing.
    await session.execute(_SUBMITTED, {
        "doc": doc.id, "actor": actor.id, "channel": client.channel, "ip": client.ip,
        "agent": client.user_agent[:500] if client.user_agent else None,
        "key": history_key(workflow_id, "submitted"),
        **{name: [r[i] for r in rows] for i, name in enumerate(
            ("l_step", "l_type", "l_approver", "l_rule", "l_required", "l_status"))},
    })
    # The document's own UPDATE returns the row as stored (server-side timestamps) into the session's object, for
    # the answer: one round trip instead of a flush and a read.
    await session.execute(
        update(ApprovalDocument).where(ApprovalDocument.id == doc.id).values(
            form_data=form_data, line_spec=line.model_dump(), status=IN_PROGRESS, current_step=0,
            submitted_at=datetime.now(UTC), workflow_id=workflow_id,
        ).returning(ApprovalDocument),
        execution_options={"populate_existing": True},
    )
    return ApprovalInput(
        document_id=doc.id, drafter_id=actor.id, template_code=template.code, title=doc.title, steps=steps,
        references=list(dict.fromkeys(line.references)), receivers=list(dict.fromkeys(line.receivers)),
        sla=lines.sla_policy(template, _sla_defaults(system.in_force(stored_settings, settings))),
    )


def _sla_defaults(system_settings: SystemSettings) -> SlaPolicy:
    sla = system_settings.sla
    return SlaPolicy(reminder_after_seconds=sla.reminder_hours * 3600.0,
                     escalate_after_seconds=sla.escalation_hours * 3600.0)


async def resubmit(session: AsyncSession, actor: Actor, document_id: int) -> ApprovalDocument:
    """재기안: a new draft version linked to the rejected (or withdrawn) one, ready to edit and submit. The old row
    is locked, so concurrent requests make one new version, not one each."""
    old = await get(session, document_id, lock=True)
    if old.author_id != actor.id:
        raise Forbidden("only the drafter can resubmit", code="NOT_DRAFTER")
    if old.status not in (REJECTED, WITHDRAWN):
        raise Conflict("only rejected or withdrawn documents can be resubmitted", code="NOT_RESUBMITTABLE",
                       details={"status": old.status})
    newer = await session.execute(select(ApprovalDocument.id).where(ApprovalDocument.previous_version_id == old.id))
    if newer.first():
        raise Conflict("this document was already resubmitted", code="ALREADY_RESUBMITTED")
    doc = ApprovalDocument(
        template_id=old.template_id, author_id=actor.id, document_type=old.document_type, title=old.title,
        content=old.content, form_data=old.form_data, line_spec=old.line_spec, status=DRAFT,
        version=old.version + 1, previous_version_id=old.id,
    )
    session.add(doc)
    await session.commit()
    return doc


# --- reading ------------------------------------------------------------------------------------------

# Everything a detail view needs besides the document row, in one statement and one round trip, as one JSON text
# that pydantic parses and validates in one pass (`_Read`): the line (lines by type, step, id), the history (oldest
# first) with the names of who acted and for whom, the attachments, the drafter's name; while the document is open
# (`open`), who the reader stands in for today; while it is in progress (`acting`), the template's line rule and
# those of the pending step's approvers the reader acts for, with whether each holds `approval:finalize` (as
# `lines.holds_finalize_sql`), so that 전결 can be offered. Timestamps come as PostgreSQL writes them in JSON (ISO 8601
# with the session's offset), which pydantic reads into the same instants and renders exactly as before.
_DELEGATORS = active_delegators(bindparam("actor"), bindparam("today")).compile(dialect=PGDialectAsync_psycopg())
_READ = f"""
WITH delegators AS (SELECT d.delegator_id FROM ({_DELEGATORS}) d WHERE %(open)s)
SELECT json_build_object(
    'author_name', (SELECT u.name FROM users u WHERE u.id = %(author)s),
    'lines', (SELECT coalesce(json_agg(json_build_object(
                  'line_type', l.line_type, 'step_order', l.step_order, 'approver_id', l.approver_id,
                  'approver_name', u.name, 'group_rule', l.group_rule, 'required_count', l.required_count,
                  'status', l.status, 'comment', l.comment, 'acted_by_id', l.acted_by_id,
                  'on_behalf_of_id', l.on_behalf_of_id, 'acted_at', l.acted_at)
                  ORDER BY l.line_type, l.step_order, l.id), '[]')
                FROM approval_lines l LEFT JOIN users u ON u.id = l.approver_id
               WHERE l.document_id = %(doc)s),
    'history', (SELECT coalesce(json_agg(json_build_object(
                    'id', h.id, 'step_order', h.step_order, 'action', h.action, 'actor_id', h.actor_id,
                    'actor_name', a.name, 'on_behalf_of_id', h.on_behalf_of_id, 'on_behalf_of_name', b.name,
                    'comment', h.comment, 'channel', h.channel, 'details', h.details, 'created_at', h.created_at)
                    ORDER BY h.created_at, h.id), '[]')
                  FROM approval_history h LEFT JOIN users a ON a.id = h.actor_id
                       LEFT JOIN users b ON b.id = h.on_behalf_of_id
                 WHERE h.document_id = %(doc)s),
    'attachments', (SELECT coalesce(json_agg(json_build_object(
                        'id', f.id, 'filename', f.filename, 'content_type', f.content_type,
                        'size_bytes', f.size_bytes, 'sha256', f.sha256, 'created_at', f.created_at)
                        ORDER BY f.id), '[]')
                      FROM approval_attachments f WHERE f.document_id = %(doc)s),
    'delegators', (SELECT coalesce(json_agg(delegator_id), '[]') FROM delegators),
    'line_rule', (SELECT t.line_rule FROM approval_templates t WHERE %(acting)s AND t.id = %(template)s),
    'candidates', (SELECT coalesce(json_agg(json_build_array(u.id, u.position, {lines.holds_finalize_sql("u.id")})),
                          '[]')
                     FROM approval_lines l JOIN users u ON u.id = l.approver_id
                    WHERE %(acting)s AND l.document_id = %(doc)s AND l.line_type IN ('approval', 'agreement')
                      AND l.status = %(pending)s AND l.step_order = %(step)s
                      AND (l.approver_id = %(actor)s OR l.approver_id IN (SELECT delegator_id FROM delegators)))
)::text
"""


class _Read(BaseModel):
    """`_READ`'s answer."""

    author_name: str | None
    lines: list[LineOut]
    history: list[HistoryOut]
    attachments: list[AttachmentOut]
    delegators: list[int]
    line_rule: dict[str, Any] | None  # None: not in progress, or no template
    candidates: list[tuple[int, str | None, bool]]  # pending approvers the reader acts for: id, position, 전결 right


async def detail(session: AsyncSession, actor: Actor, doc: ApprovalDocument) -> DocumentOut:
    if session.new or session.dirty or session.deleted:
        await session.flush()  # the statement below is not the ORM's: nothing is flushed for it
    conn = await session.connection()
    (found,), = await driver_rows(conn, _READ, {
        "doc": doc.id, "author": doc.author_id, "actor": actor.id, "today": datetime.now(UTC).date(),
        "open": doc.status in OPEN, "acting": doc.status == IN_PROGRESS and doc.template_id is not None,
        "template": doc.template_id, "step": doc.current_step, "pending": PENDING,
    })
    read = _Read.model_validate_json(found)
    finalizing = lines.finalizing(read.line_rule, read.candidates) if read.line_rule is not None else set()
    return DocumentOut.model_validate(doc).model_copy(update={
        "author_name": read.author_name, "lines": read.lines, "history": read.history,
        "attachments": read.attachments,
        "allowed_actions": allowed_actions(actor.id, doc, read.lines, read.history, {actor.id, *read.delegators},
                                           finalizing),
    })


def allowed_actions(
    actor_id: int, doc: ApprovalDocument, line_rows: Sequence[LineOut], history: Sequence[HistoryOut],
    acting_for: set[int], finalizing: set[int],
) -> list[str]:
    """What the UI should offer this user now; the workflow's validators stay the authority. `acting_for`: the
    user and whoever they stand in for today (read only while the document is open); `finalizing`: those of the
    pending step's approvers the user acts for who may give final approval (전결)."""
    mine = doc.author_id == actor_id
    if doc.status == DRAFT:
        return ["edit", "delete", "submit"] if mine else []
    if doc.status in (REJECTED, WITHDRAWN):
        return ["resubmit"] if mine else []
    if doc.status not in OPEN:
        return []
    result: list[str] = []
    steps = [ln for ln in line_rows if ln.line_type in ("approval", "agreement")]
    pending = [ln for ln in steps if ln.status == PENDING and ln.step_order == doc.current_step]
    if doc.status == IN_PROGRESS and any(ln.approver_id in acting_for for ln in pending):
        result += ["approve", "reject", "hold"]
        if any(ln.approver_id in finalizing for ln in pending if ln.approver_id in acting_for):
            result.append("final_approve")
    if doc.status == ON_HOLD:
        held = [h for h in history if h.action in ("held", "resumed")]
        if held and held[-1].action == "held" and (held[-1].on_behalf_of_id or held[-1].actor_id) in acting_for:
            result.append("resume")
    if mine and not any(ln.status in (APPROVED_LINE, REJECTED_LINE) for ln in steps):
        result.append("withdraw")
    current = doc.current_step or 0
    current_untouched = all(ln.status in (PENDING, WAITING) for ln in steps if ln.step_order == current)
    for ln in steps:
        if ln.approver_id in acting_for and ln.status == APPROVED_LINE and doc.status == IN_PROGRESS and (
            (ln.step_order == current - 1 and current_untouched) or ln.step_order == current
        ):
            result.append("cancel_approval")
            break
    return result
