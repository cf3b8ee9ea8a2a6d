"""Boards, posts, comments and likes: permissions on every read and write, sanitised rich text, soft deletes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from fastapi import UploadFile
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from portal.audit import service as audit
from portal.auth.permissions import Perm
from portal.board import access
from portal.board.models import Board, Comment, Post, PostAttachment, PostLike
from portal.board.sanitize import clean_html
from portal.board.schemas import (
    AccessRule,
    AttachmentOut,
    BoardIn,
    BoardUpdate,
    CommentIn,
    CommentOut,
    LikeOut,
    PostIn,
    PostOut,
    PostSummary,
    PostUpdate,
)
from portal.common.cache import VersionedCache
from portal.common.context import Actor, ClientInfo
from portal.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from portal.common.pagination import PageParams, paginate
from portal.common.schemas import Pagination
from portal.org.models import Department
from portal.settings import Settings
from portal.storage import uploads
from portal.storage.backends import Storage
from portal.users.models import User
from portal.users.service import escape_like

VIEW_WINDOW_SECONDS = 24 * 3600  # a reader's view counts once per day
POST_LIST_TTL = 60


# --- boards ---------------------------------------------------------------------------------------------

async def get_board(session: AsyncSession, board_id: int) -> Board:
    board = await session.get(Board, board_id)
    if board is None:
        raise NotFound("board not found", code="BOARD_NOT_FOUND", details={"id": board_id})
    return board


async def readable_board(session: AsyncSession, actor: Actor, board_id: int) -> Board:
    board = await get_board(session, board_id)
    if not access.can_read(actor, board):
        raise Forbidden("you may not read this board", code="BOARD_FORBIDDEN")
    return board


async def list_boards(session: AsyncSession, actor: Actor) -> Sequence[Board]:
    stmt = select(Board).where(access.readable(actor)).order_by(Board.sort_order, Board.name, Board.id)
    return (await session.execute(stmt)).scalars().all()


async def _check_departments(session: AsyncSession, **rules: AccessRule | None) -> None:
    """Every department an access rule names exists (a deleted one still does: its rows stay). An unknown id
    let nobody in through it, silently; it is refused naming the field, e.g. `read_permission.departments`."""
    wanted = {d for rule in rules.values() if rule is not None for d in rule.departments}
    if not wanted:
        return
    known = set((await session.execute(select(Department.id).where(Department.id.in_(wanted)))).scalars())
    for name, rule in rules.items():
        unknown = sorted(set(rule.departments) - known) if rule is not None else []
        if unknown:
            raise ValidationFailed("the access rule names unknown departments", code="UNKNOWN_DEPARTMENT",
                                   details={"field": f"{name}.departments", "unknown": unknown})


async def create_board(session: AsyncSession, actor: Actor, data: BoardIn, client: ClientInfo) -> Board:
    if data.department_id is not None and await session.get(Department, data.department_id) is None:
        raise ValidationFailed("department does not exist", code="UNKNOWN_DEPARTMENT",
                               details={"field": "department_id", "unknown": [data.department_id]})
    await _check_departments(session, read_permission=data.read_permission, write_permission=data.write_permission)
    values = data.model_dump()
    if data.type == "department" and data.department_id and not data.read_permission.departments:
        values["read_permission"] = {"roles": [], "departments": [data.department_id]}
    board = Board(**values)
    session.add(board)
    await session.flush()
    audit.record(session, action="admin.board_create", client=client, actor=actor, target_type="board",
                 target_id=board.id, details={"name": board.name, "type": board.type})
    await session.commit()
    return board


async def update_board(
    session: AsyncSession, redis: Redis, actor: Actor, board_id: int, data: BoardUpdate, client: ClientInfo
) -> Board:
    board = await get_board(session, board_id)
    await _check_departments(session, read_permission=data.read_permission, write_permission=data.write_permission)
    changes = data.model_dump(exclude_unset=True)
    for key, value in changes.items():
        if value is not None:
            setattr(board, key, value)
    audit.record(session, action="admin.board_update", client=client, actor=actor, target_type="board",
                 target_id=board.id, details={"fields": sorted(changes)})
    await session.commit()
    # The post portlets' cache entries are keyed by the reader's roles and department, not by the boards' rules:
    # a board closed to some readers (or retired, or renamed) must not stay on their portal for the entry's minute.
    await posts_changed(redis, board.id)
    return board


# --- posts ----------------------------------------------------------------------------------------------

async def _names(session: AsyncSession, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = await session.execute(select(User.id, User.name).where(User.id.in_(ids)))
    return {row.id: row.name for row in rows}


async def summaries(session: AsyncSession, posts: Sequence[Post]) -> list[PostSummary]:
    names = await _names(session, {p.author_id for p in posts})
    return [PostSummary.model_validate(p).model_copy(update={"author_name": names.get(p.author_id)}) for p in posts]


def post_lists(redis: Redis) -> VersionedCache:
    """Post lists are cached for a minute per board; any write to the board's posts makes them stale."""
    return VersionedCache(redis, "board-posts", POST_LIST_TTL)


