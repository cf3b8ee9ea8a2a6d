"""Employee search and autocomplete: 초성, prefixes, English names, phone tails, ranking, caching, bad input."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.dialects import postgresql

from portal.search import service
from portal.users.models import User

EMP = "/api/v1/search/employees"
AUTO = "/api/v1/search/autocomplete"


@pytest.fixture
async def people(client, admin_headers, make_user):
    dept = (await client.post("/api/v1/admin/organizations", json={"name": "전략기획팀"},
                              headers=admin_headers)).json()["data"]
    specs = [
        ("김민수", "Minsu Kim", "010-1234-5678", "과장"),
        ("김민지", "Minji Kim", "010-2222-3333", "대리"),
        ("박민수", "Minsu Park", "010-9999-5678", "사원"),
        ("이수민", "Sumin Lee", "02-555-0001", "부장"),
    ]
    users = {}
    for name, en, phone, position in specs:
        users[name] = await make_user(login_as=False, name=name, name_en=en, phone=phone, position=position,
                                      department_id=dept["id"])
    viewer = await make_user(name="조회자")
    return users, viewer["headers"], dept


async def names(client, headers, url, q, **params):
    r = await client.get(url, params={"q": q, **params}, headers=headers)
    assert r.status_code == 200, r.text
    return [u["name"] for u in r.json()["data"]]


async def test_chosung_finds_names_by_initial_consonants(client, people):
    _, h, _ = people
    assert await names(client, h, EMP, "ㄱㅁㅅ") == ["김민수"]
    assert await names(client, h, EMP, "ㄱㅁ") == ["김민수", "김민지"]
    assert await names(client, h, EMP, "ㅁㅅ") == ["김민수", "박민수"]
    assert await names(client, h, AUTO, "ㄱㅁ") == ["김민수", "김민지"]
    assert await names(client, h, AUTO, "ㅁㅅ") == []  # type-ahead is prefix only


async def test_ranking_puts_exact_then_prefix_then_contains(client, people):
    _, h, _ = people
    assert await names(client, h, EMP, "민수") == ["김민수", "박민수"]
    assert (await names(client, h, EMP, "김민수"))[0] == "김민수"
    assert await names(client, h, EMP, "수민") == ["이수민"]
    assert await names(client, h, EMP, "김") == ["김민수", "김민지"]


async def test_english_email_phone_department_and_position(client, people):
    users, h, dept = people
    assert await names(client, h, EMP, "minsu") == ["김민수", "박민수"]
    assert await names(client, h, AUTO, "Minji") == ["김민지"]
    assert await names(client, h, EMP, users["이수민"]["email"]) == ["이수민"]
    assert await names(client, h, EMP, "5678") == ["김민수", "박민수"]
    assert await names(client, h, EMP, "0001") == ["이수민"]
    assert len(await names(client, h, EMP, "전략기획")) == 4
    for q in ("전략기획", "기획", "김민수", "김"):  # the department arm by bigrams, by a scan; names on every hit
        r = await client.get(EMP, params={"q": q}, headers=h)
        assert {u["department_name"] for u in r.json()["data"]} == {"전략기획팀"}, q
    first = (await client.get(AUTO, params={"q": "김민"}, headers=h)).json()["data"][0]
    assert first["department_name"] == "전략기획팀"
    assert await names(client, h, EMP, "부장") == ["이수민"]
    assert await names(client, h, EMP, "민", department_id=dept["id"], limit=2) == ["김민수", "김민지"]


async def test_inactive_users_are_hidden_and_results_refresh_after_changes(client, people, admin_headers):
    users, h, _ = people
    assert await names(client, h, EMP, "ㅂㅁㅅ") == ["박민수"]  # now cached
    await client.delete(f"/api/v1/admin/users/{users['박민수']['id']}", headers=admin_headers)
    assert await names(client, h, EMP, "ㅂㅁㅅ") == []
    assert await names(client, h, EMP, "ㅂㅁㅅ", include_inactive="true") == []  # not an administrator
    assert await names(client, admin_headers, EMP, "ㅂㅁㅅ", include_inactive="true") == ["박민수"]
    await client.put(f"/api/v1/admin/users/{users['김민지']['id']}", json={"name": "최민지"}, headers=admin_headers)
    assert await names(client, h, AUTO, "ㅊㅁ") == ["최민지"]


async def test_the_first_keystroke_ranks_like_any_prefix_from_the_first_character_indexes(
        client, people, make_user, admin_headers, sessions):
    """One character (`김`, `ㄱ`, `k`) takes the per-arm index shape; the answer is the same top N a full sort of
    every match would give: shortest names first, then by name and id, active users only, each user once."""
    _, h, _ = people
    for name, en, username in (("김가", "Ga Kim", "kimga"), ("김다온", "Kim Daon", "kdaon"), ("강하늘빛", None, "sky"),
                               ("김나", "Na Kim", "kna")):
        await make_user(login_as=False, name=name, name_en=en, username=username)
    gone = await make_user(login_as=False, name="김아", name_en="A Kim", username="kima")
    await client.delete(f"/api/v1/admin/users/{gone['id']}", headers=admin_headers)
    async with sessions() as session:
        everyone = (await session.execute(text(
            "SELECT id, name, name_en, username, name_chosung FROM users WHERE is_active"))).all()

    def best(match, limit):
        return [u.name for u in sorted((u for u in everyone if match(u)), key=lambda u: (len(u.name), u.name, u.id))
                ][:limit]

    assert await names(client, h, AUTO, "김", limit=3) == best(lambda u: u.name.startswith("김"), 3) == [
        "김가", "김나", "김다온"]
    assert await names(client, h, AUTO, "ㄱ", limit=5) == best(lambda u: u.name_chosung.startswith("ㄱ"), 5)
    assert "강하늘빛" in await names(client, h, AUTO, "ㄱ", limit=20)
    latin = await names(client, h, AUTO, "K", limit=20)  # English name or username, either case
    expected = best(lambda u: (u.name_en or "").lower().startswith("k") or u.username.startswith("k"), 20)
    assert sorted(latin) == sorted(expected) and len(latin) == len(set(latin)) and "김가" in latin
    assert "김아" not in latin
    async with sessions() as session:  # each arm is read from its index in rank order, not sorted
        await session.execute(text("SET LOCAL enable_seqscan = off"))
        for q, index in (("김", "ix_users_name_first"), ("ㄱ", "ix_users_name_chosung_first"),
                         ("k", "ix_users_username_first")):
            kept, params = service.autocomplete_statement(q, limit=8)
            statement = kept.statement.params(params)
            sql = statement.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})
            plan = "\n".join(r[0] for r in await session.execute(text(f"EXPLAIN {sql}")))
            assert index in plan, plan


async def test_results_are_cached_in_redis(client, people, redis):
    _, h, _ = people
    await names(client, h, EMP, "김민")
    keys = [k.decode() for k in await redis.keys("search:employees:*")]
    assert len(keys) == 1 and 0 < await redis.ttl(keys[0]) <= 300


async def test_hostile_queries_are_escaped_or_refused(client, people):
    _, h, _ = people
    for q in ("%", "_", "\\", "%_%", "' OR 1=1 --", "ㄱ%"):
        assert await names(client, h, EMP, q) == [], q
        assert await names(client, h, AUTO, q) == [], q
    for bad in ("", "x" * 1000):
        r = await client.get(EMP, params={"q": bad}, headers=h)
        assert r.status_code == 422 and r.json()["error"]["code"] == "VALIDATION_ERROR"
    assert (await client.get(AUTO, params={"q": "김", "limit": 500}, headers=h)).status_code == 422
    assert (await client.get(EMP, params={"q": "김"})).status_code == 401


async def test_two_character_substrings_match_anywhere_through_the_bigram_index(client, people, make_user,
                                                                                  sessions):
    users, h, dept = people
    await make_user(login_as=False, name="남궁민수", name_en="Minsu Namgung", department_id=dept["id"])
    await make_user(login_as=False, name="민수진", name_en="Sujin Min", job_title="수석연구원")
    # Two syllables have no trigram: found at the start, in the middle and at the end of a name alike.
    assert await names(client, h, EMP, "민수") == ["민수진", "김민수", "남궁민수", "박민수"]  # prefix first
    assert await names(client, h, EMP, "연구") == ["민수진"]  # job title
    assert sorted(await names(client, h, EMP, "Su")) == sorted(["이수민", "민수진", "김민수", "박민수", "남궁민수"])
    assert await names(client, h, EMP, "gu") == ["남궁민수"]  # English name, not a prefix
    assert await names(client, h, EMP, "minsu.") == []  # username prefixes only, never across columns
    async with sessions() as session:  # the plan really uses the index (the table is tiny, so forbid scans)
        await session.execute(text("SET LOCAL enable_seqscan = off"))
        plan = "\n".join((await session.execute(text(
            "EXPLAIN SELECT id FROM users WHERE gw_user_bigrams(name, name_en, username, email, position, "
            "job_title, name_chosung) @> gw_bigrams('민수')"))).scalars())
    assert "ix_users_search_bigrams" in plan
    # Three characters and more through trigrams: anywhere in a column, never across two, and the same ranking.
    assert await names(client, h, EMP, "amgun") == ["남궁민수"]
    assert await names(client, h, EMP, "su Nam") == ["남궁민수"]
    assert await names(client, h, EMP, "궁민수") == ["남궁민수"]
    assert await names(client, h, EMP, "ㄱㅁㅅ") == ["김민수", "남궁민수"]  # 초성 prefix first
    assert await names(client, h, EMP, "kimminsu") == []
    assert await names(client, h, EMP, "기획팀") == ["김민수", "김민지", "남궁민수", "박민수", "이수민"]  # department
    async with sessions() as session:
        await session.execute(text("SET LOCAL enable_seqscan = off"))
        plans = ["\n".join((await session.execute(text(f"EXPLAIN {sql}"))).scalars()) for sql in (
            "SELECT id FROM departments WHERE gw_bigrams(name) @> gw_bigrams('기획')",
            "SELECT id FROM users WHERE gw_user_trigrams(name, name_en, username, email, position, job_title, "
            "name_chosung) @> gw_trigrams('amgun')")]
    assert "ix_departments_name_bigrams" in plans[0] and "ix_users_search_trigrams" in plans[1]


async def test_one_statement_counts_and_pages_and_a_page_past_the_end_still_counts(client, people):
    _, h, _ = people
    r = await client.get(EMP, params={"q": "민", "limit": 2, "page": 2}, headers=h)
    assert r.status_code == 200
    assert [u["name"] for u in r.json()["data"]] == ["박민수", "이수민"]
    assert r.json()["pagination"] == {"page": 2, "limit": 2, "total": 4, "totalPages": 2}
    r = await client.get(EMP, params={"q": "민", "limit": 2, "page": 7}, headers=h)
    assert r.json()["data"] == [] and r.json()["pagination"]["total"] == 4


async def test_a_cache_hit_sends_the_same_body_with_a_fresh_timestamp(client, people, redis):
    _, h, _ = people
    first = await client.get(AUTO, params={"q": "김"}, headers=h)
    [key] = await redis.keys("search:employees:*")  # alter the cached body: a hit sends it as it is
    raw = await redis.get(key)
    version, body = raw.split(b":", 1)
    await redis.set(key, version + b":" + body.replace("김민수".encode(), "김캐시".encode()))
    second = await client.get(AUTO, params={"q": "김"}, headers=h)
    assert second.status_code == 200 and second.headers["content-type"] == "application/json"
    assert [u["name"] for u in first.json()["data"]] == ["김민수", "김민지"]
    assert [u["name"] for u in second.json()["data"]] == ["김캐시", "김민지"]
    assert second.json()["success"] is True and second.json()["timestamp"] >= first.json()["timestamp"]
    assert set(second.json()["data"][0]) == set(first.json()["data"][0])


async def test_a_cached_result_is_never_sent_to_a_revoked_token_or_an_inactive_user(client, people, make_user,
                                                                                       admin_headers):
    # The routes read the revocation state and their cache entry in one round trip: the checks still decide.
    leaving, staying = await make_user(name="퇴사자"), await make_user(name="재직자")
    for who in (leaving, staying):
        assert await names(client, who["headers"], AUTO, "김민") == ["김민수", "김민지"]  # cached now
        assert await names(client, who["headers"], EMP, "김민") == ["김민수", "김민지"]
    assert (await client.post("/api/v1/auth/logout", json={}, headers=staying["headers"])).status_code == 200
    await client.delete(f"/api/v1/admin/users/{leaving['id']}", headers=admin_headers)
    for who, code in ((staying, "TOKEN_REVOKED"), (leaving, "TOKEN_REVOKED")):
        for url in (AUTO, EMP):
            r = await client.get(url, params={"q": "김민"}, headers=who["headers"])
            assert r.status_code == 401 and r.json()["error"]["code"] == code, (url, r.text)
    r = await client.get(AUTO, params={"q": "김민"}, headers={"Authorization": "Bearer not-a-token"})
    assert r.status_code == 401 and r.json()["error"]["code"] == "INVALID_TOKEN"


async def test_statements_are_built_once_per_shape_and_planned_once_on_the_server(client, people, app):
    # The type-ahead has two shapes (초성 or not) besides the first keystroke's, the search one per combination
    # of its options; each is built and compiled once.
    assert service.autocomplete_statement("김민", limit=8)[0] is service.autocomplete_statement("이수", limit=3)[0]
    assert service.autocomplete_statement("ㄱㅁ", limit=8)[0] is not service.autocomplete_statement("김민", limit=8)[0]
    shape = service.search_shape("민수", department_id=None, include_inactive=False)
    assert shape == service.search_shape("김철", department_id=None, include_inactive=False)
    assert service.search_statements(shape) is service.search_statements(shape)
    assert service.search_shape("5678", department_id=None, include_inactive=False).phone
    assert service.search_shape("김", department_id=None, include_inactive=False).grams == 0
    assert service.search_shape("김민", department_id=None, include_inactive=False).grams == 2
    assert service.search_shape("ㄱ ㅁ ㅅ", department_id=None, include_inactive=False).grams == 3

    _, h, _ = people
    # Distinct queries (each misses the result cache), one shape each, one request at a time: one pooled
    # connection runs them all. psycopg prepares a statement on its sixth run there, and from then on the
    # server runs the plan it made once.
    for q in ("김민", "이수", "박민", "민수", "수민", "민지", "가나", "나다"):
        await names(client, h, AUTO, q)
        await names(client, h, EMP, q)
    async with app.state.gw.search.connect() as conn:
        prepared = (await conn.execute(text(
            "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements"))).all()
    for marker in (") AS top ", ") AS hits "):  # the type-ahead's statement, the search's
        found = [row for row in prepared if marker in row.statement]
        assert len(found) == 1 and found[0].generic_plans >= 2 and found[0].custom_plans == 0, prepared


def test_every_statement_stays_short_enough_for_psycopg_to_cache_its_parsing():
    """psycopg converts `%(name)s` placeholders with a cache for queries up to 4 KiB only; a longer statement is
    parsed again on every execution."""
    import itertools

    from psycopg import _queries
    from sqlalchemy.dialects import postgresql

    from portal.search import service

    dialect = postgresql.psycopg.dialect()
    statements = [service.autocomplete_statement(q, limit=8)[0] for q in ("김", "ㄱ", "김민", "ㄱㅁ")]
    for q, department, inactive in itertools.product(("김", "ㄱ", "민수", "ㄱㅁ", "민수진", "5678", "010-1234-5678"),
                                                     (None, 3), (False, True)):
        shape = service.search_shape(q, department_id=department, include_inactive=inactive)
        statements += [service.search_statements(shape).page, service.search_statements(shape).count]
    assert all(statement.sql == str(statement.statement.compile(dialect=dialect)) for statement in statements)
    longest = max(len(statement.sql.encode()) for statement in statements)
    assert longest <= _queries.MAX_CACHED_STATEMENT_LENGTH


def test_prefix_bounds_hold_exactly_the_strings_with_the_prefix():
    assert service.prefix_bounds("김수") == ("김수", "김숙")
    assert service.prefix_bounds("ㄱㅁ") == ("ㄱㅁ", "ㄱㅂ")
    assert service.prefix_bounds("ab%") == ("ab%", "ab&")  # no LIKE: nothing to escape
    assert service.prefix_bounds("a\ud7ff") == ("a\ud7ff", "a\ue000")  # past the surrogates
    assert service.prefix_bounds("a\U0010ffff") == ("a\U0010ffff", "b")
    assert service.prefix_bounds("\U0010ffff") == ("\U0010ffff", "\U0010ffff\U0010ffff")
    samples = ["김수", "김수민", "김숙", "김숙희", "김숙" + "\U0010ffff", "김수\U0010ffff", "김", "김술"]
    for prefix in ("김수", "김숙", "김"):
        lower, below = service.prefix_bounds(prefix)
        in_range = {s for s in samples if lower.encode() <= s.encode() < below.encode()}  # as text_pattern_ops
        assert in_range == {s for s in samples if s.startswith(prefix)}, prefix


async def test_type_ahead_prefixes_end_exactly_where_the_prefix_ends(client, people, make_user):
    _, h, _ = people
    for name, en, username in (("가나", "Gana Kim", "gana"), ("가나다", "Ganada Lee", "ganada"),
                               ("가낙", "Nak Choi", "nak"), ("가난", "Gan Park", "ganb")):
        await make_user(login_as=False, name=name, name_en=en, username=username)
    assert sorted(await names(client, h, AUTO, "가나")) == ["가나", "가나다"]
    assert sorted(await names(client, h, AUTO, "GANA")) == ["가나", "가나다"]  # English name, any case
    assert sorted(await names(client, h, AUTO, "gana")) == ["가나", "가나다"]  # and username
    assert sorted(await names(client, h, AUTO, "ㄱㄴ")) == ["가나", "가나다", "가낙", "가난"]
    assert await names(client, h, AUTO, "ㄱㄴㄷ") == ["가나다"]


async def _generic_plan(session, statement, params) -> str:  # noqa: ANN001
    """EXPLAIN of `statement` (a `DriverStatement`) prepared and planned once for every value, as on the search
    engine's connections (psycopg prepares it on its sixth run there), with `params` as this run's values."""
    import re

    order: list[str] = []

    def number(match: re.Match[str]) -> str:
        if match.group(1) not in order:
            order.append(match.group(1))
        return f"${order.index(match.group(1)) + 1}"

    sql = re.sub(r"%\((\w+)\)s", number, statement.sql).replace("%%", "%")
    values = statement.parameters(params)
    literals = ", ".join("NULL" if values[n] is None else str(values[n]) if isinstance(values[n], int)
                         else "'" + str(values[n]).replace("'", "''") + "'" for n in order)
    await session.execute(text("SET LOCAL plan_cache_mode = force_generic_plan"))
    await session.execute(text("SET LOCAL enable_seqscan = off"))  # a few rows: make the planner show its index
    await session.execute(text("PREPARE generic_search AS " + sql.replace(":", "\\:")))
    try:
        rows = await session.execute(text(f"EXPLAIN EXECUTE generic_search({literals})".replace(":", "\\:")))
        return "\n".join(r[0] for r in rows)
    finally:
        await session.execute(text("DEALLOCATE generic_search"))


async def test_search_statements_are_planned_once_and_still_read_their_indexes(people, app, sessions):
    """The search engine's connections plan a prepared statement once for every value. A `LIKE $1` could not
    use a prefix index in such a plan (the pattern is unknown): the type-ahead's prefixes are index ranges."""
    async with app.state.gw.search.connect() as conn:
        assert (await conn.execute(text("SHOW plan_cache_mode"))).scalar() == "force_generic_plan"
    async with app.state.gw.reads.connect() as conn:  # everything else plans per value
        assert (await conn.execute(text("SHOW plan_cache_mode"))).scalar() == "auto"
    expected = {"김민": ["ix_users_name_prefix", "ix_users_name_en_prefix", "ix_users_username_prefix"],
                "ㄱㅁ": ["ix_users_name_chosung_prefix"]}
    async with sessions() as session, session.begin():
        for q, indexes in expected.items():
            # The match alone: on a handful of rows the whole statement reads the active users' index instead.
            match = select(User.id).where(service.prefix_match(service.is_chosung(q)))
            plan = await _generic_plan(session, service.DriverStatement.of(match),
                                       service.autocomplete_params(q, limit=8))
            assert all(index in plan for index in indexes), plan
            assert "~~" not in plan  # no LIKE left
        for q, index in (("김", "ix_users_name_first"), ("ㄱ", "ix_users_name_chosung_first"),
                         ("k", "ix_users_username_first")):  # the first keystroke's arms, in rank order
            plan = await _generic_plan(session, *service.autocomplete_statement(q, limit=8))
            assert index in plan, plan
        for q, index in (("민수", "ix_users_search_bigrams"), ("김민수", "ix_users_search_trigrams"),
                         ("ㄱㅁㅅ", "ix_users_search_trigrams")):
            shape = service.search_shape(q, department_id=None, include_inactive=False)
            plan = await _generic_plan(session, service.search_statements(shape).page,
                                       service.search_params(q, department_id=None, limit=20, offset=0))
            assert index in plan, plan


