"""Notification fan-out, email action links and SLA timers, against real SMTP, Temporal and PostgreSQL."""

from __future__ import annotations

import asyncio
import email
import re
from email import policy

import pytest
from sqlalchemy import func, select

from portal.notify.models import Notification
from tests.approval_helpers import act, build_company, draft, eventually, get_doc, submit
from workflows.search_attributes import STEP_DEADLINE

pytestmark = pytest.mark.usefixtures("worker")
LINK = re.compile(r"http://portal\.test(/api/v1/approval/email-actions/[A-Za-z0-9_-]+)")


@pytest.fixture
async def company(client, admin_headers, make_user):
    return await build_company(client, admin_headers, make_user)


def mails_to(maildir, address):
    found = []
    for path in sorted(maildir.glob("*.eml")):
        msg = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        if address in str(msg["To"]):
            found.append(msg)
    return found


async def wait_for_mail(maildir, address, count=1, timeout=20.0):
    async def check():
        mails = mails_to(maildir, address)
        return mails if len(mails) >= count else None

    return await eventually(check, timeout=timeout)


async def test_next_approver_gets_an_in_app_row_and_a_bilingual_email(client, company, maildir):
    c = company
    doc = await draft(client, c.drafter["headers"], title="노트북 구매 품의")
    await submit(client, c.drafter["headers"], doc["id"])

    async def unread():
        r = await client.get("/api/v1/notifications", headers=c.lead["headers"])
        return r.json() if r.json()["unread"] else None

    body = await eventually(unread)
    assert body["data"][0]["type"] == "approval.pending"
    assert "노트북 구매 품의" in body["data"][0]["title"]
    assert body["data"][0]["link"] == f"/approval/documents/{doc['id']}"

    mail = (await wait_for_mail(maildir, c.lead["email"]))[0]
    assert mail["Subject"] == "[결재 요청] 노트북 구매 품의"
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert LINK.search(text) and LINK.search(html)
    assert "<script" not in html and "http://portal.test/approval/documents/" in html

    r = await client.post("/api/v1/notifications/read", json={}, headers=c.lead["headers"])
    assert r.json()["data"]["updated"] == 1
    assert (await client.get("/api/v1/notifications", headers=c.lead["headers"])).json()["unread"] == 0


async def test_english_users_get_english_mail_and_drafter_hears_the_outcome(client, company, maildir):
    c = company
    await client.put("/api/v1/users/me", json={"locale": "en"}, headers=c.drafter["headers"])
    doc = await draft(client, c.drafter["headers"], line={"steps": [{"approvers": [c.lead["id"]]}]},
                      title="Team dinner")
    await submit(client, c.drafter["headers"], doc["id"])
    await act(client, c.lead["headers"], doc["id"], "reject", comment="Over budget")
    mail = (await wait_for_mail(maildir, c.drafter["email"]))[0]
    assert mail["Subject"] == "[Rejected] Team dinner"
    assert "Over budget" in mail.get_body(("plain",)).get_content()


async def test_email_link_get_changes_nothing_and_post_approves_once(client, company, maildir):
    c = company
    doc = await draft(client, c.drafter["headers"])
    await submit(client, c.drafter["headers"], doc["id"])
    mail = (await wait_for_mail(maildir, c.lead["email"]))[0]
    path = LINK.search(mail.get_body(("plain",)).get_content()).group(1)

    for _ in range(3):  # a mail scanner fetching the link repeatedly
        page = await client.get(path)
        assert page.status_code == 200
        assert page.headers["referrer-policy"] == "no-referrer"
        assert "default-src 'none'" in page.headers["content-security-policy"]
        assert "http" not in re.sub(r'action="[^"]*"', "", page.text).replace("http-equiv", "")
    assert (await client.head(path)).status_code == 200
    assert (await get_doc(client, c.drafter["headers"], doc["id"]))["current_step"] == 0

    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text).group(1)
    forged = await client.post(path, data={"action": "approve", "csrf": "0" * 64, "comment": ""})
    assert forged.status_code == 403
    client.cookies.clear()
    no_cookie = await client.post(path, data={"action": "approve", "csrf": csrf, "comment": ""},
                                  headers={"Cookie": ""})
    assert no_cookie.status_code == 403
    await client.get(path)  # sets the cookie again
    done = await client.post(path, data={"action": "approve", "csrf": csrf, "comment": "메일로 승인"})
    assert done.status_code == 200 and "승인했습니다" in done.text
    after = await get_doc(client, c.drafter["headers"], doc["id"])
    assert after["current_step"] == 1
    assert after["history"][-1]["channel"] == "email" and after["history"][-1]["comment"] == "메일로 승인"

    again = await client.get(path)
    assert again.status_code == 409 and "이팀장" in again.text and "이미 처리" in again.text
    replay = await client.post(path, data={"action": "approve", "csrf": csrf, "comment": ""})
    assert replay.status_code == 409
    assert [h["action"] for h in (await get_doc(client, c.drafter["headers"], doc["id"]))["history"]].count(
        "approved") == 1


