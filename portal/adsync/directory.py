"""Talking to Active Directory over LDAP (ldap3, synchronous: callers run it in a thread).

Everything here follows AD's own rules even where Samba is more lenient: pages of at most 1,000 entries,
`member` values read in ranges (`member;range=0-1499`), binds only over LDAPS or StartTLS with the
certificate checked, and every value placed into a filter escaped.
"""

from __future__ import annotations

import math
import socket
import ssl
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ldap3 import BASE, NONE, SIMPLE, SUBTREE, Connection, Server, Tls
from ldap3.core.exceptions import (
    LDAPCommunicationError,
    LDAPException,
    LDAPSocketOpenError,
    LDAPSocketReceiveError,
    LDAPStartTLSError,
)
from ldap3.utils.conv import escape_filter_chars

PAGE_SIZE = 1000  # AD's MaxPageSize: never ask for more, never assume a page holds everything
PAGED_RESULTS_OID = "1.2.840.113556.1.4.319"
SHOW_DELETED_OID = "1.2.840.113556.1.4.417"
UAC_DISABLED = 0x2
DISABLED_FILTER = "(userAccountControl:1.2.840.113556.1.4.803:=2)"

LDAP_INVALID_CREDENTIALS = 49
LDAP_NO_SUCH_OBJECT = 32


@dataclass(frozen=True)
class DirectorySettings:
    """Everything needed to reach one directory; the password is already decrypted."""

    host: str
    port: int
    use_ldaps: bool
    use_starttls: bool
    bind_dn: str
    bind_password: str
    base_dns: tuple[str, ...] = ()
    user_filter: str = "(&(objectCategory=person)(objectClass=user))"
    ca_certificate: str | None = None
    tls_server_name: str | None = None
    timeout: float = 10.0


class DirectoryError(Exception):
    """A failure with the stage it happened at and a stable code an admin can act on."""

    def __init__(self, code: str, stage: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.stage = stage
        self.message = message

    @property
    def retryable(self) -> bool:
        return self.code in {"AD_UNREACHABLE", "AD_CONNECTION_REFUSED", "AD_TIMEOUT", "AD_CONNECTION_LOST"}

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "stage": self.stage, "message": self.message}


def parse_server_url(url: str, port: int | None, use_ldaps: bool) -> tuple[str, int, bool]:
    """`ldaps://dc1.corp.example.com:636`, `ldap://host` or a bare host name -> host, port, LDAPS."""
    text = url.strip()
    scheme = ""
    if "://" in text:
        scheme, text = text.split("://", 1)
        scheme = scheme.lower()
    text = text.rstrip("/")
    host, _, explicit = text.rpartition(":") if text.count(":") == 1 else (text, "", "")
    if scheme == "ldaps":
        use_ldaps = True
    elif scheme == "ldap":
        use_ldaps = False
    chosen = int(explicit) if explicit.isdigit() else (port or (636 if use_ldaps else 389))
    return host, chosen, use_ldaps


def _tls(settings: DirectorySettings) -> Tls:
    return Tls(
        validate=ssl.CERT_REQUIRED,
        version=ssl.PROTOCOL_TLS_CLIENT,
        ca_certs_data=settings.ca_certificate or None,
        valid_names=[settings.tls_server_name] if settings.tls_server_name else None,
    )


def classify(exc: BaseException, stage: str) -> DirectoryError:
    """Turn whatever ldap3, ssl or socket raised into a reason an administrator can act on."""
    if isinstance(exc, DirectoryError):
        return exc
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    text = " | ".join(str(e) for e in seen)
    lowered = text.lower()
    if "doesn't match" in lowered or "hostname mismatch" in lowered:
        return DirectoryError("AD_TLS_CERTIFICATE", "tls",
                              "the server's TLS certificate is issued to another host name; connect by that name "
                              "or set the TLS server name to the name on the certificate")
    if "expired" in lowered and "certificate" in lowered:
        return DirectoryError("AD_TLS_CERTIFICATE", "tls", "the server's TLS certificate has expired")
    if any(isinstance(e, ssl.SSLCertVerificationError) for e in seen) or "certificate verify failed" in lowered:
        return DirectoryError("AD_TLS_CERTIFICATE", "tls",
                              "the server's TLS certificate is not trusted; add the issuing CA certificate "
                              f"({_short(text, 160)})")
    if "timed out" in lowered or "timeout" in lowered:
        return DirectoryError("AD_TIMEOUT", stage, "the server did not answer in time")
    if any(isinstance(e, ssl.SSLError) for e in seen) or "ssl" in lowered or isinstance(exc, LDAPStartTLSError):
        return DirectoryError("AD_TLS_FAILED", "tls", f"the TLS handshake failed: {_short(text)}")
    if any(isinstance(e, socket.gaierror) for e in seen) or "invalid server address" in lowered \
            or "name or service not known" in lowered or "nodename nor servname" in lowered:
        return DirectoryError("AD_UNREACHABLE", "connect", f"the server name does not resolve: {_short(text)}")
    if "refused" in lowered:
        return DirectoryError("AD_CONNECTION_REFUSED", "connect",
                              "the server refused the connection (wrong host or port, or the service is down)")
    if isinstance(exc, LDAPSocketReceiveError) or "closed" in lowered or "reset" in lowered \
            or "broken pipe" in lowered:
        return DirectoryError("AD_CONNECTION_LOST", stage, "the connection to the server was lost")
    if isinstance(exc, LDAPSocketOpenError):
        return DirectoryError("AD_UNREACHABLE", "connect", f"the server could not be reached: {_short(text)}")
    if isinstance(exc, LDAPCommunicationError):
        return DirectoryError("AD_CONNECTION_LOST", stage, f"the connection to the server was lost: {_short(text)}")
    return DirectoryError("AD_ERROR", stage, _short(text) or exc.__class__.__name__)


