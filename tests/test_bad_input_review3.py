"""Adversarial review of bad input, third round: approval actions (API and email form), template SLAs, approval
and board comments and attachments. Each test is a probe that found a defect; it asserts the status, the stable
error code and that a refused (or lost) request changed nothing. (Likes, the portal layout and data types, admin
settings, audit-log filters and list parameters were probed too and held.)"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

import pytest
from sqlalchemy import select

from portal.approval.models import ApprovalDocument
from portal.board.models import Post
from tests.approval_helpers import DOCS, act, build_company, draft, get_doc, submit
from tests.test_bad_input_review import _link_and_csrf, _notice, boards  # noqa: F401 (a fixture)

BOARD = "/api/v1/board"
PDF = b"%PDF-1.4\n%%EOF\n"


def _code(r) -> str:
    return r.json()["error"]["code"]


async def _behind_a_lock(sessions, model, row_id: int, requests: list[Awaitable]) -> list:
    """Run `requests` while the test holds `model`'s row lock, so that each has read what it acts on before the
    first one can go on: the interleaving a busy server produces now and then, every time."""
    async with sessions() as session:
        await session.execute(select(model.id).where(model.id == row_id).with_for_update())
        tasks = [asyncio.ensure_future(r) for r in requests]
        await asyncio.sleep(0.5)
        await session.rollback()
    return list(await asyncio.gather(*tasks))


async def _submitted_by_a_drafter(client, admin_headers, make_user) -> tuple[dict[str, str], dict[str, Any]]:
    """A company's drafter (their headers) and a document they have just submitted."""
    c = await build_company(client, admin_headers, make_user)
    h: dict[str, str] = c.drafter["headers"]
    doc = await draft(client, h)
    await submit(client, h, doc["id"])
    return h, doc


async def _audit_total(client, admin_headers, action: str) -> int:
    r = await client.get(f"/api/v1/admin/audit-logs?action={action}", headers=admin_headers)
    assert r.status_code == 200, r.text
    return r.json()["pagination"]["total"]


# --- approval actions -----------------------------------------------------------------------------------

@pytest.mark.usefixtures("worker")
async def test_a_nul_in_an_action_comment_is_refused_before_the_run_takes_the_action(client, admin_headers,
                                                                                     make_user, maildir):
    """Was a 409 `DataError` quoting psycopg's message and SQL context, after the run had already taken the action:
    the run's write of the comment failed, so the run was a step (or a rejection, or a hold) ahead of the stored
    document and every later action on it was refused. The API and the email form now refuse it first."""
    c = await build_company(client, admin_headers, make_user)
    doc_id, path, csrf = await _link_and_csrf(client, c, maildir)  # the email form takes a comment too
    r = await client.post(path, data={"action": "reject", "csrf": csrf, "comment": "반려\u0000사유"})
    assert r.status_code == 422 and _code(r) == "VALIDATION_ERROR", r.text
    r = await client.post(path, data={"action": "approve", "csrf": csrf, "comment": "승인"})
    assert r.status_code == 200 and _notice(r.text), r.text
    history = (await get_doc(client, c.drafter["headers"], doc_id))["history"]
    assert [(h["action"], h["comment"]) for h in history] == [("submitted", None), ("approved", "승인")]

    doc = await draft(client, c.drafter["headers"])
    await submit(client, c.drafter["headers"], doc["id"])
    before = await get_doc(client, c.drafter["headers"], doc["id"])
    for action, who in (("approve", c.lead), ("reject", c.lead), ("hold", c.lead), ("withdraw", c.drafter)):
        r = await act(client, who["headers"], doc["id"], action, comment="검토\u0000완료")
        assert r.status_code == 422 and _code(r) == "VALIDATION_ERROR", (action, r.text)
        assert r.json()["error"]["details"]["errors"][0]["loc"] == ["body", "comment"]
        assert "psycopg" not in r.text
    after = await get_doc(client, c.drafter["headers"], doc["id"])
    assert after["status"] == "in_progress" and after["lines"] == before["lines"]
    assert after["history"] == before["history"]
    r = await act(client, c.lead["headers"], doc["id"], "approve", comment="\u202e검토 완료")  # RTL override: fine
    assert r.status_code == 200 and r.json()["data"]["current_step"] == 1, r.text


