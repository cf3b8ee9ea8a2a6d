"""Boards: permissions on read and write, ordering, sanitised rich text, views, likes, comments, attachments."""

from __future__ import annotations

import asyncio

import pytest

BOARDS = "/api/v1/board/boards"


@pytest.fixture
async def setup(client, admin_headers, make_user):
    sales = (await client.post("/api/v1/admin/organizations", json={"name": "영업부"},
                               headers=admin_headers)).json()["data"]
    seller = await make_user(name="영업사원", department_id=sales["id"])
    other = await make_user(name="개발자")

    async def board(**body):
        r = await client.post(BOARDS, json=body, headers=admin_headers)
        assert r.status_code == 201, r.text
        return r.json()["data"]

    general = await board(name="자유게시판")
    notice = await board(name="공지사항", type="notice")
    dept = await board(name="영업부 게시판", type="department", department_id=sales["id"])
    return {"seller": seller, "other": other, "general": general, "notice": notice, "dept": dept}


async def post(client, headers, board_id, **body):
    r = await client.post(f"{BOARDS}/{board_id}/posts", json={"title": "제목", "content": "<p>본문</p>", **body},
                          headers=headers)
    return r


async def test_board_visibility_and_write_rules(client, setup, admin_headers):
    s = setup
    names = [b["name"] for b in (await client.get(BOARDS, headers=s["other"]["headers"])).json()["data"]]
    assert "영업부 게시판" not in names and {"자유게시판", "공지사항"} <= set(names)
    assert (await client.get(f"{BOARDS}/{s['dept']['id']}/posts", headers=s["other"]["headers"])).status_code == 403
    assert (await client.get(f"{BOARDS}/{s['dept']['id']}/posts", headers=s["seller"]["headers"])).status_code == 200
    read_only = await post(client, s["seller"]["headers"], s["notice"]["id"])
    assert read_only.status_code == 403 and read_only.json()["error"]["code"] == "BOARD_READ_ONLY"
    assert (await post(client, admin_headers, s["notice"]["id"], is_notice=True)).status_code == 201
    assert (await post(client, s["other"]["headers"], s["dept"]["id"])).status_code == 403
    flagged = await post(client, s["seller"]["headers"], s["general"]["id"], is_pinned=True)
    assert flagged.status_code == 403
    assert (await client.post(BOARDS, json={"name": "x"}, headers=s["seller"]["headers"])).status_code == 403


async def test_posts_list_pinned_and_notices_first_with_pagination_and_search(client, setup, admin_headers):
    s, bid = setup, setup["general"]["id"]
    for i in range(3):
        await post(client, s["seller"]["headers"], bid, title=f"일반 글 {i}")
    await post(client, admin_headers, bid, title="공지 글", is_notice=True)
    await post(client, admin_headers, bid, title="고정 글", is_pinned=True)
    r = await client.get(f"{BOARDS}/{bid}/posts?limit=3", headers=s["other"]["headers"])
    body = r.json()
    assert [p["title"] for p in body["data"]] == ["고정 글", "공지 글", "일반 글 2"]
    assert body["pagination"]["total"] == 5 and body["pagination"]["totalPages"] == 2
    found = await client.get(f"{BOARDS}/{bid}/posts", params={"q": "글 1"}, headers=s["other"]["headers"])
    assert [p["title"] for p in found.json()["data"]] == ["일반 글 1"]
    for q in ("%", "_", "\\"):
        r = await client.get(f"{BOARDS}/{bid}/posts", params={"q": q}, headers=s["other"]["headers"])
        assert r.status_code == 200 and r.json()["data"] == [], q
    assert (await client.get(f"{BOARDS}/{bid}/posts", params={"q": "x" * 1000},
                             headers=s["other"]["headers"])).status_code == 422


async def test_rich_text_is_sanitised_on_every_write(client, setup):
    s = setup
    evil = ('<p onclick="steal()">안녕<script>alert(1)</script><a href="javascript:alert(1)">링크</a>'
            '<img src="https://example.com/a.png" onerror="x()"><iframe src="https://evil"></iframe></p>')
    r = await post(client, s["seller"]["headers"], s["general"]["id"], content=evil)
    content = r.json()["data"]["content"]
    for bad in ("<script", "onclick", "onerror", "javascript:", "<iframe"):
        assert bad not in content
    assert "안녕" in content and '<img src="https://example.com/a.png">' in content
    pid = r.json()["data"]["id"]
    edited = await client.put(f"/api/v1/board/posts/{pid}", json={"content": "<b onmouseover=x>굵게</b>"},
                              headers=s["seller"]["headers"])
    assert edited.json()["data"]["content"] == "<b>굵게</b>"


