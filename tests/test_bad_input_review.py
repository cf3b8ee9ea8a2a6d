"""Adversarial review of bad input: each test is a probe that once found a defect (or guards a rule nothing else
checks), asserting the status, the stable error code and that a refused request changed nothing."""

from __future__ import annotations

import asyncio
import re
from html.parser import HTMLParser

import pytest

from portal.board.sanitize import ATTRIBUTES, TAGS
from tests.approval_helpers import DOCS, act, build_company, draft, get_doc, submit
from tests.test_approval_notifications import LINK, wait_for_mail

BOARDS = "/api/v1/board/boards"
NOTICE = re.compile(r'class="notice[^"]*">([^<]*)<')


def _notice(page_html: str) -> str:
    found = NOTICE.search(page_html)
    return found.group(1) if found else ""


async def _link_and_csrf(client, company, maildir) -> tuple[int, str, str]:
    """A submitted document, the first approver's email link and the CSRF value its page hands out."""
    doc = await draft(client, company.drafter["headers"])
    await submit(client, company.drafter["headers"], doc["id"])
    mail = (await wait_for_mail(maildir, company.lead["email"]))[0]
    link = LINK.search(mail.get_body(("plain",)).get_content())
    assert link is not None
    page = await client.get(link.group(1))
    assert page.status_code == 200, page.text
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text)
    assert csrf is not None
    return doc["id"], link.group(1), csrf.group(1)


# --- email action links ---------------------------------------------------------------------------------

async def test_posting_to_an_unknown_email_link_without_a_valid_csrf_is_the_invalid_link_page(client):
    """Was a 500: the page's own message and the CSRF message were both passed as `message`."""
    for data in ({"action": "approve", "csrf": "0" * 64}, {"action": "reject", "csrf": "x", "comment": "아니오"}):
        r = await client.post("/api/v1/approval/email-actions/not-a-real-token", data=data)
        assert r.status_code == 404, r.text
        assert r.headers["content-type"].startswith("text/html") and "유효하지 않은 링크" in _notice(r.text)
        assert r.headers["referrer-policy"] == "no-referrer"


@pytest.mark.usefixtures("worker")
async def test_a_spent_link_posted_again_without_its_cookie_says_who_processed_it(client, admin_headers, make_user,
                                                                                   maildir):
    """Was a 500 (same clash): an approver clicking a stale form after someone else acted must learn who did."""
    c = await build_company(client, admin_headers, make_user)
    doc_id, path, csrf = await _link_and_csrf(client, c, maildir)
    assert (await act(client, c.lead["headers"], doc_id, "approve")).status_code == 200
    before = await get_doc(client, c.drafter["headers"], doc_id)
    client.cookies.clear()
    for data in ({"action": "approve", "csrf": csrf}, {"action": "reject", "csrf": "0" * 64, "comment": "늦은 반려"}):
        r = await client.post(path, data=data, headers={"Cookie": ""})
        assert r.status_code == 409, r.text
        assert "이팀장" in _notice(r.text) and "이미 처리" in _notice(r.text)
        assert 'name="csrf"' not in r.text  # no form on a spent link
    after = await get_doc(client, c.drafter["headers"], doc_id)
    assert after["history"] == before["history"] and after["current_step"] == before["current_step"] == 1


@pytest.mark.usefixtures("worker")
async def test_concurrent_posts_of_one_email_link_act_once_and_the_others_say_who_did(client, admin_headers,
                                                                                     make_user, maildir):
    """A double click, or a scanner and a human: the losers' updates are refused by the workflow while the page
    context already shows the step as processed. Was a 500 for every loser."""
    c = await build_company(client, admin_headers, make_user)
    doc_id, path, csrf = await _link_and_csrf(client, c, maildir)
    answers = await asyncio.gather(*(client.post(path, data={"action": "approve", "csrf": csrf}) for _ in range(4)))
    assert sorted(r.status_code for r in answers) == [200, 409, 409, 409], [r.text[:200] for r in answers]
    for r in answers:  # the page says who processed the step, or (projection not read yet) why the action failed
        assert r.headers["content-type"].startswith("text/html") and _notice(r.text), r.text
    history = (await get_doc(client, c.drafter["headers"], doc_id))["history"]
    assert [h["action"] for h in history] == ["submitted", "approved"]
    assert history[-1]["channel"] == "email"


