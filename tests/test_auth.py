"""Auth: login, lockout, rate limits, token rotation and reuse detection, logout, password change, JWT pinning."""

from __future__ import annotations

import base64
import json
import time

from jose import jwt
from sqlalchemy import select

from portal.audit.models import AuditLog
from tests.conftest import ADMIN_PASSWORD, USER_PASSWORD, bearer, login

LOGIN = "/api/v1/auth/login"


async def test_login_returns_tokens_that_open_users_me(client):
    tokens = await login(client, "admin", ADMIN_PASSWORD)
    assert tokens["token_type"] == "bearer" and tokens["expires_in"] == 3600
    me = await client.get("/api/v1/users/me", headers=bearer(tokens["access_token"]))
    assert me.status_code == 200
    assert me.json()["data"]["username"] == "admin"
    assert me.json()["data"]["roles"] == ["system_admin"]


async def test_access_token_carries_user_roles_and_permissions(client, settings):
    tokens = await login(client, "admin", ADMIN_PASSWORD)
    claims = jwt.decode(tokens["access_token"], settings.jwt_secret.get_secret_value(), algorithms=["HS256"],
                        issuer="groupware")
    assert claims["sub"] == "1" and claims["roles"] == ["system_admin"]
    assert "users:manage" in claims["perms"]
    assert claims["exp"] - claims["iat"] == 3600


async def test_wrong_password_and_unknown_user_get_the_same_answer(client):
    wrong = await client.post(LOGIN, json={"username": "admin", "password": "nope-nope"})
    unknown = await client.post(LOGIN, json={"username": "ghost", "password": "nope-nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["error"] == unknown.json()["error"]
    assert wrong.json()["error"]["code"] == "INVALID_CREDENTIALS"


async def test_username_is_case_insensitive(client):
    assert (await login(client, "ADMIN", ADMIN_PASSWORD))["access_token"]


async def test_repeated_failures_lock_the_account_even_for_the_right_password(client, make_user):
    user = await make_user(login_as=False)
    for _ in range(5):
        r = await client.post(LOGIN, json={"username": user["username"], "password": "Wrong-pass-123"})
        assert r.status_code == 401
    locked = await client.post(LOGIN, json={"username": user["username"], "password": USER_PASSWORD})
    assert locked.status_code == 403
    assert locked.json()["error"]["code"] == "ACCOUNT_LOCKED"
    assert locked.json()["error"]["details"]["retry_after"] > 0


async def test_admin_can_unlock_a_locked_account(client, make_user, admin_headers):
    user = await make_user(login_as=False)
    for _ in range(5):
        await client.post(LOGIN, json={"username": user["username"], "password": "Wrong-pass-123"})
    r = await client.put(f"/api/v1/admin/users/{user['id']}", json={"unlock": True}, headers=admin_headers)
    assert r.status_code == 200 and r.json()["data"]["locked_until"] is None
    assert (await login(client, user["username"], USER_PASSWORD))["access_token"]


async def test_login_rate_limit_per_username_answers_429_with_retry_after(client):
    codes = []
    for _ in range(11):
        r = await client.post(LOGIN, json={"username": "nobody", "password": "x"})
        codes.append(r.status_code)
    # An unknown name locks after five failures like a real account would (it must not tell them apart).
    assert codes[:10] == [401] * 5 + [403] * 5
    assert codes[10] == 429
    assert int(r.headers["Retry-After"]) > 0
    assert r.json()["error"]["code"] == "TOO_MANY_ATTEMPTS"


async def test_login_rate_limit_per_ip_spans_usernames(client):
    statuses = [
        (await client.post(LOGIN, json={"username": f"who{i}", "password": "x"})).status_code for i in range(31)
    ]
    assert statuses[:30] == [401] * 30 and statuses[30] == 429


async def test_inactive_user_cannot_log_in(client, make_user, admin_headers):
    user = await make_user(login_as=False)
    await client.delete(f"/api/v1/admin/users/{user['id']}", headers=admin_headers)
    r = await client.post(LOGIN, json={"username": user["username"], "password": USER_PASSWORD})
    assert r.status_code == 401 and r.json()["error"]["code"] == "INVALID_CREDENTIALS"


async def test_refresh_rotates_the_refresh_token(client):
    first = await login(client, "admin", ADMIN_PASSWORD)
    r = await client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert r.status_code == 200
    second = r.json()["data"]
    assert second["refresh_token"] != first["refresh_token"]
    me = await client.get("/api/v1/users/me", headers=bearer(second["access_token"]))
    assert me.status_code == 200


async def test_reusing_a_refresh_token_revokes_the_whole_family(client):
    first = await login(client, "admin", ADMIN_PASSWORD)
    second = (await client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})).json()
    replay = await client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert replay.status_code == 401 and replay.json()["error"]["code"] == "REFRESH_TOKEN_REUSED"
    # The legitimate-looking newest token of that family is gone too.
    after = await client.post("/api/v1/auth/refresh", json={"refresh_token": second["data"]["refresh_token"]})
    assert after.status_code == 401 and after.json()["error"]["code"] == "INVALID_REFRESH_TOKEN"


