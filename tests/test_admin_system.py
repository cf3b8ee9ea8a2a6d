"""System settings (typed, audited, cached) and usage statistics for administrators."""

from __future__ import annotations

import copy
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from api.main import create_app
from portal.admin.models import SystemSetting
from portal.approval.models import ApprovalDocument
from portal.board.models import Board, Post
from portal.devstack.services import free_port
from tests.conftest import ADMIN_PASSWORD, USER_PASSWORD, bearer, login, make_settings

SETTINGS = "/api/v1/admin/settings"
STATS = "/api/v1/admin/statistics"

VALID = {
    "company_name": "오픈 그룹웨어",
    "default_locale": "en",
    "sla": {"reminder_hours": 12, "escalation_hours": 48},
    "uploads": {"max_upload_mb": 25},
    "password_policy": {"min_length": 12, "require_classes": 4},
}


def changed(path: str, value):
    body = copy.deepcopy(VALID)
    *parents, leaf = path.split(".")
    target: Any = body
    for key in parents:
        target = target[key]
    if value is _DROP:
        del target[leaf]
    else:
        target[leaf] = value
    return body


_DROP = object()


async def _admin_id(client, admin_headers):
    return (await client.get("/api/v1/users/me", headers=admin_headers)).json()["data"]["id"]


@asynccontextmanager
async def _app_without_redis(services, database):
    app = create_app(make_settings(services, database, redis_url=f"redis://127.0.0.1:{free_port()}/0"))
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
            yield http


# --- settings -----------------------------------------------------------------------------------------

async def test_defaults_apply_until_an_administrator_saves(client, admin_headers):
    r = await client.get(SETTINGS, headers=admin_headers)
    assert r.status_code == 200
    data = r.json()["data"]
    assert data["is_default"] is True and data["updated_at"] is None and data["updated_by"] is None
    assert data["settings"] == {
        "company_name": "Groupware",
        "default_locale": "ko",
        "sla": {"reminder_hours": 24, "escalation_hours": 72},
        "uploads": {"max_upload_mb": 8},  # GW_MAX_UPLOAD_BYTES
        "password_policy": {"min_length": 10, "require_classes": 3},  # GW_PASSWORD_MIN_LENGTH
    }


async def test_saving_replaces_the_settings_audits_the_change_and_refreshes_the_cache(client, admin_headers):
    assert (await client.get(SETTINGS, headers=admin_headers)).json()["data"]["is_default"] is True  # now cached
    r = await client.put(SETTINGS, json=VALID, headers=admin_headers)
    assert r.status_code == 200, r.text
    admin_id = await _admin_id(client, admin_headers)
    for data in (r.json()["data"], (await client.get(SETTINGS, headers=admin_headers)).json()["data"]):
        assert data["settings"] == VALID and data["is_default"] is False
        assert data["updated_by"] == admin_id and data["updated_at"]

    logs = (await client.get("/api/v1/admin/audit-logs", params={"action": "admin.settings_update"},
                             headers=admin_headers)).json()["data"]
    assert len(logs) == 1 and logs[0]["actor_id"] == admin_id and logs[0]["target_type"] == "system_settings"
    changes = logs[0]["details"]["changes"]
    assert changes["company_name"] == {"from": "Groupware", "to": "오픈 그룹웨어"}
    assert changes["uploads.max_upload_mb"] == {"from": 8, "to": 25}
    assert set(changes) == {"company_name", "default_locale", "sla.reminder_hours", "sla.escalation_hours",
                            "uploads.max_upload_mb", "password_policy.min_length",
                            "password_policy.require_classes"}

    second = changed("uploads.max_upload_mb", 100)
    assert (await client.put(SETTINGS, json=second, headers=admin_headers)).status_code == 200
    logs = (await client.get("/api/v1/admin/audit-logs", params={"action": "admin.settings_update"},
                             headers=admin_headers)).json()["data"]
    assert len(logs) == 2
    assert {tuple(log["details"]["changes"]) for log in logs} >= {("uploads.max_upload_mb",)}
    latest = (await client.get(SETTINGS, headers=admin_headers)).json()["data"]["settings"]
    assert latest["uploads"]["max_upload_mb"] == 100 and latest["company_name"] == "오픈 그룹웨어"


async def test_a_template_without_its_own_sla_takes_the_saved_defaults_at_submission(
        client, admin_headers, make_user, worker, temporal_client):
    import json

    from tests.approval_helpers import draft, submit

    r = await client.post("/api/v1/approval/templates", headers=admin_headers, json={
        "code": "NOSLA", "name": "SLA 없음", "form_schema": {"fields": []}})
    assert r.status_code == 201, r.text
    approver, drafter = await make_user(), await make_user()
    line = {"steps": [{"approvers": [approver["id"]]}]}

    async def submitted_sla() -> dict[str, Any]:
        doc = await draft(client, drafter["headers"], template="NOSLA", line=line, form={})
        submitted = await submit(client, drafter["headers"], doc["id"])
        history = await temporal_client.get_workflow_handle(submitted["workflow_id"]).fetch_history()
        start = history.events[0].workflow_execution_started_event_attributes
        sla: dict[str, Any] = json.loads(start.input.payloads[0].data)["sla"]
        return sla

    assert await submitted_sla() == {"reminder_after_seconds": 24 * 3600.0, "escalate_after_seconds": 72 * 3600.0}
    assert (await client.put(SETTINGS, json=VALID, headers=admin_headers)).status_code == 200
    assert await submitted_sla() == {"reminder_after_seconds": 12 * 3600.0, "escalate_after_seconds": 48 * 3600.0}


