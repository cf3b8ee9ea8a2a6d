"""Email action links: GET/HEAD show a confirmation page and change nothing; only its POST acts.

Public routes (the signed, single-use token is the credential). Mail scanners that prefetch links see the
page only. Pages load no third-party resources and send `Referrer-Policy: no-referrer`.
"""

from __future__ import annotations

import hmac
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import select

from api.deps import ClientDep, SessionDep, StateDep
from portal.approval import email_links, forms
from portal.approval.models import ApprovalActionToken, ApprovalDocument, ApprovalLine, ApprovalTemplate
from portal.approval.schemas import NO_NUL
from portal.common.errors import AppError
from portal.users.models import User
from temporal import approval as engine
from workflows.approval_contracts import PENDING, ActionInput

router = APIRouter(prefix="/approval/email-actions", tags=["approval"])
_env = Environment(
    loader=FileSystemLoader(Path(__file__).resolve().parents[2] / "portal" / "approval" / "templates"),
    autoescape=select_autoescape(["html", "j2"]),
)
CSRF_COOKIE = "gw_email_csrf"
HEADERS = {
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex, nofollow",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'",
}
TEXT = {
    "ko": {
        "title": "전자결재",
        "document": "문서",
        "template": "양식",
        "drafter": "기안자",
        "number": "문서번호",
        "comment": "의견 (반려 시 필수)",
        "approve": "승인",
        "reject": "반려",
        "invalid": "유효하지 않은 링크입니다.",
        "expired": "링크가 만료되었습니다. 포털에서 처리해 주세요.",
        "done": "{who}님이 {at}에 이미 처리했습니다 ({action}).",
        "moved": "이미 다음 단계로 진행된 문서입니다.",
        "approved": "승인했습니다.",
        "rejected": "반려했습니다.",
        "csrf": "요청을 확인할 수 없습니다. 링크를 다시 열어 주세요.",
        "approved_line": "승인",
        "rejected_line": "반려",
        "skipped_line": "생략",
        "failed": "처리하지 못했습니다 ({code}).",
    },
    "en": {
        "title": "Approval",
        "document": "Document",
        "template": "Form",
        "drafter": "Drafter",
        "number": "Number",
        "comment": "Comment (required to reject)",
        "approve": "Approve",
        "reject": "Reject",
        "invalid": "This link is not valid.",
        "expired": "This link has expired. Please use the portal.",
        "done": "Already processed by {who} at {at} ({action}).",
        "moved": "This document has moved on.",
        "approved": "Approved.",
        "rejected": "Rejected.",
        "csrf": "The request could not be verified. Open the link again.",
        "approved_line": "approved",
        "rejected_line": "rejected",
        "skipped_line": "skipped",
        "failed": "This could not be processed ({code}).",
    },
}

# What the workflow or the engine refused, in the approver's language (others: TEXT["failed"] with the code).
ERRORS = {
    "ko": {
        "COMMENT_REQUIRED": "반려하려면 의견을 입력해 주세요.",
        "DOCUMENT_ON_HOLD": "보류 중인 문서입니다. 보류가 풀린 뒤 처리해 주세요.",
        "TEMPORAL_UNAVAILABLE": "결재 서버에 연결할 수 없습니다. 잠시 후 다시 시도해 주세요.",
        "WORKER_UNAVAILABLE": "결재 처리기가 응답하지 않습니다. 잠시 후 다시 시도해 주세요.",
    },
    "en": {
        "COMMENT_REQUIRED": "Please enter a comment to reject.",
        "DOCUMENT_ON_HOLD": "The document is on hold. Please act once it is resumed.",
        "TEMPORAL_UNAVAILABLE": "The approval service cannot be reached. Please try again shortly.",
        "WORKER_UNAVAILABLE": "The approval service is not answering. Please try again shortly.",
    },
}


def _page(status: int = 200, **values: Any) -> HTMLResponse:
    values.setdefault("locale", "ko")
    values.setdefault("t", TEXT[values["locale"]])
    html = _env.get_template("action_page.html.j2").render(**values)
    return HTMLResponse(html, status_code=status, headers=HEADERS)


