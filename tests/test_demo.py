"""The demo company: loaded through the real services and workflow runs, in every approval state, and
idempotent (a second load creates nothing)."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func, select

from portal import demo
from portal.approval.models import ApprovalDocument, ApprovalHistory, ApprovalLine
from portal.board.models import Board, Comment, Post, PostLike
from portal.demo_data import DEMO_PASSWORD, PEOPLE, ROOT_CODE
from portal.org.models import Department
from portal.users.models import User
from temporal import approval as engine
from tests.conftest import login, make_settings

pytestmark = pytest.mark.usefixtures("worker")


async def _load(app, settings):
    gw = app.state.gw
    return await demo.load(gw.sessions, gw.redis, await gw.temporal(), settings, gw.storage)


async def _counts(sessions) -> dict[str, int]:
    async with sessions() as s:
        async def n(model) -> int:
            return (await s.execute(select(func.count()).select_from(model))).scalar_one()

        return {"departments": await n(Department), "users": await n(User), "boards": await n(Board),
                "posts": await n(Post), "comments": await n(Comment), "likes": await n(PostLike),
                "documents": await n(ApprovalDocument), "history": await n(ApprovalHistory)}


async def test_demo_company_has_a_tree_forty_employees_and_documents_in_every_state(app, settings, client):
    report = await _load(app, settings)
    assert report.created["departments"] == 5 and report.created["users"] == 40
    sessions = app.state.gw.sessions
    async with sessions() as s:
        depts = {d.code: d for d in (await s.execute(select(Department))).scalars()}
        assert depts[ROOT_CODE].parent_id is None
        assert depts["DEMO-FIN"].parent_id == depts["DEMO-MGMT"].id and depts["DEMO-MGMT"].parent_id == depts[
            ROOT_CODE].id
        assert all(d.manager_id is not None for d in depts.values())
        people = (await s.execute(select(User).where(User.email.like("%@demo.example.com")))).scalars().all()
        assert len(people) == len(PEOPLE) == 40
        assert all(p.name_en and p.position and p.department_id for p in people)
        docs = (await s.execute(select(ApprovalDocument))).scalars().all()
        by_status = Counter(d.status for d in docs)
        assert {"draft", "in_progress", "on_hold", "approved", "rejected", "withdrawn"} <= set(by_status)
        approved = [d for d in docs if d.status == "approved"]
        assert approved and all(d.document_number for d in approved)
        in_flight = [d for d in docs if d.status in ("in_progress", "on_hold")]
        assert {d.current_step for d in in_flight} >= {0, 1}  # waiting at various steps
        resubmitted = [d for d in docs if d.previous_version_id is not None]
        assert resubmitted and resubmitted[0].version == 2
        history = Counter((await s.execute(select(ApprovalHistory.action))).scalars())
        assert {"final_approved", "approval_cancelled", "held", "withdrawn", "rejected"} <= set(history)
        on_behalf = (await s.execute(select(ApprovalLine).where(ApprovalLine.on_behalf_of_id.is_not(None)))).first()
        assert on_behalf is not None  # 대결 through the dated delegation
        assert (await s.execute(select(func.count()).select_from(Post))).scalar_one() >= 10
        assert (await s.execute(select(func.count()).select_from(Comment))).scalar_one() >= 10
        assert (await s.execute(select(func.count()).select_from(PostLike))).scalar_one() >= 10

    # The open documents are live workflow runs whose state matches the projection.
    temporal = await app.state.gw.temporal()
    for doc in in_flight:
        view = await engine.status(temporal, doc.workflow_id)
        assert (view.status, view.current_step) == (doc.status, doc.current_step)

    # Demo users log in with the documented password and see their work.
    tokens = await login(client, "seojun.lee", DEMO_PASSWORD)
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    counts = (await client.get("/api/v1/approval/boxes", headers=headers)).json()["data"]
    assert counts["pending"] >= 1


async def test_second_load_creates_nothing_and_changes_nothing(app, settings):
    first = await _load(app, settings)
    assert not first.nothing_created
    before = await _counts(app.state.gw.sessions)
    second = await _load(app, settings)
    assert second.nothing_created, second.created
    assert await _counts(app.state.gw.sessions) == before
    async with app.state.gw.sessions() as s:
        assert await demo.is_loaded(s)


async def test_an_open_demo_document_can_be_approved_through_the_api(app, settings, client):
    await _load(app, settings)
    tokens = await login(client, "seojun.lee", DEMO_PASSWORD)
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    pending = (await client.get("/api/v1/approval/boxes/pending", headers=headers)).json()["data"]
    target = next(d for d in pending if d["title"] == "팀 회식비 지출결의")
    r = await client.post(f"/api/v1/approval/documents/{target['id']}/approve", json={}, headers=headers)
    assert r.status_code == 200, r.text
    assert r.json()["data"]["current_step"] == 1


def test_demo_is_on_in_development_off_elsewhere_and_the_setting_overrides(services):
    assert demo.enabled(make_settings(services, "x", env="development"))
    assert not demo.enabled(make_settings(services, "x", env="production", jwt_secret="j" * 40,
                                          encryption_key="MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
                                          bootstrap_admin_password="Str0ng-Admin-Pass!"))
    assert not demo.enabled(make_settings(services, "x", env="test"))
    assert not demo.enabled(make_settings(services, "x", env="development", demo_data=False))
    assert demo.enabled(make_settings(services, "x", env="test", demo_data=True))
