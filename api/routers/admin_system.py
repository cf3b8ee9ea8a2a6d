"""`/api/v1/admin`: system settings (audited, cached) and usage statistics."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from api.deps import ClientDep, CurrentUser, RedisDep, SessionDep, SettingsDep, require
from portal.admin import service, statistics
from portal.admin.schemas import StatisticsOut, SystemSettings, SystemSettingsOut
from portal.auth.permissions import Perm
from portal.common.schemas import Envelope, ok

router = APIRouter(prefix="/admin", tags=["admin"])
SettingsManager = Annotated[CurrentUser, Depends(require(Perm.SETTINGS_MANAGE))]


@router.get("/settings", operation_id="admin_settings_get", response_model=Envelope[SystemSettingsOut])
async def get_settings(
    user: SettingsManager, session: SessionDep, redis: RedisDep, env: SettingsDep
) -> Envelope[SystemSettingsOut]:
    """The system settings, or their defaults (`is_default: true`) until an administrator saves them."""
    return ok(await service.get(session, redis, env=env))


@router.put("/settings", operation_id="admin_settings_update", response_model=Envelope[SystemSettingsOut])
async def update_settings(
    body: SystemSettings, user: SettingsManager, session: SessionDep, redis: RedisDep, env: SettingsDep,
    client: ClientDep,
) -> Envelope[SystemSettingsOut]:
    """Replaces every setting (send back what GET returned in `settings`, changed). The change is audited."""
    saved = await service.update(session, redis, actor=user.actor, data=body, env=env, client=client)
    return ok(saved, "settings saved")


@router.get("/statistics", operation_id="admin_statistics", response_model=Envelope[StatisticsOut],
            dependencies=[Depends(require(Perm.SYSTEM_MONITOR))])
async def get_statistics(session: SessionDep) -> Envelope[StatisticsOut]:
    """Active users; successful logins and new posts per day over the last 30 days (UTC); documents per
    status."""
    return ok(await statistics.summary(session))
