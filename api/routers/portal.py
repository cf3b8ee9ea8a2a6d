"""`/api/v1/portal`: the user's portlet layout and the data behind each portlet."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.deps import CurrentUserDep, RedisDep, SessionDep
from portal.common.schemas import Envelope, ok
from portal.portlets import service
from portal.portlets.schemas import LayoutIn, LayoutOut, PortletData, PortletType

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


@router.get("/data", operation_id="portal_data_many", response_model=Envelope[dict[PortletType, PortletData]])
async def get_many(
    user: CurrentUserDep, session: SessionDep, redis: RedisDep,
    types: Annotated[str, Query(min_length=1, max_length=200, description="comma-separated portlet types")],
) -> Envelope[dict[PortletType, PortletData]]:
    """Several portlets at once, keyed by type. Any unknown type is a 422 `UNKNOWN_PORTLET`."""
    portlets = service.parse_types(types)
    return ok(await service.load_many(session, redis, actor=user.actor, profile=user.profile, portlets=portlets))


@router.get("/data/{portlet_type}", operation_id="portal_data_get", response_model=Envelope[PortletData])
async def get_one(
    portlet_type: Annotated[str, Path(max_length=50)], user: CurrentUserDep, session: SessionDep, redis: RedisDep
) -> Envelope[PortletData]:
    """One portlet: pending-approvals, recent-posts, notices, org-chart or my-profile."""
    (portlet,) = service.parse_types([portlet_type])
    service.check_allowed(user.actor, [portlet])
    return ok(await service.load(session, redis, actor=user.actor, profile=user.profile, portlet=portlet))
