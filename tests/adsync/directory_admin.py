"""Writing to the test directory the way an AD administrator would: OUs, users, groups, memberships."""

from __future__ import annotations

import ssl
from dataclasses import dataclass

from ldap3 import MODIFY_ADD, MODIFY_DELETE, MODIFY_REPLACE, NONE, SIMPLE, Connection, Server, Tls

from tests.adsync.samba import ADMIN_DN, ADMIN_PASSWORD, BASE_DN, CERT_NAME, HOST, SambaDC

NORMAL_ACCOUNT = 0x200
DISABLED = 0x2


@dataclass
class DirectoryAdmin:
    conn: Connection

    @classmethod
    def fresh(cls, dc: SambaDC) -> DirectoryAdmin:
        """The session's directory reset to a clean state, with OU=Corp as the synced subtree."""
        dc.reset()
        admin = cls.connect(ca=dc.ca_certificate)
        admin.add_ou(f"OU=Corp,{BASE_DN}")
        return admin

    @classmethod
    def connect(cls, ca: str) -> DirectoryAdmin:
        tls = Tls(validate=ssl.CERT_REQUIRED, ca_certs_data=ca, valid_names=[CERT_NAME])
        server = Server(HOST, port=636, use_ssl=True, tls=tls, get_info=NONE)
        conn = Connection(server, user=ADMIN_DN, password=ADMIN_PASSWORD, authentication=SIMPLE,
                          auto_bind=True, raise_exceptions=True)
        return cls(conn)

    def close(self) -> None:
        self.conn.unbind()

    def add_ou(self, dn: str) -> str:
        self.conn.add(dn, ["top", "organizationalUnit"])
        return dn

    def add_user(self, username: str, ou: str, *, display_name: str | None, password: str | None = None,
                 **attributes: str | list[str]) -> str:
        dn = f"CN={username},{ou}"
        attrs: dict[str, object] = {"sAMAccountName": username, "userPrincipalName": f"{username}@corp.example.com",
                                    **attributes}
        if display_name is not None:
            attrs["displayName"] = display_name
        self.conn.add(dn, ["top", "person", "organizationalPerson", "user"], attrs)
        if password is not None:
            self.set_password(dn, password)
        self.set_enabled(dn, True)
        return dn

    def set_password(self, dn: str, password: str) -> None:
        encoded = f'"{password}"'.encode("utf-16-le")
        self.conn.modify(dn, {"unicodePwd": [(MODIFY_REPLACE, [encoded])]})

    def set_enabled(self, dn: str, enabled: bool) -> None:
        uac = NORMAL_ACCOUNT if enabled else NORMAL_ACCOUNT | DISABLED
        self.conn.modify(dn, {"userAccountControl": [(MODIFY_REPLACE, [str(uac)])]})

    def modify(self, dn: str, **values: str | list[str]) -> None:
        self.conn.modify(dn, {k: [(MODIFY_REPLACE, v if isinstance(v, list) else [v])] for k, v in values.items()})

    def add_group(self, name: str, ou: str, members: list[str] | None = None) -> str:
        dn = f"CN={name},{ou}"
        attrs: dict[str, object] = {"sAMAccountName": name}
        if members:
            attrs["member"] = members
        self.conn.add(dn, ["top", "group"], attrs)
        return dn

    def add_members(self, group: str, members: list[str]) -> None:
        self.conn.modify(group, {"member": [(MODIFY_ADD, members)]})

    def remove_members(self, group: str, members: list[str]) -> None:
        self.conn.modify(group, {"member": [(MODIFY_DELETE, members)]})

    def move(self, dn: str, new_parent: str) -> str:
        rdn = dn.split(",", 1)[0]
        self.conn.modify_dn(dn, rdn, new_superior=new_parent)
        return f"{rdn},{new_parent}"

    def rename(self, dn: str, new_rdn: str) -> str:
        self.conn.modify_dn(dn, new_rdn)
        return f"{new_rdn},{dn.split(',', 1)[1]}"

    def delete(self, dn: str) -> None:
        self.conn.delete(dn)


CORP = f"OU=Corp,{BASE_DN}"
