"""`projection.apply` against PostgreSQL: newer snapshots move the state, older ones only add history, keys make
retries add nothing, a number is assigned once, and the notifications say what the snapshot says."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from portal.approval import projection
from portal.approval.models import ApprovalDocument, ApprovalHistory, ApprovalLine, DocumentNumberSequence
from portal.notify.models import Notification, NotifyOutbox
from tests.approval_helpers import build_company, draft, submit
from workflows.approval_contracts import HistoryEntry, LineState, NotifyInput, Projection

pytestmark = pytest.mark.usefixtures("worker")


async def _submitted(client, admin_headers, make_user, sessions):
    """A submitted two-step document (팀장 → 본부장) whose run has written its first snapshot."""
    c = await build_company(client, admin_headers, make_user)
    doc = await draft(client, c.drafter["headers"], title="비품 구매")
    await submit(client, c.drafter["headers"], doc["id"])
    for _ in range(100):
        async with sessions() as session:
            if (await session.get(ApprovalDocument, doc["id"])).projection_seq >= 1:
                return c, int(doc["id"])
        await asyncio.sleep(0.05)
    raise AssertionError("the run never projected its submission")


async def _state(sessions, doc_id):
    async with sessions() as session:
        doc = await session.get(ApprovalDocument, doc_id)
        lines = (await session.execute(select(ApprovalLine).where(ApprovalLine.document_id == doc_id)
                                       .order_by(ApprovalLine.step_order))).scalars().all()
        history = (await session.execute(select(ApprovalHistory).where(ApprovalHistory.document_id == doc_id)
                                         .order_by(ApprovalHistory.id))).scalars().all()
        notes = (await session.execute(select(Notification).order_by(Notification.id))).scalars().all()
        mails = (await session.execute(select(NotifyOutbox).order_by(NotifyOutbox.id))).scalars().all()
        return doc, lines, history, notes, mails


async def test_snapshots_move_state_once_older_ones_only_add_history_and_name_whose_box_changed(
    client, admin_headers, make_user, sessions
):
    c, doc_id = await _submitted(client, admin_headers, make_user, sessions)
    lead, director = c.lead["id"], c.director["id"]
    today = datetime.now(UTC).date().isoformat()
    r = await client.post("/api/v1/approval/delegations", headers=c.director["headers"],
                          json={"delegate_id": c.peers[1]["id"], "starts_on": today, "ends_on": today})
    assert r.status_code == 201, r.text
    at = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    approved = Projection(
        document_id=doc_id, seq=100, status="in_progress", current_step=1,
        lines=[LineState(step=0, approver_id=lead, status="approved", acted_by=c.peers[0]["id"], on_behalf_of=lead,
                         comment="좋습니다", acted_at=at.isoformat()),
               LineState(step=1, approver_id=director, status="pending")],
        history=[HistoryEntry(key=f"test-{doc_id}:approved", action="approved", step=0, actor_id=c.peers[0]["id"],
                              on_behalf_of=lead, comment="좋습니다", channel="web", ip="10.0.0.1",
                              user_agent="pytest", at=at.isoformat(), details={"why": "대결"})],
        notifications=[NotifyInput(event="pending", document_id=doc_id, recipients=[director],
                                   dedupe_key=f"test-{doc_id}:1:pending", step=1, with_action_links=True)],
    )
    applied = await projection.apply(sessions.kw["bind"], approved)
    assert applied.mails_queued == 1 and applied.document_number is None
    assert applied.audience == {lead, director, c.peers[1]["id"]}  # the director's delegate of the day too

    doc, lines, history, notes, mails = await _state(sessions, doc_id)
    assert (doc.status, doc.current_step, doc.projection_seq, doc.completed_at) == ("in_progress", 1, 100, None)
    first = next(ln for ln in lines if ln.approver_id == lead)
    assert (first.status, first.acted_by_id, first.on_behalf_of_id, first.comment, first.acted_at) == (
        "approved", c.peers[0]["id"], lead, "좋습니다", at)
    assert next(ln for ln in lines if ln.approver_id == director).status == "pending"
    row = next(h for h in history if h.idempotency_key == f"test-{doc_id}:approved")
    assert (row.action, row.step_order, row.actor_id, row.on_behalf_of_id, row.channel, row.ip, row.details,
            row.created_at) == ("approved", 0, c.peers[0]["id"], lead, "web", "10.0.0.1", {"why": "대결"}, at)
    mine = [n for n in notes if n.dedupe_key == f"test-{doc_id}:1:pending:{director}"]
    assert len(mine) == 1 and "비품 구매" in mine[0].title and mine[0].link == f"/approval/documents/{doc_id}"
    queued = [m for m in mails if m.dedupe_key == mine[0].dedupe_key]
    assert len(queued) == 1 and (queued[0].step, queued[0].with_action_link, queued[0].event) == (1, True, "pending")

    # The same snapshot again (a retry): nothing new.
    assert (await projection.apply(sessions.kw["bind"], approved)).mails_queued == 0
    older = Projection(document_id=doc_id, seq=50, status="rejected", current_step=0,
                       lines=[LineState(step=0, approver_id=lead, status="rejected")],
                       history=[HistoryEntry(key=f"test-{doc_id}:late", action="commented", step=0, actor_id=lead)])
    await projection.apply(sessions.kw["bind"], older)
    doc2, lines2, history2, notes2, mails2 = await _state(sessions, doc_id)
    assert (doc2.status, doc2.current_step, doc2.projection_seq) == ("in_progress", 1, 100)
    assert [(ln.status, ln.comment) for ln in lines2] == [(ln.status, ln.comment) for ln in lines]
    assert [h.idempotency_key for h in history2] == [h.idempotency_key for h in history] + [f"test-{doc_id}:late"]
    assert (len(notes2), len(mails2)) == (len(notes), len(mails))


async def test_final_snapshot_assigns_one_number_that_the_drafters_notification_quotes(
    client, admin_headers, make_user, sessions
):
    c, doc_id = await _submitted(client, admin_headers, make_user, sessions)
    final = Projection(
        document_id=doc_id, seq=100, status="approved", current_step=None, assign_number=True,
        lines=[LineState(step=0, approver_id=c.lead["id"], status="approved", acted_by=c.lead["id"]),
               LineState(step=1, approver_id=c.director["id"], status="approved", acted_by=c.director["id"])],
        history=[HistoryEntry(key=f"test-{doc_id}:final", action="approved", step=1, actor_id=c.director["id"])],
        notifications=[NotifyInput(event="approved", document_id=doc_id, recipients=[c.drafter["id"]],
                                   dedupe_key=f"test-{doc_id}:9:approved")],
    )
    applied = await projection.apply(sessions.kw["bind"], final)
    year = datetime.now(UTC).year
    assert applied.document_number is not None and applied.document_number.startswith(f"GEN-{year}-")
    # Retried: the number stays, the counter does not move.
    assert (await projection.apply(sessions.kw["bind"], final)).document_number == applied.document_number
    async with sessions() as session:
        counter = (await session.execute(select(func.max(DocumentNumberSequence.last_value)).where(
            DocumentNumberSequence.template_code == "GEN"))).scalar_one()
    doc, lines, _, notes, _ = await _state(sessions, doc_id)
    assert (doc.status, doc.document_number, doc.current_step) == ("approved", applied.document_number, None)
    assert doc.completed_at is not None and counter == int(applied.document_number.rsplit("-", 1)[1])
    assert all(ln.status == "approved" for ln in lines if ln.line_type == "approval")
    told = next(n for n in notes if n.dedupe_key == f"test-{doc_id}:9:approved:{c.drafter['id']}")
    assert applied.document_number in (told.body or "")


async def test_a_final_snapshot_older_than_the_stored_state_still_writes_its_number(
    client, admin_headers, make_user, sessions
):
    """A final snapshot retried after a later one was stored (its state is not applied again) still records the
    number it drew, in the same transaction as the counter."""
    c, doc_id = await _submitted(client, admin_headers, make_user, sessions)
    later = Projection(document_id=doc_id, seq=200, status="approved", current_step=None, lines=[], history=[])
    await projection.apply(sessions.kw["bind"], later)
    final = Projection(document_id=doc_id, seq=150, status="approved", current_step=None, assign_number=True,
                       lines=[], history=[])
    applied = await projection.apply(sessions.kw["bind"], final)
    assert applied.document_number is not None
    doc, *_ = await _state(sessions, doc_id)
    assert (doc.document_number, doc.projection_seq) == (applied.document_number, 200)