async def test_other_login_families_survive_a_reuse_attack(client):
    a = await login(client, "admin", ADMIN_PASSWORD)
    b = await login(client, "admin", ADMIN_PASSWORD)
    await client.post("/api/v1/auth/refresh", json={"refresh_token": a["refresh_token"]})
    await client.post("/api/v1/auth/refresh", json={"refresh_token": a["refresh_token"]})
    r = await client.post("/api/v1/auth/refresh", json={"refresh_token": b["refresh_token"]})
    assert r.status_code == 200


async def test_unknown_refresh_token_is_rejected(client):
    r = await client.post("/api/v1/auth/refresh", json={"refresh_token": "made-up"})
    assert r.status_code == 401 and r.json()["error"]["code"] == "INVALID_REFRESH_TOKEN"


async def test_refresh_tokens_are_stored_hashed(client, redis):
    tokens = await login(client, "admin", ADMIN_PASSWORD)
    keys = [k.decode() for k in await redis.keys("rt:*")]
    assert keys and all(tokens["refresh_token"] not in k for k in keys)
    for key in keys:
        assert tokens["refresh_token"] not in (await redis.get(key)).decode()


async def test_logout_revokes_access_and_refresh_tokens(client):
    tokens = await login(client, "admin", ADMIN_PASSWORD)
    headers = bearer(tokens["access_token"])
    r = await client.post("/api/v1/auth/logout", json={"refresh_token": tokens["refresh_token"]}, headers=headers)
    assert r.status_code == 200
    me = await client.get("/api/v1/users/me", headers=headers)
    assert me.status_code == 401 and me.json()["error"]["code"] == "TOKEN_REVOKED"
    again = await client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert again.status_code == 401


async def test_logout_requires_authentication(client):
    r = await client.post("/api/v1/auth/logout", json={})
    assert r.status_code == 401 and r.json()["error"]["code"] == "AUTH_REQUIRED"


async def test_change_password_signs_out_other_sessions_and_keeps_this_one(client, make_user):
    user = await make_user()
    other = await login(client, user["username"], USER_PASSWORD)
    r = await client.post("/api/v1/auth/change-password", headers=user["headers"],
                          json={"current_password": USER_PASSWORD, "new_password": "Brand-New-Pass-7"})
    assert r.status_code == 200, r.text
    fresh = r.json()["data"]
    assert (await client.get("/api/v1/users/me", headers=bearer(fresh["access_token"]))).status_code == 200
    assert (await client.get("/api/v1/users/me", headers=user["headers"])).status_code == 401
    assert (await client.get("/api/v1/users/me", headers=bearer(other["access_token"]))).status_code == 401
    stale = await client.post("/api/v1/auth/refresh", json={"refresh_token": other["refresh_token"]})
    assert stale.status_code == 401
    assert (await login(client, user["username"], "Brand-New-Pass-7"))["access_token"]


async def test_change_password_enforces_policy_and_current_password(client, make_user):
    user = await make_user()
    url = "/api/v1/auth/change-password"
    weak = await client.post(url, headers=user["headers"],
                             json={"current_password": USER_PASSWORD, "new_password": "short"})
    assert weak.status_code == 422 and weak.json()["error"]["code"] == "WEAK_PASSWORD"
    wrong = await client.post(url, headers=user["headers"],
                              json={"current_password": "not-it", "new_password": "Brand-New-Pass-7"})
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "INVALID_CREDENTIALS"
    same = await client.post(url, headers=user["headers"],
                             json={"current_password": USER_PASSWORD, "new_password": USER_PASSWORD})
    assert same.status_code == 422 and same.json()["error"]["code"] == "PASSWORD_REUSED"
    with_name = await client.post(url, headers=user["headers"],
                                  json={"current_password": USER_PASSWORD,
                                        "new_password": f"X-{user['username']}-1234"})
    assert with_name.status_code == 422


