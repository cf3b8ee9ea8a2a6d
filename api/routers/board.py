"""`/api/v1/board`: boards, posts, comments, likes and attachments."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response, UploadFile

from api.deps import ClientDep, CurrentUser, PageDep, RedisDep, SessionDep, StateDep, require
from api.downloads import serve_attachment
from portal.auth.permissions import Perm
from portal.board import access, service
from portal.board.schemas import (
    AttachmentOut,
    BoardIn,
    BoardOut,
    BoardUpdate,
    CommentIn,
    CommentOut,
    LikeOut,
    PostIn,
    PostOut,
    PostSummary,
    PostUpdate,
)
from portal.common.schemas import Envelope, PageEnvelope, ok

router = APIRouter(prefix="/board", tags=["board"])
Employee = Annotated[CurrentUser, Depends(require(Perm.BOARD_USE))]
BoardAdmin = Annotated[CurrentUser, Depends(require(Perm.BOARD_ADMIN))]
Id = Annotated[int, Path(ge=1, le=2**62)]


def _board_out(board: object, user: CurrentUser) -> BoardOut:
    out = BoardOut.model_validate(board)
    out.can_write = access.can_write(user.actor, board)  # type: ignore[arg-type]
    return out


@router.get("/boards", operation_id="board_boards_list", response_model=Envelope[list[BoardOut]])
async def list_boards(user: Employee, session: SessionDep) -> Envelope[list[BoardOut]]:
    """Boards the user may read."""
    return ok([_board_out(b, user) for b in await service.list_boards(session, user.actor)])


@router.post("/boards", operation_id="board_boards_create", response_model=Envelope[BoardOut], status_code=201)
async def create_board(body: BoardIn, user: BoardAdmin, session: SessionDep, client: ClientDep) -> Envelope[BoardOut]:
    return ok(_board_out(await service.create_board(session, user.actor, body, client), user), "board created")


@router.get("/boards/{board_id}", operation_id="board_boards_get", response_model=Envelope[BoardOut])
async def get_board(board_id: Id, user: Employee, session: SessionDep) -> Envelope[BoardOut]:
    return ok(_board_out(await service.readable_board(session, user.actor, board_id), user))


@router.put("/boards/{board_id}", operation_id="board_boards_update", response_model=Envelope[BoardOut])
async def update_board(
    board_id: Id, body: BoardUpdate, user: BoardAdmin, session: SessionDep, redis: RedisDep, client: ClientDep
) -> Envelope[BoardOut]:
    return ok(_board_out(await service.update_board(session, redis, user.actor, board_id, body, client), user))


@router.get("/boards/{board_id}/posts", operation_id="board_posts_list", response_model=PageEnvelope[PostSummary])
async def list_posts(
    board_id: Id,
    user: Employee,
    session: SessionDep,
    redis: RedisDep,
    page: PageDep,
    q: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
) -> PageEnvelope[PostSummary]:
    """Pinned posts first, then notices, then newest (or `sort`); `q` searches titles and content."""
    if page.sort is None:
        page = type(page)(page=page.page, limit=page.limit, sort="created_at", order="desc")
    rows, pagination = await service.list_posts(session, redis, user.actor, board_id, page, q)
    return PageEnvelope[PostSummary](data=rows, pagination=pagination)


@router.post(
    "/boards/{board_id}/posts", operation_id="board_posts_create", response_model=Envelope[PostOut], status_code=201
)
async def create_post(
    board_id: Id, body: PostIn, user: Employee, session: SessionDep, redis: RedisDep
) -> Envelope[PostOut]:
    """The content is rich text; it is sanitised (scripts, event handlers and js: links removed)."""
    post = await service.create_post(session, redis, user.actor, board_id, body)
    return ok(await service.detail(session, user.actor, post), "posted")


@router.get("/posts/{post_id}", operation_id="board_posts_get", response_model=Envelope[PostOut])
async def get_post(post_id: Id, user: Employee, session: SessionDep, redis: RedisDep) -> Envelope[PostOut]:
    """Counts one view per reader per day."""
    post = await service.readable_post(session, user.actor, post_id)
    await service.count_view(session, redis, user.actor, post)
    return ok(await service.detail(session, user.actor, post))


@router.put("/posts/{post_id}", operation_id="board_posts_update", response_model=Envelope[PostOut])
async def update_post(
    post_id: Id, body: PostUpdate, user: Employee, session: SessionDep, redis: RedisDep
) -> Envelope[PostOut]:
    post = await service.update_post(session, redis, user.actor, post_id, body)
    return ok(await service.detail(session, user.actor, post))


@router.delete("/posts/{post_id}", operation_id="board_posts_delete", response_model=Envelope[None])
async def delete_post(
    post_id: Id, user: Employee, session: SessionDep, redis: RedisDep, client: ClientDep
) -> Envelope[None]:
    await service.delete_post(session, redis, user.actor, post_id, client)
    return ok(None, "post deleted")


@router.post("/posts/{post_id}/like", operation_id="board_posts_like", response_model=Envelope[LikeOut])
async def like(post_id: Id, user: Employee, session: SessionDep, redis: RedisDep) -> Envelope[LikeOut]:
    """Toggles the user's like."""
    return ok(await service.toggle_like(session, redis, user.actor, post_id))


@router.get("/posts/{post_id}/comments", operation_id="board_comments_list", response_model=Envelope[list[CommentOut]])
async def list_comments(post_id: Id, user: Employee, session: SessionDep) -> Envelope[list[CommentOut]]:
    return ok(await service.comments(session, user.actor, post_id))


@router.post(
    "/posts/{post_id}/comments",
    operation_id="board_comments_create",
    response_model=Envelope[CommentOut],
    status_code=201,
)
async def add_comment(
    post_id: Id, body: CommentIn, user: Employee, session: SessionDep, redis: RedisDep
) -> Envelope[CommentOut]:
    """Plain text; `parent_id` replies to a top-level comment (one level of replies)."""
    comment = await service.add_comment(session, redis, user.actor, post_id, body)
    return ok(CommentOut.model_validate(comment).model_copy(update={"author_name": user.profile.get("name")}))


@router.delete("/comments/{comment_id}", operation_id="board_comments_delete", response_model=Envelope[None])
async def delete_comment(comment_id: Id, user: Employee, session: SessionDep, redis: RedisDep) -> Envelope[None]:
    await service.delete_comment(session, redis, user.actor, comment_id)
    return ok(None, "comment deleted")


@router.post(
    "/posts/{post_id}/attachments",
    operation_id="board_attachments_add",
    response_model=Envelope[AttachmentOut],
    status_code=201,
)
async def add_attachment(
    post_id: Id, file: UploadFile, user: Employee, session: SessionDep, state: StateDep
) -> Envelope[AttachmentOut]:
    row = await service.add_attachment(session, state.storage, state.settings, user.actor, post_id, file)
    return ok(AttachmentOut.model_validate(row), "attached")


@router.head("/attachments/{attachment_id}", include_in_schema=False)
@router.get(
    "/attachments/{attachment_id}",
    operation_id="board_attachments_download",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
async def download_attachment(
    attachment_id: Id, request: Request, user: Employee, session: SessionDep, state: StateDep
) -> Response:
    # the file, for anyone who may read its post (HEAD and a single byte range too: api/downloads.py)
    row = await service.readable_attachment(session, user.actor, attachment_id)
    return await serve_attachment(request, state.storage, row.storage_key, row.content_type, row.filename)