async def test_only_author_or_board_admin_edits_and_deletes_softly(client, setup, admin_headers, sessions):
    s = setup
    pid = (await post(client, s["seller"]["headers"], s["general"]["id"])).json()["data"]["id"]
    url = f"/api/v1/board/posts/{pid}"
    assert (await client.put(url, json={"title": "탈취"}, headers=s["other"]["headers"])).status_code == 403
    assert (await client.delete(url, headers=s["other"]["headers"])).status_code == 403
    assert (await client.delete(url, headers=admin_headers)).status_code == 200
    assert (await client.get(url, headers=s["seller"]["headers"])).status_code == 404
    from portal.board.models import Post

    async with sessions() as session:
        row = await session.get(Post, pid)
        assert row is not None and row.is_deleted and row.deleted_at is not None


async def test_views_count_once_per_reader(client, setup):
    s = setup
    pid = (await post(client, s["seller"]["headers"], s["general"]["id"])).json()["data"]["id"]
    url = f"/api/v1/board/posts/{pid}"
    for _ in range(3):
        await client.get(url, headers=s["other"]["headers"])
    r = await client.get(url, headers=s["seller"]["headers"])
    assert r.json()["data"]["view_count"] == 2


async def test_likes_toggle_and_stay_consistent_under_concurrency(client, setup, make_user):
    s = setup
    pid = (await post(client, s["seller"]["headers"], s["general"]["id"])).json()["data"]["id"]
    like = f"/api/v1/board/posts/{pid}/like"
    r = await client.post(like, headers=s["other"]["headers"])
    assert r.json()["data"] == {"liked": True, "like_count": 1}
    r = await client.post(like, headers=s["other"]["headers"])
    assert r.json()["data"] == {"liked": False, "like_count": 0}
    fans = [await make_user() for _ in range(6)]
    await asyncio.gather(*(client.post(like, headers=f["headers"]) for f in fans))
    await asyncio.gather(*(client.post(like, headers=f["headers"]) for f in fans[:2]))
    final = await client.get(f"/api/v1/board/posts/{pid}", headers=s["seller"]["headers"])
    assert final.json()["data"]["like_count"] == 4


async def test_comments_with_one_level_of_replies(client, setup):
    s = setup
    pid = (await post(client, s["seller"]["headers"], s["general"]["id"])).json()["data"]["id"]
    url = f"/api/v1/board/posts/{pid}/comments"
    top = (await client.post(url, json={"content": "<script>alert(1)</script> 좋아요"},
                             headers=s["other"]["headers"])).json()["data"]
    reply = await client.post(url, json={"content": "감사합니다", "parent_id": top["id"]},
                              headers=s["seller"]["headers"])
    assert reply.status_code == 201
    deeper = await client.post(url, json={"content": "x", "parent_id": reply.json()["data"]["id"]},
                               headers=s["other"]["headers"])
    assert deeper.status_code == 422 and deeper.json()["error"]["code"] == "REPLY_TOO_DEEP"
    listed = (await client.get(url, headers=s["seller"]["headers"])).json()["data"]
    assert len(listed) == 1 and [r["content"] for r in listed[0]["replies"]] == ["감사합니다"]
    assert (await client.get(f"/api/v1/board/posts/{pid}", headers=s["other"]["headers"])).json()["data"][
        "comment_count"] == 2
    cid = listed[0]["id"]
    assert (await client.delete(f"/api/v1/board/comments/{cid}", headers=s["seller"]["headers"])).status_code == 403
    assert (await client.delete(f"/api/v1/board/comments/{cid}", headers=s["other"]["headers"])).status_code == 200
    assert (await client.post(url, json={"content": ""}, headers=s["other"]["headers"])).status_code == 422


async def test_post_attachments_are_checked_and_served_to_readers_only(client, setup):
    s = setup
    pid = (await post(client, s["seller"]["headers"], s["dept"]["id"])).json()["data"]["id"]
    files = {"file": ("../../etc/passwd", b"root:x:0:0", "text/plain")}
    bad = await client.post(f"/api/v1/board/posts/{pid}/attachments", files=files, headers=s["seller"]["headers"])
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "UNSUPPORTED_FILE_TYPE"
    good = await client.post(f"/api/v1/board/posts/{pid}/attachments",
                             files={"file": ("회의록.txt", "회의 내용".encode(), "text/plain")},
                             headers=s["seller"]["headers"])
    assert good.status_code == 201, good.text
    aid = good.json()["data"]["id"]
    ok = await client.get(f"/api/v1/board/attachments/{aid}", headers=s["seller"]["headers"])
    assert ok.content == "회의 내용".encode() and ok.headers["content-disposition"].startswith("attachment;")
    assert (await client.get(f"/api/v1/board/attachments/{aid}", headers=s["other"]["headers"])).status_code == 403


