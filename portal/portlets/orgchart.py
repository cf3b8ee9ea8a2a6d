"""The org-chart portlet: the department tree with member counts and managers, plus the viewer's own department's
members; the members of any other department load when the tree expands it (`members`).

The tree and each department's first members are cached as JSON bytes in the employee-search cache scope, so
every user or department change (which already bumps that scope) refreshes them, and a portal home that finds
them cached costs no query and no model validation. The whole member list of 100,000 employees is never
sent at once.
"""

from __future__ import annotations

from typing import Any

from pydantic_core import to_json
from redis.asyncio import Redis
from sqlalchemy import case, func, literal_column, select
from sqlalchemy.ext.asyncio import AsyncSession

from portal.common.errors import NotFound
from portal.db.session import LazyReads
from portal.org.models import Department
from portal.portlets.schemas import OrgMember
from portal.search import service as search
from portal.search.cache import BytesCache, Lookup, get_many
from portal.users.models import User

MEMBERS_LIMIT = 50  # the viewer's own department, preloaded; other departments page through `members`
MEMBER_FIELDS = tuple(OrgMember.model_fields)


def cache(redis: Redis) -> BytesCache:
    return search.cache(redis)


def tree_key(c: BytesCache) -> str:
    return c.key({"kind": "org-chart-tree"})


def members_key(c: BytesCache, department_id: int) -> str:
    return c.key({"kind": "org-chart-members", "d": department_id, "l": MEMBERS_LIMIT})


async def _tree(db: LazyReads) -> list[dict[str, Any]]:
    """Active departments with manager and active member count, nested, in one query."""
    counts = (select(User.department_id, func.count().label("n")).where(User.is_active.is_(True))
              .group_by(User.department_id).subquery())
    rows = (await db.execute(
        select(Department.id, Department.name, Department.code, Department.parent_id, Department.manager_id,
               User.name.label("manager_name"), func.coalesce(counts.c.n, literal_column("0")).label("member_count"))
        .outerjoin(User, User.id == Department.manager_id)
        .outerjoin(counts, counts.c.department_id == Department.id)
        .where(Department.is_active.is_(True))
        .order_by(Department.sort_order, Department.name, Department.id)
    )).mappings().all()
    nodes = {r["id"]: {**r, "children": []} for r in rows}
    roots: list[dict[str, Any]] = []
    for node in nodes.values():
        parent = nodes.get(node["parent_id"]) if node["parent_id"] else None
        (parent["children"] if parent else roots).append(node)
    return roots


def _members_query(department_id: int) -> Any:
    manager = select(Department.manager_id).where(Department.id == department_id).scalar_subquery()
    is_manager = func.coalesce(User.id == manager, False)
    return (
        select(User.id, User.name, User.position, User.job_title, User.profile_image_url,
               is_manager.label("is_manager"), func.count().over().label("total"))
        .where(User.department_id == department_id, User.is_active.is_(True))
        .order_by(case((is_manager, 0), else_=1), User.name, User.id)
    )


async def members(session: AsyncSession, department_id: int, *, limit: int, offset: int
                  ) -> tuple[list[dict[str, Any]], int]:
    """Active members of one active department, the manager first, then by name; and how many there are."""
    known = (await session.execute(select(Department.id).where(Department.id == department_id,
                                                               Department.is_active.is_(True)))).first()
    if known is None:
        raise NotFound("department not found", code="DEPARTMENT_NOT_FOUND", details={"id": department_id})
    rows = (await session.execute(_members_query(department_id).limit(limit).offset(offset))).mappings().all()
    if rows or offset == 0:
        return [{f: r[f] for f in MEMBER_FIELDS} for r in rows], int(rows[0]["total"]) if rows else 0
    counted = select(func.count()).where(User.department_id == department_id, User.is_active.is_(True))
    return [], int((await session.execute(counted)).scalar_one())


async def chart(db: LazyReads, redis: Redis, *, department_id: int | None,
                cached: list[Lookup] | None = None) -> bytes:
    """The portlet's JSON: `{"type", "members_limit", "department_id", "members", "departments"}`. `cached` are
    the lookups of `lookups()` when the caller fetched them together with others."""
    c = cache(redis)
    keys = lookups(redis, department_id=department_id)
    found = cached if cached is not None else await get_many(redis, keys)
    tree = found[0].body
    if tree is None:
        tree = to_json(await _tree(db))
        await c.set(keys[0][1], found[0].version, tree)
    own = b"[]"
    if department_id is not None:
        own_found = found[1].body
        if own_found is None:
            rows = (await db.execute(_members_query(department_id).limit(MEMBERS_LIMIT))).mappings().all()
            own_found = to_json([{f: r[f] for f in MEMBER_FIELDS} for r in rows])
            await c.set(keys[1][1], found[1].version, own_found)
        own = own_found
    return b'{"type":"org-chart","members_limit":%d,"department_id":%b,"members":%b,"departments":%b}' % (
        MEMBERS_LIMIT, to_json(department_id), own, tree)


def lookups(redis: Redis, *, department_id: int | None) -> list[tuple[BytesCache, str]]:
    c = cache(redis)
    keys = [(c, tree_key(c))]
    if department_id is not None:
        keys.append((c, members_key(c, department_id)))
    return keys
