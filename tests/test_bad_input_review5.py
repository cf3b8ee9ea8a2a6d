"""Adversarial review of bad input, fifth round: form schemas no value could fit, board access rules naming
departments that do not exist, circular reporting lines, and approval lines naming users who do not exist. Each
test asserts the status, the stable error code and that a refused request changed nothing."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import update

from portal.approval.models import ApprovalTemplate
from portal.users.models import User
from tests.approval_helpers import DOCS, build_company, draft, get_doc

TEMPLATES = "/api/v1/approval/templates"
BOARDS = "/api/v1/board/boards"
USERS = "/api/v1/admin/users"
NO_SUCH_ID = 987_654


def _error(r: httpx.Response) -> dict[str, Any]:
    error: dict[str, Any] = r.json()["error"]
    return error


def _field(key: str, type_: str, **extra: Any) -> dict[str, Any]:
    return {"key": key, "label": {"ko": key}, "type": type_, **extra}


# --- 1. form schemas: a number range that is empty, a select with an option twice -------------------------------

BAD_FIELDS = [
    (_field("amount", "number", min=100, max=10), "min"),
    (_field("kind", "select", options=["교통비", "식비", "교통비"]), "options"),
]


async def _templates(client, admin_headers) -> list[dict[str, Any]]:
    r = await client.get(f"{TEMPLATES}?include_inactive=true", headers=admin_headers)
    assert r.status_code == 200, r.text
    return list(r.json()["data"])


async def test_template_create_refuses_impossible_number_ranges_and_repeated_options(client, admin_headers):
    """`min: 100, max: 10` was stored, and no amount could ever be entered in the form; `["교통비", "식비",
    "교통비"]` was stored and shown with the option twice. Both are now 422 INVALID_FORM_SCHEMA (the code for
    every bad schema) naming the field, and no template is created; a sound range still works."""
    before = await _templates(client, admin_headers)
    for n, (field, attr) in enumerate(BAD_FIELDS):
        body = {"code": f"BAD_FORM_{n}", "name": "잘못된 양식",
                "form_schema": {"fields": [_field("why", "text"), field]}}
        r = await client.post(TEMPLATES, json=body, headers=admin_headers)
        assert r.status_code == 422, r.text
        assert _error(r)["code"] == "INVALID_FORM_SCHEMA"
        assert _error(r)["details"]["errors"][0]["loc"] == ["fields", "1", attr]
    assert await _templates(client, admin_headers) == before
    good = {"code": "GOOD_FORM", "name": "양식", "form_schema": {"fields": [
        _field("amount", "number", min=10, max=10), _field("kind", "select", options=["교통비", "식비"])]}}
    assert (await client.post(TEMPLATES, json=good, headers=admin_headers)).status_code == 201


async def test_template_update_refuses_them_too(client, admin_headers):
    r = await client.post(TEMPLATES, json={"code": "FORM_UPD", "name": "양식"}, headers=admin_headers)
    assert r.status_code == 201, r.text
    url = f"{TEMPLATES}/{r.json()['data']['id']}"
    before = (await client.get(url, headers=admin_headers)).json()["data"]
    for field, attr in BAD_FIELDS:
        r = await client.put(url, json={"form_schema": {"fields": [field]}}, headers=admin_headers)
        assert r.status_code == 422 and _error(r)["code"] == "INVALID_FORM_SCHEMA", r.text
        assert _error(r)["details"]["errors"][0]["loc"] == ["fields", "0", attr]
    assert (await client.get(url, headers=admin_headers)).json()["data"] == before


async def test_a_template_stored_before_the_check_still_takes_drafts(client, admin_headers, make_user, sessions):
    """Stored schemas are read again on every draft: only create and update check the new rules, so a template
    saved before them keeps working (its select still takes one of its options)."""
    r = await client.post(TEMPLATES, json={"code": "OLD_FORM", "name": "예전 양식"}, headers=admin_headers)
    assert r.status_code == 201, r.text
    async with sessions() as session:  # as it was stored before this round
        await session.execute(update(ApprovalTemplate).where(ApprovalTemplate.code == "OLD_FORM").values(
            form_schema={"fields": [field for field, _ in BAD_FIELDS]}))
        await session.commit()
    user = await make_user()
    doc = await draft(client, user["headers"], template="OLD_FORM", form={"kind": "식비"}, line={"steps": []})
    assert doc["form_data"] == {"kind": "식비"}


# --- 2. board access rules name departments that exist -------------------------------------------------------

async def _boards(client, admin_headers) -> list[dict[str, Any]]:
    r = await client.get(BOARDS, headers=admin_headers)
    assert r.status_code == 200, r.text
    return list(r.json()["data"])


async def test_board_access_rules_name_existing_departments(client, admin_headers):
    """A rule naming department 987654 was stored: nobody got in through it, and the administrator was not told.
    Now create and update refuse it with 422 UNKNOWN_DEPARTMENT naming the field and the unknown ids, and nothing
    is saved; a deleted (inactive) department still exists and may stay named."""
    dept = (await client.post("/api/v1/admin/organizations", json={"name": "총무팀"},
                              headers=admin_headers)).json()["data"]
    before = await _boards(client, admin_headers)
    for name in ("read_permission", "write_permission"):
        body = {"name": "총무 게시판", name: {"departments": [dept["id"], NO_SUCH_ID]}}
        r = await client.post(BOARDS, json=body, headers=admin_headers)
        assert r.status_code == 422, r.text
        assert _error(r)["code"] == "UNKNOWN_DEPARTMENT"
        assert _error(r)["details"] == {"field": f"{name}.departments", "unknown": [NO_SUCH_ID]}
    assert await _boards(client, admin_headers) == before

    r = await client.post(BOARDS, json={"name": "총무 게시판", "read_permission": {"departments": [dept["id"]]}},
                          headers=admin_headers)
    assert r.status_code == 201, r.text
    url = f"{BOARDS}/{r.json()['data']['id']}"
    stored = (await client.get(url, headers=admin_headers)).json()["data"]
    for name in ("read_permission", "write_permission"):
        r = await client.put(url, json={"name": "바뀐 이름", name: {"departments": [NO_SUCH_ID]}},
                             headers=admin_headers)
        assert r.status_code == 422 and _error(r)["code"] == "UNKNOWN_DEPARTMENT", r.text
        assert _error(r)["details"]["field"] == f"{name}.departments"
    assert (await client.get(url, headers=admin_headers)).json()["data"] == stored

    assert (await client.delete(f"/api/v1/admin/organizations/{dept['id']}", headers=admin_headers)).status_code \
        in (200, 204)
    r = await client.put(url, json={"name": "바뀐 이름", "read_permission": {"departments": [dept["id"]]}},
                         headers=admin_headers)
    assert r.status_code == 200, r.text


async def test_board_department_id_names_the_field_too(client, admin_headers):
    r = await client.post(BOARDS, json={"name": "부서 게시판", "type": "department", "department_id": NO_SUCH_ID},
                          headers=admin_headers)
    assert r.status_code == 422 and _error(r)["code"] == "UNKNOWN_DEPARTMENT", r.text
    assert _error(r)["details"] == {"field": "department_id", "unknown": [NO_SUCH_ID]}


# --- 3. reporting lines are not circular --------------------------------------------------------------------

async def _managers(client, admin_headers, *users: dict[str, Any]) -> list[int | None]:
    found = []
    for u in users:
        r = await client.get(f"{USERS}/{u['id']}", headers=admin_headers)
        assert r.status_code == 200, r.text
        found.append(r.json()["data"]["manager_id"])
    return found


async def test_a_manager_link_may_not_close_a_circle(client, admin_headers, make_user):
    """A→B→A (and A→B→C→A) was stored: each was the other's manager, a reporting line with no top, whose default
    approval line just stopped where it came round. Now setting the link that would close the circle is 422
    INVALID_MANAGER (the code the user form already maps to the manager field), and nothing changes; being one's
    own manager stays refused."""
    a = await make_user(login_as=False, name="가")
    b = await make_user(login_as=False, name="나", manager_id=a["id"])
    c = await make_user(login_as=False, name="다", manager_id=b["id"])
    before = await _managers(client, admin_headers, a, b, c)
    for manager in (b, c, a):  # b (a→b→a), c (a→c→b→a), a's own id
        r = await client.put(f"{USERS}/{a['id']}", json={"manager_id": manager["id"], "position": "과장"},
                             headers=admin_headers)
        assert r.status_code == 422, r.text
        assert _error(r)["code"] == "INVALID_MANAGER"
        assert _error(r)["details"] == {"field": "manager_id", "manager_id": manager["id"]}
    assert await _managers(client, admin_headers, a, b, c) == before
    assert (await client.get(f"{USERS}/{a['id']}", headers=admin_headers)).json()["data"]["position"] != "과장"
    # Not a circle: c reports to a directly instead of through b.
    r = await client.put(f"{USERS}/{c['id']}", json={"manager_id": a["id"]}, headers=admin_headers)
    assert r.status_code == 200, r.text


async def test_a_circle_stored_by_the_directory_neither_hangs_nor_blocks_other_edits(
        client, admin_headers, make_user, sessions):
    """AD sync writes the directory's managers as they are, so a circle may already be stored. Editing those
    users' other fields (the form sends the manager back unchanged) still works, and linking someone else under
    the circle is answered (the check stops at the circle)."""
    a = await make_user(login_as=False, name="가")
    b = await make_user(login_as=False, name="나", manager_id=a["id"])
    other = await make_user(login_as=False, name="다")
    async with sessions() as session:
        await session.execute(update(User).where(User.id == a["id"]).values(manager_id=b["id"]))
        await session.commit()
    r = await client.put(f"{USERS}/{a['id']}", json={"manager_id": b["id"], "position": "과장"}, headers=admin_headers)
    assert r.status_code == 200 and r.json()["data"]["position"] == "과장", r.text
    r = await client.put(f"{USERS}/{other['id']}", json={"manager_id": a["id"]}, headers=admin_headers)
    assert r.status_code == 200, r.text


# --- 4. a draft's line names users who exist; a reference or receiver is listed once ------------------------

async def test_a_draft_line_naming_unknown_users_is_refused_when_saved(client, admin_headers, make_user):
    """A line naming user 987654 was saved as the draft and refused only at submission, as INVALID_LINE_MEMBER.
    Now saving (creating or updating the draft) is refused the same way, naming the unknown ids, and nothing is
    saved."""
    c = await build_company(client, admin_headers, make_user)
    h = c.drafter["headers"]
    bad_lines = [
        {"steps": [{"approvers": [NO_SUCH_ID]}]},
        {"steps": [{"approvers": [c.lead["id"]]}], "references": [NO_SUCH_ID]},
        {"steps": [{"approvers": [c.lead["id"]]}], "receivers": [NO_SUCH_ID, NO_SUCH_ID + 1]},
    ]
    drafts = (await client.get("/api/v1/approval/boxes/drafts", headers=h)).json()["pagination"]["total"]
    for line in bad_lines:
        r = await client.post(DOCS, json={"template_code": "GEN", "title": "협조", "form_data": {"purpose": "협조"},
                                          "line": line}, headers=h)
        assert r.status_code == 422 and _error(r)["code"] == "INVALID_LINE_MEMBER", r.text
        assert NO_SUCH_ID in _error(r)["details"]["unknown"]
    assert (await client.get("/api/v1/approval/boxes/drafts", headers=h)).json()["pagination"]["total"] == drafts

    doc = await draft(client, h, line={"steps": [{"approvers": [c.lead["id"]]}]})
    for line in bad_lines:
        r = await client.put(f"{DOCS}/{doc['id']}", json={"title": "바뀐 제목", "line": line}, headers=h)
        assert r.status_code == 422 and _error(r)["code"] == "INVALID_LINE_MEMBER", r.text
    after = await get_doc(client, h, doc["id"])
    assert (after["title"], after["line_spec"]) == (doc["title"], doc["line_spec"])


async def test_a_reference_or_receiver_listed_twice_is_kept_once(client, admin_headers, make_user):
    c = await build_company(client, admin_headers, make_user)
    p0, p1 = c.peers[0]["id"], c.peers[1]["id"]
    line = {"steps": [{"approvers": [c.lead["id"]]}], "references": [p0, p1, p0], "receivers": [p1, p1]}
    doc = await draft(client, c.drafter["headers"], line=line)
    assert (doc["line_spec"]["references"], doc["line_spec"]["receivers"]) == ([p0, p1], [p1])
    r = await client.put(f"{DOCS}/{doc['id']}", json={"line": {**line, "references": [p1, p1]}},
                         headers=c.drafter["headers"])
    assert r.status_code == 200 and r.json()["data"]["line_spec"]["references"] == [p1], r.text

