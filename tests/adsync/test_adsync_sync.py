"""Syncing a real Active Directory (Samba AD DC) into PostgreSQL through the ADSyncWorkflow."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from temporalio.client import Client

from portal.adsync.models import ADSyncLog
from portal.adsync.sync import Syncer
from portal.approval.models import ApprovalDocument, ApprovalLine
from portal.auth.models import Role, UserRole
from portal.notify.models import Notification
from portal.org.models import Department
from portal.users.models import User
from tests.adsync.conftest import configure
from tests.adsync.directory_admin import CORP, DirectoryAdmin
from tests.adsync.samba import SambaDC

pytestmark = pytest.mark.usefixtures("worker")


async def run_sync(client: httpx.AsyncClient, headers: dict[str, str], temporal: Client, mode: str,
                   ) -> dict[str, Any]:
    response = await client.post("/api/v1/ad-sync/run", json={"mode": mode}, headers=headers)
    assert response.status_code == 202, response.text
    result = await temporal.get_workflow_handle(response.json()["data"]["workflow_id"]).result()
    assert result["log_id"], result
    log = await client.get(f"/api/v1/ad-sync/logs/{result['log_id']}", headers=headers)
    assert log.status_code == 200
    data: dict[str, Any] = log.json()["data"]
    return data


async def record_history(temporal: Client, workflow_id: str, name: str) -> None:
    folder = Path(__file__).parent.parent / "replay" / "histories"
    history = await temporal.get_workflow_handle(workflow_id).fetch_history()
    (folder / f"{name}.json").write_text(history.to_json())
    index = json.loads((folder / "index.json").read_text())
    index[name] = workflow_id
    (folder / "index.json").write_text(json.dumps(index, indent=2, sort_keys=True) + "\n")


async def users_by_name(sessions: Any) -> dict[str, User]:
    async with sessions() as session:
        return {u.username: u for u in (await session.execute(select(User))).scalars().all()}


async def role_names(sessions: Any, user_id: int) -> set[str]:
    async with sessions() as session:
        return set((await session.execute(select(Role.name).join(UserRole, UserRole.role_id == Role.id)
                                          .where(UserRole.user_id == user_id))).scalars().all())


async def test_full_unchanged_and_incremental_sync(
    client: httpx.AsyncClient, admin_headers: dict[str, str], directory: DirectoryAdmin, samba_dc: SambaDC,
    temporal_client: Client, sessions: Any,
) -> None:
    root = directory.add_ou(f"OU=Life,{CORP}")
    sales = directory.add_ou(f"OU=영업본부,{root}")
    team = directory.add_ou(f"OU=영업1팀,{sales}")
    dev = directory.add_ou(f"OU=개발본부,{root}")
    boss = directory.add_user("kimboss", sales, display_name="김대표", mail="kimboss@corp.example.com",
                              title="본부장", telephoneNumber="02-555-0100", employeeID="E100")
    lee = directory.add_user("leemin", team, display_name="이민수", mail="leemin@corp.example.com", title="대리",
                             manager=boss)
    park = directory.add_user("parkdev", dev, display_name="박개발", mail="parkdev@corp.example.com")
    gone = directory.add_user("choileft", dev, display_name="최퇴사")
    off = directory.add_user("jungoff", dev, display_name="정휴직")
    directory.set_enabled(off, False)
    admins = directory.add_group("GW-Dept-Admins", root, members=[boss, lee])
    await configure(client, admin_headers, samba_dc, base_dns=[root], group_mapping={admins: "dept_admin"})

    full = await run_sync(client, admin_headers, temporal_client, "full")
    assert full["status"] == "completed", full["error_details"]
    assert (full["mode"], full["created_count"], full["error_count"]) == ("full", 5, 0)
    users = await users_by_name(sessions)
    kim, lee_row = users["kimboss"], users["leemin"]
    assert (kim.name, kim.email, kim.position, kim.phone, kim.employee_number, kim.auth_source.value) == (
        "김대표", "kimboss@corp.example.com", "본부장", "02-555-0100", "E100", "ad")
    assert kim.password_hash is None and kim.ad_object_guid and kim.ad_dn == boss
    assert lee_row.manager_id == kim.id
    assert users["jungoff"].is_active is False and users["parkdev"].is_active is True
    async with sessions() as session:
        depts = {d.name: d for d in (await session.execute(select(Department))).scalars().all()}
    assert depts["영업1팀"].parent_id == depts["영업본부"].id == kim.department_id
    assert lee_row.department_id == depts["영업1팀"].id and depts["개발본부"].parent_id == depts["Life"].id
    assert "dept_admin" in await role_names(sessions, kim.id)
    assert await role_names(sessions, users["parkdev"].id) == {"user"}

    again = await run_sync(client, admin_headers, temporal_client, "full")
    assert (again["created_count"], again["updated_count"], again["deactivated_count"], again["unchanged_count"]) \
        == (0, 0, 0, 5), again

    # Changes in AD: an attribute, a disable, a move, an OU rename, a deletion, a group removal.
    directory.modify(park, title="수석")
    directory.set_enabled(lee, False)
    moved = directory.move(park, team)
    directory.delete(gone)
    directory.rename(dev, "OU=개발센터")
    directory.remove_members(admins, [boss])
    incremental = await run_sync(client, admin_headers, temporal_client, "incremental")
    assert incremental["status"] == "completed", incremental
    assert incremental["mode"] == "incremental"
    # Only the changed entries were read: park (title + move) and lee (disabled), not all accounts.
    assert incremental["synced_count"] == 2, incremental
    assert incremental["deactivated_count"] == 2  # lee (disabled) and choi (deleted, from the tombstone)
    users = await users_by_name(sessions)
    assert users["parkdev"].position == "수석" and users["parkdev"].department_id == lee_row.department_id
    assert users["parkdev"].ad_dn == moved
    assert users["leemin"].is_active is False and users["choileft"].is_active is False
    assert users["leemin"].token_version > lee_row.token_version
    assert users["kimboss"].is_active is True
    async with sessions() as session:
        renamed = await session.get(Department, depts["개발본부"].id)
    assert renamed is not None and renamed.name == "개발센터"
    assert "dept_admin" not in await role_names(sessions, kim.id)
    assert len([u for u in users.values() if u.auth_source.value == "ad"]) == 5  # no duplicates

    status = (await client.get("/api/v1/ad-sync/status", headers=admin_headers)).json()["data"]
    assert status["state"] == "idle" and status["last_result"]["id"] == incremental["id"]
    if os.environ.get("GW_RECORD_HISTORIES"):  # tests/replay replays it from then on
        await record_history(temporal_client, incremental["workflow_id"], "adsync_incremental")
    logs = (await client.get("/api/v1/ad-sync/logs?sort=id&order=desc", headers=admin_headers)).json()
    assert [row["mode"] for row in logs["data"]] == ["incremental", "full", "full"]


async def test_bad_entries_are_logged_and_skipped(
    client: httpx.AsyncClient, admin_headers: dict[str, str], directory: DirectoryAdmin, samba_dc: SambaDC,
    temporal_client: Client, sessions: Any, make_user: Any,
) -> None:
    ou = directory.add_ou(f"OU=Bad,{CORP}")
    directory.add_user("goodone", ou, display_name="정상")
    directory.add_user("noname", ou, display_name=None)  # no displayName, and the mapping has no fallback
    directory.add_user("taken", ou, display_name="중복")  # a local account already has this username
    directory.add_user("weird(x)", ou, display_name="특수 문자")
    local = await make_user(login_as=False, username="taken", name="로컬 사용자")
    await configure(client, admin_headers, samba_dc, base_dns=[ou],
                    attribute_mapping={"name": "displayName"})

    result = await run_sync(client, admin_headers, temporal_client, "full")
    assert result["status"] == "partial"
    assert (result["created_count"], result["error_count"]) == (2, 2), result
    codes = {e["code"] for e in result["error_details"]}
    assert codes == {"AD_ENTRY_MISSING_ATTRIBUTE", "AD_DUPLICATE_USERNAME"}
    users = await users_by_name(sessions)
    assert users["taken"].id == local["id"] and users["taken"].auth_source.value == "local"
    assert users["taken"].name == "로컬 사용자"
    assert "noname" not in users and users["weird(x)"].name == "특수 문자"


async def test_dropped_connection_resumes_without_duplicates(
    client: httpx.AsyncClient, admin_headers: dict[str, str], directory: DirectoryAdmin, samba_dc: SambaDC,
    sessions: Any, settings: Any,
) -> None:
    ou = directory.add_ou(f"OU=Drop,{CORP}")
    for n in range(7):
        directory.add_user(f"drop{n}", ou, display_name=f"끊김{n}")
    await configure(client, admin_headers, samba_dc, base_dns=[ou])
    async with sessions() as session:
        row = ADSyncLog(status="running", mode="full", trigger="manual", progress={}, error_details=[])
        session.add(row)
        await session.commit()
        log_id = row.id

    pages: list[dict[str, Any]] = []

    def drop_after_first_page(details: dict[str, Any]) -> None:
        pages.append(details)
        if len(pages) == 1:
            samba_dc.stop()  # the directory goes away mid-sync

    from portal.adsync.directory import DirectoryError

    key = settings.encryption_key_bytes
    with pytest.raises(DirectoryError) as failure:
        await Syncer(sessions, key, heartbeat=drop_after_first_page, page_size=3, timeout=2).run(log_id)
    assert failure.value.retryable, failure.value.code
    samba_dc.start()
    directory.conn = DirectoryAdmin.connect(ca=samba_dc.ca_certificate).conn
    async with sessions() as session:
        written = len((await session.execute(select(User).where(User.username.like("drop%")))).scalars().all())
        progress = (await session.get(ADSyncLog, log_id)).progress
    # Whole pages only (the page read ahead may have landed too), and the log row knows exactly how many.
    assert written in (3, 6) and progress["pages_done"] == written // 3
    outcome = await Syncer(sessions, key, page_size=3).run(log_id)
    assert (outcome.counts.created, outcome.counts.processed, outcome.counts.unchanged) == (7, 7, 0)
    async with sessions() as session:
        rows = (await session.execute(select(User).where(User.username.like("drop%")))).scalars().all()
    assert sorted(u.username for u in rows) == [f"drop{n}" for n in range(7)]


async def test_deactivated_current_approver_flags_the_document(
    client: httpx.AsyncClient, admin_headers: dict[str, str], directory: DirectoryAdmin, samba_dc: SambaDC,
    temporal_client: Client, sessions: Any, make_user: Any, settings: Any,
) -> None:
    from tests.approval_helpers import draft, eventually, submit

    ou = directory.add_ou(f"OU=Retire,{CORP}")
    approver_dn = directory.add_user("retiring", ou, display_name="퇴직예정")
    await configure(client, admin_headers, samba_dc, base_dns=[ou])
    await run_sync(client, admin_headers, temporal_client, "full")
    users = await users_by_name(sessions)
    drafter = await make_user(name="기안자")
    doc = await draft(client, drafter["headers"], line={"steps": [{"approvers": [users["retiring"].id]}]})
    await submit(client, drafter["headers"], doc["id"])

    async def pending() -> bool:
        async with sessions() as session:
            line = (await session.execute(select(ApprovalLine).where(
                ApprovalLine.document_id == doc["id"]))).scalar_one()
        return line.status == "pending"

    await eventually(pending)
    directory.set_enabled(approver_dn, False)
    result = await run_sync(client, admin_headers, temporal_client, "incremental")
    assert result["deactivated_count"] == 1
    async with sessions() as session:
        flagged = await session.get(ApprovalDocument, doc["id"])
        notes = (await session.execute(select(Notification).where(
            Notification.type == "approval.approver_inactive"))).scalars().all()
    assert flagged is not None and flagged.attention is not None
    assert flagged.attention["reason"] == "approver_inactive"
    assert flagged.attention["user_ids"] == [users["retiring"].id]
    assert {n.user_id for n in notes} >= {drafter["id"], 1}  # the drafter and the admin
    # The approval run heard about it, durably, in its own history.
    history = await temporal_client.get_workflow_handle(
        f"{settings.temporal_prefix}approval-{doc['id']}").fetch_history()
    signals = [e.workflow_execution_signaled_event_attributes.signal_name for e in history.events
               if e.HasField("workflow_execution_signaled_event_attributes")]
    assert "approver_deactivated" in signals
    view = await temporal_client.get_workflow_handle(
        f"{settings.temporal_prefix}approval-{doc['id']}").query("status_view")
    assert view["approver_deactivated_by_sync"] == [result["id"]] and view["status"] == "in_progress"
