"""The directory the AD sync benchmark reads: divisions and teams as OUs, users with Korean names, one group.

Deterministic: the same `users` gives the same entries. Users are written over one plain ldap3 connection
(no passwords: the sync never binds as them), each team's head first so the others can name it as manager.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ldap3 import MODIFY_REPLACE, NONE, SIMPLE, Connection, Server, Tls

SURNAMES = "김이박최정강조윤장임한오서신권황안송류홍"
GIVEN = ["민준", "서연", "도윤", "지우", "하준", "서윤", "은우", "지민", "시우", "수아", "예준", "하윤", "지호", "채원",
         "주원", "지유", "현우", "윤서", "건우", "다은"]
TITLES = ["사원", "주임", "대리", "과장", "차장", "부장"]
DIVISIONS = ["경영지원본부", "영업본부", "연구개발본부", "생산본부"]
TEAMS = ["1팀", "2팀", "3팀", "4팀", "5팀"]
NORMAL_ACCOUNT = 0x200
HEADS_GROUP = "부서장"


@dataclass
class Directory:
    """What was written: the synced subtree, every user's DN in order, and the group of team heads."""

    base: str
    users: list[str] = field(default_factory=list)
    heads: list[str] = field(default_factory=list)
    ous: list[str] = field(default_factory=list)
    group: str = ""


def connect(host: str, ca: str, cert_name: str, bind_dn: str, password: str) -> Connection:
    tls = Tls(validate=ssl.CERT_REQUIRED, ca_certs_data=ca, valid_names=[cert_name])
    server = Server(host, port=636, use_ssl=True, tls=tls, get_info=NONE)
    return Connection(server, user=bind_dn, password=password, authentication=SIMPLE, auto_bind=True,
                      raise_exceptions=True)


def _name(n: int) -> str:
    return SURNAMES[n % len(SURNAMES)] + GIVEN[(n // len(SURNAMES)) % len(GIVEN)]


def populate(conn: Connection, domain_dn: str, users: int, progress: Callable[[int], None] | None = None,
             ) -> Directory:
    """OU=Corp with 4 division OUs of 5 team OUs each, `users` users spread over the 20 teams (the first of
    each team is its head and everyone else's manager), and a group of the heads."""
    base = f"OU=Corp,{domain_dn}"
    out = Directory(base=base)
    conn.add(base, ["top", "organizationalUnit"])
    teams: list[str] = []
    for division in DIVISIONS:
        div_dn = f"OU={division},{base}"
        conn.add(div_dn, ["top", "organizationalUnit"])
        out.ous.append(div_dn)
        for team in TEAMS:
            team_dn = f"OU={division} {team},{div_dn}"
            conn.add(team_dn, ["top", "organizationalUnit"])
            teams.append(team_dn)
    out.ous += teams
    per_team = [users // len(teams) + (1 if i < users % len(teams) else 0) for i in range(len(teams))]
    n = 0
    for team_dn, count in zip(teams, per_team, strict=True):
        head = None
        for k in range(count):
            n += 1
            username = f"u{n:05d}"
            dn = f"CN={username},{team_dn}"
            attrs: dict[str, object] = {
                "sAMAccountName": username, "userPrincipalName": f"{username}@corp.example.com",
                "displayName": _name(n), "mail": f"{username}@corp.example.com",
                "telephoneNumber": f"02-{2000 + n // 10000:04d}-{n % 10000:04d}",
                "title": TITLES[n % len(TITLES)], "employeeID": f"E{n:06d}",
                "userAccountControl": str(NORMAL_ACCOUNT),
            }
            if head is not None:
                attrs["manager"] = head
            conn.add(dn, ["top", "person", "organizationalPerson", "user"], attrs)
            out.users.append(dn)
            if k == 0:
                head = dn
                out.heads.append(dn)
            if progress is not None and n % 1000 == 0:
                progress(n)
    out.group = f"CN={HEADS_GROUP},{base}"
    conn.add(out.group, ["top", "group"], {"sAMAccountName": "heads", "member": out.heads})
    return out


def modify(conn: Connection, directory: Directory, count: int, round_no: int) -> list[str]:
    """Change the title and phone of `count` users spread over the directory (a different set each round)."""
    step = max(1, len(directory.users) // count)
    chosen = [directory.users[(i * step + round_no) % len(directory.users)] for i in range(count)]
    stamp = int(time.time()) % 10000
    for i, dn in enumerate(chosen):
        conn.modify(dn, {"title": [(MODIFY_REPLACE, [f"변경{round_no}-{i}"])],
                         "telephoneNumber": [(MODIFY_REPLACE, [f"010-{round_no:04d}-{stamp:04d}"])]})
    return chosen
