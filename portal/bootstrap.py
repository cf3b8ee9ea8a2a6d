"""Idempotent start-up data: the permission catalogue, the built-in roles and the bootstrap admin."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from portal.auth.models import Permission, Role, UserRole, role_permissions
from portal.auth.passwords import hash_password
from portal.auth.permissions import BUILTIN_ROLES, PERMISSION_DESCRIPTIONS
from portal.settings import Settings
from portal.users.models import AuthSource, User

log = logging.getLogger(__name__)
ADMIN_USERNAME = "admin"


async def sync_rbac(session: AsyncSession) -> None:
    """Make the permission catalogue and the built-in roles match the code."""
    existing = {p.code: p for p in (await session.execute(select(Permission))).scalars()}
    for perm, description in PERMISSION_DESCRIPTIONS.items():
        if perm.value not in existing:
            existing[perm.value] = Permission(code=perm.value, description=description)
            session.add(existing[perm.value])
    await session.flush()
    for name, (description, perms) in BUILTIN_ROLES.items():
        role = (await session.execute(select(Role).where(Role.name == name))).scalar_one_or_none()
        if role is None:
            role = Role(name=name, description=description, is_system=True)
            session.add(role)
            await session.flush()
        await session.execute(delete(role_permissions).where(role_permissions.c.role_id == role.id))
        await session.execute(
            insert(role_permissions),
            [{"role_id": role.id, "permission_id": existing[p.value].id} for p in sorted(perms)],
        )


async def ensure_admin(session: AsyncSession, settings: Settings) -> bool:
    """Create the `admin` account with the system_admin role if it does not exist. True if created."""
    if (await session.execute(select(User.id).where(User.username == ADMIN_USERNAME))).first():
        return False
    admin = User(
        username=ADMIN_USERNAME,
        name="관리자",
        name_en="Administrator",
        auth_source=AuthSource.local,
        password_hash=await hash_password(settings.admin_password, settings.bcrypt_rounds),
        password_changed_at=datetime.now(UTC),
    )
    session.add(admin)
    await session.flush()
    role_id = (await session.execute(select(Role.id).where(Role.name == "system_admin"))).scalar_one()
    session.add(UserRole(user_id=admin.id, role_id=role_id))
    log.info("bootstrap admin created", extra={"username": ADMIN_USERNAME})
    return True


async def bootstrap(session: AsyncSession, settings: Settings) -> None:
    from portal.approval import templates

    await sync_rbac(session)
    await ensure_admin(session, settings)
    await templates.seed(session)
    await session.commit()
