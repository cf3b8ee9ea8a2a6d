"""Post search across the boards a user may read: Korean by trigram-indexed substring match, English by
full-text search, ranked, with escaped snippets that mark the match."""

from __future__ import annotations

import html
import re
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from portal.board import access
from portal.board.models import Board, Post
from portal.common.context import Actor
from portal.common.schemas import OutputModel
from portal.users.service import escape_like

_TAGS = re.compile(r"<[^>]+>")
SNIPPET_RADIUS = 60


class PostHit(OutputModel):
    id: int
    board_id: int
    board_name: str
    title: str
    snippet: str  # HTML: escaped text with the match wrapped in <mark>
    created_at: datetime
    like_count: int
    comment_count: int


def snippet(content: str, q: str) -> str:
    text = " ".join(html.unescape(_TAGS.sub(" ", content)).split())
    terms = [t for t in {q, *q.split()} if t]
    match = None
    for term in sorted(terms, key=len, reverse=True):
        match = re.search(re.escape(term), text, flags=re.IGNORECASE)
        if match:
            break
    if match is None:
        return html.escape(text[: 2 * SNIPPET_RADIUS]) + ("…" if len(text) > 2 * SNIPPET_RADIUS else "")
    start, end = max(0, match.start() - SNIPPET_RADIUS), min(len(text), match.end() + SNIPPET_RADIUS)
    before, found, after = text[start:match.start()], match.group(0), text[match.end():end]
    return "".join([
        "…" if start else "", html.escape(before), "<mark>", html.escape(found), "</mark>", html.escape(after),
        "…" if end < len(text) else "",
    ])


async def search(session: AsyncSession, actor: Actor, q: str, *, limit: int, offset: int) -> tuple[list[PostHit], int]:
    q = q.strip()
    pattern = f"%{escape_like(q)}%"
    query = func.websearch_to_tsquery("english", q)
    in_title = Post.title.ilike(pattern, escape="\\")
    match = or_(in_title, Post.content_text.ilike(pattern, escape="\\"), Post.search_vector.op("@@")(query))
    base: Any = (
        select(Post.id, Post.board_id, Board.name.label("board_name"), Post.title, Post.content, Post.created_at,
               Post.like_count, Post.comment_count)
        .join(Board, Board.id == Post.board_id)
        .where(Post.is_deleted.is_(False), access.readable(actor), match)
    )
    total = (await session.execute(select(func.count()).select_from(base.subquery()))).scalar_one()
    rows = (await session.execute(
        base.order_by(case((in_title, 0), else_=1), func.ts_rank(Post.search_vector, query).desc(),
                      func.similarity(Post.title, q).desc(), Post.created_at.desc(), Post.id.desc())
        .limit(limit).offset(offset)
    )).all()
    hits = [PostHit(id=r.id, board_id=r.board_id, board_name=r.board_name, title=r.title,
                    snippet=snippet(r.content, q), created_at=r.created_at, like_count=r.like_count,
                    comment_count=r.comment_count) for r in rows]
    return hits, total
