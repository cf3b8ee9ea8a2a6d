"""`/api/v1/approval`: templates, documents and their actions, boxes and delegations."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response, UploadFile
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.deps import ClientDep, CurrentUser, PageDep, RedisDep, SessionDep, StateDep, require
from api.downloads import serve_attachment
from portal.approval import actions, attachments, boxes, comments, delegations, documents, lines, templates
from portal.approval.models import ApprovalDocument
from portal.approval.schemas import (
    ActionIn,
    ActionOut,
    ApprovalCommentIn,
    ApprovalCommentOut,
    AttachmentOut,
    BoxName,
    DelegationIn,
    DelegationOut,
    DocumentCreate,
    DocumentOut,
    DocumentSummary,
    DocumentUpdate,
    LineIn,
    TemplateIn,
    TemplateOut,
    TemplateUpdate,
)
from portal.auth.permissions import Perm
from portal.common.context import ClientInfo
from portal.common.schemas import Envelope, PageEnvelope, ok
from portal.users.models import User
from temporal import approval as engine
from workflows.approval_contracts import ActionInput

router = APIRouter(prefix="/approval", tags=["approval"])
Employee = Annotated[CurrentUser, Depends(require(Perm.APPROVAL_USE))]
Admin = Annotated[CurrentUser, Depends(require(Perm.APPROVAL_ADMIN))]
Id = Annotated[int, Path(ge=1, le=2**62)]


# --- templates ----------------------------------------------------------------------------------------


@router.get("/templates", operation_id="approval_templates_list", response_model=Envelope[list[TemplateOut]])
async def list_templates(
    user: Employee, session: SessionDep, include_inactive: bool = False
) -> Envelope[list[TemplateOut]]:
    rows = await templates.get_all(session, include_inactive=include_inactive and user.actor.can(Perm.APPROVAL_ADMIN))
    return ok([TemplateOut.model_validate(t) for t in rows])


@router.get("/templates/{template_id}", operation_id="approval_templates_get", response_model=Envelope[TemplateOut])
async def get_template(template_id: Id, user: Employee, session: SessionDep) -> Envelope[TemplateOut]:
    return ok(TemplateOut.model_validate(await templates.get(session, template_id)))


@router.post(
    "/templates", operation_id="approval_templates_create", response_model=Envelope[TemplateOut], status_code=201
)
async def create_template(
    body: TemplateIn, user: Admin, session: SessionDep, client: ClientDep
) -> Envelope[TemplateOut]:
    return ok(TemplateOut.model_validate(await templates.create(session, user.actor, body, client)), "template created")


@router.put("/templates/{template_id}", operation_id="approval_templates_update", response_model=Envelope[TemplateOut])
async def update_template(
    template_id: Id, body: TemplateUpdate, user: Admin, session: SessionDep, client: ClientDep
) -> Envelope[TemplateOut]:
    return ok(TemplateOut.model_validate(await templates.update(session, user.actor, template_id, body, client)))


@router.delete(
    "/templates/{template_id}", operation_id="approval_templates_deactivate", response_model=Envelope[TemplateOut]
)
async def deactivate_template(
    template_id: Id, user: Admin, session: SessionDep, client: ClientDep
) -> Envelope[TemplateOut]:
    """Retires the template (documents keep pointing at it)."""
    return ok(TemplateOut.model_validate(await templates.deactivate(session, user.actor, template_id, client)))


@router.get("/default-line", operation_id="approval_default_line", response_model=Envelope[LineIn])
async def default_line(
    user: Employee,
    session: SessionDep,
    template_code: Annotated[str, Query(pattern=r"^[A-Z][A-Z0-9_]{1,19}$")],
) -> Envelope[LineIn]:
    """The line the org chart suggests for a new draft of this template (the drafter may edit it)."""
    template = await templates.get_by_code(session, template_code)
    return ok(await lines.default_line(session, user.id, template))


# --- documents ----------------------------------------------------------------------------------------


async def _summaries(session: AsyncSession, docs: Sequence[ApprovalDocument]) -> list[DocumentSummary]:
    """List rows with their drafter's name, read in one query for the whole page."""
    ids = {d.author_id for d in docs}
    names = dict((await session.execute(select(User.id, User.name).where(User.id.in_(ids)))).all()) if ids else {}
    return [DocumentSummary.model_validate(d).model_copy(update={"author_name": names.get(d.author_id)})
            for d in docs]


