"""The portal: per-user layouts validated like the grid draws them, and portlet data in one query each."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import delete, event, select, update

from api.main import create_app
from portal.auth.models import Permission, Role, role_permissions
from portal.board.models import Board
from portal.devstack.services import free_port
from tests.approval_helpers import act, build_company, draft, eventually, submit
from tests.conftest import ADMIN_PASSWORD, bearer, login, make_settings

LAYOUT = "/api/v1/portal/layout"
DATA = "/api/v1/portal/data"
BOARDS = "/api/v1/board/boards"
ALL_TYPES = ["pending-approvals", "recent-posts", "notices", "org-chart", "my-profile"]
ORG_MEMBERS = "/api/v1/portal/org-chart/departments"


def item(type_="notices", x=0, y=0, w=4, h=4, **extra):
    return {"type": type_, "x": x, "y": y, "w": w, "h": h, **extra}


async def _board(client, headers, **body):
    r = await client.post(BOARDS, json=body, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()["data"]


async def _post(client, headers, board_id, title, **body):
    r = await client.post(f"{BOARDS}/{board_id}/posts", json={"title": title, "content": "<p>본문</p>", **body},
                          headers=headers)
    assert r.status_code == 201, r.text
    return r.json()["data"]


async def _dept(client, headers, **body):
    r = await client.post("/api/v1/admin/organizations", json=body, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()["data"]


def _titles(response):
    assert response.status_code == 200, response.text
    return [p["title"] for p in response.json()["data"]["items"]]


# --- layout -------------------------------------------------------------------------------------------

async def test_a_new_user_gets_a_default_layout_that_fits_the_grid(client, make_user):
    user = await make_user()
    r = await client.get(LAYOUT, headers=user["headers"])
    assert r.status_code == 200
    data = r.json()["data"]
    assert data["is_default"] is True and data["updated_at"] is None
    assert sorted(i["type"] for i in data["items"]) == sorted(ALL_TYPES)
    assert all(i["x"] + i["w"] <= 12 and i["visible"] for i in data["items"])
    # The default is itself a valid layout: saving it back is accepted as is.
    body = {"items": [{k: i[k] for k in ("type", "x", "y", "w", "h", "visible", "config")} for i in data["items"]]}
    assert (await client.put(LAYOUT, json=body, headers=user["headers"])).status_code == 200


async def test_saving_replaces_the_whole_layout_and_only_for_that_user(client, make_user):
    alice, bob = await make_user(), await make_user()
    first = [item("notices", 0, 0, 6, 4, config={"rows": 5, "title": "공지"}),
             item("my-profile", 6, 0, 6, 4, visible=False), item("org-chart", 0, 4, 12, 8)]
    r = await client.put(LAYOUT, json={"items": first}, headers=alice["headers"])
    assert r.status_code == 200 and r.json()["data"]["is_default"] is False
    saved = (await client.get(LAYOUT, headers=alice["headers"])).json()["data"]
    assert [(i["type"], i["x"], i["y"], i["w"], i["h"], i["visible"]) for i in saved["items"]] == [
        ("notices", 0, 0, 6, 4, True), ("my-profile", 6, 0, 6, 4, False), ("org-chart", 0, 4, 12, 8, True)]
    assert saved["items"][0]["config"] == {"rows": 5, "title": "공지"} and saved["updated_at"]

    r = await client.put(LAYOUT, json={"items": [item("recent-posts", 3, 2, 5, 6)]}, headers=alice["headers"])
    assert [i["type"] for i in r.json()["data"]["items"]] == ["recent-posts"]
    assert [i["type"] for i in (await client.get(LAYOUT, headers=alice["headers"])).json()["data"]["items"]] == [
        "recent-posts"]
    assert (await client.get(LAYOUT, headers=bob["headers"])).json()["data"]["is_default"] is True


async def test_an_empty_layout_goes_back_to_the_default(client, make_user):
    user = await make_user()
    await client.put(LAYOUT, json={"items": [item()]}, headers=user["headers"])
    r = await client.put(LAYOUT, json={"items": []}, headers=user["headers"])
    assert r.status_code == 200 and r.json()["data"]["is_default"] is True


async def test_hidden_items_may_overlap_visible_ones_and_the_same_portlet_may_repeat(client, make_user):
    user = await make_user()
    items = [item("notices", 0, 0, 6, 4), item("notices", 2, 1, 6, 4, visible=False),
             item("notices", 6, 0, 6, 4, config={"board": 3})]
    r = await client.put(LAYOUT, json={"items": items}, headers=user["headers"])
    assert r.status_code == 200 and len(r.json()["data"]["items"]) == 3


BAD_LAYOUTS = [
    ("unknown portlet type", {"items": [item("weather")]}, "literal_error"),
    ("overlap", {"items": [item(x=0, y=0, w=6, h=4), item("my-profile", x=5, y=3, w=3, h=2)]}, "layout_overlap"),
    ("wider than the grid", {"items": [item(x=8, w=6)]}, "outside_grid"),
    ("zero width", {"items": [item(w=0)]}, "greater_than_equal"),
    ("absurd width", {"items": [item(w=13)]}, "less_than_equal"),
    ("absurd height", {"items": [item(h=21)]}, "less_than_equal"),
    ("negative x", {"items": [item(x=-1)]}, "greater_than_equal"),
    ("x past the last column", {"items": [item(x=12, w=1)]}, "less_than_equal"),
    ("y too far down", {"items": [item(y=201)]}, "less_than_equal"),
    ("absurd coordinate", {"items": [item(y=10**30)]}, "less_than_equal"),
    ("too many items", {"items": [item(y=i, h=1) for i in range(21)]}, "too_long"),
    ("coordinate as a string", {"items": [item(x="1")]}, "int_type"),
    ("coordinate as a float", {"items": [item(x=1.5)]}, "int_type"),
    ("visibility as a number", {"items": [item(visible=1)]}, "bool_type"),
    ("config not an object", {"items": [item(config=["a"])]}, "dict_type"),
    ("config over 2 KB", {"items": [item(config={"note": "가" * 700})]}, "config_too_large"),
    ("unknown item field", {"items": [item(i="notices-1")]}, "extra_forbidden"),
    ("unknown top-level field", {"items": [], "version": 2}, "extra_forbidden"),
    ("items missing", {}, "missing"),
    ("items not a list", {"items": {"type": "notices"}}, "list_type"),
    ("body not an object", [item()], "model_attributes_type"),
]


@pytest.mark.parametrize(("case", "body", "error_type"), BAD_LAYOUTS, ids=[c[0] for c in BAD_LAYOUTS])
async def test_bad_layouts_are_refused_and_the_saved_layout_stays(client, make_user, case, body, error_type):
    user = await make_user()
    good = {"items": [item("org-chart", 0, 0, 12, 6)]}
    assert (await client.put(LAYOUT, json=good, headers=user["headers"])).status_code == 200
    r = await client.put(LAYOUT, json=body, headers=user["headers"])
    assert r.status_code == 422, (case, r.text)
    error = r.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert error_type in [e["type"] for e in error["details"]["errors"]], (case, error)
    assert "가" * 700 not in r.text  # input is never echoed
    items = (await client.get(LAYOUT, headers=user["headers"])).json()["data"]["items"]
    assert [(i["type"], i["w"]) for i in items] == [("org-chart", 12)]


async def test_concurrent_saves_never_merge_two_layouts(client, make_user):
    user = await make_user()
    layouts = [{"items": [item("notices", 0, y, 6, 1) for y in range(n + 1)]} for n in range(8)]
    results = await asyncio.gather(*(client.put(LAYOUT, json=body, headers=user["headers"]) for body in layouts))
    assert all(r.status_code == 200 for r in results)
    final = (await client.get(LAYOUT, headers=user["headers"])).json()["data"]["items"]
    assert [i["y"] for i in final] == list(range(len(final)))  # exactly one of the layouts sent, whole


# --- portlet data -------------------------------------------------------------------------------------

async def test_unknown_portlet_types_are_422_with_a_stable_code(client, make_user):
    user = await make_user()
    for url in (f"{DATA}/weather", f"{DATA}?types=notices,weather", f"{DATA}?types=,,", f"{DATA}/my_profile"):
        r = await client.get(url, headers=user["headers"])
        assert r.status_code == 422, url
        assert r.json()["error"]["code"] == "UNKNOWN_PORTLET"
        assert r.json()["error"]["details"]["allowed"] == ALL_TYPES
    r = await client.get(f"{DATA}?types=notices,weather", headers=user["headers"])
    assert r.json()["error"]["details"]["unknown"] == ["weather"]
    assert (await client.get(DATA, headers=user["headers"])).status_code == 422  # `types` is required


async def test_my_profile_comes_from_the_signed_in_user(client, make_user):
    user = await make_user(name="김영희", position="과장")
    r = await client.get(f"{DATA}/my-profile", headers=user["headers"])
    assert r.status_code == 200
    data = r.json()["data"]
    assert data["type"] == "my-profile"
    assert data["profile"]["id"] == user["id"] and data["profile"]["name"] == "김영희"
    assert data["profile"]["position"] == "과장" and data["profile"]["roles"] == ["user"]


@pytest.fixture
async def boards(client, admin_headers, make_user, sessions):
    """Boards every employee reads, one for a department, one for department admins, one archived."""
    sales = await _dept(client, admin_headers, name="영업부")
    seller = await make_user(name="영업사원", department_id=sales["id"])
    other = await make_user(name="개발자")
    general = await _board(client, admin_headers, name="자유게시판")
    notice = await _board(client, admin_headers, name="공지사항", type="notice")
    dept = await _board(client, admin_headers, name="영업부 게시판", type="department", department_id=sales["id"])
    admins = await _board(client, admin_headers, name="관리자방", read_permission={"roles": ["dept_admin"]})
    archived = await _board(client, admin_headers, name="보관")
    await _post(client, admin_headers, general["id"], "첫 글")
    await _post(client, seller["headers"], dept["id"], "영업 실적")
    await _post(client, admin_headers, admins["id"], "관리자 전용")
    await _post(client, admin_headers, archived["id"], "옛 글")
    deleted = await _post(client, other["headers"], general["id"], "지운 글")
    assert (await client.delete(f"/api/v1/board/posts/{deleted['id']}", headers=other["headers"])).status_code == 200
    await _post(client, admin_headers, notice["id"], "보안 점검 안내")
    await _post(client, admin_headers, general["id"], "고정 공지", is_notice=True, is_pinned=True)
    await _post(client, other["headers"], general["id"], "점심 메뉴")
    async with sessions() as session:  # archived through the table: the boards API keeps it for admins
        await session.execute(update(Board).where(Board.id == archived["id"]).values(is_active=False))
        await session.commit()
    return {"seller": seller, "other": other, "general": general}


async def test_post_portlets_show_only_posts_the_user_may_read(client, boards, admin_headers):
    other, seller = boards["other"], boards["seller"]
    assert _titles(await client.get(f"{DATA}/recent-posts", headers=other["headers"])) == [
        "점심 메뉴", "고정 공지", "보안 점검 안내", "첫 글"]
    assert _titles(await client.get(f"{DATA}/recent-posts", headers=seller["headers"])) == [
        "점심 메뉴", "고정 공지", "보안 점검 안내", "영업 실적", "첫 글"]
    assert _titles(await client.get(f"{DATA}/recent-posts", headers=admin_headers)) == [
        "점심 메뉴", "고정 공지", "보안 점검 안내", "관리자 전용", "영업 실적", "첫 글"]
    r = await client.get(f"{DATA}/notices", headers=other["headers"])
    assert r.json()["data"]["type"] == "notices"
    assert _titles(r) == ["고정 공지", "보안 점검 안내"]  # pinned first, then the notice board's posts
    first = r.json()["data"]["items"][0]
    assert first["board_name"] == "자유게시판" and first["author_name"] and first["is_pinned"] is True


async def test_post_portlets_are_cached_for_a_minute_and_refreshed_by_new_posts(client, boards, redis):
    other, general = boards["other"], boards["general"]
    _titles(await client.get(f"{DATA}/recent-posts", headers=other["headers"]))
    keys = await redis.keys("portlet-posts:all:*")
    assert len(keys) == 1 and 0 < await redis.ttl(keys[0]) <= 60
    await _post(client, other["headers"], general["id"], "방금 쓴 글")
    assert _titles(await client.get(f"{DATA}/recent-posts", headers=other["headers"]))[0] == "방금 쓴 글"
    # Someone who reads other boards never gets this entry.
    assert "영업 실적" in _titles(await client.get(f"{DATA}/recent-posts", headers=boards["seller"]["headers"]))


async def test_several_portlets_at_once_keyed_by_type(client, boards):
    headers = boards["seller"]["headers"]
    r = await client.get(f"{DATA}?types=my-profile,notices,my-profile, org-chart", headers=headers)
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert list(data) == ["my-profile", "notices", "org-chart"]
    assert data["my-profile"]["profile"]["name"] == "영업사원"
    assert [p["title"] for p in data["notices"]["items"]] == ["고정 공지", "보안 점검 안내"]
    assert data["org-chart"]["departments"][0]["name"] == "영업부"


async def test_org_chart_sends_the_tree_with_counts_and_only_the_viewers_own_members(client, admin_headers,
                                                                                    make_user):
    hq = await _dept(client, admin_headers, name="본사")
    dev = await _dept(client, admin_headers, name="개발팀", parent_id=hq["id"])
    lead = await make_user(login_as=False, name="하팀장", department_id=dev["id"], position="팀장")
    await make_user(login_as=False, name="가개발", department_id=dev["id"])
    gone = await make_user(login_as=False, name="나퇴사", department_id=dev["id"])
    assert (await client.delete(f"/api/v1/admin/users/{gone['id']}", headers=admin_headers)).status_code == 200
    await client.put(f"/api/v1/admin/organizations/{dev['id']}", json={"manager_id": lead["id"]},
                     headers=admin_headers)
    viewer = await make_user(department_id=hq["id"], name="본사직원")
    r = await client.get(f"{DATA}/org-chart", headers=viewer["headers"])
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert data["type"] == "org-chart" and data["members_limit"] == 50
    assert data["department_id"] == hq["id"] and [m["name"] for m in data["members"]] == ["본사직원"]
    [root] = data["departments"]
    assert root["name"] == "본사" and root["member_count"] == 1 and "members" not in root
    [team] = root["children"]
    assert team["manager_name"] == "하팀장" and team["member_count"] == 2 and team["children"] == []
    assert "members" not in team  # loaded when the tree expands it:
    r = await client.get(f"{ORG_MEMBERS}/{team['id']}/members", headers=viewer["headers"])
    assert r.status_code == 200, r.text
    assert [(m["name"], m["is_manager"]) for m in r.json()["data"]] == [("하팀장", True), ("가개발", False)]
    assert r.json()["pagination"] == {"page": 1, "limit": 20, "total": 2, "totalPages": 1}


async def test_org_chart_members_page_through_a_department_manager_first(client, admin_headers, make_user):
    team = await _dept(client, admin_headers, name="큰팀")
    for name in ("다", "가", "라", "나"):
        await make_user(login_as=False, name=f"{name}사원", department_id=team["id"])
    boss = await make_user(login_as=False, name="하부장", department_id=team["id"])
    await client.put(f"/api/v1/admin/organizations/{team['id']}", json={"manager_id": boss["id"]},
                     headers=admin_headers)
    viewer = await make_user()
    pages = []
    for page in (1, 2, 3, 4):
        r = await client.get(f"{ORG_MEMBERS}/{team['id']}/members", params={"page": page, "limit": 2},
                             headers=viewer["headers"])
        assert r.status_code == 200, r.text
        assert r.json()["pagination"]["total"] == 5 and r.json()["pagination"]["totalPages"] == 3
        pages.append([m["name"] for m in r.json()["data"]])
    assert pages == [["하부장", "가사원"], ["나사원", "다사원"], ["라사원"], []]
    for missing in (999_999, team["id"] + 1000):
        r = await client.get(f"{ORG_MEMBERS}/{missing}/members", headers=viewer["headers"])
        assert r.status_code == 404 and r.json()["error"]["code"] == "DEPARTMENT_NOT_FOUND"
    assert (await client.get(f"{ORG_MEMBERS}/{team['id']}/members")).status_code == 401


async def test_cached_org_chart_follows_user_and_department_changes(client, admin_headers, make_user, redis):
    dept = await _dept(client, admin_headers, name="총무팀")
    viewer = await make_user(department_id=dept["id"], name="가총무")

    async def chart():
        r = await client.get(f"{DATA}/org-chart", headers=viewer["headers"])
        assert r.status_code == 200, r.text
        return r.json()["data"]

    first = await chart()
    assert [m["name"] for m in first["members"]] == ["가총무"]
    assert await redis.keys("search:employees:*")  # cached
    newcomer = await make_user(login_as=False, name="나신입", department_id=dept["id"])
    second = await chart()
    assert [m["name"] for m in second["members"]] == ["가총무", "나신입"]
    assert [d["member_count"] for d in second["departments"] if d["id"] == dept["id"]] == [2]
    await client.put(f"/api/v1/admin/users/{newcomer['id']}", json={"name": "다신입"}, headers=admin_headers)
    assert [m["name"] for m in (await chart())["members"]] == ["가총무", "다신입"]
    empty = await _dept(client, admin_headers, name="없어질팀")
    assert "없어질팀" in [d["name"] for d in (await chart())["departments"]]
    assert (await client.delete(f"/api/v1/admin/organizations/{empty['id']}", headers=admin_headers)).status_code == 200
    assert "없어질팀" not in [d["name"] for d in (await chart())["departments"]]


@pytest.mark.usefixtures("worker")
async def test_pending_approvals_lists_documents_waiting_for_the_user(client, admin_headers, make_user):
    c = await build_company(client, admin_headers, make_user)
    line = {"steps": [{"approvers": [c.lead["id"]]}, {"approvers": [c.director["id"]]}]}
    for title in ("출장 보고", "비품 구매"):
        doc = await draft(client, c.drafter["headers"], line=line, title=title)
        await submit(client, c.drafter["headers"], doc["id"])
    await draft(client, c.drafter["headers"], line=line, title="아직 초안")
    r = await client.get(f"{DATA}/pending-approvals", headers=c.lead["headers"])
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert data["type"] == "pending-approvals" and data["total"] == 2
    assert [d["title"] for d in data["items"]] == ["출장 보고", "비품 구매"]
    assert data["items"][0]["author_name"] == "박사원" and data["items"][0]["status"] == "in_progress"
    for someone in (c.director, c.drafter):  # not their turn / their own documents
        other = (await client.get(f"{DATA}/pending-approvals", headers=someone["headers"])).json()["data"]
        assert other == {"type": "pending-approvals", "total": 0, "items": []}


@pytest.mark.usefixtures("worker")
async def test_cached_pending_approvals_follow_actions_and_delegations(client, admin_headers, make_user):
    """The portlet is cached per user, and whatever changes a pending box makes that user's entry stale: the
    workflow's projection (for everyone on the line and their delegates) and a delegation made or revoked."""
    c = await build_company(client, admin_headers, make_user)
    stand_in = await make_user()

    async def titles(who):
        r = await client.get(f"{DATA}?types=pending-approvals", headers=who["headers"])
        assert r.status_code == 200, r.text
        return [d["title"] for d in r.json()["data"]["pending-approvals"]["items"]]

    for who in (c.lead, c.director, stand_in):
        assert await titles(who) == []  # now cached empty
    doc = await draft(client, c.drafter["headers"], title="캐시 확인",
                      line={"steps": [{"approvers": [c.lead["id"]]}, {"approvers": [c.director["id"]]}]})
    await submit(client, c.drafter["headers"], doc["id"])
    assert await eventually(lambda: _has(titles(c.lead), "캐시 확인"))
    assert await titles(c.director) == []
    assert (await act(client, c.lead["headers"], doc["id"], "approve")).status_code == 200
    # The update answers once its projection is written: no stale entry is served after that.
    assert await titles(c.lead) == [] and await titles(c.director) == ["캐시 확인"]
    today = datetime.now(UTC).date().isoformat()
    r = await client.post("/api/v1/approval/delegations", headers=c.director["headers"],
                          json={"delegate_id": stand_in["id"], "starts_on": today, "ends_on": today})
    assert r.status_code == 201, r.text
    assert await titles(stand_in) == ["캐시 확인"]
    r = await client.delete(f"/api/v1/approval/delegations/{r.json()['data']['id']}", headers=c.director["headers"])
    assert r.status_code == 200, r.text
    assert await titles(stand_in) == []
    assert (await act(client, c.director["headers"], doc["id"], "approve")).status_code == 200
    assert await titles(c.director) == []


