"""Settings: production refuses placeholder secrets; development has documented defaults."""

from __future__ import annotations

import base64
import os

import pytest
from pydantic import ValidationError

from portal.settings import DEV_ADMIN_PASSWORD, Settings

STRONG = {
    "jwt_secret": "k" * 48,
    "encryption_key": base64.b64encode(os.urandom(32)).decode(),
    "bootstrap_admin_password": "A-strong-Admin-Pass-2026",
}


def make(**values):
    return Settings(_env_file=None, **values)


def test_development_defaults_work_without_configuration():
    s = make()
    assert s.env == "development" and s.http_port == 8000
    assert s.admin_password == DEV_ADMIN_PASSWORD
    assert len(s.encryption_key_bytes) == 32


@pytest.mark.parametrize("missing", ["jwt_secret", "encryption_key", "bootstrap_admin_password"])
def test_production_refuses_to_start_with_a_missing_or_default_secret(missing):
    values = {k: v for k, v in STRONG.items() if k != missing}
    with pytest.raises(ValidationError) as info:
        make(env="production", **values)
    assert "refusing to start in production" in str(info.value)
    assert missing.upper() in str(info.value).upper().replace("GW_", "")


@pytest.mark.parametrize(("field", "value"), [
    ("jwt_secret", "changeme"), ("jwt_secret", "short-secret"),
    ("encryption_key", "not base64!"), ("encryption_key", base64.b64encode(b"16 bytes only!!!").decode()),
    ("bootstrap_admin_password", "password"), ("bootstrap_admin_password", DEV_ADMIN_PASSWORD),
])
def test_production_refuses_placeholders(field, value):
    with pytest.raises(ValidationError):
        make(env="production", **{**STRONG, field: value})


def test_production_starts_with_real_secrets_and_never_prints_them():
    s = make(env="production", **STRONG)
    assert s.env == "production"
    assert STRONG["jwt_secret"] not in repr(s) and STRONG["bootstrap_admin_password"] not in repr(s)


def test_environment_variables_use_the_gw_prefix(monkeypatch):
    monkeypatch.setenv("GW_HTTP_PORT", "9123")
    monkeypatch.setenv("GW_CORS_ORIGINS", "https://a.example, https://b.example")
    s = make()
    assert s.http_port == 9123 and s.cors_origins == ["https://a.example", "https://b.example"]


def test_external_services_replace_embedded_ones():
    s = make(database_url="postgresql+psycopg://u:p@db:5432/gw", redis_url="redis://cache:6379/1",
             temporal_address="temporal:7233")
    assert s.effective_database_url.endswith("@db:5432/gw")
    assert s.effective_redis_url == "redis://cache:6379/1" and s.effective_temporal_address == "temporal:7233"
    embedded = make()
    assert embedded.effective_temporal_address == "127.0.0.1:7233"
