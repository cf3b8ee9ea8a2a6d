"""API conventions: envelopes, stable error codes for every class of bad input, limits, headers, docs."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import httpx

from portal.common.logging import JsonFormatter
from tests.conftest import make_settings


async def test_success_envelope_shape(client):
    body = (await client.get("/api/v1/health")).json()
    assert set(body) == {"success", "data", "message", "timestamp"}
    assert body["success"] is True and body["data"] == {"status": "ok"}


async def test_unknown_route_and_method_use_the_error_envelope(client, admin_headers):
    r = await client.get("/api/v1/nothing-here", headers=admin_headers)
    assert r.status_code == 404
    assert r.json()["success"] is False and r.json()["error"]["code"] == "NOT_FOUND"
    r = await client.patch("/api/v1/health")
    assert r.status_code == 405 and r.json()["error"]["code"] == "METHOD_NOT_ALLOWED"


async def test_malformed_json_is_400(client):
    r = await client.post("/api/v1/auth/login", content=b'{"username": "admin", ',
                          headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "MALFORMED_JSON"


async def test_wrong_types_unknown_fields_and_overlong_strings_are_422_without_echoing_input(client):
    cases = [
        {"username": 5, "password": "x"},
        {"username": "admin", "password": "x", "remember_me": True},
        {"username": "a" * 65, "password": "x"},
        {"username": "admin", "password": "p" * 129},
        [],
        "just a string",
    ]
    for body in cases:
        r = await client.post("/api/v1/auth/login", json=body)
        assert r.status_code == 422, body
        error = r.json()["error"]
        assert error["code"] == "VALIDATION_ERROR" and error["details"]["errors"]
        assert "p" * 129 not in r.text


async def test_a_nul_character_is_a_422_in_a_query_and_in_a_body_and_writes_nothing(client, admin_headers):
    """PostgreSQL text cannot hold U+0000: the request that carries one is refused, never a 500."""
    for path in ("/api/v1/search/employees", "/api/v1/search/autocomplete", "/api/v1/search/posts",
                 "/api/v1/users"):
        r = await client.get(path, params={"q": "a\x00b", "search": "a\x00b"}, headers=admin_headers)
        assert r.status_code == 422 and r.json()["error"]["code"] == "INVALID_VALUE", (path, r.text)
        assert "\\u0000" not in r.text and "SELECT" not in r.text
    before = (await client.get("/api/v1/admin/organizations", headers=admin_headers)).json()["data"]
    r = await client.post("/api/v1/admin/organizations", json={"name": "영업\x00팀"}, headers=admin_headers)
    assert r.status_code == 422 and r.json()["error"]["code"] == "INVALID_VALUE", r.text
    assert (await client.get("/api/v1/admin/organizations", headers=admin_headers)).json()["data"] == before


async def test_request_body_limit_by_declared_length_and_by_stream(services, database, redis):
    from api.main import create_app

    app = create_app(make_settings(services, database, max_request_bytes=1024))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            big = b'{"username": "' + b"a" * 2000 + b'", "password": "x"}'
            r = await http.post("/api/v1/auth/login", content=big, headers={"Content-Type": "application/json"})
            assert r.status_code == 413 and r.json()["error"]["code"] == "PAYLOAD_TOO_LARGE"

            async def chunks():
                for _ in range(4):
                    yield b" " * 600

            r = await http.post("/api/v1/auth/login", content=chunks(), headers={"Content-Type": "application/json"})
            assert r.status_code == 413 and r.json()["error"]["code"] == "PAYLOAD_TOO_LARGE"


async def test_request_id_is_echoed_or_generated(client):
    r = await client.get("/api/v1/health", headers={"X-Request-ID": "trace-12345678"})
    assert r.headers["x-request-id"] == "trace-12345678"
    r = await client.get("/api/v1/health", headers={"X-Request-ID": "bad id with spaces\n"})
    assert r.headers["x-request-id"] != "bad id with spaces\n" and len(r.headers["x-request-id"]) == 32


async def test_security_headers_are_set(client):
    r = await client.get("/api/v1/health")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"


async def test_cors_allows_configured_origins_only(client):
    ok = await client.options("/api/v1/users/me", headers={"Origin": "http://localhost:5173",
                                                         "Access-Control-Request-Method": "GET"})
    assert ok.headers.get("access-control-allow-origin") == "http://localhost:5173"
    evil = await client.options("/api/v1/users/me", headers={"Origin": "https://evil.example",
                                                           "Access-Control-Request-Method": "GET"})
    assert "access-control-allow-origin" not in evil.headers


async def test_unexpected_errors_leak_nothing_to_client_or_log(app, client, caplog):
    async def boom() -> None:
        raise RuntimeError("SELECT password_hash FROM users WHERE password='hunter2'")

    app.add_api_route("/api/v1/test-boom", boom)
    app.router.routes.insert(0, app.router.routes.pop())  # ahead of the SPA's catch-all when frontend/dist exists
    with caplog.at_level(logging.INFO):
        r = await client.get("/api/v1/test-boom", headers={"X-Request-ID": "boom-request-1"})
    assert r.status_code == 500
    assert r.json()["error"] == {"code": "INTERNAL_ERROR", "message": "internal error",
                                 "details": {"request_id": "boom-request-1"}}
    lines = [JsonFormatter().format(rec) for rec in caplog.records]
    assert any("boom-request-1" in line and "RuntimeError" in line for line in lines)
    assert not any("hunter2" in line or "SELECT" in line or "Traceback" in line for line in lines)


async def test_openapi_and_docs_are_served_with_operation_ids(client):
    spec = (await client.get("/openapi.json")).json()
    ops = [op.get("operationId") for path in spec["paths"].values() for op in path.values()]
    assert "auth_login" in ops and "users_get_me" in ops and None not in ops
    assert len(ops) == len(set(ops))
    assert (await client.get("/docs")).status_code == 200


async def test_every_non_public_route_requires_a_token(app, client):
    public = {"/api/v1/health", "/api/v1/health/ready", "/api/v1/auth/login", "/api/v1/auth/refresh",
              "/api/v1/auth/verify-token"}
    checked = 0
    for path, operations in app.openapi()["paths"].items():
        if path in public or path.startswith("/api/v1/approval/email-actions/"):  # the link token is the credential
            continue
        for method in operations:
            url = re.sub(r"\{[a-z_]+\}", "1", path)
            r = await client.request(method.upper(), url, json={})
            assert r.status_code == 401, (method, path)
            checked += 1
    assert checked >= 12


def test_every_error_code_the_code_raises_is_documented():
    """docs/api.md lists the stable codes clients branch on: each one raised in the API, the services or the
    workflow's validators must be there (a new code without its line in the table fails here)."""
    root = Path(__file__).resolve().parent.parent
    raised: set[str] = set()
    for folder in ("api", "portal", "workflows"):
        for path in (root / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            raised |= set(re.findall(r'\bcode="([A-Z][A-Z0-9_]+)"', text))
            raised |= set(re.findall(r'_reject\(\s*"([A-Z][A-Z0-9_]+)"', text))
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", (root / "docs" / "api.md").read_text(encoding="utf-8")))
    assert len(raised) > 80  # the scan found the codes
    assert sorted(raised - documented) == []
