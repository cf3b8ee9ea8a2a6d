"""The AD sync API against a real directory: configuration, connection test, schedule, AD login."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from temporalio.client import Client, ScheduleOverlapPolicy

from portal.adsync.models import ADSyncConfig
from portal.users.models import User
from tests.adsync.conftest import config_body, configure
from tests.adsync.directory_admin import CORP, DirectoryAdmin
from tests.adsync.samba import ADMIN_PASSWORD, HOST, SambaDC
from tests.conftest import login

pytestmark = pytest.mark.usefixtures("worker")


async def test_password_is_stored_encrypted_and_never_returned(
    client: httpx.AsyncClient, admin_headers: dict[str, str], samba_dc: SambaDC, directory: DirectoryAdmin,
    sessions: Any, make_user: Any,
) -> None:
    unconfigured = await client.get("/api/v1/ad-sync/config", headers=admin_headers)
    assert unconfigured.json()["data"]["configured"] is False
    saved = await configure(client, admin_headers, samba_dc)
    assert saved["bind_password_set"] is True and "bind_password" not in saved
    fetched = await client.get("/api/v1/ad-sync/config", headers=admin_headers)
    assert ADMIN_PASSWORD not in fetched.text and fetched.json()["data"]["bind_password_set"] is True
    async with sessions() as session:
        stored = (await session.execute(select(ADSyncConfig))).scalar_one()
    assert stored.bind_password is not None and ADMIN_PASSWORD.encode() not in stored.bind_password
    assert len(stored.bind_password) == 12 + len(ADMIN_PASSWORD) + 16  # nonce + ciphertext + GCM tag

    # Saving without a password keeps the stored one; the connection test proves it still works.
    body = config_body(samba_dc)
    del body["bind_password"]
    assert (await client.put("/api/v1/ad-sync/config", json=body, headers=admin_headers)).status_code == 200
    result = (await client.post("/api/v1/ad-sync/test", headers=admin_headers)).json()["data"]
    assert result["ok"] is True and result["stage"] == "done", result

    employee = await make_user()
    for method, path in (("GET", "/config"), ("PUT", "/config"), ("POST", "/test"), ("POST", "/run"),
                         ("GET", "/status"), ("GET", "/logs")):
        response = await client.request(method, f"/api/v1/ad-sync{path}", headers=employee["headers"],
                                        json=body if method == "PUT" else None)
        assert response.status_code == 403, (path, response.text)


@pytest.mark.parametrize(("change", "code"), [
    ({"server_url": "ldaps://", "tls_server_name": None}, None),
    ({"use_ldaps": False, "use_starttls": False}, None),
    ({"base_dns": ["not a dn"]}, None),
    ({"user_filter": "(objectClass=user"}, None),
    ({"sync_schedule": "every five minutes", "is_enabled": True}, None),
    ({"attribute_mapping": {"salary": "extensionAttribute1"}}, None),
    ({"group_mapping": {f"CN=X,{CORP}": "no-such-role"}}, "UNKNOWN_ROLE"),
    ({"ca_certificate": "-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----"}, None),
])
async def test_bad_configuration_is_refused_and_nothing_saved(
    client: httpx.AsyncClient, admin_headers: dict[str, str], samba_dc: SambaDC, directory: DirectoryAdmin,
    change: dict[str, Any], code: str | None,
) -> None:
    response = await client.put("/api/v1/ad-sync/config", json=config_body(samba_dc, **change),
                                headers=admin_headers)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == (code or "VALIDATION_ERROR")
    assert (await client.get("/api/v1/ad-sync/config", headers=admin_headers)).json()["data"]["configured"] is False


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts TCP connections and then never says a word (a hung server)."""
    with socket.socket() as listener:
        listener.bind((HOST, 0))
        listener.listen(8)
        yield listener.getsockname()[1]


async def test_connection_test_names_the_failing_stage(
    client: httpx.AsyncClient, admin_headers: dict[str, str], samba_dc: SambaDC, directory: DirectoryAdmin,
    silent_port: int,
) -> None:
    cases: list[tuple[dict[str, Any], bool, str, str | None]] = [
        ({}, True, "done", None),
        ({"bind_password": "wrong-password"}, False, "bind", "AD_BAD_CREDENTIALS"),
        ({"ca_certificate": None}, False, "tls", "AD_TLS_CERTIFICATE"),  # the system CAs do not know it
        ({"tls_server_name": "other.example.com"}, False, "tls", "AD_TLS_CERTIFICATE"),
        ({"server_url": f"ldaps://{HOST}:1"}, False, "connect", "AD_CONNECTION_REFUSED"),
        ({"server_url": "ldaps://dc.does-not-exist.invalid"}, False, "connect", "AD_UNREACHABLE"),
        ({"base_dns": [f"OU=Nowhere,{CORP}"]}, False, "base_dn", "AD_NO_SUCH_OBJECT"),
        ({"server_url": f"ldaps://{HOST}:{silent_port}"}, False, "connect", "AD_TIMEOUT"),
        ({"server_url": f"ldap://{HOST}", "use_ldaps": False, "use_starttls": True}, True, "done", None),
    ]
    for change, ok, stage, code in cases:
        response = await client.post("/api/v1/ad-sync/test", json={"config": config_body(samba_dc, **change)},
                                     headers=admin_headers)
        assert response.status_code == 200, response.text
        result = response.json()["data"]
        assert (result["ok"], result["stage"], result["code"]) == (ok, stage, code), (change, result)
        assert result["elapsed_ms"] < 15000 and result["message"]
        assert "wrong-password" not in response.text and ADMIN_PASSWORD not in response.text


