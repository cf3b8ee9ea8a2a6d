"""Adversarial review of bad input, second round: auth, users and roles, the org chart, delegations,
notifications and the admin endpoints. Each test is a probe that found a defect (or guards a rule nothing else
checks); it asserts the status, the stable error code and that a refused request changed nothing."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from portal.audit.models import AuditLog
from portal.notify.models import Notification
from tests.conftest import USER_PASSWORD, bearer, login

USERS = "/api/v1/admin/users"
ORGS = "/api/v1/admin/organizations"
DELEGATIONS = "/api/v1/approval/delegations"
REFRESH = "/api/v1/auth/refresh"
JSON = {"Content-Type": "application/json"}


def _code(r) -> str:
    return r.json()["error"]["code"]


async def _refresh(client, token: str):
    return await client.post(REFRESH, json={"refresh_token": token})


# --- sessions end when an administrator takes an account back ---------------------------------------

async def test_an_administrators_password_reset_ends_the_users_refresh_sessions(client, make_user, admin_headers):
    """Was a hole: the reset bumped the token version, but the old refresh token minted a fresh access token."""
    user = await make_user()
    r = await client.put(f"{USERS}/{user['id']}", json={"password": "Reset-By-Admin-77"}, headers=admin_headers)
    assert r.status_code == 200, r.text
    r = await _refresh(client, user["tokens"]["refresh_token"])
    assert r.status_code == 401 and _code(r) == "INVALID_REFRESH_TOKEN", r.text
    assert (await client.get("/api/v1/users/me", headers=user["headers"])).status_code == 401
    await login(client, user["username"], "Reset-By-Admin-77")


async def test_reactivating_an_account_does_not_revive_its_old_sessions(client, make_user, admin_headers):
    """Deactivation (by PUT or DELETE) only made refresh refuse while inactive; reactivation brought every
    refresh token issued before it back."""
    by_put, by_delete = await make_user(), await make_user()
    assert (await client.put(f"{USERS}/{by_put['id']}", json={"is_active": False},
                             headers=admin_headers)).status_code == 200
    assert (await client.delete(f"{USERS}/{by_delete['id']}", headers=admin_headers)).status_code == 200
    for user in (by_put, by_delete):
        r = await client.put(f"{USERS}/{user['id']}", json={"is_active": True}, headers=admin_headers)
        assert r.status_code == 200 and r.json()["data"]["is_active"] is True, r.text
        r = await _refresh(client, user["tokens"]["refresh_token"])
        assert r.status_code == 401 and _code(r) == "INVALID_REFRESH_TOKEN", r.text
        await login(client, user["username"], USER_PASSWORD)  # the account itself works again


async def test_an_administrator_cannot_deactivate_themselves_through_an_update(client, make_user):
    """DELETE refused it (`SELF_DEACTIVATION`); `PUT {"is_active": false}` did it."""
    second_admin = await make_user(roles=["user", "system_admin"])
    r = await client.put(f"{USERS}/{second_admin['id']}", json={"is_active": False, "position": "퇴사"},
                         headers=second_admin["headers"])
    assert r.status_code == 409 and _code(r) == "SELF_DEACTIVATION", r.text
    me = await client.get("/api/v1/users/me", headers=second_admin["headers"])
    assert me.status_code == 200 and me.json()["data"]["is_active"] is True and me.json()["data"]["position"] is None


# --- department administrators stay inside their remit -----------------------------------------------

async def test_a_department_admin_can_neither_strip_roles_nor_deactivate_a_system_admin(client, make_user,
                                                                                        admin_headers):
    """Assigning roles needs `roles:manage`, but `roles: ["user"]` (taking every other role away) passed for
    anyone; and DELETE lacked the check PUT has, so a department admin could deactivate a system admin."""
    boss = await make_user(roles=["user", "dept_admin"])
    sales = (await client.post(ORGS, json={"name": "영업부", "manager_id": boss["id"]},
                               headers=admin_headers)).json()["data"]
    peer = await make_user(login_as=False, roles=["user", "dept_admin"], department_id=sales["id"])
    root = await make_user(roles=["user", "system_admin"], department_id=sales["id"])
    clerk = await make_user(login_as=False, department_id=sales["id"])
    h = bearer((await login(client, boss["username"], USER_PASSWORD))["access_token"])

    r = await client.put(f"{USERS}/{peer['id']}", json={"roles": ["user"]}, headers=h)
    assert r.status_code == 403 and _code(r) == "PERMISSION_DENIED", r.text
    r = await client.delete(f"{USERS}/{root['id']}", headers=h)
    assert r.status_code == 403 and _code(r) == "PERMISSION_DENIED", r.text
    assert (await client.get(f"{USERS}/{peer['id']}", headers=admin_headers)).json()["data"]["roles"] == [
        "dept_admin", "user"]
    assert (await client.get("/api/v1/users/me", headers=root["headers"])).status_code == 200
    # what stays allowed: the basic role for an ordinary member, and deactivating one
    r = await client.put(f"{USERS}/{clerk['id']}", json={"roles": ["user"], "position": "사원"}, headers=h)
    assert r.status_code == 200 and r.json()["data"]["roles"] == ["user"], r.text
    assert (await client.delete(f"{USERS}/{clerk['id']}", headers=h)).status_code == 200


async def test_uniqueness_holds_by_case_on_update_and_under_concurrent_creates(client, make_user, admin_headers):
    first = await make_user(login_as=False, employee_number="Ab-7", email="Ärger@example.com")
    second = await make_user(login_as=False)
    for field, value, code in (("email", "ärger@EXAMPLE.com", "EMAIL_TAKEN"),
                               ("employee_number", "aB-7", "EMPLOYEE_NUMBER_TAKEN")):
        r = await client.put(f"{USERS}/{second['id']}", json={field: value, "position": "x"}, headers=admin_headers)
        assert r.status_code == 409 and _code(r) == code, r.text
    after = (await client.get(f"{USERS}/{second['id']}", headers=admin_headers)).json()["data"]
    assert (after["email"], after["employee_number"], after["position"]) == (second["email"], None, None)
    r = await client.put(f"{USERS}/{first['id']}", json={"employee_number": "AB-7"}, headers=admin_headers)
    assert r.status_code == 200 and r.json()["data"]["employee_number"] == "AB-7"  # its own, re-cased
    answers = await asyncio.gather(*(client.post(USERS, json={"username": "Twin", "name": f"쌍둥이{i}"},
                                                 headers=admin_headers) for i in range(4)))
    assert sorted(r.status_code for r in answers) == [201, 409, 409, 409], [r.text for r in answers]
    assert {_code(r) for r in answers if r.status_code == 409} <= {"USERNAME_TAKEN", "USER_CONFLICT"}
    assert (await client.get(f"{USERS}?q=twin", headers=admin_headers)).json()["pagination"]["total"] == 1


# --- null where a value is required ------------------------------------------------------------------

async def test_null_for_a_required_field_is_422_and_changes_nothing(client, make_user, admin_headers):
    """`{"name": null}` reached a NOT NULL column: 409 USER_CONFLICT for users, a 500 for departments and
    for `/users/me`."""
    user = await make_user(position="대리")
    for body in ({"name": None}, {"is_active": None}, {"locale": None}, {"position": "과장", "name": None}):
        r = await client.put(f"{USERS}/{user['id']}", json=body, headers=admin_headers)
        assert r.status_code == 422 and _code(r) == "VALIDATION_ERROR", (body, r.text)
    r = await client.put("/api/v1/users/me", json={"locale": None, "phone": "010-1234-5678"},
                         headers=user["headers"])
    assert r.status_code == 422 and _code(r) == "VALIDATION_ERROR", r.text
    after = (await client.get(f"{USERS}/{user['id']}", headers=admin_headers)).json()["data"]
    assert (after["name"], after["is_active"], after["locale"], after["position"], after["phone"]) == (
        user["name"], True, "ko", "대리", None)
    # nullable fields can still be cleared
    r = await client.put(f"{USERS}/{user['id']}", json={"position": None, "email": None}, headers=admin_headers)
    assert r.status_code == 200 and r.json()["data"]["position"] is None and r.json()["data"]["email"] is None

    dept = (await client.post(ORGS, json={"name": "총무부", "sort_order": 3}, headers=admin_headers)).json()["data"]
    for body in ({"name": None}, {"sort_order": None}):
        r = await client.put(f"{ORGS}/{dept['id']}", json=body, headers=admin_headers)
        assert r.status_code == 422 and _code(r) == "VALIDATION_ERROR", (body, r.text)
    tree = (await client.get(ORGS, headers=admin_headers)).json()["data"]
    assert [(d["name"], d["sort_order"]) for d in tree] == [("총무부", 3)]


# --- the org chart -----------------------------------------------------------------------------------

async def test_a_deleted_department_takes_no_children_members_or_edits(client, admin_headers):
    """A deleted (soft-deleted) department still accepted sub-departments and members, which then vanished
    from the tree; it could be renamed and deleted again."""
    gone = (await client.post(ORGS, json={"name": "폐지부"}, headers=admin_headers)).json()["data"]
    live = (await client.post(ORGS, json={"name": "존속부"}, headers=admin_headers)).json()["data"]
    assert (await client.delete(f"{ORGS}/{gone['id']}", headers=admin_headers)).status_code == 200
    attempts = [
        client.post(ORGS, json={"name": "하위", "parent_id": gone["id"]}, headers=admin_headers),
        client.put(f"{ORGS}/{live['id']}", json={"parent_id": gone["id"]}, headers=admin_headers),
        client.put(f"{ORGS}/{gone['id']}", json={"name": "부활"}, headers=admin_headers),
        client.delete(f"{ORGS}/{gone['id']}", headers=admin_headers),
    ]
    for r in [await a for a in attempts]:
        assert r.status_code == 404 and _code(r) == "DEPARTMENT_NOT_FOUND", r.text
    r = await client.post(USERS, json={"username": "ghost", "name": "유령", "department_id": gone["id"]},
                          headers=admin_headers)
    assert r.status_code == 422 and _code(r) == "UNKNOWN_DEPARTMENT", r.text
    assert (await client.get(f"{USERS}?q=ghost", headers=admin_headers)).json()["pagination"]["total"] == 0
    tree = (await client.get(ORGS, headers=admin_headers)).json()["data"]
    assert [(d["id"], d["name"], d["parent_id"], d["children"]) for d in tree] == [(live["id"], "존속부", None, [])]


async def test_concurrent_department_codes_conflict_instead_of_a_500(client, admin_headers):
    """Two requests both passed the code check; the loser hit the unique index: a 500."""
    answers = await asyncio.gather(*(client.post(ORGS, json={"name": f"부서{i}", "code": "SAME"},
                                                 headers=admin_headers) for i in range(4)))
    assert sorted(r.status_code for r in answers) == [201, 409, 409, 409], [r.text for r in answers]
    assert {_code(r) for r in answers if r.status_code == 409} == {"DEPARTMENT_CODE_TAKEN"}
    depts = [(await client.post(ORGS, json={"name": f"팀{i}"}, headers=admin_headers)).json()["data"]
             for i in range(4)]
    answers = await asyncio.gather(*(client.put(f"{ORGS}/{d['id']}", json={"code": "OTHER"}, headers=admin_headers)
                                     for d in depts))
    assert sorted(r.status_code for r in answers) == [200, 409, 409, 409], [r.text for r in answers]
    assert {_code(r) for r in answers if r.status_code == 409} == {"DEPARTMENT_CODE_TAKEN"}
    tree = (await client.get(ORGS, headers=admin_headers)).json()["data"]
    assert sorted(d["code"] for d in tree if d["code"]) == ["OTHER", "SAME"]


# --- delegations -------------------------------------------------------------------------------------

async def test_concurrent_overlapping_delegations_create_only_one(client, make_user):
    """The overlap check and the insert were not serialised: simultaneous requests each created one."""
    deputy = await make_user()
    today = datetime.now(UTC).date()
    for _ in range(3):
        boss = await make_user()
        bodies = [{"delegate_id": deputy["id"], "starts_on": str(today + timedelta(days=i % 3)),
                   "ends_on": str(today + timedelta(days=3))} for i in range(6)]
        answers = await asyncio.gather(*(client.post(DELEGATIONS, json=b, headers=boss["headers"]) for b in bodies))
        assert sorted(r.status_code for r in answers) == [201] + [409] * 5, [r.text for r in answers]
        assert {_code(r) for r in answers if r.status_code == 409} == {"DELEGATION_OVERLAP"}
        assert len((await client.get(DELEGATIONS, headers=boss["headers"])).json()["data"]) == 1


# --- auth --------------------------------------------------------------------------------------------

async def test_parallel_wrong_passwords_still_lock_the_account(client, make_user, sessions):
    """Each failure read the count and wrote it back plus one: parallel guesses all wrote 1, and the account
    never locked."""
    user = await make_user(login_as=False)
    answers = await asyncio.gather(*(client.post("/api/v1/auth/login", json={"username": user["username"],
                                                                             "password": f"Guess-{i}-pass"})
                                     for i in range(8)))
    # a guess that arrives after the lock is told so; before the fix none was, and none locked
    assert {(r.status_code, _code(r)) for r in answers} <= {(401, "INVALID_CREDENTIALS"), (403, "ACCOUNT_LOCKED")}
    r = await client.post("/api/v1/auth/login", json={"username": user["username"], "password": USER_PASSWORD})
    assert r.status_code == 403 and _code(r) == "ACCOUNT_LOCKED", r.text
    async with sessions() as session:
        reasons = (await session.execute(select(AuditLog.details["reason"].astext).where(
            AuditLog.action == "auth.login", AuditLog.target_id == str(user["id"])))).scalars().all()
    assert reasons.count("locked_now") == 1 and set(reasons) <= {"bad_password", "locked_now", "locked"}, reasons
    assert len(reasons) == 9


async def test_guessing_the_current_password_on_change_password_is_rate_limited(client, make_user, settings):
    """With a stolen access token, change-password was an unlimited oracle for the account's password."""
    user = await make_user()
    url = "/api/v1/auth/change-password"
    for i in range(settings.login_rate_per_username):
        r = await client.post(url, headers=user["headers"],
                              json={"current_password": f"guess-{i}", "new_password": "Brand-New-Pass-7"})
        assert r.status_code == 401 and _code(r) == "INVALID_CREDENTIALS", r.text
    r = await client.post(url, headers=user["headers"],
                          json={"current_password": USER_PASSWORD, "new_password": "Brand-New-Pass-7"})
    assert r.status_code == 429 and _code(r) == "TOO_MANY_ATTEMPTS", r.text
    assert int(r.headers["retry-after"]) >= 1
    await login(client, user["username"], USER_PASSWORD)  # unchanged
    assert (await client.get("/api/v1/users/me", headers=user["headers"])).status_code == 200