async def test_email_link_rejects_need_a_comment_and_outdated_links_say_who_acted(client, company, maildir):
    c = company
    doc = await draft(client, c.drafter["headers"])
    await submit(client, c.drafter["headers"], doc["id"])
    mail = (await wait_for_mail(maildir, c.lead["email"]))[0]
    path = LINK.search(mail.get_body(("plain",)).get_content()).group(1)
    page = await client.get(path)
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text).group(1)
    r = await client.post(path, data={"action": "reject", "csrf": csrf, "comment": ""})
    assert r.status_code == 422 and "반려하려면 의견을 입력해 주세요." in r.text  # in the approver's language
    # Meanwhile the approver acts in the portal: the link is now outdated.
    await act(client, c.lead["headers"], doc["id"], "approve")
    outdated = await client.get(path)
    assert outdated.status_code == 409 and "이팀장" in outdated.text
    assert (await client.get("/api/v1/approval/email-actions/not-a-real-token")).status_code == 404


async def test_notification_rows_are_not_duplicated_by_retries(client, company, sessions):
    c = company
    doc = await draft(client, c.drafter["headers"])
    await submit(client, c.drafter["headers"], doc["id"])
    await act(client, c.lead["headers"], doc["id"], "approve")
    await act(client, c.director["headers"], doc["id"], "approve")

    async def rows():
        async with sessions() as session:
            result = await session.execute(select(Notification.user_id, Notification.type, func.count())
                                           .group_by(Notification.user_id, Notification.type))
            counts = {(u, t): n for u, t, n in result.all()}
        return counts if (c.drafter["id"], "approval.approved") in counts else None

    counts = await eventually(rows)
    assert all(n == 1 for n in counts.values()), counts
    assert counts[(c.lead["id"], "approval.pending")] == 1
    assert counts[(c.director["id"], "approval.pending")] == 1


async def _short_sla_template(client, admin_headers, code, reminder, escalate):
    r = await client.post("/api/v1/approval/templates", headers=admin_headers, json={
        "code": code, "name": "빠른 결재", "form_schema": {"fields": []}, "line_rule": {"approval_levels": 1},
        "sla_policy": {"reminder_after_seconds": reminder, "escalate_after_seconds": escalate}})
    assert r.status_code == 201, r.text


async def test_sla_reminder_then_escalation_to_the_approvers_manager(client, company, admin_headers):
    c = company
    await _short_sla_template(client, admin_headers, "FAST", 1, 2)
    doc = await draft(client, c.drafter["headers"], template="FAST", form={})
    await submit(client, c.drafter["headers"], doc["id"])

    async def escalated():
        d = await get_doc(client, c.drafter["headers"], doc["id"])
        actions = [h["action"] for h in d["history"]]
        return d if "escalated" in actions else None

    d = await eventually(escalated, timeout=20)
    actions = [h["action"] for h in d["history"]]
    assert actions == ["submitted", "reminded", "escalated"]
    assert d["history"][2]["details"]["to"] == str(c.director["id"])

    async def director_told():
        r = await client.get("/api/v1/notifications", headers=c.director["headers"])
        return [n for n in r.json()["data"] if n["type"] == "approval.escalated"] or None

    assert await eventually(director_told)
    reminders = (await client.get("/api/v1/notifications", headers=c.lead["headers"])).json()["data"]
    assert {n["type"] for n in reminders} == {"approval.pending", "approval.reminder"}


async def test_hold_pauses_the_sla_timers(client, company, admin_headers):
    c = company
    await _short_sla_template(client, admin_headers, "FASTHOLD", 2, 4)
    doc = await draft(client, c.drafter["headers"], template="FASTHOLD", form={})
    await submit(client, c.drafter["headers"], doc["id"])
    await act(client, c.lead["headers"], doc["id"], "hold")
    await asyncio.sleep(3)
    held = await get_doc(client, c.drafter["headers"], doc["id"])
    assert "reminded" not in [h["action"] for h in held["history"]]
    await act(client, c.lead["headers"], doc["id"], "resume")

    async def reminded():
        d = await get_doc(client, c.drafter["headers"], doc["id"])
        return d if "reminded" in [h["action"] for h in d["history"]] else None

    d = await eventually(reminded, timeout=10)
    assert "escalated" not in [h["action"] for h in d["history"]]