async def _context(session: SessionDep, token: str) -> dict[str, Any]:
    """Everything the page needs, and whether the link may still act."""
    row = await email_links.find(session, token)
    if row is None:
        return {"status": 404, "message": TEXT["ko"]["invalid"], "is_error": True}
    approver = await session.get(User, row.approver_id)
    locale = approver.locale if approver and approver.locale in TEXT else "ko"
    t = TEXT[locale]
    if approver is None or not approver.is_active:  # deactivation ends the account's links with its sessions
        return {"status": 404, "message": t["invalid"], "is_error": True, "locale": locale}
    doc = await session.get(ApprovalDocument, row.document_id)
    if doc is None:
        return {"status": 404, "message": t["invalid"], "is_error": True, "locale": locale}
    template = await session.get(ApprovalTemplate, doc.template_id) if doc.template_id else None
    drafter = await session.get(User, doc.author_id)
    labels = (
        {
            f["key"]: f["label"].get(locale) or f["label"]["ko"]
            for f in forms.parse_schema(template.form_schema).model_dump()["fields"]
        }
        if template
        else {}
    )
    base = {
        "locale": locale,
        "row": row,
        "doc": doc,
        "drafter": drafter.name if drafter else "",
        "template_name": (
            template.name_en
            if locale == "en" and template and template.name_en
            else template.name
            if template
            else doc.document_type
        ),
        "fields": [(labels.get(k, k), v) for k, v in doc.form_data.items()],
    }
    line = (
        await session.execute(
            select(ApprovalLine).where(
                ApprovalLine.document_id == doc.id,
                ApprovalLine.step_order == row.step_order,
                ApprovalLine.approver_id == row.approver_id,
                ApprovalLine.line_type.in_(("approval", "agreement")),
            )
        )
    ).scalar_one_or_none()
    if line is not None and line.status != PENDING or row.used_at is not None:
        if line is not None and line.acted_at is not None:
            actor = await session.get(User, line.acted_by_id) if line.acted_by_id else None
            message = t["done"].format(
                who=actor.name if actor else "?",
                at=line.acted_at.strftime("%Y-%m-%d %H:%M"),
                action=t.get(f"{line.status}_line", line.status),
            )
        else:
            message = t["moved"]
        # A void link is no longer a credential: it says who acted (or that it expired), never what the document says.
        return {"locale": locale, "status": 409, "message": message}
    if row.expires_at < datetime.now(UTC):
        return {"locale": locale, "status": 410, "message": t["expired"], "is_error": True}
    return {**base, "status": 200, "can_act": True}


@router.head("/{token}", include_in_schema=False)
@router.get("/{token}", operation_id="email_action_page", response_class=HTMLResponse)
async def show(token: str, request: Request, session: SessionDep, state: StateDep) -> HTMLResponse:
    """Public. The confirmation page; never changes anything, whoever fetches it."""
    ctx = await _context(session, token)
    csrf = email_links.csrf_for(state.settings, token)
    response = _page(ctx.pop("status"), csrf=csrf, action_url=str(request.url.path), **ctx)
    if ctx.get("can_act"):
        response.set_cookie(
            CSRF_COOKIE,
            csrf,
            httponly=True,
            samesite="strict",
            path=str(request.url.path),
            secure=request.url.scheme == "https",
            max_age=3600,
        )
    return response


@router.post("/{token}", operation_id="email_action_submit", response_class=HTMLResponse)
async def submit(
    token: str,
    request: Request,
    session: SessionDep,
    state: StateDep,
    client: ClientDep,
    action: Annotated[str, Form(pattern="^(approve|reject)$")],
    csrf: Annotated[str, Form(max_length=128)],
    comment: Annotated[str, Form(max_length=2000, pattern=NO_NUL)] = "",
) -> HTMLResponse:
    """Public. Approves or rejects as the link's approver, for the link's step only; the link is then spent."""
    ctx = await _context(session, token)
    status = ctx.pop("status")
    if not ctx.get("can_act"):  # unknown, spent or expired: nothing can happen, so the GET page, CSRF or not
        return _page(status, **ctx)
    expected = email_links.csrf_for(state.settings, token)
    cookie = request.cookies.get(CSRF_COOKIE, "")
    # Compared as bytes: compare_digest refuses (TypeError, a 500) a str with anything but ASCII in it.
    if not (hmac.compare_digest(csrf.encode(errors="replace"), expected.encode())
            and hmac.compare_digest(cookie.encode(errors="replace"), expected.encode())):
        ctx.pop("can_act", None)
        return _page(403, message=TEXT[ctx["locale"]]["csrf"], is_error=True, **ctx)
    row: ApprovalActionToken = ctx["row"]
    t = TEXT[ctx["locale"]]
    token_id, workflow = row.id, ctx["doc"].workflow_id
    command = ActionInput(
        actor_id=row.approver_id, expected_step=row.step_order, comment=comment.strip() or None, channel="email",
        ip=client.ip, user_agent=(client.user_agent or "")[:500] or None,
    )
    await session.rollback()  # no transaction held open across the workflow update
    try:
        await engine.act(await state.temporal(), workflow, action, command)
    except AppError as exc:
        ctx = await _context(session, token)
        status = ctx.pop("status")
        if "message" in ctx:  # the step moved on meanwhile (a second click, a race): say who processed it
            ctx.pop("can_act", None)
            return _page(status, **ctx)
        message = ERRORS[ctx["locale"]].get(exc.code) or t["failed"].format(code=exc.code)
        return _page(exc.status_code, message=message, is_error=True, csrf=expected,
                     action_url=str(request.url.path), comment=comment, **ctx)
    spent = await session.get(ApprovalActionToken, token_id)
    if spent is not None:
        spent.used_at, spent.used_action = datetime.now(UTC), action
        await session.commit()
    ctx = await _context(session, token)
    ctx.pop("status")
    ctx.pop("can_act", None)
    return _page(200, **{**ctx, "message": t["approved" if action == "approve" else "rejected"]})
