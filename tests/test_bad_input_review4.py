"""Adversarial review of bad input, fourth round: booleans in request bodies, HEAD and Range on attachment
downloads, and more malformed input on approval, board and admin routes. Each test asserts the status, the stable
error code and that a refused request changed nothing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from api.main import create_app
from tests.approval_helpers import DOCS, act, build_company, draft, get_doc, submit
from tests.conftest import ADMIN_PASSWORD, bearer, login, make_settings
from tests.test_approval_attachments import PDF, moto_s3, upload
from tests.test_bad_input_review import boards  # noqa: F401 (a fixture)

BOARD = "/api/v1/board"
TEMPLATES = "/api/v1/approval/templates"
NOT_BOOLEANS: list[Any] = ["yes", 1, "true", 0, "false", "on", None]
# `None` is refused where the field may not be null; where it may (`is_active: null` on an update means "leave
# it"), the cases below say so.


def _code(r: httpx.Response) -> str:
    return str(r.json()["error"]["code"])


# --- 1. booleans in request bodies are JSON true or false ------------------------------------------------

@dataclass
class World:
    client: httpx.AsyncClient
    admin: dict[str, str]
    user: dict[str, Any]
    board: dict[str, Any]
    post_id: int
    template: dict[str, Any]

    async def data(self, url: str, headers: dict[str, str] | None = None) -> Any:
        r = await self.client.get(url, headers=headers or self.admin)
        assert r.status_code == 200, r.text
        return r.json()["data"]

    async def total(self, url: str) -> int:
        r = await self.client.get(url, headers=self.admin)
        assert r.status_code == 200, r.text
        return int(r.json()["pagination"]["total"]) if "pagination" in r.json() else len(r.json()["data"])


@dataclass
class BoolCase:
    """A request with one boolean field set to `value`, and what it may have written."""

    name: str
    method: str
    url: Callable[[World], str]
    body: Callable[[World, Any], dict[str, Any]]
    state: Callable[[World], Awaitable[Any]]
    headers: Callable[[World], dict[str, str]] = lambda w: w.admin
    nullable: bool = False  # null is a valid "leave it as it is" for this field
    good: Any = True
    status: int = 200


def _layout(w: World, visible: Any) -> dict[str, Any]:
    return {"items": [{"type": "notices", "x": 0, "y": 0, "w": 4, "h": 4, "visible": visible}]}


def _ad_config(w: World, value: Any) -> dict[str, Any]:
    return {"server_url": "ldaps://dc1.corp.example.com", "bind_dn": "CN=svc,DC=corp,DC=example,DC=com",
            "bind_password": "secret", "base_dns": ["OU=Corp,DC=corp,DC=example,DC=com"], "use_starttls": False,
            "use_ldaps": value}


BOOL_CASES = [
    BoolCase("post create is_notice", "POST", lambda w: f"{BOARD}/boards/{w.board['id']}/posts",
             lambda w, v: {"title": "공지", "content": "<p>x</p>", "is_notice": v},
             lambda w: w.total(f"{BOARD}/boards/{w.board['id']}/posts"), status=201),
    BoolCase("post create is_pinned", "POST", lambda w: f"{BOARD}/boards/{w.board['id']}/posts",
             lambda w, v: {"title": "고정", "content": "<p>x</p>", "is_pinned": v},
             lambda w: w.total(f"{BOARD}/boards/{w.board['id']}/posts"), status=201),
    BoolCase("post update is_pinned", "PUT", lambda w: f"{BOARD}/posts/{w.post_id}",
             lambda w, v: {"title": "바뀐 제목", "is_pinned": v}, lambda w: w.data(f"{BOARD}/posts/{w.post_id}"),
             nullable=True),
    BoolCase("post update is_notice", "PUT", lambda w: f"{BOARD}/posts/{w.post_id}",
             lambda w, v: {"title": "바뀐 제목", "is_notice": v}, lambda w: w.data(f"{BOARD}/posts/{w.post_id}"),
             nullable=True),
    BoolCase("board update is_active", "PUT", lambda w: f"{BOARD}/boards/{w.board['id']}",
             lambda w, v: {"name": "바뀐 게시판", "is_active": v},
             lambda w: w.data(f"{BOARD}/boards/{w.board['id']}"), nullable=True, good=False),
    BoolCase("admin user update is_active", "PUT", lambda w: f"/api/v1/admin/users/{w.user['id']}",
             lambda w, v: {"name": "바뀐 이름", "is_active": v},
             lambda w: w.data(f"/api/v1/admin/users/{w.user['id']}"), nullable=True, good=False),
    BoolCase("admin user update unlock", "PUT", lambda w: f"/api/v1/admin/users/{w.user['id']}",
             lambda w, v: {"name": "바뀐 이름", "unlock": v},
             lambda w: w.data(f"/api/v1/admin/users/{w.user['id']}"), nullable=True),
    BoolCase("template create is_active", "POST", lambda w: TEMPLATES,
             lambda w, v: {"code": "BOOL_NEW", "name": "새 양식", "is_active": v},
             lambda w: w.total(f"{TEMPLATES}?include_inactive=true"), status=201, good=False),
    BoolCase("template create form field required", "POST", lambda w: TEMPLATES,
             lambda w, v: {"code": "BOOL_REQ", "name": "새 양식", "form_schema": {"fields": [
                 {"key": "why", "label": {"ko": "사유"}, "type": "text", "required": v}]}},
             lambda w: w.total(f"{TEMPLATES}?include_inactive=true"), status=201),
    BoolCase("template update is_active", "PUT", lambda w: f"{TEMPLATES}/{w.template['id']}",
             lambda w, v: {"name": "바뀐 양식", "is_active": v},
             lambda w: w.data(f"{TEMPLATES}/{w.template['id']}"), nullable=True, good=False),
    BoolCase("template update form field required", "PUT", lambda w: f"{TEMPLATES}/{w.template['id']}",
             lambda w, v: {"name": "바뀐 양식", "form_schema": {"fields": [
                 {"key": "why", "label": {"ko": "사유"}, "type": "text", "required": v}]}},
             lambda w: w.data(f"{TEMPLATES}/{w.template['id']}")),
    BoolCase("portal layout visible", "PUT", lambda w: "/api/v1/portal/layout", _layout,
             lambda w: w.data("/api/v1/portal/layout", w.user["headers"]), headers=lambda w: w.user["headers"],
             good=False),
    BoolCase("ad-sync config use_ldaps", "PUT", lambda w: "/api/v1/ad-sync/config", _ad_config,
             lambda w: w.data("/api/v1/ad-sync/config")),
    BoolCase("ad-sync config ou_mapping.mirror_tree", "PUT", lambda w: "/api/v1/ad-sync/config",
             lambda w, v: {**_ad_config(w, True), "ou_mapping": {"mirror_tree": v}},
             lambda w: w.data("/api/v1/ad-sync/config")),
]


@pytest.fixture
async def world(client, admin_headers, make_user) -> World:
    user = await make_user(name="불리언")
    board = (await client.post(f"{BOARD}/boards", json={"name": "불리언 게시판"}, headers=admin_headers)).json()
    post = await client.post(f"{BOARD}/boards/{board['data']['id']}/posts",
                             json={"title": "원래 제목", "content": "<p>본문</p>"}, headers=admin_headers)
    assert post.status_code == 201, post.text
    template = await client.post(TEMPLATES, json={"code": "BOOL_OLD", "name": "원래 양식"}, headers=admin_headers)
    assert template.status_code == 201, template.text
    return World(client, admin_headers, user, board["data"], post.json()["data"]["id"], template.json()["data"])


@pytest.mark.parametrize("case", BOOL_CASES, ids=[c.name for c in BOOL_CASES])
async def test_booleans_in_request_bodies_are_json_true_or_false(client, world, case: BoolCase):
    """`"yes"`, `1`, `"true"`, `"on"` were all taken as true (and `0`, `"false"` as false) by pydantic's lax
    booleans: a typo or a form-encoded value quietly flipped a flag. Now each is a 422 VALIDATION_ERROR naming
    the field, and nothing is written; JSON true and false still work."""
    w = world
    before = await case.state(w)
    for value in NOT_BOOLEANS:
        if value is None and case.nullable:
            continue
        r = await client.request(case.method, case.url(w), json=case.body(w, value), headers=case.headers(w))
        assert r.status_code == 422, (value, r.text)
        assert _code(r) == "VALIDATION_ERROR", (value, r.text)
        assert await case.state(w) == before, value
    r = await client.request(case.method, case.url(w), json=case.body(w, case.good), headers=case.headers(w))
    assert r.status_code == case.status, r.text
    assert await case.state(w) != before  # the accepted request did write


async def test_system_settings_were_already_strict_and_stay_so(client, admin_headers):
    """Guard: the settings document is strict as a whole (its model says so); unchanged by this round."""
    before = (await client.get("/api/v1/admin/settings", headers=admin_headers)).json()["data"]
    body = {k: v for k, v in before.items() if k not in ("is_default", "updated_at", "updated_by")}
    r = await client.put("/api/v1/admin/settings", json={**body, "uploads": {"max_upload_mb": "10"}},
                         headers=admin_headers)
    assert r.status_code == 422 and _code(r) == "VALIDATION_ERROR"
    assert (await client.get("/api/v1/admin/settings", headers=admin_headers)).json()["data"] == before


async def test_query_string_booleans_are_still_parsed_as_fastapi_does(client, admin_headers):
    """Only bodies are strict: `?include_inactive=true` (and `1`, `yes`) keep working on lists."""
    inactive = await client.post(TEMPLATES, json={"code": "QS_OFF", "name": "꺼진 양식", "is_active": False},
                                 headers=admin_headers)
    assert inactive.status_code == 201, inactive.text
    for flag in ("true", "1", "yes", "on"):
        r = await client.get(f"{TEMPLATES}?include_inactive={flag}", headers=admin_headers)
        assert r.status_code == 200 and "QS_OFF" in [t["code"] for t in r.json()["data"]], flag
    r = await client.get(f"{TEMPLATES}?include_inactive=false", headers=admin_headers)
    assert "QS_OFF" not in [t["code"] for t in r.json()["data"]]


@pytest.mark.usefixtures("worker")
async def test_final_approval_needs_a_json_true(client, admin_headers, make_user):
    """`{"final": "yes"}` was a 전결: the director's approval completed the document and skipped the CEO. Now it is
    refused before the run sees it, and the document stays where it was; `true` still completes it."""
    c = await build_company(client, admin_headers, make_user)
    doc = await draft(client, c.drafter["headers"], template="EXP",
                      form={"amount": 120000, "spent_on": "2026-11-20", "account": "교육훈련비"})
    await submit(client, c.drafter["headers"], doc["id"])
    assert (await act(client, c.lead["headers"], doc["id"], "approve")).status_code == 200
    before = await get_doc(client, c.drafter["headers"], doc["id"])
    for value in ("yes", 1, "true", "1", "on"):
        r = await act(client, c.director["headers"], doc["id"], "approve", final=value)
        assert r.status_code == 422 and _code(r) == "VALIDATION_ERROR", (value, r.text)
        assert r.json()["error"]["details"]["errors"][0]["loc"] == ["body", "final"]
    after = await get_doc(client, c.drafter["headers"], doc["id"])
    assert (after["status"], after["history"], after["lines"]) == (before["status"], before["history"],
                                                                   before["lines"])
    r = await act(client, c.director["headers"], doc["id"], "approve", final=True)
    assert r.status_code == 200 and r.json()["data"]["status"] == "approved", r.text
    history = [h["action"] for h in (await get_doc(client, c.drafter["headers"], doc["id"]))["history"]]
    assert history == ["submitted", "approved", "final_approved", "skipped"]


# --- 2. HEAD and Range on attachment downloads -----------------------------------------------------------

BODY = bytes(range(48, 58)) * 10  # 100 bytes of digits: a plain-text attachment


def _range_cases(size: int) -> list[tuple[str | None, int, bytes | None, str | None]]:
    """(Range header, status, body, Content-Range) for a file of `size` bytes holding BODY."""
    return [
        (None, 200, BODY, None),
        ("bytes=0-9", 206, BODY[:10], f"bytes 0-9/{size}"),
        ("bytes=90-", 206, BODY[90:], f"bytes 90-99/{size}"),
        ("bytes=-5", 206, BODY[-5:], f"bytes 95-99/{size}"),
        ("bytes=-500", 206, BODY, f"bytes 0-99/{size}"),
        ("bytes=95-1000", 206, BODY[95:], f"bytes 95-99/{size}"),
        ("bytes=99-99", 206, BODY[99:], f"bytes 99-99/{size}"),
        ("BYTES=1-2", 206, BODY[1:3], f"bytes 1-2/{size}"),
        ("bytes=100-", 416, None, f"bytes */{size}"),
        ("bytes=100-200", 416, None, f"bytes */{size}"),
        ("bytes=-0", 416, None, f"bytes */{size}"),
        ("bytes=" + "9" * 60 + "-", 416, None, f"bytes */{size}"),
        # several ranges, another unit, malformed: ignored, the whole file
        ("bytes=0-1,5-6", 200, BODY, None),
        ("bytes=5-2", 200, BODY, None),
        ("bytes=-", 200, BODY, None),
        ("bytes=a-b", 200, BODY, None),
        ("items=0-1", 200, BODY, None),
        ("bytes 0-1", 200, BODY, None),
        ("bytes=1-2-3", 200, BODY, None),
        ("", 200, BODY, None),
    ]


async def _check_download(client: httpx.AsyncClient, url: str, headers: dict[str, str], filename_part: str) -> None:
    size = len(BODY)
    plain = await client.get(url, headers=headers)
    assert plain.status_code == 200 and plain.content == BODY
    assert plain.headers["accept-ranges"] == "bytes" and plain.headers["content-length"] == str(size)
    for rng, status, body, content_range in _range_cases(size):
        h = {**headers, **({"Range": rng} if rng is not None else {})}
        got = await client.get(url, headers=h)
        assert got.status_code == status, (rng, got.status_code, got.text[:200])
        assert got.headers.get("content-range") == content_range, rng
        if status == 416:
            assert _code(got) == "RANGE_NOT_SATISFIABLE"
            continue
        assert got.content == body and got.headers["content-length"] == str(len(body or b"")), rng
        assert got.headers["content-disposition"].startswith("attachment;") and filename_part in \
            got.headers["content-disposition"]
        assert got.headers["x-content-type-options"] == "nosniff" and got.headers["accept-ranges"] == "bytes"
        head = await client.head(url, headers=h)
        assert head.status_code == status and head.content == b"", rng
        same = ("content-length", "content-range", "content-type", "content-disposition", "accept-ranges",
                "cache-control", "x-content-type-options", "content-security-policy")
        assert {k: head.headers.get(k) for k in same} == {k: got.headers.get(k) for k in same}, rng
    head = await client.head(url, headers={**headers, "Range": "bytes=500-"})
    assert head.status_code == 416 and head.headers["content-range"] == f"bytes */{size}"


async def _refused_alike(client: httpx.AsyncClient, url: str, headers: dict[str, str] | None, status: int) -> None:
    """A user who may not read the file gets GET's answer on HEAD and on a Range request too, and no bytes."""
    for method, extra in (("GET", {}), ("GET", {"Range": "bytes=0-4"}), ("HEAD", {}), ("HEAD", {"Range": "bytes=0-4"})):
        r = await client.request(method, url, headers={**(headers or {}), **extra})
        assert r.status_code == status, (method, extra, r.status_code)
        assert "content-range" not in r.headers and r.content not in (BODY, BODY[:5])