async def test_nul_and_lone_surrogates_in_auth_bodies_are_refused_cleanly(client, admin_headers):
    cases = [
        ("/api/v1/auth/login", b'{"username": "\\ud800", "password": "x"}', 422, "VALIDATION_ERROR"),
        ("/api/v1/auth/login", b'{"username": "admin", "password": "\\udfff"}', 422, "VALIDATION_ERROR"),
        ("/api/v1/auth/login", b'{"username": "admin\\u0000", "password": "x"}', 422, "INVALID_VALUE"),
        ("/api/v1/auth/login", b'{"username": "admin", "password": "a\\u0000b"}', 401, "INVALID_CREDENTIALS"),
        (REFRESH, b'{"refresh_token": "\\u0000"}', 401, "INVALID_REFRESH_TOKEN"),
        (REFRESH, b'{"refresh_token": "\\ud800"}', 422, "VALIDATION_ERROR"),
        ("/api/v1/auth/verify-token", b'{"token": "\\ud800.a.b"}', 422, "VALIDATION_ERROR"),
    ]
    for url, body, status, code in cases:
        r = await client.post(url, content=body, headers=JSON)
        assert r.status_code == status and _code(r) == code, (url, body, r.text)
    r = await client.post("/api/v1/auth/logout", content=b'{"refresh_token": "\\ud800"}',
                          headers={**admin_headers, **JSON})
    assert r.status_code == 422 and _code(r) == "VALIDATION_ERROR", r.text
    assert (await client.get("/api/v1/users/me", headers=admin_headers)).status_code == 200  # not logged out