async def _has(titles, title):
    return title in await titles


async def test_each_portlet_answers_in_a_fixed_number_of_queries(app, client, admin_headers, boards, make_user,
                                                                 redis):
    for n in range(4):
        dept = await _dept(client, admin_headers, name=f"부서{n}")
        for _ in range(2):
            await make_user(login_as=False, department_id=dept["id"])
        await _post(client, admin_headers, boards["general"]["id"], f"글{n}", is_notice=n % 2 == 0)
    headers = boards["seller"]["headers"]
    assert (await client.get("/api/v1/users/me", headers=headers)).status_code == 200  # warm the user cache
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    engines = (app.state.gw.engine.sync_engine, app.state.gw.reads.sync_engine)
    for engine in engines:
        event.listen(engine, "before_cursor_execute", count)
    try:
        # The org chart: the tree, and the members of the viewer's own department.
        expected = {"pending-approvals": 1, "recent-posts": 1, "notices": 1, "org-chart": 2, "my-profile": 0}
        for portlet, queries in expected.items():
            await redis.delete(*(await redis.keys("portlet-posts:*")), *(await redis.keys("search:*")),
                               *(await redis.keys("approval-pending:*")), "none")
            statements.clear()
            r = await client.get(f"{DATA}/{portlet}", headers=headers)
            assert r.status_code == 200, r.text
            assert len(statements) == queries, (portlet, statements)
        for portlet in ("pending-approvals", "recent-posts", "notices", "org-chart"):
            await client.get(f"{DATA}/{portlet}", headers=headers)
            statements.clear()
            await client.get(f"{DATA}/{portlet}", headers=headers)
            assert statements == [], portlet  # served from the cache
        statements.clear()
        r = await client.get(f"{DATA}?types={','.join(ALL_TYPES)}", headers=headers)
        assert r.status_code == 200 and list(r.json()["data"]) == ALL_TYPES
        assert statements == []  # the whole home from the cache: no connection is even opened
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", count)


