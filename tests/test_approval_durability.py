"""Durability: killing the worker and the Temporal server mid-approval loses nothing and duplicates nothing:
no approval, no in-app notification row, no outbox mail (each mail goes out, always under its one Message-ID)."""

from __future__ import annotations

import email
import itertools
import os
import signal
import subprocess
import sys
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from api.main import create_app
from portal.devstack.services import TemporalDevServer, free_port, wait_for_port
from portal.notify.models import Notification, NotifyOutbox
from tests.approval_helpers import act, build_company, draft, eventually, get_doc, submit
from tests.conftest import make_settings

ROOT = Path(__file__).resolve().parents[1]


def start_worker(settings, log: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GW_")}
    env.update({
        "GW_ENV": "test", "GW_DATABASE_URL": settings.effective_database_url, "GW_REDIS_URL": settings.redis_url,
        "GW_TEMPORAL_ADDRESS": settings.temporal_address, "GW_SMTP_HOST": "127.0.0.1",
        "GW_SMTP_PORT": str(settings.smtp_port), "GW_TEMPORAL_PREFIX": settings.temporal_prefix,
        "GW_PUBLIC_BASE_URL": settings.public_base_url, "GW_LOG_LEVEL": "WARNING",
    })
    with open(log, "ab") as out:
        return subprocess.Popen([sys.executable, "-m", "temporal.worker"], cwd=ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT)


def kill(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)


@asynccontextmanager
async def served(settings):
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t", timeout=60) as http:
            yield app, http


@pytest.mark.slow
async def test_worker_and_server_crashes_lose_no_approval_and_duplicate_no_notification(
    services, database, redis, tmp_path, maildir
):
    temporal = TemporalDevServer.create(tmp_path, free_port(), 0, db_file=tmp_path / "temporal.sqlite",
                                        headless=True)
    temporal.start()
    settings = make_settings(services, database, temporal_address=temporal.address)
    worker = start_worker(settings, tmp_path / "worker.log")
    try:
        async with served(settings) as (app, client):
            from tests.conftest import ADMIN_PASSWORD, bearer, login

            admin = bearer((await login(client, "admin", ADMIN_PASSWORD))["access_token"])

            seq = itertools.count(1)

            async def make_user(login_as=True, **fields):
                n = next(seq)
                body = {"username": f"dur{n}", "name": fields.pop("name", f"직원{n}"), "email": f"dur{n}@example.com",
                        "password": "Employee-Pass-42", **fields}
                r = await client.post("/api/v1/admin/users", json=body, headers=admin)
                assert r.status_code == 201, r.text
                user = r.json()["data"]
                user["headers"] = bearer((await login(client, body["username"], body["password"]))["access_token"])
                return user

            c = await build_company(client, admin, make_user)
            line = {"steps": [{"approvers": [c.lead["id"]]}, {"approvers": [c.director["id"]]},
                              {"approvers": [c.ceo["id"]]}]}
            doc = (await draft(client, c.drafter["headers"], line=line))["id"]
            await submit(client, c.drafter["headers"], doc)
            assert (await act(client, c.lead["headers"], doc, "approve")).status_code == 200

            kill(worker)  # the worker dies between two approvals
            worker = start_worker(settings, tmp_path / "worker.log")
            assert (await act(client, c.director["headers"], doc, "approve")).status_code == 200

            kill(worker)  # and then the Temporal server itself, with the worker
            kill(temporal.proc)
            temporal.start()
            wait_for_port(temporal.port, temporal.proc, "Temporal", temporal.log, 30)
            worker = start_worker(settings, tmp_path / "worker.log")
            r = await act(client, c.ceo["headers"], doc, "approve")
            assert r.status_code == 200, r.text
            assert r.json()["data"]["status"] == "approved"

            final = await get_doc(client, c.drafter["headers"], doc)
            assert [h["action"] for h in final["history"]] == ["submitted", "approved", "approved", "approved"]

            async def notifications():
                async with app.state.gw.sessions() as session:
                    rows = (await session.execute(
                        select(Notification.user_id, Notification.type, func.count())
                        .group_by(Notification.user_id, Notification.type))).all()
                counts = {(u, t): n for u, t, n in rows}
                return counts if expected <= counts.keys() else None

            # Work a dead worker had picked up is retried once its task times out: wait for all of it.
            expected = {(a["id"], "approval.pending") for a in (c.lead, c.director, c.ceo)}
            expected.add((c.drafter["id"], "approval.approved"))
            counts = await eventually(notifications, timeout=90)
            assert all(n == 1 for n in counts.values()), counts

            async def outbox_sent():
                async with app.state.gw.sessions() as session:
                    rows = (await session.execute(select(NotifyOutbox))).scalars().all()
                return rows if len(rows) == len(counts) and all(r.sent_at for r in rows) else None

            # A batch a killed dispatcher had claimed is sent again once its lease (30 s) runs out.
            sent = await eventually(outbox_sent, timeout=90)
            assert {(r.user_id, f"approval.{r.event}") for r in sent} == counts.keys()
            ours = {r.message_id for r in sent}
            caught = [email.message_from_bytes(p.read_bytes())["Message-ID"] for p in maildir.glob("*.eml")]
            caught = [m for m in caught if m in ours]
            # Every mail arrived; a mail in flight at a kill may arrive twice, but only under its own Message-ID.
            assert set(caught) == ours
    finally:
        if worker.poll() is None:
            worker.terminate()
            worker.wait(20)
        temporal.stop()
