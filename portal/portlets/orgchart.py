"""The org-chart portlet: the department tree (org service) with its members, in two queries whatever its size."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from portal.org import service as org
from portal.org.schemas import DepartmentOut
from portal.portlets.schemas import OrgChartData, OrgMember, OrgNode
from portal.users.models import User

MEMBERS_PER_DEPARTMENT = 50  # a portlet, not the directory: big departments link to the full list


async def _members(session: AsyncSession) -> dict[int, list[OrgMember]]:
    """Active members of every department, at most MEMBERS_PER_DEPARTMENT each, by name."""
    ranked = (
        select(User.id, User.name, User.position, User.job_title, User.profile_image_url, User.department_id,
               func.row_number().over(partition_by=User.department_id, order_by=(User.name, User.id)).label("n"))
        .where(User.is_active.is_(True), User.department_id.is_not(None))
        .subquery()
    )
    rows = (
        await session.execute(
            select(ranked).where(ranked.c.n <= MEMBERS_PER_DEPARTMENT).order_by(ranked.c.department_id,
                                                                                 ranked.c.n)
        )
    ).all()
    members: dict[int, list[OrgMember]] = {}
    for row in rows:
        members.setdefault(row.department_id, []).append(OrgMember.model_validate(row._mapping))
    return members


def _node(dept: DepartmentOut, members: dict[int, list[OrgMember]]) -> OrgNode:
    own = [m.model_copy(update={"is_manager": m.id == dept.manager_id}) for m in members.get(dept.id, [])]
    own.sort(key=lambda m: not m.is_manager)  # the manager first, the rest keep their order by name
    return OrgNode(
        id=dept.id, name=dept.name, code=dept.code, parent_id=dept.parent_id, manager_id=dept.manager_id,
        manager_name=dept.manager_name, member_count=dept.member_count, members=own,
        children=[_node(child, members) for child in dept.children],
    )


async def chart(session: AsyncSession) -> OrgChartData:
    roots = await org.tree(session)
    members = await _members(session)
    return OrgChartData(members_limit=MEMBERS_PER_DEPARTMENT, departments=[_node(d, members) for d in roots])
