"""Shared set-up for approval tests: a small company with a reporting line, and action helpers."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

DOCS = "/api/v1/approval/documents"


@dataclass
class Company:
    drafter: dict[str, Any]
    lead: dict[str, Any]  # 팀장
    director: dict[str, Any]  # 본부장 (holds 전결 on expense reports)
    ceo: dict[str, Any]
    peers: list[dict[str, Any]]


async def build_company(client, admin_headers, make_user) -> Company:
    async def dept(**body):
        r = await client.post("/api/v1/admin/organizations", json=body, headers=admin_headers)
        assert r.status_code == 201, r.text
        return r.json()["data"]

    ceo = await make_user(name="최대표", position="대표")
    director = await make_user(name="김본부장", position="본부장")
    lead = await make_user(name="이팀장", position="팀장")
    hq = await dept(name="본사", manager_id=ceo["id"])
    division = await dept(name="경영지원본부", parent_id=hq["id"], manager_id=director["id"])
    team = await dept(name="재무팀", parent_id=division["id"], manager_id=lead["id"])
    for user, dept_id in ((ceo, hq["id"]), (director, division["id"]), (lead, team["id"])):
        r = await client.put(f"/api/v1/admin/users/{user['id']}", json={"department_id": dept_id},
                             headers=admin_headers)
        assert r.status_code == 200
    drafter = await make_user(name="박사원", position="사원", department_id=team["id"])
    peers = [await make_user(name=f"동료{i}", department_id=team["id"]) for i in range(3)]
    return Company(drafter=drafter, lead=lead, director=director, ceo=ceo, peers=peers)


async def draft(client, headers, *, template="GEN", line=None, form=None, title="업무 협조 요청") -> dict[str, Any]:
    body: dict[str, Any] = {"template_code": template, "title": title, "content": "내용입니다.",
                            "form_data": form if form is not None else {"purpose": "협조"}}
    if line is not None:
        body["line"] = line
    r = await client.post(DOCS, json=body, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()["data"]


async def submit(client, headers, doc_id: int) -> dict[str, Any]:
    r = await client.post(f"{DOCS}/{doc_id}/submit", headers=headers)
    assert r.status_code == 200, r.text
    return r.json()["data"]


async def act(client, headers, doc_id: int, action: str, **body: Any):
    return await client.post(f"{DOCS}/{doc_id}/{action}", json=body, headers=headers)


async def get_doc(client, headers, doc_id: int) -> dict[str, Any]:
    r = await client.get(f"{DOCS}/{doc_id}", headers=headers)
    assert r.status_code == 200, r.text
    return r.json()["data"]


async def eventually(check, timeout: float = 15.0, interval: float = 0.2):
    """Poll until `check()` returns a truthy value (for work done by abandoned child workflows)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = await check()
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(interval)