async def test_search_answers_from_the_database_while_redis_is_down(services, database, client, people):
    import httpx

    from api.main import create_app
    from portal.devstack.services import free_port
    from tests.conftest import ADMIN_PASSWORD, bearer, login, make_settings

    tokens = await login(client, "admin", ADMIN_PASSWORD)  # issued while Redis was up
    app = create_app(make_settings(services, database, redis_url=f"redis://127.0.0.1:{free_port()}/0"))
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
            h = bearer(tokens["access_token"])
            for _ in range(2):  # nothing is cached, nothing is stored: both times from the database
                assert await names(http, h, AUTO, "ㄱㅁ") == ["김민수", "김민지"]
                assert await names(http, h, EMP, "5678") == ["김민수", "박민수"]
            assert await names(http, h, EMP, "ㅂㅁㅅ", include_inactive="true") == ["박민수"]


async def test_a_search_on_a_connection_the_server_closed_is_a_503_and_the_next_one_gets_a_new_connection(
        client, people, app, database, services):
    """The search runs on the psycopg connection itself, so it does what SQLAlchemy would: a connection found
    broken is thrown away, and the error is answered like any database outage."""
    from tests.conftest import _admin_sql

    _, h, _ = people
    assert await names(client, h, EMP, "민수") == ["김민수", "박민수"]  # one pooled search connection
    pool = app.state.gw.search.pool
    assert pool.checkedin() == 1
    _admin_sql(services, f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}' "
                         "AND pid <> pg_backend_pid()")
    r = await client.get(EMP, params={"q": "이수"}, headers=h)  # used again at once: not pinged first
    assert r.status_code == 503 and r.json()["error"]["code"] == "DEPENDENCY_UNAVAILABLE", r.text
    assert "이수" not in r.text and "SELECT" not in r.text
    assert await names(client, h, EMP, "이수") == ["이수민"]
    assert await names(client, h, AUTO, "김민") == ["김민수", "김민지"]
