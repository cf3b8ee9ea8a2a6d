"""Approval administration: templates and form schemas, stuck documents, statistics."""

from __future__ import annotations

import pytest

from tests.approval_helpers import DOCS, act, build_company, draft, eventually, submit

TEMPLATES = "/api/v1/approval/templates"


async def test_seeded_templates_are_listed_for_employees(client, make_user):
    user = await make_user()
    r = await client.get(TEMPLATES, headers=user["headers"])
    codes = {t["code"]: t for t in r.json()["data"]}
    assert {"GEN", "EXP", "LEAVE"} <= set(codes)
    assert codes["EXP"]["name"] == "지출결의"
    assert [f["key"] for f in codes["EXP"]["form_schema"]["fields"]][:2] == ["amount", "spent_on"]


async def test_template_crud_is_admin_only_and_validated(client, admin_headers, make_user):
    user = await make_user()
    body = {"code": "TRIP", "name": "출장신청", "form_schema": {"fields": [
        {"key": "city", "label": {"ko": "도시", "en": "City"}, "type": "text", "required": True}]}}
    assert (await client.post(TEMPLATES, json=body, headers=user["headers"])).status_code == 403
    r = await client.post(TEMPLATES, json=body, headers=admin_headers)
    assert r.status_code == 201
    tid = r.json()["data"]["id"]
    assert (await client.post(TEMPLATES, json=body, headers=admin_headers)).status_code == 409
    bad = [
        {**body, "code": "lower"},
        {**body, "code": "BAD1", "form_schema": {"fields": [{"key": "x", "type": "text"}]}},
        {**body, "code": "BAD2", "form_schema": {"fields": [{"key": "x", "label": {"ko": "x"}, "type": "select"}]}},
        {**body, "code": "BAD3", "numbering_rule": "{nope}"},
        {**body, "code": "BAD4", "numbering_rule": "NO-SEQ-{yyyy}"},
        {**body, "code": "BAD5", "sla_policy": {"reminder_after_seconds": -5}},
    ]
    for case in bad:
        assert (await client.post(TEMPLATES, json=case, headers=admin_headers)).status_code == 422, case
    # Numbering rules: the four fields only, and numbers that fit the column (64) with a nine-digit counter; a
    # width of a billion is refused before anything is built.
    for rule in ("{seq:0999999999d}", "{code.__class__}-{seq}", "{seq!r}", "{}-{seq}", "{seq:{yyyy}}",
                 "{code:d}-{seq}", "X" * 56 + "-{seq}"):
        r = await client.post(TEMPLATES, json={**body, "code": "BADNUM", "numbering_rule": rule}, headers=admin_headers)
        assert r.status_code == 422 and r.json()["error"]["code"] == "INVALID_NUMBERING_RULE", rule
    r = await client.put(f"{TEMPLATES}/{tid}", json={"numbering_rule": "T-{yyyy}-{seq:058d}"}, headers=admin_headers)
    assert r.status_code == 422 and r.json()["error"]["code"] == "INVALID_NUMBERING_RULE"
    r = await client.put(f"{TEMPLATES}/{tid}", json={"numbering_rule": "T{yy}-{seq:08d}"}, headers=admin_headers)
    assert r.status_code == 200 and r.json()["data"]["numbering_rule"] == "T{yy}-{seq:08d}"
    r = await client.put(f"{TEMPLATES}/{tid}", json={"name": "국내출장"}, headers=admin_headers)
    assert r.status_code == 200 and r.json()["data"]["name"] == "국내출장"
    assert (await client.delete(f"{TEMPLATES}/{tid}", headers=admin_headers)).json()["data"]["is_active"] is False
    retired = await client.post(DOCS, json={"template_code": "TRIP", "title": "t", "form_data": {}},
                                headers=user["headers"])
    assert retired.status_code == 422 and retired.json()["error"]["code"] == "TEMPLATE_INACTIVE"


async def test_form_data_is_checked_against_the_template(client, make_user):
    user = await make_user()
    unknown = await client.post(DOCS, json={"template_code": "NOPE", "title": "t"}, headers=user["headers"])
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "TEMPLATE_NOT_FOUND"
    cases = [
        {"amount": "lots"}, {"amount": -1}, {"amount": True}, {"spent_on": "yesterday"},
        {"account": "카지노"}, {"extra_field": 1}, {"vendor": "x" * 101},
    ]
    for form in cases:
        r = await client.post(DOCS, json={"template_code": "EXP", "title": "t", "form_data": form},
                              headers=user["headers"])
        assert r.status_code == 422 and r.json()["error"]["code"] == "INVALID_FORM_DATA", form


