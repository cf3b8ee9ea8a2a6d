"""The recent-posts and notices portlets: the newest readable posts, one query each, cached for a minute.

Readability is the boards module's own SQL condition (`portal.board.access.readable`), so the portal never
shows a post the board pages would refuse.
"""

from __future__ import annotations

import hashlib
from typing import Any, Literal

from redis.asyncio import Redis
from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from portal.auth.permissions import Perm
from portal.board import access
from portal.board.models import Board, Post
from portal.common.cache import VersionedCache
from portal.common.context import Actor
from portal.portlets.schemas import PostBrief, PostsData
from portal.users.models import User

LIMIT = 10
CACHE_TTL_SECONDS = 60
NOTICE_BOARD_TYPE = "notice"


def portlet_cache(redis: Redis) -> VersionedCache:
    """One scope for every post portlet: any post written on any board makes them all stale (the boards
    service bumps it), otherwise entries live a minute."""
    return VersionedCache(redis, "portlet-posts", CACHE_TTL_SECONDS)


def access_scope(actor: Actor) -> str:
    """Users who pass `access.readable` for exactly the same boards share one cache entry (it depends on the
    board-admin permission, the roles and the department only; keep this in step with it)."""
    if actor.can(Perm.BOARD_ADMIN):
        return "admin"
    raw = f"roles={','.join(sorted(actor.roles))};department={actor.department_id}"
    return hashlib.sha256(raw.encode()).hexdigest()[:24]


def _query(actor: Actor) -> Select[Any]:
    stmt: Any = (
        select(Post.id, Post.board_id, Board.name.label("board_name"), Post.title, Post.author_id,
               User.name.label("author_name"), Post.is_notice, Post.is_pinned, Post.comment_count,
               Post.view_count, Post.created_at)
        .select_from(Post)
        .join(Board, Board.id == Post.board_id)
        .outerjoin(User, User.id == Post.author_id)
        # Board admins may read inactive boards too, but an archived board has no place on the portal.
        .where(Post.is_deleted.is_(False), Board.is_active.is_(True), access.readable(actor))
    )
    return stmt


async def _cached(
    session: AsyncSession, redis: Redis, actor: Actor, kind: Literal["recent-posts", "notices"], stmt: Select[Any]
) -> PostsData:
    cache = portlet_cache(redis)
    key = await cache.key("all", {"kind": kind, "access": access_scope(actor)})
    hit = await cache.get(key)
    if hit is not None:
        return PostsData(type=kind, items=[PostBrief.model_validate(p) for p in hit])
    items = [PostBrief.model_validate(row._mapping) for row in (await session.execute(stmt.limit(LIMIT))).all()]
    await cache.set(key, [i.model_dump(mode="json") for i in items])
    return PostsData(type=kind, items=items)


async def recent(session: AsyncSession, redis: Redis, *, actor: Actor) -> PostsData:
    stmt = _query(actor).order_by(Post.created_at.desc(), Post.id.desc())
    return await _cached(session, redis, actor, "recent-posts", stmt)


async def notices(session: AsyncSession, redis: Redis, *, actor: Actor) -> PostsData:
    """Posts marked as notices, or on a notice board; pinned ones first."""
    stmt = (
        _query(actor)
        .where(or_(Post.is_notice.is_(True), Board.type == NOTICE_BOARD_TYPE))
        .order_by(Post.is_pinned.desc(), Post.created_at.desc(), Post.id.desc())
    )
    return await _cached(session, redis, actor, "notices", stmt)

