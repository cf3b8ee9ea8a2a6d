"""Who is acting and from where: passed from the API (or an activity) into services for auditing."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Actor:
    id: int
    username: str
    roles: frozenset[str] = field(default_factory=frozenset)
    permissions: frozenset[str] = field(default_factory=frozenset)
    department_id: int | None = None

    def can(self, permission: str) -> bool:
        return permission in self.permissions


@dataclass(frozen=True)
class ClientInfo:
    ip: str | None = None
    user_agent: str | None = None
    request_id: str | None = None
    channel: str = "web"
