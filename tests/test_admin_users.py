"""Admin user management: creation rules, RBAC, department scoping, deactivation and the audit trail."""

from __future__ import annotations

from sqlalchemy import select

from portal.audit.models import AuditLog
from tests.conftest import USER_PASSWORD, bearer, login

USERS = "/api/v1/admin/users"


async def test_admin_creates_a_user_who_can_log_in(client, admin_headers):
    body = {"username": "Hong.GilDong", "name": "홍길동", "email": "hong@example.com", "password": USER_PASSWORD,
            "employee_number": "E-0001", "position": "대리"}
    r = await client.post(USERS, json=body, headers=admin_headers)
    assert r.status_code == 201, r.text
    data = r.json()["data"]
    assert data["username"] == "hong.gildong" and data["roles"] == ["user"] and data["auth_source"] == "local"
    assert "password" not in data and "password_hash" not in data
    assert (await login(client, "hong.gildong", USER_PASSWORD))["access_token"]


async def test_duplicates_conflict_with_stable_codes(client, make_user, admin_headers):
    user = await make_user(login_as=False, employee_number="E-7")
    for field, code in (("username", "USERNAME_TAKEN"), ("email", "EMAIL_TAKEN"),
                        ("employee_number", "EMPLOYEE_NUMBER_TAKEN")):
        body = {"username": "fresh", "name": "새사람", "email": "fresh@example.com", field: user[field]}
        r = await client.post(USERS, json=body, headers=admin_headers)
        assert r.status_code == 409, field
        assert r.json()["error"]["code"] == code


async def test_create_validates_input(client, admin_headers):
    bad_bodies = [
        {"name": "이름만"},
        {"username": "a", "name": "짧은아이디"},
        {"username": "has space", "name": "공백"},
        {"username": "ok_name", "name": ""},
        {"username": "ok_name", "name": "x" * 101},
        {"username": "ok_name", "name": "이메일", "email": "not-an-email"},
        {"username": "ok_name", "name": "타입", "department_id": "one"},
        {"username": "ok_name", "name": "알수없는필드", "is_superuser": True},
    ]
    for body in bad_bodies:
        r = await client.post(USERS, json=body, headers=admin_headers)
        assert r.status_code == 422, body
        assert r.json()["error"]["code"] == "VALIDATION_ERROR"
    weak = await client.post(USERS, json={"username": "weakling", "name": "약함", "password": "password"},
                             headers=admin_headers)
    assert weak.status_code == 422 and weak.json()["error"]["code"] == "WEAK_PASSWORD"
    unknown_dept = await client.post(USERS, json={"username": "lost", "name": "미아", "department_id": 4242},
                                     headers=admin_headers)
    assert unknown_dept.status_code == 422 and unknown_dept.json()["error"]["code"] == "UNKNOWN_DEPARTMENT"
    unknown_role = await client.post(USERS, json={"username": "roleless", "name": "역할", "roles": ["wizard"]},
                                     headers=admin_headers)
    assert unknown_role.status_code == 422 and unknown_role.json()["error"]["code"] == "UNKNOWN_ROLE"


async def test_failed_create_writes_nothing(client, admin_headers):
    await client.post(USERS, json={"username": "halfway", "name": "중간", "roles": ["wizard"]},
                      headers=admin_headers)
    r = await client.get(f"{USERS}?q=halfway", headers=admin_headers)
    assert r.json()["pagination"]["total"] == 0


async def test_ordinary_users_cannot_reach_admin_routes(client, make_user):
    user = await make_user()
    h = user["headers"]
    checks = [
        ("GET", USERS, None), ("POST", USERS, {"username": "x1", "name": "x"}),
        ("PUT", f"{USERS}/1", {"name": "탈취"}), ("DELETE", f"{USERS}/1", None),
        ("POST", "/api/v1/admin/organizations", {"name": "부서"}),
        ("GET", "/api/v1/admin/audit-logs", None), ("POST", "/api/v1/admin/system/worker-check", None),
    ]
    for method, path, body in checks:
        r = await client.request(method, path, json=body, headers=h)
        assert r.status_code == 403, (method, path)
        assert r.json()["error"]["code"] == "PERMISSION_DENIED"


async def test_role_change_takes_effect_on_existing_tokens(client, make_user, admin_headers):
    user = await make_user()
    r = await client.put(f"{USERS}/{user['id']}", json={"roles": ["user", "system_admin"]}, headers=admin_headers)
    assert r.status_code == 200 and r.json()["data"]["roles"] == ["system_admin", "user"]
    # The old token (without the new role) is retired; a fresh login carries the new permissions.
    assert (await client.get(USERS, headers=user["headers"])).status_code == 401
    tokens = await login(client, user["username"], USER_PASSWORD)
    assert (await client.get(USERS, headers=bearer(tokens["access_token"]))).status_code == 200