@pytest.mark.usefixtures("worker")
async def test_a_non_ascii_csrf_value_on_an_email_link_is_the_csrf_page_not_a_500(client, admin_headers,
                                                                                   make_user, maildir):
    """`hmac.compare_digest` raises TypeError for a str holding anything but ASCII: a 500 for a form field or a
    cookie anyone can send."""
    c = await build_company(client, admin_headers, make_user)
    doc_id, path, csrf = await _link_and_csrf(client, c, maildir)
    forged_cookie = f"gw_email_csrf={'é' * 64}".encode("latin-1")
    for data, headers in (({"action": "approve", "csrf": "é" * 64}, {}),
                          ({"action": "approve", "csrf": csrf}, {"Cookie": forged_cookie})):
        r = await client.post(path, data=data, headers=headers)
        assert r.status_code == 403 and r.headers["content-type"].startswith("text/html"), r.text[:300]
        assert _notice(r.text), r.text[:300]
    assert [h["action"] for h in (await get_doc(client, c.drafter["headers"], doc_id))["history"]] == ["submitted"]
    r = await client.post(path, data={"action": "approve", "csrf": csrf})
    assert r.status_code == 200, r.text[:300]


@pytest.mark.usefixtures("worker")
async def test_concurrent_resubmits_of_one_document_make_one_new_version(client, admin_headers, make_user):
    """`ALREADY_RESUBMITTED` was checked without a lock: four parallel 재기안 made four version-2 drafts."""
    h, doc = await _submitted_by_a_drafter(client, admin_headers, make_user)
    assert (await act(client, h, doc["id"], "withdraw")).status_code == 200
    answers = await asyncio.gather(*(client.post(f"{DOCS}/{doc['id']}/resubmit", headers=h) for _ in range(4)))
    assert sorted(r.status_code for r in answers) == [201, 409, 409, 409], [r.text[:200] for r in answers]
    assert sorted(_code(r) for r in answers if r.status_code == 409) == ["ALREADY_RESUBMITTED"] * 3
    drafts = (await client.get("/api/v1/approval/boxes/drafts", headers=h)).json()["data"]
    assert [(d["version"], d["status"]) for d in drafts] == [(2, "draft")]


@pytest.mark.usefixtures("worker")
async def test_an_sla_too_long_for_a_timer_is_refused_and_submissions_keep_working(client, admin_headers, make_user):
    """A template's `sla_policy` took any positive number: past what a timedelta holds (1e18 seconds, or an integer
    of 400 digits), every later submission of that template was a 500."""
    c = await build_company(client, admin_headers, make_user)
    url = "/api/v1/approval/templates/1"
    before = (await client.get(url, headers=admin_headers)).json()["data"]
    h = {**admin_headers, "Content-Type": "application/json"}
    for value in (b"1" + b"0" * 400, b"1e300", b"1e18", str(366 * 24 * 3600 + 1).encode()):
        for key in (b"reminder_after_seconds", b"escalate_after_seconds"):
            r = await client.put(url, content=b'{"sla_policy": {"%s": %s}}' % (key, value), headers=h)
            assert r.status_code == 422 and _code(r) == "INVALID_SLA_POLICY", (key, value[:20], r.text)
        r = await client.post("/api/v1/approval/templates", headers=h, content=(
            b'{"code": "LONGSLA", "name": "x", "sla_policy": {"reminder_after_seconds": %s}}' % value))
        assert r.status_code == 422 and _code(r) == "INVALID_SLA_POLICY", (value[:20], r.text)
    assert (await client.get(url, headers=admin_headers)).json()["data"] == before
    year = 366 * 24 * 3600
    r = await client.put(url, json={"sla_policy": {"reminder_after_seconds": year, "escalate_after_seconds": year}},
                         headers=admin_headers)
    assert r.status_code == 200, r.text
    doc = await draft(client, c.drafter["headers"])
    assert (await submit(client, c.drafter["headers"], doc["id"]))["status"] == "in_progress"



@pytest.mark.usefixtures("worker")
async def test_an_sla_stored_before_the_checks_is_read_safely_at_submission(client, admin_headers, make_user,
                                                                             sessions, temporal_client):
    """Templates saved before the checks above may hold any SLA value: a huge one is read as a year, one that is
    not a positive number as the system default, and the template's submissions keep working."""
    import json

    from portal.approval.models import ApprovalTemplate

    c = await build_company(client, admin_headers, make_user)
    async with sessions() as session:
        template = (await session.execute(select(ApprovalTemplate).where(ApprovalTemplate.code == "GEN"))).scalar_one()
        template.sla_policy = {"reminder_after_seconds": 1e300, "escalate_after_seconds": "soon"}
        await session.commit()
    doc = await draft(client, c.drafter["headers"])
    submitted = await submit(client, c.drafter["headers"], doc["id"])
    history = await temporal_client.get_workflow_handle(submitted["workflow_id"]).fetch_history()
    sla = json.loads(history.events[0].workflow_execution_started_event_attributes.input.payloads[0].data)["sla"]
    assert sla == {"reminder_after_seconds": 366 * 24 * 3600.0, "escalate_after_seconds": 72 * 3600.0}