async def test_approval_attachments_answer_head_and_one_range_and_refuse_alike(client, admin_headers, make_user):
    """HEAD was a 405 and Range was ignored: a download manager or a browser resuming a big scan got the whole
    file again, every time. Now HEAD answers as GET does without the body and one byte range gets a 206."""
    c = await build_company(client, admin_headers, make_user)
    doc = await draft(client, c.drafter["headers"])
    r = await upload(client, c.drafter["headers"], doc["id"], "회의록 요약.txt", BODY, "text/plain")
    assert r.status_code == 201, r.text
    url = f"/api/v1/approval/attachments/{r.json()['data']['id']}"
    await _check_download(client, url, c.drafter["headers"], "%ED%9A%8C")
    await _refused_alike(client, url, c.peers[0]["headers"], 403)
    await _refused_alike(client, url, None, 401)
    await _refused_alike(client, "/api/v1/approval/attachments/999999999", c.drafter["headers"], 404)


async def test_board_attachments_answer_head_and_one_range_and_refuse_alike(client, admin_headers, boards):  # noqa: F811
    b = boards
    dept = await client.post(f"{BOARD}/boards", json={"name": "영업 자료실", "type": "department",
                                                      "department_id": b["sales"]["id"]}, headers=admin_headers)
    assert dept.status_code == 201, dept.text
    post = await client.post(f"{BOARD}/boards/{dept.json()['data']['id']}/posts",
                             json={"title": "자료", "content": "<p>첨부</p>"}, headers=b["seller"]["headers"])
    assert post.status_code == 201, post.text
    att = await client.post(f"{BOARD}/posts/{post.json()['data']['id']}/attachments",
                            files={"file": ("numbers.txt", BODY, "text/plain")}, headers=b["seller"]["headers"])
    assert att.status_code == 201, att.text
    url = f"{BOARD}/attachments/{att.json()['data']['id']}"
    await _check_download(client, url, b["seller"]["headers"], "numbers.txt")
    await _refused_alike(client, url, b["reader"]["headers"], 403)
    await _refused_alike(client, f"{BOARD}/attachments/999999999", b["seller"]["headers"], 404)


