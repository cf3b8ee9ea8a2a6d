"""The recent-posts and notices portlets: the newest readable posts, one query each, cached for a minute as JSON.

Readability is the boards module's own SQL condition (`portal.board.access.readable`), so the portal never
shows a post the board pages would refuse.
"""

from __future__ import annotations

import hashlib
from typing import Any, Literal

from pydantic_core import to_json
from redis.asyncio import Redis
from sqlalchemy import Select, or_, select

from portal.auth.permissions import Perm
from portal.board import access
from portal.board.models import Board, Post
from portal.common.cache import VersionedCache
from portal.common.context import Actor
from portal.db.session import LazyReads
from portal.search.cache import BytesCache, Lookup
from portal.users.models import User

LIMIT = 10
CACHE_TTL_SECONDS = 60
NOTICE_BOARD_TYPE = "notice"
PostKind = Literal["recent-posts", "notices"]


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


def bytes_cache(redis: Redis) -> BytesCache:
    """The scope of `portlet_cache` (same version key, which the boards service bumps), holding ready JSON."""
    return BytesCache(redis, "portlet-posts", "all", CACHE_TTL_SECONDS)


def lookup(redis: Redis, actor: Actor, kind: PostKind) -> tuple[BytesCache, str]:
    c = bytes_cache(redis)
    return c, c.key({"kind": kind, "access": access_scope(actor)})


def _statement(actor: Actor, kind: PostKind) -> Select[Any]:
    if kind == "recent-posts":
        return _query(actor).order_by(Post.created_at.desc(), Post.id.desc())
    # Posts marked as notices, or on a notice board; pinned ones first.
    return (
        _query(actor)
        .where(or_(Post.is_notice.is_(True), Board.type == NOTICE_BOARD_TYPE))
        .order_by(Post.is_pinned.desc(), Post.created_at.desc(), Post.id.desc())
    )


async def load(db: LazyReads, redis: Redis, *, actor: Actor, kind: PostKind,
               cached: Lookup | None = None) -> bytes:
    """The portlet's JSON (`{"type", "items"}`), from the cache or from one query. `cached` is this portlet's
    lookup when the caller fetched it together with others."""
    c, key = lookup(redis, actor, kind)
    found = cached if cached is not None else await c.get(key)
    if found.body is not None:
        return found.body
    rows = (await db.execute(_statement(actor, kind).limit(LIMIT))).mappings().all()
    body = to_json({"type": kind, "items": [dict(r) for r in rows]})
    await c.set(key, found.version, body)
    return body
