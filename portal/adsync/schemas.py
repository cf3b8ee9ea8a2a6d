"""The AD sync API's shapes: configuration (the password only ever goes in), test result, status, logs."""

from __future__ import annotations

import re
import ssl
from datetime import datetime
from typing import Any, Literal

from ldap3.core.exceptions import LDAPInvalidDnError
from ldap3.utils.dn import parse_dn
from pydantic import BaseModel, ConfigDict, Field, SecretStr, StrictBool, field_validator, model_validator

# Which user fields an AD attribute can feed. A value may name fallbacks: "displayName|cn".
MAPPABLE_FIELDS = ("username", "name", "name_en", "email", "phone", "position", "job_title", "employee_number",
                   "manager")
REQUIRED_FIELDS = ("username", "name")
DEFAULT_MAPPING: dict[str, str] = {
    "username": "sAMAccountName",
    "name": "displayName|cn",
    "name_en": "",
    "email": "mail",
    "phone": "telephoneNumber|mobile",
    "position": "title",
    "job_title": "",
    "employee_number": "employeeID",
    "manager": "manager",
}
DEFAULT_USER_FILTER = "(&(objectCategory=person)(objectClass=user))"
_ATTRIBUTE = re.compile(r"^[A-Za-z][A-Za-z0-9-]{0,63}$")
_CRON_FIELD = re.compile(r"^[0-9A-Za-z*/,\-?]+$")


def _check_dn(value: str, what: str) -> str:
    value = value.strip()
    try:
        parts = parse_dn(value)
    except (LDAPInvalidDnError, ValueError, IndexError) as exc:
        raise ValueError(f"{what} {value!r} is not a valid distinguished name") from exc
    if not parts:
        raise ValueError(f"{what} must not be empty")
    return value


def _balanced_filter(value: str) -> str:
    value = value.strip()
    depth = 0
    for char in value:
        depth += 1 if char == "(" else -1 if char == ")" else 0
        if depth < 0:
            break
    if not (value.startswith("(") and value.endswith(")")) or depth != 0:
        raise ValueError("the user filter must be an LDAP filter in parentheses, e.g. (objectClass=user)")
    return value


class OUMapping(BaseModel):
    """OUs become departments: the OU tree is mirrored, and `rules` pins an OU (by DN) to an existing
    department (by code) instead; OUs below a pinned one are mirrored under that department."""

    mirror_tree: StrictBool = True
    rules: dict[str, str] = Field(default_factory=dict)

    @field_validator("rules")
    @classmethod
    def _dns(cls, value: dict[str, str]) -> dict[str, str]:
        return {_check_dn(dn, "OU"): code.strip() for dn, code in value.items()}


class ADSyncConfigIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    server_url: str = Field(min_length=1, max_length=255, examples=["ldaps://dc1.corp.example.com"])
    port: int | None = Field(default=None, ge=1, le=65535, description="default 636 (LDAPS) or 389 (StartTLS)")
    use_ldaps: StrictBool = True
    use_starttls: StrictBool = False
    ca_certificate: str | None = Field(default=None, max_length=20000,
                                       description="PEM of the CA that issued the DC's certificate")
    tls_server_name: str | None = Field(default=None, max_length=255,
                                        description="the host name on the DC's certificate when it differs "
                                                    "from the server URL (e.g. connecting by IP)")
    bind_dn: str = Field(min_length=1, max_length=500)
    bind_password: SecretStr | None = Field(default=None, description="omit to keep the stored password")
    base_dns: list[str] = Field(min_length=1, max_length=20)
    user_filter: str = Field(default=DEFAULT_USER_FILTER, max_length=1000)
    sync_schedule: str | None = Field(default=None, max_length=100, examples=["*/30 * * * *"])
    is_enabled: StrictBool = False
    attribute_mapping: dict[str, str] = Field(default_factory=lambda: dict(DEFAULT_MAPPING))
    ou_mapping: OUMapping = Field(default_factory=OUMapping)
    group_mapping: dict[str, str] = Field(default_factory=dict, description="group DN -> role name")

    @field_validator("server_url")
    @classmethod
    def _server(cls, value: str) -> str:
        text = value.strip()
        scheme, _, rest = text.rpartition("://")
        host = rest.split("/", 1)[0].rsplit(":", 1)[0] if rest.count(":") <= 1 else rest
        if scheme.lower() not in ("", "ldap", "ldaps") or not re.fullmatch(r"[A-Za-z0-9.\-\[\]:]+", host or ""):
            raise ValueError("the server URL must be a host name or ldaps://host[:port] / ldap://host[:port]")
        return text

    @field_validator("bind_dn")
    @classmethod
    def _bind_dn(cls, value: str) -> str:
        return _check_dn(value, "bind DN")

    @field_validator("base_dns")
    @classmethod
    def _base_dns(cls, value: list[str]) -> list[str]:
        return [_check_dn(dn, "base DN") for dn in value]

    @field_validator("user_filter")
    @classmethod
    def _filter(cls, value: str) -> str:
        return _balanced_filter(value)

    @field_validator("ca_certificate")
    @classmethod
    def _ca(cls, value: str | None) -> str | None:
        if not value or not value.strip():
            return None
        try:
            ssl.create_default_context(cadata=value)
        except (ssl.SSLError, ValueError) as exc:
            raise ValueError("the CA certificate is not a valid PEM certificate") from exc
        return value.strip() + "\n"

    @field_validator("sync_schedule")
    @classmethod
    def _cron(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        fields = value.split()
        if len(fields) != 5 or not all(_CRON_FIELD.match(f) for f in fields):
            raise ValueError("the schedule must be a 5-field cron expression, e.g. '0 * * * *'")
        return " ".join(fields)

    @field_validator("attribute_mapping")
    @classmethod
    def _mapping(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value) - set(MAPPABLE_FIELDS))
        if unknown:
            raise ValueError(f"unknown user fields {unknown}; mappable: {list(MAPPABLE_FIELDS)}")
        merged = {**DEFAULT_MAPPING, **value}
        for field, attrs in merged.items():
            for attr in filter(None, attrs.split("|")):
                if not _ATTRIBUTE.match(attr.strip()):
                    raise ValueError(f"{attr!r} (for {field}) is not an LDAP attribute name")
        missing = [f for f in REQUIRED_FIELDS if not merged.get(f)]
        if missing:
            raise ValueError(f"{missing} must be mapped")
        return merged

    @field_validator("group_mapping")
    @classmethod
    def _groups(cls, value: dict[str, str]) -> dict[str, str]:
        return {_check_dn(dn, "group"): role.strip() for dn, role in value.items()}

    @model_validator(mode="after")
    def _transport(self) -> ADSyncConfigIn:
        if self.use_ldaps == self.use_starttls:
            raise ValueError("choose exactly one of use_ldaps and use_starttls: binds are never sent in clear")
        if self.is_enabled and not self.sync_schedule:
            raise ValueError("an enabled sync needs a schedule")
        return self


class ADSyncConfigOut(BaseModel):
    configured: bool
    server_url: str | None = None
    port: int | None = None
    use_ldaps: bool = True
    use_starttls: bool = False
    ca_certificate: str | None = None
    tls_server_name: str | None = None
    bind_dn: str | None = None
    bind_password_set: bool = False
    base_dns: list[str] = Field(default_factory=list)
    user_filter: str = DEFAULT_USER_FILTER
    sync_schedule: str | None = None
    is_enabled: bool = False
    attribute_mapping: dict[str, str] = Field(default_factory=lambda: dict(DEFAULT_MAPPING))
    ou_mapping: OUMapping = Field(default_factory=OUMapping)
    group_mapping: dict[str, str] = Field(default_factory=dict)
    highest_committed_usn: int | None = None
    updated_at: datetime | None = None


class ADTestRequest(BaseModel):
    """Test either the stored configuration (empty body) or the form's values before saving them."""

    config: ADSyncConfigIn | None = None


class ADTestResult(BaseModel):
    ok: bool
    stage: Literal["config", "connect", "tls", "bind", "base_dn", "read", "done"]
    code: str | None = None
    message: str
    elapsed_ms: int
    highest_committed_usn: int | None = None


class ADRunRequest(BaseModel):
    mode: Literal["full", "incremental"] = "incremental"


class ADRunStarted(BaseModel):
    workflow_id: str
    mode: str


class ADSyncLogOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    status: str
    mode: str
    trigger: str
    workflow_id: str | None
    sync_started_at: datetime
    sync_completed_at: datetime | None
    synced_count: int
    created_count: int
    updated_count: int
    deactivated_count: int
    unchanged_count: int
    error_count: int
    error_details: list[Any]
    progress: dict[str, Any]


class ADSyncStatus(BaseModel):
    state: Literal["running", "idle", "not_configured"]
    running: ADSyncLogOut | None = None
    last_result: ADSyncLogOut | None = None
    schedule: str | None = None
    schedule_enabled: bool = False
    next_run_at: datetime | None = None
    schedule_id: str | None = None
    temporal_ui_url: str | None = None
