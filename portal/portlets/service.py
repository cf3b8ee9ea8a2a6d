"""The portal: each user's portlet layout (replaced whole, atomically) and the data each portlet shows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from pydantic_core import to_json
from redis.asyncio import Redis
from sqlalchemy import delete, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from portal.auth.permissions import Perm
from portal.common.context import Actor
from portal.common.errors import Forbidden, ValidationFailed
from portal.common.redis_batch import RedisBatch
from portal.db.session import LazyReads
from portal.portlets import approvals, orgchart, posts
from portal.portlets.models import PortalLayout
from portal.portlets.schemas import PORTLET_TYPES, LayoutIn, LayoutItem, LayoutItemOut, LayoutOut, PortletType
from portal.search.cache import BytesCache, get_many
from portal.users.schemas import UserDetailOut

# What a user must hold to see a portlet's data (None: anyone signed in).
REQUIRED_PERMISSION: dict[str, Perm | None] = {
    "pending-approvals": Perm.APPROVAL_USE,
    "recent-posts": Perm.BOARD_USE,
    "notices": Perm.BOARD_USE,
    "org-chart": Perm.ORG_READ,
    "my-profile": None,
}

# Shown until the user saves a layout of their own (validated at import, like any saved layout).
DEFAULT_LAYOUT = LayoutIn(items=[
    LayoutItem(type="pending-approvals", x=0, y=0, w=6, h=4),
    LayoutItem(type="notices", x=6, y=0, w=6, h=4),
    LayoutItem(type="recent-posts", x=0, y=4, w=6, h=5),
    LayoutItem(type="my-profile", x=6, y=4, w=3, h=5),
    LayoutItem(type="org-chart", x=9, y=4, w=3, h=5),
])


# --- layout -------------------------------------------------------------------------------------------

def _item_out(item: LayoutItem) -> LayoutItemOut:
    return LayoutItemOut(type=item.type, x=item.x, y=item.y, w=item.w, h=item.h, visible=item.visible,
                         config=item.config)


async def get_layout(session: AsyncSession, *, user_id: int) -> LayoutOut:
    rows = (
        await session.execute(
            select(PortalLayout).where(PortalLayout.user_id == user_id)
            .order_by(PortalLayout.y, PortalLayout.x, PortalLayout.id)
        )
    ).scalars().all()
    if not rows:
        return LayoutOut(items=[_item_out(i) for i in DEFAULT_LAYOUT.items], is_default=True)
    items = [
        LayoutItemOut(type=r.portlet_type, x=r.x, y=r.y, w=r.w, h=r.h, visible=r.is_visible, config=r.config)
        for r in rows
        if r.portlet_type in PORTLET_TYPES  # a portlet retired since the layout was saved is simply not shown
    ]
    return LayoutOut(items=items, is_default=False, updated_at=max(r.updated_at for r in rows))


async def replace_layout(session: AsyncSession, *, user_id: int, layout: LayoutIn) -> LayoutOut:
    """Delete and insert in one transaction, serialised per user: two concurrent saves never merge.
    An empty list goes back to the default layout (to hide everything, save the items with `visible: false`)."""
    await session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
                          {"key": f"portal-layout:{user_id}"})
    await session.execute(delete(PortalLayout).where(PortalLayout.user_id == user_id))
    session.add_all(
        PortalLayout(user_id=user_id, portlet_type=i.type, x=i.x, y=i.y, w=i.w, h=i.h, is_visible=i.visible,
                     config=i.config)
        for i in layout.items
    )
    await session.commit()
    return await get_layout(session, user_id=user_id)


# --- data ---------------------------------------------------------------------------------------------

def parse_types(raw: str | Sequence[str]) -> list[PortletType]:
    """`a,b,c` (or a list) → known portlet types, in order and each once; anything unknown is a 422."""
    names = raw.split(",") if isinstance(raw, str) else list(raw)
    wanted = list(dict.fromkeys(n.strip() for n in names if n.strip()))
    unknown = [n for n in wanted if n not in PORTLET_TYPES]
    if unknown or not wanted:
        raise ValidationFailed("unknown portlet type", code="UNKNOWN_PORTLET",
                               details={"unknown": unknown[:10], "allowed": list(PORTLET_TYPES)})
    return [cast(PortletType, n) for n in wanted]


def check_allowed(actor: Actor, types: Sequence[str]) -> None:
    denied = [t for t in types if (perm := REQUIRED_PERMISSION[t]) is not None and not actor.can(perm)]
    if denied:
        raise Forbidden("you may not see these portlets", code="PERMISSION_DENIED", details={"portlets": denied})


async def load_many(
    db: LazyReads, redis: Redis, *, actor: Actor, profile: dict[str, Any], portlets: Sequence[PortletType],
    batch: RedisBatch | None = None,
) -> dict[PortletType, bytes]:
    """Each portlet's data as JSON bytes: one query per portlet at most (org chart: two), none for the profile
    and none for what the cache holds. Every cache entry the portlets need is read in one round trip, and a
    home page served from the cache opens no database connection."""
    check_allowed(actor, portlets)
    wanted: list[tuple[BytesCache, str]] = []
    for p in portlets:
        if p == "pending-approvals":
            wanted.append(approvals.lookup(redis, actor))
        elif p in ("recent-posts", "notices"):
            wanted.append(posts.lookup(redis, actor, p))
        elif p == "org-chart":
            wanted += orgchart.lookups(redis, department_id=actor.department_id)
    found = iter(await get_many(batch or redis, wanted) if wanted else [])
    out: dict[PortletType, bytes] = {}
    for p in portlets:
        if p == "pending-approvals":
            out[p] = await approvals.pending(db, redis, actor=actor, cached=next(found))
        elif p in ("recent-posts", "notices"):
            out[p] = await posts.load(db, redis, actor=actor, kind=p, cached=next(found))
        elif p == "org-chart":
            mine = [next(found) for _ in orgchart.lookups(redis, department_id=actor.department_id)]
            out[p] = await orgchart.chart(db, redis, department_id=actor.department_id, cached=mine)
        else:
            out[p] = to_json({"type": "my-profile", "profile": UserDetailOut.model_validate(profile)})
    return out