@pytest.mark.usefixtures("worker")
async def test_a_deactivated_approvers_email_link_acts_no_more(client, admin_headers, make_user, maildir):
    """Deactivation retires the account's tokens at once (the portal answers 401), but its email links still
    approved: the link is a credential of that account too."""
    c = await build_company(client, admin_headers, make_user)
    doc_id, path, csrf = await _link_and_csrf(client, c, maildir)  # opened while still employed: cookie set
    assert (await client.delete(f"/api/v1/admin/users/{c.lead['id']}", headers=admin_headers)).status_code == 200
    page = await client.get(path)
    assert page.status_code == 404 and "유효하지 않은 링크" in _notice(page.text) and 'name="csrf"' not in page.text
    r = await client.post(path, data={"action": "approve", "csrf": csrf, "comment": "퇴사 후 승인"})
    assert r.status_code == 404 and "유효하지 않은 링크" in _notice(r.text), r.text
    after = await get_doc(client, c.drafter["headers"], doc_id)
    assert after["current_step"] == 0 and [h["action"] for h in after["history"]] == ["submitted"]


@pytest.mark.usefixtures("worker")
async def test_a_line_break_in_a_title_neither_injects_a_header_nor_stops_the_mail(client, admin_headers, make_user,
                                                                                   maildir):
    """An ASCII subject is not RFC 2047-encoded, so a title with CR LF made the message unflattenable; the
    dispatcher's batch then failed on it again and again, and no mail queued with it went out."""
    c = await build_company(client, admin_headers, make_user)
    await client.put("/api/v1/users/me", json={"locale": "en"}, headers=c.lead["headers"])
    hostile = await draft(client, c.drafter["headers"], title="Budget\r\nBcc: evil@example.com",
                          line={"steps": [{"approvers": [c.lead["id"]]}]})
    await submit(client, c.drafter["headers"], hostile["id"])
    other = await draft(client, c.drafter["headers"], title="두번째 문서",
                        line={"steps": [{"approvers": [c.director["id"]]}]})
    await submit(client, c.drafter["headers"], other["id"])
    mail = (await wait_for_mail(maildir, c.lead["email"]))[0]
    assert mail["Subject"] == "[Approval request] Budget Bcc: evil@example.com"
    assert mail["Bcc"] is None and "evil@example.com" not in str(mail["To"])
    assert (await wait_for_mail(maildir, c.director["email"]))[0]["Subject"] == "[결재 요청] 두번째 문서"


# --- approval templates ---------------------------------------------------------------------------------

BAD_LINE_RULES = [
    {"approval_levels": "lots"}, {"approval_levels": None}, {"approval_levels": 2.5}, {"approval_levels": True},
    {"approval_levels": -1}, {"approval_levels": 10**30}, {"final_approval_positions": 5},
    {"final_approval_positions": "본부장"}, {"final_approval_positions": [["본부장"]]},
    {"final_approval_positions": [""]},
]