@pytest.mark.usefixtures("worker")
async def test_submission_needs_a_complete_form_and_a_valid_line(client, admin_headers, make_user):
    c = await build_company(client, admin_headers, make_user)
    h = c.drafter["headers"]
    incomplete = await draft(client, h, template="EXP", form={"amount": 1000})
    r = await client.post(f"{DOCS}/{incomplete['id']}/submit", headers=h)
    assert r.status_code == 422 and set(r.json()["error"]["details"]["fields"]) == {"spent_on", "account"}
    empty = await draft(client, h, line={"steps": []})
    r = await client.post(f"{DOCS}/{empty['id']}/submit", headers=h)
    assert r.status_code == 422 and r.json()["error"]["code"] == "EMPTY_LINE"
    await client.delete(f"/api/v1/admin/users/{c.peers[0]['id']}", headers=admin_headers)
    with_inactive = await draft(client, h, line={"steps": [{"approvers": [c.peers[0]["id"]]}]})
    r = await client.post(f"{DOCS}/{with_inactive['id']}/submit", headers=h)
    assert r.status_code == 422 and r.json()["error"]["details"]["inactive"] == [c.peers[0]["id"]]
    self_approval = await draft(client, h, line={"steps": [{"approvers": [c.drafter["id"]]}]})
    r = await client.post(f"{DOCS}/{self_approval['id']}/submit", headers=h)
    assert r.status_code == 422 and r.json()["error"]["code"] == "DRAFTER_IN_LINE"
    bad_lines = [{"steps": [{"approvers": [1, 2]}]}, {"steps": [{"kind": "agreement", "approvers": [1, 1]}]},
                 {"steps": [{"kind": "agreement", "approvers": [1, 2], "rule": "n_of_m", "required": 3}]}]
    for line in bad_lines:
        r = await client.post(DOCS, json={"template_code": "GEN", "title": "t", "line": line}, headers=h)
        assert r.status_code == 422, line
    # Collapsing: the same approver twice in a row is one step.
    twice = await draft(client, h, line={"steps": [{"approvers": [c.lead["id"]]}, {"approvers": [c.lead["id"]]}]})
    assert len(twice["line_spec"]["steps"]) == 1
    # Nothing of the failed submissions changed the drafts.
    assert (await client.get(f"{DOCS}/{incomplete['id']}", headers=h)).json()["data"]["status"] == "draft"
    # Drafts: only the drafter edits, only drafts are editable or deletable.
    other = await client.put(f"{DOCS}/{empty['id']}", json={"title": "x"}, headers=c.lead["headers"])
    assert other.status_code in (403,)
    ok_doc = await draft(client, h)
    await submit(client, h, ok_doc["id"])
    edit = await client.put(f"{DOCS}/{ok_doc['id']}", json={"title": "x"}, headers=h)
    assert edit.status_code == 409 and edit.json()["error"]["code"] == "NOT_A_DRAFT"
    assert (await client.delete(f"{DOCS}/{ok_doc['id']}", headers=h)).status_code == 409
    twice_submit = await client.post(f"{DOCS}/{ok_doc['id']}/submit", headers=h)
    assert twice_submit.status_code == 409
    assert (await client.delete(f"{DOCS}/{empty['id']}", headers=h)).status_code == 200


@pytest.mark.usefixtures("worker")
async def test_stuck_lists_overdue_documents_with_a_temporal_ui_link(client, admin_headers, make_user, settings):
    c = await build_company(client, admin_headers, make_user)
    await client.post(TEMPLATES, headers=admin_headers, json={
        "code": "SLOW", "name": "기한 테스트", "form_schema": {"fields": []}, "line_rule": {"approval_levels": 1},
        "sla_policy": {"reminder_after_seconds": 3600, "escalate_after_seconds": 1}})
    doc = await draft(client, c.drafter["headers"], template="SLOW", form={})
    await submit(client, c.drafter["headers"], doc["id"])
    on_time = await draft(client, c.drafter["headers"])
    await submit(client, c.drafter["headers"], on_time["id"])

    async def overdue():
        r = await client.get("/api/v1/admin/approval/stuck", headers=admin_headers)
        assert r.status_code == 200, r.text
        return [s for s in r.json()["data"] if s["document_id"] == doc["id"]] or None

    item = (await eventually(overdue, timeout=20))[0]
    assert "step_overdue" in item["reasons"] and item["current_approvers"] == [str(c.lead["id"])]
    expected_id = f"{settings.temporal_prefix}approval-{doc['id']}"
    assert item["temporal_ui_url"].endswith(f"/namespaces/default/workflows/{expected_id}")
    listed = (await client.get("/api/v1/admin/approval/stuck", headers=admin_headers)).json()["data"]
    ids = [s["document_id"] for s in listed]
    assert on_time["id"] not in ids
    assert (await client.get("/api/v1/admin/approval/stuck", headers=c.drafter["headers"])).status_code == 403


@pytest.mark.usefixtures("worker")
async def test_statistics_count_documents_and_time_per_step(client, admin_headers, make_user):
    c = await build_company(client, admin_headers, make_user)
    doc = await draft(client, c.drafter["headers"])
    await submit(client, c.drafter["headers"], doc["id"])
    await act(client, c.lead["headers"], doc["id"], "approve")
    await act(client, c.director["headers"], doc["id"], "approve")
    await draft(client, c.drafter["headers"])
    r = await client.get("/api/v1/admin/approval/statistics", headers=admin_headers)
    data = r.json()["data"]
    assert data["by_status"] == {"approved": 1, "draft": 1}
    steps = {(s["template"], s["step"]): s for s in data["average_step_time"]}
    assert steps[("GEN", 0)]["samples"] == 1 and steps[("GEN", 1)]["average_seconds"] >= 0
    assert (await client.get("/api/v1/admin/approval/statistics", headers=c.lead["headers"])).status_code == 403