async def test_ranges_are_served_the_same_from_the_s3_store(services, database, redis, tmp_path):
    """The S3 backend reads the object through the API (no presigned redirect), so ranges are cut from it the
    same way: checked against a real S3 endpoint (moto_server)."""
    import boto3

    async with moto_s3(tmp_path) as url:
        s3 = boto3.client("s3", endpoint_url=url, region_name="us-east-1", aws_access_key_id="test",
                          aws_secret_access_key="test")
        s3.create_bucket(Bucket="gw-ranges")
        settings = make_settings(services, database, storage_backend="s3", s3_endpoint_url=url,
                                 s3_bucket="gw-ranges", s3_access_key="test", s3_secret_key="test")
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
                h = bearer((await login(client, "admin", ADMIN_PASSWORD))["access_token"])
                lead = await client.post("/api/v1/admin/users", headers=h, json={"username": "s3range",
                                                                                  "name": "팀장"})
                doc = await client.post(DOCS, headers=h, json={
                    "template_code": "GEN", "title": "S3 range", "form_data": {"purpose": "x"},
                    "line": {"steps": [{"approvers": [lead.json()["data"]["id"]]}]}})
                r = await upload(client, h, doc.json()["data"]["id"], "digits.txt", BODY, "text/plain")
                assert r.status_code == 201, r.text
                key = s3.list_objects_v2(Bucket="gw-ranges")["Contents"][0]["Key"]
                assert s3.get_object(Bucket="gw-ranges", Key=key)["Body"].read() == BODY
                await _check_download(client, f"/api/v1/approval/attachments/{r.json()['data']['id']}", h,
                                      "digits.txt")
                pdf = await upload(client, h, doc.json()["data"]["id"], "a.pdf", PDF)
                part = await client.get(f"/api/v1/approval/attachments/{pdf.json()['data']['id']}",
                                        headers={**h, "Range": "bytes=0-3"})
                assert part.status_code == 206 and part.content == PDF[:4]


