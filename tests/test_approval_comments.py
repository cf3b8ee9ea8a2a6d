"""Free comments (의견) on approval documents: who may write, read and delete them, and who is told."""

from __future__ import annotations

from typing import Any

import httpx

from tests.approval_helpers import DOCS, draft, eventually, submit


async def test_comments_follow_document_visibility_and_notify(
    client: httpx.AsyncClient, make_user: Any, worker: None,
) -> None:
    drafter = await make_user(name="기안자")
    approver = await make_user(name="결재자")
    stranger = await make_user(name="외부인")
    doc = await draft(client, drafter["headers"], line={"steps": [{"approvers": [approver["id"]]}]})
    url = f"{DOCS}/{doc['id']}/comments"

    early = await client.post(url, json={"content": "먼저"}, headers=drafter["headers"])
    assert early.status_code == 409 and early.json()["error"]["code"] == "DOCUMENT_IS_DRAFT"
    await submit(client, drafter["headers"], doc["id"])

    async def approver_may_read() -> bool:
        return (await client.get(url, headers=approver["headers"])).status_code == 200

    await eventually(approver_may_read)
    added = await client.post(url, json={"content": "  예산 근거를 첨부해 주세요.  "}, headers=approver["headers"])
    assert added.status_code == 201, added.text
    comment = added.json()["data"]
    assert (comment["content"], comment["author_name"]) == ("예산 근거를 첨부해 주세요.", "결재자")
    reply = await client.post(url, json={"content": "첨부했습니다."}, headers=drafter["headers"])
    assert reply.status_code == 201

    listed = (await client.get(url, headers=drafter["headers"])).json()["data"]
    assert [c["content"] for c in listed] == ["예산 근거를 첨부해 주세요.", "첨부했습니다."]
    notes = (await client.get("/api/v1/notifications", headers=drafter["headers"])).json()["data"]
    assert any(n["type"] == "approval.comment" and n["link"] == f"/approval/documents/{doc['id']}" for n in notes)

    # Outsiders neither read nor write; blank and oversized comments are refused; only the author deletes.
    assert (await client.get(url, headers=stranger["headers"])).status_code == 403
    assert (await client.post(url, json={"content": "x"}, headers=stranger["headers"])).status_code == 403
    for bad in ({"content": "   "}, {"content": "가" * 2001}, {}):
        response = await client.post(url, json=bad, headers=approver["headers"])
        assert response.status_code == 422, bad
    delete = f"{url}/{comment['id']}"
    assert (await client.delete(delete, headers=drafter["headers"])).status_code == 403
    assert (await client.delete(delete, headers=approver["headers"])).status_code == 200
    assert (await client.delete(delete, headers=approver["headers"])).status_code == 404
    listed = (await client.get(url, headers=approver["headers"])).json()["data"]
    assert [c["content"] for c in listed] == ["첨부했습니다."]
