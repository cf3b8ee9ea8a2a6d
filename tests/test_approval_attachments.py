"""Approval attachments on the filesystem store and on a real S3 endpoint (moto_server), with the usual
hostile inputs: oversized, mislabelled, traversal names, other people's documents."""

from __future__ import annotations

import subprocess
import sys
import time
from contextlib import asynccontextmanager
from pathlib import Path

import boto3
import httpx
import pytest
from botocore.exceptions import ClientError

from api.main import create_app
from portal.common.errors import NotFound
from portal.devstack.services import free_port
from tests.approval_helpers import DOCS, build_company, draft
from tests.conftest import make_settings

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


async def upload(client, headers, doc_id, name, data, content_type="application/octet-stream"):
    return await client.post(
        f"{DOCS}/{doc_id}/attachments", files={"file": (name, data, content_type)}, headers=headers
    )


async def test_attach_download_and_remove_on_a_draft(client, admin_headers, make_user, settings):
    c = await build_company(client, admin_headers, make_user)
    doc = await draft(client, c.drafter["headers"])
    r = await upload(client, c.drafter["headers"], doc["id"], "견적서 (최종).pdf", PDF)
    assert r.status_code == 201, r.text
    att = r.json()["data"]
    assert att["content_type"] == "application/pdf" and att["size_bytes"] == len(PDF)
    detail = (await client.get(f"{DOCS}/{doc['id']}", headers=c.drafter["headers"])).json()["data"]
    assert [a["filename"] for a in detail["attachments"]] == ["견적서 (최종).pdf"]

    got = await client.get(f"/api/v1/approval/attachments/{att['id']}", headers=c.drafter["headers"])
    assert got.status_code == 200 and got.content == PDF
    disposition = got.headers["content-disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''%EA%B2%AC" in disposition
    assert got.headers["x-content-type-options"] == "nosniff"
    stored = list((settings.data_dir / "files").rglob("*"))
    assert any(p.is_file() and p.read_bytes() == PDF for p in stored)
    assert not any("견적서" in str(p) for p in stored)  # keys are ours, never the client's name

    stranger = await client.get(f"/api/v1/approval/attachments/{att['id']}", headers=c.peers[0]["headers"])
    assert stranger.status_code == 403
    assert (
        await client.delete(f"/api/v1/approval/attachments/{att['id']}", headers=c.lead["headers"])
    ).status_code == 403
    assert (
        await client.delete(f"/api/v1/approval/attachments/{att['id']}", headers=c.drafter["headers"])
    ).status_code == 200
    assert not any(p.is_file() and p.read_bytes() == PDF for p in (settings.data_dir / "files").rglob("*"))


async def test_hostile_uploads_are_refused_with_clear_codes(
    client, admin_headers, make_user, services, database, redis
):
    c = await build_company(client, admin_headers, make_user)
    doc = await draft(client, c.drafter["headers"])
    h = c.drafter["headers"]
    cases = [
        ("evil.exe", b"MZ\x90\x00" + b"\x00" * 100, "UNSUPPORTED_FILE_TYPE"),
        ("invoice.pdf", b"<html><script>alert(1)</script>", "UNSUPPORTED_FILE_TYPE"),
        ("photo.png", PDF, "UNSUPPORTED_FILE_TYPE"),  # content does not match the name
        ("empty.txt", b"", "EMPTY_FILE"),
    ]
    for name, data, code in cases:
        r = await upload(client, h, doc["id"], name, data)
        assert r.status_code == 422 and r.json()["error"]["code"] == code, (name, r.text)
    traversal = await upload(client, h, doc["id"], "../../etc/passwd.txt", b"root:x:0:0\n")
    assert traversal.status_code == 201 and traversal.json()["data"]["filename"] == "passwd.txt"
    weird = await upload(client, h, doc["id"], 'a"b\r\nSet-Cookie: x.png', PNG)
    assert weird.status_code == 201
    dl = await client.get(f"/api/v1/approval/attachments/{weird.json()['data']['id']}", headers=h)
    assert "\r" not in dl.headers["content-disposition"] and "Set-Cookie" not in dl.headers

    # The limit in force is the admin setting, whose default follows GW_MAX_UPLOAD_BYTES (at least 1 MB).
    small = create_app(make_settings(services, database, max_upload_bytes=1024))
    async with small.router.lifespan_context(small):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=small), base_url="http://t") as http:
            r = await upload(http, h, doc["id"], "big.pdf", PDF + b"0" * (1024 * 1024))
            assert r.status_code == 413 and r.json()["error"]["code"] == "FILE_TOO_LARGE"


@pytest.mark.usefixtures("worker")
async def test_only_drafts_take_attachments_and_readers_can_download(client, admin_headers, make_user):
    c = await build_company(client, admin_headers, make_user)
    doc = await draft(client, c.drafter["headers"])
    att = (await upload(client, c.drafter["headers"], doc["id"], "a.pdf", PDF)).json()["data"]
    await client.post(f"{DOCS}/{doc['id']}/submit", headers=c.drafter["headers"])
    late = await upload(client, c.drafter["headers"], doc["id"], "b.pdf", PDF)
    assert late.status_code == 409 and late.json()["error"]["code"] == "NOT_A_DRAFT"
    assert (await client.get(f"/api/v1/approval/attachments/{att['id']}", headers=c.lead["headers"])).content == PDF
    gone = await client.delete(f"/api/v1/approval/attachments/{att['id']}", headers=c.drafter["headers"])
    assert gone.status_code == 409


