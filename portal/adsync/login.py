"""Login for directory accounts: find the DN by sAMAccountName (escaped), then bind as it over TLS."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from portal.adsync import directory as ad
from portal.adsync.models import ADSyncConfig
from portal.adsync.sync import ConfigProblem, directory_settings
from portal.common.errors import ServiceUnavailable
from portal.settings import Settings

log = logging.getLogger(__name__)


def _verify(settings: ad.DirectorySettings, username: str, password: str) -> tuple[bool, str]:
    service = ad.open_connection(settings)
    try:
        found = ad.find_user_dn(service, settings.base_dns, username)
    finally:
        service.unbind()
    if found is None:
        return False, "not_in_directory"
    dn, uac = found
    if uac & ad.UAC_DISABLED:
        return False, "disabled_in_directory"
    try:
        ad.open_connection(settings, user=dn, password=password).unbind()
    except ad.DirectoryError as exc:
        if exc.code == "AD_BAD_CREDENTIALS":
            return False, "bad_password"
        raise
    return True, "ok"


async def verify_password(session: AsyncSession, settings: Settings, username: str, password: str,
                          ) -> tuple[bool, str]:
    """(valid, reason). A disabled AD account is refused here, before any sync has seen it."""
    if not password:
        # An empty password makes an LDAP simple bind "unauthenticated" and it SUCCEEDS: never send one.
        return False, "empty_password"
    config = (await session.execute(select(ADSyncConfig).order_by(ADSyncConfig.id).limit(1))).scalar()
    if config is None:
        return False, "directory_not_configured"
    try:
        directory = directory_settings(config, settings.encryption_key_bytes, timeout=5.0)
        return await asyncio.wait_for(asyncio.to_thread(_verify, directory, username, password), timeout=15)
    except (ConfigProblem, ad.DirectoryError, TimeoutError) as exc:
        code = getattr(exc, "code", "AD_TIMEOUT")
        log.warning("directory login unavailable", extra={"code": code})
        raise ServiceUnavailable("the company directory cannot be reached; try again shortly",
                                 code="DIRECTORY_UNAVAILABLE") from exc