async def posts_changed(redis: Redis, board_id: int) -> None:
    """A post was written, edited, deleted, liked or commented: the board's lists and the portal's post
    portlets are stale now."""
    from portal.portlets.posts import portlet_cache  # local: the portlets build on boards

    await post_lists(redis).bump(board_id)
    await portlet_cache(redis).bump("all")


async def list_posts(
    session: AsyncSession, redis: Redis, actor: Actor, board_id: int, params: PageParams, q: str | None
) -> tuple[list[PostSummary], Pagination]:
    await readable_board(session, actor, board_id)  # permission first: the cache is shared by all readers
    cache = post_lists(redis)
    key = await cache.key(board_id, {"p": params.page, "l": params.limit, "s": params.sort, "o": params.order,
                                     "q": q})
    hit = await cache.get(key)
    if hit is not None:
        return [PostSummary.model_validate(p) for p in hit["data"]], Pagination.model_validate(hit["pagination"])
    stmt = select(Post).where(Post.board_id == board_id, Post.is_deleted.is_(False))
    if q:
        pattern = f"%{escape_like(q)}%"
        stmt = stmt.where(or_(Post.title.ilike(pattern, escape="\\"), Post.content.ilike(pattern, escape="\\")))
    # Pinned first, then notices, then the requested order.
    stmt = stmt.order_by(Post.is_pinned.desc(), Post.is_notice.desc())
    rows, page = await paginate(
        session, stmt, params,
        sortable={"created_at": Post.created_at, "view_count": Post.view_count, "like_count": Post.like_count,
                  "title": Post.title},
        default_sort="created_at", tiebreaker=Post.id.desc(),
    )
    result = await summaries(session, rows)
    await cache.set(key, {"data": [r.model_dump(mode="json") for r in result], "pagination": page.model_dump()})
    return result, page


async def get_post(session: AsyncSession, post_id: int, *, lock: bool = False) -> Post:
    stmt = select(Post).where(Post.id == post_id, Post.is_deleted.is_(False))
    post = (await session.execute(stmt.with_for_update() if lock else stmt)).scalar_one_or_none()
    if post is None:
        raise NotFound("post not found", code="POST_NOT_FOUND", details={"id": post_id})
    return post


async def readable_post(session: AsyncSession, actor: Actor, post_id: int) -> Post:
    post = await get_post(session, post_id)
    await readable_board(session, actor, post.board_id)
    return post


def _may_edit(actor: Actor, post: Post) -> bool:
    return post.author_id == actor.id or actor.can(Perm.BOARD_ADMIN)


async def count_view(session: AsyncSession, redis: Redis, actor: Actor, post: Post) -> None:
    """+1 view per reader per day; without Redis the view is not counted rather than counted twice."""
    try:
        first = await redis.set(f"post-view:{post.id}:{actor.id}", 1, nx=True, ex=VIEW_WINDOW_SECONDS)
    except (RedisError, OSError):
        return
    if first:
        await session.execute(update(Post).where(Post.id == post.id).values(view_count=Post.view_count + 1))
        await session.commit()
        await session.refresh(post)