# --- 3. more malformed input -----------------------------------------------------------------------------

NOT_ISO_DATES = ["20261120", "2026-W47", "2026-W47-5", "２０２６-11-20", "2026-02-30", "2026-11-20T00:00"]


async def test_a_date_field_takes_only_yyyy_mm_dd(client, admin_headers, make_user):
    """`date.fromisoformat` (Python 3.11) also reads "20261120" and ISO weeks: those were stored as sent in the
    document's form data, which no date input or report reads back. Now they are INVALID_FORM_DATA on create and
    on update, and the draft keeps its date."""
    c = await build_company(client, admin_headers, make_user)
    h = c.drafter["headers"]
    form = {"amount": 120000, "spent_on": "2026-11-20", "account": "교육훈련비"}
    doc = await draft(client, h, template="EXP", form=form)
    before = (await client.get(DOCS, headers=h)).json()["pagination"]
    for spent_on in NOT_ISO_DATES:
        body = {"template_code": "EXP", "title": "경비", "form_data": {**form, "spent_on": spent_on}}
        r = await client.post(DOCS, json=body, headers=h)
        assert r.status_code == 422 and _code(r) == "INVALID_FORM_DATA", (spent_on, r.text)
        assert r.json()["error"]["details"]["fields"] == {"spent_on": "must be a date (YYYY-MM-DD)"}
        r = await client.put(f"{DOCS}/{doc['id']}", json={"form_data": body["form_data"]}, headers=h)
        assert r.status_code == 422 and _code(r) == "INVALID_FORM_DATA", (spent_on, r.text)
    assert (await client.get(DOCS, headers=h)).json()["pagination"] == before
    assert (await get_doc(client, h, doc["id"]))["form_data"]["spent_on"] == "2026-11-20"


