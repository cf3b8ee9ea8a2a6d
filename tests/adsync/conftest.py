"""AD fixtures: the session's Samba AD DC (tests/conftest.py `samba_dc`), reset for every test module."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.adsync.directory_admin import DirectoryAdmin
from tests.adsync.samba import ADMIN_DN, ADMIN_PASSWORD, BASE_DN, CERT_NAME, HOST, SambaDC


@pytest.fixture(scope="module")
def directory(samba_dc: SambaDC) -> Iterator[DirectoryAdmin]:
    """A clean directory for this module, with OU=Corp as the synced subtree."""
    admin = DirectoryAdmin.fresh(samba_dc)
    yield admin
    admin.close()


def config_body(dc: SambaDC, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "server_url": f"ldaps://{HOST}",
        "tls_server_name": CERT_NAME,
        "ca_certificate": dc.ca_certificate,
        "bind_dn": ADMIN_DN,
        "bind_password": ADMIN_PASSWORD,
        "base_dns": [f"OU=Corp,{BASE_DN}"],
    }
    body.update(overrides)
    return body


async def configure(client: httpx.AsyncClient, headers: dict[str, str], dc: SambaDC, **overrides: Any,
                    ) -> dict[str, Any]:
    response = await client.put("/api/v1/ad-sync/config", json=config_body(dc, **overrides), headers=headers)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data
