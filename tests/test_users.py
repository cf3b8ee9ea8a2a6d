"""Users: own profile with cache invalidation, the directory list, search and single reads."""

from __future__ import annotations

import json

from portal.users.service import user_cache


async def test_me_is_cached_and_update_invalidates_it(client, make_user, redis, settings):
    user = await make_user()
    await client.get("/api/v1/users/me", headers=user["headers"])
    key = user_cache(redis, settings).key(user["id"])
    assert await redis.exists(key)
    assert 0 < await redis.ttl(key) <= 300
    r = await client.put("/api/v1/users/me", json={"phone": "010-1234-5678", "locale": "en"},
                         headers=user["headers"])
    assert r.status_code == 200 and r.json()["data"]["phone"] == "010-1234-5678"
    assert not await redis.exists(key)
    me = await client.get("/api/v1/users/me", headers=user["headers"])
    assert me.json()["data"]["phone"] == "010-1234-5678" and me.json()["data"]["locale"] == "en"


async def test_me_reflects_admin_changes_immediately(client, make_user, admin_headers):
    user = await make_user()
    await client.get("/api/v1/users/me", headers=user["headers"])
    await client.put(f"/api/v1/admin/users/{user['id']}", json={"position": "과장"}, headers=admin_headers)
    me = await client.get("/api/v1/users/me", headers=user["headers"])
    assert me.json()["data"]["position"] == "과장"


async def test_me_cannot_change_protected_fields(client, make_user):
    user = await make_user()
    for body in ({"name": "Mallory"}, {"is_active": False}, {"roles": ["system_admin"]},
                 {"username": "root"}, {"email": "x@example.com"}):
        r = await client.put("/api/v1/users/me", json=body, headers=user["headers"])
        assert r.status_code == 422, body
        assert r.json()["error"]["code"] == "VALIDATION_ERROR"


async def test_me_rejects_script_urls_and_bad_phone(client, make_user):
    user = await make_user()
    bad = [{"profile_image_url": "javascript:alert(1)"}, {"phone": "<script>"}, {"locale": "fr"}]
    for body in bad:
        r = await client.put("/api/v1/users/me", json=body, headers=user["headers"])
        assert r.status_code == 422, body


async def test_me_survives_a_flushed_cache(client, make_user, redis):
    """A flushed Redis (restart) only means a cache miss."""
    user = await make_user()
    await redis.flushall()
    r = await client.get("/api/v1/users/me", headers=user["headers"])
    assert r.status_code == 200


async def test_list_is_paginated_and_sorted(client, make_user, admin_headers):
    for name in ("다람쥐", "가나다", "나비"):
        await make_user(login_as=False, name=name)
    r = await client.get("/api/v1/users?limit=2&page=1&sort=name&order=asc", headers=admin_headers)
    body = r.json()
    assert r.status_code == 200
    assert body["pagination"] == {"page": 1, "limit": 2, "total": 4, "totalPages": 2}
    assert [u["name"] for u in body["data"]] == ["가나다", "관리자"]
    r2 = await client.get("/api/v1/users?limit=2&page=2&sort=name&order=asc", headers=admin_headers)
    assert [u["name"] for u in r2.json()["data"]] == ["나비", "다람쥐"]
    desc = await client.get("/api/v1/users?sort=name&order=desc&limit=1", headers=admin_headers)
    assert desc.json()["data"][0]["name"] == "다람쥐"


async def test_list_hides_inactive_users_and_secrets(client, make_user, admin_headers):
    gone = await make_user(login_as=False, name="퇴사자")
    await client.delete(f"/api/v1/admin/users/{gone['id']}", headers=admin_headers)
    r = await client.get("/api/v1/users", headers=admin_headers)
    names = [u["name"] for u in r.json()["data"]]
    assert "퇴사자" not in names
    text = json.dumps(r.json())
    assert "password" not in text and "token_version" not in text and "$2b$" not in text


async def test_list_rejects_bad_pagination_and_sort(client, admin_headers):
    for query in ("page=0", "limit=0", "limit=1000", "sort=password_hash", "order=sideways", "page=abc",
                  "sort=name;drop"):
        r = await client.get(f"/api/v1/users?{query}", headers=admin_headers)
        assert r.status_code == 422, query
        assert r.json()["error"]["code"] in ("VALIDATION_ERROR", "INVALID_SORT")


async def test_search_finds_by_name_and_escapes_like_metacharacters(client, make_user, admin_headers):
    await make_user(login_as=False, name="김민수", username="minsu.kim")
    await make_user(login_as=False, name="이_영희", username="younghee")
    r = await client.get("/api/v1/users/search?q=민수", headers=admin_headers)
    assert [u["username"] for u in r.json()["data"]] == ["minsu.kim"]
    underscore = await client.get("/api/v1/users/search?q=_", headers=admin_headers)
    assert [u["username"] for u in underscore.json()["data"]] == ["younghee"]
    percent = await client.get("/api/v1/users/search?q=%25", headers=admin_headers)
    assert percent.json()["data"] == []
    backslash = await client.get("/api/v1/users/search?q=%5C", headers=admin_headers)
    assert backslash.status_code == 200 and backslash.json()["data"] == []


async def test_search_rejects_empty_and_overlong_queries(client, admin_headers):
    assert (await client.get("/api/v1/users/search?q=", headers=admin_headers)).status_code == 422
    assert (await client.get("/api/v1/users/search?q=" + "가" * 101, headers=admin_headers)).status_code == 422


async def test_get_user_by_id_and_not_found(client, make_user):
    user = await make_user()
    r = await client.get(f"/api/v1/users/{user['id']}", headers=user["headers"])
    assert r.status_code == 200 and r.json()["data"]["username"] == user["username"]
    assert "last_login_at" not in r.json()["data"]
    missing = await client.get("/api/v1/users/999999", headers=user["headers"])
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "USER_NOT_FOUND"
    for bad in ("0", "-1", "abc", "99999999999999999999999"):
        assert (await client.get(f"/api/v1/users/{bad}", headers=user["headers"])).status_code == 422


async def test_every_users_route_requires_authentication(client):
    for method, path in (("GET", "/api/v1/users/me"), ("PUT", "/api/v1/users/me"), ("GET", "/api/v1/users"),
                         ("GET", "/api/v1/users/search?q=a"), ("GET", "/api/v1/users/1")):
        r = await client.request(method, path, json={} if method == "PUT" else None)
        assert r.status_code == 401, path