async def test_a_template_line_rule_the_line_builders_cannot_read_is_refused(client, admin_headers, make_user):
    """Was stored as sent: every employee's default line, draft and submission on that template became a 500 (or,
    for a string of positions, silently matched nobody)."""
    user = await make_user()
    templates = "/api/v1/approval/templates"
    before = (await client.get(templates, params={"include_inactive": True}, headers=admin_headers)).json()["data"]
    for i, rule in enumerate(BAD_LINE_RULES):
        r = await client.post(templates, json={"code": f"BAD{i}", "name": "n", "line_rule": rule},
                              headers=admin_headers)
        assert r.status_code == 422 and r.json()["error"]["code"] == "INVALID_LINE_RULE", (rule, r.text)
    assert (await client.get(templates, params={"include_inactive": True},
                             headers=admin_headers)).json()["data"] == before
    good = {"code": "TRIP", "name": "출장", "line_rule": {"approval_levels": 1, "final_approval_positions": ["팀장"]}}
    created = await client.post(templates, json=good, headers=admin_headers)
    assert created.status_code == 201, created.text
    url = f"{templates}/{created.json()['data']['id']}"
    for rule in BAD_LINE_RULES[:3]:
        r = await client.put(url, json={"line_rule": rule}, headers=admin_headers)
        assert r.status_code == 422 and r.json()["error"]["code"] == "INVALID_LINE_RULE", (rule, r.text)
    assert (await client.get(url, headers=user["headers"])).json()["data"]["line_rule"] == good["line_rule"]
    line = await client.get("/api/v1/approval/default-line", params={"template_code": "TRIP"},
                            headers=user["headers"])
    assert line.status_code == 200, line.text
    assert (await client.post(DOCS, json={"template_code": "TRIP", "title": "t"},
                              headers=user["headers"])).status_code == 201


def _nested(depth: int) -> list[object]:
    value: list[object] = []
    for _ in range(depth - 1):
        value = [value]
    return value


async def test_free_form_json_nested_too_deep_is_refused_before_it_is_stored(client, admin_headers, make_user):
    """A layout `config` or a template's `line_rule`/`sla_policy` nested ~300 deep validated and was stored, then
    could not be serialised back: the user's layout (or every employee's template list) was a 500 from then on."""
    user = await make_user()
    layout = "/api/v1/portal/layout"

    def item(config: dict[str, object]) -> dict[str, object]:
        return {"items": [{"type": "notices", "x": 0, "y": 0, "w": 6, "h": 4, "config": config}]}

    assert (await client.put(layout, json=item({"filter": {"boards": [1, 2]}}), headers=user["headers"])
            ).status_code == 200
    for depth in (17, 300):
        r = await client.put(layout, json=item({"a": _nested(depth)}), headers=user["headers"])
        assert r.status_code == 422, r.text
        assert r.json()["error"]["code"] == "VALIDATION_ERROR"
        assert "config_too_deep" in [e["type"] for e in r.json()["error"]["details"]["errors"]]
    saved = await client.get(layout, headers=user["headers"])
    assert saved.status_code == 200 and saved.json()["data"]["items"][0]["config"] == {"filter": {"boards": [1, 2]}}

    templates = "/api/v1/approval/templates"
    for field, code in (("line_rule", "INVALID_LINE_RULE"), ("sla_policy", "INVALID_SLA_POLICY")):
        r = await client.post(templates, json={"code": "DEEP", "name": "n", field: {"note": _nested(300)}},
                              headers=admin_headers)
        assert r.status_code == 422 and r.json()["error"]["code"] == code, r.text
        r = await client.put(f"{templates}/1", json={field: {"note": _nested(300)}}, headers=admin_headers)
        assert r.status_code == 422 and r.json()["error"]["code"] == code, r.text
    listed = await client.get(templates, headers=user["headers"])
    assert listed.status_code == 200 and "DEEP" not in [t["code"] for t in listed.json()["data"]]


# --- boards, portlets, search ---------------------------------------------------------------------------

@pytest.fixture
async def boards(client, admin_headers, make_user):
    sales = (await client.post("/api/v1/admin/organizations", json={"name": "영업부"},
                               headers=admin_headers)).json()["data"]
    reader = await make_user(name="개발자")
    seller = await make_user(name="영업사원", department_id=sales["id"])
    general = (await client.post(BOARDS, json={"name": "자유게시판"}, headers=admin_headers)).json()["data"]
    notice = (await client.post(BOARDS, json={"name": "공지사항", "type": "notice"},
                                headers=admin_headers)).json()["data"]
    return {"sales": sales, "reader": reader, "seller": seller, "general": general, "notice": notice}


