"""Health endpoints, and what the API does when a backing service is down."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager

import httpx

from api.main import create_app
from portal.db import session
from portal.devstack.services import free_port
from tests.conftest import ADMIN_PASSWORD, _admin_sql, bearer, login, make_settings


@asynccontextmanager
async def app_client(settings):
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            yield http


async def test_liveness_is_public(client):
    r = await client.get("/api/v1/health")
    assert r.status_code == 200 and r.json()["data"]["status"] == "ok"


async def test_readiness_reports_each_dependency(client):
    r = await client.get("/api/v1/health/ready")
    assert r.status_code == 200
    checks = r.json()["data"]["checks"]
    assert set(checks) == {"postgres", "redis", "temporal"}
    assert all(c["status"] == "ok" and c["latency_ms"] >= 0 for c in checks.values())


async def test_readiness_names_the_failing_dependency(services, database, redis):
    dead = f"redis://127.0.0.1:{free_port()}/0"
    async with app_client(make_settings(services, database, redis_url=dead,
                                        temporal_address=f"127.0.0.1:{free_port()}")) as http:
        r = await http.get("/api/v1/health/ready")
    assert r.status_code == 503
    checks = r.json()["data"]["checks"]
    assert checks["postgres"]["status"] == "ok"
    assert checks["redis"]["status"] == "error" and checks["temporal"]["status"] == "error"


async def test_authenticated_reads_keep_working_while_redis_is_down(services, database, client):
    tokens = await login(client, "admin", ADMIN_PASSWORD)  # issued while Redis was up
    dead = f"redis://127.0.0.1:{free_port()}/0"
    async with app_client(make_settings(services, database, redis_url=dead)) as http:
        me = await http.get("/api/v1/users/me", headers=bearer(tokens["access_token"]))
        assert me.status_code == 200 and me.json()["data"]["username"] == "admin"
        # Login needs Redis (rate limits, refresh tokens): a clear 503, not a 500.
        r = await http.post("/api/v1/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD})
        assert r.status_code == 503 and r.json()["error"]["code"] == "DEPENDENCY_UNAVAILABLE"
        assert "Retry-After" in r.headers


async def test_database_down_is_503_not_500(services, redis):
    settings = make_settings(services, "gw_does_not_exist")
    async with app_client(settings) as http:
        r = await http.post("/api/v1/auth/login", json={"username": "admin", "password": "whatever1"})
    assert r.status_code == 503 and r.json()["error"]["code"] == "DEPENDENCY_UNAVAILABLE"
    assert "gw_does_not_exist" not in r.text


async def test_dead_pooled_connections_are_replaced_before_use(app, client, database, services):
    """What a PostgreSQL restart does to the pool: every idle connection dies. A connection idle past the ping
    threshold is pinged and replaced at checkout, so the next request does not fail."""
    tokens = await login(client, "admin", ADMIN_PASSWORD)
    headers = bearer(tokens["access_token"])
    assert (await client.get("/api/v1/approval/templates", headers=headers)).status_code == 200  # a pooled connection
    engine = app.state.gw.engine
    assert engine.pool.checkedin() >= 1
    _admin_sql(services, f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}' "
                         "AND pid <> pg_backend_pid()")
    await asyncio.sleep(session.PING_IDLE_AFTER_SECONDS + 0.2)
    for _ in range(3):
        r = await client.get("/api/v1/approval/templates", headers=headers)
        assert r.status_code == 200, r.text