async def test_schedule_follows_the_configuration(
    client: httpx.AsyncClient, admin_headers: dict[str, str], samba_dc: SambaDC, directory: DirectoryAdmin,
    temporal_client: Client, settings: Any,
) -> None:
    await configure(client, admin_headers, samba_dc, sync_schedule="*/30 * * * *", is_enabled=True)
    handle = temporal_client.get_schedule_handle(f"{settings.temporal_prefix}adsync-schedule")
    description = await handle.describe()
    assert description.schedule.policy.overlap == ScheduleOverlapPolicy.SKIP
    times = description.info.next_action_times
    assert times and all(t.minute in (0, 30) and t.second == 0 for t in times)  # Temporal parsed our cron
    assert description.schedule.state.paused is False
    status = (await client.get("/api/v1/ad-sync/status", headers=admin_headers)).json()["data"]
    assert status["state"] == "idle" and status["schedule_enabled"] is True and status["next_run_at"]

    await configure(client, admin_headers, samba_dc, sync_schedule="0 3 * * *", is_enabled=False)
    description = await handle.describe()
    calendar = description.schedule.spec.calendars[0]
    assert (calendar.hour[0].start, calendar.minute[0].start) == (3, 0) and description.schedule.state.paused
    await configure(client, admin_headers, samba_dc, sync_schedule=None)
    status = (await client.get("/api/v1/ad-sync/status", headers=admin_headers)).json()["data"]
    assert status["schedule_id"] is None and status["next_run_at"] is None


async def test_ad_login_by_bind_and_disabled_accounts_refused(
    client: httpx.AsyncClient, admin_headers: dict[str, str], samba_dc: SambaDC, directory: DirectoryAdmin,
    temporal_client: Client, sessions: Any, settings: Any,
) -> None:
    ou = directory.add_ou(f"OU=Login,{CORP}")
    kim = directory.add_user("kimlogin", ou, display_name="김로그인", password="Ad-Pass-1234!")
    directory.add_user("leelogin", ou, display_name="이로그인", password="Ad-Pass-5678!")
    await configure(client, admin_headers, samba_dc, base_dns=[ou])
    run = await client.post("/api/v1/ad-sync/run", json={"mode": "full"}, headers=admin_headers)
    await temporal_client.get_workflow_handle(run.json()["data"]["workflow_id"]).result()

    tokens = await login(client, "kimlogin", "Ad-Pass-1234!")
    me = await client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert me.json()["data"]["name"] == "김로그인"

    async def refused(username: str, password: str) -> dict[str, Any]:
        response = await client.post("/api/v1/auth/login", json={"username": username, "password": password})
        assert response.status_code == 401, response.text
        error: dict[str, Any] = response.json()["error"]
        return error

    assert (await refused("kimlogin", "wrong"))["code"] == "INVALID_CREDENTIALS"
    empty = await client.post("/api/v1/auth/login", json={"username": "kimlogin", "password": ""})
    assert empty.status_code == 422
    # Below the API too: an empty password would be an "unauthenticated bind", which LDAP servers accept.
    from portal.adsync.login import verify_password

    async with sessions() as session:
        assert await verify_password(session, settings, "kimlogin", "") == (False, "empty_password")
    # Filter metacharacters in the username never widen the directory search.
    assert (await refused("*", "Ad-Pass-1234!"))["code"] == "INVALID_CREDENTIALS"
    assert (await refused("kim*)(sAMAccountName=*", "Ad-Pass-1234!"))["code"] == "INVALID_CREDENTIALS"

    # Disabled in AD, not yet synced: the bind path refuses it at once.
    directory.set_enabled(kim, False)
    assert (await refused("kimlogin", "Ad-Pass-1234!"))["code"] == "INVALID_CREDENTIALS"
    async with sessions() as session:
        row = (await session.execute(select(User).where(User.username == "kimlogin"))).scalar_one()
    assert row.is_active is True  # the database learns it at the next sync
    assert (await login(client, "leelogin", "Ad-Pass-5678!"))["access_token"]

    # The directory down: a clear 503, not "wrong password".
    samba_dc.stop()
    try:
        response = await client.post("/api/v1/auth/login", json={"username": "leelogin", "password": "x-Y-1234"})
        assert response.status_code == 503 and response.json()["error"]["code"] == "DIRECTORY_UNAVAILABLE"
    finally:
        samba_dc.start()
        directory.conn = DirectoryAdmin.connect(ca=samba_dc.ca_certificate).conn