async def test_a_reply_to_a_deleted_board_comment_is_refused(client, boards):  # noqa: F811
    h = boards["reader"]["headers"]
    post = (await client.post(f"{BOARD}/boards/{boards['general']['id']}/posts", json={"title": "t"},
                              headers=h)).json()["data"]
    comment = (await client.post(f"{BOARD}/posts/{post['id']}/comments", json={"content": "원글"},
                                 headers=h)).json()["data"]
    assert (await client.delete(f"{BOARD}/comments/{comment['id']}", headers=h)).status_code == 200
    r = await client.post(f"{BOARD}/posts/{post['id']}/comments", json={"content": "답글", "parent_id": comment["id"]},
                          headers=h)
    assert r.status_code == 422 and _code(r) == "INVALID_PARENT", r.text
    assert (await client.get(f"{BOARD}/posts/{post['id']}", headers=h)).json()["data"]["comment_count"] == 0

# --- approval comments and attachments ------------------------------------------------------------------

@pytest.mark.usefixtures("worker")
async def test_concurrent_deletes_of_an_approval_comment_delete_and_audit_it_once(client, admin_headers, make_user):
    """Every parallel delete of the same comment answered 200 and wrote its own audit row."""
    h, doc = await _submitted_by_a_drafter(client, admin_headers, make_user)
    r = await client.post(f"{DOCS}/{doc['id']}/comments", json={"content": "확인 부탁드립니다"}, headers=h)
    assert r.status_code == 201, r.text
    url = f"{DOCS}/{doc['id']}/comments/{r.json()['data']['id']}"
    answers = await asyncio.gather(*(client.delete(url, headers=h) for _ in range(4)))
    assert sorted(r.status_code for r in answers) == [200, 404, 404, 404], [r.text[:200] for r in answers]
    assert all(_code(r) == "COMMENT_NOT_FOUND" for r in answers if r.status_code == 404)
    assert await _audit_total(client, admin_headers, "approval.comment_delete") == 1
    assert (await client.get(f"{DOCS}/{doc['id']}/comments", headers=h)).json()["data"] == []


async def test_concurrent_removals_of_one_approval_attachment_remove_it_once(client, make_user, sessions):
    """Each parallel removal answered 200 (SQLAlchemy warned of a DELETE matching no row) and deleted the stored
    object again."""
    user = await make_user()
    h = user["headers"]
    doc = await draft(client, h)
    ids = []
    for name in ("a.pdf", "b.pdf"):
        r = await client.post(f"{DOCS}/{doc['id']}/attachments", files={"file": (name, PDF, "application/pdf")},
                              headers=h)
        assert r.status_code == 201, r.text
        ids.append(r.json()["data"]["id"])
    answers = await _behind_a_lock(sessions, ApprovalDocument, doc["id"], [
        client.delete(f"/api/v1/approval/attachments/{ids[0]}", headers=h) for _ in range(4)])
    assert sorted(r.status_code for r in answers) == [200, 404, 404, 404], [r.text[:200] for r in answers]
    assert all(_code(r) == "ATTACHMENT_NOT_FOUND" for r in answers if r.status_code == 404)
    left = (await get_doc(client, h, doc["id"]))["attachments"]
    assert [a["id"] for a in left] == [ids[1]]
    assert (await client.get(f"/api/v1/approval/attachments/{ids[1]}", headers=h)).content == PDF


# --- board comments ---------------------------------------------------------------------------------------

async def test_concurrent_deletes_of_one_board_comment_count_it_once(client, boards, sessions):  # noqa: F811
    """The comment was read before the post's lock was taken, so every parallel delete saw it alive and took one
    off the post's comment count: two comments, one deleted four times over, showed a count of 0."""
    h = boards["reader"]["headers"]
    post = (await client.post(f"{BOARD}/boards/{boards['general']['id']}/posts", json={"title": "t"},
                              headers=h)).json()["data"]
    made = [await client.post(f"{BOARD}/posts/{post['id']}/comments", json={"content": text}, headers=h)
            for text in ("첫째", "둘째")]
    assert [r.status_code for r in made] == [201, 201]
    victim = made[0].json()["data"]["id"]
    answers = await _behind_a_lock(sessions, Post, post["id"], [
        client.delete(f"{BOARD}/comments/{victim}", headers=h) for _ in range(4)])
    assert sorted(r.status_code for r in answers) == [200, 404, 404, 404], [r.text[:200] for r in answers]
    assert all(_code(r) == "COMMENT_NOT_FOUND" for r in answers if r.status_code == 404)
    assert (await client.get(f"{BOARD}/posts/{post['id']}", headers=h)).json()["data"]["comment_count"] == 1
    listed = (await client.get(f"{BOARD}/posts/{post['id']}/comments", headers=h)).json()["data"]
    assert [(c["content"], c["is_deleted"]) for c in listed] == [("", True), ("둘째", False)]
