"""Employee search and type-ahead: names, 초성 (ㄱㅁㅅ finds 김민수), English names, email, phone tail,
department and position, ranked, on bigram, trigram and prefix indexes (migration 0006 says which serves
which arm); results cached in Redis for 5 minutes as ready-to-send JSON."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis
from sqlalchemy import (
    Integer,
    Select,
    Text,
    any_,
    bindparam,
    case,
    func,
    literal_column,
    or_,
    select,
    union,
    union_all,
)
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.dialects.postgresql.psycopg import PGDialectAsync_psycopg
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.elements import ColumnElement

from portal.common.schemas import OutputModel
from portal.db.session import driver_rows
from portal.org.models import Department
from portal.search.cache import BytesCache
from portal.users.models import User
from portal.users.service import escape_like

CACHE_TTL = 300
CACHE_NAMESPACE = "search"
CACHE_SCOPE = "employees"  # bumped by every user or department change (`invalidate`)
_CHOSUNG = set("ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ")


class EmployeeHit(OutputModel):
    id: int
    name: str
    name_en: str | None
    username: str
    email: str | None
    phone: str | None
    position: str | None
    job_title: str | None
    department_id: int | None
    department_name: str | None
    profile_image_url: str | None
    is_active: bool


HIT_FIELDS: tuple[str, ...] = tuple(EmployeeHit.model_fields)


@dataclass(frozen=True)
class DriverStatement:
    """A kept statement compiled once for psycopg, run on the driver connection itself (`driver_rows`): its SQL
    and the values of the bind parameters it carries itself (the rank's numbers, say)."""

    statement: Select[Any]
    sql: str
    defaults: dict[str, Any]

    @classmethod
    def of(cls, statement: Select[Any]) -> DriverStatement:
        compiled = statement.compile(dialect=_DIALECT)
        return cls(statement, compiled.string, dict(compiled.params))

    def parameters(self, values: dict[str, Any]) -> dict[str, Any]:
        return {**self.defaults, **values}


_DIALECT = PGDialectAsync_psycopg()  # the engines' dialect: `%(name)s` placeholders


def is_chosung(q: str) -> bool:
    stripped = q.replace(" ", "")
    return bool(stripped) and all(ch in _CHOSUNG for ch in stripped)


def user_bigrams() -> ColumnElement[Any]:
    """The expression of `ix_users_search_bigrams` (GIN): every two-character window of the user's searchable
    text, lower-cased. A query of two or more characters is in a column only if all its bigrams are in here,
    so `user_bigrams() @> gw_bigrams(q)` narrows the candidates through the index before the exact check."""
    return func.gw_user_bigrams(User.name, User.name_en, User.username, User.email, User.position, User.job_title,
                                User.name_chosung)


def user_trigrams() -> ColumnElement[Any]:
    """The expression of `ix_users_search_trigrams` (GIN): the same text in three-character windows, far more
    selective than bigrams for romanised names (migration 0011)."""
    return func.gw_user_trigrams(User.name, User.name_en, User.username, User.email, User.position,
                                 User.job_title, User.name_chosung)


def _grams_match(grams: int, query: Any) -> ColumnElement[bool]:
    """The candidates holding every `grams`-character window of `query` (an index condition)."""
    if grams == 3:
        return user_trigrams().op("@>")(func.gw_trigrams(query))
    return user_bigrams().op("@>")(func.gw_bigrams(query))


# --- statements -----------------------------------------------------------------------------------------
#
# Each statement shape is built and compiled once, with bind parameters, and kept for the life of the process
# (building the employee search took about 5 ms of CPU per request, the type-ahead about 1.3 ms). Per request
# only the parameters are made, and the SQL goes straight to psycopg (`DriverStatement`), which prepares it on
# the server on its sixth run on a connection; the search engine's connections then plan it once.

_Q = bindparam("q", type_=Text)                      # the query as typed (stripped)
_Q_LOWER = bindparam("q_lower", type_=Text)          # lower-cased, for the English name
_CONTAINS = bindparam("contains", type_=Text)        # %q% (LIKE-escaped)
_PREFIX = bindparam("prefix", type_=Text)            # q% (LIKE-escaped)
_INITIALS = bindparam("initials", type_=Text)        # 초성 without spaces
_INITIALS_PREFIX = bindparam("initials_prefix", type_=Text)
_PHONE_TAIL = bindparam("phone_tail", type_=Text)    # %digits
_DEPARTMENT = bindparam("department_id", type_=Integer)
_LIMIT = bindparam("limit", type_=Integer)
_OFFSET = bindparam("offset", type_=Integer)


@dataclass(frozen=True)
class SearchShape:
    """What changes the SQL text of an employee search (the rest are parameter values)."""

    chosung: bool
    grams: int             # 3 or 2: the trigram or bigram index narrows the candidates; 0 for one character
    phone: bool            # four or more digits and nothing but a phone number: the phone-tail arm
    department: bool       # restricted to one department
    include_inactive: bool


def search_shape(q: str, *, department_id: int | None, include_inactive: bool) -> SearchShape:
    q = q.strip()
    chosung = is_chosung(q)
    digits = _digits(q)
    length = len(q.replace(" ", "") if chosung else q)
    return SearchShape(
        chosung=chosung,
        grams=0 if length < 2 else min(length, 3),
        phone=not chosung and len(digits) >= 4 and len(digits) >= len(q.replace("-", "").replace(" ", "")),
        department=department_id is not None,
        include_inactive=include_inactive,
    )


def search_params(q: str, *, department_id: int | None, limit: int, offset: int) -> dict[str, Any]:
    """The bind parameters of every employee search shape (a shape uses some of them)."""
    q = q.strip()
    escaped, initials = escape_like(q), q.replace(" ", "")
    return {
        "q": q, "q_lower": q.lower(), "contains": f"%{escaped}%", "prefix": f"{escaped}%",
        "initials": initials, "initials_prefix": f"{escape_like(initials)}%", "phone_tail": f"%{_digits(q)}",
        "department_id": department_id, "limit": limit, "offset": offset,
    }


def _digits(q: str) -> str:
    return "".join(ch for ch in q if ch.isdigit())


def _user_columns(*extra: Any) -> Select[Any]:
    """The hit's own columns (the department's name is joined in last, for the few rows sent)."""
    stmt: Any = select(User.id, User.name, User.name_en, User.username, User.email, User.phone, User.position,
                       User.job_title, User.department_id, User.profile_image_url, User.is_active, *extra)
    return stmt


def _with_department(hits: Any, *extra: ColumnElement[Any]) -> Select[Any]:
    """The hits' columns with their department's name, looked up row by row: only the few rows sent reach here,
    and an index lookup each is cheaper than building a hash of every department."""
    c = hits.c
    department = select(Department.name).where(Department.id == c.department_id).scalar_subquery()
    stmt: Any = select(c.id, c.name, c.name_en, c.username, c.email, c.phone, c.position, c.job_title,
                       c.department_id, department.label("department_name"), c.profile_image_url, c.is_active,
                       *extra)
    return stmt


def _contains(column: Any) -> ColumnElement[bool]:
    return func.strpos(func.lower(column), _Q_LOWER) > 0


def _starts(column: Any) -> ColumnElement[bool]:
    return func.starts_with(func.lower(column), _Q_LOWER)


def _arms(shape: SearchShape) -> list[ColumnElement[bool]]:
    """The match as a list of conditions (any of them matches). Each condition is
    served by an index of its own. They are separate SELECTs under a UNION rather than one OR, so that each
    is answered by its index alone: under an OR PostgreSQL re-evaluates the whole condition, bigram
    function included, on every row it fetches (about 8 ms instead of 1 ms for `민준`).

    With two characters the bigram indexes find the candidates, with three or more the trigram index, and
    the exact check on those few rows is `strpos`/`starts_with` on lower-cased text rather than ILIKE: the
    same answer, but the planner estimates every ILIKE by matching it against the column's statistics (about
    0.15 ms each, on every search), and a function call costs it nothing. One character has no bigram and
    reads the table, where ILIKE is the cheaper check per row."""
    if shape.chosung:
        # The gram indexes carry the 초성 column too (lower-cased already).
        match: ColumnElement[bool] = func.strpos(User.name_chosung, _INITIALS) > 0
        if shape.grams:
            match = _grams_match(shape.grams, _INITIALS) & match
        return [match]
    departments = select(Department.id)
    own_text: ColumnElement[bool]
    if shape.grams:
        own_text = _grams_match(shape.grams, _Q) & or_(
            _contains(User.name), _contains(User.name_en), _starts(User.username), _starts(User.email),
            _contains(User.position), _contains(User.job_title),
        )
        departments = departments.where(func.gw_bigrams(Department.name).op("@>")(func.gw_bigrams(_Q)),
                                        _contains(Department.name))
    else:  # one character has no bigram: that search reads the table (it matches thousands anyway)
        own_text = or_(
            User.name.ilike(_CONTAINS, escape="\\"), User.name_en.ilike(_CONTAINS, escape="\\"),
            User.username.ilike(_PREFIX, escape="\\"), User.email.ilike(_PREFIX, escape="\\"),
            User.position.ilike(_CONTAINS, escape="\\"), User.job_title.ilike(_CONTAINS, escape="\\"),
        )
        departments = departments.where(Department.name.ilike(_CONTAINS, escape="\\"))
    # The department arm as an id list, not a join condition: it then uses ix_users_department_id.
    conditions: list[ColumnElement[bool]] = [
        own_text, User.employee_number == _Q, User.department_id == any_(func.array(departments.scalar_subquery())),
    ]
    if shape.phone:
        conditions.append(User.phone_digits.like(_PHONE_TAIL))
    return conditions


def _rank(shape: SearchShape, hit: Any) -> ColumnElement[int]:
    """Lower first: the exact name, a name prefix, the exact English name, a name containing the query, an
    English name or email prefix, the rest (a 초성 search: an initials prefix, the rest)."""
    if shape.chosung:
        return case((hit.name_chosung.like(_INITIALS_PREFIX, escape="\\"), 1), else_=2)
    return case(
        (hit.name == _Q, 0), (hit.name.ilike(_PREFIX, escape="\\"), 1),
        (func.lower(hit.name_en) == _Q_LOWER, 1), (hit.name.ilike(_CONTAINS, escape="\\"), 2),
        (hit.name_en.ilike(_PREFIX, escape="\\"), 3), (hit.email.ilike(_PREFIX, escape="\\"), 3),
        else_=4,
    )


def _hits(shape: SearchShape) -> Any:
    """Every match once (a subquery; the 초성 column too, for the rank)."""
    arms = []
    for condition in _arms(shape):
        arm = _user_columns(User.name_chosung).where(condition)
        if not shape.include_inactive:
            arm = arm.where(User.is_active.is_(True))
        if shape.department:
            arm = arm.where(User.department_id == _DEPARTMENT)
        arms.append(arm)
    return (union(*arms) if len(arms) > 1 else arms[0]).subquery("hits")


@dataclass(frozen=True)
class SearchStatements:
    page: DriverStatement   # one page, ordered, with `rank` and `total` (count(*) OVER ())
    count: DriverStatement  # the number of all hits, for a page past the end


_search_statements: dict[SearchShape, SearchStatements] = {}


def search_statements(shape: SearchShape) -> SearchStatements:
    """The statements of one shape, built on first use and then kept (there are a few dozen shapes at most).
    The hits are ranked once (not in every arm), counted and cut to the page; only the page's rows look up
    their department. The SQL stays under psycopg's 4 KiB limit for caching its conversion of the query's
    placeholders; a longer one is parsed again on every execution (about 0.2 ms of the API's CPU)."""
    found = _search_statements.get(shape)
    if found is None:
        hits = _hits(shape)
        rank = _rank(shape, hits.c).label("rank")
        page = (select(hits, rank, func.count().over().label("total")).order_by(rank, hits.c.name, hits.c.id)
                .limit(_LIMIT).offset(_OFFSET).subquery("page"))
        found = SearchStatements(
            page=DriverStatement.of(_with_department(page, page.c.rank, page.c.total)
                                    .order_by(page.c.rank, page.c.name, page.c.id)),
            count=DriverStatement.of(select(func.count()).select_from(hits)),
        )
        _search_statements[shape] = found
    return found


def employee_statement(q: str, *, limit: int, offset: int, department_id: int | None,
                       include_inactive: bool) -> tuple[SearchStatements, dict[str, Any]]:
    """The kept statements of `q`'s shape and the parameters to run them with."""
    statements = search_statements(search_shape(q, department_id=department_id, include_inactive=include_inactive))
    return statements, search_params(q, department_id=department_id, limit=limit, offset=offset)


async def employees(
    conn: AsyncConnection, q: str, *, limit: int, offset: int, department_id: int | None, include_inactive: bool
) -> tuple[list[dict[str, Any]], int]:
    """One page of hits (plain dicts with the `EmployeeHit` fields) and the number of all hits, in one
    statement; a second (count only) only when the page is past the end."""
    statements, params = employee_statement(q, limit=limit, offset=offset, department_id=department_id,
                                            include_inactive=include_inactive)
    rows = await driver_rows(conn, statements.page.sql, statements.page.parameters(params))
    if rows:
        return [dict(zip(HIT_FIELDS, row, strict=False)) for row in rows], int(rows[0][-1])
    if offset == 0:
        return [], 0
    (count,), = await driver_rows(conn, statements.count.sql, statements.count.parameters(params))
    return [], int(count)


_FROM = bindparam("from_", type_=Text)              # a prefix as typed: the range's lower bound
_BELOW = bindparam("below", type_=Text)              # the first string past every string with that prefix
_LOWER_FROM = bindparam("lower_from", type_=Text)
_LOWER_BELOW = bindparam("lower_below", type_=Text)


def _starts_with(column: Any, lower: Any, upper: Any) -> ColumnElement[bool]:
    """`column` starts with the prefix `lower`, as a range of its `text_pattern_ops` index (which compares
    bytes, and UTF-8 orders as the code points do): `lower <= column < upper`. Unlike `LIKE 'prefix%'` this
    keeps its index when the statement is planned once for every value (`GENERIC_PLANS`), and needs no
    escaping of `%` or `_`."""
    return column.op("~>=~", is_comparison=True)(lower) & column.op("~<~", is_comparison=True)(upper)


def prefix_bounds(prefix: str) -> tuple[str, str]:
    """The range `[prefix, below)` holding exactly the strings that start with `prefix`: `below` is `prefix`
    with its last character moved on by one code point (past the surrogates, which UTF-8 cannot hold). A prefix
    ending in U+10FFFF, the last code point, drops it and moves on the character before."""
    head = prefix
    while head and head[-1] == "\U0010ffff":
        head = head[:-1]
    if not head:  # nothing but U+10FFFF (a noncharacter): the range misses only names going on with one more
        return prefix, prefix + "\U0010ffff"
    following = ord(head[-1]) + 1
    if 0xD800 <= following <= 0xDFFF:
        following = 0xE000
    return prefix, head[:-1] + chr(following)


def prefix_match(chosung: bool) -> ColumnElement[bool]:
    """The type-ahead's match (bind parameters of `autocomplete_params`): the 초성 column, or any of three prefix
    arms, each on its own b-tree index (text_pattern_ops: the database collation is not "C")."""
    if chosung:
        return _starts_with(User.name_chosung, _FROM, _BELOW)
    return or_(_starts_with(User.name, _FROM, _BELOW),
               _starts_with(func.lower(User.name_en), _LOWER_FROM, _LOWER_BELOW),
               _starts_with(User.username, _LOWER_FROM, _LOWER_BELOW))


def _autocomplete_query(chosung: bool) -> Select[Any]:
    order = (func.length(User.name), User.name, User.id)
    top = (_user_columns().where(prefix_match(chosung), User.is_active.is_(True)).order_by(*order).limit(_LIMIT)
           .subquery("top"))
    return _with_department(top).order_by(func.length(top.c.name), top.c.name, top.c.id)


_FIRST = bindparam("first", type_=Text)
_LOWER_FIRST = bindparam("lower_first", type_=Text)


def _first_character_query(chosung: bool) -> Select[Any]:
    """The first keystroke: a one-character prefix matches a fifth of the company (`김`), too many to sort. Each
    arm reads its top N straight from an index in rank order (`ix_users_*_first`: first character, active,
    then the rank's own columns), and the best N of those few rows are the best N overall."""
    order = (func.length(User.name), User.name, User.id)
    firsts = ([(User.name_chosung, _FIRST)] if chosung else
              [(User.name, _FIRST), (func.lower(User.name_en), _LOWER_FIRST), (User.username, _LOWER_FIRST)])
    # `1` written into the SQL, not bound: the expression must be the index's for a plan made once for all values.
    first: ColumnElement[int] = literal_column("1")
    arms = [_user_columns().where(func.left(column, first) == value, User.is_active.is_(True)).order_by(*order)
            .limit(_LIMIT) for column, value in firsts]
    # UNION ALL and DISTINCT ON: with UNION, PostgreSQL sorts each arm for the duplicate check instead of
    # reading it from its index in rank order (25 ms instead of 0.1 ms for `김`).
    hits = (arms[0] if len(arms) == 1 else union_all(*arms)).subquery("arms")
    rank = (func.length(hits.c.name), hits.c.name, hits.c.id)
    top = select(hits).ext(distinct_on(*rank)).order_by(*rank).limit(_LIMIT).subquery("top")
    return _with_department(top).order_by(func.length(top.c.name), top.c.name, top.c.id)


# (chosung, one character) -> the kept statement
_AUTOCOMPLETE = {(False, False): DriverStatement.of(_autocomplete_query(False)),
                 (True, False): DriverStatement.of(_autocomplete_query(True)),
                 (False, True): DriverStatement.of(_first_character_query(False)),
                 (True, True): DriverStatement.of(_first_character_query(True))}


def _autocomplete_shape(q: str) -> tuple[bool, bool]:
    q = q.strip()
    chosung = is_chosung(q)
    return chosung, len(q.replace(" ", "") if chosung else q) == 1


def autocomplete_params(q: str, *, limit: int) -> dict[str, Any]:
    q = q.strip()
    chosung, one = _autocomplete_shape(q)
    if one:
        return {"first": q.replace(" ", ""), "lower_first": q.lower(), "limit": limit}
    lower, below = prefix_bounds(q.replace(" ", "") if chosung else q)
    if chosung:
        return {"from_": lower, "below": below, "limit": limit}
    lower_from, lower_below = prefix_bounds(q.lower())
    return {"from_": lower, "below": below, "lower_from": lower_from, "lower_below": lower_below, "limit": limit}


def autocomplete_statement(q: str, *, limit: int) -> tuple[DriverStatement, dict[str, Any]]:
    """The kept statement for `q` and the parameters to run it with."""
    return _AUTOCOMPLETE[_autocomplete_shape(q)], autocomplete_params(q, limit=limit)


async def autocomplete(conn: AsyncConnection, q: str, *, limit: int) -> list[dict[str, Any]]:
    """Prefix matches only (name, 초성, English name, username), active users, best first."""
    statement, params = autocomplete_statement(q, limit=limit)
    rows = await driver_rows(conn, statement.sql, statement.parameters(params))
    return [dict(zip(HIT_FIELDS, row, strict=True)) for row in rows]


# --- cache ----------------------------------------------------------------------------------------------

def cache(redis: Redis) -> BytesCache:
    """One scope for all employee searches (and the org chart): any user or department change makes them
    all stale at once."""
    return BytesCache(redis, CACHE_NAMESPACE, CACHE_SCOPE, CACHE_TTL)


async def invalidate(redis: Redis) -> None:
    await cache(redis).bump()