def _short(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def open_connection(settings: DirectorySettings, *, user: str | None = None, password: str | None = None,
                    ) -> Connection:
    """Connect, secure (LDAPS or StartTLS; plain binds are refused) and bind; raises DirectoryError."""
    if not (settings.use_ldaps or settings.use_starttls):
        raise DirectoryError("AD_TLS_REQUIRED", "config",
                             "LDAPS or StartTLS is required: a simple bind would send the password in clear")
    server = Server(settings.host, port=settings.port, use_ssl=settings.use_ldaps, tls=_tls(settings),
                    get_info=NONE, connect_timeout=settings.timeout)
    conn = Connection(server, user=user or settings.bind_dn, password=password or settings.bind_password,
                      authentication=SIMPLE, receive_timeout=max(1, math.ceil(settings.timeout)), auto_range=False,
                      read_only=True, raise_exceptions=False, auto_referrals=False,
                      return_empty_attributes=False)
    stage = "connect"
    try:
        conn.open()
        if settings.use_starttls and not settings.use_ldaps:
            stage = "tls"
            if not conn.start_tls():
                raise DirectoryError("AD_TLS_FAILED", "tls", f"StartTLS was refused: {conn.result}")
        stage = "bind"
        if not conn.bind():
            code = (conn.result or {}).get("result")
            conn.unbind()
            if code == LDAP_INVALID_CREDENTIALS:
                raise DirectoryError("AD_BAD_CREDENTIALS", "bind", "the bind DN or password was rejected")
            raise DirectoryError("AD_BIND_FAILED", "bind",
                                 f"bind failed: {(conn.result or {}).get('description', 'unknown')}")
    except DirectoryError:
        raise
    except (LDAPException, OSError) as exc:
        try:
            conn.unbind()
        except Exception:  # noqa: BLE001 - already failing; the first error is the one to report
            pass
        raise classify(exc, stage) from exc
    return conn


def _raise_for(conn: Connection, stage: str, what: str) -> None:
    result = conn.result or {}
    code = result.get("result", 0)
    if code == 0:
        return
    if code == LDAP_NO_SUCH_OBJECT:
        raise DirectoryError("AD_NO_SUCH_OBJECT", stage, f"{what} does not exist in the directory")
    raise DirectoryError("AD_SEARCH_FAILED", stage, f"{what}: {result.get('description')} {result.get('message')}")


def check_base(conn: Connection, base_dn: str) -> None:
    try:
        conn.search(base_dn, "(objectClass=*)", search_scope=BASE, attributes=["objectClass"])
    except LDAPException as exc:
        raise classify(exc, "base_dn") from exc
    _raise_for(conn, "base_dn", f"base DN {base_dn!r}")


def highest_committed_usn(conn: Connection) -> int:
    """The directory's update sequence number now (rootDSE); changes after this are seen next time."""
    try:
        conn.search("", "(objectClass=*)", search_scope=BASE, attributes=["highestCommittedUSN"])
    except LDAPException as exc:
        raise classify(exc, "read") from exc
    _raise_for(conn, "read", "the root DSE")
    for item in conn.response or []:
        values = item.get("raw_attributes", {}).get("highestCommittedUSN")
        if values:
            return int(values[0])
    raise DirectoryError("AD_ERROR", "read", "the server did not report highestCommittedUSN")


@dataclass
class Entry:
    """One search result with attribute names lower-cased and values as raw bytes."""

    dn: str
    attributes: dict[str, list[bytes]] = field(default_factory=dict)

    def text(self, name: str) -> str | None:
        values = self.attributes.get(name.lower())
        if not values:
            return None
        value = values[0].decode("utf-8", errors="replace").strip()
        return value or None

    def number(self, name: str) -> int | None:
        value = self.text(name)
        try:
            return int(value) if value is not None else None
        except ValueError:
            return None

    def guid(self) -> str | None:
        values = self.attributes.get("objectguid")
        if not values or len(values[0]) != 16:
            return None
        return str(uuid.UUID(bytes_le=values[0]))


def _entries(response: list[dict[str, Any]] | None) -> list[Entry]:
    out = []
    for item in response or []:
        if item.get("type") != "searchResEntry":
            continue
        raw = item.get("raw_attributes") or {}
        out.append(Entry(dn=item["dn"], attributes={k.lower(): list(v) for k, v in raw.items()}))
    return out


def paged_search(conn: Connection, base_dn: str, search_filter: str, attributes: list[str], *,
                 page_size: int = PAGE_SIZE, show_deleted: bool = False) -> Iterator[list[Entry]]:
    """Yield pages of entries, following the paged-results cookie until the server says there is no more."""
    size = min(page_size, PAGE_SIZE)
    cookie: bytes | None = None
    controls = [(SHOW_DELETED_OID, True, None)] if show_deleted else None
    while True:
        try:
            conn.search(base_dn, search_filter, search_scope=SUBTREE, attributes=attributes,
                        paged_size=size, paged_cookie=cookie, controls=controls)
        except LDAPException as exc:
            raise classify(exc, "read") from exc
        _raise_for(conn, "read", f"search under {base_dn!r}")
        yield _entries(conn.response)
        control = ((conn.result or {}).get("controls") or {}).get(PAGED_RESULTS_OID) or {}
        cookie = (control.get("value") or {}).get("cookie")
        if not cookie:
            return


def ranged_values(conn: Connection, dn: str, attribute: str = "member") -> list[str]:
    """All values of a multi-valued attribute, read the way AD hands out large ones: in ranges.

    AD returns at most 1,500 (MaxValRange) values of `member` at a time, under the attribute name
    `member;range=0-1499`; the last range ends in `*`. Ask for `member;range=<next>-*` until then.
    """
    values: list[str] = []
    low = 0
    prefix = f"{attribute.lower()};range="
    while True:
        requested = f"{attribute};range={low}-*"
        try:
            conn.search(dn, "(objectClass=*)", search_scope=BASE, attributes=[requested])
        except LDAPException as exc:
            raise classify(exc, "read") from exc
        _raise_for(conn, "read", f"entry {dn!r}")
        entries = _entries(conn.response)
        if not entries:
            return values
        attrs = entries[0].attributes
        ranged = [name for name in attrs if name.startswith(prefix)]
        if not ranged:
            # A server that does not range (Samba, small groups) answers with the plain attribute, or nothing.
            plain = attrs.get(attribute.lower(), [])
            values.extend(v.decode("utf-8") for v in plain)
            return values
        name = ranged[0]
        chunk = attrs[name]
        values.extend(v.decode("utf-8") for v in chunk)
        high = name[len(prefix):].split("-", 1)[1]
        if high == "*" or not chunk:
            return values
        low = int(high) + 1


def find_user_dn(conn: Connection, base_dns: tuple[str, ...], username: str) -> tuple[str, int] | None:
    """The DN and userAccountControl of the account with this sAMAccountName (value escaped), if any."""
    search_filter = f"(&(objectCategory=person)(objectClass=user)(sAMAccountName={escape_filter_chars(username)}))"
    for base in base_dns:
        try:
            conn.search(base, search_filter, search_scope=SUBTREE, attributes=["userAccountControl"], size_limit=2)
        except LDAPException as exc:
            raise classify(exc, "read") from exc
        entries = _entries(conn.response)
        if entries:
            return entries[0].dn, entries[0].number("userAccountControl") or 0
    return None


def test_connection(settings: DirectorySettings) -> dict[str, Any]:
    """Connect, secure, bind and look at every base DN; the first failure stops and says why."""
    steps: list[str] = []
    conn = open_connection(settings)
    steps += ["connect", "tls", "bind"]
    try:
        for base in settings.base_dns:
            check_base(conn, base)
        steps.append("base_dn")
        usn = highest_committed_usn(conn)
    finally:
        conn.unbind()
    return {"steps": steps, "highest_committed_usn": usn}