async def test_reads_are_served_from_redis(client, admin_headers, sessions, redis):
    await client.put(SETTINGS, json=VALID, headers=admin_headers)
    assert (await client.get(SETTINGS, headers=admin_headers)).json()["data"]["settings"]["company_name"] == VALID[
        "company_name"]
    async with sessions() as session:  # behind the API's back: the cached copy keeps being served
        await session.execute(update(SystemSetting).values(value=changed("company_name", "바뀐 이름")))
        await session.commit()
    cached = await client.get(SETTINGS, headers=admin_headers)
    assert cached.json()["data"]["settings"]["company_name"] == VALID["company_name"]
    assert 0 < await redis.ttl("system-settings:current") <= 300
    await redis.delete("system-settings:current")
    fresh = await client.get(SETTINGS, headers=admin_headers)
    assert fresh.json()["data"]["settings"]["company_name"] == "바뀐 이름"


async def test_stored_settings_missing_a_newer_field_get_its_default(client, admin_headers, sessions):
    stored = changed("password_policy", _DROP)
    async with sessions() as session:
        session.add(SystemSetting(id=1, value=stored))
        await session.commit()
    data = (await client.get(SETTINGS, headers=admin_headers)).json()["data"]
    assert data["settings"]["company_name"] == VALID["company_name"]
    assert data["settings"]["password_policy"] == {"min_length": 10, "require_classes": 3}


async def test_settings_work_while_redis_is_down(services, database, client):
    tokens = await login(client, "admin", ADMIN_PASSWORD)  # issued while Redis was up
    headers = bearer(tokens["access_token"])
    async with _app_without_redis(services, database) as http:
        assert (await http.get(SETTINGS, headers=headers)).json()["data"]["is_default"] is True
        r = await http.put(SETTINGS, json=VALID, headers=headers)
        assert r.status_code == 200, r.text
        assert (await http.get(SETTINGS, headers=headers)).json()["data"]["settings"] == VALID


BAD_SETTINGS = [
    ("unknown locale", changed("default_locale", "fr")),
    ("empty company name", changed("company_name", "   ")),
    ("overlong company name", changed("company_name", "가" * 101)),
    ("upload limit 0", changed("uploads.max_upload_mb", 0)),
    ("upload limit 101", changed("uploads.max_upload_mb", 101)),
    ("password shorter than 8", changed("password_policy.min_length", 7)),
    ("password longer than 64", changed("password_policy.min_length", 65)),
    ("no character classes", changed("password_policy.require_classes", 0)),
    ("five character classes", changed("password_policy.require_classes", 5)),
    ("zero reminder hours", changed("sla.reminder_hours", 0)),
    ("escalation before reminder", changed("sla.escalation_hours", 6)),
    ("number as a string", changed("uploads.max_upload_mb", "10")),
    ("number as a float", changed("uploads.max_upload_mb", 10.5)),
    ("number as a boolean", changed("password_policy.require_classes", True)),
    ("huge number", changed("uploads.max_upload_mb", 10**40)),
    ("group not an object", changed("sla", [24, 72])),
    ("missing field", changed("company_name", _DROP)),
    ("missing nested field", changed("sla.escalation_hours", _DROP)),
    ("unknown field", {**VALID, "theme": "dark"}),
    ("unknown nested field", changed("uploads.max_files", 3)),
    ("null", changed("default_locale", None)),
    ("not an object", [VALID]),
]


@pytest.mark.parametrize(("case", "body"), BAD_SETTINGS, ids=[c[0] for c in BAD_SETTINGS])
async def test_invalid_settings_are_422_in_the_error_envelope(client, admin_headers, case, body):
    r = await client.put(SETTINGS, json=body, headers=admin_headers)
    assert r.status_code == 422, (case, r.text)
    payload = r.json()
    assert payload["success"] is False and payload["error"]["code"] == "VALIDATION_ERROR"
    assert payload["error"]["details"]["errors"] and "가" * 101 not in r.text
    assert (await client.get(SETTINGS, headers=admin_headers)).json()["data"]["is_default"] is True


