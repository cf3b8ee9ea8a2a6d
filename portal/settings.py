"""One settings object for the whole platform, read from `GW_*` environment variables and `.env`."""

from __future__ import annotations

import base64
import binascii
import json
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# Values shipped for development only; production refuses to start with any of them.
DEV_JWT_SECRET = "dev-only-jwt-secret-change-me-0123456789abcdef"
DEV_ENCRYPTION_KEY = base64.b64encode(b"dev-only-encryption-key-32bytes!").decode()
DEV_ADMIN_PASSWORD = "Groupware1234!"
_PLACEHOLDERS = {"", "changeme", "change-me", "secret", "password", "admin", "placeholder", "xxx"}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GW_", env_file=".env", extra="ignore")

    env: Literal["development", "test", "production"] = "development"
    data_dir: Path = Path(".data")

    http_host: str = "127.0.0.1"
    http_port: int = 8000
    public_base_url: str = "http://localhost:8000"
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=lambda: ["http://localhost:5173"])
    max_request_bytes: int = 10 * 1024 * 1024

    # External services; when unset, `make run` starts the embedded one on the port below.
    database_url: str | None = None
    # Connections each process keeps open (10 more are opened and closed again under bursts). Concurrent
    # requests beyond it pay a fresh PostgreSQL connection each, so size it for the busiest moment.
    db_pool_size: Annotated[int, Field(ge=1, le=200)] = 20
    redis_url: str | None = None
    temporal_address: str | None = None
    temporal_namespace: str = "default"
    # Prepended to workflow ids and task queues; lets several databases (tests, staging copies) share one
    # Temporal namespace without their workers picking up each other's work.
    temporal_prefix: str = ""
    temporal_ui_url: str = "http://localhost:8233"
    smtp_host: str | None = None
    smtp_port: int = 1025
    smtp_from: str = "groupware@localhost"

    embedded_postgres_port: int = 15432
    embedded_redis_port: int = 16379
    embedded_temporal_port: int = 7233
    embedded_temporal_ui_port: int = 8233
    embedded_smtp_port: int = 1025

    jwt_secret: SecretStr = SecretStr(DEV_JWT_SECRET)
    jwt_algorithm: Literal["HS256", "HS384", "HS512"] = "HS256"
    jwt_issuer: str = "groupware"
    access_token_ttl_seconds: int = 3600
    refresh_token_ttl_seconds: int = 7 * 24 * 3600
    encryption_key: SecretStr = SecretStr(DEV_ENCRYPTION_KEY)
    bootstrap_admin_password: SecretStr | None = None
    bcrypt_rounds: int = Field(default=12, ge=4, le=16)

    login_rate_per_ip: int = 30
    login_rate_per_username: int = 10
    login_rate_window_seconds: int = 60
    lockout_threshold: int = 5
    lockout_seconds: int = 15 * 60
    password_min_length: int = 10

    storage_backend: Literal["filesystem", "s3"] = "filesystem"
    s3_endpoint_url: str | None = None
    s3_bucket: str = "groupware"
    s3_region: str = "us-east-1"
    s3_access_key: str | None = None
    s3_secret_key: SecretStr | None = None
    max_upload_bytes: int = 8 * 1024 * 1024
    max_attachments_per_item: int = 20

    user_cache_ttl_seconds: int = 300
    email_link_ttl_seconds: int = 14 * 24 * 3600
    dev_outbox: bool = True  # the dev-only page listing caught mail; never served in production
    # Demo company loaded by `make run` (portal/demo.py): unset means on in development, off otherwise.
    demo_data: bool | None = None
    log_level: str = "INFO"
    log_json: bool = True

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [v.strip() for v in text.split(",") if v.strip()]
        return value

    @model_validator(mode="after")
    def _refuse_placeholders_in_production(self) -> Settings:
        if self.env != "production":
            return self
        problems = []
        jwt = self.jwt_secret.get_secret_value()
        if jwt == DEV_JWT_SECRET or jwt.lower() in _PLACEHOLDERS or len(jwt) < 32:
            problems.append("GW_JWT_SECRET must be set to a random value of at least 32 characters")
        key = self.encryption_key.get_secret_value()
        if key == DEV_ENCRYPTION_KEY or not _is_aes256_key(key):
            problems.append("GW_ENCRYPTION_KEY must be a base64-encoded random 32-byte key")
        pw = self.bootstrap_admin_password.get_secret_value() if self.bootstrap_admin_password else ""
        if pw == DEV_ADMIN_PASSWORD or pw.lower() in _PLACEHOLDERS or len(pw) < self.password_min_length:
            problems.append("GW_BOOTSTRAP_ADMIN_PASSWORD must be set to a strong password")
        if problems:
            raise ValueError("refusing to start in production: " + "; ".join(problems))
        return self

    @property
    def admin_password(self) -> str:
        if self.bootstrap_admin_password is not None:
            return self.bootstrap_admin_password.get_secret_value()
        return DEV_ADMIN_PASSWORD

    @property
    def encryption_key_bytes(self) -> bytes:
        return base64.b64decode(self.encryption_key.get_secret_value())

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return embedded_database_url(self.data_dir, self.embedded_postgres_port)

    @property
    def effective_redis_url(self) -> str:
        return self.redis_url or f"redis://127.0.0.1:{self.embedded_redis_port}/0"

    @property
    def effective_temporal_address(self) -> str:
        return self.temporal_address or f"127.0.0.1:{self.embedded_temporal_port}"

    @property
    def effective_smtp(self) -> tuple[str, int]:
        if self.smtp_host:
            return self.smtp_host, self.smtp_port
        return "127.0.0.1", self.embedded_smtp_port


def _is_aes256_key(value: str) -> bool:
    try:
        return len(base64.b64decode(value, validate=True)) == 32
    except (binascii.Error, ValueError):
        return False


def embedded_database_url(data_dir: Path, port: int) -> str:
    """URL of the embedded PostgreSQL; its password lives in the data dir, written at first start."""
    password_file = data_dir / "postgres" / "password"
    password = password_file.read_text().strip() if password_file.exists() else ""
    return f"postgresql+psycopg://groupware:{password}@127.0.0.1:{port}/groupware"


@lru_cache
def get_settings() -> Settings:
    return Settings()