@router.get("/documents", operation_id="approval_documents_list", response_model=PageEnvelope[DocumentSummary])
async def list_documents(
    user: Employee,
    session: SessionDep,
    page: PageDep,
    status: Annotated[str | None, Query(pattern=r"^[a-z_]{1,20}$")] = None,
) -> PageEnvelope[DocumentSummary]:
    """Every document the user may read (drafted, on the line, delegated)."""
    rows, pagination = await boxes.list_visible(session, user.actor, page, status=status)
    return PageEnvelope[DocumentSummary](data=await _summaries(session, rows), pagination=pagination)


@router.post(
    "/documents", operation_id="approval_documents_create", response_model=Envelope[DocumentOut], status_code=201
)
async def create_document(body: DocumentCreate, user: Employee, session: SessionDep) -> Envelope[DocumentOut]:
    doc = await documents.create_draft(session, user.actor, body)
    return ok(await documents.detail(session, user.actor, doc), "draft saved")


@router.get("/documents/{document_id}", operation_id="approval_documents_get", response_model=Envelope[DocumentOut])
async def get_document(document_id: Id, user: Employee, session: SessionDep) -> Envelope[DocumentOut]:
    doc = await documents.get_visible(session, user.actor, document_id)
    return ok(await documents.detail(session, user.actor, doc))


@router.get("/documents/{document_id}/comments", operation_id="approval_comments_list",
            response_model=Envelope[list[ApprovalCommentOut]])
async def list_comments(document_id: Id, user: Employee, session: SessionDep,
                        ) -> Envelope[list[ApprovalCommentOut]]:
    """Free comments (의견), oldest first; the comments given with actions are in the document's history."""
    return ok(await comments.list_for(session, user.actor, document_id))


@router.post("/documents/{document_id}/comments", operation_id="approval_comments_add",
             response_model=Envelope[ApprovalCommentOut], status_code=201)
async def add_comment(document_id: Id, body: ApprovalCommentIn, user: Employee, session: SessionDep,
                      client: ClientDep) -> Envelope[ApprovalCommentOut]:
    """Anyone who may read a submitted document may comment; the drafter and the current approvers are told."""
    return ok(await comments.add(session, user.actor, document_id, body.content, client), "comment added")


@router.delete("/documents/{document_id}/comments/{comment_id}", operation_id="approval_comments_delete",
               response_model=Envelope[None])
async def delete_comment(document_id: Id, comment_id: Id, user: Employee, session: SessionDep,
                         client: ClientDep) -> Envelope[None]:
    await comments.delete(session, user.actor, document_id, comment_id, client)
    return ok(None, "comment deleted")


@router.put("/documents/{document_id}", operation_id="approval_documents_update", response_model=Envelope[DocumentOut])
async def update_document(
    document_id: Id, body: DocumentUpdate, user: Employee, session: SessionDep
) -> Envelope[DocumentOut]:
    doc = await documents.update_draft(session, user.actor, document_id, body)
    return ok(await documents.detail(session, user.actor, doc), "draft saved")


@router.delete("/documents/{document_id}", operation_id="approval_documents_delete", response_model=Envelope[None])
async def delete_document(document_id: Id, user: Employee, session: SessionDep, state: StateDep) -> Envelope[None]:
    await documents.delete_draft(session, state.storage, user.actor, document_id)
    return ok(None, "draft deleted")


