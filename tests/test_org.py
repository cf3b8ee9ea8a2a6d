"""The department tree: create, rename, move without cycles, managers, deletion rules."""

from __future__ import annotations

ORG = "/api/v1/admin/organizations"


async def _dept(client, headers, **body):
    r = await client.post(ORG, json=body, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()["data"]


async def test_tree_nests_children_with_managers_and_member_counts(client, admin_headers, make_user):
    hq = await _dept(client, admin_headers, name="본사", code="HQ")
    dev = await _dept(client, admin_headers, name="개발본부", parent_id=hq["id"], sort_order=1)
    await _dept(client, admin_headers, name="경영지원", parent_id=hq["id"], sort_order=2)
    lead = await make_user(login_as=False, name="박팀장", department_id=dev["id"])
    await make_user(login_as=False, department_id=dev["id"])
    await client.put(f"{ORG}/{dev['id']}", json={"manager_id": lead["id"]}, headers=admin_headers)
    tree = (await client.get(ORG, headers=admin_headers)).json()["data"]
    assert [d["name"] for d in tree] == ["본사"]
    children = tree[0]["children"]
    assert [c["name"] for c in children] == ["개발본부", "경영지원"]
    assert children[0]["manager_name"] == "박팀장" and children[0]["member_count"] == 2


async def test_employees_may_read_the_tree_but_not_change_it(client, admin_headers, make_user):
    await _dept(client, admin_headers, name="본사")
    user = await make_user()
    assert (await client.get(ORG, headers=user["headers"])).status_code == 200
    r = await client.post(ORG, json={"name": "몰래"}, headers=user["headers"])
    assert r.status_code == 403


async def test_rename_and_move(client, admin_headers):
    a = await _dept(client, admin_headers, name="A")
    b = await _dept(client, admin_headers, name="B")
    r = await client.put(f"{ORG}/{b['id']}", json={"name": "B2", "parent_id": a["id"]}, headers=admin_headers)
    assert r.status_code == 200 and r.json()["data"]["parent_id"] == a["id"] and r.json()["data"]["name"] == "B2"


async def test_moves_that_would_create_a_cycle_are_refused(client, admin_headers):
    a = await _dept(client, admin_headers, name="A")
    b = await _dept(client, admin_headers, name="B", parent_id=a["id"])
    c = await _dept(client, admin_headers, name="C", parent_id=b["id"])
    for target, parent in ((a, c), (a, a), (b, c)):
        r = await client.put(f"{ORG}/{target['id']}", json={"parent_id": parent["id"]}, headers=admin_headers)
        assert r.status_code == 409 and r.json()["error"]["code"] == "ORG_CYCLE"
    tree = (await client.get(ORG, headers=admin_headers)).json()["data"]
    assert tree[0]["name"] == "A" and tree[0]["children"][0]["children"][0]["name"] == "C"


async def test_bad_references_and_codes(client, admin_headers, make_user):
    assert (await client.post(ORG, json={"name": "x", "parent_id": 999}, headers=admin_headers)).status_code == 404
    r = await client.post(ORG, json={"name": "x", "manager_id": 999}, headers=admin_headers)
    assert r.status_code == 422 and r.json()["error"]["code"] == "UNKNOWN_MANAGER"
    await _dept(client, admin_headers, name="영업", code="SALES")
    dup = await client.post(ORG, json={"name": "영업2", "code": "sales"}, headers=admin_headers)
    assert dup.status_code == 409 and dup.json()["error"]["code"] == "DEPARTMENT_CODE_TAKEN"
    for body in ({"name": ""}, {"name": "x" * 101}, {"name": "x", "code": "bad code!"}, {"name": "x", "extra": 1}):
        assert (await client.post(ORG, json=body, headers=admin_headers)).status_code == 422, body
    assert (await client.put(f"{ORG}/4242", json={"name": "y"}, headers=admin_headers)).status_code == 404


async def test_only_empty_departments_can_be_deleted(client, admin_headers, make_user):
    parent = await _dept(client, admin_headers, name="부모")
    child = await _dept(client, admin_headers, name="자식", parent_id=parent["id"])
    member = await make_user(login_as=False, department_id=child["id"])
    r = await client.delete(f"{ORG}/{parent['id']}", headers=admin_headers)
    assert r.status_code == 409 and r.json()["error"]["code"] == "DEPARTMENT_NOT_EMPTY"
    r = await client.delete(f"{ORG}/{child['id']}", headers=admin_headers)
    assert r.status_code == 409 and r.json()["error"]["details"] == {"children": 0, "members": 1}
    await client.put(f"/api/v1/admin/users/{member['id']}", json={"department_id": parent["id"]},
                     headers=admin_headers)
    assert (await client.delete(f"{ORG}/{child['id']}", headers=admin_headers)).status_code == 200
    tree = (await client.get(ORG, headers=admin_headers)).json()["data"]
    assert tree[0]["children"] == []
