"""Approval documents in PostgreSQL: drafts, visibility, detail views, submission bookkeeping, resubmission."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, delete, exists, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from portal.approval import forms, lines, templates
from portal.approval.models import (
    ApprovalAttachment,
    ApprovalDelegation,
    ApprovalDocument,
    ApprovalHistory,
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
from portal.settings import Settings
from portal.users.models import User
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
        doc.line_spec = lines.collapse(data.line).model_dump()
    await session.commit()
    return doc


async def delete_draft(session: AsyncSession, actor: Actor, document_id: int) -> None:
    doc = await get(session, document_id, lock=True)
    own_draft(doc, actor)
    await session.delete(doc)
    await session.commit()


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
    found = (await session.execute(  # the draft, locked, and its template in one round trip
        select(ApprovalDocument, ApprovalTemplate).outerjoin(ApprovalTemplate,
                                                             ApprovalTemplate.id == ApprovalDocument.template_id)
        .where(ApprovalDocument.id == document_id).with_for_update(of=ApprovalDocument)
    )).first()
    if found is None:
        raise NotFound("document not found", code="DOCUMENT_NOT_FOUND", details={"id": document_id})
    doc, template = found
    own_draft(doc, actor)
    if template is None or not template.is_active:
        raise ValidationFailed("this template is retired", code="TEMPLATE_INACTIVE")
    doc.form_data = forms.validate_data(template.form_schema, doc.form_data, complete=True)
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
    doc.line_spec = line.model_dump()
    doc.status, doc.current_step = IN_PROGRESS, 0
    doc.submitted_at = datetime.now(UTC)
    doc.workflow_id = workflow_id
    # The line rows and the `submitted` history row in one statement (a plain SQL statement does not autoflush: the
    # document's own UPDATE is flushed just after). The workflow projects the same history row under the same key;
    # whichever comes second inserts nothing.
    await session.execute(_SUBMITTED, {
        "doc": doc.id, "actor": actor.id, "channel": client.channel, "ip": client.ip,
        "agent": client.user_agent[:500] if client.user_agent else None,
        "key": history_key(workflow_id, "submitted"),
        **{name: [r[i] for r in rows] for i, name in enumerate(
            ("l_step", "l_type", "l_approver", "l_rule", "l_required", "l_status"))},
    })
    await session.flush()
    return ApprovalInput(
        document_id=doc.id, drafter_id=actor.id, template_code=template.code, title=doc.title, steps=steps,
        references=list(dict.fromkeys(line.references)), receivers=list(dict.fromkeys(line.receivers)),
        sla=lines.sla_policy(template, await _sla_defaults(session, settings)),
    )


async def _sla_defaults(session: AsyncSession, settings: Settings) -> SlaPolicy:
    from portal.admin import service as system  # local: admin builds on approval for statistics

    sla = (await system.effective(session, settings)).sla
    return SlaPolicy(reminder_after_seconds=sla.reminder_hours * 3600.0,
                     escalate_after_seconds=sla.escalation_hours * 3600.0)


async def resubmit(session: AsyncSession, actor: Actor, document_id: int) -> ApprovalDocument:
    """재기안: a new draft version linked to the rejected (or withdrawn) one, ready to edit and submit."""
    old = await get(session, document_id)
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

async def _names(session: AsyncSession, ids: set[int]) -> dict[int, str]:
    ids.discard(0)
    if not ids:
        return {}
    rows = await session.execute(select(User.id, User.name).where(User.id.in_(ids)))
    return {row.id: row.name for row in rows}


async def detail(session: AsyncSession, actor: Actor, doc: ApprovalDocument) -> DocumentOut:
    line_rows = (await session.execute(
        select(ApprovalLine).where(ApprovalLine.document_id == doc.id)
        .order_by(ApprovalLine.line_type, ApprovalLine.step_order, ApprovalLine.id)
    )).scalars().all()
    history_rows = (await session.execute(
        select(ApprovalHistory).where(ApprovalHistory.document_id == doc.id)
        .order_by(ApprovalHistory.created_at, ApprovalHistory.id)
    )).scalars().all()
    ids = {doc.author_id} | {ln.approver_id for ln in line_rows} | {h.actor_id or 0 for h in history_rows} \
        | {h.on_behalf_of_id or 0 for h in history_rows}
    names = await _names(session, ids)
    out = DocumentOut.model_validate(doc).model_copy(update={
        "author_name": names.get(doc.author_id),
        "lines": [LineOut.model_validate(ln).model_copy(update={"approver_name": names.get(ln.approver_id)})
                  for ln in line_rows],
        "history": [HistoryOut.model_validate(h).model_copy(update={
            "actor_name": names.get(h.actor_id or 0), "on_behalf_of_name": names.get(h.on_behalf_of_id or 0)})
            for h in history_rows],
    })
    out.allowed_actions = await allowed_actions(session, actor, doc, list(line_rows), list(history_rows))
    attached = await session.execute(
        select(ApprovalAttachment).where(ApprovalAttachment.document_id == doc.id).order_by(ApprovalAttachment.id)
    )
    out.attachments = [AttachmentOut.model_validate(a) for a in attached.scalars()]
    return out


async def allowed_actions(
    session: AsyncSession, actor: Actor, doc: ApprovalDocument, line_rows: list[ApprovalLine],
    history: list[ApprovalHistory],
) -> list[str]:
    """What the UI should offer this user now; the workflow's validators stay the authority."""
    mine = doc.author_id == actor.id
    if doc.status == DRAFT:
        return ["edit", "delete", "submit"] if mine else []
    if doc.status in (REJECTED, WITHDRAWN):
        return ["resubmit"] if mine else []
    if doc.status not in OPEN:
        return []
    result: list[str] = []
    delegators = set((await session.execute(active_delegators(actor.id))).scalars())
    acting_for = {actor.id} | delegators
    steps = [ln for ln in line_rows if ln.line_type in ("approval", "agreement")]
    pending = [ln for ln in steps if ln.status == PENDING and ln.step_order == doc.current_step]
    if doc.status == IN_PROGRESS and any(ln.approver_id in acting_for for ln in pending):
        result += ["approve", "reject", "hold"]
        template = await session.get(ApprovalTemplate, doc.template_id) if doc.template_id else None
        if template is not None:
            who = [ln.approver_id for ln in pending if ln.approver_id in acting_for]
            if await lines.finalizers(session, template, who):
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