@router.post(
    "/documents/{document_id}/submit", operation_id="approval_documents_submit", response_model=Envelope[DocumentOut]
)
async def submit_document(
    document_id: Id, user: Employee, session: SessionDep, state: StateDep, client: ClientDep
) -> Envelope[DocumentOut]:
    """상신: validates the form and the line, snapshots the line and starts the approval workflow."""
    workflow = engine.workflow_id(document_id, state.settings.temporal_prefix)
    inp = await documents.prepare_submission(
        session, user.actor, document_id, workflow_id=workflow, client=client, settings=state.settings
    )
    # The answer is read inside the submission's transaction, as it will be committed: no second transaction. The
    # row as stored (server-side timestamps, JSON as PostgreSQL returns it) came back with its UPDATE.
    doc = await session.get(ApprovalDocument, document_id)
    assert doc is not None  # in the session since prepare_submission locked it
    out = await documents.detail(session, user.actor, doc)
    # The draft row stays locked until the run has started; a failure rolls it back untouched.
    await engine.start(await state.temporal(), inp, workflow_id=workflow, prefix=state.settings.temporal_prefix)
    await session.commit()
    return ok(out, "submitted")


@router.post(
    "/documents/{document_id}/resubmit",
    operation_id="approval_documents_resubmit",
    response_model=Envelope[DocumentOut],
    status_code=201,
)
async def resubmit_document(document_id: Id, user: Employee, session: SessionDep) -> Envelope[DocumentOut]:
    """재기안: a new draft version linked to the rejected or withdrawn document."""
    doc = await documents.resubmit(session, user.actor, document_id)
    return ok(await documents.detail(session, user.actor, doc), "new version drafted")


async def _act(
    action: Literal["approve", "reject", "withdraw", "hold", "resume", "cancel_approval"],
    document_id: int,
    body: ActionIn,
    user: CurrentUser,
    state: StateDep,
    client: ClientInfo,
) -> Envelope[ActionOut]:
    # One read on the autocommit read engine (no BEGIN/ROLLBACK), released before a possibly long update.
    async with state.reads.connect() as conn:
        target = await actions.target(conn, user.actor, document_id, action)
    result = await engine.act(
        await state.temporal(),
        target.workflow_id,
        action,
        ActionInput(
            actor_id=user.id,
            expected_step=body.expected_step,
            comment=body.comment,
            on_behalf_of=target.on_behalf_of,
            final=body.final and action == "approve",
            channel="web",
            ip=client.ip,
            user_agent=(client.user_agent or "")[:500] or None,
        ),
    )
    return ok(ActionOut.model_validate(result, from_attributes=True))


def _action_route(
    action: Literal["approve", "reject", "withdraw", "hold", "resume", "cancel_approval"], path: str, summary: str
) -> None:
    async def endpoint(
        document_id: Id, body: ActionIn, user: Employee, state: StateDep, client: ClientDep
    ) -> Envelope[ActionOut]:
        return await _act(action, document_id, body, user, state, client)

    endpoint.__doc__ = summary
    router.add_api_route(
        f"/documents/{{document_id}}/{path}",
        endpoint,
        methods=["POST"],
        operation_id=f"approval_documents_{action}",
        response_model=Envelope[ActionOut],
        summary=summary.split(".")[0],
    )


_action_route("approve", "approve", "승인. With `final: true`, 전결 by a holder of that authority.")
_action_route("reject", "reject", "반려 (comment required). Ends the run; the drafter may resubmit.")
_action_route("withdraw", "withdraw", "회수 by the drafter, until the first approver acts.")
_action_route("hold", "hold", "보류 by the current approver; pauses the SLA timers.")
_action_route("resume", "resume", "보류 해제 by the approver who held the document.")
_action_route("cancel_approval", "cancel-approval", "결재취소: undo one's approval before the next approver acts.")


# --- boxes --------------------------------------------------------------------------------------------