async def test_post_search_covers_readable_boards_only_with_marked_snippets(client, setup, admin_headers):
    s = setup
    await post(client, s["seller"]["headers"], s["general"]["id"], title="분기 실적 보고",
               content="<p>이번 분기 <b>매출</b>은 전년 대비 12% 늘었습니다 &lt;script&gt;</p>")
    await post(client, s["seller"]["headers"], s["dept"]["id"], title="매출 비밀 자료", content="<p>영업부만</p>")
    await post(client, s["seller"]["headers"], s["general"]["id"], title="Quarterly report",
               content="<p>Revenue grew strongly in every region.</p>")
    url = "/api/v1/search/posts"
    other = (await client.get(url, params={"q": "매출"}, headers=s["other"]["headers"])).json()
    assert [p["title"] for p in other["data"]] == ["분기 실적 보고"] and other["pagination"]["total"] == 1
    assert "<mark>매출</mark>" in other["data"][0]["snippet"] and "<script>" not in other["data"][0]["snippet"]
    seller = (await client.get(url, params={"q": "매출"}, headers=s["seller"]["headers"])).json()
    assert [p["title"] for p in seller["data"]] == ["매출 비밀 자료", "분기 실적 보고"]  # title match first
    english = (await client.get(url, params={"q": "revenues regions"}, headers=s["other"]["headers"])).json()
    assert [p["title"] for p in english["data"]] == ["Quarterly report"]
    percent = await client.get(url, params={"q": "%"}, headers=s["other"]["headers"])
    assert [p["title"] for p in percent.json()["data"]] == ["분기 실적 보고"]  # a literal "12%", not a wildcard
    for q in ("_", "\\", "' OR 1=1"):
        r = await client.get(url, params={"q": q}, headers=s["other"]["headers"])
        assert r.status_code == 200 and r.json()["data"] == [], q
    assert (await client.get(url, params={"q": "x" * 1000}, headers=s["other"]["headers"])).status_code == 422


async def test_post_search_reads_the_text_a_reader_sees_not_the_markup(client, setup):
    s = setup
    await post(client, s["seller"]["headers"], s["general"]["id"], title="연구 계획",
               content='<p><strong>R&amp;D</strong> 예산<br>분<em>기</em> 집행 <a href="https://example.com/span">링크</a></p>'
                       "<ul><li>첫째</li><li>둘째</li></ul>")
    url = "/api/v1/search/posts"

    async def titles(q: str) -> list[str]:
        r = await client.get(url, params={"q": q}, headers=s["other"]["headers"])
        assert r.status_code == 200, r.text
        return [p["title"] for p in r.json()["data"]]

    for markup in ("strong", "href", "example.com", "span", "amp;", "<li>", "첫째둘째"):
        assert await titles(markup) == [], markup  # tags, attributes and entities are not text
    for text in ("R&D", "R&D 예산", "예산 분기 집행", "집행 링크", "첫째 둘째"):
        assert await titles(text) == ["연구 계획"], text  # inline tags join text, block tags separate it


async def test_post_lists_are_cached_and_refreshed_by_writes(client, setup, redis):
    s, bid = setup, setup["general"]["id"]
    url = f"{BOARDS}/{bid}/posts"
    await post(client, s["seller"]["headers"], bid, title="첫 글")
    assert [p["title"] for p in (await client.get(url, headers=s["other"]["headers"])).json()["data"]] == ["첫 글"]
    keys = [k.decode() for k in await redis.keys(f"board-posts:{bid}:*")]
    assert len(keys) == 1 and 0 < await redis.ttl(keys[0]) <= 60
    second = (await post(client, s["seller"]["headers"], bid, title="둘째 글")).json()["data"]
    titles = [p["title"] for p in (await client.get(url, headers=s["other"]["headers"])).json()["data"]]
    assert titles == ["둘째 글", "첫 글"]
    await client.delete(f"/api/v1/board/posts/{second['id']}", headers=s["seller"]["headers"])
    assert [p["title"] for p in (await client.get(url, headers=s["other"]["headers"])).json()["data"]] == ["첫 글"]
    # The cache never bypasses permissions: a reader of another department still gets 403.
    dept_url = f"{BOARDS}/{s['dept']['id']}/posts"
    assert (await client.get(dept_url, headers=s["seller"]["headers"])).status_code == 200
    assert (await client.get(dept_url, headers=s["other"]["headers"])).status_code == 403