@asynccontextmanager
async def moto_s3(tmp_path: Path):
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=open(tmp_path / "moto.log", "wb"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                httpx.get(url, timeout=0.5)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(10)


async def test_s3_backend_stores_and_serves_through_a_real_s3_endpoint(services, database, redis, tmp_path):
    async with moto_s3(tmp_path) as url:
        s3 = boto3.client(
            "s3", endpoint_url=url, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test"
        )
        s3.create_bucket(Bucket="gw-files")
        settings = make_settings(
            services,
            database,
            storage_backend="s3",
            s3_endpoint_url=url,
            s3_bucket="gw-files",
            s3_access_key="test",
            s3_secret_key="test",
        )
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
                from tests.conftest import ADMIN_PASSWORD, bearer, login

                h = bearer((await login(client, "admin", ADMIN_PASSWORD))["access_token"])
                lead = await client.post("/api/v1/admin/users", headers=h, json={"username": "s3lead", "name": "팀장"})
                doc = await client.post(
                    DOCS,
                    headers=h,
                    json={
                        "template_code": "GEN",
                        "title": "S3",
                        "form_data": {"purpose": "x"},
                        "line": {"steps": [{"approvers": [lead.json()["data"]["id"]]}]},
                    },
                )
                r = await upload(client, h, doc.json()["data"]["id"], "scan.png", PNG)
                assert r.status_code == 201, r.text
                keys = [o["Key"] for o in s3.list_objects_v2(Bucket="gw-files")["Contents"]]
                assert len(keys) == 1 and keys[0].startswith("approval/")
                assert s3.get_object(Bucket="gw-files", Key=keys[0])["Body"].read() == PNG
                got = await client.get(f"/api/v1/approval/attachments/{r.json()['data']['id']}", headers=h)
                assert got.content == PNG
                # a range is fetched from S3 as a range, and HEAD asks S3 for the size only
                part = await client.get(f"/api/v1/approval/attachments/{r.json()['data']['id']}",
                                        headers={**h, "Range": "bytes=1-3"})
                assert part.status_code == 206 and part.content == PNG[1:4]
                assert part.headers["content-range"] == f"bytes 1-3/{len(PNG)}"
                head = await client.head(f"/api/v1/approval/attachments/{r.json()['data']['id']}", headers=h)
                assert head.status_code == 200 and head.content == b""
                assert head.headers["content-length"] == str(len(PNG))
                storage = app.state.gw.storage
                assert await storage.get_range(keys[0], 2, 5) == PNG[2:6]
                assert await storage.size(keys[0]) == len(PNG)
                for missing in (storage.get("approval/none"), storage.size("approval/none"),
                                storage.get_range("approval/none", 0, 1)):
                    with pytest.raises(NotFound):
                        await missing
                storage.bucket = "no-such-bucket"  # any other S3 error is not a "file not found"
                try:
                    with pytest.raises(ClientError):
                        await storage.get(keys[0])
                finally:
                    storage.bucket = "gw-files"
                await client.delete(f"/api/v1/approval/attachments/{r.json()['data']['id']}", headers=h)
                assert "Contents" not in s3.list_objects_v2(Bucket="gw-files")


async def test_deleting_a_draft_removes_its_stored_files(client, admin_headers, make_user, settings):
    c = await build_company(client, admin_headers, make_user)
    root = settings.data_dir / "files"
    before = {p for p in root.rglob("*") if p.is_file()}  # other tests' files share the store

    def stored() -> list[bytes]:
        return sorted(p.read_bytes() for p in root.rglob("*") if p.is_file() and p not in before)

    doc = await draft(client, c.drafter["headers"])
    kept = await draft(client, c.drafter["headers"], title="남는 초안")
    for target, name, data in ((doc, "a.pdf", PDF), (doc, "b.png", PNG), (kept, "c.pdf", PDF + b"kept")):
        r = await upload(client, c.drafter["headers"], target["id"], name, data)
        assert r.status_code == 201, r.text

    assert stored() == sorted([PDF, PNG, PDF + b"kept"])
    assert (await client.delete(f"{DOCS}/{doc['id']}", headers=c.lead["headers"])).status_code == 403
    assert len(stored()) == 3  # refused: nothing removed
    assert (await client.delete(f"{DOCS}/{doc['id']}", headers=c.drafter["headers"])).status_code == 200
    assert stored() == [PDF + b"kept"]  # the other draft's file stays
    assert (await client.get(f"{DOCS}/{doc['id']}", headers=c.drafter["headers"])).status_code == 404


async def test_range_and_head_read_only_what_they_answer_from_the_storage(client, admin_headers, make_user, app):
    """A Range request reads its bytes only (not the whole object, then cut), HEAD reads the size only."""
    c = await build_company(client, admin_headers, make_user)
    doc = await draft(client, c.drafter["headers"])
    att = (await upload(client, c.drafter["headers"], doc["id"], "scan.png", PNG)).json()["data"]
    url = f"/api/v1/approval/attachments/{att['id']}"
    real = app.state.gw.storage
    calls: list[tuple[str, tuple[object, ...]]] = []

    class Recording:
        def __getattr__(self, name: str):
            method = getattr(real, name)

            async def recorded(*args: object) -> object:
                calls.append((name, args[1:]))
                return await method(*args)

            return recorded

    app.state.gw.storage = Recording()
    try:
        r = await client.get(url, headers={**c.drafter["headers"], "Range": "bytes=4-9"})
        assert r.status_code == 206 and r.content == PNG[4:10]
        assert calls == [("size", ()), ("get_range", (4, 9))]
        calls.clear()
        r = await client.head(url, headers=c.drafter["headers"])
        assert r.status_code == 200 and r.headers["content-length"] == str(len(PNG))
        assert calls == [("size", ())]
        calls.clear()
        r = await client.get(url, headers=c.drafter["headers"])
        assert r.content == PNG and calls == [("get", ())]
    finally:
        app.state.gw.storage = real