async def test_a_department_board_needs_its_department(client, admin_headers, make_user):
    """`{"type": "department"}` without `department_id` was stored with empty access rules: a "department" board
    that every employee could read and write. The admin page always sends one; the API now requires it."""
    outsider = await make_user(name="외부인")
    before = (await client.get(f"{BOARD}/boards", headers=admin_headers)).json()["data"]
    for body in ({"name": "팀 게시판", "type": "department"}, {"name": "팀 게시판", "type": "department",
                                                               "department_id": None}):
        r = await client.post(f"{BOARD}/boards", json=body, headers=admin_headers)
        assert r.status_code == 422 and _code(r) == "VALIDATION_ERROR", r.text
    assert (await client.get(f"{BOARD}/boards", headers=admin_headers)).json()["data"] == before
    dept = (await client.post("/api/v1/admin/organizations", json={"name": "기획팀"}, headers=admin_headers)).json()
    r = await client.post(f"{BOARD}/boards", json={"name": "팀 게시판", "type": "department",
                                                   "department_id": dept["data"]["id"]}, headers=admin_headers)
    assert r.status_code == 201, r.text
    listed = (await client.get(f"{BOARD}/boards", headers=outsider["headers"])).json()["data"]
    assert r.json()["data"]["id"] not in [b["id"] for b in listed]