def _forge(header: dict, payload: dict, signature: bytes = b"") -> str:
    def enc(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    return ".".join([enc(json.dumps(header).encode()), enc(json.dumps(payload).encode()), enc(signature)])


def _claims(**extra):
    now = int(time.time())
    return {"sub": "1", "iss": "groupware", "iat": now, "nbf": now, "exp": now + 600, "jti": "x" * 32,
            "type": "access", "roles": ["system_admin"], "perms": ["users:manage"], "tv": 0, **extra}


async def test_alg_none_token_is_rejected(client):
    token = _forge({"alg": "none", "typ": "JWT"}, _claims())
    r = await client.get("/api/v1/users/me", headers=bearer(token))
    assert r.status_code == 401 and r.json()["error"]["code"] == "INVALID_TOKEN"


async def test_algorithm_switching_is_rejected_even_with_the_right_key(client, settings):
    token = jwt.encode(_claims(), settings.jwt_secret.get_secret_value(), algorithm="HS512")
    r = await client.get("/api/v1/users/me", headers=bearer(token))
    assert r.status_code == 401 and r.json()["error"]["code"] == "INVALID_TOKEN"


async def test_token_signed_with_another_key_is_rejected(client):
    token = jwt.encode(_claims(), "attacker-key-attacker-key-attacker-key", algorithm="HS256")
    r = await client.get("/api/v1/users/me", headers=bearer(token))
    assert r.status_code == 401 and r.json()["error"]["code"] == "INVALID_TOKEN"


async def test_expired_token_is_rejected_with_its_own_code(client, settings):
    past = int(time.time()) - 7200
    token = jwt.encode(_claims(iat=past, nbf=past, exp=past + 60), settings.jwt_secret.get_secret_value(),
                       algorithm="HS256")
    r = await client.get("/api/v1/users/me", headers=bearer(token))
    assert r.status_code == 401 and r.json()["error"]["code"] == "TOKEN_EXPIRED"


async def test_refresh_is_not_accepted_as_an_access_token(client):
    tokens = await login(client, "admin", ADMIN_PASSWORD)
    r = await client.get("/api/v1/users/me", headers=bearer(tokens["refresh_token"]))
    assert r.status_code == 401


async def test_garbage_and_missing_authorization_headers(client):
    for headers in ({}, {"Authorization": "Bearer"}, {"Authorization": "Basic YWRtaW46eA=="},
                    {"Authorization": "Bearer a.b.c"}, {"Authorization": "Bearer " + "x" * 5000}):
        r = await client.get("/api/v1/users/me", headers=headers)
        assert r.status_code == 401, headers
        assert r.json()["success"] is False


async def test_verify_token_reports_valid_and_revoked_tokens(client):
    tokens = await login(client, "admin", ADMIN_PASSWORD)
    r = await client.post("/api/v1/auth/verify-token", json={"token": tokens["access_token"]})
    assert r.status_code == 200 and r.json()["data"]["valid"] is True and r.json()["data"]["user_id"] == 1
    await client.post("/api/v1/auth/logout", json={}, headers=bearer(tokens["access_token"]))
    r = await client.post("/api/v1/auth/verify-token", json={"token": tokens["access_token"]})
    assert r.status_code == 401 and r.json()["error"]["code"] == "TOKEN_REVOKED"


async def test_logins_and_failures_are_audited_without_passwords(client, sessions):
    await login(client, "admin", ADMIN_PASSWORD)
    await client.post(LOGIN, json={"username": "admin", "password": "Secret-Typo-999"})
    async with sessions() as session:
        rows = (await session.execute(select(AuditLog).where(AuditLog.action == "auth.login")
                                      .order_by(AuditLog.id))).scalars().all()
    assert [r.success for r in rows] == [True, False]
    assert rows[0].ip == "203.0.113.7" and rows[0].request_id
    assert rows[1].details == {"reason": "bad_password"}
    assert all("Secret-Typo-999" not in json.dumps(r.details) for r in rows)
