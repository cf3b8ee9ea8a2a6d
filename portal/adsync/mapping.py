"""From an AD entry to the fields of our user row: attribute mapping, OU parent, disabled bit."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ldap3.core.exceptions import LDAPInvalidDnError
from ldap3.utils.dn import parse_dn, safe_dn

from portal.adsync.directory import UAC_DISABLED, Entry
from portal.adsync.schemas import DEFAULT_MAPPING, REQUIRED_FIELDS

# Column widths of `users`: a longer value from AD is an entry error, not a truncated name.
FIELD_LIMITS = {"username": 64, "name": 100, "name_en": 100, "email": 254, "phone": 32, "position": 50,
                "job_title": 100, "employee_number": 32}
PROFILE_FIELDS = ("name", "name_en", "email", "phone", "position", "job_title", "employee_number")


class EntryError(Exception):
    """This one entry cannot be synced; the run logs it and goes on."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class UserRecord:
    guid: str
    dn: str
    username: str
    fields: dict[str, str | None]
    disabled: bool
    parent_dn: str | None
    manager_dn: str | None


# A DN without escapes, quotes, multi-valued RDNs or spaces around separators is already canonical: lower-casing
# it is enough. AD returns DNs that way; anything else takes the (cached) full parse.
_PLAIN_DN = re.compile(r"^(?:[A-Za-z][A-Za-z0-9-]*=[^,=+\\\"<>;#\s](?:[^,=+\\\"<>;#]*[^,=+\\\"<>;#\s])?,)*"
                       r"[A-Za-z][A-Za-z0-9-]*=[^,=+\\\"<>;#\s](?:[^,=+\\\"<>;#]*[^,=+\\\"<>;#\s])?$")


def normalize_dn(dn: str) -> str:
    """A DN in one canonical spelling (attribute types and values as AD returns them, lower-cased)."""
    if _PLAIN_DN.match(dn):
        return dn.lower()
    return _parsed_dn(dn)


@lru_cache(maxsize=65536)
def _parsed_dn(dn: str) -> str:
    try:
        return safe_dn(dn).lower()
    except (LDAPInvalidDnError, ValueError, IndexError):
        return dn.strip().lower()


@lru_cache(maxsize=65536)
def parent_dn(dn: str) -> str | None:
    try:
        parts = parse_dn(dn, escape=False)
    except (LDAPInvalidDnError, ValueError, IndexError):
        return None
    if len(parts) < 2:
        return None
    return ",".join(f"{attr}={value}" for attr, value, _ in parts[1:])


def attributes_for(mapping: dict[str, str]) -> list[str]:
    """Every attribute a user search must return for this mapping."""
    wanted = {"objectGUID", "sAMAccountName", "userAccountControl", "uSNChanged"}
    for attrs in {**DEFAULT_MAPPING, **mapping}.values():
        wanted.update(a.strip() for a in attrs.split("|") if a.strip())
    return sorted(wanted)


def _value(entry: Entry, spec: str) -> str | None:
    for attr in filter(None, (a.strip() for a in spec.split("|"))):
        value = entry.text(attr)
        if value:
            return value
    return None


def to_record(entry: Entry, mapping: dict[str, str]) -> UserRecord:
    merged = {**DEFAULT_MAPPING, **mapping}
    guid = entry.guid()
    if guid is None:
        raise EntryError("AD_ENTRY_NO_GUID", "the entry has no objectGUID")
    values = {field: _value(entry, spec) if spec else None for field, spec in merged.items()}
    for field in REQUIRED_FIELDS:
        if not values.get(field):
            raise EntryError("AD_ENTRY_MISSING_ATTRIBUTE",
                             f"the entry has no value for {field} (mapped from {merged[field]!r})")
    for field, limit in FIELD_LIMITS.items():
        value = values.get(field)
        if value is not None and len(value) > limit:
            raise EntryError("AD_ENTRY_VALUE_TOO_LONG", f"{field} is longer than {limit} characters")
    email = values.get("email")
    if email is not None and "@" not in email:
        values["email"] = None  # not an address; AD's mail attribute is free text
    uac = entry.number("userAccountControl") or 0
    return UserRecord(
        guid=guid,
        dn=entry.dn,
        username=str(values["username"]).lower(),
        fields={f: values.get(f) for f in PROFILE_FIELDS},
        disabled=bool(uac & UAC_DISABLED),
        parent_dn=parent_dn(entry.dn),
        manager_dn=values.get("manager"),
    )