async def detail(session: AsyncSession, actor: Actor, post: Post) -> PostOut:
    names = await _names(session, {post.author_id})
    liked = (await session.execute(select(PostLike.post_id).where(
        PostLike.post_id == post.id, PostLike.user_id == actor.id))).first() is not None
    files = (await session.execute(select(PostAttachment).where(PostAttachment.post_id == post.id)
                                   .order_by(PostAttachment.id))).scalars().all()
    return PostOut.model_validate(post).model_copy(update={
        "author_name": names.get(post.author_id), "liked_by_me": liked, "can_edit": _may_edit(actor, post),
        "attachments": [AttachmentOut.model_validate(f) for f in files],
    })


def _check_flags(actor: Actor, is_notice: bool | None, is_pinned: bool | None) -> None:
    if (is_notice or is_pinned) and not actor.can(Perm.BOARD_ADMIN):
        raise Forbidden("only board administrators may pin posts or mark notices", code="PERMISSION_DENIED")


async def create_post(session: AsyncSession, redis: Redis, actor: Actor, board_id: int, data: PostIn) -> Post:
    board = await readable_board(session, actor, board_id)
    if not access.can_write(actor, board):
        raise Forbidden("you may not write on this board", code="BOARD_READ_ONLY")
    _check_flags(actor, data.is_notice, data.is_pinned)
    post = Post(board_id=board.id, author_id=actor.id, title=data.title, content=clean_html(data.content),
                is_notice=data.is_notice, is_pinned=data.is_pinned)
    session.add(post)
    await session.commit()
    await posts_changed(redis, board.id)
    return post


async def update_post(session: AsyncSession, redis: Redis, actor: Actor, post_id: int, data: PostUpdate) -> Post:
    post = await get_post(session, post_id, lock=True)
    await readable_board(session, actor, post.board_id)
    if not _may_edit(actor, post):
        raise Forbidden("only the author or a board administrator can edit", code="NOT_AUTHOR")
    # Clearing a flag is moderation too: an author may not take down the notice or pin an administrator set.
    _check_flags(actor, data.is_notice is not None and data.is_notice != post.is_notice,
                 data.is_pinned is not None and data.is_pinned != post.is_pinned)
    changes = data.model_dump(exclude_unset=True)
    if changes.get("content") is not None:
        changes["content"] = clean_html(changes["content"])
    for key, value in changes.items():
        if value is not None:
            setattr(post, key, value)
    await session.commit()
    await posts_changed(redis, post.board_id)
    return post


async def delete_post(
    session: AsyncSession, redis: Redis, actor: Actor, post_id: int, client: ClientInfo
) -> None:
    post = await get_post(session, post_id, lock=True)
    await readable_board(session, actor, post.board_id)
    if not _may_edit(actor, post):
        raise Forbidden("only the author or a board administrator can delete", code="NOT_AUTHOR")
    post.is_deleted, post.deleted_at = True, datetime.now(UTC)
    if post.author_id != actor.id:
        audit.record(session, action="admin.post_delete", client=client, actor=actor, target_type="post",
                     target_id=post.id)
    await session.commit()
    await posts_changed(redis, post.board_id)


async def toggle_like(session: AsyncSession, redis: Redis, actor: Actor, post_id: int) -> LikeOut:
    """One like per user; the post row is locked, so the count matches the likes under concurrency."""
    post = await get_post(session, post_id, lock=True)
    await readable_board(session, actor, post.board_id)
    inserted = (await session.execute(
        insert(PostLike).values(post_id=post.id, user_id=actor.id).on_conflict_do_nothing()
        .returning(PostLike.user_id))).first()
    if inserted is None:
        await session.execute(delete(PostLike).where(PostLike.post_id == post.id, PostLike.user_id == actor.id))
    count = (await session.execute(select(func.count()).where(PostLike.post_id == post.id))).scalar_one()
    post.like_count = count
    await session.commit()
    await posts_changed(redis, post.board_id)
    return LikeOut(liked=inserted is not None, like_count=count)


