"""The department tree: reading it whole, and creating, renaming, moving (never into a cycle) and deleting."""

from __future__ import annotations

from sqlalchemy import func, literal_column, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from portal.audit import service as audit
from portal.common.context import Actor, ClientInfo
from portal.common.errors import Conflict, NotFound, ValidationFailed
from portal.org.models import Department
from portal.org.schemas import DepartmentCreate, DepartmentOut, DepartmentUpdate

_TREE_LOCK = 0x6F7267  # "org"


async def get(session: AsyncSession, department_id: int) -> Department:
    dept = await session.get(Department, department_id)
    if dept is None or not dept.is_active:  # a deleted department is gone: no moves into it, no edits of it
        raise NotFound("department not found", code="DEPARTMENT_NOT_FOUND", details={"id": department_id})
    return dept


async def subtree_ids(session: AsyncSession, root_ids: set[int]) -> set[int]:
    """The given departments and all their descendants, in one recursive query."""
    if not root_ids:
        return set()
    base = select(Department.id).where(Department.id.in_(root_ids)).cte("tree", recursive=True)
    tree = base.union(select(Department.id).join(base, Department.parent_id == base.c.id))
    return set((await session.execute(select(tree.c.id))).scalars().all())


async def managed_subtree(session: AsyncSession, user_id: int) -> set[int]:
    roots = set((await session.execute(select(Department.id).where(Department.manager_id == user_id))).scalars())
    return await subtree_ids(session, roots)


async def tree(session: AsyncSession) -> list[DepartmentOut]:
    """The whole tree in two queries (departments with manager names, member counts)."""
    from portal.users.models import User  # local: users imports org

    members = (
        select(User.department_id, func.count().label("n"))
        .where(User.is_active.is_(True))
        .group_by(User.department_id)
        .subquery()
    )
    rows = (
        await session.execute(
            select(Department, User.name, func.coalesce(members.c.n, literal_column("0")))
            .outerjoin(User, User.id == Department.manager_id)
            .outerjoin(members, members.c.department_id == Department.id)
            .where(Department.is_active.is_(True))
            .order_by(Department.sort_order, Department.name, Department.id)
        )
    ).all()
    nodes = {
        d.id: DepartmentOut.model_validate(d).model_copy(update={"manager_name": mname, "member_count": n})
        for d, mname, n in rows
    }
    roots: list[DepartmentOut] = []
    for dept, _, _ in rows:
        node = nodes[dept.id]
        parent = nodes.get(dept.parent_id) if dept.parent_id else None
        (parent.children if parent else roots).append(node)
    return roots


async def _check_manager(session: AsyncSession, manager_id: int | None) -> None:
    from portal.users.models import User

    if manager_id is None:
        return
    manager = await session.get(User, manager_id)
    if manager is None or not manager.is_active:
        raise ValidationFailed("manager does not exist or is inactive", code="UNKNOWN_MANAGER",
                               details={"manager_id": manager_id})


async def _check_code(session: AsyncSession, code: str | None, own_id: int | None) -> None:
    if code is None:
        return
    stmt = select(Department.id).where(func.lower(Department.code) == code.lower())
    if own_id is not None:
        stmt = stmt.where(Department.id != own_id)
    if (await session.execute(stmt)).first():
        raise Conflict("department code is already in use", code="DEPARTMENT_CODE_TAKEN")


async def create(session: AsyncSession, actor: Actor, data: DepartmentCreate, client: ClientInfo) -> Department:
    if data.parent_id is not None:
        await get(session, data.parent_id)
    await _check_manager(session, data.manager_id)
    await _check_code(session, data.code, None)
    dept = Department(**data.model_dump())
    session.add(dept)
    try:
        await session.flush()
    except IntegrityError as exc:  # the same code, created at the same moment by someone else
        raise Conflict("department code is already in use", code="DEPARTMENT_CODE_TAKEN") from exc
    audit.record(session, action="admin.department_create", client=client, actor=actor,
                 target_type="department", target_id=dept.id, details=data.model_dump())
    await session.commit()
    return dept


async def update(
    session: AsyncSession, actor: Actor, department_id: int, data: DepartmentUpdate, client: ClientInfo
) -> Department:
    dept = await get(session, department_id)
    changes = data.model_dump(exclude_unset=True)
    if "parent_id" in changes and changes["parent_id"] is not None:
        # Moves take one transaction-scoped lock, so two concurrent moves cannot build a cycle together.
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _TREE_LOCK})
        await get(session, changes["parent_id"])
        if changes["parent_id"] in await subtree_ids(session, {dept.id}):
            raise Conflict("a department cannot move under itself or its descendants", code="ORG_CYCLE")
    await _check_manager(session, changes.get("manager_id"))
    await _check_code(session, changes.get("code"), dept.id)
    for key, value in changes.items():
        setattr(dept, key, value)
    audit.record(session, action="admin.department_update", client=client, actor=actor,
                 target_type="department", target_id=dept.id, details=changes)
    try:
        await session.commit()
    except IntegrityError as exc:  # the same code, given to another department at the same moment
        raise Conflict("department code is already in use", code="DEPARTMENT_CODE_TAKEN") from exc
    return dept


async def delete(session: AsyncSession, actor: Actor, department_id: int, client: ClientInfo) -> None:
    from portal.users.models import User

    dept = await get(session, department_id)
    children = (await session.execute(
        select(func.count()).where(Department.parent_id == dept.id, Department.is_active.is_(True))
    )).scalar_one()
    members = (await session.execute(
        select(func.count()).select_from(User).where(User.department_id == dept.id, User.is_active.is_(True))
    )).scalar_one()
    if children or members:
        raise Conflict("department still has sub-departments or members", code="DEPARTMENT_NOT_EMPTY",
                       details={"children": children, "members": members})
    dept.is_active = False
    audit.record(session, action="admin.department_delete", client=client, actor=actor,
                 target_type="department", target_id=dept.id)
    await session.commit()
