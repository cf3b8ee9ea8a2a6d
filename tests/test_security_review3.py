"""Third security review: department administrators read only their departments' users and audit rows, a
reactivated account's old sessions stay dead, lockout does not tell which usernames exist, an administrator
cannot reset their own password without the current one, and a burst at a lock's expiry is not all evaluated."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis
from sqlalchemy import delete, select, update
from temporalio.client import Client

from portal.adsync.models import ADSyncConfig
from portal.audit.models import AuditLog
from portal.auth import lockout
from portal.settings import Settings
from portal.users.models import AuthSource, User
from tests.conftest import ADMIN_PASSWORD, USER_PASSWORD, bearer, login, make_settings

USERS = "/api/v1/admin/users"
ORGS = "/api/v1/admin/organizations"
AUDIT = "/api/v1/admin/audit-logs"
LOGIN = "/api/v1/auth/login"
REFRESH = "/api/v1/auth/refresh"
WRONG = "Wrong-pass-123"


@pytest.fixture
def settings(services: Any, database: str) -> Settings:
    # Bursts in this module must meet the lockout, not the per-username rate limit (tested in test_auth.py).
    return make_settings(services, database, login_rate_per_username=100, login_rate_per_ip=1000)


def _code(response: httpx.Response) -> str:
    code: str = response.json()["error"]["code"]
    return code


async def _department(client: httpx.AsyncClient, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    response = await client.post(ORGS, json=body, headers=headers)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


async def _all_audit_rows(client: httpx.AsyncClient, headers: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    page = 1
    while True:
        response = await client.get(AUDIT, params={"limit": 100, "page": page, **params}, headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        rows.extend(body["data"])
        if page >= body["pagination"]["totalPages"]:
            return rows
        page += 1


@pytest.fixture
async def org(client: httpx.AsyncClient, admin_headers: dict[str, str], make_user: Any) -> dict[str, Any]:
    """영업부 (managed by `boss`, a department administrator) with its sub-team, and 인사부 outside it."""
    boss = await make_user(login_as=False, roles=["user", "dept_admin"])
    sales = await _department(client, admin_headers, name="영업부", manager_id=boss["id"])
    team = await _department(client, admin_headers, name="영업1팀", parent_id=sales["id"])
    hr = await _department(client, admin_headers, name="인사부")
    inside = await make_user(department_id=team["id"])
    outside = await make_user(department_id=hr["id"])
    homeless = await make_user(login_as=False)
    boss_headers = bearer((await login(client, boss["username"], USER_PASSWORD))["access_token"])
    return {"boss": boss, "boss_headers": boss_headers, "sales": sales, "team": team, "hr": hr,
            "inside": inside, "outside": outside, "homeless": homeless}


# --- 1. department administrators: users and audit rows of their departments only --------------------

async def test_department_admin_lists_and_reads_only_users_of_the_departments_they_manage(
    client: httpx.AsyncClient, admin_headers: dict[str, str], org: dict[str, Any],
) -> None:
    h = org["boss_headers"]
    listed = await client.get(USERS, params={"limit": 100}, headers=h)
    assert listed.status_code == 200, listed.text
    assert {u["id"] for u in listed.json()["data"]} == {org["inside"]["id"]}
    assert listed.json()["pagination"]["total"] == 1
    searched = await client.get(USERS, params={"q": org["outside"]["username"]}, headers=h)
    assert searched.json()["data"] == []
    in_team = await client.get(USERS, params={"department_id": org["team"]["id"]}, headers=h)
    assert [u["id"] for u in in_team.json()["data"]] == [org["inside"]["id"]]
    other = await client.get(USERS, params={"department_id": org["hr"]["id"]}, headers=h)
    assert other.status_code == 403 and _code(other) == "OUT_OF_SCOPE", other.text

    assert (await client.get(f"{USERS}/{org['inside']['id']}", headers=h)).status_code == 200
    for user in (org["outside"], org["homeless"], {"id": 1}):  # another department, none, a system admin
        r = await client.get(f"{USERS}/{user['id']}", headers=h)
        assert r.status_code == 403 and _code(r) == "OUT_OF_SCOPE", r.text
    # the same answer as for a write to that user
    r = await client.put(f"{USERS}/{org['outside']['id']}", json={"position": "x"}, headers=h)
    assert r.status_code == 403 and _code(r) == "OUT_OF_SCOPE"
    r = await client.get(f"{USERS}/999999", headers=h)
    assert r.status_code == 404 and _code(r) == "USER_NOT_FOUND"

    # a system administrator still sees everyone
    everyone = await client.get(USERS, params={"limit": 100}, headers=admin_headers)
    assert {org["inside"]["id"], org["outside"]["id"], org["homeless"]["id"], 1} <= {
        u["id"] for u in everyone.json()["data"]}
    assert (await client.get(f"{USERS}/{org['outside']['id']}", headers=admin_headers)).status_code == 200


async def test_department_admin_managing_no_department_sees_no_users_and_no_audit_rows(
    client: httpx.AsyncClient, make_user: Any,
) -> None:
    idle = await make_user(roles=["user", "dept_admin"])
    await make_user()
    listed = await client.get(USERS, headers=idle["headers"])
    assert listed.status_code == 200 and listed.json()["data"] == []
    audit = await client.get(AUDIT, headers=idle["headers"])
    assert audit.status_code == 200 and audit.json()["data"] == [] and audit.json()["pagination"]["total"] == 0


async def test_department_admin_reads_only_audit_rows_whose_actor_or_target_is_in_their_departments(
    client: httpx.AsyncClient, admin_headers: dict[str, str], org: dict[str, Any], sessions: Any,
) -> None:
    inside, outside = org["inside"], org["outside"]
    # rows about both: logins (with their IPs), a failed login, an administrator's edits
    await login(client, outside["username"], USER_PASSWORD)
    await client.post(LOGIN, json={"username": outside["username"], "password": WRONG})
    await client.post(LOGIN, json={"username": inside["username"], "password": WRONG})
    for user in (inside, outside):
        r = await client.put(f"{USERS}/{user['id']}", json={"position": "과장"}, headers=admin_headers)
        assert r.status_code == 200
    # the member inside acts on something that is not a user
    r = await client.put("/api/v1/users/me", json={"locale": "en"}, headers=inside["headers"])
    assert r.status_code == 200

    seen = await _all_audit_rows(client, org["boss_headers"])
    async with sessions() as session:
        everything = (await session.execute(select(AuditLog))).scalars().all()
    about_inside = {r.id for r in everything
                    if r.actor_id == inside["id"] or (r.target_type == "user" and r.target_id == str(inside["id"]))}
    assert {r["id"] for r in seen} == about_inside
    assert len(about_inside) >= 5  # created, logged in, failed login, edited, edited own profile
    assert all(r["actor_id"] != outside["id"] and r["target_id"] != str(outside["id"]) for r in seen)
    assert {"auth.login", "admin.user_update", "user.profile_update"} <= {r["action"] for r in seen}
    # filters narrow inside the scope and never widen it
    assert await _all_audit_rows(client, org["boss_headers"], actor_id=outside["id"]) == []
    logins = await _all_audit_rows(client, org["boss_headers"], action="auth.login")
    assert logins and all(r["actor_id"] == inside["id"] or r["target_id"] == str(inside["id"]) for r in logins)

    # a system administrator reads the whole log
    every = await _all_audit_rows(client, admin_headers)
    assert {r["id"] for r in every} >= {r.id for r in everything}


async def test_department_admin_holds_the_scoped_audit_permission_and_no_statistics(
    client: httpx.AsyncClient, org: dict[str, Any],
) -> None:
    tokens = await login(client, org["boss"]["username"], USER_PASSWORD)
    info = (await client.post("/api/v1/auth/verify-token", json={"token": tokens["access_token"]})).json()["data"]
    assert "audit:read-department" in info["permissions"] and "audit:read" not in info["permissions"]
    # the statistics count logins and documents of the whole company: not a department administrator's
    for url in ("/api/v1/admin/statistics", "/api/v1/admin/approval/statistics"):
        r = await client.get(url, headers=org["boss_headers"])
        assert r.status_code == 403 and _code(r) == "PERMISSION_DENIED", (url, r.text)
    employee = org["inside"]["headers"]
    assert (await client.get(AUDIT, headers=employee)).status_code == 403
    assert (await client.get(USERS, headers=employee)).status_code == 403


# --- 2. sessions from before a deactivation never come back -------------------------------------------

async def _dump_refresh_keys(redis: Redis) -> dict[Any, Any]:
    return {key: await redis.dump(key) for key in await redis.keys("rt*")}


async def _restore(redis: Redis, dumped: dict[Any, Any]) -> None:
    for key, value in dumped.items():
        await redis.restore(key, 0, value, replace=True)


async def test_refresh_token_from_before_a_deactivation_is_refused_after_reactivation_without_redis_revocation(
    client: httpx.AsyncClient, admin_headers: dict[str, str], make_user: Any, redis: Redis,
) -> None:
    """Revocation lived in Redis only: a deactivation whose revocation never reached it (the AD sync, Redis
    unreachable at the time) left the refresh tokens working again once the account was reactivated."""
    user = await make_user()
    old = user["tokens"]["refresh_token"]
    kept = await _dump_refresh_keys(redis)
    assert kept
    for active in (False, True):
        r = await client.put(f"{USERS}/{user['id']}", json={"is_active": active}, headers=admin_headers)
        assert r.status_code == 200, r.text
    await _restore(redis, kept)  # as if the revocation had never happened
    r = await client.post(REFRESH, json={"refresh_token": old})
    assert r.status_code == 401 and _code(r) == "INVALID_REFRESH_TOKEN", r.text
    assert (await client.get("/api/v1/users/me", headers=user["headers"])).status_code == 401
    fresh = await login(client, user["username"], USER_PASSWORD)  # a new login works, and refreshes
    r = await client.post(REFRESH, json={"refresh_token": fresh["refresh_token"]})
    assert r.status_code == 200, r.text


async def test_refresh_token_from_before_a_password_change_is_refused_even_if_redis_kept_it(
    client: httpx.AsyncClient, make_user: Any, redis: Redis,
) -> None:
    user = await make_user()
    other_session = await login(client, user["username"], USER_PASSWORD)
    kept = await _dump_refresh_keys(redis)
    r = await client.post("/api/v1/auth/change-password", headers=user["headers"],
                          json={"current_password": USER_PASSWORD, "new_password": "Brand-New-Pass-7"})
    assert r.status_code == 200, r.text
    current = r.json()["data"]
    await _restore(redis, kept)
    r = await client.post(REFRESH, json={"refresh_token": other_session["refresh_token"]})
    assert r.status_code == 401 and _code(r) == "INVALID_REFRESH_TOKEN", r.text
    assert (await client.post(REFRESH, json={"refresh_token": current["refresh_token"]})).status_code == 200


async def test_role_change_keeps_the_refresh_token_working(
    client: httpx.AsyncClient, admin_headers: dict[str, str], make_user: Any,
) -> None:
    """Only the end of a session ends it: a role change retires the access token, the refresh brings the roles."""
    user = await make_user()
    r = await client.put(f"{USERS}/{user['id']}", json={"roles": ["user", "dept_admin"]}, headers=admin_headers)
    assert r.status_code == 200
    assert (await client.get("/api/v1/users/me", headers=user["headers"])).status_code == 401
    r = await client.post(REFRESH, json={"refresh_token": user["tokens"]["refresh_token"]})
    assert r.status_code == 200, r.text
    me = await client.get("/api/v1/users/me", headers=bearer(r.json()["data"]["access_token"]))
    assert me.json()["data"]["roles"] == ["dept_admin", "user"]


# --- 3. lockout tells nothing about which usernames exist ----------------------------------------------

async def _answers(client: httpx.AsyncClient, username: str, count: int, password: str = WRONG,
                   ) -> list[tuple[int, str, bool]]:
    out = []
    for _ in range(count):
        r = await client.post(LOGIN, json={"username": username, "password": password})
        error = r.json().get("error") or {}
        out.append((r.status_code, error.get("code", ""), bool(error.get("details", {}).get("retry_after"))))
    return out


async def test_known_and_unknown_usernames_get_the_same_answers_under_repeated_wrong_passwords(
    client: httpx.AsyncClient, make_user: Any, settings: Settings,
) -> None:
    """`ACCOUNT_LOCKED` came only for names that exist: five wrong guesses enumerated the accounts."""
    user = await make_user(login_as=False)
    n = settings.lockout_threshold
    known = await _answers(client, user["username"], n + 2)
    unknown = await _answers(client, "nobody-here", n + 2)
    expected = [(401, "INVALID_CREDENTIALS", False)] * n + [(403, "ACCOUNT_LOCKED", True)] * 2
    assert known == unknown == expected
    # the right password does not open a locked name either, and the details are alike
    locked = [await client.post(LOGIN, json={"username": name, "password": USER_PASSWORD})
              for name in (user["username"], "nobody-here")]
    assert [r.json()["error"]["code"] for r in locked] == ["ACCOUNT_LOCKED"] * 2
    errors = [r.json()["error"] for r in locked]
    waits = [e["details"].pop("retry_after") for e in errors]
    assert abs(waits[0] - waits[1]) <= 1 and settings.lockout_seconds - 5 <= waits[0] <= settings.lockout_seconds
    assert errors[0] == errors[1]


async def test_a_success_forgets_earlier_failures(client: httpx.AsyncClient, make_user: Any,
                                                  settings: Settings) -> None:
    user = await make_user(login_as=False)
    n = settings.lockout_threshold
    await _answers(client, user["username"], n - 1)
    await login(client, user["username"], USER_PASSWORD)
    assert await _answers(client, user["username"], n - 1) == [(401, "INVALID_CREDENTIALS", False)] * (n - 1)
    assert (await login(client, user["username"], USER_PASSWORD))["access_token"]


async def test_locked_account_is_shown_to_administrators_and_unlock_clears_it(
    client: httpx.AsyncClient, admin_headers: dict[str, str], make_user: Any, settings: Settings,
) -> None:
    user = await make_user(login_as=False)
    await _answers(client, user["username"], settings.lockout_threshold)
    detail = (await client.get(f"{USERS}/{user['id']}", headers=admin_headers)).json()["data"]
    assert detail["locked_until"] is not None
    r = await client.put(f"{USERS}/{user['id']}", json={"unlock": True}, headers=admin_headers)
    assert r.status_code == 200 and r.json()["data"]["locked_until"] is None
    assert (await login(client, user["username"], USER_PASSWORD))["access_token"]


async def test_directory_account_without_a_directory_answers_like_an_unknown_name(
    client: httpx.AsyncClient, make_user: Any, sessions: Any, settings: Settings,
) -> None:
    """Its password cannot be checked (no directory is configured): it counts and locks like any name, so its
    answers are those of a name that does not exist."""
    user = await make_user(login_as=False)
    async with sessions() as session:
        await session.execute(update(User).where(User.id == user["id"]).values(auth_source=AuthSource.ad))
        await session.commit()
    n = settings.lockout_threshold
    assert await _answers(client, user["username"], n + 1, password=USER_PASSWORD) == \
        await _answers(client, "no-such-directory-user", n + 1, password=USER_PASSWORD)


async def test_directory_unreachable_answers_503_and_counts_no_failure(
    client: httpx.AsyncClient, admin_headers: dict[str, str], make_user: Any, sessions: Any, settings: Settings,
) -> None:
    """No password was checked, so nothing counts toward the lockout: an outage does not lock everyone out."""
    body = {"server_url": "ldaps://127.0.0.1:1", "bind_dn": "CN=sync,DC=corp,DC=example,DC=com",
            "bind_password": "Bind-Pass-1", "base_dns": ["DC=corp,DC=example,DC=com"]}
    r = await client.put("/api/v1/ad-sync/config", json=body, headers=admin_headers)
    assert r.status_code == 200, r.text
    user = await make_user(login_as=False)
    async with sessions() as session:
        await session.execute(update(User).where(User.id == user["id"]).values(auth_source=AuthSource.ad))
        await session.commit()
    n = settings.lockout_threshold
    assert await _answers(client, user["username"], n + 2) == [(503, "DIRECTORY_UNAVAILABLE", False)] * (n + 2)
    async with sessions() as session:  # the directory goes away: now every wrong password counts
        await session.execute(delete(ADSyncConfig))
        await session.commit()
    assert await _answers(client, user["username"], n + 1) == \
        [(401, "INVALID_CREDENTIALS", False)] * n + [(403, "ACCOUNT_LOCKED", True)]


async def test_administrator_cannot_reset_their_own_password_through_the_admin_route(
    client: httpx.AsyncClient, admin_headers: dict[str, str], make_user: Any, org: dict[str, Any],
) -> None:
    """The admin route needs no current password: a stolen administrator session could take the account."""
    r = await client.put(f"{USERS}/1", json={"password": "Taken-Over-Pass-9"}, headers=admin_headers)
    assert r.status_code == 403 and _code(r) == "SELF_PASSWORD_RESET", r.text
    assert (await login(client, "admin", ADMIN_PASSWORD))["access_token"]  # unchanged
    r = await client.put(f"{USERS}/1", json={"position": "CTO"}, headers=admin_headers)
    assert r.status_code == 200  # other fields of one's own record stay editable
    # a department administrator inside their own department: the same
    boss = org["boss"]
    r = await client.put(f"{USERS}/{boss['id']}", json={"department_id": org["sales"]["id"]}, headers=admin_headers)
    assert r.status_code == 200
    r = await client.put(f"{USERS}/{boss['id']}", json={"password": "Taken-Over-Pass-9"}, headers=org["boss_headers"])
    assert r.status_code == 403 and _code(r) == "SELF_PASSWORD_RESET", r.text
    # resetting someone else's password is still an administrator's job
    r = await client.put(f"{USERS}/{org['inside']['id']}", json={"password": "Reset-By-Admin-7"},
                         headers=admin_headers)
    assert r.status_code == 200, r.text
    assert (await login(client, org["inside"]["username"], "Reset-By-Admin-7"))["access_token"]


# --- 4. a burst as the lock runs out ------------------------------------------------------------------

async def test_burst_of_wrong_passwords_at_lock_expiry_evaluates_at_most_the_threshold(
    client: httpx.AsyncClient, make_user: Any, settings: Settings, redis: Redis, sessions: Any,
) -> None:
    """The lock was read before the failure was counted: every guess of a burst arriving as the lock ran out
    was evaluated. Now each claims its turn with the lock check, so at most `lockout_threshold` are."""
    user = await make_user(login_as=False)
    n = settings.lockout_threshold
    for name in (user["username"], "ghost-in-burst"):
        await _answers(client, name, n)
        lock_key = f"login-lock:{lockout.name_key(name)}"
        assert await redis.pexpire(lock_key, 1)  # the lock runs out now
        await asyncio.sleep(0.01)
        answers = await asyncio.gather(*(client.post(LOGIN, json={"username": name, "password": f"Guess-{i}-x"})
                                         for i in range(3 * n)))
        codes = [(r.status_code, _code(r)) for r in answers]
        assert codes.count((401, "INVALID_CREDENTIALS")) == n, codes
        assert codes.count((403, "ACCOUNT_LOCKED")) == 2 * n, codes
    async with sessions() as session:
        reasons = (await session.execute(select(AuditLog.details["reason"].astext).where(
            AuditLog.action == "auth.login", AuditLog.target_id == str(user["id"])))).scalars().all()
    assert reasons.count("bad_password") + reasons.count("locked_now") == 2 * n, reasons
    assert reasons.count("locked") == 2 * n, reasons


# --- 2 (AD). the sync's deactivation and reactivation end the old sessions -----------------------------

@pytest.fixture
def ad_directory(samba_dc: Any) -> Iterator[Any]:
    from tests.adsync.directory_admin import DirectoryAdmin

    admin = DirectoryAdmin.fresh(samba_dc)
    yield admin
    admin.close()


async def _sync(client: httpx.AsyncClient, headers: dict[str, str], temporal: Client) -> dict[str, Any]:
    r = await client.post("/api/v1/ad-sync/run", json={"mode": "full"}, headers=headers)
    assert r.status_code == 202, r.text
    result: dict[str, Any] = await temporal.get_workflow_handle(r.json()["data"]["workflow_id"]).result()
    return result


@pytest.mark.usefixtures("worker")
async def test_ad_sync_reactivation_does_not_revive_sessions_from_before_the_deactivation(
    client: httpx.AsyncClient, admin_headers: dict[str, str], samba_dc: Any, ad_directory: Any,
    temporal_client: Client, sessions: Any,
) -> None:
    from tests.adsync.conftest import configure
    from tests.adsync.directory_admin import CORP

    ou = ad_directory.add_ou(f"OU=Revive,{CORP}")
    dn = ad_directory.add_user("kimrevive", ou, display_name="김복직", password="Ad-Pass-1234!")
    await configure(client, admin_headers, samba_dc, base_dns=[ou])
    await _sync(client, admin_headers, temporal_client)
    tokens = await login(client, "kimrevive", "Ad-Pass-1234!")

    ad_directory.set_enabled(dn, False)
    await _sync(client, admin_headers, temporal_client)
    ad_directory.set_enabled(dn, True)
    await _sync(client, admin_headers, temporal_client)
    async with sessions() as session:
        row = (await session.execute(select(User).where(User.username == "kimrevive"))).scalar_one()
    assert row.is_active is True and row.session_version == 2

    r = await client.post(REFRESH, json={"refresh_token": tokens["refresh_token"]})
    assert r.status_code == 401 and _code(r) == "INVALID_REFRESH_TOKEN", r.text
    assert (await client.get("/api/v1/users/me", headers=bearer(tokens["access_token"]))).status_code == 401
    assert (await login(client, "kimrevive", "Ad-Pass-1234!"))["access_token"]