async def test_closing_or_retiring_a_board_takes_its_posts_off_the_portal_at_once(client, admin_headers, boards):
    """The post portlets were cached for a minute under the reader's roles and department, so a board closed to
    them (or archived) kept showing its titles there until the entry expired."""
    b, h = boards, boards["reader"]["headers"]
    for board in (b["general"], b["notice"]):
        r = await client.post(f"{BOARDS}/{board['id']}/posts", json={"title": f"{board['name']} 글"},
                              headers=admin_headers)
        assert r.status_code == 201, r.text
    url = "/api/v1/portal/data?types=recent-posts,notices"

    def titles(r):
        assert r.status_code == 200, r.text
        data = r.json()["data"]
        return {kind: [i["title"] for i in data[kind]["items"]] for kind in ("recent-posts", "notices")}

    assert titles(await client.get(url, headers=h)) == {"recent-posts": ["공지사항 글", "자유게시판 글"],
                                                       "notices": ["공지사항 글"]}
    closed = await client.put(f"{BOARDS}/{b['notice']['id']}", json={"read_permission": {
        "departments": [b["sales"]["id"]]}}, headers=admin_headers)
    assert closed.status_code == 200, closed.text
    assert titles(await client.get(url, headers=h)) == {"recent-posts": ["자유게시판 글"], "notices": []}
    assert titles(await client.get(url, headers=b["seller"]["headers"]))["notices"] == ["공지사항 글"]
    retired = await client.put(f"{BOARDS}/{b['general']['id']}", json={"is_active": False}, headers=admin_headers)
    assert retired.status_code == 200, retired.text
    assert titles(await client.get(url, headers=h)) == {"recent-posts": [], "notices": []}
    assert (await client.get("/api/v1/portal/data/recent-posts", headers=h)).json()["data"]["items"] == []


async def test_an_author_cannot_clear_the_notice_or_pin_an_administrator_set(client, admin_headers, boards):
    """Only board administrators pin posts or mark notices; clearing either was open to the author."""
    b = boards
    h = b["reader"]["headers"]
    pid = (await client.post(f"{BOARDS}/{b['general']['id']}/posts", json={"title": "내 글"},
                             headers=h)).json()["data"]["id"]
    url = f"/api/v1/board/posts/{pid}"
    flagged = await client.put(url, json={"is_notice": True, "is_pinned": True}, headers=admin_headers)
    assert flagged.status_code == 200, flagged.text
    for body in ({"is_pinned": False}, {"is_notice": False, "title": "몰래 고침"}):
        r = await client.put(url, json=body, headers=h)
        assert r.status_code == 403 and r.json()["error"]["code"] == "PERMISSION_DENIED", r.text
    post = (await client.get(url, headers=h)).json()["data"]
    assert (post["is_notice"], post["is_pinned"], post["title"]) == (True, True, "내 글")
    # Sending the flags as they are is no moderation: the author's edit goes through.
    same = await client.put(url, json={"title": "고친 글", "is_notice": True, "is_pinned": True}, headers=h)
    assert same.status_code == 200 and same.json()["data"]["title"] == "고친 글", same.text


async def test_whitespace_only_search_queries_are_refused_like_empty_ones(client, admin_headers, boards):
    """`q=""` was a 422 but `q="   "` matched every employee and every readable post."""
    b = boards
    await client.post(f"{BOARDS}/{b['general']['id']}/posts", json={"title": "분기 보고"}, headers=admin_headers)
    for url in ("/api/v1/search/posts", "/api/v1/search/employees", "/api/v1/search/autocomplete"):
        for q in (" ", "   ", "\t\n", "\u3000", "\x1c"):
            r = await client.get(url, params={"q": q}, headers=b["reader"]["headers"])
            assert r.status_code == 422, (url, repr(q), r.text)
            error = r.json()["error"]
            assert error["code"] == "VALIDATION_ERROR" and error["details"]["errors"][0]["loc"] == ["query", "q"]
    padded = await client.get("/api/v1/search/posts", params={"q": "  분기 "}, headers=b["reader"]["headers"])
    assert [p["title"] for p in padded.json()["data"]] == ["분기 보고"]
    people = await client.get("/api/v1/search/employees", params={"q": " 영업사원 "}, headers=b["reader"]["headers"])
    assert [p["name"] for p in people.json()["data"]] == ["영업사원"]


