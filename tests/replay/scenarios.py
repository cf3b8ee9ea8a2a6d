"""Approval scenarios whose real histories are committed for replay; each returns the workflow ids to keep.

Run by `python tests/replay/regenerate.py` (which calls pytest with GW_RECORD_HISTORIES=1).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tests.approval_helpers import DOCS, Company, act, draft, get_doc, submit


async def _doc(client: Any, c: Company, line: dict[str, Any] | None = None, **kw: Any) -> int:
    doc = await draft(client, c.drafter["headers"], line=line, **kw)
    await submit(client, c.drafter["headers"], doc["id"])
    return int(doc["id"])


async def approved_three_steps(client: Any, c: Company, **_: Any) -> int:
    line = {"steps": [{"approvers": [c.lead["id"]]}, {"approvers": [c.director["id"]]},
                      {"approvers": [c.ceo["id"]]}], "references": [c.peers[0]["id"]], "receivers": [c.peers[1]["id"]]}
    doc = await _doc(client, c, line)
    for approver in (c.lead, c.director, c.ceo):
        assert (await act(client, approver["headers"], doc, "approve", comment="승인")).status_code == 200
    return doc


async def rejected(client: Any, c: Company, **_: Any) -> int:
    doc = await _doc(client, c)
    assert (await act(client, c.lead["headers"], doc, "reject")).status_code == 422  # not in history
    assert (await act(client, c.lead["headers"], doc, "reject", comment="보완 필요")).status_code == 200
    return doc


async def withdrawn(client: Any, c: Company, **_: Any) -> int:
    doc = await _doc(client, c)
    assert (await act(client, c.drafter["headers"], doc, "withdraw")).status_code == 200
    return doc


async def hold_resume_cancel(client: Any, c: Company, **_: Any) -> int:
    doc = await _doc(client, c)
    for user, action in ((c.lead, "approve"), (c.lead, "cancel-approval"), (c.lead, "approve"),
                         (c.director, "hold"), (c.director, "resume"), (c.director, "approve")):
        assert (await act(client, user["headers"], doc, action)).status_code == 200, action
    return doc


async def final_approval(client: Any, c: Company, **_: Any) -> int:
    doc = await _doc(client, c, template="EXP", form={"amount": 1000, "spent_on": "2026-11-02", "account": "소모품비"})
    assert (await act(client, c.lead["headers"], doc, "approve")).status_code == 200
    assert (await act(client, c.director["headers"], doc, "approve", final=True)).status_code == 200
    return doc


async def delegated(client: Any, c: Company, **_: Any) -> int:
    today = date.today()
    r = await client.post("/api/v1/approval/delegations", headers=c.lead["headers"], json={
        "delegate_id": c.peers[0]["id"], "starts_on": str(today), "ends_on": str(today + timedelta(days=1))})
    assert r.status_code == 201
    doc = await _doc(client, c, {"steps": [{"approvers": [c.lead["id"]]}]})
    assert (await act(client, c.peers[0]["headers"], doc, "approve")).status_code == 200
    return doc


async def agreement_groups(client: Any, c: Company, **_: Any) -> int:
    group = {"kind": "agreement", "approvers": [p["id"] for p in c.peers], "rule": "n_of_m", "required": 2}
    doc = await _doc(client, c, {"steps": [group, {"approvers": [c.lead["id"]]}]})
    assert (await act(client, c.peers[0]["headers"], doc, "reject", comment="반대")).status_code == 200
    assert (await act(client, c.peers[1]["headers"], doc, "approve")).status_code == 200
    assert (await act(client, c.peers[2]["headers"], doc, "approve")).status_code == 200
    assert (await act(client, c.lead["headers"], doc, "approve")).status_code == 200
    return doc


async def sla_timers(client: Any, c: Company, admin_headers: dict[str, str], **_: Any) -> int:
    import asyncio

    r = await client.post("/api/v1/approval/templates", headers=admin_headers, json={
        "code": "REPLAYSLA", "name": "SLA", "form_schema": {"fields": []}, "line_rule": {"approval_levels": 1},
        "sla_policy": {"reminder_after_seconds": 1, "escalate_after_seconds": 2}})
    assert r.status_code == 201
    doc = await _doc(client, c, template="REPLAYSLA", form={})
    for _attempt in range(100):
        history = [h["action"] for h in (await get_doc(client, c.drafter["headers"], doc))["history"]]
        if "escalated" in history:
            break
        await asyncio.sleep(0.2)
    assert (await act(client, c.lead["headers"], doc, "approve")).status_code == 200
    return doc


async def sla_timer_across_steps(client: Any, c: Company, admin_headers: dict[str, str], **_: Any) -> int:
    """One SLA timer kept across a step change, hold and resume (runs with the STEADY patch): the timer armed
    for step 1's reminder fires before step 2's deadline and is armed again for the rest; the escalation
    timer fires while the step is on hold, which reminds nobody; after the resume the rest is armed again."""
    import asyncio

    r = await client.post("/api/v1/approval/templates", headers=admin_headers, json={
        "code": "REPLAYSLA2", "name": "SLA 단계", "form_schema": {"fields": []},
        "line_rule": {"approval_levels": 2}, "sla_policy": {"reminder_after_seconds": 3, "escalate_after_seconds": 6}})
    assert r.status_code == 201
    doc = await _doc(client, c, template="REPLAYSLA2", form={})
    assert (await act(client, c.lead["headers"], doc, "approve")).status_code == 200

    async def actions() -> list[str]:
        return [h["action"] for h in (await get_doc(client, c.drafter["headers"], doc))["history"]]

    for _attempt in range(100):
        if "reminded" in await actions():
            break
        await asyncio.sleep(0.1)
    assert (await act(client, c.director["headers"], doc, "hold")).status_code == 200
    await asyncio.sleep(4)  # past the escalation the held step would have reached
    assert "escalated" not in await actions()
    assert (await act(client, c.director["headers"], doc, "resume")).status_code == 200
    for _attempt in range(100):
        if "escalated" in await actions():
            break
        await asyncio.sleep(0.2)
    assert (await act(client, c.director["headers"], doc, "approve")).status_code == 200
    assert await actions() == ["submitted", "approved", "reminded", "held", "resumed", "escalated", "approved"]
    return doc


async def sla_timer_earlier_deadline(client: Any, c: Company, admin_headers: dict[str, str], **_: Any) -> int:
    """After step 1's reminder the armed timer waits for a far escalation; step 2 starts and its reminder is
    due sooner, so that timer is cancelled and an earlier one armed (runs with the STEADY patch)."""
    import asyncio

    r = await client.post("/api/v1/approval/templates", headers=admin_headers, json={
        "code": "REPLAYSLA3", "name": "SLA 재설정", "form_schema": {"fields": []},
        "line_rule": {"approval_levels": 2},
        "sla_policy": {"reminder_after_seconds": 1, "escalate_after_seconds": 600}})
    assert r.status_code == 201
    doc = await _doc(client, c, template="REPLAYSLA3", form={})

    async def actions() -> list[str]:
        return [h["action"] for h in (await get_doc(client, c.drafter["headers"], doc))["history"]]

    for expected in (["submitted", "reminded"], ["submitted", "reminded", "approved", "reminded"]):
        for _attempt in range(100):
            if await actions() == expected:
                break
            await asyncio.sleep(0.1)
        assert await actions() == expected
        approver = c.lead if len(expected) == 2 else c.director
        assert (await act(client, approver["headers"], doc, "approve")).status_code == 200
    return doc


SCENARIOS = [approved_three_steps, rejected, withdrawn, hold_resume_cancel, final_approval, delegated,
             agreement_groups, sla_timers, sla_timer_across_steps, sla_timer_earlier_deadline]
# The sla_timer_* scenarios are recorded from the `_steady` generation on: their timer paths exist only there.
__all__ = ["DOCS", "SCENARIOS"]