async def test_malformed_settings_json_is_400(client, admin_headers):
    r = await client.put(SETTINGS, content=b'{"company_name": ', headers={**admin_headers,
                                                                         "Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "MALFORMED_JSON"


async def test_only_administrators_see_settings_and_statistics(client, make_user):
    employee = await make_user()
    dept_admin = await make_user(roles=["dept_admin"])
    for user in (employee, dept_admin):
        for method, url, body in (("GET", SETTINGS, None), ("PUT", SETTINGS, VALID), ("GET", STATS, None)):
            r = await client.request(method, url, json=body, headers=user["headers"])
            assert r.status_code == 403, (method, url)
            assert r.json()["error"]["code"] == "PERMISSION_DENIED"
    for method, url in (("GET", SETTINGS), ("PUT", SETTINGS), ("GET", STATS)):
        assert (await client.request(method, url, json=VALID)).status_code == 401


# --- statistics ---------------------------------------------------------------------------------------

async def test_statistics_count_users_logins_documents_and_posts(client, admin_headers, make_user, sessions):
    users = [await make_user() for _ in range(3)]  # each logs in once
    r = await client.delete(f"/api/v1/admin/users/{users[2]['id']}", headers=admin_headers)
    assert r.status_code == 200
    await login(client, users[0]["username"], USER_PASSWORD)
    bad = await client.post("/api/v1/auth/login", json={"username": users[1]["username"], "password": "wrong-1"})
    assert bad.status_code == 401  # failed logins do not count

    today = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    async with sessions() as session:
        board = Board(name="자유게시판")
        session.add(board)
        await session.flush()
        author = users[0]["id"]
        for days_ago, n in ((0, 2), (3, 1), (29, 1), (30, 4), (45, 2)):
            for _ in range(n):
                session.add(Post(board_id=board.id, author_id=author, title="글", content="",
                                 created_at=today - timedelta(days=days_ago)))
        for status, n in (("draft", 2), ("in_progress", 3), ("approved", 1)):
            for _ in range(n):
                session.add(ApprovalDocument(author_id=author, document_type="GEN", title="문서", status=status))
        await session.commit()

    r = await client.get(STATS, headers=admin_headers)
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert data["active_users"] == 3  # admin and two of the three
    assert data["documents_per_status"] == {"draft": 2, "in_progress": 3, "approved": 1}
    assert data["timezone"] == "UTC" and data["until"] == today.date().isoformat()
    logins, posts = data["logins_per_day"], data["posts_per_day"]
    assert len(logins) == len(posts) == 30
    assert logins[0]["day"] == data["since"] and logins[-1]["day"] == data["until"]
    # admin (fixture) + three new users + one more login; the failed attempt is left out
    assert logins[-1]["count"] == 5 and sum(d["count"] for d in logins) == 5
    by_day = {d["day"]: d["count"] for d in posts}
    assert by_day[today.date().isoformat()] == 2
    assert by_day[(today - timedelta(days=3)).date().isoformat()] == 1
    assert by_day[(today - timedelta(days=29)).date().isoformat()] == 1
    assert sum(by_day.values()) == 4  # 30 and 45 days ago are outside the window


async def test_saved_settings_take_effect_for_passwords_uploads_and_sla(client, admin_headers, make_user):
    current = (await client.get("/api/v1/admin/settings", headers=admin_headers)).json()["data"]["settings"]
    stricter = {**current, "password_policy": {"min_length": 16, "require_classes": 4},
                "uploads": {"max_upload_mb": 1}, "sla": {"reminder_hours": 2, "escalation_hours": 5}}
    assert (await client.put("/api/v1/admin/settings", json=stricter, headers=admin_headers)).status_code == 200
    weak = await client.post("/api/v1/admin/users", headers=admin_headers, json={
        "username": "policy1", "name": "정책", "password": "Employeepass4242"})  # 16 chars but only 3 classes
    assert weak.status_code == 422 and weak.json()["error"]["code"] == "WEAK_PASSWORD"
    short = await client.post("/api/v1/admin/users", headers=admin_headers, json={
        "username": "policy2", "name": "정책", "password": "Emp-Pass-42"})  # 4 classes but 11 chars
    assert short.status_code == 422
    strong = await client.post("/api/v1/admin/users", headers=admin_headers, json={
        "username": "policy3", "name": "정책", "password": "Employee-Pass-42"})
    assert strong.status_code == 201
    doc = await client.post("/api/v1/approval/documents", headers=admin_headers, json={
        "template_code": "GEN", "title": "t", "form_data": {"purpose": "x"},
        "line": {"steps": [{"approvers": [strong.json()["data"]["id"]]}]}})
    big = b"%PDF-1.7\n" + b"0" * (1024 * 1024 + 10)
    r = await client.post(f"/api/v1/approval/documents/{doc.json()['data']['id']}/attachments",
                          files={"file": ("big.pdf", big, "application/pdf")}, headers=admin_headers)
    assert r.status_code == 413 and r.json()["error"]["code"] == "FILE_TOO_LARGE"


def test_templates_without_an_sla_use_the_system_default():
    from portal.approval.lines import sla_policy
    from portal.approval.models import ApprovalTemplate
    from workflows.approval_contracts import SlaPolicy

    defaults = SlaPolicy(reminder_after_seconds=7200, escalate_after_seconds=18000)
    bare = ApprovalTemplate(code="X", name="x", sla_policy={})
    assert sla_policy(bare, defaults) == defaults
    own = ApprovalTemplate(code="Y", name="y", sla_policy={"reminder_after_seconds": 60})
    assert sla_policy(own, defaults) == SlaPolicy(reminder_after_seconds=60, escalate_after_seconds=18000)