class _Markup(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


HOSTILE_RICH_TEXT = [
    '<svg onload=alert(1)><circle r="1"/></svg>',
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    '<p style="background:url(javascript:alert(1))">s</p>',
    '<div style="width: expression(alert(1))">e</div>',
    "<style>body{background:url(javascript:x)}</style>t",
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<a href="jav&#x09;ascript:alert(1)">a</a><a href="&#106;avascript:alert(1)">b</a>',
    '<a href="  JaVaScRiPt:alert(1)">c</a><a href="vbscript:msgbox(1)">v</a>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<object data="x.swf"></object><embed src="x"><form action="javascript:x"><input></form>',
    '<base href="https://evil/"><meta http-equiv="refresh" content="0;url=https://evil"><link rel=stylesheet href=x>',
    '<img src="https://e.example/a.png" srcset="javascript:alert(1)">',
    '<table background="javascript:alert(1)"><tr><td onmouseover="x()">x</td></tr></table>',
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
]


@pytest.mark.parametrize("html", HOSTILE_RICH_TEXT)
async def test_rich_text_keeps_only_allowed_tags_attributes_and_url_schemes(client, boards, html):
    """What a browser parses out of the stored post has no element, attribute or URL scheme beyond the list."""
    r = await client.post(f"{BOARDS}/{boards['general']['id']}/posts", json={"title": "t", "content": html},
                          headers=boards["reader"]["headers"])
    assert r.status_code == 201, r.text
    stored = (await client.get(f"/api/v1/board/posts/{r.json()['data']['id']}",
                               headers=boards["reader"]["headers"])).json()["data"]["content"]
    parser = _Markup()
    parser.feed(stored)
    for tag, attrs in parser.tags:
        assert tag in TAGS, (tag, stored)
        for name, value in attrs:
            assert name in ATTRIBUTES.get(tag, set()) or (tag, name) == ("a", "rel"), (tag, name, stored)
            scheme = re.match(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*):", value or "")
            if name in ("href", "src") and scheme:  # relative URLs stay (same-origin GETs change nothing)
                assert scheme.group(1).lower() in ("http", "https", "mailto"), (value, stored)
    assert not re.search(r"javascript:|vbscript:|data:|expression\(|onerror|onload", stored, re.IGNORECASE), stored


# --- values no column can hold --------------------------------------------------------------------------

BEYOND_INT64 = "99999999999999999999"


async def test_ids_beyond_int64_in_queries_and_bodies_are_422_and_create_nothing(client, admin_headers, make_user):
    user = await make_user()
    for url in (f"/api/v1/search/employees?q=kim&department_id={BEYOND_INT64}",
                f"/api/v1/users?department_id={BEYOND_INT64}",
                f"/api/v1/portal/org-chart/departments/{BEYOND_INT64}/members"):
        r = await client.get(url, headers=user["headers"])
        assert r.status_code == 422 and r.json()["error"]["code"] == "INVALID_VALUE", (url, r.text)
    for url in (f"/api/v1/admin/users?department_id={BEYOND_INT64}",
                f"/api/v1/admin/audit-logs?actor_id={BEYOND_INT64}", f"/api/v1/ad-sync/logs/{BEYOND_INT64}"):
        r = await client.get(url, headers=admin_headers)
        assert r.status_code == 422 and r.json()["error"]["code"] == "INVALID_VALUE", (url, r.text)
    boards_before = (await client.get(BOARDS, headers=admin_headers)).json()["data"]
    orgs_before = (await client.get("/api/v1/admin/organizations", headers=admin_headers)).json()["data"]
    for url, raw in ((BOARDS, b'{"name": "b", "department_id": %s}'),
                     ("/api/v1/admin/organizations", b'{"name": "x", "parent_id": %s}')):
        r = await client.post(url, content=raw % BEYOND_INT64.encode(),
                              headers={**admin_headers, "Content-Type": "application/json"})
        assert r.status_code == 422 and r.json()["error"]["code"] == "INVALID_VALUE", (url, r.text)
    assert (await client.get(BOARDS, headers=admin_headers)).json()["data"] == boards_before
    assert (await client.get("/api/v1/admin/organizations", headers=admin_headers)).json()["data"] == orgs_before


async def test_lone_surrogates_nan_and_infinity_in_json_bodies_are_422_and_write_nothing(client, make_user):
    """Python's JSON reader accepts `"\\ud800"`, `NaN` and `Infinity`; neither PostgreSQL text nor JSONB can hold
    them."""
    user = await make_user()
    h = {**user["headers"], "Content-Type": "application/json"}
    cases = [
        (b'{"template_code": "GEN", "title": "\\ud800"}', "VALIDATION_ERROR"),
        (b'{"template_code": "GEN", "title": "t", "content": "a\\udfffb"}', "VALIDATION_ERROR"),
        (b'{"template_code": "GEN", "title": "t", "form_data": {"purpose": "\\ud800"}}', "INVALID_VALUE"),
        (b'{"template_code": "EXP", "title": "t", "form_data": {"amount": NaN}}', "INVALID_VALUE"),
        (b'{"template_code": "EXP", "title": "t", "form_data": {"amount": Infinity}}', "INVALID_FORM_DATA"),
    ]
    for body, code in cases:
        r = await client.post(DOCS, content=body, headers=h)
        assert r.status_code == 422 and r.json()["error"]["code"] == code, (body, r.text)
    r = await client.put("/api/v1/portal/layout", headers=h, content=(
        b'{"items": [{"type": "notices", "x": 0, "y": 0, "w": 6, "h": 4, "config": {"a": NaN}}]}'))
    assert r.status_code == 422 and r.json()["error"]["code"] == "INVALID_VALUE", r.text
    drafts = await client.get("/api/v1/approval/boxes/drafts", headers=user["headers"])
    assert drafts.json()["pagination"]["total"] == 0
    assert (await client.get("/api/v1/portal/layout", headers=user["headers"])).json()["data"]["is_default"] is True


async def test_malformed_multipart_uploads_are_4xx_and_store_nothing(client, boards):
    h = boards["reader"]["headers"]
    pid = (await client.post(f"{BOARDS}/{boards['general']['id']}/posts", json={"title": "t"},
                             headers=h)).json()["data"]["id"]
    url = f"/api/v1/board/posts/{pid}/attachments"
    part = b'--xyz\r\nContent-Disposition: form-data; name="file"%s\r\n\r\nhello'
    multipart = "multipart/form-data; boundary=xyz"
    cases = [
        ("multipart/form-data", b"garbage", 400, "BAD_REQUEST"),
        (multipart, b"garbage", 400, "BAD_REQUEST"),
        (multipart, part % b'; filename="a.txt"', 422, "VALIDATION_ERROR"),  # never terminated
        (multipart, part % b"" + b"\r\n--xyz--\r\n", 422, "VALIDATION_ERROR"),  # a text field, not a file
        (multipart, part % (b'; filename="' + b"a" * 5000 + b'.txt"') + b"\r\n--xyz--\r\n", 400, "BAD_REQUEST"),
        (multipart, b"".join(b'--xyz\r\nContent-Disposition: form-data; name="f%d"\r\n\r\nx\r\n' % i
                             for i in range(1001)) + b"--xyz--\r\n", 400, "BAD_REQUEST"),
    ]
    for content_type, body, status, code in cases:
        r = await client.post(url, content=body, headers={**h, "Content-Type": content_type})
        assert r.status_code == status and r.json()["error"]["code"] == code, (body[:80], r.text)
    assert (await client.get(f"/api/v1/board/posts/{pid}", headers=h)).json()["data"]["attachments"] == []