# --- notifications -----------------------------------------------------------------------------------

async def test_marking_someone_elses_notifications_read_touches_nothing(client, make_user, sessions):
    owner, other = await make_user(), await make_user()
    async with sessions() as session:
        rows = [Notification(user_id=owner["id"], type="test", title=f"n{i}") for i in range(3)]
        session.add_all(rows)
        await session.commit()
        ids = [n.id for n in rows]
    for body in ({"ids": ids}, {"ids": [*ids, 2**62]}):
        r = await client.post("/api/v1/notifications/read", json=body, headers=other["headers"])
        assert r.status_code == 200 and r.json()["data"] == {"updated": 0}, r.text
    r = await client.post("/api/v1/notifications/read", json={"ids": [2**63]}, headers=other["headers"])
    assert r.status_code == 422 and _code(r) == "INVALID_VALUE", r.text
    async with sessions() as session:
        unread = (await session.execute(select(Notification.id).where(Notification.is_read.is_(False)))).scalars()
        assert sorted(unread) == sorted(ids)
    mine = await client.get("/api/v1/notifications?page=100000&limit=100", headers=owner["headers"])
    assert mine.status_code == 200 and mine.json()["data"] == [] and mine.json()["unread"] == 3
    assert mine.json()["pagination"] == {"page": 100000, "limit": 100, "total": 3, "totalPages": 1}