async def test_portlets_need_the_permission_behind_them(client, make_user, sessions):
    async with sessions() as session:  # employees lose org:read
        role_id = (await session.execute(select(Role.id).where(Role.name == "user"))).scalar_one()
        perm_id = (await session.execute(select(Permission.id).where(Permission.code == "org:read"))).scalar_one()
        await session.execute(delete(role_permissions).where(role_permissions.c.role_id == role_id,
                                                             role_permissions.c.permission_id == perm_id))
        await session.commit()
    user = await make_user()
    for url in (f"{DATA}/org-chart", f"{DATA}?types=my-profile,org-chart"):
        r = await client.get(url, headers=user["headers"])
        assert r.status_code == 403 and r.json()["error"]["code"] == "PERMISSION_DENIED"
        assert r.json()["error"]["details"]["portlets"] == ["org-chart"]
    assert (await client.get(f"{DATA}/my-profile", headers=user["headers"])).status_code == 200


@asynccontextmanager
async def _app_without_redis(services, database):
    app = create_app(make_settings(services, database, redis_url=f"redis://127.0.0.1:{free_port()}/0"))
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
            yield http


async def test_layout_and_portlets_keep_working_while_redis_is_down(services, database, client, boards):
    tokens = await login(client, "admin", ADMIN_PASSWORD)  # issued while Redis was up
    headers = bearer(tokens["access_token"])
    async with _app_without_redis(services, database) as http:
        r = await http.get(f"{DATA}?types={','.join(ALL_TYPES)}", headers=headers)
        assert r.status_code == 200, r.text
        assert set(r.json()["data"]) == set(ALL_TYPES)
        assert "첫 글" in [p["title"] for p in r.json()["data"]["recent-posts"]["items"]]
        saved = await http.put(LAYOUT, json={"items": [item()]}, headers=headers)
        assert saved.status_code == 200
        assert (await http.get(LAYOUT, headers=headers)).json()["data"]["items"][0]["type"] == "notices"
