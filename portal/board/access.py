"""Board permissions: who may read and write, as a Python check and as a SQL condition."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, false, func, literal, or_, true
from sqlalchemy.dialects.postgresql import JSONB

from portal.auth.permissions import Perm
from portal.board.models import Board
from portal.common.context import Actor


def _allowed(rule: dict[str, Any] | None, actor: Actor) -> bool:
    rule = rule or {}
    roles, departments = rule.get("roles") or [], rule.get("departments") or []
    if not roles and not departments:
        return True
    return bool(set(roles) & actor.roles) or (actor.department_id is not None and actor.department_id in departments)


def can_read(actor: Actor, board: Board) -> bool:
    return actor.can(Perm.BOARD_ADMIN) or (board.is_active and _allowed(board.read_permission, actor))


def can_write(actor: Actor, board: Board) -> bool:
    if actor.can(Perm.BOARD_ADMIN):
        return True
    if not can_read(actor, board) or not actor.can(Perm.BOARD_USE):
        return False
    if board.type == "notice" and not (board.write_permission or {}).get("roles") \
            and not (board.write_permission or {}).get("departments"):
        return False  # notice boards are written by board administrators unless opened explicitly
    return _allowed(board.write_permission, actor)


def _rule_matches(column: Any, actor: Actor) -> Any:
    roles, departments = column["roles"], column["departments"]
    empty = and_(func.coalesce(func.jsonb_array_length(roles), 0) == 0,
                 func.coalesce(func.jsonb_array_length(departments), 0) == 0)
    by_role = or_(false(), *[roles.op("@>")(literal([r], JSONB)) for r in sorted(actor.roles)])
    by_department = departments.op("@>")(literal([actor.department_id], JSONB)) \
        if actor.department_id is not None else false()
    return or_(empty, by_role, by_department)


def readable(actor: Actor) -> Any:
    """SQL condition on `boards`: the actor may read the board (search and counts use it: no leaks)."""
    if actor.can(Perm.BOARD_ADMIN):
        return true()
    return and_(Board.is_active.is_(True), _rule_matches(Board.read_permission, actor))
