"""System activities: a read-only database probe used by the worker check."""

from __future__ import annotations

from sqlalchemy import func, select, text
from temporalio import activity

from portal.db.session import SessionFactory
from portal.users.models import User
from workflows.system import DatabaseProbe


class SystemActivities:
    def __init__(self, sessions: SessionFactory) -> None:
        self.sessions = sessions

    @activity.defn(name="system.probe_database")
    async def probe_database(self) -> DatabaseProbe:
        async with self.sessions() as session:
            now = (await session.execute(text("SELECT now()"))).scalar_one()
            revision = (await session.execute(text("SELECT version_num FROM alembic_version"))).scalar()
            active = (await session.execute(
                select(func.count()).select_from(User).where(User.is_active.is_(True))
            )).scalar_one()
        return DatabaseProbe(database_time=now.isoformat(), schema_revision=revision, active_users=active)
