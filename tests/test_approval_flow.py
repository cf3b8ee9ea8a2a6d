"""The approval engine end to end through the HTTP API, with a real worker on the real dev server."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.approval_helpers import DOCS, act, build_company, draft, get_doc, submit

pytestmark = pytest.mark.usefixtures("worker")


@pytest.fixture
async def company(client, admin_headers, make_user):
    return await build_company(client, admin_headers, make_user)


async def test_default_line_follows_the_org_chart(client, company):
    doc = await draft(client, company.drafter["headers"])
    steps = doc["line_spec"]["steps"]
    assert [s["approvers"] for s in steps] == [[company.lead["id"]], [company.director["id"]]]
    exp = await draft(client, company.drafter["headers"], template="EXP",
                      form={"amount": 50000, "spent_on": "2026-11-20", "account": "소모품비"})
    assert [s["approvers"][0] for s in exp["line_spec"]["steps"]] == [
        company.lead["id"], company.director["id"], company.ceo["id"]]


async def test_three_approvals_complete_the_document_with_a_number_and_full_history(client, company):
    c = company
    line = {"steps": [{"approvers": [c.lead["id"]]}, {"approvers": [c.director["id"]]},
                      {"approvers": [c.ceo["id"]]}], "references": [c.peers[0]["id"]], "receivers": [c.peers[1]["id"]]}
    doc = await draft(client, c.drafter["headers"], line=line)
    submitted = await submit(client, c.drafter["headers"], doc["id"])
    assert submitted["status"] == "in_progress" and submitted["current_step"] == 0

    for step, approver in enumerate((c.lead, c.director, c.ceo)):
        r = await act(client, approver["headers"], doc["id"], "approve", comment=f"{step}단계 승인", expected_step=step)
        assert r.status_code == 200, r.text
    result = r.json()["data"]
    year = date.today().year
    assert result["status"] == "approved" and result["document_number"] == f"GEN-{year}-000001"

    final = await get_doc(client, c.drafter["headers"], doc["id"])
    assert final["status"] == "approved" and final["document_number"] == f"GEN-{year}-000001"
    assert [h["action"] for h in final["history"]] == ["submitted", "approved", "approved", "approved"]
    assert [h["actor_name"] for h in final["history"][1:]] == ["이팀장", "김본부장", "최대표"]
    approvals = [ln for ln in final["lines"] if ln["line_type"] == "approval"]
    assert [ln["status"] for ln in approvals] == ["approved"] * 3
    assert all(ln["acted_at"] for ln in approvals)
    # Receivers may read it now; a stranger may not.
    assert (await client.get(f"{DOCS}/{doc['id']}", headers=c.peers[1]["headers"])).status_code == 200
    assert (await client.get(f"{DOCS}/{doc['id']}", headers=c.peers[2]["headers"])).status_code == 403


async def test_document_numbers_are_unique_and_sequential(client, company):
    c = company
    numbers = []
    for _ in range(3):
        doc = await draft(client, c.drafter["headers"], line={"steps": [{"approvers": [c.lead["id"]]}]})
        await submit(client, c.drafter["headers"], doc["id"])
        r = await act(client, c.lead["headers"], doc["id"], "approve")
        numbers.append(r.json()["data"]["document_number"])
    assert numbers == [f"GEN-{date.today().year}-00000{i}" for i in (1, 2, 3)]


async def test_wrong_actor_twice_out_of_order_and_finished_are_refused_without_change(client, company):
    c = company
    doc = await draft(client, c.drafter["headers"])
    await submit(client, c.drafter["headers"], doc["id"])
    before = await get_doc(client, c.drafter["headers"], doc["id"])

    out_of_order = await act(client, c.director["headers"], doc["id"], "approve")
    assert out_of_order.status_code == 403 and out_of_order.json()["error"]["code"] == "NOT_CURRENT_APPROVER"
    stranger = await act(client, c.peers[0]["headers"], doc["id"], "approve")
    assert stranger.status_code == 403
    drafter_self = await act(client, c.drafter["headers"], doc["id"], "approve")
    assert drafter_self.status_code == 403
    assert (await get_doc(client, c.drafter["headers"], doc["id"]))["history"] == before["history"]

    assert (await act(client, c.lead["headers"], doc["id"], "approve", expected_step=0)).status_code == 200
    twice = await act(client, c.lead["headers"], doc["id"], "approve", expected_step=0)
    assert twice.status_code in (403, 409)
    stale = await act(client, c.director["headers"], doc["id"], "approve", expected_step=0)
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "STALE_STEP"
    assert (await act(client, c.director["headers"], doc["id"], "approve")).status_code == 200
    finished = await act(client, c.director["headers"], doc["id"], "approve")
    assert finished.status_code == 409 and finished.json()["error"]["code"] == "DOCUMENT_FINISHED"
    history = (await get_doc(client, c.drafter["headers"], doc["id"]))["history"]
    assert [h["action"] for h in history] == ["submitted", "approved", "approved"]


async def test_reject_needs_a_comment_and_resubmit_makes_a_linked_version(client, company):
    c = company
    doc = await draft(client, c.drafter["headers"])
    await submit(client, c.drafter["headers"], doc["id"])
    no_comment = await act(client, c.lead["headers"], doc["id"], "reject")
    assert no_comment.status_code == 422 and no_comment.json()["error"]["code"] == "COMMENT_REQUIRED"
    blank = await act(client, c.lead["headers"], doc["id"], "reject", comment="   ")
    assert blank.status_code == 422
    r = await act(client, c.lead["headers"], doc["id"], "reject", comment="예산 근거를 보완하세요")
    assert r.status_code == 200 and r.json()["data"]["status"] == "rejected"
    rejected = await get_doc(client, c.drafter["headers"], doc["id"])
    assert rejected["allowed_actions"] == ["resubmit"]
    assert rejected["history"][-1]["comment"] == "예산 근거를 보완하세요"

    new = await client.post(f"{DOCS}/{doc['id']}/resubmit", headers=c.drafter["headers"])
    assert new.status_code == 201
    v2 = new.json()["data"]
    assert v2["status"] == "draft" and v2["version"] == 2 and v2["previous_version_id"] == doc["id"]
    again = await client.post(f"{DOCS}/{doc['id']}/resubmit", headers=c.drafter["headers"])
    assert again.status_code == 409 and again.json()["error"]["code"] == "ALREADY_RESUBMITTED"
    await submit(client, c.drafter["headers"], v2["id"])
    assert (await act(client, c.lead["headers"], v2["id"], "approve")).status_code == 200


async def test_withdraw_only_by_the_drafter_and_only_before_anyone_acts(client, company):
    c = company
    doc = await draft(client, c.drafter["headers"])
    await submit(client, c.drafter["headers"], doc["id"])
    by_other = await act(client, c.lead["headers"], doc["id"], "withdraw")
    assert by_other.status_code == 403 and by_other.json()["error"]["code"] == "NOT_DRAFTER"
    r = await act(client, c.drafter["headers"], doc["id"], "withdraw")
    assert r.status_code == 200 and r.json()["data"]["status"] == "withdrawn"

    second = await draft(client, c.drafter["headers"])
    await submit(client, c.drafter["headers"], second["id"])
    await act(client, c.lead["headers"], second["id"], "approve")
    late = await act(client, c.drafter["headers"], second["id"], "withdraw")
    assert late.status_code == 409 and late.json()["error"]["code"] == "ALREADY_ACTED"


async def test_hold_blocks_actions_until_the_holder_resumes(client, company):
    c = company
    doc = await draft(client, c.drafter["headers"])
    await submit(client, c.drafter["headers"], doc["id"])
    r = await act(client, c.lead["headers"], doc["id"], "hold", comment="자료 확인 중")
    assert r.status_code == 200 and r.json()["data"]["status"] == "on_hold"
    blocked = await act(client, c.lead["headers"], doc["id"], "approve")
    assert blocked.status_code == 409 and blocked.json()["error"]["code"] == "DOCUMENT_ON_HOLD"
    other = await act(client, c.director["headers"], doc["id"], "resume")
    assert other.status_code == 403 and other.json()["error"]["code"] == "NOT_HOLDER"
    assert "resume" in (await get_doc(client, c.lead["headers"], doc["id"]))["allowed_actions"]
    r = await act(client, c.lead["headers"], doc["id"], "resume")
    assert r.status_code == 200 and r.json()["data"]["status"] == "in_progress"
    assert (await act(client, c.lead["headers"], doc["id"], "approve")).status_code == 200


async def test_cancel_approval_before_the_next_approver_acts(client, company):
    c = company
    doc = await draft(client, c.drafter["headers"])
    await submit(client, c.drafter["headers"], doc["id"])
    await act(client, c.lead["headers"], doc["id"], "approve")
    r = await act(client, c.lead["headers"], doc["id"], "cancel-approval")
    assert r.status_code == 200 and r.json()["data"]["current_step"] == 0
    assert r.json()["data"]["current_approvers"] == [c.lead["id"]]
    assert (await act(client, c.director["headers"], doc["id"], "approve")).status_code == 403
    await act(client, c.lead["headers"], doc["id"], "approve")
    await act(client, c.director["headers"], doc["id"], "hold")
    await act(client, c.director["headers"], doc["id"], "resume")
    await act(client, c.director["headers"], doc["id"], "approve")
    too_late = await act(client, c.lead["headers"], doc["id"], "cancel-approval")
    assert too_late.status_code == 409
    actions = [h["action"] for h in (await get_doc(client, c.drafter["headers"], doc["id"]))["history"]]
    assert actions == ["submitted", "approved", "approval_cancelled", "approved", "held", "resumed", "approved"]


async def test_final_approval_skips_remaining_steps_and_records_them(client, company):
    c = company
    doc = await draft(client, c.drafter["headers"], template="EXP",
                      form={"amount": 120000, "spent_on": "2026-11-20", "account": "교육훈련비"})
    await submit(client, c.drafter["headers"], doc["id"])
    no_authority = await act(client, c.lead["headers"], doc["id"], "approve", final=True)
    assert no_authority.status_code == 403 and no_authority.json()["error"]["code"] == "NO_FINAL_AUTHORITY"
    await act(client, c.lead["headers"], doc["id"], "approve")
    assert "final_approve" in (await get_doc(client, c.director["headers"], doc["id"]))["allowed_actions"]
    r = await act(client, c.director["headers"], doc["id"], "approve", final=True, comment="전결 처리")
    assert r.status_code == 200 and r.json()["data"]["status"] == "approved"
    assert r.json()["data"]["document_number"].startswith("EXP-")
    final = await get_doc(client, c.drafter["headers"], doc["id"])
    assert [h["action"] for h in final["history"]] == ["submitted", "approved", "final_approved", "skipped"]
    ceo_line = [ln for ln in final["lines"] if ln["approver_id"] == c.ceo["id"]][0]
    assert ceo_line["status"] == "skipped"


async def test_delegate_acts_on_behalf_of_the_absent_approver(client, company):
    c = company
    today = date.today()
    r = await client.post("/api/v1/approval/delegations", headers=c.lead["headers"], json={
        "delegate_id": c.peers[0]["id"], "starts_on": str(today), "ends_on": str(today + timedelta(days=3)),
        "reason": "출장"})
    assert r.status_code == 201, r.text
    doc = await draft(client, c.drafter["headers"])
    await submit(client, c.drafter["headers"], doc["id"])
    pending = await client.get("/api/v1/approval/pending", headers=c.peers[0]["headers"])
    assert [d["id"] for d in pending.json()["data"]] == [doc["id"]]
    r = await act(client, c.peers[0]["headers"], doc["id"], "approve", comment="대결합니다")
    assert r.status_code == 200, r.text
    history = (await get_doc(client, c.drafter["headers"], doc["id"]))["history"]
    assert history[-1]["actor_name"] == "동료0" and history[-1]["on_behalf_of_name"] == "이팀장"
    line = [ln for ln in (await get_doc(client, c.drafter["headers"], doc["id"]))["lines"]
            if ln["approver_id"] == c.lead["id"]][0]
    assert line["acted_by_id"] == c.peers[0]["id"] and line["on_behalf_of_id"] == c.lead["id"]
    # Not delegated: another peer is refused.
    doc2 = await draft(client, c.drafter["headers"])
    await submit(client, c.drafter["headers"], doc2["id"])
    assert (await act(client, c.peers[1]["headers"], doc2["id"], "approve")).status_code == 403


async def test_delegation_validation(client, company):
    c, today = company, date.today()
    url = "/api/v1/approval/delegations"
    cases = [
        ({"delegate_id": c.lead["id"], "starts_on": str(today), "ends_on": str(today - timedelta(days=1))}, 422),
        ({"delegate_id": c.drafter["id"], "starts_on": str(today), "ends_on": str(today)}, 422),
        ({"delegate_id": 99999, "starts_on": str(today), "ends_on": str(today)}, 422),
        ({"delegate_id": c.lead["id"], "starts_on": "2020-01-01", "ends_on": "2020-01-02"}, 422),
    ]
    for body, status in cases:
        assert (await client.post(url, json=body, headers=c.drafter["headers"])).status_code == status, body
    ok = {"delegate_id": c.lead["id"], "starts_on": str(today), "ends_on": str(today + timedelta(days=2))}
    created = await client.post(url, json=ok, headers=c.drafter["headers"])
    assert created.status_code == 201
    overlap = await client.post(url, json=ok, headers=c.drafter["headers"])
    assert overlap.status_code == 409 and overlap.json()["error"]["code"] == "DELEGATION_OVERLAP"
    did = created.json()["data"]["id"]
    assert (await client.delete(f"{url}/{did}", headers=c.lead["headers"])).status_code == 403
    assert (await client.delete(f"{url}/{did}", headers=c.drafter["headers"])).status_code == 200


@pytest.mark.parametrize(("rule", "required", "approvals_needed"), [("all", None, 3), ("any", None, 1),
                                                                    ("n_of_m", 2, 2)])
async def test_agreement_groups_follow_their_rule(client, company, rule, required, approvals_needed):
    c = company
    group = {"kind": "agreement", "approvers": [p["id"] for p in c.peers], "rule": rule}
    if required:
        group["required"] = required
    doc = await draft(client, c.drafter["headers"], line={"steps": [group, {"approvers": [c.lead["id"]]}]})
    await submit(client, c.drafter["headers"], doc["id"])
    for i in range(approvals_needed):
        r = await act(client, c.peers[i]["headers"], doc["id"], "approve")
        assert r.status_code == 200, r.text
    assert r.json()["data"]["current_step"] == 1 and r.json()["data"]["current_approvers"] == [c.lead["id"]]


async def test_agreement_rejection_only_ends_the_document_when_the_rule_cannot_be_met(client, company):
    c = company
    group = {"kind": "agreement", "approvers": [p["id"] for p in c.peers], "rule": "n_of_m", "required": 2}
    doc = await draft(client, c.drafter["headers"], line={"steps": [group]})
    await submit(client, c.drafter["headers"], doc["id"])
    r = await act(client, c.peers[0]["headers"], doc["id"], "reject", comment="반대")
    assert r.json()["data"]["status"] == "in_progress"
    r = await act(client, c.peers[1]["headers"], doc["id"], "reject", comment="반대")
    assert r.json()["data"]["status"] == "rejected"


async def test_boxes_show_each_party_their_documents(client, company):
    c = company
    line = {"steps": [{"approvers": [c.lead["id"]]}, {"approvers": [c.director["id"]]}],
            "references": [c.peers[0]["id"]], "receivers": [c.peers[1]["id"]]}
    draft_only = await draft(client, c.drafter["headers"])
    doc = await draft(client, c.drafter["headers"], line=line)
    await submit(client, c.drafter["headers"], doc["id"])

    async def box(user, name):
        r = await client.get(f"/api/v1/approval/boxes/{name}", headers=user["headers"])
        assert r.status_code == 200, r.text
        return [d["id"] for d in r.json()["data"]]

    assert await box(c.drafter, "drafts") == [draft_only["id"]]
    assert await box(c.drafter, "in-progress") == [doc["id"]]
    assert await box(c.lead, "pending") == [doc["id"]]
    assert await box(c.director, "upcoming") == [doc["id"]]
    assert await box(c.peers[0], "reference") == [doc["id"]]
    assert await box(c.peers[1], "received") == []
    await act(client, c.lead["headers"], doc["id"], "approve")
    await act(client, c.director["headers"], doc["id"], "approve")
    assert await box(c.peers[1], "received") == [doc["id"]]
    assert await box(c.lead, "completed") == [doc["id"]]
    assert await box(c.lead, "pending") == []
    counts = (await client.get("/api/v1/approval/boxes", headers=c.drafter["headers"])).json()["data"]
    assert counts["drafts"] == 1 and counts["completed"] == 1 and counts["in-progress"] == 0
    assert (await client.get("/api/v1/approval/boxes/unknown", headers=c.drafter["headers"])).status_code == 422