async def test_deactivation_ends_sessions_and_is_soft(client, make_user, admin_headers):
    user = await make_user()
    r = await client.delete(f"{USERS}/{user['id']}", headers=admin_headers)
    assert r.status_code == 200 and r.json()["data"]["is_active"] is False
    assert (await client.get("/api/v1/users/me", headers=user["headers"])).status_code == 401
    refresh = await client.post("/api/v1/auth/refresh", json={"refresh_token": user["tokens"]["refresh_token"]})
    assert refresh.status_code == 401
    still_there = await client.get(f"{USERS}/{user['id']}", headers=admin_headers)
    assert still_there.status_code == 200


async def test_the_last_system_admin_cannot_be_removed(client, admin_headers):
    r = await client.put(f"{USERS}/1", json={"roles": ["user"]}, headers=admin_headers)
    assert r.status_code == 409 and r.json()["error"]["code"] == "LAST_ADMIN"
    r = await client.put(f"{USERS}/1", json={"is_active": False}, headers=admin_headers)
    assert r.status_code == 409 and r.json()["error"]["code"] == "LAST_ADMIN"
    r = await client.delete(f"{USERS}/1", headers=admin_headers)
    assert r.status_code == 409 and r.json()["error"]["code"] == "SELF_DEACTIVATION"


async def test_department_admin_manages_only_their_departments(client, make_user, admin_headers):
    boss = await make_user(login_as=False, roles=["user", "dept_admin"])
    sales = (await client.post("/api/v1/admin/organizations", json={"name": "영업부", "manager_id": boss["id"]},
                               headers=admin_headers)).json()["data"]
    team = (await client.post("/api/v1/admin/organizations", json={"name": "영업1팀", "parent_id": sales["id"]},
                              headers=admin_headers)).json()["data"]
    hr = (await client.post("/api/v1/admin/organizations", json={"name": "인사부"},
                            headers=admin_headers)).json()["data"]
    h = bearer((await login(client, boss["username"], USER_PASSWORD))["access_token"])

    inside = await client.post(USERS, json={"username": "sales1", "name": "영업사원", "department_id": team["id"]},
                               headers=h)
    assert inside.status_code == 201, inside.text
    outside = await client.post(USERS, json={"username": "hr1", "name": "인사담당", "department_id": hr["id"]},
                                headers=h)
    assert outside.status_code == 403 and outside.json()["error"]["code"] == "OUT_OF_SCOPE"
    homeless = await client.post(USERS, json={"username": "nodept", "name": "무소속"}, headers=h)
    assert homeless.status_code == 403
    moved_out = await client.put(f"{USERS}/{inside.json()['data']['id']}", json={"department_id": hr["id"]},
                                 headers=h)
    assert moved_out.status_code == 403
    escalate = await client.post(USERS, json={"username": "sneaky", "name": "권한상승", "department_id": team["id"],
                                              "roles": ["system_admin"]}, headers=h)
    assert escalate.status_code == 403
    touch_admin = await client.put(f"{USERS}/1", json={"position": "x"}, headers=h)
    assert touch_admin.status_code == 403


async def test_admin_actions_are_audited(client, admin_headers, sessions):
    r = await client.post(USERS, json={"username": "audited", "name": "감사", "password": USER_PASSWORD},
                          headers=admin_headers)
    uid = r.json()["data"]["id"]
    await client.put(f"{USERS}/{uid}", json={"position": "사원", "password": "Another-Pass-99"},
                     headers=admin_headers)
    await client.delete(f"{USERS}/{uid}", headers=admin_headers)
    async with sessions() as session:
        rows = (await session.execute(select(AuditLog).where(AuditLog.target_id == str(uid))
                                      .order_by(AuditLog.id))).scalars().all()
    assert [r.action for r in rows] == ["admin.user_create", "admin.user_update", "admin.user_deactivate"]
    assert all(r.actor_id == 1 for r in rows)
    assert rows[1].details["login_reset"] is True
    assert "Another-Pass-99" not in str(rows[1].details)
    logs = await client.get("/api/v1/admin/audit-logs?action=admin.user_update&order=desc",
                            headers=admin_headers)
    assert logs.status_code == 200 and logs.json()["data"][0]["target_id"] == str(uid)