# --- comments -------------------------------------------------------------------------------------------

async def comments(session: AsyncSession, actor: Actor, post_id: int) -> list[CommentOut]:
    """Top-level comments with their replies (one level), oldest first; deleted ones keep their place."""
    await readable_post(session, actor, post_id)
    rows = (await session.execute(select(Comment).where(Comment.post_id == post_id)
                                  .order_by(Comment.created_at, Comment.id))).scalars().all()
    names = await _names(session, {c.author_id for c in rows})
    out: dict[int, CommentOut] = {}
    roots: list[CommentOut] = []
    for c in rows:
        item = CommentOut.model_validate(c).model_copy(update={
            "author_name": names.get(c.author_id), "content": "" if c.is_deleted else c.content})
        out[c.id] = item
        parent = out.get(c.parent_id) if c.parent_id else None
        (parent.replies if parent else roots).append(item)
    return roots


async def add_comment(session: AsyncSession, redis: Redis, actor: Actor, post_id: int, data: CommentIn) -> Comment:
    post = await get_post(session, post_id, lock=True)
    await readable_board(session, actor, post.board_id)
    if data.parent_id is not None:
        parent = await session.get(Comment, data.parent_id)
        if parent is None or parent.post_id != post.id or parent.is_deleted:
            raise ValidationFailed("the comment to reply to is not on this post", code="INVALID_PARENT")
        if parent.parent_id is not None:
            raise ValidationFailed("replies go one level deep", code="REPLY_TOO_DEEP")
    comment = Comment(post_id=post.id, author_id=actor.id, parent_id=data.parent_id, content=data.content)
    session.add(comment)
    post.comment_count += 1
    await session.commit()
    await posts_changed(redis, post.board_id)
    return comment


async def delete_comment(session: AsyncSession, redis: Redis, actor: Actor, comment_id: int) -> None:
    comment = await session.get(Comment, comment_id)
    if comment is None or comment.is_deleted:
        raise NotFound("comment not found", code="COMMENT_NOT_FOUND")
    post = await get_post(session, comment.post_id, lock=True)
    await session.refresh(comment)  # read again under the post's lock: a concurrent delete may have come first
    if comment.is_deleted:
        raise NotFound("comment not found", code="COMMENT_NOT_FOUND")
    await readable_board(session, actor, post.board_id)
    if comment.author_id != actor.id and not actor.can(Perm.BOARD_ADMIN):
        raise Forbidden("only the author or a board administrator can delete", code="NOT_AUTHOR")
    comment.is_deleted = True
    post.comment_count = max(0, post.comment_count - 1)
    await session.commit()
    await posts_changed(redis, post.board_id)


# --- attachments ----------------------------------------------------------------------------------------

async def add_attachment(
    session: AsyncSession, storage: Storage, settings: Settings, actor: Actor, post_id: int, upload: UploadFile
) -> PostAttachment:
    post = await get_post(session, post_id, lock=True)
    await readable_board(session, actor, post.board_id)
    if not _may_edit(actor, post):
        raise Forbidden("only the author or a board administrator can attach files", code="NOT_AUTHOR")
    count = (await session.execute(select(func.count()).where(PostAttachment.post_id == post.id))).scalar_one()
    if count >= settings.max_attachments_per_item:
        raise Conflict("too many attachments", code="TOO_MANY_ATTACHMENTS")
    file = await uploads.check(upload, await uploads.upload_limit(session, settings))
    return await uploads.store(session, storage, file, prefix="board", row=lambda key: PostAttachment(
        post_id=post.id, uploader_id=actor.id, filename=file.filename, storage_key=key,
        content_type=file.content_type, size_bytes=len(file.data), sha256=file.sha256))


async def readable_attachment(session: AsyncSession, actor: Actor, attachment_id: int) -> PostAttachment:
    row = await session.get(PostAttachment, attachment_id)
    if row is None or row.post_id is None:
        raise NotFound("attachment not found", code="ATTACHMENT_NOT_FOUND")
    await readable_post(session, actor, row.post_id)
    return row