async def test_the_next_step_is_reminded_at_its_own_deadline_though_the_first_steps_timer_stays_armed(
    client, company, admin_headers, temporal_client, settings
):
    """One SLA timer stays armed across steps: step 1's timer fires at step 1's deadline, after step 2 began. It
    must remind nobody then and remind step 2's approver once step 2 has waited its own SLA time."""
    c = company
    await _short_sla_template(client, admin_headers, "FASTSTEP", 4, 600)
    line = {"steps": [{"approvers": [c.lead["id"]]}, {"approvers": [c.director["id"]]}]}
    doc = await draft(client, c.drafter["headers"], template="FASTSTEP", form={}, line=line)
    loop = asyncio.get_running_loop()
    await submit(client, c.drafter["headers"], doc["id"])
    submitted = loop.time()
    handle = temporal_client.get_workflow_handle(f"{settings.temporal_prefix}approval-{doc['id']}")
    deadline = (await handle.describe()).typed_search_attributes.get(STEP_DEADLINE)
    assert deadline is not None  # set by the submission itself
    await asyncio.sleep(2)
    assert (await act(client, c.lead["headers"], doc["id"], "approve")).status_code == 200
    await asyncio.sleep(max(0.0, submitted + 4.8 - loop.time()))  # step 1's deadline has passed, step 2's not
    history = (await get_doc(client, c.drafter["headers"], doc["id"]))["history"]
    assert "reminded" not in [h["action"] for h in history]

    async def reminded():
        d = await get_doc(client, c.drafter["headers"], doc["id"])
        return [h for h in d["history"] if h["action"] == "reminded"] or None

    (entry,) = await eventually(reminded, timeout=15)
    assert entry["step_order"] == 1 and entry["details"]["approvers"] == str(c.director["id"])
    later = (await handle.describe()).typed_search_attributes.get(STEP_DEADLINE)
    assert later is not None and (later - deadline).total_seconds() >= 1.5  # step 2's own deadline
    lead_rows = (await client.get("/api/v1/notifications", headers=c.lead["headers"])).json()["data"]
    assert "approval.reminder" not in {n["type"] for n in lead_rows}


async def test_a_step_due_sooner_than_the_armed_escalation_timer_is_still_reminded_on_time(
    client, company, admin_headers
):
    """After step 1's reminder the only timer left waits for the escalation (10 minutes away); step 2's reminder
    is due sooner, so the armed timer must give way to an earlier one."""
    c = company
    await _short_sla_template(client, admin_headers, "FASTSOON", 1, 600)
    line = {"steps": [{"approvers": [c.lead["id"]]}, {"approvers": [c.director["id"]]}]}
    doc = await draft(client, c.drafter["headers"], template="FASTSOON", form={}, line=line)
    await submit(client, c.drafter["headers"], doc["id"])

    async def reminders(count):
        d = await get_doc(client, c.drafter["headers"], doc["id"])
        found = [h for h in d["history"] if h["action"] == "reminded"]
        return found if len(found) >= count else None

    await eventually(lambda: reminders(1), timeout=15)
    assert (await act(client, c.lead["headers"], doc["id"], "approve")).status_code == 200
    found = await eventually(lambda: reminders(2), timeout=15)
    assert [h["step_order"] for h in found] == [0, 1]


async def test_agreers_are_told_once_when_their_step_starts_not_again_after_each_approval(client, company, sessions):
    c = company
    group = {"kind": "agreement", "approvers": [p["id"] for p in c.peers], "rule": "all"}
    doc = await draft(client, c.drafter["headers"], line={"steps": [group, {"approvers": [c.lead["id"]]}]})
    await submit(client, c.drafter["headers"], doc["id"])
    assert (await act(client, c.peers[0]["headers"], doc["id"], "approve")).status_code == 200
    assert (await act(client, c.peers[1]["headers"], doc["id"], "approve")).status_code == 200
    assert (await act(client, c.peers[2]["headers"], doc["id"], "approve")).status_code == 200

    async def rows():
        async with sessions() as session:
            result = await session.execute(select(Notification.user_id, func.count())
                                           .where(Notification.type == "approval.pending")
                                           .group_by(Notification.user_id))
            counts = dict(result.all())
        return counts if c.lead["id"] in counts else None

    counts = await eventually(rows)
    assert counts == {**{p["id"]: 1 for p in c.peers}, c.lead["id"]: 1}
