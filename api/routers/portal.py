"""`/api/v1/portal`: the user's portlet layout and the data behind each portlet."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response

from api.deps import CurrentUserDep, PageDep, SessionDep, StateDep, require
from portal.auth.permissions import Perm
from portal.common.schemas import Envelope, PageEnvelope, Pagination, ok
from portal.db.session import lazy_reads
from portal.portlets import orgchart, service
from portal.portlets.schemas import LayoutIn, LayoutOut, OrgMember, PortletData, PortletType
from portal.search.cache import finish

router = APIRouter(prefix="/portal", tags=["portal"])


@router.get("/layout", operation_id="portal_layout_get", response_model=Envelope[LayoutOut])
async def get_layout(user: CurrentUserDep, session: SessionDep) -> Envelope[LayoutOut]:
    """The saved layout, or the default one (`is_default: true`) until the user saves their own."""
    return ok(await service.get_layout(session, user_id=user.id))


@router.put("/layout", operation_id="portal_layout_update", response_model=Envelope[LayoutOut])
async def update_layout(body: LayoutIn, user: CurrentUserDep, session: SessionDep) -> Envelope[LayoutOut]:
    """Replaces the whole layout. 12 columns; visible items must not overlap; at most 20 items; `config` is
    a JSON object of at most 2 KB. An empty list goes back to the default layout."""
    return ok(await service.replace_layout(session, user_id=user.id, layout=body), "layout saved")


class JsonBytes(Response):
    media_type = "application/json"


@router.get("/data", operation_id="portal_data_many", response_model=Envelope[dict[PortletType, PortletData]])
async def get_many(
    user: CurrentUserDep, state: StateDep,
    types: Annotated[str, Query(min_length=1, max_length=200, description="comma-separated portlet types")],
) -> Response:
    """Several portlets at once, keyed by type. Any unknown type is a 422 `UNKNOWN_PORTLET`. The org chart
    sends the department tree and the viewer's own department's members; the members of another department
    come from `GET /portal/org-chart/departments/{id}/members` when the tree expands it."""
    portlets = service.parse_types(types)
    async with lazy_reads(state.reads) as db:
        parts = await service.load_many(db, state.redis, actor=user.actor, profile=user.profile, portlets=portlets,
                                        batch=state.redis_batch)
    data = b"{%b}" % b",".join(b'"%b":%b' % (name.encode(), body) for name, body in parts.items())
    return JsonBytes(finish(b'{"success":true,"data":%b,"message":null' % data))


@router.get("/data/{portlet_type}", operation_id="portal_data_get", response_model=Envelope[PortletData])
async def get_one(
    portlet_type: Annotated[str, Path(max_length=50)], user: CurrentUserDep, state: StateDep
) -> Response:
    """One portlet: pending-approvals, recent-posts, notices, org-chart or my-profile."""
    (portlet,) = service.parse_types([portlet_type])
    async with lazy_reads(state.reads) as db:
        parts = await service.load_many(db, state.redis, actor=user.actor, profile=user.profile, portlets=[portlet],
                                        batch=state.redis_batch)
    return JsonBytes(finish(b'{"success":true,"data":%b,"message":null' % parts[portlet]))


@router.get("/org-chart/departments/{department_id}/members", operation_id="portal_org_chart_members",
            response_model=PageEnvelope[OrgMember], dependencies=[Depends(require(Perm.ORG_READ))])
async def org_chart_members(
    department_id: Annotated[int, Path(ge=1)], session: SessionDep, page: PageDep
) -> PageEnvelope[OrgMember]:
    """Active members of one department (not of its sub-departments), the manager first, then by name: what
    the org-chart portlet loads when a department is expanded. 404 `DEPARTMENT_NOT_FOUND` for an unknown or
    deleted department."""
    rows, total = await orgchart.members(session, department_id, limit=page.limit, offset=page.offset)
    pages = (total + page.limit - 1) // page.limit if total else 0
    return PageEnvelope[OrgMember](
        data=[OrgMember.model_validate(r) for r in rows],
        pagination=Pagination(page=page.page, limit=page.limit, total=total, totalPages=pages))