@router.get("/pending", operation_id="approval_pending", response_model=PageEnvelope[DocumentSummary])
async def pending(user: Employee, session: SessionDep, page: PageDep) -> PageEnvelope[DocumentSummary]:
    """Documents waiting for my action (or for someone whose approvals are delegated to me today)."""
    rows, pagination = await boxes.list_box(session, user.actor, "pending", page)
    return PageEnvelope[DocumentSummary](data=await _summaries(session, rows), pagination=pagination)


@router.get("/boxes", operation_id="approval_box_counts", response_model=Envelope[dict[str, int]])
async def box_counts(user: Employee, session: SessionDep) -> Envelope[dict[str, int]]:
    return ok(await boxes.counts(session, user.actor))


@router.get("/boxes/{box}", operation_id="approval_box_list", response_model=PageEnvelope[DocumentSummary])
async def box(box: BoxName, user: Employee, session: SessionDep, page: PageDep) -> PageEnvelope[DocumentSummary]:
    rows, pagination = await boxes.list_box(session, user.actor, box, page)
    return PageEnvelope[DocumentSummary](data=await _summaries(session, rows), pagination=pagination)


# --- delegations --------------------------------------------------------------------------------------


@router.get("/delegations", operation_id="approval_delegations_list", response_model=Envelope[list[DelegationOut]])
async def list_delegations(user: Employee, session: SessionDep) -> Envelope[list[DelegationOut]]:
    return ok([DelegationOut.model_validate(d) for d in await delegations.get_all(session, user.actor)])


@router.post(
    "/delegations", operation_id="approval_delegations_create", response_model=Envelope[DelegationOut], status_code=201
)
async def create_delegation(
    body: DelegationIn, user: Employee, session: SessionDep, client: ClientDep, redis: RedisDep
) -> Envelope[DelegationOut]:
    row = await delegations.create(session, user.actor, body, client)
    await boxes.pending_changed(redis, [row.delegate_id])  # the delegate's pending box now shows ours
    return ok(DelegationOut.model_validate(row), "delegation created")


@router.delete(
    "/delegations/{delegation_id}", operation_id="approval_delegations_revoke", response_model=Envelope[None]
)
async def revoke_delegation(
    delegation_id: Id, user: Employee, session: SessionDep, client: ClientDep, redis: RedisDep
) -> Envelope[None]:
    delegate_id = await delegations.revoke(session, user.actor, delegation_id, client)
    await boxes.pending_changed(redis, [delegate_id])
    return ok(None, "delegation revoked")


# --- attachments --------------------------------------------------------------------------------------


@router.post(
    "/documents/{document_id}/attachments",
    operation_id="approval_attachments_add",
    response_model=Envelope[AttachmentOut],
    status_code=201,
)
async def add_attachment(
    document_id: Id, file: UploadFile, user: Employee, session: SessionDep, state: StateDep
) -> Envelope[AttachmentOut]:
    """Drafts only, by the drafter. Size-limited; the content must match an accepted type (PDF, images,
    Office and 한글 documents, ZIP, plain text)."""
    row = await attachments.add(session, state.storage, state.settings, user.actor, document_id, file)
    return ok(AttachmentOut.model_validate(row), "attached")


@router.head("/attachments/{attachment_id}", include_in_schema=False)
@router.get("/attachments/{attachment_id}", operation_id="approval_attachments_download",
            response_class=Response, responses={200: {"content": {"application/octet-stream": {}}}})
async def download_attachment(
    attachment_id: Id, request: Request, user: Employee, session: SessionDep, state: StateDep
) -> Response:
    """The file, for anyone who may read its document; served as a download, never rendered inline."""
    row = await attachments.get_readable(session, user.actor, attachment_id)
    return await serve_attachment(request, state.storage, row.storage_key, row.content_type, row.filename)


@router.delete("/attachments/{attachment_id}", operation_id="approval_attachments_delete",
               response_model=Envelope[None])
async def delete_attachment(attachment_id: Id, user: Employee, session: SessionDep, state: StateDep) -> Envelope[None]:
    await attachments.remove(session, state.storage, user.actor, attachment_id)
    return ok(None, "attachment removed")
