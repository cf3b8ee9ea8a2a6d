"""The document detail (GET /approval/documents/{id} and the answers of create, update, submit and resubmit) is
what an ORM read of the same rows gives, field for field and timestamp for timestamp, in every state of a
document, and its `allowed_actions` are exactly those each reader may take."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select, text

from portal.approval import documents
from portal.approval.models import ApprovalAttachment, ApprovalDocument, ApprovalHistory, ApprovalLine
from portal.approval.schemas import AttachmentOut, DocumentOut, HistoryOut, LineOut
from portal.common.context import Actor
from portal.users.models import User
from tests.approval_helpers import DOCS, act, build_company, draft, get_doc, submit
from tests.conftest import USER_PASSWORD, bearer, login

pytestmark = pytest.mark.usefixtures("worker")

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n"


async def orm_detail(session: Any, doc_id: int, allowed: list[str]) -> DocumentOut:
    """The detail as read row by row through the ORM, with the allowed actions the test expects."""
    doc = await session.get(ApprovalDocument, doc_id, populate_existing=True)
    line_rows = (await session.execute(select(ApprovalLine).where(ApprovalLine.document_id == doc_id)
                                       .order_by(ApprovalLine.line_type, ApprovalLine.step_order,
                                                 ApprovalLine.id))).scalars().all()
    history = (await session.execute(select(ApprovalHistory).where(ApprovalHistory.document_id == doc_id)
                                     .order_by(ApprovalHistory.created_at, ApprovalHistory.id))).scalars().all()
    files = (await session.execute(select(ApprovalAttachment).where(ApprovalAttachment.document_id == doc_id)
                                   .order_by(ApprovalAttachment.id))).scalars().all()
    names: dict[int | None, str] = dict((await session.execute(select(User.id, User.name))).all())
    return DocumentOut.model_validate(doc).model_copy(update={
        "author_name": names[doc.author_id],
        "lines": [LineOut.model_validate(ln).model_copy(update={"approver_name": names[ln.approver_id]})
                  for ln in line_rows],
        "history": [HistoryOut.model_validate(h).model_copy(update={
            "actor_name": names.get(h.actor_id), "on_behalf_of_name": names.get(h.on_behalf_of_id)})
            for h in history],
        "attachments": [AttachmentOut.model_validate(f) for f in files],
        "allowed_actions": allowed,
    })


@pytest.fixture
async def check(client, sessions):
    async def check(doc_id: int, reader: dict[str, Any], allowed: list[str]) -> dict[str, Any]:
        # A submission's first projection lands after its answer (it only touches `updated_at` here): compare a
        # document that held still between two reads through the API, with the ORM's read taken in between.
        for _ in range(50):
            got = await get_doc(client, reader["headers"], doc_id)
            async with sessions() as session:
                expected = (await orm_detail(session, doc_id, allowed)).model_dump(mode="json")
            if got == await get_doc(client, reader["headers"], doc_id):
                break
            await asyncio.sleep(0.1)
        assert got == expected, reader["name"]
        return got

    return check


async def test_detail_equals_the_orm_read_in_every_state_for_every_reader(client, admin_headers, make_user,
                                                                           sessions, check):
    c = await build_company(client, admin_headers, make_user)
    lead, director, ceo, drafter, (p0, p1, p2) = c.lead, c.director, c.ceo, c.drafter, c.peers
    # p2 holds 전결 through a role; the director through the expense template's position list (본부장).
    r = await client.put(f"/api/v1/admin/users/{p2['id']}", json={"roles": ["user", "system_admin"]},
                         headers=admin_headers)
    assert r.status_code == 200, r.text
    p2["headers"] = bearer((await login(client, p2["username"], USER_PASSWORD))["access_token"])  # roles changed
    # The CEO is away: p1 acts for them.
    r = await client.post("/api/v1/approval/delegations", headers=ceo["headers"], json={
        "delegate_id": p1["id"], "starts_on": str(date.today()), "ends_on": str(date.today() + timedelta(days=2))})
    assert r.status_code == 201, r.text

    # A draft with two attachments, created and then edited: both answers are the detail.
    created = await draft(client, drafter["headers"])
    async with sessions() as session:
        assert created == (await orm_detail(session, created["id"], ["edit", "delete", "submit"])).model_dump(
            mode="json")
    for name in ("견적서 (최종).pdf", "부록.pdf"):
        up = await client.post(f"{DOCS}/{created['id']}/attachments", files={"file": (name, PDF, "application/pdf")},
                               headers=drafter["headers"])
        assert up.status_code == 201, up.text
    edited = await client.put(f"{DOCS}/{created['id']}", json={"title": "수정된 제목"}, headers=drafter["headers"])
    assert edited.status_code == 200, edited.text
    got = await check(created["id"], drafter, ["edit", "delete", "submit"])
    assert edited.json()["data"] == got
    assert [a["filename"] for a in got["attachments"]] == ["견적서 (최종).pdf", "부록.pdf"]
    assert got["lines"] == [] and got["history"] == [] and got["author_name"] == "박사원"

    # In progress at step 1 after an approval, a hold and a resume; with a reference and a receiver.
    line = {"steps": [{"approvers": [lead["id"]]}, {"approvers": [director["id"]]}, {"approvers": [ceo["id"]]}],
            "references": [p0["id"]], "receivers": [p1["id"]]}
    doc = await draft(client, drafter["headers"], line=line)
    submitted = await submit(client, drafter["headers"], doc["id"])
    assert submitted["allowed_actions"] == ["withdraw"]
    assert [h["action"] for h in submitted["history"]] == ["submitted"]
    await check(doc["id"], drafter, ["withdraw"])
    await check(doc["id"], lead, ["approve", "reject", "hold"])
    assert (await act(client, lead["headers"], doc["id"], "approve", comment="확인")).status_code == 200
    assert (await act(client, director["headers"], doc["id"], "hold", comment="검토 중")).status_code == 200
    await check(doc["id"], director, ["resume"])
    await check(doc["id"], lead, [])
    await check(doc["id"], drafter, [])
    assert (await act(client, director["headers"], doc["id"], "resume")).status_code == 200
    got = await check(doc["id"], director, ["approve", "reject", "hold"])
    assert [h["action"] for h in got["history"]] == ["submitted", "approved", "held", "resumed"]
    assert [(ln["line_type"], ln["approver_name"]) for ln in got["lines"]] == [
        ("approval", "이팀장"), ("approval", "김본부장"), ("approval", "최대표"), ("receiver", "동료1"),
        ("reference", "동료0")]
    await check(doc["id"], lead, ["cancel_approval"])
    await check(doc["id"], ceo, [])
    await check(doc["id"], p1, [])  # a receiver, and the CEO's delegate, but the CEO's step is not reached
    await check(doc["id"], p0, [])

    # The delegate acts for the CEO: the history names both.
    assert (await act(client, director["headers"], doc["id"], "approve")).status_code == 200
    await check(doc["id"], p1, ["approve", "reject", "hold"])
    await check(doc["id"], director, ["cancel_approval"])
    assert (await act(client, p1["headers"], doc["id"], "approve", comment="대결")).status_code == 200
    got = await check(doc["id"], drafter, [])
    assert got["status"] == "approved"
    assert (got["history"][-1]["actor_name"], got["history"][-1]["on_behalf_of_name"]) == ("동료1", "최대표")
    await check(doc["id"], p0, [])

    # An agreement step (all must agree): one has agreed, one holds 전결 through a role.
    group = {"kind": "agreement", "approvers": [p0["id"], p1["id"], p2["id"]], "rule": "all"}
    agreed = await draft(client, drafter["headers"], line={"steps": [group, {"approvers": [lead["id"]]}]})
    await submit(client, drafter["headers"], agreed["id"])
    assert (await act(client, p0["headers"], agreed["id"], "approve")).status_code == 200
    await check(agreed["id"], p0, ["cancel_approval"])
    await check(agreed["id"], p1, ["approve", "reject", "hold"])
    got = await check(agreed["id"], p2, ["approve", "reject", "hold", "final_approve"])
    assert [(ln["group_rule"], ln["status"]) for ln in got["lines"][:3]] == [
        ("all", "approved"), ("all", "pending"), ("all", "pending")]
    await check(agreed["id"], lead, [])

    # Held by its only approver: they may resume, the drafter may still withdraw.
    held = await draft(client, drafter["headers"], line={"steps": [{"approvers": [lead["id"]]}]})
    await submit(client, drafter["headers"], held["id"])
    assert (await act(client, lead["headers"], held["id"], "hold")).status_code == 200
    await check(held["id"], lead, ["resume"])
    await check(held["id"], drafter, ["withdraw"])

    # 전결 on an expense report by the director's position, which completes it and skips the CEO.
    exp = await draft(client, drafter["headers"], template="EXP",
                      form={"amount": 120000, "spent_on": "2026-11-20", "account": "교육훈련비"})
    await submit(client, drafter["headers"], exp["id"])
    assert (await act(client, lead["headers"], exp["id"], "approve")).status_code == 200
    await check(exp["id"], director, ["approve", "reject", "hold", "final_approve"])
    await check(exp["id"], lead, ["cancel_approval"])
    assert (await act(client, director["headers"], exp["id"], "approve", final=True)).status_code == 200
    got = await check(exp["id"], drafter, [])
    assert [h["action"] for h in got["history"]] == ["submitted", "approved", "final_approved", "skipped"]
    await check(exp["id"], ceo, [])

    # Rejected, then resubmitted: the new version's answer is its detail.
    rejected = await draft(client, drafter["headers"], line={"steps": [{"approvers": [lead["id"]]}]})
    await submit(client, drafter["headers"], rejected["id"])
    assert (await act(client, lead["headers"], rejected["id"], "reject", comment="보완 바랍니다")).status_code == 200
    await check(rejected["id"], drafter, ["resubmit"])
    await check(rejected["id"], lead, [])
    again = await client.post(f"{DOCS}/{rejected['id']}/resubmit", headers=drafter["headers"])
    assert again.status_code == 201, again.text
    assert again.json()["data"] == await check(again.json()["data"]["id"], drafter, ["edit", "delete", "submit"])

    # Withdrawn by the drafter.
    withdrawn = await draft(client, drafter["headers"], line={"steps": [{"approvers": [lead["id"]]}]})
    await submit(client, drafter["headers"], withdrawn["id"])
    assert (await act(client, drafter["headers"], withdrawn["id"], "withdraw")).status_code == 200
    await check(withdrawn["id"], drafter, ["resubmit"])

    # Read on a connection whose time zone is Seoul's: the timestamps keep that offset, exactly as the ORM's.
    async with sessions() as session:
        await session.execute(text("SET LOCAL TIME ZONE 'Asia/Seoul'"))
        for doc_id, reader, allowed in ((doc["id"], drafter, []), (agreed["id"], p2, ["approve", "reject", "hold",
                                                                                       "final_approve"])):
            target = await documents.get(session, doc_id)
            out = await documents.detail(session, Actor(id=reader["id"], username=reader["username"]), target)
            expected = await orm_detail(session, doc_id, allowed)
            assert out.model_dump_json() == expected.model_dump_json()
            assert "+09:00" in out.history[0].model_dump_json()
